package org.latentcl.train;

import org.latentcl.backend.Philox;

/**
 * Walks between two points of a Gaussian latent space, for interpolation grids: each walk's two ends are
 * draws from N(0, I) (the Philox stream of a seed), and its points follow the great circle between them
 * (spherical interpolation, slerp; White 2016, "Sampling Generative Networks"): a straight line between two
 * Gaussian draws passes near the origin, where draws of that dimension almost never lie (their norms
 * concentrate around sqrt(d)), and decodes to faded images in the middle; the arc keeps the norm near both ends'.
 */
public final class LatentWalks {
    private LatentWalks() {
    }

    /**
     * {@code walks} walks of {@code steps} points each in d dimensions, walk after walk (walks x steps rows of d):
     * walk w runs from draw w to draw walks + w of the seed's stream, its first and last points exactly those draws.
     */
    public static float[] walks(int walks, int steps, int d, long seed) {
        if (walks < 1 || steps < 2 || d < 1) {
            throw new IllegalArgumentException("a walk needs at least one walk of two points in one dimension, got " + walks + " walks of "
                    + steps + " in " + d);
        }
        float[] ends = new float[2 * walks * d];
        Philox.fillNormal(ends, 0, ends.length, seed, 0);
        float[] out = new float[walks * steps * d];
        float[] a = new float[d];
        float[] b = new float[d];
        for (int w = 0; w < walks; w++) {
            System.arraycopy(ends, w * d, a, 0, d);
            System.arraycopy(ends, (walks + w) * d, b, 0, d);
            for (int s = 0; s < steps; s++) {
                float[] p = slerp(a, b, s / (double) (steps - 1));
                System.arraycopy(p, 0, out, (w * steps + s) * d, d);
            }
        }
        return out;
    }

    /** The class of every point of the walks, walk w's points all of {@code classes[w]}; null for an unconditional model (classes null). */
    static int[] eachPoint(int[] classes, int walks, int steps) {
        if (classes == null) {
            return null;
        }
        if (classes.length != walks) {
            throw new IllegalArgumentException("one class a walk: " + walks + " walks, " + classes.length + " classes");
        }
        int[] each = new int[walks * steps];
        for (int i = 0; i < each.length; i++) {
            each[i] = classes[i / steps];
        }
        return each;
    }

    /**
     * The point a fraction t of the way from a to b along the arc between them:
     * sin((1 - t) W) / sin W a + sin(t W) / sin W b, W the angle between a and b; the straight line where the
     * angle is too small (or too near pi) for the sines to be divided, or a vector is zero. t = 0 and 1 give a and b.
     */
    static float[] slerp(float[] a, float[] b, double t) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        float[] out = new float[a.length];
        if (t == 0 || t == 1) {
            System.arraycopy(t == 0 ? a : b, 0, out, 0, a.length);
            return out;
        }
        double cos = na == 0 || nb == 0 ? 1 : Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb)));
        double omega = Math.acos(cos);
        double sin = Math.sin(omega);
        double wa = sin < 1e-6 ? 1 - t : Math.sin((1 - t) * omega) / sin;
        double wb = sin < 1e-6 ? t : Math.sin(t * omega) / sin;
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) (wa * a[i] + wb * b[i]);
        }
        return out;
    }
}
