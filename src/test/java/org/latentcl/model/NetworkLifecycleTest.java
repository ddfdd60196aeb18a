package org.latentcl.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;
import org.latentcl.nn.RandomStream;

/**
 * Closing a network gives back every device buffer it allocated (its parameters, gradients, buffers and the
 * scratch of its layers), after a training step has used them all: a program that builds many models in one JVM,
 * as a hyperparameter search does, must not run the device out of memory.
 */
class NetworkLifecycleTest {
    private static final VaeConfig[] VAES = {
        new VaeConfig(12, new int[] {9}, 2, org.latentcl.data.Decoder.BERNOULLI, 1f),
        new VaeConfig(64, new int[] {3, 2}, 3, org.latentcl.data.Decoder.BERNOULLI, 1f, new ImageShape(1, 8, 8)),
        new VaeConfig(12, new int[] {9, 5}, 2, org.latentcl.data.Decoder.GAUSSIAN, 0.5f).conditional(3),
    };

    private static final GanConfig[] GANS = {
        new GanConfig(12, 8, new int[] {10}, new int[] {11}, true, GanConfig.Loss.NONSATURATING),
        new GanConfig(12, 8, new int[] {10}, new int[] {11, 6}, true, GanConfig.Loss.HINGE).with(new GanConfig.Stabilizers(true, 2, true)),
        new GanConfig(12, 8, new int[] {10}, new int[] {11}, true, GanConfig.Loss.NONSATURATING)
                .with(new GanConfig.Stabilizers(true, 1, false)).conditional(3).withAuxClassifier(1f),
        GanConfig.dcgan(new ImageShape(1, 16, 16), 3, 2, 2, GanConfig.Loss.NONSATURATING),
    };

    private static float[] rows(int n, int cols, int classes, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * (cols + classes)];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < cols; c++) {
                v[i * (cols + classes) + c] = r.nextFloat();
            }
            if (classes > 0) {
                v[i * (cols + classes) + cols + i % classes] = 1f;
            }
        }
        return v;
    }

    @Test
    void closingANetworkReleasesEveryBufferItAllocated() {
        Backend be = TestBackends.cl();
        int before = be.liveBuffers();
        assertTrue(before >= 0, "the OpenCL backend counts its buffers");
        for (VaeConfig cfg : VAES) {
            try (VaeNetwork vae = new VaeNetwork(be, cfg, 8); Tensor losses = be.zeros(1, 2);
                 Tensor x = be.upload(rows(8, cfg.input(), cfg.classes(), 1), 8, cfg.rowWidth())) {
                vae.parameters().initialize(3);
                vae.computeGradients(x, new RandomStream(5, 0), losses);
                assertTrue(be.liveBuffers() > before, cfg + " allocated");
            }
            assertEquals(before, be.liveBuffers(), "buffers left after closing the VAE " + cfg);
        }
        for (GanConfig cfg : GANS) {
            // Two generated examples per real one (unconditional GANs), whose statistics take a buffer of their own.
            int fakes = cfg.conditional() ? 1 : 2;
            try (GanNetwork gan = new GanNetwork(be, cfg, 8 * fakes); Tensor stats = be.zeros(1, GanNetwork.STATS);
                 Tensor x = be.upload(rows(8, cfg.data(), cfg.classes(), 2), 8, cfg.rowWidth())) {
                gan.initialize(3);
                // The gradient penalties' buffers too, where the discriminator takes them.
                boolean penalized = gan.penaltyRefusal() == null;
                gan.discriminatorGradients(x, new RandomStream(6, 0), stats, penalized ? new GanNetwork.StepOptions(1f, 0f, 1f, 1f, fakes)
                        : new GanNetwork.StepOptions(1f, 0f, 0f, 0f, fakes));
                gan.generatorGradients(stats, new RandomStream(7, 0), GanNetwork.StepOptions.PLAIN);
                assertTrue(be.liveBuffers() > before, cfg + " allocated");
            }
            assertEquals(before, be.liveBuffers(), "buffers left after closing the GAN " + cfg);
        }
    }
}
