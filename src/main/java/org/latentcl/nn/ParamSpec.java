package org.latentcl.nn;

/**
 * One named parameter tensor: its shape (PyTorch layout, weights [out, in]) and the fan-in that
 * sets its initialization bound.
 */
public record ParamSpec(String name, int rows, int cols, int fanIn) {
    public int size() {
        return rows * cols;
    }
}
