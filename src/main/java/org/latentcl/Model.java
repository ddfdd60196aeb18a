package org.latentcl;

import java.util.Map;

/** A trained or trainable model on a device: a {@link Vae} or a {@link Gan}. */
public sealed interface Model extends AutoCloseable permits Vae, Gan {
    /**
     * The device that holds the model.
     *
     * @return the device
     */
    Device device();

    /**
     * Every parameter copied from the device, by name, in PyTorch's layout: {@code enc.0.weight}
     * is [out, in] row-major, {@code enc.0.bias} [out]. The names are those of the checkpoint.
     *
     * @return the weights, in declaration order
     */
    Map<String, float[]> weights();

    /**
     * Replaces every parameter.
     *
     * @param weights by name, as {@link #weights()} returns them; each must be present with its size
     * @throws IllegalArgumentException naming a parameter that is missing or of the wrong size
     */
    void loadWeights(Map<String, float[]> weights);

    /** Releases the model's device memory (and the device, if the model opened it). Closing twice does nothing. */
    @Override
    void close();
}
