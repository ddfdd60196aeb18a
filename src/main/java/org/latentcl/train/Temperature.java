package org.latentcl.train;

/** Sampling at a temperature: standard normal draws scaled by t, so that they come from N(0, t^2 I). */
final class Temperature {
    private Temperature() {
    }

    /** Scales the draws in place by t; t = 1 leaves them as they are, bit for bit. */
    static void scale(float[] draws, float t) {
        check(t);
        if (t == 1f) {
            return;
        }
        for (int i = 0; i < draws.length; i++) {
            draws[i] *= t;
        }
    }

    /** A temperature must be a finite number above 0. */
    static void check(float t) {
        if (!(t > 0f) || Float.isInfinite(t)) {
            throw new IllegalArgumentException("the temperature must be a number above 0, got " + t);
        }
    }
}
