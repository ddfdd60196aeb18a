package org.latentcl.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.ops.ParityAssert;
import org.latentcl.backend.ops.RandomFill;

/** Philox4x32-10: published known answers, identical bits on both backends, sane distributions. */
class RandomTest {
    /** Known-answer vectors of Random123's kat_vectors (Salmon et al. 2011): counter, key, output. */
    private static final int[][][] KAT = {
        {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
        {{-1, -1, -1, -1}, {-1, -1}, {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
        {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0},
            {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
    };

    @Test
    void javaPhiloxMatchesPublishedKnownAnswers() {
        for (int[][] v : KAT) {
            int[] out = new int[4];
            Philox.block(v[0][0], v[0][1], v[0][2], v[0][3], v[1][0], v[1][1], out);
            assertArrayEquals(v[2], out);
        }
    }

    @Test
    void openClPhiloxMatchesPublishedKnownAnswers() {
        ClBackend cl = TestBackends.cl();
        for (int[][] v : KAT) {
            assertArrayEquals(v[2], org.latentcl.backend.ops.RandomFill.philoxBlock(cl, v[0], v[1]));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000, 100_003})
    void bothBackendsGiveIdenticalBits(int n) {
        long seed = 0x1234_5678_9abcL * n;
        long counter = (1L << 32) - 3; // crosses the 32-bit boundary of the counter word
        for (boolean normal : new boolean[] {false, true}) {
            float[][] r = new float[2][];
            String[] names = {"java", "cl"};
            for (int b = 0; b < 2; b++) {
                Backend be = TestBackends.named(names[b]);
                try (Tensor all = be.zeros(1, n + 3)) {
                    Tensor t = all.view(3, 1, n);
                    if (normal) {
                        RandomFill.normal(be, t, seed, counter);
                    } else {
                        RandomFill.uniform(be, t, seed, counter);
                    }
                    r[b] = be.read(all);
                }
            }
            ParityAssert.bitwise((normal ? "normal" : "uniform") + " n=" + n, r[0], r[1]);
            assertEquals(0f, r[1][0], "elements before the view are untouched");
        }
    }

    @Test
    void uniformsAreInUnitIntervalWithRightMoments() {
        int n = 1 << 20;
        float[] u = new float[n];
        Philox.fillUniform(u, 0, n, 42, 0);
        double sum = 0;
        double sq = 0;
        for (float x : u) {
            assertTrue(x >= 0f && x < 1f);
            sum += x;
            sq += x * x;
        }
        double mean = sum / n;
        // Standard error of the mean is sqrt(1/12 / n) ~ 2.8e-4: allow 5 of them.
        assertEquals(0.5, mean, 1.5e-3);
        assertEquals(1.0 / 12, sq / n - mean * mean, 1.5e-3);
    }

    @Test
    void normalsHaveRightMomentsAndTails() {
        int n = 1 << 20;
        float[] z = new float[n];
        Philox.fillNormal(z, 0, n, 7, 123);
        double sum = 0;
        double sq = 0;
        double fourth = 0;
        int beyond2 = 0;
        for (float x : z) {
            assertTrue(Float.isFinite(x));
            sum += x;
            sq += x * x;
            fourth += (double) x * x * x * x;
            if (Math.abs(x) > 2) {
                beyond2++;
            }
        }
        assertEquals(0, sum / n, 5e-3);
        assertEquals(1, sq / n, 1e-2);
        assertEquals(3, fourth / n, 5e-2);
        // P(|Z| > 2) = 0.0455.
        assertEquals(0.0455, beyond2 / (double) n, 2e-3);
    }

    @Test
    void ownLogAndSineMatchTheLibraryFunctions() {
        float[] pair = new float[2];
        int[] w = new int[4];
        for (int i = 0; i < 200_000; i++) {
            Philox.block(99, i, w);
            Philox.normal(w[0], w[1], pair);
            double u1 = ((w[0] >>> 8) + 1) * 0x1p-24;
            double u2 = (w[1] >>> 8) * 0x1p-24;
            double r = Math.sqrt(-2 * Math.log(u1));
            assertEquals(r * Math.cos(2 * Math.PI * u2), pair[0], 2e-6 * Math.max(1, r));
            assertEquals(r * Math.sin(2 * Math.PI * u2), pair[1], 2e-6 * Math.max(1, r));
        }
        for (float x : new float[] {0x1p-24f, 1e-5f, 0.3f, 0.70710677f, 0.7071068f, 0.99999994f, 1f}) {
            assertEquals(Math.log(x), Philox.log(x), 2e-7 * Math.max(1, Math.abs(Math.log(x))), "log " + x);
        }
    }
}
