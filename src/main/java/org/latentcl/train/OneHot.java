package org.latentcl.train;

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
        float[] out = new float[n * (width + c)];
        for (int i = 0; i < n; i++) {
            if (classes[i] < 0 || classes[i] >= c) {
                throw new IllegalArgumentException("class " + classes[i] + " is outside the model's " + c + " classes 0.." + (c - 1));
            }
            System.arraycopy(values, i * width, out, i * (width + c), width);
            out[i * (width + c) + width + classes[i]] = 1f;
        }
        return out;
    }
}
