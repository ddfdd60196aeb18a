package org.latentcl.nn;

/**
 * One parameter tensor a layer declares: its state_dict name, its role (which sets how it is
 * initialized and whether spectral normalization covers it), the matrix the layer computes with
 * (rows x cols), its shape as PyTorch's module holds it (what checkpoints store: a linear weight
 * [out, in], a convolution's [out, in, kh, kw], a transposed convolution's [in, out, kh, kw], a bias
 * [out]), and the fan-in that sets its initialization bound.
 *
 * @param name  the state_dict key
 * @param role  what the tensor is to its layer
 * @param rows  rows of the matrix
 * @param cols  columns of the matrix
 * @param fanIn the initialization's fan-in
 * @param shape PyTorch's shape, with rows x cols values
 */
public record ParamSpec(String name, Role role, int rows, int cols, int fanIn, int[] shape) {
    /** What a parameter is to its layer. */
    public enum Role {
        /** A weight matrix or kernel (spectral normalization covers these). */
        WEIGHT,
        /** An additive bias. */
        BIAS,
        /** A normalization's multiplicative scale (batch norm's gamma: 1 at first). */
        SCALE,
        /** A normalization's additive shift (batch norm's beta: 0 at first). */
        SHIFT
    }

    /** A weight: rows x cols as the layer multiplies it, {@code shape} as PyTorch stores it. */
    public static ParamSpec weight(String name, int rows, int cols, int fanIn, int... shape) {
        return new ParamSpec(name, Role.WEIGHT, rows, cols, fanIn, shape.length == 0 ? new int[] {rows, cols} : shape);
    }

    /** A bias of {@code size} values, stored [size]. */
    public static ParamSpec bias(String name, int size, int fanIn) {
        return new ParamSpec(name, Role.BIAS, 1, size, fanIn, new int[] {size});
    }

    /** A per-channel scale, stored [channels]. */
    public static ParamSpec scale(String name, int channels) {
        return new ParamSpec(name, Role.SCALE, 1, channels, 1, new int[] {channels});
    }

    /** A per-channel shift, stored [channels]. */
    public static ParamSpec shift(String name, int channels) {
        return new ParamSpec(name, Role.SHIFT, 1, channels, 1, new int[] {channels});
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

    /** The same parameter under another name (spectral normalization's NAME.weight_orig). */
    public ParamSpec renamed(String newName) {
        return new ParamSpec(newName, role, rows, cols, fanIn, shape);
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
