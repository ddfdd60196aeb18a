package org.latentcl.train;

import org.latentcl.backend.Philox;
import org.latentcl.backend.Tensor;
import org.latentcl.model.VaeNetwork;

/** Using a trained VAE on host arrays: decode codes, draw from the prior, reconstruct. Works in chunks of the VAE's batch. */
public final class VaeSampling {
    private VaeSampling() {
    }

    /** Decodes n latent codes (n x latent, row-major) into n x input values. */
    public static float[] decode(VaeNetwork vae, float[] z, int n) {
        return Chunked.map(vae.backend(), z, n, vae.config().latent(), vae.config().input(), vae.maxBatch(), vae::decode);
    }

    /** n draws from the prior N(0, I), decoded; the codes come from the Philox stream of {@code seed}. */
    public static float[] sample(VaeNetwork vae, int n, long seed) {
        float[] z = new float[n * vae.config().latent()];
        Philox.fillNormal(z, 0, z.length, seed, 0);
        return decode(vae, z, n);
    }

    /** The posterior of n examples: {mu, logvar}, each n x latent. */
    public static float[][] encode(VaeNetwork vae, float[] x, int n) {
        int l = vae.config().latent();
        int d = vae.config().input();
        try (Tensor scratch = vae.backend().zeros(vae.maxBatch(), l)) {
            float[] mu = Chunked.map(vae.backend(), x, n, d, l, vae.maxBatch(),
                    (xb, out) -> vae.encode(xb, out, scratch.rowRange(0, xb.rows())));
            float[] logvar = Chunked.map(vae.backend(), x, n, d, l, vae.maxBatch(),
                    (xb, out) -> vae.encode(xb, scratch.rowRange(0, xb.rows()), out));
            return new float[][] {mu, logvar};
        }
    }

    /** Reconstructions of n examples through the posterior means: decode(mu(x)). */
    public static float[] reconstruct(VaeNetwork vae, float[] x, int n) {
        int l = vae.config().latent();
        try (Tensor logvar = vae.backend().zeros(vae.maxBatch(), l)) {
            float[] means = Chunked.map(vae.backend(), x, n, vae.config().input(), l, vae.maxBatch(),
                    (xb, mu) -> vae.encode(xb, mu, logvar.rowRange(0, xb.rows())));
            return decode(vae, means, n);
        }
    }

    /**
     * For a 2-D latent space: the decoded grid of codes z = (u, v), u and v evenly spaced in
     * [-2.5, 2.5] (about the central 99% of the prior), {@code side} x {@code side} of them.
     */
    public static float[] manifold(VaeNetwork vae, int side) {
        if (vae.config().latent() != 2) {
            throw new IllegalArgumentException("a latent manifold needs a 2-D latent space, this VAE has " + vae.config().latent());
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
