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
     * Backward to the input only, leaving the parameter gradients alone (for a network that is
     * held fixed while the gradient flows through it, like the discriminator in a generator step).
     * {@code dy} is overwritten with dL/d(pre-activation), unless {@code dyIsPre} says that it already
     * holds it (the next layer's GEMM applied this layer's activation derivative); dx = dpre W, or, with
     * a non-null {@code xAct}, dx = (dpre W) * xAct'(x) in the same GEMM, where x is the output of that
     * activation (the previous layer's).
     */
    public void backwardInput(Backend be, Tensor y, Tensor dy, boolean dyIsPre, Tensor dx, Tensor x, Activation xAct) {
        toPreActivation(be, y, dy, dyIsPre);
        inputGradient(be, dy, 0f, dx, x, xAct);
    }

    /**
     * Backward through the layer. {@code dy} holds dL/dy on entry and is overwritten with dL/d(pre-activation).
     * Writes dW = dpre^T x and db = column sums of dpre (added to what is there when
     * {@code accumulate}), and, when {@code dx} is not null, dx = dpre W (added when {@code accumulateDx}).
     */
    public void backward(Backend be, Tensor x, Tensor y, Tensor dy, Tensor dx, boolean accumulate, boolean accumulateDx) {
        backward(be, x, y, dy, false, dx, accumulate, accumulateDx, null);
    }

    /**
     * As {@link #backward(Backend, Tensor, Tensor, Tensor, Tensor, boolean, boolean)}, with {@code dyIsPre}
     * and {@code xAct} as in {@link #backwardInput}.
     * With {@code accumulateDx} the derivative multiplies the whole sum, dx = (dx + dpre W) * xAct'(x), so
     * this must be the last term added to dx.
     */
    public void backward(Backend be, Tensor x, Tensor y, Tensor dy, boolean dyIsPre, Tensor dx, boolean accumulate,
                         boolean accumulateDx, Activation xAct) {
        toPreActivation(be, y, dy, dyIsPre);
        float beta = accumulate ? 1f : 0f;
        Gemm.linearGradients(be, dy, x, beta, params.grad(name + ".weight"), params.grad(name + ".bias"));
        if (dx != null) {
            inputGradient(be, dy, accumulateDx ? 1f : 0f, dx, x, xAct);
        }
    }

    private void toPreActivation(Backend be, Tensor y, Tensor dy, boolean dyIsPre) {
        if (!dyIsPre && act.kind() != Activation.Kind.IDENTITY) {
            Activations.activateBackward(be, act, y, dy, dy);
        }
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
