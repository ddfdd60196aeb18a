package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/**
 * Batch normalization on every backend against the plain reference at awkward shapes (batch 1, 1x1
 * and 5x7 planes, odd channel counts, a large batch), its running statistics against PyTorch's update
 * (momentum 0.1, unbiased variance), and its gradients against central differences of
 * L = sum(g * BN(x)) computed in double.
 */
class BatchNormTest {
    @ParameterizedTest
    @CsvSource({"1, 1, 1", "2, 1, 1", "1, 3, 35", "7, 5, 1", "4, 33, 9", "64, 3, 49", "1000, 2, 1", "3, 129, 4", "128, 16, 49"})
    void everyBackendMatchesTheReference(int batch, int channels, int plane) {
        Random rnd = new Random(batch * 31L + channels * 7L + plane);
        float[] x = TestBackends.uniform(rnd, batch * channels * plane, -2, 3);
        float[] dy = TestBackends.uniform(rnd, x.length, -1, 1);
        float[] gamma = TestBackends.uniform(rnd, channels, 0.5f, 1.5f);
        float[] beta = TestBackends.uniform(rnd, channels, -1, 1);
        float[] running = new float[2 * channels];
        for (int c = 0; c < channels; c++) {
            running[c] = 0.25f;
            running[channels + c] = 2f;
        }
        float[][] want;
        try (JavaBackend reference = JavaBackend.reference()) {
            want = run(reference, batch, channels, plane, x, dy, gamma, beta, running);
        }
        for (String name : new String[] {"java", "cl", "cl-gpu"}) {
            float[][] got = run(TestBackends.named(name), batch, channels, plane, x, dy, gamma, beta, running);
            String[] what = {"stats", "running", "y", "dgamma", "dbeta", "dx", "evaluation y"};
            for (int i = 0; i < want.length; i++) {
                ParityAssert.close(what[i] + " on " + name, want[i], got[i], 1e-4, 1e-4);
            }
        }
        // PyTorch's running statistics: momentum 0.1, the unbiased variance.
        ChannelMoments first = ChannelMoments.of(x, batch, channels, plane, 0);
        double m = first.mean();
        double unbiased = first.unbiased();
        assertEquals(0.9 * 0.25 + 0.1 * m, want[1][0], 1e-5);
        assertEquals(0.9 * 2 + 0.1 * unbiased, want[1][channels], 1e-4 * (1 + unbiased));
    }

    /** A fused ReLU or LeakyReLU gives, on every backend and kernel style, the bits of normalize then activate on that backend. */
    @ParameterizedTest
    @CsvSource({"1, 1, 1", "1, 3, 35", "7, 5, 1", "4, 33, 9", "64, 3, 49", "3, 129, 4"})
    void aFusedActivationEqualsNormalizeThenActivate(int batch, int channels, int plane) {
        Random rnd = new Random(batch * 13L + channels * 5L + plane);
        int cols = channels * plane;
        float[] x = TestBackends.uniform(rnd, batch * cols, -2, 3);
        float[] stats = new float[2 * channels];
        for (int c = 0; c < channels; c++) {
            stats[c] = rnd.nextFloat() - 0.5f;
            stats[channels + c] = 0.5f + rnd.nextFloat();
        }
        float[] gamma = TestBackends.uniform(rnd, channels, -1.5f, 1.5f);
        float[] beta = TestBackends.uniform(rnd, channels, -1, 1);
        for (String name : new String[] {"java-plain", "java", "cl", "cl-gpu"}) {
            Backend be = TestBackends.named(name);
            for (Activation act : new Activation[] {Activation.RELU, Activation.leakyRelu(0.2f)}) {
                try (Tensor tx = be.upload(x, batch, cols); Tensor st = be.upload(stats, 1, 2 * channels);
                     Tensor g = be.upload(gamma, 1, channels); Tensor b = be.upload(beta, 1, channels);
                     Tensor fused = be.zeros(batch, cols); Tensor apart = be.zeros(batch, cols)) {
                    BatchNorm.normalize(be, tx, channels, st, g, b, act, fused);
                    BatchNorm.normalize(be, tx, channels, st, g, b, apart);
                    Activations.activate(be, act, apart, apart);
                    ParityAssert.bitwise("normalize with " + act + " on " + name, be.read(apart), be.read(fused));
                }
            }
        }
    }

