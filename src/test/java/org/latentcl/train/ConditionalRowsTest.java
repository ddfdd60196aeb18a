package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Datasets;

/**
 * A conditional model's labels stay with their rows: on data whose label is a function of the
 * example (the class is the index of its largest value), every shuffled batch, every device's shard
 * of it and both parts of a held-out split carry, in their one-hot columns, the class their own
 * values give.
 */
class ConditionalRowsTest {
    private static final int FEATURES = 6;
    private static final int CLASSES = 4;

    /** The class an example's values give: the index of the largest of its first four values. */
    private static int classOf(float[] row, int offset) {
        int best = 0;
        for (int k = 1; k < CLASSES; k++) {
            if (row[offset + k] > row[offset + best]) {
                best = k;
            }
        }
        return best;
    }

    private static Dataset labelled(int rows) {
        Random rnd = new Random(5);
        float[] v = new float[rows * FEATURES];
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < FEATURES; c++) {
                v[r * FEATURES + c] = rnd.nextFloat();
            }
            labels[r] = classOf(v, r * FEATURES);
        }
        return new Dataset("argmax", v, rows, FEATURES, labels, 0, 0);
    }

    /** Each row's one-hot columns name the class its values give. */
    private static void checkRows(float[] rows, int n, String where) {
        int width = FEATURES + CLASSES;
        for (int r = 0; r < n; r++) {
            int hot = -1;
            for (int k = 0; k < CLASSES; k++) {
                float v = rows[r * width + FEATURES + k];
                assertTrue(v == 0f || v == 1f, where + " row " + r + ": one-hot value " + v);
                if (v == 1f) {
                    assertEquals(-1, hot, where + " row " + r + ": two classes");
                    hot = k;
                }
            }
            assertEquals(classOf(rows, r * width), hot, where + " row " + r);
        }
    }

    @Test
    void labelsStayWithTheirRowsThroughShufflesShardsAndSplits() {
        Dataset data = labelled(250);
        DataSplit split = Datasets.holdOut(data);
        for (Dataset part : new Dataset[] {split.train(), split.test()}) {
            Dataset rows = part.withOneHot(CLASSES);
            checkRows(rows.values(), rows.rows(), part.name());
        }
        Backend be = TestBackends.java();
        Dataset rows = split.train().withOneHot(CLASSES);
        try (EpochBatches batches = new EpochBatches(be, rows, FEATURES + CLASSES, 32, "VAE")) {
            for (int epoch = 1; epoch <= 3; epoch++) {
                batches.shuffle(7, epoch);
                for (int s = 0; s < batches.steps(); s++) {
                    int n = batches.rowsOf(s);
                    Tensor whole = batches.batch(s);
                    checkRows(be.read(whole), n, "epoch " + epoch + " batch " + s);
                    // Three uneven shards, as three devices take them.
                    int[] cuts = {0, n / 5, n / 2, n};
                    for (int d = 0; d < 3; d++) {
                        Tensor shard = batches.batch(s, cuts[d], cuts[d + 1] - cuts[d]);
                        checkRows(be.read(shard), shard.rows(), "epoch " + epoch + " batch " + s + " shard " + d);
                    }
                }
            }
        }
    }

    @Test
    void labelsOutsideTheClassesAreRefusedByRow() {
        Dataset data = labelled(20);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> data.withOneHot(3));
        assertTrue(e.getMessage().contains("outside the 3 classes 0..2"), e.getMessage());
        Dataset unlabelled = Dataset.ofRows("plain", new float[12], 2, 6);
        e = assertThrows(IllegalArgumentException.class, () -> unlabelled.withOneHot(2));
        assertTrue(e.getMessage().contains("has no labels"), e.getMessage());
    }
}
