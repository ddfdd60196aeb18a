package org.latentcl.nn;

import java.util.List;
import org.latentcl.backend.Tensor;

/**
 * One step of a {@link Sequential} network: batch x inputSize() in, batch x outputSize() out, one
 * example per row (images as NCHW rows, so a flatten is free). A layer owns its scratch buffers;
 * the network owns the activations between layers.
 */
public interface Layer extends AutoCloseable {
    /** The parameters this layer reads, in PyTorch's names and shapes; none for an activation. */
    default List<ParamSpec> specs() {
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

    /** y = layer(x); {@code training} selects batch statistics over running ones where a layer has both. */
    void forward(Tensor x, Tensor y, boolean training);

    /**
     * Backward after {@link #forward} on x gave y, from dy: the parameter gradients when
     * {@code parameters} (added to what is there when {@code accumulate}), and dx when it is not null.
     */
    void backward(Tensor x, Tensor y, Tensor dy, boolean accumulate, boolean parameters, Tensor dx);

    @Override
    void close();
}
