package org.latentcl.train;

import org.latentcl.backend.Philox;
import org.latentcl.model.GanNetwork;

/** Generating from a trained GAN into host arrays, in chunks of its batch size. */
public final class GanSampling {
    private GanSampling() {
    }

    /** n samples G(z), z ~ N(0, I) from the Philox stream of {@code seed}; n x data values. */
    public static float[] generate(GanNetwork gan, int n, long seed) {
        int zd = gan.config().noise();
        float[] noise = new float[n * zd];
        Philox.fillNormal(noise, 0, noise.length, seed, 0);
        return Chunked.map(gan.backend(), noise, n, zd, gan.config().data(), gan.maxBatch(), gan::generate);
    }

    /** The discriminator's probability D(x) for each of n rows of x (n x data values). */
    public static float[] discriminate(GanNetwork gan, float[] x, int n) {
        return Chunked.map(gan.backend(), x, n, gan.config().data(), 1, gan.maxBatch(), gan::discriminate);
    }
}
