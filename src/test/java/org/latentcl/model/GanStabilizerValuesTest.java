package org.latentcl.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;
import org.latentcl.backend.ops.Hinge;
import org.latentcl.backend.ops.MinibatchStd;
import org.latentcl.backend.ops.RandomFill;
import org.latentcl.nn.ParamSpec;
import org.latentcl.nn.RandomStream;
import org.latentcl.nn.SpectralNorm;

/**
 * The stabilizers' forward maths against values worked out by hand or by an independent library, not
 * only their gradients against finite differences of the network's own loss (which a wrong sign, a
 * missing term or smoothing on the wrong rows would pass): the hinge losses on given logits, the
 * discriminator's and generator's losses as formulas of the logits the networks produce, spectral
 * normalization's sigma against EJML's largest singular value, and the minibatch-std feature on a
 * batch small enough to compute by hand. The linear schedules are checked in
 * {@code train.GanScheduleTest}.
 */
class GanStabilizerValuesTest {
    /**
     * The example of issue 27: real logits [2, 0.5] and generated [-0.3, 1.2] give the discriminator's
     * hinge loss mean max(0, 1 - l) + mean max(0, 1 + l) = 0.25 + 1.45 = 1.7, and the generator's
     * -mean D(G(z)) = -0.45; on every backend, with the gradients' signs.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "cl", "cl-gpu"})
    void hingeLossesOnGivenLogits(String backend) {
        Backend be = TestBackends.named(backend);
        try (Tensor real = be.upload(new float[] {2f, 0.5f}, 2, 1); Tensor fake = be.upload(new float[] {-0.3f, 1.2f}, 2, 1);
             Tensor gReal = be.zeros(2, 1); Tensor gFake = be.zeros(2, 1); Tensor out = be.zeros(1, 2)) {
            Hinge.hinge(be, real, -1f, 1f, 0.5f, gReal, out, 0, false);
            Hinge.hinge(be, fake, 1f, 1f, 0.5f, gFake, out, 0, true);
            Hinge.linear(be, fake, -1f, 0.5f, null, out, 1, false);
            float[] sums = be.read(out);
            assertEquals(1.7, sums[0] / 2, 1e-6, "D's hinge loss on " + backend);
            assertEquals(-0.45, sums[1] / 2, 1e-6, "G's hinge loss on " + backend);
            // Only the real logit inside the margin (0.5 < 1) pulls, upwards; both generated ones push down.
            assertArrayEquals(new float[] {0f, -0.5f}, be.read(gReal));
            assertArrayEquals(new float[] {0.5f, 0.5f}, be.read(gFake));
        }
    }

    private static void assertArrayEquals(float[] want, float[] got) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(want, got, 1e-7f);
    }

    /**
     * One step's reported losses are the formulas of the logits D gives the batch and the step's
     * generated rows (drawn here again from the same stream): BCE with the real label on real rows
     * only (one-sided smoothing: generated rows keep target 0), the non-saturating generator loss with
     * target 1 whatever the real label, and the hinge losses. MLP networks with the Java backend.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bce", "smooth", "hinge", "wgan"})
    void stepLossesAreTheFormulasOfTheLogits(String variant) {
        Backend be = TestBackends.java();
        GanConfig.Loss loss = variant.equals("hinge") ? GanConfig.Loss.HINGE : variant.equals("wgan") ? GanConfig.Loss.WGAN
                : GanConfig.Loss.NONSATURATING;
        float realLabel = variant.equals("smooth") ? 0.9f : 1f;
        GanConfig cfg = new GanConfig(5, 3, new int[] {4}, new int[] {6}, true, loss);
        int b = 4;
        float[] x = TestBackends.uniform(new Random(1), b * 5, 0, 1);
        try (GanNetwork gan = new GanNetwork(be, cfg, b); Tensor tx = be.upload(x, b, 5); Tensor stats = be.zeros(1, 4);
             Tensor z = be.zeros(b, 3); Tensor fake = be.zeros(b, 5); Tensor pReal = be.zeros(b, 1); Tensor pFake = be.zeros(b, 1)) {
            gan.initialize(2);
            GanNetwork.StepOptions step = new GanNetwork.StepOptions(realLabel, 0f);
            gan.discriminatorGradients(tx, new RandomStream(5, 0), stats, step);
            gan.generatorGradients(stats, new RandomStream(5, 0), step);
            float[] s = be.read(stats);
            double dLoss = s[GanNetwork.D_LOSS] / b;
            double gLoss = gan.generatorLoss(s[GanNetwork.G_LOSS]) / b;

            // The same z the step drew: the stream's first b x noise normals.
            RandomStream again = new RandomStream(5, 0);
            RandomFill.normal(be, z, again.seed(), again.take((long) b * 3));
            gan.generate(z, fake);
            gan.discriminate(tx, pReal);
            gan.discriminate(fake, pFake);
            double[] lr = logits(be.read(pReal));
            double[] lf = logits(be.read(pFake));
            double wantD = 0;
            double wantG = 0;
            for (int i = 0; i < b; i++) {
                if (loss == GanConfig.Loss.HINGE) {
                    wantD += Math.max(0, 1 - lr[i]) + Math.max(0, 1 + lf[i]);
                    wantG += -lf[i];
                } else if (loss == GanConfig.Loss.WGAN) {
                    wantD += lf[i] - lr[i];
                    wantG += -lf[i];
                } else {
                    wantD += bce(lr[i], realLabel) + bce(lf[i], 0);
                    wantG += bce(lf[i], 1);
                }
            }
            assertEquals(wantD / b, dLoss, 1e-5, variant + ": the discriminator's loss");
            assertEquals(wantG / b, gLoss, 1e-5, variant + ": the generator's loss");
        }
    }

    /**
     * The penalties a step reports are their formulas of D's input gradients, taken here by central differences of the
     * logits D gives (D an MLP with LeakyReLU, piecewise linear, so the differences are exact away from a unit's kink):
     * R1's sum of ||dD/dx||^2 over the real rows, and WGAN-GP's sum of lambda (||dD/dx|| - 1)^2 at x^ = x~ + eps (x - x~),
     * eps the stream's uniform draw after the step's noise (one Philox block per example), x~ = G(z); the same through a
     * projection discriminator, whose logit adds &lt;e(y), h&gt; for each row's class y, and through one that reads the
     * one-hot class beside the data (the derivative by the data only).
     */
    @ParameterizedTest
    @ValueSource(strings = {"r1", "gp", "cond-r1", "cond-gp", "concat-r1", "concat-gp"})
    void penaltiesAreTheirFormulasOfTheInputGradients(String variant) {
        Backend be = TestBackends.java();
        // Real rows far from the generated ones in (0, 1), and enough units that D's gradient changes along the segments.
        boolean concat = variant.startsWith("concat");
        boolean cond = variant.startsWith("cond") || concat;
        GanConfig plain = new GanConfig(5, 3, new int[] {4}, new int[] {32, 32}, true, GanConfig.Loss.NONSATURATING);
        GanConfig cfg = concat ? plain.conditional(3).concatenatingClasses() : cond ? plain.conditional(3) : plain;
        int b = 4;
        int classes = cond ? 3 : 0;
        float lambda = 1.5f;
        float[] x = TestBackends.uniform(new Random(1), b * 5, -6, 6);
        // A conditional GAN's rows end with their one-hot class (row i of class i % 3).
        float[] rows = new float[b * (5 + classes)];
        for (int i = 0; i < b; i++) {
            System.arraycopy(x, i * 5, rows, i * (5 + classes), 5);
            if (cond) {
                rows[i * (5 + classes) + 5 + i % classes] = 1f;
            }
        }
        try (GanNetwork gan = new GanNetwork(be, cfg, b); Tensor tx = be.upload(rows, b, 5 + classes); Tensor stats = be.zeros(1, GanNetwork.STATS);
             Tensor z = be.zeros(b, 3); Tensor codes = be.zeros(b, 3 + classes); Tensor fake = be.zeros(b, 5); Tensor u = be.zeros(b, 4)) {
            gan.initialize(2);
            boolean r1 = variant.endsWith("r1");
            RandomStream stream = new RandomStream(5, 0);
            gan.discriminatorGradients(tx, stream, stats, new GanNetwork.StepOptions(1f, 0f, r1 ? 0.8f : 0f, r1 ? 0f : lambda));
            float[] s = be.read(stats);
            RandomStream again = new RandomStream(5, 0);
            RandomFill.normal(be, z, again.seed(), again.take((long) b * 3));
            if (!r1) {
                RandomFill.uniform(be, u, again.seed(), again.take((long) b * 4));
            }
            assertEquals(again.counter(), stream.counter(), "the step drew its noise and, with WGAN-GP, one Philox block per example");
            float[] code = new float[b * (3 + classes)];
            float[] zs = be.read(z);
            for (int i = 0; i < b; i++) {
                System.arraycopy(zs, i * 3, code, i * (3 + classes), 3);
                if (cond) {
                    code[i * (3 + classes) + 3 + i % classes] = 1f;
                }
            }
            be.write(codes, code);
            gan.generate(codes, fake);
            float[] g = be.read(fake);
            float[] eps = be.read(u);
            double want = 0;
            for (int i = 0; i < b; i++) {
                double[] at = new double[5];
                for (int j = 0; j < 5; j++) {
                    at[j] = r1 ? x[i * 5 + j] : g[i * 5 + j] + eps[i * 4] * (x[i * 5 + j] - g[i * 5 + j]);
                }
                double sq = 0;
                for (int j = 0; j < 5; j++) {
                    double h = 1e-3;
                    double[] plus = at.clone();
                    double[] minus = at.clone();
                    plus[j] += h;
                    minus[j] -= h;
                    double d = (logit(be, gan, plus, classes, i) - logit(be, gan, minus, classes, i)) / (2 * h);
                    sq += d * d;
                }
                want += r1 ? sq : lambda * (Math.sqrt(sq) - 1) * (Math.sqrt(sq) - 1);
            }
            double got = s[r1 ? GanNetwork.R1_NORMS : GanNetwork.GP_TERMS];
            assertTrue(want > 1e-3, "a penalty that can tell: " + want);
            assertEquals(want, got, 2e-3 * (1 + want), variant);
            assertEquals(0f, s[r1 ? GanNetwork.GP_TERMS : GanNetwork.R1_NORMS], "only the penalty asked for");
        }
    }

