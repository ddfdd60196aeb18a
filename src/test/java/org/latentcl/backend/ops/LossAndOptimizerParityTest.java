package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.AdamConfig;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Philox;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/**
 * Losses (with their device-side two-stage reductions and gradients), reparameterization and
 * the optimizers against the Java reference. Reductions: the device sums floats in a tree, the
 * reference in double, so the loss is allowed n * 2^-24 * sum|terms| (a loose bound; tree sums
 * do better). Gradients and updates: a few ulp, for exp and possibly fused multiply-adds.
 */
class LossAndOptimizerParityTest {
    private static final int[] SIZES = {1, 7, 33, 129, 784, 1000, 128 * 784};

    private record Result(float[] loss, float[] grad1, float[] grad2) {
    }

    private interface LossOp {
        void run(Backend be, Tensor a, Tensor b, Tensor g1, Tensor g2, Tensor out);
    }

    private static Result[] both(float[] a, float[] b, LossOp op) {
        Result[] r = new Result[2];
        String[] names = {"java", "cl"};
        for (int i = 0; i < 2; i++) {
            Backend be = TestBackends.named(names[i]);
            try (Tensor ta = be.upload(a, 1, a.length); Tensor tb = be.upload(b, 1, b.length);
                 Tensor g1 = be.zeros(1, a.length); Tensor g2 = be.zeros(1, a.length); Tensor out = be.upload(new float[] {0f, 1.5f}, 1, 2)) {
                op.run(be, ta, tb, g1, g2, out);
                r[i] = new Result(be.read(out), be.read(g1), be.read(g2));
            }
        }
        return r;
    }

