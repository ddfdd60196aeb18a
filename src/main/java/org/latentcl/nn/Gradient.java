package org.latentcl.nn;

import org.latentcl.backend.Tensor;

/**
 * A gradient flowing backward between layers: dL/dy for a layer's output y, or, when
 * {@code throughActivation}, already carried through the activation that produced y (dL/d of the
 * pre-activation). The layer that computes a gradient carries it through the next activation in
 * the same GEMM where it can; this flag tells the receiver not to do it again. Which launches a
 * backward pass becomes is decided here, in nn, so that model code reads as the math.
 *
 * @param value             the gradient, batch x features
 * @param throughActivation whether the activation's derivative is already applied
 */
public record Gradient(Tensor value, boolean throughActivation) {
    /** dL/dy as a loss wrote it. */
    public static Gradient of(Tensor dy) {
        return new Gradient(dy, false);
    }
}
