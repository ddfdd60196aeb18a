package org.latentcl.train;

import org.latentcl.data.Dataset;

/** A conditional model's inputs on the host: rows followed by the one-hot class of each (what its data rows and codes are). */
public final class OneHot {
    private OneHot() {
    }

    /** The rows of {@code values} (n x width) each followed by the one-hot class given for it; as they are for an unconditional model (c = 0). */
    public static float[] append(int c, float[] values, int n, int width, int[] classes) {
        if (c == 0) {
            if (classes != null) {
                throw new IllegalArgumentException("this model is not conditional, so it takes no class");
            }
            return values;
        }
        if (classes == null || classes.length != n) {
            throw new IllegalArgumentException("a conditional model needs a class for each of the " + n + " examples");
        }
        for (int k : classes) {
            if (k < 0 || k >= c) {
                throw new IllegalArgumentException("class " + k + " is outside the model's " + c + " classes 0.." + (c - 1));
            }
        }
        return new Dataset("rows", values, n, width, classes, 0, 0).withOneHot(c).values();
    }

    /**
     * {@code per} draws of d values, or {@code per} of each class in {@code classes} (null for an
     * unconditional model), class by class, each class's draw asked for with the same seed so that its
     * row shows the same codes as every other class's row ({@code draw} gives n draws of the given classes).
     */
    public static float[] byClass(java.util.function.BiFunction<Integer, int[], float[]> draw, int[] classes, int per, int d) {
        if (classes == null) {
            return draw.apply(per, null);
        }
        float[] x = new float[classes.length * per * d];
        int[] same = new int[per];
        for (int k = 0; k < classes.length; k++) {
            java.util.Arrays.fill(same, classes[k]);
            System.arraycopy(draw.apply(per, same), 0, x, k * per * d, per * d);
        }
        return x;
    }

    /** Classes 0, 1, ..., n - 1. */
    public static int[] all(int n) {
        int[] out = new int[n];
        for (int k = 0; k < n; k++) {
            out[k] = k;
        }
        return out;
    }
}
