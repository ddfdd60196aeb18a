package org.latentcl.nn;

import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Activations;
import org.latentcl.backend.ops.Gemm;
import org.latentcl.backend.ops.Transpose;

/**
 * y = act(x W^T + b), with W stored [out, in] as in PyTorch's nn.Linear. Parameters are named
 * {@code NAME.weight} and {@code NAME.bias}.
 *
 * <p>A large layer keeps a transposed copy of W, refreshed when the parameters change (once per
 * optimizer step), so that its forward pass is a plain GEMM (x times W^T stored [in, out]) rather
 * than one that reads B transposed: on a CPU device that GEMM is about a third faster, which pays
 * for the copy after one use, and a GAN's discriminator uses it three times a step.
 */
public final class Linear implements AutoCloseable {
    /** Weights with at least this many values get the transposed copy; for smaller ones the extra launch costs more than it saves. */
    static final int TRANSPOSE_AT = 1 << 16;
    private final String name;
    private final int in;
    private final int out;
    private final Activation act;
    private Parameters params;
    private Tensor weightT;
    private long weightTVersion = -1;

    public Linear(String name, int in, int out, Activation act) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("layer " + name + ": sizes must be positive, got " + in + " -> " + out);
        }
        this.name = name;
        this.in = in;
        this.out = out;
        this.act = act;
    }

    public List<ParamSpec> specs() {
        return List.of(new ParamSpec(name + ".weight", out, in, in), new ParamSpec(name + ".bias", 1, out, in));
    }

    /** Connects the layer to its weight and bias inside {@code p}. */
    public void bind(Parameters p) {
        this.params = p;
    }

    public String name() {
        return name;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public Activation activation() {
        return act;
    }

    /** y (batch x out) = act(x W^T + b). One fused GEMM launch (and, for a large layer, a transpose after each parameter change). */
    public void forward(Backend be, Tensor x, Tensor y) {
        Tensor w = params.value(name + ".weight");
        if ((long) in * out < TRANSPOSE_AT) {
            Gemm.gemm(be, false, true, 1f, x, w, 0f, y, params.value(name + ".bias"), act);
            return;
        }
        if (weightT == null) {
            weightT = be.zeros(in, out);
        }
        if (weightTVersion != params.version()) {
            Transpose.transpose(be, w, weightT);
            weightTVersion = params.version();
        }
        Gemm.gemm(be, false, false, 1f, x, weightT, 0f, y, params.value(name + ".bias"), act);
    }

    /** Releases the transposed copy of W, if the layer made one. */
    @Override
    public void close() {
        if (weightT != null) {
            weightT.close();
            weightT = null;
        }
    }

    /**
     * Backward through the layer after {@link #forward} on x gave y. Writes dW = dpre^T x and db =
     * the column sums of dpre (added to what is there when {@code accumulate}), where dpre is dy
     * carried through this layer's activation (in place, in dy's tensor, unless it already was);
     * and, when {@code dx} is not null, dx = dpre W + dxBeta dx, carried through {@code xAct} (the
     * activation whose output x is; null for none) in the same GEMM: the derivative multiplies the
     * whole sum, so with dxBeta = 1 this must be the last term added to dx.
     */
    public void backward(Backend be, Tensor x, Tensor y, Gradient dy, boolean accumulate, Tensor dx, float dxBeta, Activation xAct) {
        Tensor dpre = toPreActivation(be, y, dy);
        Gemm.linearGradients(be, dpre, x, accumulate ? 1f : 0f, params.grad(name + ".weight"), params.grad(name + ".bias"));
        if (dx != null) {
            inputGradient(be, dpre, dxBeta, dx, x, xAct);
        }
    }

    /**
     * Backward to the input only, leaving the parameter gradients alone (a network held fixed while
     * the gradient flows through it, like the discriminator in a generator step): dx as in
     * {@link #backward}, with dxBeta = 0.
     */
    public void backwardInput(Backend be, Tensor x, Tensor y, Gradient dy, Tensor dx, Activation xAct) {
        inputGradient(be, toPreActivation(be, y, dy), 0f, dx, x, xAct);
    }

    /** dL/d(pre-activation), computed in place in dy's tensor unless it is that already. */
    private Tensor toPreActivation(Backend be, Tensor y, Gradient dy) {
        if (!dy.throughActivation() && act.kind() != Activation.Kind.IDENTITY) {
            Activations.activateBackward(be, act, y, dy.value(), dy.value());
        }
        return dy.value();
    }

    /** dx = dpre W (+ beta dx), times xAct'(x) where xAct is given and not the identity. */
    private void inputGradient(Backend be, Tensor dpre, float beta, Tensor dx, Tensor x, Activation xAct) {
        Tensor w = params.value(name + ".weight");
        if (xAct != null && xAct.kind() != Activation.Kind.IDENTITY) {
            Gemm.gemmGated(be, false, false, 1f, dpre, w, beta, dx, xAct, x);
        } else {
            Gemm.gemm(be, false, false, 1f, dpre, w, beta, dx, null, Activation.IDENTITY);
        }
    }
}
