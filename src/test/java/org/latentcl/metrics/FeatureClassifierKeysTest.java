package org.latentcl.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.latentcl.backend.TestBackends;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;

/**
 * The classifier's training length and cache key, and feature extraction across batches: about 6,000 steps of 128,
 * between 12 and 60 epochs; a key that changes with any value, any label (both of its bytes) and the row count; the
 * features of n rows the same whether extracted in one call over several batches or in parts.
 */
class FeatureClassifierKeysTest {
    @Test
    void epochsAimAtSixThousandStepsWithinTwelveToSixty() {
        assertEquals(60, FeatureClassifiers.epochs(1));
        assertEquals(60, FeatureClassifiers.epochs(9_000), "71 steps an epoch would need 85 epochs");
        assertEquals(30, FeatureClassifiers.epochs(25_600), "200 steps an epoch");
        assertEquals(13, FeatureClassifiers.epochs(60_000), "469 steps an epoch: 6,000 / 469 rounded up");
        assertEquals(12, FeatureClassifiers.epochs(1_000_000));
    }

    private static Dataset data(float[] v, int[] labels) {
        return new Dataset("k", v, labels.length, v.length / labels.length, labels, 1, 40, v.length / labels.length / 40);
    }

    @Test
    void theCacheKeyFollowsEveryValueAndLabel() {
        int rows = 3;
        int cols = 4000; // 12,000 values: a full 8,192-value chunk and a partial one
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 97) / 97f;
        }
        int[] labels = {0, 1, 2};
        String key = FeatureClassifiers.key(data(v, labels));
        assertEquals(key, FeatureClassifiers.key(data(v.clone(), labels.clone())), "the same data, the same key");
        for (int at : new int[] {0, 8191, 8192, v.length - 1}) {
            float[] w = v.clone();
            w[at] += 0.5f;
            assertNotEquals(key, FeatureClassifiers.key(data(w, labels)), "value " + at);
        }
        assertNotEquals(key, FeatureClassifiers.key(data(v, new int[] {0, 2, 2})), "a label");
        assertNotEquals(key, FeatureClassifiers.key(data(v, new int[] {0, 1, 2 + 256})), "a label's second byte");
        assertNotEquals(key, FeatureClassifiers.key(data(java.util.Arrays.copyOf(v, 2 * cols), new int[] {0, 1})), "a row fewer");
        assertNotEquals(key, FeatureClassifiers.key(new Dataset("k", v, rows, cols, labels, 1, 80, cols / 80)), "the same values as 80-high images");
    }

    @Test
    void featuresAreTheSameInOneCallOverSeveralBatchesAsInParts() {
        DataSplit split = new DataSplit(FeatureClassifiersTest.shapes("shapes/train", 60, 1), FeatureClassifiersTest.shapes("shapes/test", 30, 2),
                "generated");
        try (FeatureClassifiers.Trained t = FeatureClassifiers.train(TestBackends.java(), split, 1, line -> { })) {
            int n = t.network().maxBatch() + 7;
            Dataset many = FeatureClassifiersTest.shapes("many", n, 3);
            FeatureClassifiers.Extracted all = FeatureClassifiers.extract(t.network(), many.values(), n);
            int first = 5;
            FeatureClassifiers.Extracted head = FeatureClassifiers.extract(t.network(), java.util.Arrays.copyOf(many.values(), first * many.cols()), first);
            FeatureClassifiers.Extracted tail = FeatureClassifiers.extract(t.network(),
                    java.util.Arrays.copyOfRange(many.values(), (n - 3) * many.cols(), n * many.cols()), 3);
            int f = org.latentcl.model.ClassifierNetwork.FEATURES;
            assertArrayEquals(head.features(), java.util.Arrays.copyOf(all.features(), first * f));
            assertArrayEquals(tail.features(), java.util.Arrays.copyOfRange(all.features(), (n - 3) * f, n * f), "rows past the first batch");
            assertArrayEquals(tail.predicted(), java.util.Arrays.copyOfRange(all.predicted(), n - 3, n));
        }
    }
}
