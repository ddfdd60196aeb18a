package org.latentcl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The Dataset operations the models and the API rely on: one-hot rows, classes, heads, rows, the unit-interval check. */
class DatasetTest {
    private static Dataset labelled() {
        // Three rows of two values, labels 2, 0, 1 (three classes).
        return new Dataset("d", new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, 3, 2, new int[] {2, 0, 1}, 0, 0);
    }

    @Test
    void oneHotRowsCarryEachRowsClassAfterItsValues() {
        Dataset d = labelled().withOneHot(4);
        assertEquals(3, d.rows());
        assertEquals(6, d.cols());
        assertArrayEquals(new float[] {0.1f, 0.2f, 0, 0, 1, 0, 0.3f, 0.4f, 1, 0, 0, 0, 0.5f, 0.6f, 0, 1, 0, 0}, d.values());
        assertArrayEquals(new int[] {2, 0, 1}, d.labels());
        assertFalse(d.isImage(), "one-hot rows are plain rows");
        IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class, () -> labelled().withOneHot(2));
        assertEquals("d: the label of row 0 is 2, outside the 2 classes 0..1", tooFew.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofRows("u", new float[] {1, 2}, 1, 2).withOneHot(3));
        assertEquals("u has no labels, which a conditional model needs", none.getMessage());
    }

    @Test
    void classesIsOneMoreThanTheLargestLabel() {
        assertEquals(3, labelled().classes());
        assertEquals(0, Dataset.ofRows("u", new float[] {1}, 1, 1).classes());
        assertEquals(8, new Dataset("g", new float[] {0, 0}, 2, 1, new int[] {7, 0}, 0, 0).classes(), "a gap in the labels still counts");
    }

    @Test
    void headRowAndToArrayCopy() {
        Dataset d = labelled();
        Dataset two = d.head(2);
        assertEquals(2, two.rows());
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, two.values());
        assertArrayEquals(new int[] {2, 0}, two.labels());
        assertEquals(3, d.head(10).rows(), "all rows when there are fewer");
        assertArrayEquals(new float[] {0.5f, 0.6f}, d.row(2));
        d.row(0)[0] = 9f;
        assertEquals(0.1f, d.values()[0], "row() is a copy");
        float[][] all = d.toArray();
        assertEquals(3, all.length);
        assertArrayEquals(new float[] {0.3f, 0.4f}, all[1]);
        assertThrows(IndexOutOfBoundsException.class, () -> d.row(3));
        assertThrows(IndexOutOfBoundsException.class, () -> d.row(-1));
    }

    @Test
    void theUnitIntervalIncludesItsEndsAndExcludesNaN() {
        assertTrue(Dataset.ofRows("a", new float[] {0f, 1f, 0.5f}, 1, 3).inUnitInterval());
        assertFalse(Dataset.ofRows("b", new float[] {0f, 1.0001f}, 1, 2).inUnitInterval());
        assertFalse(Dataset.ofRows("c", new float[] {-0.0001f, 0.5f}, 1, 2).inUnitInterval());
        assertFalse(Dataset.ofRows("d", new float[] {Float.NaN}, 1, 1).inUnitInterval());
    }

    @Test
    void withValuesKeepsLabelsAndImageShape() {
        Dataset img = new Dataset("i", new float[12], 1, 12, new int[] {1}, 3, 2, 2);
        Dataset scaled = img.withValues(new float[12]);
        assertEquals(3, scaled.channels());
        assertEquals(2, scaled.height());
        assertArrayEquals(new int[] {1}, scaled.labels());
        assertEquals("i (1 x 3x2x2)", scaled.toString());
        assertEquals("d (3 x 2)", labelled().toString());
    }
}
