package org.latentcl.train;

import org.latentcl.backend.Philox;
import org.latentcl.backend.Tensor;
import org.latentcl.model.VaeNetwork;

/**
 * Using a trained VAE on host arrays: decode codes, draw from the prior, reconstruct. Works in
 * chunks of the VAE's batch. A conditional VAE's rows and codes end with the one-hot class
 * ({@code VaeConfig.rowWidth}, {@code codeWidth}); {@link #sample(VaeNetwork, int, long, int[])}
 * draws given classes.
 */
public final class VaeSampling {
    private VaeSampling() {
    }

    /** Decodes n codes (n x codeWidth, row-major: z, then a conditional VAE's one-hot class) into n x input values. */
    public static float[] decode(VaeNetwork vae, float[] codes, int n) {
        return Chunked.map(vae.backend(), codes, n, vae.config().codeWidth(), vae.config().input(), vae.maxBatch(), vae::decode);
    }

    /** n draws from the prior N(0, I) of an unconditional VAE, decoded; the codes come from the Philox stream of {@code seed}. */
    public static float[] sample(VaeNetwork vae, int n, long seed) {
        if (vae.config().conditional()) {
            throw new IllegalArgumentException("a conditional VAE draws for given classes");
        }
        return sample(vae, n, seed, null);
    }

    /**
     * n draws from the prior, decoded: example i of class {@code classes[i]} for a conditional VAE
     * (classes null for an unconditional one), z = m_y + eps from its class prior N(m_y, I). The
     * noise eps is the Philox stream of {@code seed}, so the same seed gives every class the same eps.
     */
    public static float[] sample(VaeNetwork vae, int n, long seed, int[] classes) {
        return sample(vae, n, seed, classes, 1f);
    }

    /**
     * As {@link #sample(VaeNetwork, int, long, int[])} at a temperature: z = m_y + t eps, draws from N(m_y, t^2 I).
     * Below 1 the samples are nearer the prior's mode, more typical of their class and less varied (the "reduced
     * temperature" of Kingma &amp; Dhariwal 2018, Glow, section 5); 1 is the prior itself.
     */
    public static float[] sample(VaeNetwork vae, int n, long seed, int[] classes, float temperature) {
        float[] z = new float[n * vae.config().latent()];
        Philox.fillNormal(z, 0, z.length, seed, 0);
        Temperature.scale(z, temperature);
        return decodeFromPrior(vae, z, n, classes);
    }

    /**
     * Interpolation: {@code walks} walks of {@code steps} codes between two prior draws each ({@link LatentWalks}),
     * decoded, walk after walk; walk w of class {@code classes[w]} for a conditional VAE (its codes walk around
     * that class's prior mean), classes null for an unconditional one.
     */
    public static float[] interpolate(VaeNetwork vae, int walks, int steps, long seed, int[] classes) {
        return decodeFromPrior(vae, LatentWalks.walks(walks, steps, vae.config().latent(), seed), walks * steps,
                LatentWalks.eachPoint(classes, walks, steps));
    }

    /**
     * Decodes n draws eps of the standard normal as draws of the prior: example i of class {@code classes[i]} at
     * z = m_y + eps for a conditional VAE with its class prior N(m_y, I), eps itself for an unconditional one.
     */
    private static float[] decodeFromPrior(VaeNetwork vae, float[] eps, int n, int[] classes) {
        int l = vae.config().latent();
        float[] codes = OneHot.append(vae.config().classes(), eps, n, l, classes);
        float[] means = vae.priorMeans();
        if (means != null) {
            // The classes are checked now: shift each draw to its class's prior mean.
            int w = vae.config().codeWidth();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < l; j++) {
                    codes[i * w + j] += means[classes[i] * l + j];
                }
            }
        }
        return decode(vae, codes, n);
    }

    /** {@code per} draws of each class in {@code classes}, class by class from the same codes (per draws of the prior when classes is null). */
    public static float[] sampleByClass(VaeNetwork vae, int per, long seed, int[] classes) {
        return sampleByClass(vae, per, seed, classes, 1f);
    }

    /** As {@link #sampleByClass(VaeNetwork, int, long, int[])} at a temperature. */
    public static float[] sampleByClass(VaeNetwork vae, int per, long seed, int[] classes, float temperature) {
        return OneHot.byClass((k, cls) -> sample(vae, k, seed, cls, temperature), classes, per, vae.config().input());
    }

    /** The one-hot classes at the end of n rows of a conditional VAE (null for an unconditional one). */
    static int[] classesOf(VaeNetwork vae, float[] rows, int n) {
        int c = vae.config().classes();
        if (c == 0) {
            return null;
        }
        int width = vae.config().rowWidth();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                if (rows[i * width + vae.config().input() + k] == 1f) {
                    out[i] = k;
                }
            }
        }
        return out;
    }

    /** The posterior of n examples (rows of rowWidth: data, then a conditional VAE's one-hot class): {mu, logvar}, each n x latent. */
    public static float[][] encode(VaeNetwork vae, float[] x, int n) {
        int l = vae.config().latent();
        int d = vae.config().rowWidth();
        try (Tensor scratch = vae.backend().zeros(vae.maxBatch(), l)) {
            float[] mu = Chunked.map(vae.backend(), x, n, d, l, vae.maxBatch(),
                    (xb, out) -> vae.encode(xb, out, scratch.rowRange(0, xb.rows())));
            float[] logvar = Chunked.map(vae.backend(), x, n, d, l, vae.maxBatch(),
                    (xb, out) -> vae.encode(xb, scratch.rowRange(0, xb.rows()), out));
            return new float[][] {mu, logvar};
        }
    }

    /** Reconstructions of n examples (rows as {@link #encode} takes them) through the posterior means: decode(mu(x)), with each row's class when conditional. */
    public static float[] reconstruct(VaeNetwork vae, float[] x, int n) {
        int l = vae.config().latent();
        try (Tensor logvar = vae.backend().zeros(vae.maxBatch(), l)) {
            float[] means = Chunked.map(vae.backend(), x, n, vae.config().rowWidth(), l, vae.maxBatch(),
                    (xb, mu) -> vae.encode(xb, mu, logvar.rowRange(0, xb.rows())));
            return decode(vae, OneHot.append(vae.config().classes(), means, n, l, classesOf(vae, x, n)), n);
        }
    }

    /**
     * For a 2-D latent space: the decoded grid of codes z = (u, v), u and v evenly spaced in
     * [-2.5, 2.5] (about the central 99% of the prior), {@code side} x {@code side} of them.
     */
    public static float[] manifold(VaeNetwork vae, int side) {
        if (vae.config().latent() != 2 || vae.config().conditional()) {
            throw new IllegalArgumentException("a latent manifold needs an unconditional VAE with a 2-D latent space, this one is a " + vae.config());
        }
        float[] z = new float[side * side * 2];
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                z[2 * (r * side + c)] = -2.5f + 5f * c / (side - 1);
                z[2 * (r * side + c) + 1] = 2.5f - 5f * r / (side - 1);
            }
        }
        return decode(vae, z, side * side);
    }
}
