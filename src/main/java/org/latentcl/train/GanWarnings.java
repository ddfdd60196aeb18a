package org.latentcl.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The failure modes of GAN training that the paper names, turned into checks on the epoch
 * statistics, so they are reported instead of silent:
 * <ul>
 *   <li>the discriminator wins outright: D(G(z)) stays near 0 for a whole epoch, so the
 *       generator's gradient is small (and vanishes with the minimax loss);</li>
 *   <li>instability: the generator loss swings up and down from epoch to epoch, or climbs for
 *       several epochs to well above its best;</li>
 *   <li>mode collapse: generated samples are far less diverse than the data and not spreading out. A generator starts
 *       out undiverse (its first samples are near one image), so the first epoch, with nothing to compare with, and an
 *       epoch whose diversity rose by a quarter or more since the one before are not collapse: on the embedded digits
 *       the default preset measures 0.11, 0.35, 0.65, 0.78 ... 0.91 over 20 epochs, and warning at the first two was a
 *       false alarm.</li>
 * </ul>
 */
final class GanWarnings {
    static final double WINNING_D_FAKE = 0.05;
    static final double COLLAPSE_RATIO = 0.5;
    /** A diversity at least this multiple of the previous epoch's is still spreading out. */
    static final double SPREADING = 1.25;
    static final double SWING = 0.25;

    private GanWarnings() {
    }

    /**
     * Warnings for the newest epoch: its mean D(G(z)), its diversity (relative to the data's) and the one of the epoch
     * before (NaN in the first), and every epoch's generator loss so far.
     */
    static List<String> check(double dFake, double diversity, double previousDiversity, List<Double> gLosses) {
        List<String> w = new ArrayList<>();
        if (dFake < WINNING_D_FAKE) {
            w.add(String.format(Locale.ROOT, "discriminator wins: mean D(G(z)) was %.3f this epoch, so the generator gets little gradient "
                    + "(try --k 1, a smaller discriminator, or the nonsaturating loss)", dFake));
        }
        boolean spreading = Double.isNaN(previousDiversity) || diversity >= SPREADING * previousDiversity;
        if (diversity < COLLAPSE_RATIO && !spreading) {
            w.add(String.format(Locale.ROOT, "possible mode collapse: generated samples are %.2fx as diverse as the data "
                    + "(mean pairwise distance)", diversity));
        }
        int n = gLosses.size();
        if (n >= 4) {
            double d1 = gLosses.get(n - 1) - gLosses.get(n - 2);
            double d2 = gLosses.get(n - 2) - gLosses.get(n - 3);
            double d3 = gLosses.get(n - 3) - gLosses.get(n - 4);
            double scale = Math.abs(gLosses.get(n - 2));
            if (d1 * d2 < 0 && d2 * d3 < 0 && Math.min(Math.abs(d1), Math.min(Math.abs(d2), Math.abs(d3))) > SWING * scale) {
                w.add("losses oscillate: the generator loss swung up and down by more than 25% over the last three epochs");
            }
            double best = gLosses.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            if (d1 > 0 && d2 > 0 && d3 > 0 && gLosses.get(n - 1) > 2 * Math.max(best, 1e-3)) {
                w.add("generator loss diverging: it rose for three epochs to more than twice its best (try a smaller --lr)");
            }
        }
        return w;
    }

    /** Mean Euclidean distance between all pairs of the n rows of x (n x d). */
    static double meanPairwiseDistance(float[] x, int n, int d) {
        double total = 0;
        long pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    double diff = x[i * d + k] - x[j * d + k];
                    s += diff * diff;
                }
                total += Math.sqrt(s);
                pairs++;
            }
        }
        return pairs == 0 ? 0 : total / pairs;
    }
}
