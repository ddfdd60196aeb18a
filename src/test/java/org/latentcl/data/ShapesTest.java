package org.latentcl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * --data shapes draws what its documentation says: on a dark background, one bright shape per image whose
 * filled share of its bounding box tells circle (pi/4), square (1) and triangle (1/2, apex up) apart, sized
 * 5-12 pixels in radius; the same seed gives the same images.
 */
class ShapesTest {
    private static final int SIDE = Shapes.SIZE;

    @Test
    void eachImageIsOneBrightShapeOfItsLabelOnADarkBackground() {
        Dataset d = Shapes.generate("t", 300, 42);
        assertEquals(3 * SIDE * SIDE, d.cols());
        int[] perClass = new int[3];
        int plane = SIDE * SIDE;
        for (int i = 0; i < d.rows(); i++) {
            float[] img = d.row(i);
            int label = d.labels()[i];
            perClass[label]++;
            // The background is the top-left pixel's: a shape's centre lies r from the edges, so no shape reaches a corner.
            float[] bg = {img[0], img[plane], img[2 * plane]};
            assertTrue(bg[0] >= 0.05f && bg[0] <= 0.15f && bg[1] >= 0.05f && bg[1] <= 0.15f && bg[2] >= 0.08f && bg[2] <= 0.18f,
                    "image " + i + ": dark background " + java.util.Arrays.toString(bg));
            int minX = SIDE;
            int maxX = -1;
            int minY = SIDE;
            int maxY = -1;
            int area = 0;
            float[] colour = null;
            int[] widthAtRow = new int[SIDE];
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    float[] px = {img[y * SIDE + x], img[plane + y * SIDE + x], img[2 * plane + y * SIDE + x]};
                    if (java.util.Arrays.equals(px, bg)) {
                        continue;
                    }
                    if (colour == null) {
                        colour = px;
                    }
                    assertArrayEquals(colour, px, "image " + i + ": one colour for the shape");
                    area++;
                    widthAtRow[y]++;
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
            assertTrue(colour != null, "image " + i + " has a shape");
            float hi = Math.max(colour[0], Math.max(colour[1], colour[2]));
            float lo = Math.min(colour[0], Math.min(colour[1], colour[2]));
            assertTrue(hi >= 0.8f && lo <= 0.2f, "image " + i + ": a saturated colour " + java.util.Arrays.toString(colour));
            int w = maxX - minX + 1;
            int h = maxY - minY + 1;
            double fill = area / (double) (w * h);
            switch (label) {
                case 0 -> {
                    assertTrue(fill > 0.65 && fill < 0.92, "image " + i + ": a circle fills about pi/4 of its box (pixelated), got " + fill);
                    assertTrue(w >= 9 && w <= 25 && Math.abs(w - h) <= 1, "image " + i + ": a circle of radius 5-12, " + w + "x" + h);
                }
                case 1 -> {
                    assertEquals(1.0, fill, 1e-9, "image " + i + ": a square fills its box");
                    assertTrue(w >= 8 && w <= 21 && Math.abs(w - h) <= 1, "image " + i + ": a square of side 1.7 r, " + w + "x" + h);
                }
                default -> {
                    assertTrue(fill > 0.40 && fill < 0.62, "image " + i + ": a triangle fills half its box, got " + fill);
                    assertTrue(widthAtRow[minY] < widthAtRow[maxY], "image " + i + ": the apex is up");
                    assertTrue(h >= 9 && h <= 25, "image " + i + ": a triangle 2 r high, " + h);
                }
            }
        }
        for (int c = 0; c < 3; c++) {
            assertTrue(perClass[c] > 70, "each shape about a third of the images: " + java.util.Arrays.toString(perClass));
        }
    }

    @Test
    void theSameSeedGivesTheSameImages() {
        Dataset a = Shapes.generate("a", 20, 7);
        Dataset b = Shapes.generate("b", 20, 7);
        assertArrayEquals(a.values(), b.values());
        assertArrayEquals(a.labels(), b.labels());
        assertFalse(java.util.Arrays.equals(a.values(), Shapes.generate("c", 20, 8).values()));
        DataSplit split = Shapes.load();
        assertEquals(10_000, split.train().rows());
        assertEquals(2_000, split.test().rows());
        assertFalse(java.util.Arrays.equals(split.train().row(0), split.test().row(0)), "train and test come from two seeds");
    }

    /**
     * The same seed gives the same pixels in every version, so that runs on --data shapes stay comparable: the SHA-256
     * of 60 images' float bits and labels (seed 7), recorded when this test was written (2026-12-05). A change to the
     * drawing (an edge pixel, a colour) must change this on purpose.
     */
    @Test
    void theSameImagesInEveryVersion() throws Exception {
        Dataset d = Shapes.generate("t", 60, 7);
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * (d.values().length + d.rows()));
        for (float v : d.values()) {
            b.putFloat(v);
        }
        for (int y : d.labels()) {
            b.putInt(y);
        }
        assertEquals("c6f82933dd1431a9a9314c37dcf009e54dd6738bf08120a8a1dc51b943c5ee99", java.util.HexFormat.of().formatHex(sha.digest(b.array())));
    }
}
