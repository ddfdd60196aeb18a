package org.latentcl.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.AdamConfig;
import org.latentcl.backend.Backend;
import org.latentcl.backend.FiniteDifference;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;
import org.latentcl.backend.ops.Elementwise;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Datasets;
import org.latentcl.data.Decoder;
import org.latentcl.nn.Adam;
import org.latentcl.nn.RandomStream;

class VaeNetworkTest {
    private static float[] data(int rows, int cols, long seed) {
        return TestBackends.uniform(new Random(seed), rows * cols, 0, 1);
    }

    /**
     * The whole VAE gradient (encoder, heads, reparameterization, decoder, BCE and KL) against
     * central finite differences of the loss, with the noise held fixed. The Java backend sums the
     * loss in double, so h = 1e-3 resolves the difference; float forward passes still limit
     * agreement to about 1e-2 relative.
     */
    @ParameterizedTest
    @ValueSource(strings = {"BERNOULLI", "GAUSSIAN", "BERNOULLI conv", "GAUSSIAN conv", "BERNOULLI conditional", "GAUSSIAN conv conditional",
        "BERNOULLI beta", "GAUSSIAN beta conditional"})
    void gradientsMatchFiniteDifferencesOfTheLoss(String kind) {
        // "beta": the objective reconstruction + 0.37 KL (the KL's gradients scaled, the class prior's included).
        float weight = kind.contains("beta") ? 0.37f : 1f;
        Backend be = TestBackends.java();
        Decoder decoder = Decoder.valueOf(kind.split(" ")[0]);
        // The convolutional one: 2 channels of 4x8 (not square), widths 3 and 2, so every layer and the flatten are exercised.
        // Its loss (about 200) is held in a float, whose rounding (1e-5) over 2h needs h = 1e-2 to stay below the tolerance.
        boolean conv = kind.contains("conv");
        VaeConfig cfg = conv ? new VaeConfig(64, new int[] {3, 2}, 3, decoder, 0.8f, new ImageShape(2, 4, 8))
                : new VaeConfig(7, new int[] {5}, 3, decoder, 0.8f);
        // Conditional: three classes, one-hot beside the data (the MLP's first layer; the conv VAE's features) and beside z.
        boolean conditional = kind.endsWith("conditional");
        if (conditional) {
            cfg = cfg.conditional(3);
        }
        int d = cfg.rowWidth();
        float[] x = data(4, d, 1);
        if (conditional) {
            for (int r = 0; r < 4; r++) {
                java.util.Arrays.fill(x, r * d + cfg.input(), (r + 1) * d, 0f);
                x[r * d + cfg.input() + r % 3] = 1f;
            }
        }
        try (VaeNetwork vae = new VaeNetwork(be, cfg, 4); Tensor tx = be.upload(x, 4, d); Tensor losses = be.zeros(1, 2)) {
            vae.parameters().initialize(3);
            vae.computeGradients(tx, new RandomStream(9, 0), losses, weight);
            float[] grads = be.read(vae.parameters().grads());
            Map<String, float[]> base = vae.parameters().toHost();
            double at = loss(vae, base, tx, weight);
            int offset = 0;
            int checked = 0;
            int kinks = 0;
            for (var e : base.entrySet()) {
                float[] v = e.getValue();
                for (int i = 0; i < v.length; i += 3) {
                    float old = v[i];
                    double h = conv ? 1e-2 : 1e-3;
                    v[i] = (float) (old + h);
                    double plus = loss(vae, base, tx, weight);
                    v[i] = (float) (old - h);
                    double minus = loss(vae, base, tx, weight);
                    v[i] = old;
                    float got = grads[offset + i];
                    double tolerance = 2e-3 + 2e-2 * Math.abs(got);
                    double fd = FiniteDifference.central(minus, at, plus, h, tolerance);
                    if (Double.isNaN(fd)) {
                        kinks++;
                        continue;
                    }
                    assertEquals(fd, got, tolerance, e.getKey() + "[" + i + "]");
                    checked++;
                }
                offset += v.length;
            }
            assertTrue(checked > 20 && kinks < checked / 3, checked + " checked, " + kinks + " at kinks");
        }
    }

