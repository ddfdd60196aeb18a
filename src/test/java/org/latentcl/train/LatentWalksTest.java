package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Philox;
import org.latentcl.backend.TestBackends;
import org.latentcl.model.GanConfig;
import org.latentcl.model.GanNetwork;
import org.latentcl.model.VaeConfig;
import org.latentcl.model.VaeNetwork;
import org.latentcl.data.Decoder;

class LatentWalksTest {
    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    private static double angle(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return Math.acos(dot / norm(a) / norm(b));
    }

    /** The arc: its ends are the two points, it keeps the norm of equal-norm ends, and its angles divide the whole one in proportion to t. */
    @Test
    void slerpFollowsTheArc() {
        float[] a = {3, 0, 0};
        float[] b = {0, 3, 0};
        assertArrayEquals(a, LatentWalks.slerp(a, b, 0));
        assertArrayEquals(b, LatentWalks.slerp(a, b, 1));
        for (double t : new double[] {0.25, 0.5, 0.9}) {
            float[] p = LatentWalks.slerp(a, b, t);
            assertEquals(3, norm(p), 1e-6, "the norm at t = " + t);
            assertEquals(t * Math.PI / 2, angle(a, p), 1e-6, "the angle from a at t = " + t);
        }
        // A straight line would halve the norm's square at the middle of orthogonal ends; the arc does not.
        assertEquals(3 / Math.sqrt(2), norm(new float[] {1.5f, 1.5f, 0}), 1e-6);
        // Parallel ends: the straight line (no division by sin 0).
        assertArrayEquals(new float[] {1.5f, 0, 0}, LatentWalks.slerp(new float[] {1, 0, 0}, new float[] {2, 0, 0}, 0.5), 1e-6f);
        assertArrayEquals(new float[] {0.5f, 0}, LatentWalks.slerp(new float[] {0, 0}, new float[] {1, 0}, 0.5), 1e-6f);
    }

    /** Walk w runs from draw w to draw walks + w of the seed's stream, walk after walk. */
    @Test
    void walksRunBetweenTheSeedsDraws() {
        int walks = 3;
        int steps = 4;
        int d = 5;
        float[] ends = new float[2 * walks * d];
        Philox.fillNormal(ends, 0, ends.length, 9, 0);
        float[] w = LatentWalks.walks(walks, steps, d, 9);
        assertEquals(walks * steps * d, w.length);
        for (int k = 0; k < walks; k++) {
            assertArrayEquals(Arrays.copyOfRange(ends, k * d, (k + 1) * d), Arrays.copyOfRange(w, k * steps * d, (k * steps + 1) * d));
            assertArrayEquals(Arrays.copyOfRange(ends, (walks + k) * d, (walks + k + 1) * d),
                    Arrays.copyOfRange(w, ((k + 1) * steps - 1) * d, (k + 1) * steps * d));
        }
        assertThrows(IllegalArgumentException.class, () -> LatentWalks.walks(1, 1, d, 9));
    }

    /**
     * A conditional VAE's walks decode the walk's codes moved to the walk's class's prior mean, with the class; a conditional
     * GAN's generate the walk's noise with the class.
     */
    @Test
    void interpolationDecodesTheWalksOfEachClass() {
        Backend be = TestBackends.java();
        int walks = 2;
        int steps = 3;
        int[] classes = {2, 0};
        try (VaeNetwork vae = new VaeNetwork(be, new VaeConfig(6, new int[] {5}, 2, Decoder.BERNOULLI, 1f).conditional(3), 8)) {
            vae.initialize(4);
            Map<String, float[]> w = vae.parameters().toHost();
            float[] means = {0.5f, -1f, 2f, 0f, -0.25f, 1.5f};
            w.put("prior.weight", means);
            vae.parameters().load(w);
            float[] z = LatentWalks.walks(walks, steps, 2, 5);
            float[] codes = new float[walks * steps * 5];
            for (int i = 0; i < walks * steps; i++) {
                int k = classes[i / steps];
                codes[i * 5] = z[i * 2] + means[k * 2];
                codes[i * 5 + 1] = z[i * 2 + 1] + means[k * 2 + 1];
                codes[i * 5 + 2 + k] = 1f;
            }
            assertArrayEquals(VaeSampling.decode(vae, codes, walks * steps), VaeSampling.interpolate(vae, walks, steps, 5, classes));
        }
        GanConfig gc = new GanConfig(6, 4, new int[] {5}, new int[] {5}, true, GanConfig.Loss.NONSATURATING).conditional(3);
        try (GanNetwork gan = new GanNetwork(be, gc, 8)) {
            gan.initialize(4);
            float[] z = LatentWalks.walks(walks, steps, 4, 5);
            float[] each = GanSampling.interpolate(gan, walks, steps, 5, classes);
            for (int i = 0; i < walks * steps; i++) {
                float[] codes = new float[4 + 3];
                System.arraycopy(z, i * 4, codes, 0, 4);
                codes[4 + classes[i / steps]] = 1f;
                float[] one = org.latentcl.train.Chunked.map(be, codes, 1, 7, 6, 8, gan::generate);
                assertArrayEquals(one, Arrays.copyOfRange(each, i * 6, (i + 1) * 6), "row " + i);
            }
        }
    }
}
