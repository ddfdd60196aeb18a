package org.latentcl.nn;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;

/**
 * A {@link Linear} layer (with its activation fused into the GEMM) as a step of a {@link Sequential}
 * network, such as the linear layer between a convolutional VAE's latent code and its first
 * transposed convolution.
 */
public final class LinearLayer implements Layer {
    private final Linear linear;
    private Backend backend;

    public LinearLayer(Linear linear) {
        this.linear = linear;
    }

    @Override
    public List<ParamSpec> specs() {
        return linear.specs();
    }

    @Override
    public String label() {
        return linear.name() + " Linear";
    }

    @Override
    public void bind(Parameters p) {
        backend = p.backend();
        linear.bind(p);
    }

    @Override
    public int inputSize() {
        return linear.in();
    }

    @Override
    public int outputSize() {
        return linear.out();
    }

    @Override
    public void forward(Tensor x, Tensor y, boolean training) {
        linear.forward(backend, x, y);
    }

    /** dy is carried through the activation in place (in dy's tensor), as {@link Linear#backward} does. */
    @Override
    public void backward(Tensor x, Tensor y, Tensor dy, boolean accumulate, boolean parameters, Tensor dx) {
        if (parameters) {
            linear.backward(backend, x, y, Gradient.of(dy), accumulate, dx, 0f, null);
        } else if (dx != null) {
            linear.backwardInput(backend, x, y, Gradient.of(dy), dx, null);
        }
    }

    @Override
    public void close() {
        linear.close();
    }
}
