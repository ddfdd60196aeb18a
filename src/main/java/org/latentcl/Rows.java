package org.latentcl;

/** Conversions between the API's rows ({@code float[][]}) and the backends' flat row-major arrays. */
final class Rows {
    private Rows() {
    }

    /** The rows as one flat array; every row must have {@code cols} values. */
    static float[] flatten(float[][] rows, int cols, String what) {
        if (rows == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        float[] flat = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != cols) {
                throw new IllegalArgumentException(what + " must have rows of " + cols + " values, but row " + i + " has "
                        + (rows[i] == null ? "none (null)" : rows[i].length));
            }
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        return flat;
    }

    /** n rows of cols values from a flat array. */
    static float[][] split(float[] flat, int n, int cols) {
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * cols, (i + 1) * cols);
        }
        return out;
    }

    static void checkCount(int n, String what) {
        if (n < 0) {
            throw new IllegalArgumentException(what + " must not be negative, got " + n);
        }
    }
}
