package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/** The per-channel bias and its gradient on every backend against the plain reference, and the gradient by finite differences. */
class ChannelBiasTest {
    /** batch, channels, plane (H x W): batch 1, 1x1 images, odd channel counts, an MNIST plane, a large batch. */
    @ParameterizedTest
    @CsvSource({"1,1,1", "1,3,35", "7,1,1", "2,33,1", "3,7,49", "1,129,4", "5,3,784", "1000,2,1", "129,5,9", "128,32,196"})
    void everyBackendMatchesTheReference(int batch, int channels, int plane) {
        Random rnd = new Random(batch * 31L + channels * 7L + plane);
        float[] x = TestBackends.uniform(rnd, batch * channels * plane, -3, 3);
        float[] b = TestBackends.uniform(rnd, channels, -1, 1);
        float[] db0 = TestBackends.uniform(rnd, channels, -1, 1);
        float[][] want;
        try (JavaBackend reference = JavaBackend.reference()) {
            want = run(reference, x, b, db0, batch, channels, plane);
        }
        for (String name : new String[] {"java", "cl", "cl-gpu"}) {
            float[][] got = run(TestBackends.named(name), x, b, db0, batch, channels, plane);
            ParityAssert.bitwise("channelBias on " + name, want[0], got[0]);
            // Sums of batch * plane values in float against the double reference: n 2^-24 relative, with n up to 1000.
            ParityAssert.close("channelBiasGradient on " + name, want[1], got[1], 1e-5 * batch * plane, 1e-5);
        }
    }

    private static float[][] run(Backend be, float[] x, float[] b, float[] db0, int batch, int channels, int plane) {
        try (Tensor tx = be.upload(x, batch, channels * plane); Tensor tb = be.upload(b, 1, channels);
             Tensor ty = be.zeros(batch, channels * plane); Tensor db = be.upload(db0, 1, channels)) {
            ChannelBias.channelBias(be, tx, tb, ty);
            ChannelBias.channelBiasGradient(be, tx, 0.5f, db);
            return new float[][] {be.read(ty), be.read(db)};
        }
    }

    /** d/db of L = sum w * (x + b[c]) is the sum of w over channel c: the gradient op on dy = w, checked by central differences. */
    @Test
    void theGradientMatchesFiniteDifferences() {
        int batch = 3;
        int channels = 4;
        int plane = 5;
        Random rnd = new Random(5);
        double[] x = new double[batch * channels * plane];
        double[] w = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
            w[i] = rnd.nextGaussian();
        }
        float[] wf = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            wf[i] = (float) w[i];
        }
        JavaBackend be = TestBackends.java();
        float[] grad;
        try (Tensor dy = be.upload(wf, batch, channels * plane); Tensor db = be.zeros(1, channels)) {
            ChannelBias.channelBiasGradient(be, dy, 0f, db);
            grad = be.read(db);
        }
        double h = 1e-3;
        for (int c = 0; c < channels; c++) {
            double numeric = (loss(x, w, c, h, batch, channels, plane) - loss(x, w, c, -h, batch, channels, plane)) / (2 * h);
            assertEquals(numeric, grad[c], 1e-4 * (1 + Math.abs(numeric)), "channel " + c);
        }
    }

    /** L(b) = sum w (x + b) with b[c] moved by d (double precision). */
    private static double loss(double[] x, double[] w, int moved, double d, int batch, int channels, int plane) {
        double s = 0;
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < plane; i++) {
                    int at = (n * channels + c) * plane + i;
                    s += w[at] * (x[at] + (c == moved ? d : 0));
                }
            }
        }
        return s;
    }

    @Test
    void channelsThatDoNotDivideARowAreRefused() {
        JavaBackend be = TestBackends.java();
        try (Tensor x = be.zeros(2, 10); Tensor b = be.zeros(1, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChannelBias.channelBias(be, x, b, x));
            assertTrue(e.getMessage().contains("3 channels do not divide a row of 10"), e.getMessage());
        }
    }
}