    private static void lossClose(String what, float[] want, float[] got, int n, double scale) {
        double tol = n * 6e-8 * scale + 1e-5;
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol + 1e-6 * Math.abs(want[i]), what + " out[" + i + "]");
        }
    }

    @Test
    void sumOfOnesIsExact() {
        for (String name : new String[] {"java", "cl"}) {
            Backend be = TestBackends.named(name);
            float[] ones = new float[100_000];
            java.util.Arrays.fill(ones, 1f);
            try (Tensor x = be.upload(ones, 1, ones.length); Tensor out = be.zeros(1, 3)) {
                Sum.sum(be, x, out, 2, false);
                Sum.sum(be, x, out, 2, true);
                assertEquals(200_000f, be.read(out)[2], name);
                assertEquals(0f, be.read(out)[1], name);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000, 128 * 784})
    void bceWithLogitsMatchesReference(int n) {
        Random rnd = new Random(n);
        float[] logits = TestBackends.uniform(rnd, n, -8, 8);
        float[] targets = TestBackends.uniform(rnd, n, 0, 1);
        Result[] r = both(logits, targets, (be, l, t, g1, g2, out) -> {
            BceWithLogits.bceWithLogits(be, l, t, 0f, 1f / 128, g1, out, 1, true);
            BceWithLogits.bceWithLogits(be, l, null, 1f, 0.5f, g2, out, 0, false);
        });
        lossClose("bce n=" + n, r[0].loss(), r[1].loss(), n, 8);
        ParityAssert.close("bce grad", r[0].grad1(), r[1].grad1(), 1e-7, 1e-6);
        ParityAssert.close("bce grad (constant target)", r[0].grad2(), r[1].grad2(), 1e-7, 1e-6);
    }

    /** Logits far outside the usual range: exp underflows (|x| > 87) and the loss is linear in x. */
    @Test
    void bceWithLogitsHandlesExtremeLogits() {
        float[] logits = {-1e4f, -100f, -87.5f, -86.9f, -20f, -1e-6f, 0f, 1e-6f, 20f, 86.9f, 87.5f, 100f, 1e4f};
        float[] targets = {0f, 1f, 0.5f, 0f, 1f, 0.25f, 0.5f, 1f, 0f, 1f, 0.5f, 0f, 1f};
        Result[] r = both(logits, targets, (be, l, t, g1, g2, out) -> BceWithLogits.bceWithLogits(be, l, t, 0f, 1f, g1, out, 0, false));
        lossClose("bce extreme", r[0].loss(), r[1].loss(), logits.length, 1e4);
        ParityAssert.close("bce extreme grad", r[0].grad1(), r[1].grad1(), 1e-7, 1e-6);
        assertEquals(100 + 87.5 * 0.5 + 20 + 3 * Math.log(2) + 20 + 87.5 * 0.5 + 100, r[1].loss()[0], 1e-3);
    }

    /**
     * The Java backend's BCE on the Vector API (double lanes, the vector exp) against its scalar loop:
     * the sums agree to double precision and the gradients to a float ulp, extreme logits included.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000, 128 * 784})
    void vectorBceEqualsScalarBce(int n) {
        Random rnd = new Random(n + 5);
        float[] extreme = {-1e4f, -100f, -87.5f, -86.9f, -20f, -1e-6f, 0f, 1e-6f, 20f, 86.9f, 87.5f, 100f, 1e4f};
        float[] logits = TestBackends.uniform(rnd, n, -8, 8);
        for (int i = 0; i < n; i += 3) {
            logits[i] = extreme[i % extreme.length];
        }
        float[] targets = TestBackends.uniform(rnd, n, 0, 1);
        double[][] sums = new double[2][];
        float[][][] grads = new float[2][][];
        Backend[] both = {TestBackends.java(), TestBackends.named("java-plain")};
        for (int b = 0; b < 2; b++) {
            Backend be = both[b];
            try (Tensor l = be.upload(logits, 1, n); Tensor t = be.upload(targets, 1, n); Tensor g1 = be.zeros(1, n);
                 Tensor g2 = be.zeros(1, n); Tensor out = be.zeros(1, 2)) {
                BceWithLogits.bceWithLogits(be, l, t, 0f, 1f / 128, g1, out, 0, false);
                BceWithLogits.bceWithLogits(be, l, null, 1f, 0.5f, g2, out, 1, false);
                float[] o = be.read(out);
                sums[b] = new double[] {o[0], o[1]};
                grads[b] = new float[][] {be.read(g1), be.read(g2)};
            }
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(sums[1][i], sums[0][i], 1e-6 * Math.abs(sums[1][i]), "bce sum " + i + " n=" + n);
            ParityAssert.close("bce grad " + i + " vector vs scalar", grads[1][i], grads[0][i], 1e-9, 1.2e-7);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000, 128 * 784})
    void gaussianNllMatchesReference(int n) {
        Random rnd = new Random(n + 1);
        float[] mean = TestBackends.uniform(rnd, n, -2, 2);
        float[] x = TestBackends.uniform(rnd, n, 0, 1);
        Result[] r = both(mean, x, (be, m, t, g1, g2, out) -> GaussianNll.gaussianNll(be, m, t, 0.3f, 0.25f, g1, out, 0, false));
        lossClose("gaussian n=" + n, r[0].loss(), r[1].loss(), n, 30);
        ParityAssert.close("gaussian grad", r[0].grad1(), r[1].grad1(), 1e-6, 1e-6);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000, 128 * 20})
    void klMatchesReference(int n) {
        Random rnd = new Random(n + 2);
        float[] mu = TestBackends.uniform(rnd, n, -3, 3);
        float[] logvar = TestBackends.uniform(rnd, n, -5, 3);
        Result[] r = both(mu, logvar, (be, m, lv, g1, g2, out) -> KlStandardNormal.klStandardNormal(be, m, lv, 0.5f, g1, g2, out, 1, true));
        lossClose("kl n=" + n, r[0].loss(), r[1].loss(), n, 15);
        ParityAssert.close("kl dmu", r[0].grad1(), r[1].grad1(), 1e-7, 1e-6);
        ParityAssert.close("kl dlogvar", r[0].grad2(), r[1].grad2(), 1e-7, 1e-6);
    }

    /**
     * The fused sampling draws the bits of normal on the same backend, at an offset inside a larger
     * buffer, and z = mu + exp(logvar / 2) eps from them; eps is the same on both backends (Philox),
     * and z agrees with the float formula evaluated here.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000})
    void sampleReparameterizedIsNormalThenReparameterize(int n) {
        Random rnd = new Random(n + 11);
        float[] mu = TestBackends.uniform(rnd, n, -2, 2);
        float[] lv = TestBackends.uniform(rnd, n, -4, 2);
        float[][][] fused = new float[2][][];
        String[] names = {"java", "cl"};
        for (int b = 0; b < 2; b++) {
            Backend be = TestBackends.named(names[b]);
            try (Tensor m = be.upload(mu, 1, n); Tensor l = be.upload(lv, 1, n); Tensor buf = be.zeros(4, n + 3)) {
                Tensor eps = buf.view(3, 1, n);
                Tensor z = buf.view(2 * (n + 3) + 1, 1, n);
                Reparameterize.sampleReparameterized(be, m, l, eps, z, 1234L + n, 77);
                fused[b] = new float[][] {be.read(eps), be.read(z)};
                RandomFill.normal(be, eps, 1234L + n, 77);
                ParityAssert.bitwise("eps, fused vs separate, " + names[b], be.read(eps), fused[b][0]);
                float[] want = new float[n];
                for (int i = 0; i < n; i++) {
                    want[i] = mu[i] + (float) Math.exp(0.5f * lv[i]) * fused[b][0][i];
                }
                ParityAssert.close("z, fused vs the formula, " + names[b], want, fused[b][1], 1e-6, 1e-6);
            }
        }
        ParityAssert.bitwise("eps java vs cl", fused[0][0], fused[1][0]);
        ParityAssert.close("z java vs cl", fused[0][1], fused[1][1], 1e-6, 1e-6);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000})
    void reparameterizationMatchesReference(int n) {
        Random rnd = new Random(n + 3);
        float[][] in = {TestBackends.uniform(rnd, n, -2, 2), TestBackends.uniform(rnd, n, -4, 2),
            TestBackends.uniform(rnd, n, -3, 3), TestBackends.uniform(rnd, n, -1, 1)};
        float[][][] r = new float[2][][];
        String[] names = {"java", "cl"};
        for (int b = 0; b < 2; b++) {
            Backend be = TestBackends.named(names[b]);
            try (Tensor mu = be.upload(in[0], 1, n); Tensor lv = be.upload(in[1], 1, n); Tensor eps = be.upload(in[2], 1, n);
                 Tensor dz = be.upload(in[3], 1, n); Tensor dmu = be.upload(in[2], 1, n); Tensor dlv = be.upload(in[3], 1, n)) {
                Reparameterize.reparameterizeBackward(be, lv, eps, dz, dmu, dlv);
                r[b] = new float[][] {be.read(dmu), be.read(dlv)};
            }
        }
        ParityAssert.close("dmu", r[0][0], r[1][0], 1e-7, 1e-6);
        ParityAssert.close("dlogvar", r[0][1], r[1][1], 1e-7, 1e-6);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000, 318_000})
    void adamAndSgdMatchReferenceOverSeveralSteps(int n) {
        Random rnd = new Random(n + 4);
        float[] p0 = TestBackends.uniform(rnd, n, -1, 1);
        float[][] grads = new float[5][];
        for (int s = 0; s < grads.length; s++) {
            grads[s] = TestBackends.uniform(rnd, n, -0.1f, 0.1f);
        }
        AdamConfig cfg = new AdamConfig(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f);
        float[][] r = new float[4][];
        String[] names = {"java", "cl"};
        for (int b = 0; b < 2; b++) {
            Backend be = TestBackends.named(names[b]);
            try (Tensor p = be.upload(p0, 1, n); Tensor g = be.zeros(1, n); Tensor m = be.zeros(1, n); Tensor v = be.zeros(1, n)) {
                for (int s = 0; s < grads.length; s++) {
                    be.write(g, grads[s]);
                    AdamUpdate.adam(be, p, g, m, v, cfg, s + 1);
                }
                r[2 * b] = be.read(p);
            }
        }
        // Each Adam step moves a parameter by about lr; allow a relative 1e-5 of that per step.
        ParityAssert.close("adam", r[0], r[2], 5 * 1e-3 * 1e-5 + 1e-7, 1e-6);
    }

    @Test
    void adamFirstStepMovesEachParameterByLearningRate() {
        // With m and v from one gradient, the bias-corrected step is lr * g / (|g| + eps') = lr * sign(g).
        for (String name : new String[] {"java", "cl"}) {
            Backend be = TestBackends.named(name);
            try (Tensor p = be.upload(new float[] {1f, 1f, 1f}, 1, 3); Tensor g = be.upload(new float[] {0.5f, -2f, 1e-3f}, 1, 3);
                 Tensor m = be.zeros(1, 3); Tensor v = be.zeros(1, 3)) {
                AdamUpdate.adam(be, p, g, m, v, AdamConfig.of(0.01f), 1);
                float[] got = be.read(p);
                assertEquals(0.99f, got[0], 1e-6, name);
                assertEquals(1.01f, got[1], 1e-6, name);
                assertEquals(0.99f, got[2], 1e-5, name);
            }
        }
    }

    /** The Java backend's Adam on the Vector API gives the same bits as its scalar loop, tails included. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000, 128 * 784})
    void vectorAdamEqualsScalarAdamBitForBit(int n) {
        Random rnd = new Random(n + 77);
        float[] p0 = TestBackends.uniform(rnd, n, -1, 1);
        float[] g0 = TestBackends.uniform(rnd, n, -1, 1);
        float[][] out = new float[2][];
        Backend[] both = {TestBackends.java(), TestBackends.named("java-plain")};
        for (int b = 0; b < 2; b++) {
            Backend be = both[b];
            try (Tensor p = be.upload(p0, 1, n); Tensor g = be.upload(g0, 1, n); Tensor m = be.zeros(1, n); Tensor v = be.zeros(1, n)) {
                for (int s = 1; s <= 3; s++) {
                    AdamUpdate.adam(be, p, g, m, v, new AdamConfig(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f), s);
                }
                out[b] = be.read(p);
            }
        }
        ParityAssert.bitwise("adam vector vs scalar", out[0], out[1]);
    }
}
