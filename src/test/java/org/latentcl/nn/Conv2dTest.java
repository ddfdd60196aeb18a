package org.latentcl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.ConvTuning;
import org.latentcl.backend.Profiler;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;
import org.latentcl.backend.ops.ImplicitConv;

/**
 * The convolution layer on both backends: its forward pass against a direct double-precision
 * convolution, and its weight, bias and input gradients against central differences of
 * L = sum(g * y) (linear in each, so the differences are exact up to rounding).
 */
class Conv2dTest {
    @ParameterizedTest
    @CsvSource({
        "java, 1, 1, 1, 1, 1, 1, 1, 0", "cl, 1, 1, 1, 1, 1, 1, 1, 0",
        "java, 2, 3, 2, 5, 7, 3, 1, 1", "cl, 2, 3, 2, 5, 7, 3, 1, 1",
        "java, 3, 2, 5, 7, 5, 4, 2, 1", "cl, 3, 2, 5, 7, 5, 4, 2, 1",
        "cl, 1, 1, 32, 28, 28, 4, 2, 1", "cl, 2, 5, 3, 6, 6, 5, 2, 2",
        // The forward pass as one implicit-GEMM launch (as bench conv --tune stores it), the backward gathering its columns.
        "cl-implicit, 1, 1, 1, 1, 1, 1, 1, 0", "cl-implicit, 3, 2, 5, 7, 5, 4, 2, 1", "cl-implicit, 2, 5, 33, 6, 6, 5, 2, 2",
        // Both passes implicit: the weight and input gradients as conv_wgrad_local and conv_dgrad_local.
        "cl-implicit-both, 1, 1, 1, 1, 1, 1, 1, 0", "cl-implicit-both, 3, 2, 5, 7, 5, 4, 2, 1", "cl-implicit-both, 2, 5, 33, 6, 6, 5, 2, 2"})
    void forwardAndGradientsMatchTheMath(String backend, int batch, int in, int out, int h, int w, int k, int stride, int pad) {
        if (backend.startsWith("cl-implicit")) {
            boolean both = backend.endsWith("both");
            try (ClBackend cl = new ClBackend(TestBackends.cl().device())) {
                Map<String, ClBackend.LocalGemmConfig> tuned = Map.of(ConvTuning.key(batch, in, h, w, out, k, k, stride, pad), ImplicitConv.SMALL_TILES);
                cl.useConvTuning(new ConvTuning(tuned, both ? tuned : Map.of()));
                Profiler launches = new Profiler();
                cl.profile(launches);
                check(cl, batch, in, out, h, w, k, stride, pad);
                cl.profile(null);
                assertTrue(ran(launches, "conv_local"), "the implicit GEMM ran");
                assertFalse(ran(launches, "from_channel_major"), "im2col + GEMM did not");
                assertEquals(both, ran(launches, "conv_wgrad_local") && ran(launches, "conv_dgrad_local"), "the implicit backward GEMMs ran");
                assertEquals(!both, ran(launches, "to_channel_major") && ran(launches, "col2im"), "the layers' backward ran");
            }
            return;
        }
        check(TestBackends.named(backend), batch, in, out, h, w, k, stride, pad);
    }

    private static boolean ran(Profiler launches, String kernel) {
        return launches.ops().stream().anyMatch(o -> o.name().contains(kernel));
    }