    /** D's logit for one example (of class i mod classes when there are classes), in double from its float probability. */
    private static double logit(Backend be, GanNetwork gan, double[] example, int classes, int i) {
        float[] row = new float[example.length + classes];
        for (int j = 0; j < example.length; j++) {
            row[j] = (float) example[j];
        }
        if (classes > 0) {
            row[example.length + i % classes] = 1f;
        }
        try (Tensor t = be.upload(row, 1, row.length); Tensor p = be.zeros(1, 1)) {
            gan.discriminate(t, p);
            return logits(be.read(p))[0];
        }
    }

    private static double[] logits(float[] p) {
        double[] l = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            l[i] = Math.log(p[i] / (1.0 - p[i]));
        }
        return l;
    }

    /** Binary cross-entropy of a logit against target t. */
    private static double bce(double logit, double t) {
        return Math.max(logit, 0) - logit * t + Math.log1p(Math.exp(-Math.abs(logit)));
    }

    /**
     * Spectral normalization divides each discriminator weight, reshaped to (out, in x kh x kw) as PyTorch's
     * spectral_norm does, by its largest singular value (EJML's SVD), not by another norm: after the power
     * iteration converges, W_sn sigma_max(W) = W and sigma_max(W_sn) = 1. MLP and DCGAN discriminators.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void spectralNormDividesByTheLargestSingularValue(boolean dcgan) {
        Backend be = TestBackends.java();
        GanConfig.Stabilizers sn = new GanConfig.Stabilizers(true, 1, false);
        GanConfig cfg = (dcgan ? GanConfig.dcgan(new ImageShape(1, 16, 16), 3, 2, 2, GanConfig.Loss.NONSATURATING)
                : new GanConfig(5, 3, new int[] {4}, new int[] {6}, true, GanConfig.Loss.NONSATURATING)).with(sn);
        try (GanNetwork gan = new GanNetwork(be, cfg, 4)) {
            gan.initialize(3);
            SpectralNorm norm = gan.spectralNorm();
            for (int i = 0; i < 500; i++) {
                norm.refresh(true);
            }
            Map<String, float[]> trained = norm.trained().toHost();
            Map<String, float[]> effective = norm.effective().toHost();
            int checked = 0;
            for (ParamSpec spec : norm.trained().specs().values()) {
                if (!spec.name().endsWith(SpectralNorm.ORIG)) {
                    continue;
                }
                String name = spec.name().substring(0, spec.name().length() - SpectralNorm.ORIG.length());
                float[] w = trained.get(spec.name());
                float[] wsn = effective.get(name);
                int rows = spec.shape()[0];
                int cols = w.length / rows;
                double sigma = largestSingularValue(w, rows, cols);
                for (int i = 0; i < w.length; i++) {
                    assertEquals(w[i], wsn[i] * sigma, 1e-4 * sigma, name + "[" + i + "] times sigma_max");
                }
                assertEquals(1.0, largestSingularValue(wsn, rows, cols), 1e-4, name + ": the normalized weight's spectral norm");
                checked++;
            }
            assertEquals(dcgan ? 3 : 2, checked, "every discriminator weight is normalized");
        }
    }

    private static double largestSingularValue(float[] w, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < w.length; i++) {
            m.data[i] = w[i];
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(rows, cols, false, false, true);
        assertTrue(svd.decompose(m));
        double max = 0;
        for (double v : svd.getSingularValues()) {
            max = Math.max(max, v);
        }
        return max;
    }

    /**
     * Karras et al.'s feature by hand: x = [[1, 2], [3, 6]] has the features' biased standard
     * deviations 1 and 2 over the batch, whose mean 1.5 is appended to every row (twice, for a plane of 2).
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "cl", "cl-gpu"})
    void minibatchStdOnAHandComputedBatch(String backend) {
        Backend be = TestBackends.named(backend);
        try (Tensor x = be.upload(new float[] {1, 2, 3, 6}, 2, 2); Tensor mean = be.zeros(1, 2); Tensor std = be.zeros(1, 2);
             Tensor s = be.zeros(1, 2); Tensor y = be.zeros(2, 4)) {
            MinibatchStd.forward(be, x, 2, mean, std, s, y);
            assertArrayEquals(new float[] {2f, 4f}, be.read(mean));
            assertArrayEquals(new float[] {1f, 2f}, be.read(std));
            assertArrayEquals(new float[] {1, 2, 1.5f, 1.5f, 3, 6, 1.5f, 1.5f}, be.read(y));
        }
    }
}
