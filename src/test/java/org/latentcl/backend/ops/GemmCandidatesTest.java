package org.latentcl.backend.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.GemmTuning;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/**
 * Every launch shape {@code bench gemm --tune} may choose computes the same GEMM as the reference, at
 * awkward sizes (tiles crossing every edge, matrices narrower than one tile), every transpose, with the
 * epilogue and with the fused bias gradient. The work-group size does not change a work-item's
 * arithmetic, but it changes how far the grid is padded, so each candidate runs as the tuner would.
 */
class GemmCandidatesTest {
    private static final int[][] SHAPES = {{1, 1, 1}, {7, 33, 129}, {33, 7, 1}, {129, 20, 33}, {20, 129, 7}, {33, 1000, 7}, {129, 129, 129}};
    private static final String[] TRANS = {"NN", "NT", "TN", "TT"};

    @Test
    void everyTunerCandidateMatchesTheReference() {
        var device = TestBackends.cl().device();
        Map<String, ClBackend.GemmLaunch> configs = new LinkedHashMap<>();
        for (ClBackend.GemmLaunch c : GemmTuner.candidates(device)) {
            configs.put(GemmTuning.format(c), c);
        }
        // The GPU family's candidates too, as a GPU's tuner would try them (PoCL runs work-groups of 256 with barriers).
        for (ClBackend.LocalGemmConfig c : GemmTuner.localCandidates(true)) {
            if (c.groupSize() <= device.maxWorkGroupSize() && c.localBytes() <= device.localMemBytes()) {
                configs.put(GemmTuning.format(c), c);
            }
        }
        for (ClBackend.GemmLaunch c : configs.values()) {
            try (ClBackend be = new ClBackend(device, c, 0)) {
                String name = "cl " + GemmTuning.format(c);
                int t = 0;
                for (int[] s : SHAPES) {
                    for (int rep = 0; rep < 2; rep++) {
                        GemmParityTest.assertMatchesReference(be, name, s[0], s[1], s[2], TRANS[t++ % TRANS.length]);
                    }
                }
                GemmParityTest.assertLinearGradientsMatch(be, 33, 20, 129);
                GemmParityTest.assertLinearGradientsMatch(be, 7, 129, 1);
                assertGatedMatchesJava(be, 129, 33, 20, Activation.RELU);
                assertGatedMatchesJava(be, 20, 129, 7, Activation.leakyRelu(0.2f));
                assertGatedMatchesJava(be, 33, 7, 33, Activation.SIGMOID);
            }
        }
    }

    /** gemmGated (beta 1) on the candidate's backend against the Java backend's. */
    private static void assertGatedMatchesJava(Backend be, int m, int n, int k, Activation f) {
        java.util.Random rnd = new java.util.Random(m + 31L * n + k);
        float[] a = TestBackends.uniform(rnd, m * k, -1, 1);
        float[] b = TestBackends.uniform(rnd, k * n, -1, 1);
        float[] c0 = TestBackends.uniform(rnd, m * n, -1, 1);
        float[] y = TestBackends.uniform(rnd, m * n, -1, 1);
        for (int i = 0; i < y.length; i++) {
            y[i] = f.apply(y[i]);
        }
        float[][] out = new float[2][];
        Backend[] both = {TestBackends.java(), be};
        for (int i = 0; i < 2; i++) {
            try (Tensor ta = both[i].upload(a, m, k); Tensor tb = both[i].upload(b, k, n); Tensor tc = both[i].upload(c0, m, n);
                 Tensor ty = both[i].upload(y, m, n)) {
                Gemm.gemmGated(both[i], false, false, 1f, ta, tb, 1f, tc, f, ty);
                out[i] = both[i].read(tc);
            }
        }
        ParityAssert.close("gated " + f + " " + m + "x" + n + "x" + k + " on " + be.name(), out[0], out[1], 1e-5 * k, 1e-5);
    }
}
