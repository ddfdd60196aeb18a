package org.latentcl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/**
 * The data's moments by hand (population standard deviation, 1 for a feature that never varies) and both maps,
 * (x - mean) / std and mean + std h, against the math at awkward sizes on both backends.
 */
class DataScalingTest {
    @Test
    void momentsAreTheMeanAndPopulationStdWithOneForAConstantFeature() {
        try (DataScaling s = new DataScaling(TestBackends.java(), 2)) {
            assertFalse(s.adapted());
            assertArrayEquals(new float[] {0, 0}, s.buffers().get(0).read(), "the identity before adapting");
            assertArrayEquals(new float[] {1, 1}, s.buffers().get(1).read());
            s.adapt(new float[] {1, 10, 3, 10, 5, 10});
            assertTrue(s.adapted());
            assertArrayEquals(new float[] {3, 10}, s.buffers().get(0).read(), "data_mean");
            assertArrayEquals(new float[] {(float) Math.sqrt(8.0 / 3), 1}, s.buffers().get(1).read(), 1e-7f, "data_std");
            assertThrows(IllegalArgumentException.class, () -> s.adapt(new float[] {1, 2, 3}));
        }
    }

    @Test
    void writingTheMomentsMarksThemAdapted() {
        try (DataScaling s = new DataScaling(TestBackends.java(), 3)) {
            s.buffers().get(1).write(new float[] {2, 2, 2});
            assertTrue(s.adapted());
            assertThrows(IllegalArgumentException.class, () -> s.buffers().get(0).write(new float[] {1}));
        }
    }

    @ParameterizedTest
    @CsvSource({"java, 1, 1", "cl, 1, 1", "java, 7, 2", "cl, 7, 2", "java, 33, 7", "cl, 129, 7", "cl, 1000, 1", "java, 3, 33", "cl, 5, 33"})
    void standardizeAndRestoreMatchTheMath(String backend, int rows, int features) {
        Backend be = TestBackends.named(backend);
        Random rnd = new Random(rows * 31L + features);
        float[] data = new float[4 * features];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (5 * (i % features) - 7 + (1 + i % features) * rnd.nextGaussian());
        }
        float[] x = TestBackends.uniform(rnd, rows * features, -20, 20);
        try (DataScaling s = new DataScaling(be, features); Tensor tx = be.upload(x, rows, features); Tensor out = be.zeros(rows, features);
             Tensor back = be.zeros(rows, features)) {
            s.adapt(data);
            float[] mean = s.buffers().get(0).read();
            float[] std = s.buffers().get(1).read();
            float[] wantStandardized = new float[x.length];
            float[] wantRestored = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                int c = i % features;
                wantStandardized[i] = (x[i] - mean[c]) / std[c];
                wantRestored[i] = mean[c] + std[c] * x[i];
            }
            s.standardize(tx, out);
            assertArrayEquals(wantStandardized, be.read(out), 1e-5f, "(x - mean) / std");
            s.restore(tx, out);
            assertArrayEquals(wantRestored, be.read(out), 1e-4f, "mean + std x");
            s.standardize(tx, out);
            s.restore(out, back);
            assertArrayEquals(x, be.read(back), 1e-4f, "restore undoes standardize");
        }
    }
}
