package org.latentcl.train;

import java.util.Arrays;

/**
 * How one batch is split among devices: contiguous rows, in device order, fixed for a batch size.
 * Each boundary falls on a multiple of {@code align} rows (a Philox block or a PacGAN pack starts
 * there), so every example draws the same noise and lands in the same pack whatever the split; a
 * device whose share rounds to nothing sits the step out.
 *
 * @param first each device's first row of the batch
 * @param rows  each device's row count (0: no rows this step)
 * @param batch the batch's rows (more than the shards' sum where other hosts train the rest)
 */
record Shards(int[] first, int[] rows, int batch) {
    /**
     * Splits {@code batch} rows in proportion to {@code weights} (one per device, positive; equal
     * weights for an even split): 7 rows on two devices are 4 and 3.
     */
    static Shards split(int batch, double[] weights, int align) {
        return split(0, batch, batch, weights, align);
    }

    /**
     * Splits rows {@code [start, start + count)} of a batch of {@code batch} rows as above: one
     * host's part of a batch that several hosts share, over that host's devices.
     */
    static Shards split(int start, int count, int batch, double[] weights, int align) {
        int n = weights.length;
        double total = Arrays.stream(weights).sum();
        int[] first = new int[n];
        int[] rows = new int[n];
        double cumulative = 0;
        int at = 0;
        for (int i = 0; i < n; i++) {
            cumulative += weights[i];
            // Boundaries round up to the alignment, so the shortfall lands on the last device.
            int end = i == n - 1 ? count : (int) Math.ceil(count * cumulative / total / align - 1e-9) * align;
            end = Math.max(at, Math.min(count, end));
            first[i] = start + at;
            rows[i] = end - at;
            at = end;
        }
        return new Shards(first, rows, batch);
    }

    /** The rows a boundary must be a multiple of so that draws of each of {@code valuesPerRow} start on a block, and packs stay whole. */
    static int alignment(int pack, int... valuesPerRow) {
        int align = pack;
        for (int v : valuesPerRow) {
            align = lcm(align, 4 / gcd(v, 4));
        }
        return align;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? Math.abs(a) : gcd(b, a % b);
    }

    private static int lcm(int a, int b) {
        return a / gcd(a, b) * b;
    }

    int devices() {
        return rows.length;
    }

    @Override
    public String toString() {
        return Arrays.toString(rows);
    }
}
