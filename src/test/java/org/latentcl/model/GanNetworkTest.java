package org.latentcl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.AdamConfig;
import org.latentcl.backend.Backend;
import org.latentcl.backend.FiniteDifference;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;
import org.latentcl.nn.Adam;
import org.latentcl.nn.Parameters;
import org.latentcl.nn.RandomStream;

class GanNetworkTest {
    private static final float[] X = TestBackends.uniform(new Random(1), 4 * 5, 0, 1);

    /**
     * Discriminator loss (means over its judgments; with R1, its penalty r1/2 ||dD/dx||^2 on each real judgment
     * added, with WGAN-GP its terms lambda (||dD/dx|| - 1)^2) and generator loss for fixed noise, from the Java
     * backend's double sums.
     */
    private static double[] losses(GanNetwork gan, Tensor x, GanNetwork.StepOptions step) {
        Backend be = gan.backend();
        try (Tensor stats = be.zeros(1, GanNetwork.STATS)) {
            RandomStream rng = new RandomStream(5, 0);
            int m = gan.discriminatorGradients(x, rng, stats, step);
            int generated = gan.generatorGradients(stats, rng, step);
            float[] s = be.read(stats);
            return new double[] {(s[GanNetwork.D_LOSS] + step.r1() / 2 * s[GanNetwork.R1_NORMS] + s[GanNetwork.GP_TERMS]) / m,
                gan.generatorLoss(s[GanNetwork.G_LOSS]) / generated};
        }
    }

