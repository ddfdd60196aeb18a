package org.latentcl.nn;

/**
 * One named parameter tensor: the matrix the layer computes with (rows x cols), its shape as PyTorch's
 * module holds it (what checkpoints store: a linear weight [out, in], a convolution's [out, in, kh, kw],
 * a transposed convolution's [in, out, kh, kw], a bias [out]), and the fan-in that sets its
 * initialization bound.
 *
 * @param name  the state_dict key
 * @param rows  rows of the matrix
 * @param cols  columns of the matrix
 * @param fanIn the initialization's fan-in
 * @param shape PyTorch's shape, with rows x cols values
 */
public record ParamSpec(String name, int rows, int cols, int fanIn, int[] shape) {
    /** A matrix parameter as nn.Linear holds them: a weight [rows, cols], a bias (name ending in .bias) [cols]. */
    public ParamSpec(String name, int rows, int cols, int fanIn) {
        this(name, rows, cols, fanIn, name.endsWith(".bias") ? new int[] {cols} : new int[] {rows, cols});
    }

    /** Checks that the tensor fits one Java array (Parameters also checks the total) and that the shape holds its values. */
    public ParamSpec {
        if ((long) rows * cols > Parameters.MAX_TOTAL) {
            throw new IllegalArgumentException("parameter " + name + " would have " + (long) rows * cols + " values ("
                    + rows + "x" + cols + "), more than the " + Parameters.MAX_TOTAL + " a model may hold; use smaller layers");
        }
        shape = shape.clone();
        long values = 1;
        for (int d : shape) {
            values *= d;
        }
        if (values != (long) rows * cols) {
            throw new IllegalArgumentException("parameter " + name + ": shape " + java.util.Arrays.toString(shape) + " does not hold "
                    + rows + "x" + cols + " values");
        }
    }

    /** PyTorch's shape (a copy). */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The shape as "9x12" or "32x1x4x4". */
    public String shapeText() {
        StringBuilder sb = new StringBuilder();
        for (int d : shape) {
            sb.append(sb.length() == 0 ? "" : "x").append(d);
        }
        return sb.toString();
    }

    /** Values in the tensor. */
    public int size() {
        return rows * cols;
    }
}
