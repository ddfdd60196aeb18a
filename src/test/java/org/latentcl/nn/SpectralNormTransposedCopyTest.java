package org.latentcl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Profiler;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/**
 * Spectral normalization writes W / sigma and the transposed copy a large Linear layer multiplies by in one pass
 * (SpectralNormOps.divideBy with outT): the layer's forward pass after each refresh is x (W / sigma)^T + b with the
 * new sigma, and no transpose of its own runs.
 */
class SpectralNormTransposedCopyTest {
    @ParameterizedTest
    @ValueSource(strings = {"java", "java-plain", "cl", "cl-gpu"})
    void theLayerMultipliesByTheCopyTheRefreshWrote(String backend) {
        Backend be = TestBackends.named(backend);
        int in = 257;
        int out = 263; // in x out above Linear.TRANSPOSE_AT, so the layer keeps W^T; neither a multiple of 8
        int rows = 7;
        Linear layer = new Linear("fc", in, out);
        Random rnd = new Random(5);
        float[] x = new float[rows * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        try (SpectralNorm sn = new SpectralNorm(be, layer.specs()); Tensor tx = be.upload(x, rows, in); Tensor y = be.zeros(rows, out)) {
            sn.trained().initialize(3);
            sn.initialize(4);
            layer.bind(sn.effective());
            for (int round = 0; round < 3; round++) {
                // An optimizer step's worth of change to the trained weight and bias.
                float[] values = be.read(sn.trained().values());
                for (int i = 0; i < values.length; i++) {
                    values[i] += 0.01f * (float) rnd.nextGaussian();
                }
                be.write(sn.trained().values(), values);
                sn.trained().changed();
                sn.refresh(true);
                Profiler launches = new Profiler();
                be.profile(launches);
                layer.forward(tx, y, true);
                be.profile(null);
                long transposes = launches.ops().stream().filter(o -> o.name().equals("transpose") || o.name().endsWith(":transpose")).count();
                // The first forward pass makes the copy; later refreshes write it themselves.
                assertEquals(round == 0 ? 1 : 0, transposes, "transposes in round " + round + ": " + launches.ops());
                float[] w = be.read(sn.effective().value("fc.weight"));
                float[] b = be.read(sn.effective().value("fc.bias"));
                assertArrayEquals(expected(x, w, b, rows, in, out), be.read(y), 1e-4f, "round " + round);
                float[] trainedW = be.read(sn.trained().value("fc.weight_orig"));
                assertEquals(trainedW[1] / w[1], trainedW[in * out - 1] / w[in * out - 1], 1e-3f, "W / sigma with one sigma");
            }
        }
        layer.close();
    }

    private static float[] expected(float[] x, float[] w, float[] b, int rows, int in, int out) {
        float[] y = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += (double) x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = (float) s;
            }
        }
        return y;
    }
}