    /**
     * The gradients with every stabilizer that changes them, alone and together, against finite
     * differences: spectral normalization (through W / sigma, u and v held as PyTorch holds them),
     * packing, the minibatch std feature, the hinge loss, label smoothing and instance noise; MLP
     * and DCGAN (16x16); conditional ones, with the auxiliary classifier under each loss; R1 (its gradient
     * against differences of the loss with the penalty itself), alone and with packing, spectral norm and noise; the
     * Wasserstein loss, alone and with WGAN-GP's penalty (at interpolates drawn from the step's stream); both penalties
     * through a projection discriminator (its head and class embedding too) and a DCGAN's without batch norm; maxout
     * units in the MLP discriminator (with R1, WGAN-GP, packing, the minibatch std feature, spectral norm), the penalties
     * through the minibatch std feature (its second-order term), and batch
     * norm in the MLP generator; R1 and WGAN-GP through a discriminator that concatenates the class (by the data's columns);
     * networks in the data's standardized units (moments adapted to X, far from 0 and 1), with the residual generator,
     * R1, WGAN-GP, instance noise and packing, and the residual generator alone; more generated examples a step than
     * real ones ("fakesK": K per real one), alone, under the hinge loss, with packing, instance noise, R1 and WGAN-GP (between
     * the real rows and the first generated ones), in standardized units with the residual generator, and in a DCGAN
     * (whose generator's batch norm sees them all).
     */
    @ParameterizedTest
    @ValueSource(strings = {"sn", "pack", "mbstd", "hinge", "smooth", "noise", "all", "dcgan-sn", "dcgan-pack-mbstd", "cond", "cond-mbstd",
        "cond-noise-sn", "dcgan-cond-sn", "dcgan-cond-mbstd", "cond-concat-sn", "cond-aux", "cond-aux-noise-sn", "dcgan-cond-aux",
        "hinge-cond-aux", "minimax-cond-aux", "r1", "r1-pack-sn", "r1-noise", "hinge-r1", "wgan", "wgan-gp", "wgan-gp-pack-sn", "gp-noise", "dcgan-nobn", "dcgan-nobn-r1",
        "dcgan-nobn-gp-sn", "cond-r1", "cond-aux-gp-sn", "dcgan-nobn-cond-r1", "maxout", "gbn", "gbn-maxout-r1-pack", "maxout-mbstd-sn", "maxout-gp-sn", "mbstd-r1", "maxout-gp-mbstd-sn", "pack-mbstd-r1-noise", "dcgan-nobn-mbstd-r1", "cond-mbstd-r1",
        "cond-gbn-maxout-r1", "cond-concat-r1", "cond-concat-gp-sn", "std", "std-residual-r1", "std-residual-noise-gp-pack", "residual",
        "std-cond-r1", "std-residual-gbn", "fakes3", "hinge-fakes2", "fakes2-pack-noise-r1", "wgan-gp-fakes2-sn", "std-residual-fakes2-gp",
        "dcgan-fakes2", "dcgan-nobn-fakes2-gp-sn"})
    void stabilizerGradientsMatchFiniteDifferences(String variant) {
        Backend be = TestBackends.java();
        boolean all = variant.equals("all");
        GanConfig.Stabilizers st = new GanConfig.Stabilizers(variant.endsWith("sn") || all, variant.contains("pack") || all ? 2 : 1,
                variant.contains("mbstd") || all, !variant.contains("nobn"), variant.contains("maxout") ? 3 : 1);
        GanConfig.Loss loss = variant.startsWith("wgan") ? GanConfig.Loss.WGAN : variant.startsWith("hinge") || all ? GanConfig.Loss.HINGE
                : variant.startsWith("minimax") ? GanConfig.Loss.MINIMAX : GanConfig.Loss.NONSATURATING;
        GanNetwork.StepOptions step = new GanNetwork.StepOptions(variant.equals("smooth") ? 0.9f : 1f,
                variant.contains("noise") || all ? 0.3f : 0f, variant.contains("r1") ? 0.8f : 0f, variant.contains("gp") ? 1.5f : 0f,
                variant.contains("fakes") ? variant.charAt(variant.indexOf("fakes") + 5) - '0' : 1);
        boolean dcgan = variant.startsWith("dcgan");
        boolean standardized = variant.startsWith("std");
        boolean residual = variant.contains("residual");
        GanConfig cfg = (dcgan ? GanConfig.dcgan(new ImageShape(1, 16, 16), 3, 2, 2, loss)
                : new GanConfig(5, residual ? 5 : 3, new int[] {4}, new int[] {6}, !(standardized || residual), loss)
                .withGeneratorBatchNorm(variant.contains("gbn")).withScaling(standardized, residual)).with(st);
        float[] x = dcgan ? TestBackends.uniform(new Random(4), 4 * cfg.data(), -1, 1) : X;
        // Conditional: three classes, through the generator's input and the discriminator's projection (its embedding too).
        if (variant.contains("cond")) {
            cfg = cfg.conditional(3);
            if (variant.contains("concat")) {
                cfg = cfg.concatenatingClasses();
            }
            // With the auxiliary classifier (AC-GAN): its cross-entropy in both losses, its head among D's parameters.
            if (variant.contains("aux")) {
                cfg = cfg.withAuxClassifier(0.7f);
            }
            x = OneHotRows.of(x, 4, cfg.data(), 3);
        }
        try (GanNetwork gan = new GanNetwork(be, cfg, 4 * step.fakesPerReal()); Tensor tx = be.upload(x, 4, cfg.rowWidth());
             Tensor stats = be.zeros(1, GanNetwork.STATS)) {
            gan.initialize(2);
            if (dcgan) {
                scaleWeights(gan, 10f);
            }
            if (standardized) {
                gan.adaptScaling(shifted(X));
            }
            // The power iteration run to convergence first: there sigma = u^T W v is stationary in u and v, so
            // the finite differences, which see the one iteration of each step move u and v, measure the
            // gradient that holds them fixed, as PyTorch's does. Every evaluation starts from the same u and v.
            if (gan.spectralNorm() != null) {
                for (int i = 0; i < 500; i++) {
                    gan.spectralNorm().refresh(true);
                }
            }
            SpectralNormVectors frozen = SpectralNormVectors.of(gan);
            RandomStream rng = new RandomStream(5, 0);
            gan.discriminatorGradients(tx, rng, stats, step);
            float[] dGrad = be.read(gan.discriminatorParameters().grads());
            gan.generatorGradients(stats, rng, step);
            float[] gGrad = be.read(gan.generatorParameters().grads());
            frozen.restore(gan);
            // Richardson's extrapolation from h and h/2, where the two agree: batch norm over four
            // examples bends the DCGAN's loss too sharply for one step size to serve every parameter;
            // h = 1e-2 for the MLPs, whose hinge and piecewise-linear losses are nearly flat at float precision.
            double h = dcgan ? 1e-3 : 1e-2;
            check(gan, tx, gan.discriminatorParameters(), dGrad, 0, dcgan ? 3 : 1, step, frozen, h);
            check(gan, tx, gan.generatorParameters(), gGrad, 1, dcgan ? 3 : 1, step, frozen, h);
        }
    }

