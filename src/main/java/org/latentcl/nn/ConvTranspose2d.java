package org.latentcl.nn;

import org.latentcl.backend.Activation;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.ChannelBias;
import org.latentcl.backend.ops.ChannelMajor;
import org.latentcl.backend.ops.ConvEpilogue;
import org.latentcl.backend.ops.ConvShape;
import org.latentcl.backend.ops.Gemm;
import org.latentcl.backend.ops.Im2Col;

/**
 * A transposed 2-D convolution as PyTorch's {@code nn.ConvTranspose2d} computes it: the input
 * gradient of the convolution that maps its output back to its input, computed as such (GEMM, then
 * col2im's gather), never by inserting zeros. Weight [in, out, kh, kw] (stored in x (out kh kw)),
 * bias [out]; output H_out = (H - 1) stride - 2 pad + k + outputPadding. Backward is that convolution's
 * forward pass: dx = W im2col(dy), dW = x' im2col(dy)^T with x' channel-major, db = the per-channel
 * sums of dy. Parameters are named {@code NAME.weight} and {@code NAME.bias}.
 */
public final class ConvTranspose2d extends ConvLayer {
    /** The forward pass's input in channel-major order, kept for the weight gradient when small ({@link #keeps}). */
    private Tensor inputCm;
    private final int height;
    private final int width;
    private final int outputPadding;
    /** The convolution whose input gradient this layer is: from the output (out channels) back to the input (in channels). */
    private final ConvShape adjoint;

    /**
     * @param name          parameter prefix
     * @param in            input channels
     * @param out           output channels
     * @param height        input height
     * @param width         input width
     * @param kernel        kernel size (square)
     * @param stride        stride
     * @param pad           padding (as PyTorch's: removed from the output's border)
     * @param outputPadding extra rows and columns at the output's bottom and right, below stride
     * @param maxBatch      the largest batch
     */
    public ConvTranspose2d(String name, int in, int out, int height, int width, int kernel, int stride, int pad, int outputPadding,
                           int maxBatch) {
        super(name, in, out, maxBatch);
        if (in < 1 || out < 1 || outputPadding < 0 || outputPadding >= stride) {
            throw new IllegalArgumentException("layer " + name + ": channels must be positive and output padding in [0, stride), got in "
                    + in + ", out " + out + ", output padding " + outputPadding + ", stride " + stride);
        }
        this.height = height;
        this.width = width;
        this.outputPadding = outputPadding;
        int outH = (height - 1) * stride - 2 * pad + kernel + outputPadding;
        int outW = (width - 1) * stride - 2 * pad + kernel + outputPadding;
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("layer " + name + ": a " + height + "x" + width + " input gives no output with kernel "
                    + kernel + ", stride " + stride + " and padding " + pad);
        }
        this.adjoint = new ConvShape(maxBatch, out, outH, outW, kernel, kernel, stride, pad);
        if (adjoint.outHeight() != height || adjoint.outWidth() != width) {
            throw new IllegalStateException("layer " + name + ": the adjoint convolution maps " + outH + "x" + outW + " to "
                    + adjoint.outHeight() + "x" + adjoint.outWidth() + ", not " + height + "x" + width);
        }
    }

    /** This layer without its bias; call before binding. */
    public ConvTranspose2d withoutBias() {
        dropBias();
        return this;
    }

    @Override
    protected ConvLayer copy() {
        return new ConvTranspose2d(name, in, out, height, width, adjoint.kh(), adjoint.stride(), adjoint.pad(), outputPadding, maxBatch);
    }

    @Override
    protected ParamSpec weightSpec() {
        // PyTorch's fan-in for a transposed convolution's weight [in, out, k, k] is out * k * k (dimension 1 onward).
        int fanIn = out * adjoint.kh() * adjoint.kw();
        return ParamSpec.weight(name + ".weight", in, fanIn, fanIn, in, out, adjoint.kh(), adjoint.kw());
    }

    @Override
    protected ConvShape convolution() {
        return adjoint;
    }

    /** Values per output example: out x H_out x W_out. */
    @Override
    public int outputSize() {
        return adjoint.imageSize();
    }

    /** Values per input example: in x H x W. */
    @Override
    public int inputSize() {
        return in * height * width;
    }

    /** y (batch x out H_out W_out) = act(the transposed convolution of x (batch x in H W), plus the bias), the last two in col2im. */
    @Override
    public void forward(Tensor x, Tensor y, boolean training) {
        ConvShape s = shapeFor(x.rows());
        Tensor xcm;
        if (keeps(in, s.positions())) {
            inputCm = held(inputCm, in, s.positions());
            xcm = inputCm.view(0, in, s.positions());
        } else {
            xcm = sharedChannelMajor(in, s.positions());
        }
        Tensor c = sharedColumns(s.patch(), s.positions());
        ChannelMajor.toChannelMajor(backend, x, in, xcm);
        Gemm.gemm(backend, false, false, 1f, weightT(), xcm, 0f, c, null, Activation.IDENTITY);
        Im2Col.col2im(backend, s, c, 0f, y, outputEpilogue());
    }

    /**
     * Backward after {@link #forward} on x, from dy = dL/d(the output before the fused activation): dW and db (added to
     * what is there when {@code accumulate}) when {@code parameters}, and, when dx is not null, dx, carried through
     * {@code gate} (the activation that made x) on its way out of channel-major order.
     */
    @Override
    public boolean backward(Tensor x, Tensor y, Tensor dy, boolean accumulate, boolean parameters, Tensor dx, Activation gate) {
        ConvShape s = shapeFor(x.rows());
        Tensor c = sharedColumns(s.patch(), s.positions());
        float beta = accumulate ? 1f : 0f;
        Im2Col.im2col(backend, s, dy, c);
        if (parameters) {
            Tensor xcm;
            if (keeps(in, s.positions())) {
                xcm = inputCm.view(0, in, s.positions());
            } else {
                xcm = sharedChannelMajor(in, s.positions()); // too large to keep: permuted again
                ChannelMajor.toChannelMajor(backend, x, in, xcm);
            }
            Gemm.gemm(backend, false, true, 1f, xcm, c, beta, weight.grad(), null, Activation.IDENTITY);
            if (bias != null) {
                ChannelBias.channelBiasGradient(backend, dy, beta, bias.grad());
            }
        }
        if (dx != null) {
            Tensor dcm = sharedChannelMajor(in, s.positions());
            Gemm.gemm(backend, false, false, 1f, weight.value(), c, 0f, dcm, null, Activation.IDENTITY);
            ConvEpilogue through = ConvEpilogue.gated(x, gate);
            ChannelMajor.fromChannelMajor(backend, dcm, through, in, dx);
            return !through.plain();
        }
        return false;
    }

    @Override
    public void close() {
        super.close();
        inputCm = null;
    }
}
