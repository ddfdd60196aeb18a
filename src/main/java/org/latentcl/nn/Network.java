package org.latentcl.nn;

import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Tensor;

/**
 * A feed-forward network as the models use it, whether an {@link Mlp} or a {@link Sequential} of
 * convolutions: activation and gradient buffers for up to its largest batch, a forward pass, a
 * buffer for the loss to write dL/d(output) into, and a backward pass to the parameters and, when
 * asked, to the input.
 */
public interface Network extends AutoCloseable {
    List<ParamSpec> specs();

    /** Binds the layers to their parameters and allocates the buffers. */
    void bind(Parameters p);

    int inputSize();

    int outputSize();

    /** The training forward pass (batch statistics where there is batch norm); the output view is valid until the next call. */
    default Tensor forward(Tensor x) {
        return forward(x, true);
    }

    /** The forward pass; {@code training} false uses batch norm's running statistics. */
    Tensor forward(Tensor x, boolean training);

    /** The buffer for dL/d(output) of b rows: a loss writes into it, then {@link #backward} reads it. */
    Tensor outputGrad(int b);

    /** dL/d(output) in {@link #outputGrad}, as a gradient to pass to {@link #backward}. */
    default Gradient outputGradient(int b) {
        return Gradient.of(outputGrad(b));
    }

    /** The activation of the output, when the network fuses it into its last layer (so a consumer may carry gradients through it). */
    Activation outputActivation();

    /**
     * Backward after the training {@link #forward} on x, from dOut: the parameter gradients (added to
     * what is there when {@code accumulate}) and, when {@code inputGradient}, dL/dx (null otherwise),
     * valid until the next backward pass.
     */
    Gradient backward(Tensor x, Gradient dOut, boolean accumulate, boolean inputGradient);

    /** Backward to the input only, leaving the parameter gradients alone (a network held fixed while the gradient flows through it). */
    Gradient backwardInput(Tensor x, Gradient dOut);

    @Override
    void close();
}
