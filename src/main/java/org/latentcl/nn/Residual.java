package org.latentcl.nn;

import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Elementwise;

/**
 * A network with a skip from its input, y = x + f(x) (He et al. 2016), for f as wide out as in and with a linear
 * output: a residual generator G(z) = z + MLP(z) starts near the identity. Its parameters are f's, under f's names
 * (so a checkpoint reads as f's, and PyTorch's {@code z + mlp(z)} loads it). Backward, dL/dx = dL/dy + f's input
 * gradient.
 */
public final class Residual implements Layer {
    private final Sequential inner;
    private final String name;

    /** y = x + f(x) for f, named {@code name} in profiles. */
    public Residual(String name, Sequential f) {
        if (f.inputSize() != f.outputSize()) {
            throw new IllegalArgumentException("a residual block adds its input to its output: " + f.inputSize() + " values in, "
                    + f.outputSize() + " out");
        }
        if (f.outputActivation().kind() != Activation.Kind.IDENTITY) {
            throw new IllegalArgumentException("a residual block's network must end linear, not in " + f.outputActivation().kind());
        }
        this.name = name;
        this.inner = f;
    }

    @Override
    public List<ParamSpec> specs() {
        return inner.specs();
    }

    @Override
    public List<Buffer> buffers() {
        return inner.buffers();
    }

    @Override
    public String label() {
        return name + " Residual";
    }

    @Override
    public void bind(Parameters p) {
        inner.bind(p);
    }

    @Override
    public int inputSize() {
        return inner.inputSize();
    }

    @Override
    public int outputSize() {
        return inner.outputSize();
    }

    @Override
    public void forward(Tensor x, Tensor y, boolean training) {
        Elementwise.axpy(x.backend(), x, 1f, inner.forward(x, training), y);
    }

    @Override
    public boolean backward(Tensor x, Tensor y, Tensor dpre, boolean accumulate, boolean parameters, Tensor dx, Activation gate) {
        Gradient dy = Gradient.of(dpre);
        Gradient dInner = parameters ? inner.backward(x, dy, accumulate, dx != null) : inner.backwardInput(x, dy);
        if (dx != null) {
            // f ends linear, so its backward left dpre as it was.
            Elementwise.axpy(x.backend(), dpre, 1f, dInner.value(), dx);
        }
        return false;
    }

    @Override
    public void close() {
        inner.close();
    }
}