    private static void check(Backend be, int batch, int in, int out, int h, int w, int k, int stride, int pad) {
        Random rnd = new Random(batch * 131L + in * 17L + out + h + k);
        // The layer is built for one more row than the batch, so it runs on views of its buffers, as in training.
        try (Conv2d conv = new Conv2d("conv", in, out, h, w, k, stride, pad, batch + 1)) {
            Parameters p = new Parameters(be, conv.specs());
            conv.bind(p);
            p.initialize(7);
            float[] x = TestBackends.uniform(rnd, batch * conv.inputSize(), -1, 1);
            float[] g = TestBackends.uniform(rnd, batch * conv.outputSize(), -1, 1);
            float[] weights = be.read(p.value("conv.weight"));
            float[] bias = be.read(p.value("conv.bias"));
            int ho = (h + 2 * pad - k) / stride + 1;
            int wo = (w + 2 * pad - k) / stride + 1;
            try (Tensor tx = be.upload(x, batch, conv.inputSize()); Tensor y = be.zeros(batch, conv.outputSize());
                 Tensor dy = be.upload(g, batch, conv.outputSize()); Tensor dx = be.zeros(batch, conv.inputSize())) {
                conv.forward(tx, y, true);
                double[] want = Direct.conv(x, weights, bias, batch, in, out, h, w, k, stride, pad);
                float[] got = be.read(y);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(want[i], got[i], 1e-5 * (1 + in * k * k), "y[" + i + "]");
                }
                conv.backward(tx, y, dy, false, true, dx, null);
                float[] dw = be.read(p.grad("conv.weight"));
                float[] db = be.read(p.grad("conv.bias"));
                float[] dxs = be.read(dx);
                double hstep = 0.5;
                for (int i = 0; i < weights.length; i += Math.max(1, weights.length / 7)) {
                    float[] plus = weights.clone();
                    float[] minus = weights.clone();
                    plus[i] += (float) hstep;
                    minus[i] -= (float) hstep;
                    double numeric = (Direct.loss(g, Direct.conv(x, plus, bias, batch, in, out, h, w, k, stride, pad))
                            - Direct.loss(g, Direct.conv(x, minus, bias, batch, in, out, h, w, k, stride, pad))) / (plus[i] - minus[i]);
                    assertEquals(numeric, dw[i], 1e-4 * (1 + Math.abs(numeric)), "dW[" + i + "]");
                }
                for (int o = 0; o < out; o++) {
                    float[] plus = bias.clone();
                    plus[o] += 1f;
                    double numeric = Direct.loss(g, Direct.conv(x, weights, plus, batch, in, out, h, w, k, stride, pad))
                            - Direct.loss(g, Direct.conv(x, weights, bias, batch, in, out, h, w, k, stride, pad));
                    assertEquals(numeric, db[o], 1e-4 * (1 + Math.abs(numeric)), "db[" + o + "]");
                }
                for (int i = 0; i < x.length; i += Math.max(1, x.length / 11)) {
                    float[] plus = x.clone();
                    float[] minus = x.clone();
                    plus[i] += (float) hstep;
                    minus[i] -= (float) hstep;
                    double numeric = (Direct.loss(g, Direct.conv(plus, weights, bias, batch, in, out, h, w, k, stride, pad))
                            - Direct.loss(g, Direct.conv(minus, weights, bias, batch, in, out, h, w, k, stride, pad))) / (plus[i] - minus[i]);
                    assertEquals(numeric, dxs[i], 1e-4 * (1 + Math.abs(numeric)), "dx[" + i + "]");
                }
                assertEquals(batch * out * ho * wo, got.length);
            }
            p.close();
        }
    }

    /** The convolution and the loss written directly, in double. */
    static final class Direct {
        private Direct() {
        }

        static double[] conv(float[] x, float[] w, float[] b, int batch, int in, int out, int h, int wd, int k, int s, int p) {
            int ho = (h + 2 * p - k) / s + 1;
            int wo = (wd + 2 * p - k) / s + 1;
            double[] y = new double[batch * out * ho * wo];
            for (int n = 0; n < batch; n++) {
                for (int o = 0; o < out; o++) {
                    for (int oy = 0; oy < ho; oy++) {
                        for (int ox = 0; ox < wo; ox++) {
                            double sum = b[o];
                            for (int c = 0; c < in; c++) {
                                for (int i = 0; i < k; i++) {
                                    for (int j = 0; j < k; j++) {
                                        int yy = oy * s - p + i;
                                        int xx = ox * s - p + j;
                                        if (yy >= 0 && yy < h && xx >= 0 && xx < wd) {
                                            sum += (double) w[((o * in + c) * k + i) * k + j] * x[((n * in + c) * h + yy) * wd + xx];
                                        }
                                    }
                                }
                            }
                            y[((n * out + o) * ho + oy) * wo + ox] = sum;
                        }
                    }
                }
            }
            return y;
        }

        static double loss(float[] g, double[] y) {
            double s = 0;
            for (int i = 0; i < y.length; i++) {
                s += g[i] * y[i];
            }
            return s;
        }
    }
}
