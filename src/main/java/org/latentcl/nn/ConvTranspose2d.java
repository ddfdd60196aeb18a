package org.latentcl.nn;

import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.ChannelBias;
import org.latentcl.backend.ops.ChannelMajor;
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
public final class ConvTranspose2d implements Layer {
    private final String name;
    private final int in;
    private final int out;
    private final int height;
    private final int width;
    /** The convolution whose input gradient this layer is: from the output (out channels) back to the input (in channels). */
    private final ConvShape adjoint;
    private final int maxBatch;
    private Parameters params;
    private Backend backend;
    private Tensor inputCm;
    private Tensor cols;
    private Tensor gradCm;
    private boolean bias = true;

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
        if (in < 1 || out < 1 || outputPadding < 0 || outputPadding >= stride) {
            throw new IllegalArgumentException("layer " + name + ": channels must be positive and output padding in [0, stride), got in "
                    + in + ", out " + out + ", output padding " + outputPadding + ", stride " + stride);
        }
        this.name = name;
        this.in = in;
        this.out = out;
        this.height = height;
        this.width = width;
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
        this.maxBatch = maxBatch;
    }

    @Override
    public List<ParamSpec> specs() {
        // PyTorch's fan-in for a transposed convolution's weight [in, out, k, k] is out * k * k (dimension 1 onward).
        int fanIn = out * adjoint.kh() * adjoint.kw();
        ParamSpec weight = new ParamSpec(name + ".weight", in, fanIn, fanIn, new int[] {in, out, adjoint.kh(), adjoint.kw()});
        return bias ? List.of(weight, new ParamSpec(name + ".bias", 1, out, fanIn)) : List.of(weight);
    }

    /** Drops the bias (PyTorch's {@code bias=False}, as before a batch norm); call before {@link #bind}. */
    public ConvTranspose2d withoutBias() {
        bias = false;
        return this;
    }

    @Override
    public String label() {
        return name + " ConvTranspose2d";
    }

    @Override
    public void bind(Parameters p) {
        params = p;
        backend = p.backend();
        inputCm = backend.zeros(in, adjoint.positions());
        cols = backend.zeros(adjoint.patch(), adjoint.positions());
        gradCm = backend.zeros(in, adjoint.positions());
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

    private ConvShape shapeFor(int batch) {
        if (batch > maxBatch) {
            throw new IllegalArgumentException("batch of " + batch + " rows exceeds the " + maxBatch + " layer " + name + " was built for");
        }
        return new ConvShape(batch, out, adjoint.height(), adjoint.width(), adjoint.kh(), adjoint.kw(), adjoint.stride(), adjoint.pad());
    }

    /** y (batch x out H_out W_out) = the transposed convolution of x (batch x in H W), plus the bias. */
    @Override
    public void forward(Tensor x, Tensor y, boolean training) {
        ConvShape s = shapeFor(x.rows());
        Tensor xcm = inputCm.view(0, in, s.positions());
        Tensor c = cols.view(0, s.patch(), s.positions());
        ChannelMajor.toChannelMajor(backend, x, in, xcm);
        Gemm.gemm(backend, true, false, 1f, params.value(name + ".weight"), xcm, 0f, c, null, Activation.IDENTITY);
        Im2Col.col2im(backend, s, c, 0f, y);
        if (bias) {
            ChannelBias.channelBias(backend, y, params.value(name + ".bias"), y);
        }
    }

    /**
     * Backward after {@link #forward} on x: dW and db from dy (added to what is there when
     * {@code accumulate}) when {@code parameters}, and, when dx is not null, dx.
     */
    @Override
    public void backward(Tensor x, Tensor y, Tensor dy, boolean accumulate, boolean parameters, Tensor dx) {
        ConvShape s = shapeFor(x.rows());
        Tensor xcm = inputCm.view(0, in, s.positions());
        Tensor c = cols.view(0, s.patch(), s.positions());
        float beta = accumulate ? 1f : 0f;
        Im2Col.im2col(backend, s, dy, c);
        if (parameters) {
            // The channel-major input is the forward pass's, still in inputCm.
            Gemm.gemm(backend, false, true, 1f, xcm, c, beta, params.grad(name + ".weight"), null, Activation.IDENTITY);
            if (bias) {
                ChannelBias.channelBiasGradient(backend, dy, beta, params.grad(name + ".bias"));
            }
        }
        if (dx != null) {
            Tensor dcm = gradCm.view(0, in, s.positions());
            Gemm.gemm(backend, false, false, 1f, params.value(name + ".weight"), c, 0f, dcm, null, Activation.IDENTITY);
            ChannelMajor.fromChannelMajor(backend, dcm, null, in, dx);
        }
    }

    @Override
    public void close() {
        for (Tensor t : new Tensor[] {inputCm, cols, gradCm}) {
            if (t != null) {
                t.close();
            }
        }
    }
}
