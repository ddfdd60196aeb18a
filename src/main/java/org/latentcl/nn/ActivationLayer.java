package org.latentcl.nn;

import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Activations;

/**
 * An elementwise activation as a layer of its own (PyTorch's nn.ReLU, nn.LeakyReLU, nn.Tanh,
 * nn.Sigmoid). After a layer that can fuse it ({@link Linear}), {@link Sequential} fuses it into that
 * layer's GEMM and this layer never runs.
 */
public final class ActivationLayer implements Layer {
    private final String name;
    private final Activation act;
    private final int size;
    private Backend backend;

    /** The activation {@code act} on {@code size} values per example, named as its PyTorch module (such as "enc.1"). */
    public ActivationLayer(String name, Activation act, int size) {
        this.name = name;
        this.act = act;
        this.size = size;
    }

    /** The function this layer applies. */
    public Activation function() {
        return act;
    }

    @Override
    public String label() {
        return name + " " + act;
    }

    @Override
    public void bind(Parameters p) {
        backend = p.backend();
    }

    @Override
    public int inputSize() {
        return size;
    }

    @Override
    public int outputSize() {
        return size;
    }

    @Override
    public void forward(Tensor x, Tensor y, boolean training) {
        Activations.activate(backend, act, x, y);
    }

    /** dx = f'(x) dy, the derivative taken from the output y. */
    @Override
    public boolean backward(Tensor x, Tensor y, Tensor dy, boolean accumulate, boolean parameters, Tensor dx, Activation gate) {
        if (dx != null) {
            Activations.activateBackward(backend, act, y, dy, dx);
        }
        return false;
    }

    /** Exact for the activations whose derivative is piecewise constant. */
    @Override
    public boolean takesPenalty() {
        return act.piecewiseLinear();
    }

    /** No parameters; the tangent is uOut = f'(y) u. */
    @Override
    public void penaltyPass(Tensor u, Tensor x, Tensor y, Tensor dpre, Tensor uOut) {
        if (uOut != null) {
            Activations.activateBackward(backend, act, y, u, uOut);
        }
    }

    @Override
    public void close() {
    }
}
