package org.latentcl.nn;

import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Gemm;

/**
 * y = act(x W^T + b), with W stored [out, in] as in PyTorch's nn.Linear, the activation (when one is
 * {@linkplain #fuse fused}) applied in the GEMM's epilogue. Parameters are named {@code NAME.weight}
 * and {@code NAME.bias}. Backward, the input gradient is carried through the activation that made
 * the input in the same GEMM (a gated GEMM), so no activation of an MLP costs a launch of its own.
 *
 * <p>A large layer keeps a transposed copy of W ({@link TransposedWeight}, held by its parameters), refreshed when the
 * parameters change (once per optimizer step), so that its forward pass is a plain GEMM (x times W^T stored [in, out])
 * rather than one that reads B transposed: on a CPU device that GEMM is about a third faster, which pays for the copy
 * after one use, and a GAN's discriminator uses it three times a step.
 */
public final class Linear implements Layer {
    /** Weights with at least this many values get the transposed copy; for smaller ones the extra launch costs more than it saves. */
    static final int TRANSPOSE_AT = 1 << 16;
    private final String name;
    private final int in;
    private final int out;
    private final Activation act;
    private final ParamSpec weightSpec;
    private final ParamSpec biasSpec;
    private Parameters params;
    private Backend backend;
    private Param weight;
    private Param bias;
    private TransposedWeight weightT;

    /** A linear layer from {@code in} to {@code out} values, with no activation. */
    public Linear(String name, int in, int out) {
        this(name, in, out, Activation.IDENTITY);
    }

    private Linear(String name, int in, int out, Activation act) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("layer " + name + ": sizes must be positive, got " + in + " -> " + out);
        }
        this.name = name;
        this.in = in;
        this.out = out;
        this.act = act;
        this.weightSpec = ParamSpec.weight(name + ".weight", out, in, in);
        this.biasSpec = ParamSpec.bias(name + ".bias", out, in);
    }

    @Override
    public List<ParamSpec> specs() {
        return List.of(weightSpec, biasSpec);
    }

    @Override
    public String label() {
        return name + " Linear";
    }

    @Override
    public void bind(Parameters p) {
        params = p;
        weightT = null;
        backend = p.backend();
        weight = p.param(weightSpec);
        bias = p.param(biasSpec);
    }

    public String name() {
        return name;
    }

    @Override
    public int inputSize() {
        return in;
    }

    @Override
    public int outputSize() {
        return out;
    }

    @Override
    public Activation activation() {
        return act;
    }

    /** This layer with {@code a} in its epilogue; null when it already has one. */
    @Override
    public Layer fuse(Activation a) {
        return act.kind() == Activation.Kind.IDENTITY ? new Linear(name, in, out, a) : null;
    }

    /** y (batch x out) = act(x W^T + b). One fused GEMM launch (and, for a large layer, a transpose after each parameter change). */
    @Override
    public void forward(Tensor x, Tensor y, boolean training) {
        Tensor wt = transposedWeight();
        if (wt == null) {
            Gemm.gemm(backend, false, true, 1f, x, weight.value(), 0f, y, bias.value(), act);
            return;
        }
        Gemm.gemm(backend, false, false, 1f, x, wt, 0f, y, bias.value(), act);
    }

    /** W^T, remade when the parameters changed since it was last made; null for a layer too small to keep one. */
    private Tensor transposedWeight() {
        if ((long) in * out < TRANSPOSE_AT) {
            return null;
        }
        if (weightT == null) {
            weightT = params.transposedCopy(weight);
        }
        return weightT.current();
    }

    @Override
    public boolean backward(Tensor x, Tensor y, Tensor dpre, boolean accumulate, boolean parameters, Tensor dx, Activation gate) {
        if (parameters) {
            parameterGradients(dpre, x, accumulate);
        }
        if (dx != null) {
            return inputGradient(dpre, 0f, dx, x, gate);
        }
        return false;
    }

    /** dW = dpre^T x and db = the column sums of dpre, added to what is there when {@code accumulate}. */
    public void parameterGradients(Tensor dpre, Tensor x, boolean accumulate) {
        Gemm.linearGradients(backend, dpre, x, accumulate ? 1f : 0f, weight.grad(), bias.grad());
    }

    /**
     * dx = dpre W + beta dx, times gate'(x) where a gate other than the identity is given (in the same
     * GEMM: the derivative multiplies the whole sum, so with beta = 1 this must be the last term
     * added to dx). Returns whether it applied the gate.
     */
    public boolean inputGradient(Tensor dpre, float beta, Tensor dx, Tensor x, Activation gate) {
        if (gate != null && gate.kind() != Activation.Kind.IDENTITY) {
            Gemm.gemmGated(backend, false, false, 1f, dpre, weight.value(), beta, dx, gate, x);
            return true;
        }
        Gemm.gemm(backend, false, false, 1f, dpre, weight.value(), beta, dx, null, Activation.IDENTITY);
        return false;
    }

    /** Exact while the fused activation's derivative is piecewise constant (none, ReLU or LeakyReLU). */
    @Override
    public boolean takesPenalty() {
        return act.piecewiseLinear();
    }

    /**
     * The input-gradient pass computed dx = dpre W, bilinear in (dpre, W): the penalty's gradient adds dpre^T u to
     * dW, and carries uOut = act'(y) (u W^T), the forward pass without its bias, in one gated GEMM (with the transposed
     * copy of W where the layer keeps one, as its forward pass does).
     */
    @Override
    public void penaltyPass(Tensor u, Tensor x, Tensor y, Tensor dpre, Tensor uOut) {
        Gemm.gemm(backend, true, false, 1f, dpre, u, 1f, weight.grad(), null, Activation.IDENTITY);
        if (uOut != null) {
            Tensor wt = transposedWeight(); // as the forward pass multiplies, NN where the layer keeps W^T
            if (wt == null) {
                Gemm.gemmGated(backend, false, true, 1f, u, weight.value(), 0f, uOut, act, y);
            } else {
                Gemm.gemmGated(backend, false, false, 1f, u, wt, 0f, uOut, act, y);
            }
        }
    }

    /** Forgets the transposed copy of W, which its parameters hold and release. */
    @Override
    public void close() {
        weightT = null;
    }
}
