package org.latentcl.nn;

import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Transpose;

/**
 * The transposed copy W^T of one weight that a layer keeps for its plain NN products (a large Linear layer's forward
 * pass, a convolution's input gradient), held by the weight's {@link Parameters} so that code which rewrites the weight
 * can write the copy in the same pass ({@link SpectralNorm}'s W / sigma) and say so with {@link #writtenAt}; otherwise
 * the layer remakes it when the parameters' version has moved on.
 */
public final class TransposedWeight implements AutoCloseable {
    private final Parameters params;
    private final Param weight;
    private final Tensor copy;
    /** The parameters' version the copy was made from; -1 before it was first made. */
    private long version = -1;

    TransposedWeight(Parameters params, Param weight) {
        this.params = params;
        this.weight = weight;
        this.copy = params.backend().zeros(weight.value().cols(), weight.value().rows());
    }

    /** W^T as the parameters are now: transposed again where they changed since it was last written. */
    public Tensor current() {
        if (version != params.version()) {
            Transpose.transpose(params.backend(), weight.value(), copy);
            version = params.version();
        }
        return copy;
    }

    /** The copy's storage, for code that writes it while rewriting the weight. */
    public Tensor storage() {
        return copy;
    }

    /** Records that the copy holds the transpose of the weight as of the parameters' version {@code v}. */
    public void writtenAt(long v) {
        version = v;
    }

    @Override
    public void close() {
        copy.close();
    }
}
