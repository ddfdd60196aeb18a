package org.latentcl.model;

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

    /** Discriminator loss (batch means) and generator loss for fixed noise, from the Java backend's double sums. */
    private static double[] losses(GanNetwork gan, Tensor x) {
        Backend be = gan.backend();
        try (Tensor stats = be.zeros(1, 4)) {
            gan.discriminatorGradients(x, new RandomStream(5, 0), stats);
            gan.generatorGradients(stats);
            float[] s = be.read(stats);
            return new double[] {s[GanNetwork.D_LOSS] / x.rows(), gan.generatorLoss(s[GanNetwork.G_LOSS]) / x.rows()};
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
            gan.discriminatorGradients(x, new RandomStream(5, 0), stats);
            float[] dGrad = be.read(gan.discriminatorParameters().grads());
            gan.generatorGradients(stats);
            float[] gGrad = be.read(gan.generatorParameters().grads());
            check(gan, x, gan.discriminatorParameters(), dGrad, 0);
            check(gan, x, gan.generatorParameters(), gGrad, 1);
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
            Map<String, float[]> w = gan.generatorParameters().toHost();
            w.values().forEach(v -> scale(v, 10f));
            gan.generatorParameters().load(w);
            Map<String, float[]> wd = gan.discriminatorParameters().toHost();
            wd.values().forEach(v -> scale(v, 10f));
            gan.discriminatorParameters().load(wd);
            gan.discriminatorGradients(tx, new RandomStream(5, 0), stats);
            float[] dGrad = be.read(gan.discriminatorParameters().grads());
            gan.generatorGradients(stats);
            float[] gGrad = be.read(gan.generatorParameters().grads());
            check(gan, tx, gan.discriminatorParameters(), dGrad, 0, side == 28 ? 5 : 2);
            check(gan, tx, gan.generatorParameters(), gGrad, 1, side == 28 ? 5 : 2);
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
        Map<String, float[]> base = p.toHost();
        double at = losses(gan, x)[which];
        int offset = 0;
        int checked = 0;
        int kinks = 0;
        for (var e : base.entrySet()) {
            float[] v = e.getValue();
            for (int i = 0; i < v.length; i += stride) {
                float old = v[i];
                double h = 1e-3;
                v[i] = (float) (old + h);
                p.load(base);
                double plus = losses(gan, x)[which];
                v[i] = (float) (old - h);
                p.load(base);
                double minus = losses(gan, x)[which];
                v[i] = old;
                p.load(base);
                double tolerance = 1e-4 + 2e-2 * Math.abs(grads[offset + i]);
                double fd = FiniteDifference.central(minus, at, plus, h, tolerance);
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

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aGanStepAgreesAcrossBackends(boolean dcgan) {
        GanConfig cfg = dcgan ? GanConfig.dcgan(new ImageShape(1, 28, 28), 100, 16, 16, GanConfig.Loss.NONSATURATING)
                : new GanConfig(784, 64, new int[] {256, 512}, new int[] {512, 256}, true, GanConfig.Loss.NONSATURATING);
        float[] x = TestBackends.uniform(new Random(3), 128 * 784, 0, 1);
        float[][] stats = new float[2][];
        float[][] gen = new float[2][];
        String[] names = {"java", "cl"};
        for (int b = 0; b < 2; b++) {
            Backend be = TestBackends.named(names[b]);
            try (GanNetwork gan = new GanNetwork(be, cfg, 128); Tensor tx = be.upload(x, 128, 784); Tensor st = be.zeros(1, 4);
                 Adam ad = new Adam(gan.discriminatorParameters(), new AdamConfig(2e-4f, 0.5f, 0.999f, 1e-8f, 0f));
                 Adam ag = new Adam(gan.generatorParameters(), new AdamConfig(2e-4f, 0.5f, 0.999f, 1e-8f, 0f))) {
                gan.initialize(1);
                RandomStream rng = new RandomStream(1, 0);
                for (int step = 0; step < 2; step++) {
                    gan.discriminatorGradients(tx, rng, st);
                    ad.step();
                    gan.generatorGradients(st);
                    ag.step();
                }
                stats[b] = be.read(st);
                gen[b] = be.read(gan.generatorParameters().values());
            }
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(stats[0][i], stats[1][i], 1e-4 * Math.abs(stats[0][i]) + 1e-5, "statistic " + i);
        }
        // Adam moves every parameter by about lr per step whatever the gradient's size, so where a
        // gradient is close to zero, float noise can flip its sign: a few parameters may differ by
        // up to 2 lr per step, but on average the backends must agree far more closely.
        double maxDiff = 0;
        double meanDiff = 0;
        for (int i = 0; i < gen[0].length; i++) {
            double d = Math.abs(gen[0][i] - gen[1][i]);
            maxDiff = Math.max(maxDiff, d);
            meanDiff += d / gen[0].length;
        }
        assertTrue(maxDiff <= 2 * 2e-4 * 2 * 1.01, "generator parameters differ by up to " + maxDiff);
        // Batch norm makes the weights before it scale-free, so many of their gradients are near zero and flip more often.
        assertTrue(meanDiff < (dcgan ? 1e-5 : 1e-6), "generator parameters differ by " + meanDiff + " on average");
    }
}