    /** Reconstruction + weight * KL of the batch. */
    private static double loss(VaeNetwork vae, Map<String, float[]> params, Tensor x, float weight) {
        Backend be = vae.backend();
        vae.parameters().load(params);
        try (Tensor losses = be.zeros(1, 2)) {
            vae.evaluate(x, new RandomStream(9, 0), losses);
            float[] l = be.read(losses);
            return (double) l[0] + weight * (double) l[1];
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "conv", "mlp conditional", "conv conditional"})
    void aTrainingStepGivesTheSameLossOnBothBackends(String kind) {
        boolean conv = kind.startsWith("conv");
        VaeConfig cfg = conv ? new VaeConfig(784, new int[] {32, 64}, 20, Decoder.BERNOULLI, 1f, new ImageShape(1, 28, 28))
                : new VaeConfig(784, new int[] {400}, 20, Decoder.BERNOULLI, 1f);
        DataSplit split = Datasets.embeddedDefault();
        // Initialized from seed 1, the conditional conv VAE has a pre-activation within rounding of a ReLU kink, where the backends
        // take different derivatives and its first gradients differ by 1e-3 (seeds 2, 3 and 4 agree to 1e-6): it starts from seed 2.
        int init = 1;
        if (kind.endsWith("conditional")) {
            cfg = cfg.conditional(10);
            split = new DataSplit(split.train().withOneHot(10), split.test().withOneHot(10), "one-hot");
            init = 2;
        }
        int w = cfg.rowWidth();
        float[] x = java.util.Arrays.copyOf(split.train().values(), 128 * w);
        float[][] losses = new float[2][];
        float[][] params = new float[2][];
        String[] names = {"java", "cl"};
        for (int b = 0; b < 2; b++) {
            Backend be = TestBackends.named(names[b]);
            try (VaeNetwork vae = new VaeNetwork(be, cfg, 128); Tensor tx = be.upload(x, 128, w); Tensor acc = be.zeros(1, 2);
                 Adam adam = new Adam(vae.parameters(), AdamConfig.of(1e-3f))) {
                vae.parameters().initialize(init);
                RandomStream rng = new RandomStream(1, 0);
                for (int step = 0; step < 3; step++) {
                    vae.trainStep(tx, rng, adam, acc);
                }
                losses[b] = be.read(acc);
                params[b] = be.read(vae.parameters().values());
            }
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(losses[0][i], losses[1][i], 1e-4 * Math.abs(losses[0][i]), "loss term " + i);
        }
        double maxDiff = 0;
        for (int i = 0; i < params[0].length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(params[0][i] - params[1][i]));
        }
        assertTrue(maxDiff < 1e-4, "parameters after 3 Adam steps differ by " + maxDiff);
    }

    /**
     * The launch count docs/PERFORMANCE.md quotes: a training step of the default VAE is 23 kernel
     * launches (24 with the batch gather), two of them the transposes of the two large weights; each
     * layer's weight and bias gradients are one launch, and so are the sampling and reparameterization;
     * the decoder's output layer and the encoder's second head carry their input gradients through the
     * hidden ReLU in their GEMMs.
     */
    @Test
    void aTrainingStepIsTwentyThreeLaunches() {
        org.latentcl.backend.ClBackend cl = TestBackends.cl();
        VaeConfig cfg = new VaeConfig(784, new int[] {400}, 20, Decoder.BERNOULLI, 1f);
        try (VaeNetwork vae = new VaeNetwork(cl, cfg, 128); Tensor x = cl.zeros(128, 784); Tensor acc = cl.zeros(1, 2);
             Adam adam = new Adam(vae.parameters(), AdamConfig.of(1e-3f))) {
            RandomStream rng = new RandomStream(1, 0);
            vae.trainStep(x, rng, adam, acc);
            long before = cl.context().launches();
            vae.trainStep(x, rng, adam, acc);
            assertEquals(23, cl.context().launches() - before);
            // Gradients alone are 22 launches after the step's Adam update (the weights changed, so they
            // are transposed again) and 20 when nothing changed since: the transposed copies are reused.
            before = cl.context().launches();
            vae.computeGradients(x, rng, acc);
            assertEquals(22, cl.context().launches() - before);
            before = cl.context().launches();
            vae.computeGradients(x, rng, acc);
            assertEquals(20, cl.context().launches() - before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void lossFallsOnASmallDataset(String name) {
        Backend be = TestBackends.named(name);
        VaeConfig cfg = new VaeConfig(784, new int[] {64}, 8, Decoder.BERNOULLI, 1f);
        float[] x = java.util.Arrays.copyOf(Datasets.embeddedDefault().train().values(), 256 * 784);
        try (VaeNetwork vae = new VaeNetwork(be, cfg, 64); Tensor all = be.upload(x, 256, 784); Tensor acc = be.zeros(1, 2);
             Adam adam = new Adam(vae.parameters(), AdamConfig.of(1e-3f))) {
            vae.parameters().initialize(2);
            RandomStream rng = new RandomStream(2, 0);
            double first = 0;
            double last = 0;
            for (int epoch = 0; epoch < 8; epoch++) {
                Elementwise.fill(be, acc, 0f);
                for (int s = 0; s < 4; s++) {
                    vae.trainStep(all.rowRange(s * 64, s * 64 + 64), rng, adam, acc);
                }
                float[] l = be.read(acc);
                double perExample = (l[0] + l[1]) / 256.0;
                if (epoch == 0) {
                    first = perExample;
                }
                last = perExample;
            }
            assertTrue(last < 0.6 * first, "loss per example went from " + first + " to " + last);
        }
    }
}
