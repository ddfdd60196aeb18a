package org.latentcl.nn;

import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Gemm;

/**
 * PyTorch's {@code nn.Embedding}: class k's vector is row k of the weight [classes, dim]. It reads
 * one-hot rows (batch x classes), so the lookup is the GEMM onehot W and its gradient the GEMM
 * onehot^T dy: no scatter, no atomics, the same sums in the same order on every backend. The weight
 * is initialized as the other weights are (U(-1/sqrt(dim), 1/sqrt(dim)), or the DCGAN's normal).
 */
public final class Embedding implements Layer {
    private final String name;
    private final int classes;
    private final int dim;
    private final ParamSpec weightSpec;
    private Backend backend;
    private Param weight;

    /** An embedding of {@code classes} classes into {@code dim} values, its weight named {@code NAME.weight}. */
    public Embedding(String name, int classes, int dim) {
        if (classes < 1 || dim < 1) {
            throw new IllegalArgumentException("embedding " + name + ": sizes must be positive, got " + classes + " x " + dim);
        }
        this.name = name;
        this.classes = classes;
        this.dim = dim;
        this.weightSpec = ParamSpec.weight(name + ".weight", classes, dim, dim);
    }

    @Override
    public List<ParamSpec> specs() {
        return List.of(weightSpec);
    }

    @Override
    public String label() {
        return name + " Embedding";
    }

    @Override
    public void bind(Parameters p) {
        backend = p.backend();
        weight = p.param(weightSpec);
    }

    @Override
    public int inputSize() {
        return classes;
    }

    @Override
    public int outputSize() {
        return dim;
    }

    /** y = onehot W: each row's class vector. */
    @Override
    public void forward(Tensor onehot, Tensor y, boolean training) {
        Gemm.gemm(backend, false, false, 1f, onehot, weight.value(), 0f, y, null, Activation.IDENTITY);
    }

    /** dW = onehot^T dy (added when {@code accumulate}); dx = dy W^T when asked (the one-hot input has no use for it). */
    @Override
    public boolean backward(Tensor onehot, Tensor y, Tensor dy, boolean accumulate, boolean parameters, Tensor dx, Activation gate) {
        if (parameters) {
            Gemm.gemm(backend, true, false, 1f, onehot, dy, accumulate ? 1f : 0f, weight.grad(), null, Activation.IDENTITY);
        }
        if (dx != null) {
            Gemm.gemm(backend, false, true, 1f, dy, weight.value(), 0f, dx, null, Activation.IDENTITY);
        }
        return false;
    }

    @Override
    public void close() {
    }
}
