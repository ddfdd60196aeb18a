package org.latentcl.backend;

/**
 * Central finite differences that recognize a kink (a ReLU or LeakyReLU unit switching sides
 * within h): there the two one-sided slopes disagree, and the central difference is no gradient of
 * anything. Networks with many such units (convolutions touch every position of an image) cross
 * one for a fair share of parameters; checks skip those and bound how many they skip.
 */
public final class FiniteDifference {
    private FiniteDifference() {
    }

    /**
     * The central difference (plus - minus) / 2h, or NaN when the one-sided slopes (plus - base) / h
     * and (base - minus) / h differ by more than {@code tolerance}.
     */
    public static double central(double minus, double base, double plus, double h, double tolerance) {
        double right = (plus - base) / h;
        double left = (base - minus) / h;
        if (Math.abs(right - left) > tolerance) {
            return Double.NaN;
        }
        return (plus - minus) / (2 * h);
    }
}
