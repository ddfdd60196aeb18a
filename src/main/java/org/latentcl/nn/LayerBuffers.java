package org.latentcl.nn;

import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;

/**
 * The activations and gradients a feed-forward network keeps between its layers, made once for its
 * largest batch (smaller batches use the first rows): layer i's output and dL/d(that output), and
 * dL/d(the network's input), made on first use, for a {@link Sequential}.
 */
final class LayerBuffers implements AutoCloseable {
    private final Backend backend;
    private final int maxBatch;
    private final int inputSize;
    private final Tensor[] outputs;
    private final Tensor[] grads;
    private Tensor inputGrads;
    private Tensor[] tangents;

    /** Buffers for layers with the given output sizes, after an input of {@code inputSize} values. */
    LayerBuffers(Backend backend, int maxBatch, int inputSize, int[] outputSizes) {
        this.backend = backend;
        this.maxBatch = maxBatch;
        this.inputSize = inputSize;
        outputs = new Tensor[outputSizes.length];
        grads = new Tensor[outputSizes.length];
        for (int i = 0; i < outputSizes.length; i++) {
            outputs[i] = backend.zeros(maxBatch, outputSizes[i]);
            grads[i] = backend.zeros(maxBatch, outputSizes[i]);
        }
    }

    /** Layer i's output, first b rows. */
    Tensor output(int i, int b) {
        return outputs[i].rowRange(0, b);
    }

    /** dL/d(layer i's output), first b rows. */
    Tensor grad(int i, int b) {
        return grads[i].rowRange(0, b);
    }

    /** dL/d(the network's input), first b rows. */
    Tensor inputGrad(int b) {
        if (inputGrads == null) {
            inputGrads = backend.zeros(maxBatch, inputSize);
        }
        return inputGrads.rowRange(0, b);
    }

    /** A gradient penalty's tangent at layer i's output (see {@link Sequential#penaltyBackward}), first b rows; made on first use. */
    Tensor tangent(int i, int b) {
        if (tangents == null) {
            tangents = new Tensor[outputs.length];
        }
        if (tangents[i] == null) {
            tangents[i] = backend.zeros(maxBatch, outputs[i].cols());
        }
        return tangents[i].rowRange(0, b);
    }

    @Override
    public void close() {
        for (int i = 0; i < outputs.length; i++) {
            outputs[i].close();
            grads[i].close();
        }
        if (inputGrads != null) {
            inputGrads.close();
        }
        if (tangents != null) {
            for (Tensor t : tangents) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }
}
