package org.latentcl.data;

import java.util.SplittableRandom;

/**
 * {@code --data shapes}: a small procedural colour dataset, so that a colour model trains with no
 * download. Each 32 x 32 RGB image (NCHW rows, values in [0, 1]) shows one filled shape on a dark
 * background: a circle (label 0), a square (1) or a triangle (2), of a random bright colour, size
 * and position. The same seed always gives the same images: 10,000 for training, 2,000 for testing.
 */
public final class Shapes {
    /** Image side in pixels. */
    public static final int SIZE = 32;
    private static final long TRAIN_SEED = 0x5EED_0001L;
    private static final long TEST_SEED = 0x5EED_0002L;

    private Shapes() {
    }

    /**
     * The training and test images.
     *
     * @return 10,000 training and 2,000 test images
     */
    public static DataSplit load() {
        return new DataSplit(generate("shapes", 10_000, TRAIN_SEED), generate("shapes", 2_000, TEST_SEED), "shapes (test seed)");
    }

    /**
     * n images from a seed.
     *
     * @param name the dataset's name
     * @param n    images
     * @param seed the seed
     * @return the images with their shape labels
     */
    public static Dataset generate(String name, int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int plane = SIZE * SIZE;
        float[] values = new float[n * 3 * plane];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int label = rnd.nextInt(3);
            labels[i] = label;
            float[] background = {0.05f + 0.1f * (float) rnd.nextDouble(), 0.05f + 0.1f * (float) rnd.nextDouble(),
                0.08f + 0.1f * (float) rnd.nextDouble()};
            float[] colour = brightColour(rnd);
            double r = 5 + rnd.nextDouble() * 7;
            double cx = r + rnd.nextDouble() * (SIZE - 2 * r);
            double cy = r + rnd.nextDouble() * (SIZE - 2 * r);
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    boolean inside = inside(label, x + 0.5 - cx, y + 0.5 - cy, r);
                    for (int c = 0; c < 3; c++) {
                        values[(i * 3 + c) * plane + y * SIZE + x] = inside ? colour[c] : background[c];
                    }
                }
            }
        }
        return new Dataset(name, values, n, 3 * plane, labels, 3, SIZE, SIZE);
    }

    /** Whether the offset (dx, dy) from the centre lies in the shape of size r. */
    private static boolean inside(int label, double dx, double dy, double r) {
        switch (label) {
            case 0:
                return dx * dx + dy * dy <= r * r;
            case 1:
                return Math.abs(dx) <= r * 0.85 && Math.abs(dy) <= r * 0.85;
            default:
                // An upward triangle: below the apex at -r, inside the two sides, above the base at r.
                return dy <= r && dy >= -r && Math.abs(dx) <= (dy + r) * 0.55;
        }
    }

    /** A saturated colour: one channel high, one low, one anywhere. */
    private static float[] brightColour(SplittableRandom rnd) {
        float[] c = new float[3];
        int hi = rnd.nextInt(3);
        int lo = (hi + 1 + rnd.nextInt(2)) % 3;
        for (int k = 0; k < 3; k++) {
            c[k] = (float) rnd.nextDouble();
        }
        c[hi] = 0.8f + 0.2f * (float) rnd.nextDouble();
        c[lo] = 0.2f * (float) rnd.nextDouble();
        return c;
    }
}
