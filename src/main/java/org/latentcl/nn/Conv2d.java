package org.latentcl.nn;

import org.latentcl.backend.Activation;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.ConvTuning;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.ChannelBias;
import org.latentcl.backend.ops.ChannelMajor;
import org.latentcl.backend.ops.ConvEpilogue;
import org.latentcl.backend.ops.ConvShape;
import org.latentcl.backend.ops.Gemm;
import org.latentcl.backend.ops.Im2Col;
import org.latentcl.backend.ops.ImplicitConv;
import org.latentcl.backend.ops.ImplicitConvBackward;
import org.latentcl.backend.ops.RowSums;

/**
 * A 2-D convolution as PyTorch's {@code nn.Conv2d} computes it, on NCHW image batches (one example
 * per row): y = W * x + b, W of shape [out, in, kh, kw] (stored out x (in kh kw)), b of [out]. It runs
 * as GEMM: the patches of x gathered into columns (im2col), W times them in channel-major order, then
 * examples first with the bias. Backward: dW = dy' cols^T and db = the row sums of dy' (dy' = dy
 * channel-major), and dx = col2im(W^T dy'), a gather with no atomics. Where the device's tuning says so ({@code bench
 * conv --tune}), the forward pass is one implicit-GEMM launch instead ({@link ImplicitConv}) and the backward pass
 * gathers the columns itself; the backward pass is chosen apart: two implicit GEMMs ({@link ImplicitConvBackward}) and
 * the bias gradient straight from dy where the tuning says so. Parameters are named
 * {@code NAME.weight} and {@code NAME.bias}.
 */
public final class Conv2d extends ConvLayer {
    private final ConvShape shape;
    /** The forward pass's columns, kept for the weight gradient when small ({@link #keeps}). */
    private Tensor cols;
    /** Whether the last forward pass left its columns in {@link #cols}. */
    private boolean colsHeld;
    /** The shape {@link #tiles} and {@link #backwardTiles} were looked up for (null before the first lookup). */
    private ConvShape tilesLookedUpFor;
    private ClBackend.LocalGemmConfig tiles;
    private ClBackend.LocalGemmConfig backwardTiles;

    /**
     * @param name     parameter prefix
     * @param in       input channels
     * @param out      output channels
     * @param height   input height
     * @param width    input width
     * @param kernel   kernel size (square)
     * @param stride   stride
     * @param pad      zero padding
     * @param maxBatch the largest batch
     */
    public Conv2d(String name, int in, int out, int height, int width, int kernel, int stride, int pad, int maxBatch) {
        super(name, in, out, maxBatch);
        if (out < 1) {
            throw new IllegalArgumentException("layer " + name + ": output channels must be positive, got " + out);
        }
        this.shape = new ConvShape(maxBatch, in, height, width, kernel, kernel, stride, pad);
    }

    /** This layer without its bias; call before binding. */
    public Conv2d withoutBias() {
        dropBias();
        return this;
    }

    @Override
    protected ConvLayer copy() {
        return new Conv2d(name, in, out, shape.height(), shape.width(), shape.kh(), shape.stride(), shape.pad(), maxBatch);
    }

    @Override
    protected ParamSpec weightSpec() {
        int fanIn = shape.patch();
        return ParamSpec.weight(name + ".weight", out, fanIn, fanIn, out, in, shape.kh(), shape.kw());
    }

    @Override
    protected ConvShape convolution() {
        return shape;
    }

    /** Values per output example: out x Ho x Wo. */
    @Override
    public int outputSize() {
        return out * shape.outHeight() * shape.outWidth();
    }

    /** Values per input example: in x H x W. */
    @Override
    public int inputSize() {
        return shape.imageSize();
    }

    /** y (batch x out Ho Wo) = act(the convolution of x (batch x in H W), plus the bias). */
    @Override
    public void forward(Tensor x, Tensor y, boolean training) {
        ConvShape s = shapeFor(x.rows());
        ClBackend.LocalGemmConfig implicit = implicitTiles(s);
        colsHeld = implicit == null && keeps(s.patch(), s.positions());
        if (implicit != null) {
            ConvEpilogue ep = outputEpilogue();
            ImplicitConv.forward(backend, s, weight.value(), x, y, ep.bias(), ep.act(), implicit);
            return;
        }
        Tensor c;
        if (keeps(s.patch(), s.positions())) {
            cols = held(cols, s.patch(), s.positions());
            c = cols.view(0, s.patch(), s.positions());
        } else {
            c = sharedColumns(s.patch(), s.positions());
        }
        Tensor cm = sharedChannelMajor(out, s.positions());
        Im2Col.im2col(backend, s, x, c);
        Gemm.gemm(backend, false, false, 1f, weight.value(), c, 0f, cm, null, Activation.IDENTITY);
        ChannelMajor.fromChannelMajor(backend, cm, outputEpilogue(), out, y);
    }

    /** The implicit GEMM's tiles when the device's tuning runs this convolution so ({@code bench conv --tune}), else null. */
    private ClBackend.LocalGemmConfig implicitTiles(ConvShape s) {
        lookUpTiles(s);
        return tiles;
    }

