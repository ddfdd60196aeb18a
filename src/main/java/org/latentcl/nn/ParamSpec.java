package org.latentcl.nn;

/**
 * One named parameter tensor: its shape (PyTorch layout, weights [out, in]) and the fan-in that
 * sets its initialization bound.
 */
public record ParamSpec(String name, int rows, int cols, int fanIn) {
    /** Checks that the tensor fits one Java array (Parameters also checks the total). */
    public ParamSpec {
        if ((long) rows * cols > Parameters.MAX_TOTAL) {
            throw new IllegalArgumentException("parameter " + name + " would have " + (long) rows * cols + " values ("
                    + rows + "x" + cols + "), more than the " + Parameters.MAX_TOTAL + " a model may hold; use smaller layers");
        }
    }

    /** Values in the tensor. */
    public int size() {
        return rows * cols;
    }
}
