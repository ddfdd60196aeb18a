package org.latentcl.train;

import org.latentcl.backend.Backend;
import org.latentcl.backend.Philox;
import org.latentcl.backend.Tensor;
import org.latentcl.model.Gan;

/** Generating from a trained GAN into host arrays, in chunks of its batch size. */
public final class GanSampling {
    private GanSampling() {
    }

    /** n samples G(z), z ~ N(0, I) from the Philox stream of {@code seed}; n x data values. */
    public static float[] generate(Gan gan, int n, long seed) {
        Backend be = gan.backend();
        int zd = gan.config().noise();
        int d = gan.config().data();
        float[] noise = new float[n * zd];
        Philox.fillNormal(noise, 0, noise.length, seed, 0);
        float[] out = new float[n * d];
        int chunk = gan.maxBatch();
        try (Tensor tz = be.zeros(chunk, zd); Tensor tout = be.zeros(chunk, d)) {
            for (int start = 0; start < n; start += chunk) {
                int b = Math.min(chunk, n - start);
                Tensor zb = tz.rowRange(0, b);
                be.write(zb, java.util.Arrays.copyOfRange(noise, start * zd, (start + b) * zd));
                Tensor ob = tout.rowRange(0, b);
                gan.generate(zb, ob);
                System.arraycopy(be.read(ob), 0, out, start * d, b * d);
            }
        }
        return out;
    }
}
