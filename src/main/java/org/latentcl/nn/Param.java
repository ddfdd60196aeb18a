package org.latentcl.nn;

import org.latentcl.backend.Tensor;

/**
 * A declared parameter resolved in its model's flat storage: views of its values and of its
 * gradients, found once when a layer is bound, so no forward or backward pass looks a name up.
 *
 * @param spec  the declaration
 * @param value the values (rows x cols)
 * @param grad  the gradients, same layout
 */
public record Param(ParamSpec spec, Tensor value, Tensor grad) {
}
