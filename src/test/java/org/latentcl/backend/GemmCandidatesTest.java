package org.latentcl.backend;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
        Map<String, ClBackend.GemmConfig> configs = new LinkedHashMap<>();
        for (ClBackend.GemmConfig c : GemmTuner.candidates(device)) {
            configs.put(GemmTuning.format(c), c);
        }
        for (ClBackend.GemmConfig c : configs.values()) {
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
            }
        }
    }
}
