package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Philox;
import org.latentcl.backend.TestBackends;
import org.latentcl.data.Decoder;
import org.latentcl.model.GanConfig;
import org.latentcl.model.GanNetwork;
import org.latentcl.model.VaeConfig;
import org.latentcl.model.VaeNetwork;

/**
 * Sampling at a temperature t draws z = m + t eps (a conditional VAE's class mean m) and a GAN's noise t z: the
 * samples equal those decoded or generated from the scaled draws written out here; t = 1 is the plain sampling to
 * the bit; t must be above 0.
 */
class TemperatureTest {
    @Test
    void aConditionalVaeDrawsAroundItsClassMeansAtTheTemperature() {
        Backend be = TestBackends.java();
        VaeConfig cfg = new VaeConfig(6, new int[] {5}, 2, Decoder.BERNOULLI, 1f).conditional(3);
        try (VaeNetwork vae = new VaeNetwork(be, cfg, 8)) {
            vae.parameters().initialize(4);
            float[] prior = new float[] {1f, -1f, 0.5f, 2f, -2f, 0f};
            java.util.Map<String, float[]> w = vae.parameters().toHost();
            w.put("prior.weight", prior);
            vae.parameters().load(w);
            int[] classes = {2, 0, 1, 1};
            float t = 0.6f;
            float[] eps = new float[4 * 2];
            Philox.fillNormal(eps, 0, eps.length, 9, 0);
            float[] codes = new float[4 * 5];
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 2; j++) {
                    codes[i * 5 + j] = t * eps[i * 2 + j] + prior[classes[i] * 2 + j];
                }
                codes[i * 5 + 2 + classes[i]] = 1f;
            }
            assertArrayEquals(VaeSampling.decode(vae, codes, 4), VaeSampling.sample(vae, 4, 9, classes, t), 1e-6f);
            assertArrayEquals(VaeSampling.sample(vae, 4, 9, classes), VaeSampling.sample(vae, 4, 9, classes, 1f), "t = 1, bit for bit");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VaeSampling.sample(vae, 4, 9, classes, 0f));
            assertEquals("the temperature must be a number above 0, got 0.0", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> VaeSampling.sample(vae, 4, 9, classes, Float.NaN));
        }
    }

    @Test
    void aGansNoiseIsScaledByTheTemperature() {
        Backend be = TestBackends.java();
        GanConfig cfg = new GanConfig(5, 3, new int[] {4}, new int[] {6}, true, GanConfig.Loss.NONSATURATING);
        try (GanNetwork gan = new GanNetwork(be, cfg, 8); org.latentcl.backend.Tensor z = be.zeros(6, 3);
             org.latentcl.backend.Tensor out = be.zeros(6, 5)) {
            gan.initialize(5);
            float[] noise = new float[6 * 3];
            Philox.fillNormal(noise, 0, noise.length, 11, 0);
            for (int i = 0; i < noise.length; i++) {
                noise[i] *= 0.5f;
            }
            be.write(z, noise);
            gan.generate(z, out);
            assertArrayEquals(be.read(out), GanSampling.generate(gan, 6, 11, null, 0.5f), 1e-6f);
            assertArrayEquals(GanSampling.generate(gan, 6, 11, null), GanSampling.generate(gan, 6, 11, null, 1f), "t = 1, bit for bit");
        }
    }
}
