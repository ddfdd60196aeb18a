package org.latentcl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/**
 * The transposed convolution on both backends: forward against a direct double-precision scatter
 * (PyTorch's definition, output padding included), gradients against central differences of
 * L = sum(g * y).
 */
class ConvTranspose2dTest {
    @ParameterizedTest
    @CsvSource({
        "java, 1, 1, 1, 1, 1, 1, 1, 0, 0", "cl, 1, 1, 1, 1, 1, 1, 1, 0, 0",
        "java, 2, 3, 2, 5, 7, 3, 1, 1, 0", "cl, 2, 3, 2, 5, 7, 3, 1, 1, 0",
        "java, 3, 2, 5, 7, 5, 4, 2, 1, 0", "cl, 3, 2, 5, 7, 5, 4, 2, 1, 1",
        "cl, 2, 64, 32, 7, 7, 4, 2, 1, 0", "cl, 1, 5, 3, 4, 3, 5, 2, 2, 1"})
    void forwardAndGradientsMatchTheMath(String backend, int batch, int in, int out, int h, int w, int k, int s, int p, int op) {
        Backend be = TestBackends.named(backend);
        Random rnd = new Random(batch * 131L + in * 17L + out + h + k + op);
        // Built for one more row than the batch, so it runs on views of its buffers, as in training.
        try (ConvTranspose2d conv = new ConvTranspose2d("up", in, out, h, w, k, s, p, op, batch + 1)) {
            Parameters params = new Parameters(be, conv.specs());
            conv.bind(params);
            params.initialize(3);
            float[] x = TestBackends.uniform(rnd, batch * conv.inputSize(), -1, 1);
            float[] g = TestBackends.uniform(rnd, batch * conv.outputSize(), -1, 1);
            float[] weights = be.read(params.value("up.weight"));
            float[] bias = be.read(params.value("up.bias"));
            Shape sh = new Shape(batch, in, out, h, w, k, s, p, op);
            try (Tensor tx = be.upload(x, batch, conv.inputSize()); Tensor y = be.zeros(batch, conv.outputSize());
                 Tensor dy = be.upload(g, batch, conv.outputSize()); Tensor dx = be.zeros(batch, conv.inputSize())) {
                conv.forward(tx, y, true);
                double[] want = sh.transposed(x, weights, bias);
                float[] got = be.read(y);
                assertEquals(want.length, got.length);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(want[i], got[i], 1e-5 * (1 + in * k * k), "y[" + i + "]");
                }
                conv.backward(tx, y, dy, false, true, dx, null);
                float[] dw = be.read(params.grad("up.weight"));
                float[] db = be.read(params.grad("up.bias"));
                float[] dxs = be.read(dx);
                for (int i = 0; i < weights.length; i += Math.max(1, weights.length / 7)) {
                    float[] plus = weights.clone();
                    float[] minus = weights.clone();
                    plus[i] += 0.5f;
                    minus[i] -= 0.5f;
                    double numeric = (loss(g, sh.transposed(x, plus, bias)) - loss(g, sh.transposed(x, minus, bias))) / (plus[i] - minus[i]);
                    assertEquals(numeric, dw[i], 1e-4 * (1 + Math.abs(numeric)), "dW[" + i + "]");
                }
                for (int o = 0; o < out; o++) {
                    float[] plus = bias.clone();
                    plus[o] += 1f;
                    double numeric = loss(g, sh.transposed(x, weights, plus)) - loss(g, sh.transposed(x, weights, bias));
                    assertEquals(numeric, db[o], 1e-4 * (1 + Math.abs(numeric)), "db[" + o + "]");
                }
                for (int i = 0; i < x.length; i += Math.max(1, x.length / 11)) {
                    float[] plus = x.clone();
                    float[] minus = x.clone();
                    plus[i] += 0.5f;
                    minus[i] -= 0.5f;
                    double numeric = (loss(g, sh.transposed(plus, weights, bias)) - loss(g, sh.transposed(minus, weights, bias)))
                            / (plus[i] - minus[i]);
                    assertEquals(numeric, dxs[i], 1e-4 * (1 + Math.abs(numeric)), "dx[" + i + "]");
                }
            }
            params.close();
        }
    }

    @Test
    void outputPaddingMustStayBelowTheStride() {
        assertThrows(IllegalArgumentException.class, () -> new ConvTranspose2d("up", 2, 2, 4, 4, 3, 2, 1, 2, 4));
    }

    private static double loss(float[] g, double[] y) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += g[i] * y[i];
        }
        return s;
    }

    /** PyTorch's ConvTranspose2d written as a scatter: input (y, x) adds w[c][o][i][j] x to output (y s - p + i, x s - p + j). */
    private record Shape(int batch, int in, int out, int h, int w, int k, int s, int p, int op) {
        double[] transposed(float[] x, float[] wt, float[] b) {
            int ho = (h - 1) * s - 2 * p + k + op;
            int wo = (w - 1) * s - 2 * p + k + op;
            double[] y = new double[batch * out * ho * wo];
            for (int n = 0; n < batch; n++) {
                for (int o = 0; o < out; o++) {
                    for (int q = 0; q < ho * wo; q++) {
                        y[(n * out + o) * ho * wo + q] = b[o];
                    }
                }
                for (int c = 0; c < in; c++) {
                    for (int yy = 0; yy < h; yy++) {
                        for (int xx = 0; xx < w; xx++) {
                            double v = x[((n * in + c) * h + yy) * w + xx];
                            for (int o = 0; o < out; o++) {
                                for (int i = 0; i < k; i++) {
                                    for (int j = 0; j < k; j++) {
                                        int oy = yy * s - p + i;
                                        int ox = xx * s - p + j;
                                        if (oy >= 0 && oy < ho && ox >= 0 && ox < wo) {
                                            y[((n * out + o) * ho + oy) * wo + ox] += wt[((c * out + o) * k + i) * k + j] * v;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return y;
        }
    }
}
