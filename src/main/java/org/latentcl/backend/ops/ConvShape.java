package org.latentcl.backend.ops;

/**
 * The geometry of a 2-D convolution over a batch of NCHW images: n images of channels x height x
 * width, a kh x kw kernel, stride and zero padding, as PyTorch's {@code nn.Conv2d} takes them.
 *
 * @param n        images in the batch
 * @param channels input channels
 * @param height   input height
 * @param width    input width
 * @param kh       kernel height
 * @param kw       kernel width
 * @param stride   the step between outputs, in both directions
 * @param pad      zero padding on every side
 */
public record ConvShape(int n, int channels, int height, int width, int kh, int kw, int stride, int pad) {
    public ConvShape {
        if (n < 1 || channels < 1 || height < 1 || width < 1 || kh < 1 || kw < 1 || stride < 1 || pad < 0) {
            throw new IllegalArgumentException("convolution sizes must be positive (padding not negative): " + describe(n, channels,
                    height, width, kh, kw, stride, pad));
        }
        if (height + 2 * pad < kh || width + 2 * pad < kw) {
            throw new IllegalArgumentException("a " + kh + "x" + kw + " kernel does not fit a " + height + "x" + width + " image with padding "
                    + pad);
        }
    }

    /** Output height: (H + 2 pad - kh) / stride + 1. */
    public int outHeight() {
        return (height + 2 * pad - kh) / stride + 1;
    }

    /** Output width: (W + 2 pad - kw) / stride + 1. */
    public int outWidth() {
        return (width + 2 * pad - kw) / stride + 1;
    }

    /** Rows of the im2col matrix: channels x kh x kw. */
    public int patch() {
        return channels * kh * kw;
    }

    /** Columns of the im2col matrix: one per output position of every image. */
    public int positions() {
        return n * outHeight() * outWidth();
    }

    /** Values per input image. */
    public int imageSize() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return describe(n, channels, height, width, kh, kw, stride, pad);
    }

    private static String describe(int n, int c, int h, int w, int kh, int kw, int s, int p) {
        return n + "x" + c + "x" + h + "x" + w + " images, " + kh + "x" + kw + " kernel, stride " + s + ", padding " + p;
    }
}
