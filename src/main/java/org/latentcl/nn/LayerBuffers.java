package org.latentcl.nn;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;

/**
 * The activations and gradients a feed-forward network keeps between its layers, for a {@link Sequential}:
 * layer i's output, dL/d(that output), dL/d(the network's input), and a gradient penalty's tangents. The
 * gradients between layers pass through two buffers in turn (layer i's backward reads one and writes the
 * other; what it read is not needed after it), unless a pass keeps each layer's own, as a gradient penalty's
 * double backward needs; the last layer's, which a loss writes, is always its own. Each is made on first
 * use for the rows asked for and remade larger when a larger batch comes (up to the network's largest
 * batch; smaller batches use the first rows), so that a network built for batches of 128 and trained on
 * 64 holds 64 rows, as PyTorch's autograd does. A view taken before a larger batch remade its buffer is
 * stale: callers take them afresh in each pass.
 */
final class LayerBuffers implements AutoCloseable {
    private final Backend backend;
    private final int maxBatch;
    private final int inputSize;
    private final int[] sizes;
    private final Tensor[] outputs;
    private final Tensor[] grads;
    private Tensor inputGrads;
    private final Tensor[] tangents;
    /** The two buffers the gradients between layers pass through, each as large as the largest of them. */
    private final Tensor[] passing = new Tensor[2];
    private final int largestInner;

    /** Buffers for layers with the given output sizes, after an input of {@code inputSize} values. */
    LayerBuffers(Backend backend, int maxBatch, int inputSize, int[] outputSizes) {
        this.backend = backend;
        this.maxBatch = maxBatch;
        this.inputSize = inputSize;
        sizes = outputSizes.clone();
        outputs = new Tensor[sizes.length];
        grads = new Tensor[sizes.length];
        tangents = new Tensor[sizes.length];
        int largest = 1;
        for (int i = 0; i < sizes.length - 1; i++) {
            largest = Math.max(largest, sizes[i]);
        }
        largestInner = largest;
    }

    /** Layer i's output, first b rows. */
    Tensor output(int i, int b) {
        outputs[i] = rows(outputs[i], b, sizes[i]);
        return outputs[i].rowRange(0, b);
    }

    /** dL/d(layer i's output), first b rows: the layer's own buffer (the last layer's, or when {@code keep}), else one of the two passed between layers. */
    Tensor grad(int i, int b, boolean keep) {
        if (keep || i == sizes.length - 1) {
            grads[i] = rows(grads[i], b, sizes[i]);
            return grads[i].rowRange(0, b);
        }
        int k = i % 2;
        passing[k] = rows(passing[k], b, largestInner);
        return passing[k].view(0, b, sizes[i]);
    }

    /** dL/d(the network's input), first b rows. */
    Tensor inputGrad(int b) {
        inputGrads = rows(inputGrads, b, inputSize);
        return inputGrads.rowRange(0, b);
    }

    /** A gradient penalty's tangent at layer i's output (see {@link Sequential#penaltyBackward}), first b rows. */
    Tensor tangent(int i, int b) {
        tangents[i] = rows(tangents[i], b, sizes[i]);
        return tangents[i].rowRange(0, b);
    }

    /** t when it has at least b rows, else a new (zeroed) b x cols tensor in its place. */
    private Tensor rows(Tensor t, int b, int cols) {
        if (b > maxBatch) {
            throw new IllegalArgumentException("batch of " + b + " rows exceeds the " + maxBatch + " the network was built for");
        }
        return backend.atLeast(t, b, cols);
    }

    @Override
    public void close() {
        for (Tensor[] all : List.of(outputs, grads, tangents, passing)) {
            for (Tensor t : all) {
                if (t != null) {
                    t.close();
                }
            }
        }
        if (inputGrads != null) {
            inputGrads.close();
        }
    }
}