    private static float[][] run(Backend be, int batch, int channels, int plane, float[] x, float[] dy, float[] gamma, float[] beta,
                                 float[] running0) {
        int cols = channels * plane;
        try (Tensor tx = be.upload(x, batch, cols); Tensor tdy = be.upload(dy, batch, cols); Tensor g = be.upload(gamma, 1, channels);
             Tensor b = be.upload(beta, 1, channels); Tensor stats = be.zeros(1, 2 * channels); Tensor running = be.upload(running0, 1, 2 * channels);
             Tensor y = be.zeros(batch, cols); Tensor dg = be.upload(gamma, 1, channels); Tensor db = be.upload(beta, 1, channels);
             Tensor sums = be.zeros(1, 2 * channels); Tensor dx = be.zeros(batch, cols); Tensor evalStats = be.zeros(1, 2 * channels);
             Tensor evalY = be.zeros(batch, cols)) {
            BatchNorm.statistics(be, tx, channels, 1e-5f, 0.1f, stats, running);
            BatchNorm.normalize(be, tx, channels, stats, g, b, y);
            // accumulate = true: the parameter gradients add to what is there (here gamma and beta themselves).
            BatchNorm.backward(be, tx, tdy, channels, stats, g, true, dg, db, sums, dx);
            BatchNorm.runningStatistics(be, running, channels, 1e-5f, evalStats);
            BatchNorm.normalize(be, tx, channels, evalStats, g, b, evalY);
            return new float[][] {be.read(stats), be.read(running), be.read(y), be.read(dg), be.read(db), be.read(dx), be.read(evalY)};
        }
    }

    @ParameterizedTest
    @CsvSource({"java, 3, 2, 5", "cl, 3, 2, 5", "cl, 1, 3, 4", "java, 5, 1, 1"})
    void theGradientsMatchFiniteDifferences(String backend, int batch, int channels, int plane) {
        Backend be = TestBackends.named(backend);
        Random rnd = new Random(batch + 10L * channels + plane);
        int cols = channels * plane;
        float[] x = TestBackends.uniform(rnd, batch * cols, -2, 2);
        float[] g = TestBackends.uniform(rnd, x.length, -1, 1);
        float[] gamma = TestBackends.uniform(rnd, channels, 0.5f, 1.5f);
        float[] beta = TestBackends.uniform(rnd, channels, -1, 1);
        float[] dx;
        float[] dgamma;
        float[] dbeta;
        try (Tensor tx = be.upload(x, batch, cols); Tensor tg = be.upload(g, batch, cols); Tensor gm = be.upload(gamma, 1, channels);
             Tensor stats = be.zeros(1, 2 * channels); Tensor running = be.zeros(1, 2 * channels); Tensor dg = be.zeros(1, channels);
             Tensor db = be.zeros(1, channels); Tensor sums = be.zeros(1, 2 * channels); Tensor tdx = be.zeros(batch, cols)) {
            BatchNorm.statistics(be, tx, channels, 1e-5f, 0.1f, stats, running);
            BatchNorm.backward(be, tx, tg, channels, stats, gm, false, dg, db, sums, tdx);
            dx = be.read(tdx);
            dgamma = be.read(dg);
            dbeta = be.read(db);
        }
        double h = 1e-4;
        for (int i = 0; i < x.length; i++) {
            double[] xp = toDouble(x);
            double[] xm = toDouble(x);
            xp[i] += h;
            xm[i] -= h;
            double numeric = (loss(xp, g, toDouble(gamma), toDouble(beta), batch, channels, plane)
                    - loss(xm, g, toDouble(gamma), toDouble(beta), batch, channels, plane)) / (2 * h);
            assertEquals(numeric, dx[i], 2e-3 * (1 + Math.abs(numeric)), "dx[" + i + "]");
        }
        for (int c = 0; c < channels; c++) {
            double[] gp = toDouble(gamma);
            double[] gmn = toDouble(gamma);
            gp[c] += h;
            gmn[c] -= h;
            double numeric = (loss(toDouble(x), g, gp, toDouble(beta), batch, channels, plane)
                    - loss(toDouble(x), g, gmn, toDouble(beta), batch, channels, plane)) / (2 * h);
            assertEquals(numeric, dgamma[c], 2e-3 * (1 + Math.abs(numeric)), "dgamma[" + c + "]");
            double[] bp = toDouble(beta);
            bp[c] += 1;
            numeric = loss(toDouble(x), g, toDouble(gamma), bp, batch, channels, plane)
                    - loss(toDouble(x), g, toDouble(gamma), toDouble(beta), batch, channels, plane);
            assertEquals(numeric, dbeta[c], 1e-3 * (1 + Math.abs(numeric)), "dbeta[" + c + "]");
        }
    }

    /** L = sum g * (gamma (x - mean) / sqrt(var + eps) + beta), batch statistics per channel, in double. */
    private static double loss(double[] x, float[] g, double[] gamma, double[] beta, int batch, int channels, int plane) {
        double l = 0;
        for (int c = 0; c < channels; c++) {
            ChannelMoments moments = ChannelMoments.of(x, batch, channels, plane, c);
            double mean = moments.mean();
            double var = moments.variance();
            for (int b = 0; b < batch; b++) {
                for (int q = 0; q < plane; q++) {
                    int i = (b * channels + c) * plane + q;
                    l += g[i] * (gamma[c] * (x[i] - mean) / Math.sqrt(var + 1e-5) + beta[c]);
                }
            }
        }
        return l;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