    /** Rows of five features whose means and spreads differ from 0 and 1 and from each other: 3 + 2c + (c + 1) x. */
    private static float[] shifted(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            int c = i % 5;
            out[i] = 3 + 2 * c + (c + 1) * x[i];
        }
        return out;
    }

    /**
     * A GAN in the data's standardized units takes the steps a GAN in the data's own units takes on the standardized data
     * (same weights, same noise): the same statistics and gradients, and its samples are mean + std times the other's;
     * its discriminator judges x as the other judges (x - mean) / std. The moments are the data's (population std).
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void aStandardizedGanTrainsAsThePlainOneOnStandardizedData(String backend) {
        Backend be = TestBackends.named(backend);
        int rows = 7;
        int f = 3;
        Random rnd = new Random(11);
        float[] x = new float[rows * f];
        double[] mean = new double[f];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (10 * (i % f) - 4 + (i % f + 0.5) * rnd.nextGaussian());
            mean[i % f] += x[i] / (double) rows;
        }
        double[] std = new double[f];
        for (int i = 0; i < x.length; i++) {
            std[i % f] += Math.pow(x[i] - mean[i % f], 2) / rows;
        }
        float[] standardized = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            standardized[i] = (float) ((x[i] - mean[i % f]) / Math.sqrt(std[i % f]));
        }
        GanConfig plain = new GanConfig(f, f, new int[] {8, 8}, new int[] {8}, false, GanConfig.Loss.NONSATURATING)
                .with(new GanConfig.Stabilizers(false, 1, false));
        GanNetwork.StepOptions step = new GanNetwork.StepOptions(1f, 0.2f, 0.5f, 0f);
        try (GanNetwork a = new GanNetwork(be, plain.withScaling(true, true), rows); GanNetwork b = new GanNetwork(be, plain.withScaling(false, true), rows);
             Tensor tx = be.upload(x, rows, f); Tensor ts = be.upload(standardized, rows, f); Tensor sa = be.zeros(1, GanNetwork.STATS);
             Tensor sb = be.zeros(1, GanNetwork.STATS); Tensor z = be.upload(TestBackends.uniform(rnd, 5 * f, -2, 2), 5, f);
             Tensor ga = be.zeros(5, f); Tensor gb = be.zeros(5, f); Tensor pa = be.zeros(rows, 1); Tensor pb = be.zeros(rows, 1)) {
            a.initialize(3);
            b.initialize(3);
            assertTrue(a.needsScaling());
            a.adaptScaling(x);
            assertTrue(!a.needsScaling() && !b.needsScaling());
            float[] moments = new float[2 * f];
            for (int c = 0; c < f; c++) {
                moments[c] = (float) mean[c];
                moments[f + c] = (float) Math.sqrt(std[c]);
            }
            float[] kept = new float[2 * f];
            System.arraycopy(a.generatorBuffers().get(0).read(), 0, kept, 0, f);
            System.arraycopy(a.generatorBuffers().get(1).read(), 0, kept, f, f);
            assertArrayEquals(moments, kept, 1e-5f, "data_mean, data_std");
            a.discriminatorGradients(tx, new RandomStream(9, 0), sa, step);
            b.discriminatorGradients(ts, new RandomStream(9, 0), sb, step);
            assertArrayEquals(be.read(b.discriminatorParameters().grads()), be.read(a.discriminatorParameters().grads()), 1e-4f, "D's gradients");
            a.generatorGradients(sa, new RandomStream(10, 0), step);
            b.generatorGradients(sb, new RandomStream(10, 0), step);
            assertArrayEquals(be.read(b.generatorParameters().grads()), be.read(a.generatorParameters().grads()), 1e-4f, "G's gradients");
            assertArrayEquals(be.read(sb), be.read(sa), 1e-4f, "statistics");
            a.generate(z, ga);
            b.generate(z, gb);
            float[] want = be.read(gb);
            for (int i = 0; i < want.length; i++) {
                want[i] = (float) (mean[i % f] + Math.sqrt(std[i % f]) * want[i]);
            }
            assertArrayEquals(want, be.read(ga), 1e-4f, "samples in the data's units");
            a.discriminate(tx, pa);
            b.discriminate(ts, pb);
            assertArrayEquals(be.read(pb), be.read(pa), 1e-5f, "D(x)");
        }
    }

    /** u and v of a spectrally normalized discriminator, so that each loss evaluation starts its power iteration from the same place. */
    private record SpectralNormVectors(Map<String, float[]> uv) {
        static SpectralNormVectors of(GanNetwork gan) {
            Map<String, float[]> uv = new java.util.LinkedHashMap<>();
            if (gan.spectralNorm() != null) {
                gan.spectralNorm().buffers().forEach(b -> uv.put(b.name(), b.read()));
            }
            return new SpectralNormVectors(uv);
        }

        void restore(GanNetwork gan) {
            if (gan.spectralNorm() != null) {
                gan.spectralNorm().buffers().forEach(b -> b.write(uv.get(b.name())));
            }
        }
    }

    /**
     * Both networks' gradients through the whole adversarial loss against central finite
     * differences (noise fixed): d/dθ_D of the discriminator loss and d/dθ_G of the generator
     * loss, for both generator losses. Tolerance as in the VAE check.
     */
    @ParameterizedTest
    @EnumSource(GanConfig.Loss.class)
    void gradientsMatchFiniteDifferences(GanConfig.Loss loss) {
        Backend be = TestBackends.java();
        GanConfig cfg = new GanConfig(5, 3, new int[] {4}, new int[] {6}, true, loss);
        try (GanNetwork gan = new GanNetwork(be, cfg, 4); Tensor x = be.upload(X, 4, 5); Tensor stats = be.zeros(1, 4)) {
            gan.initialize(2);
            gan.discriminatorGradients(x, new RandomStream(5, 0), stats, GanNetwork.StepOptions.PLAIN);
            float[] dGrad = be.read(gan.discriminatorParameters().grads());
            gan.generatorGradients(stats, null, GanNetwork.StepOptions.PLAIN);
            float[] gGrad = be.read(gan.generatorParameters().grads());
            // The hinge loss is piecewise linear: its float sums need the larger steps of the stabilizer check.
            double refine = loss == GanConfig.Loss.HINGE ? 1e-2 : 0;
            check(gan, x, gan.discriminatorParameters(), dGrad, 0, 2, GanNetwork.StepOptions.PLAIN, SpectralNormVectors.of(gan), refine);
            check(gan, x, gan.generatorParameters(), gGrad, 1, 2, GanNetwork.StepOptions.PLAIN, SpectralNormVectors.of(gan), refine);
        }
    }

    /**
     * The DCGAN's gradients the same way, through transposed convolutions, batch norm in training
     * mode (whose batch statistics the finite differences see move too), tanh, convolutions and
     * LeakyReLU, at 16x16 (the 4 2^m family) and 28x28 (the MNIST one, with its 3x3 stride-2 step).
     */
    @ParameterizedTest
    @ValueSource(ints = {16, 28})
    void dcganGradientsMatchFiniteDifferences(int side) {
        Backend be = TestBackends.java();
        GanConfig cfg = GanConfig.dcgan(new ImageShape(2, side, side), 3, 2, 2, GanConfig.Loss.NONSATURATING);
        float[] x = TestBackends.uniform(new Random(4), 4 * cfg.data(), -1, 1);
        try (GanNetwork gan = new GanNetwork(be, cfg, 4); Tensor tx = be.upload(x, 4, cfg.data()); Tensor stats = be.zeros(1, 4)) {
            gan.initialize(2);
            // Larger weights than DCGAN's N(0, 0.02), so that the gradients are well above float noise.
            scaleWeights(gan, 10f);
            gan.discriminatorGradients(tx, new RandomStream(5, 0), stats, GanNetwork.StepOptions.PLAIN);
            float[] dGrad = be.read(gan.discriminatorParameters().grads());
            gan.generatorGradients(stats, null, GanNetwork.StepOptions.PLAIN);
            float[] gGrad = be.read(gan.generatorParameters().grads());
            check(gan, tx, gan.discriminatorParameters(), dGrad, 0, side == 28 ? 5 : 2);
            check(gan, tx, gan.generatorParameters(), gGrad, 1, side == 28 ? 5 : 2);
        }
    }

    /** The central difference of loss {@code which} in v[i] at step h (NaN at a kink), leaving the parameters as they were. */
    private static double central(GanNetwork gan, Tensor x, Parameters p, Map<String, float[]> base, float[] v, int i, double h, double at,
                                  int which, GanNetwork.StepOptions step, SpectralNormVectors uv, double tolerance) {
        float old = v[i];
        v[i] = (float) (old + h);
        p.load(base);
        uv.restore(gan);
        double plus = losses(gan, x, step)[which];
        v[i] = (float) (old - h);
        p.load(base);
        uv.restore(gan);
        double minus = losses(gan, x, step)[which];
        v[i] = old;
        p.load(base);
        return FiniteDifference.central(minus, at, plus, h, tolerance);
    }

    /** Both networks' parameters times {@code by}. */
    private static void scaleWeights(GanNetwork gan, float by) {
        for (Parameters p : new Parameters[] {gan.generatorParameters(), gan.discriminatorParameters()}) {
            Map<String, float[]> w = p.toHost();
            // The auxiliary classifier reads features that the scaled layers made large already: scaled down instead, its
            // logits stay moderate and its cross-entropy within the float resolution of the finite differences.
            w.forEach((name, v) -> scale(v, name.startsWith("disc_aux") ? 1f / by / by : by));
            p.load(w);
        }
    }

    private static void scale(float[] v, float by) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= by;
        }
    }

    private static void check(GanNetwork gan, Tensor x, Parameters p, float[] grads, int which) {
        check(gan, x, p, grads, which, 2);
    }

    private static void check(GanNetwork gan, Tensor x, Parameters p, float[] grads, int which, int stride) {
        check(gan, x, p, grads, which, stride, GanNetwork.StepOptions.PLAIN, SpectralNormVectors.of(gan), 0);
    }

    /**
     * With {@code refine} = h &gt; 0, central differences D at h and h/2 and Richardson's (4 D(h/2) - D(h)) / 3
     * (error O(h^4)) where they agree within half the tolerance, else the point is skipped, its loss
     * bending too much within h to tell (counted with the kinks), and a relative tolerance of 3%;
     * with 0, one central difference at 1e-3 and 2%.
     */
    private static void check(GanNetwork gan, Tensor x, Parameters p, float[] grads, int which, int stride, GanNetwork.StepOptions step,
                              SpectralNormVectors uv, double refine) {
        Map<String, float[]> base = p.toHost();
        uv.restore(gan);
        double at = losses(gan, x, step)[which];
        int offset = 0;
        int checked = 0;
        int kinks = 0;
        for (var e : base.entrySet()) {
            float[] v = e.getValue();
            for (int i = 0; i < v.length; i += stride) {
                double tolerance = 1e-4 + (refine > 0 ? 3e-2 : 2e-2) * Math.abs(grads[offset + i]);
                double fd;
                if (refine > 0) {
                    double coarse = central(gan, x, p, base, v, i, refine, at, which, step, uv, tolerance);
                    double fine = central(gan, x, p, base, v, i, refine / 2, at, which, step, uv, tolerance);
                    // Where the two steps differ by half the tolerance the loss bends enough within h that the
                    // extrapolation cannot be trusted to the tolerance either (the conditional DCGAN has a few such points).
                    fd = Math.abs(fine - coarse) > tolerance / 2 ? Double.NaN : (4 * fine - coarse) / 3;
                } else {
                    fd = central(gan, x, p, base, v, i, 1e-3, at, which, step, uv, tolerance);
                }
                if (Double.isNaN(fd)) {
                    kinks++;
                    continue;
                }
                assertEquals(fd, grads[offset + i], tolerance, e.getKey() + "[" + i + "]");
                checked++;
            }
            offset += v.length;
        }
        // Every DCGAN parameter moves hundreds of LeakyReLU units, so many sit within h of a kink; the rest must agree.
        assertTrue(checked > 10 && kinks <= checked, checked + " checked, " + kinks + " at kinks");
    }

    /** Two training steps on both backends, plain and with every stabilizer (spectral norm, pack 2, minibatch std, hinge, instance noise). */
    @ParameterizedTest
    @ValueSource(strings = {"mlp", "dcgan", "mlp stabilized", "dcgan stabilized", "mlp conditional", "dcgan conditional",
        "mlp conditional aux", "dcgan conditional aux"})
    void aGanStepAgreesAcrossBackends(String variant) {
        boolean dcgan = variant.startsWith("dcgan");
        boolean stabilized = variant.endsWith("stabilized");
        boolean conditional = variant.contains("conditional");
        GanConfig.Loss loss = stabilized ? GanConfig.Loss.HINGE : GanConfig.Loss.NONSATURATING;
        GanConfig plain = dcgan ? GanConfig.dcgan(new ImageShape(1, 28, 28), 100, 16, 16, loss)
                : new GanConfig(784, 64, new int[] {256, 512}, new int[] {512, 256}, true, loss);
        GanConfig cfg = stabilized ? plain.with(new GanConfig.Stabilizers(true, 2, true))
                : conditional ? plain.with(new GanConfig.Stabilizers(true, 1, false)).conditional(10) : plain;
        if (variant.endsWith("aux")) {
            cfg = cfg.withAuxClassifier(1f);
        }
        GanNetwork.StepOptions step = stabilized ? new GanNetwork.StepOptions(1f, 0.1f) : GanNetwork.StepOptions.PLAIN;
        float[] x = TestBackends.uniform(new Random(3), 128 * 784, 0, 1);
        if (conditional) {
            x = OneHotRows.of(x, 128, 784, 10);
        }
        BothBackends r = BothBackends.step(cfg, x, 128, 128, step, 2e-4f, 2);
        float[][] stats = r.stats();
        for (int i = 0; i < 4; i++) {
            // The hinge generator loss sums logits of both signs, so its bound is relative to the number of terms.
            double scale = Math.abs(stats[0][i]) + (stabilized ? 128 : 0);
            assertEquals(stats[0][i], stats[1][i], 1e-4 * scale + 1e-5, "statistic " + i);
        }
        // The first discriminator gradients, from the same parameters on both backends, agree to float rounding; the first
        // generator gradients pass through a discriminator one Adam step later, whose near-zero gradients may have moved
        // some of its weights by +lr on one backend and -lr on the other, so they agree less closely, but closely.
        assertGradientsAgree(r.firstDiscGrads(), "discriminator", 1e-4);
        assertGradientsAgree(r.firstGenGrads(), "generator", 1e-2);
        // Adam moves every parameter by about lr per step whatever the gradient's size, so where a
        // gradient is close to zero, float noise can flip its sign; on average the backends must agree closely.
        double meanDiff = r.generatorsMeanDifference();
        // Batch norm makes the weights before it scale-free, so many of their gradients are near zero and flip more often.
        assertTrue(meanDiff < (dcgan ? 1e-5 : 1e-6), "generator parameters differ by " + meanDiff + " on average");
    }

    /**
     * The default for points (standardized units, the residual generator, instance noise, four generated examples per real
     * one) takes the same steps on both backends: its runs on the grid part after thousands of steps (docs/GAN.md), and
     * that must come from rounding growing through the GAN's feedback, not from a backend computing another step.
     */
    @Test
    void aPointsStepAgreesAcrossBackends() {
        int batch = 25;
        int fakes = 4;
        GanConfig cfg = new GanConfig(2, 2, new int[] {32, 32}, new int[] {48, 48}, false, GanConfig.Loss.NONSATURATING)
                .with(new GanConfig.Stabilizers(false, 1, false)).withScaling(true, true);
        GanNetwork.StepOptions step = new GanNetwork.StepOptions(1f, 0.14f, 0f, 0f, fakes);
        Random rnd = new Random(5);
        float[] x = new float[batch * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * (rnd.nextInt(5) - 2) + 0.05 * rnd.nextGaussian()); // the 5x5 grid's points
        }
        BothBackends r = BothBackends.step(cfg, x, batch, batch * fakes, step, 2.5e-4f, 3);
        assertGradientsAgree(r.firstDiscGrads(), "discriminator", 1e-4);
        assertGradientsAgree(r.firstGenGrads(), "generator", 1e-2);
        assertArrayEquals(r.stats()[0], r.stats()[1], 1e-4f, "statistics");
        double meanDiff = r.generatorsMeanDifference();
        assertTrue(meanDiff < 1e-6, "generator parameters differ by " + meanDiff + " on average");
    }

    /**
     * Two generated examples per real one make each side's loss a mean over its own rows: a step on a batch x with two per
     * real one takes the gradients of a plain step on x twice over, [x; x] (same weights, and the same noise: both draw twice
     * x's rows), and its statistics read per real judgment (the doubled batch's sums halved; the generator's loss, over the
     * same generated rows, equal). The MLP with packing and spectral normalization, and the DCGAN, whose batch norm
     * normalizes [x; x] as it does x.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"mlp, java", "mlp, cl", "dcgan, java", "dcgan, cl"})
    void moreGeneratedExamplesAStepAreTheMeansOfADoubledBatch(String arch, String backend) {
        Backend be = TestBackends.named(backend);
        GanConfig cfg = arch.equals("dcgan") ? GanConfig.dcgan(new ImageShape(1, 16, 16), 3, 2, 2, GanConfig.Loss.NONSATURATING)
                : new GanConfig(5, 3, new int[] {4}, new int[] {6}, true, GanConfig.Loss.NONSATURATING).with(new GanConfig.Stabilizers(true, 2, false));
        int b = 6;
        float[] x = TestBackends.uniform(new Random(8), b * cfg.data(), -1, 1);
        float[] twice = new float[2 * x.length];
        System.arraycopy(x, 0, twice, 0, x.length);
        System.arraycopy(x, 0, twice, x.length, x.length);
        GanNetwork.StepOptions two = new GanNetwork.StepOptions(1f, 0f, 0f, 0f, 2);
        float[][] d = new float[2][];
        float[][] g = new float[2][];
        float[][] stats = new float[2][];
        int[][] judged = new int[2][];
        for (int run = 0; run < 2; run++) {
            try (GanNetwork gan = new GanNetwork(be, cfg, 2 * b); Tensor tx = run == 0 ? be.upload(x, b, cfg.data()) : be.upload(twice, 2 * b, cfg.data());
                 Tensor st = be.zeros(1, GanNetwork.STATS)) {
                gan.initialize(1);
                GanNetwork.StepOptions step = run == 0 ? two : GanNetwork.StepOptions.PLAIN;
                RandomStream rng = new RandomStream(1, 0);
                int realJudged = gan.discriminatorGradients(tx, rng, st, step);
                d[run] = be.read(gan.discriminatorParameters().grads());
                judged[run] = new int[] {realJudged, gan.generatorGradients(st, rng, step)};
                g[run] = be.read(gan.generatorParameters().grads());
                stats[run] = be.read(st);
            }
        }
        int pack = cfg.disc().pack();
        assertArrayEquals(new int[] {b / pack, 2 * b / pack}, judged[0], "judgments of real and generated rows");
        assertArrayEquals(new int[] {2 * b / pack, 2 * b / pack}, judged[1]);
        assertGradientsAgree(d, "discriminator", 1e-5);
        assertGradientsAgree(g, "generator", 1e-5);
        for (int i : new int[] {GanNetwork.D_LOSS, GanNetwork.D_REAL, GanNetwork.D_FAKE}) {
            assertEquals(stats[1][i] / 2, stats[0][i], 1e-5 * Math.abs(stats[1][i]), "statistic " + i);
        }
        assertEquals(stats[1][GanNetwork.G_LOSS], stats[0][GanNetwork.G_LOSS], 1e-5 * Math.abs(stats[1][GanNetwork.G_LOSS]), "generator loss");
    }

    /** A step refuses more generated rows than the networks hold, and a conditional GAN more than one per real row. */
    @Test
    void moreGeneratedExamplesThanTheBuffersHoldAreRefused() {
        Backend be = TestBackends.java();
        GanConfig cfg = new GanConfig(5, 3, new int[] {4}, new int[] {6}, true, GanConfig.Loss.NONSATURATING);
        GanNetwork.StepOptions three = new GanNetwork.StepOptions(1f, 0f, 0f, 0f, 3);
        try (GanNetwork gan = new GanNetwork(be, cfg, 8); Tensor x = be.upload(X, 4, 5); Tensor st = be.zeros(1, GanNetwork.STATS);
             GanNetwork cond = new GanNetwork(be, cfg.conditional(3), 12); Tensor xc = be.upload(OneHotRows.of(X, 4, 5, 3), 4, 8)) {
            gan.initialize(1);
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> gan.discriminatorGradients(x, new RandomStream(1, 0), st, three));
            assertEquals("the GAN generates at most 8 examples a step, got 4 real rows x 3 generated per real one", e.getMessage());
            cond.initialize(1);
            e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> cond.discriminatorGradients(xc, new RandomStream(1, 0), st, three));
            assertEquals(GanNetwork.CONDITIONAL_FAKES, e.getMessage());
        }
        assertEquals("a step takes at least one generated example per real one, got 0",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new GanNetwork.StepOptions(1f, 0f, 0f, 0f, 0))
                        .getMessage());
    }

    /**
     * The same Adam steps of a GAN on the Java backend and on OpenCL from the same weights and noise: each backend's
     * first gradients of both networks, its statistics and its generator's values after the steps.
     */
    private record BothBackends(float[][] firstDiscGrads, float[][] firstGenGrads, float[][] stats, float[][] gen) {
        static BothBackends step(GanConfig cfg, float[] x, int rows, int networkRows, GanNetwork.StepOptions step, float lr, int steps) {
            BothBackends r = new BothBackends(new float[2][], new float[2][], new float[2][], new float[2][]);
            String[] names = {"java", "cl"};
            for (int b = 0; b < 2; b++) {
                Backend be = TestBackends.named(names[b]);
                try (GanNetwork gan = new GanNetwork(be, cfg, networkRows); Tensor tx = be.upload(x, rows, cfg.rowWidth());
                     Tensor st = be.zeros(1, GanNetwork.STATS);
                     Adam ad = new Adam(gan.discriminatorParameters(), new AdamConfig(lr, 0.5f, 0.999f, 1e-8f, 0f));
                     Adam ag = new Adam(gan.generatorParameters(), new AdamConfig(lr, 0.5f, 0.999f, 1e-8f, 0f))) {
                    gan.initialize(1);
                    if (gan.needsScaling()) {
                        gan.adaptScaling(x);
                    }
                    RandomStream rng = new RandomStream(1, 0);
                    for (int s = 0; s < steps; s++) {
                        gan.discriminatorGradients(tx, rng, st, step);
                        if (s == 0) {
                            r.firstDiscGrads[b] = be.read(gan.discriminatorParameters().grads());
                        }
                        ad.step();
                        gan.generatorGradients(st, rng, step);
                        if (s == 0) {
                            r.firstGenGrads[b] = be.read(gan.generatorParameters().grads());
                        }
                        ag.step();
                    }
                    r.stats[b] = be.read(st);
                    r.gen[b] = be.read(gan.generatorParameters().values());
                }
            }
            return r;
        }

        double generatorsMeanDifference() {
            double meanDiff = 0;
            for (int i = 0; i < gen[0].length; i++) {
                meanDiff += Math.abs(gen[0][i] - gen[1][i]) / gen[0].length;
            }
            return meanDiff;
        }
    }

    /** The largest difference between the backends' gradients, relative to the largest gradient, is at most the tolerance. */
    private static void assertGradientsAgree(float[][] g, String what, double tolerance) {
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < g[0].length; i++) {
            diff = Math.max(diff, Math.abs(g[0][i] - g[1][i]));
            scale = Math.max(scale, Math.abs(g[0][i]));
        }
        assertTrue(scale > 0, what + " gradients are all zero");
        assertTrue(diff <= tolerance * scale, what + " gradients differ by " + diff / scale + " of the largest");
    }

    /** Rows followed by a one-hot class each (row r of class r mod classes), as a conditional model reads them. */
    private static final class OneHotRows {
        static float[] of(float[] x, int rows, int cols, int classes) {
            int[] labels = new int[rows];
            for (int r = 0; r < rows; r++) {
                labels[r] = r % classes;
            }
            return new org.latentcl.data.Dataset("x", x, rows, cols, labels, 0, 0).withOneHot(classes).values();
        }
    }
}
