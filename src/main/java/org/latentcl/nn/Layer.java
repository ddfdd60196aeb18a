package org.latentcl.nn;

import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Tensor;

/**
 * One step of a {@link Sequential} network, as a PyTorch module is: batch x inputSize() in, batch x
 * outputSize() out, one example per row (images as NCHW rows, so a flatten is free). A layer
 * declares its parameters with their roles ({@link #specs}), which it resolves once when bound, and
 * registers its buffers ({@link #buffers}), which checkpoints save and load with no code of their
 * own for any kind of layer. It owns its scratch buffers; the network owns the activations between
 * layers.
 */
public interface Layer extends AutoCloseable {
    /** The parameters this layer reads, in PyTorch's names and shapes; none for an activation. */
    default List<ParamSpec> specs() {
        return List.of();
    }

    /** The state this layer keeps beside its parameters (running statistics and the like), valid once bound; none for most layers. */
    default List<Buffer> buffers() {
        return List.of();
    }

    /** What profiles call this layer: its PyTorch module name and kind, such as "enc.0 Conv2d". */
    String label();

    /** Connects the layer to its parameters and backend, and makes its buffers. */
    void bind(Parameters p);

    /** Values per input example. */
    int inputSize();

    /** Values per output example. */
    int outputSize();

    /** The activation this layer applies to its output inside its own launches (the identity unless one was {@linkplain #fuse fused}). */
    default Activation activation() {
        return Activation.IDENTITY;
    }

    /**
     * This layer with {@code act} applied to its output in its own epilogue, or null when it cannot
     * fuse one (then the activation stays a layer of its own). {@link Sequential} calls it for an
     * activation that follows the layer.
     */
    default Layer fuse(Activation act) {
        return null;
    }

    /** y = layer(x); {@code training} selects batch statistics over running ones where a layer has both. */
    void forward(Tensor x, Tensor y, boolean training);

    /**
     * Backward after {@link #forward} on x gave y, from dpre = dL/d(this layer's output before its
     * fused activation): the parameter gradients when {@code parameters} (added to what is there when
     * {@code accumulate}), and dx when it is not null. A layer that can carries dx through
     * {@code gate} (the activation whose output x is; null for none) in the same launch, and then
     * says so by returning true; otherwise it returns false and dx is dL/dx itself.
     */
    boolean backward(Tensor x, Tensor y, Tensor dpre, boolean accumulate, boolean parameters, Tensor dx, Activation gate);

    /**
     * Whether {@link #penaltyPass} is exact for this layer: its input gradient is piecewise linear in its input (a
     * Linear or a convolution, with at most a ReLU-like activation; maxout), so a penalty on the network's input gradient
     * (R1, WGAN-GP) needs no second derivative of its own, or the layer gives that second derivative's term through
     * {@link #penaltyInputTerm}.
     */
    default boolean takesPenalty() {
        return false;
    }

    /**
     * One layer of a penalty's gradient (see {@link Sequential#penaltyBackward}): after the input-gradient pass left
     * dpre (dL/d(this layer's output before its fused activation)), and given u, the penalty's gradient with respect
     * to this layer's share of that pass's result (d/d(dL/dx)), adds to the parameter gradients d&lt;u, J^T dpre&gt;/dθ
     * (the weight's; the bias never enters the input gradient) and writes uOut = J u, the same for the next layer, J
     * this layer's Jacobian at its last forward pass, from x to y (the activation's derivative taken from y). uOut may
     * be null for the last layer. Called only where {@link #takesPenalty} holds.
     */
    default void penaltyPass(Tensor u, Tensor x, Tensor y, Tensor dpre, Tensor uOut) {
        throw new UnsupportedOperationException(label() + " cannot pass a gradient penalty's gradient");
    }

    /**
     * For a layer whose Jacobian J depends smoothly on its input (the minibatch std layer, through the batch's
     * statistics): after {@link #penaltyPass}, d/dx of &lt;u, J(x)^T dpre&gt; at this layer's input, which
     * {@link Sequential#penaltyBackward} carries back through the layers before it to their parameters (the second
     * derivative a piecewise-linear layer does not have); valid until the next pass. Null for the other layers.
     */
    default Tensor penaltyInputTerm() {
        return null;
    }

    @Override
    void close();
}