    /** The implicit backward GEMMs' tiles when the device's tuning runs this convolution's backward pass so, else null. */
    private ClBackend.LocalGemmConfig implicitBackwardTiles(ConvShape s) {
        lookUpTiles(s);
        return backwardTiles;
    }

    private void lookUpTiles(ConvShape s) {
        if (!(backend instanceof ClBackend cl) || cl.convTuning().isEmpty()) {
            return;
        }
        if (!s.equals(tilesLookedUpFor)) { // the key is a string: looked up once per shape, not on every pass
            String key = ConvTuning.key(s.n(), s.channels(), s.height(), s.width(), out, s.kh(), s.kw(), s.stride(), s.pad());
            tiles = cl.convTuning().implicitFor(key);
            backwardTiles = cl.convTuning().backwardFor(key);
            tilesLookedUpFor = s;
        }
    }

    /**
     * Backward after {@link #forward} on x, from dy = dL/d(the output before the fused activation): dW and db (added to
     * what is there when {@code accumulate}) when {@code parameters}, and, when dx is not null, dx = the gradient with
     * respect to x, carried through {@code gate} (the activation that made x) in col2im's epilogue.
     */
    @Override
    public boolean backward(Tensor x, Tensor y, Tensor dy, boolean accumulate, boolean parameters, Tensor dx, Activation gate) {
        ConvShape s = shapeFor(x.rows());
        float beta = accumulate ? 1f : 0f;
        ClBackend.LocalGemmConfig implicit = implicitBackwardTiles(s);
        if (implicit != null) {
            return implicitBackward(s, implicit, x, dy, beta, parameters, dx, gate);
        }
        Tensor dcm = sharedChannelMajor(out, s.positions());
        ChannelMajor.toChannelMajor(backend, dy, out, dcm);
        if (parameters) {
            Tensor c;
            if (colsHeld) {
                c = cols.view(0, s.patch(), s.positions());
            } else {
                c = sharedColumns(s.patch(), s.positions()); // too large to keep, or not made (implicit GEMM): gathered again
                Im2Col.im2col(backend, s, x, c);
            }
            Gemm.gemm(backend, false, true, 1f, dcm, c, beta, weight.grad(), null, Activation.IDENTITY);
            if (bias != null) {
                RowSums.rowSums(backend, dcm, 1f, beta, bias.grad());
            }
        }
        if (dx != null) {
            Tensor dc = sharedColumns(s.patch(), s.positions());
            Gemm.gemm(backend, false, false, 1f, weightT(), dcm, 0f, dc, null, Activation.IDENTITY);
            ConvEpilogue through = ConvEpilogue.gated(x, gate);
            Im2Col.col2im(backend, s, dc, 0f, dx, through);
            return !through.plain();
        }
        return false;
    }

    /** {@link #backward} as the implicit GEMMs of {@link ImplicitConvBackward} (no columns, no channel-major copy). */
    private boolean implicitBackward(ConvShape s, ClBackend.LocalGemmConfig t, Tensor x, Tensor dy, float beta, boolean parameters,
                                     Tensor dx, Activation gate) {
        if (parameters) {
            ClBackend cl = (ClBackend) backend;
            int splits = ImplicitConvBackward.splits(t, out, s.patch(), s.positions(), cl.device().computeUnits());
            ImplicitConvBackward.weightGradient(backend, s, dy, x, beta, weight.grad(), t, splits);
            if (bias != null) {
                ChannelBias.channelBiasGradient(backend, dy, beta, bias.grad());
            }
        }
        if (dx != null) {
            ConvEpilogue through = ConvEpilogue.gated(x, gate);
            ImplicitConvBackward.inputGradient(backend, s, weight.value(), dy, dx, through, t);
            return !through.plain();
        }
        return false;
    }

    /** Exact: the convolution is linear in its input, and the fused activation (if any) piecewise linear. */
    @Override
    public void close() {
        super.close();
        cols = null;
        colsHeld = false;
    }

    @Override
    public boolean takesPenalty() {
        return true;
    }

    /**
     * The input-gradient pass computed dx = col2im(W^T dpre'), bilinear in (dpre, W): the penalty's gradient adds
     * dpre' im2col(u)^T to dW and carries uOut = act'(y) (the convolution of u without the bias).
     */
    @Override
    public void penaltyPass(Tensor u, Tensor x, Tensor y, Tensor dpre, Tensor uOut) {
        ConvShape s = shapeFor(u.rows());
        Tensor c = sharedColumns(s.patch(), s.positions());
        Tensor cm = sharedChannelMajor(out, s.positions());
        Im2Col.im2col(backend, s, u, c);
        if (uOut != null) {
            Gemm.gemm(backend, false, false, 1f, weight.value(), c, 0f, cm, null, Activation.IDENTITY);
            ChannelMajor.fromChannelMajor(backend, cm, ConvEpilogue.gated(y, act), out, uOut);
        }
        ChannelMajor.toChannelMajor(backend, dpre, out, cm);
        Gemm.gemm(backend, false, true, 1f, cm, c, 1f, weight.grad(), null, Activation.IDENTITY);
    }
}
