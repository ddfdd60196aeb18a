package org.latentcl.nn;

import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;

/**
 * y = act(x W^T + b), with W stored [out, in] as in PyTorch's nn.Linear. Parameters are named
 * {@code NAME.weight} and {@code NAME.bias}.
 */
public final class Linear {
    private final String name;
    private final int in;
    private final int out;
    private final Activation act;
    private Parameters params;

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

    /** y (batch x out) = act(x W^T + b). One fused GEMM launch. */
    public void forward(Backend be, Tensor x, Tensor y) {
        be.gemm(false, true, 1f, x, params.value(name + ".weight"), 0f, y, params.value(name + ".bias"), act);
    }

    /**
     * Backward to the input only, leaving the parameter gradients alone (for a network that is
     * held fixed while the gradient flows through it, like the discriminator in a generator step).
     * {@code dy} is overwritten with dL/d(pre-activation); dx = dpre W.
     */
    public void backwardInput(Backend be, Tensor y, Tensor dy, Tensor dx) {
        if (act.kind() != Activation.Kind.IDENTITY) {
            be.activateBackward(act, y, dy, dy);
        }
        be.gemm(false, false, 1f, dy, params.value(name + ".weight"), 0f, dx, null, Activation.IDENTITY);
    }

    /**
     * Backward through the layer. {@code dy} holds dL/dy on entry and is overwritten with dL/d(pre-activation).
     * Writes dW = dpre^T x and db = column sums of dpre (added to what is there when
     * {@code accumulate}), and, when {@code dx} is not null, dx = dpre W (added when {@code accumulateDx}).
     */
    public void backward(Backend be, Tensor x, Tensor y, Tensor dy, Tensor dx, boolean accumulate, boolean accumulateDx) {
        if (act.kind() != Activation.Kind.IDENTITY) {
            be.activateBackward(act, y, dy, dy);
        }
        float beta = accumulate ? 1f : 0f;
        be.gemm(true, false, 1f, dy, x, beta, params.grad(name + ".weight"), null, Activation.IDENTITY);
        be.columnSums(dy, beta, params.grad(name + ".bias"));
        if (dx != null) {
            be.gemm(false, false, 1f, dy, params.value(name + ".weight"), accumulateDx ? 1f : 0f, dx, null, Activation.IDENTITY);
        }
    }
}
