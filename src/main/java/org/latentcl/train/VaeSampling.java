package org.latentcl.train;

import org.latentcl.backend.Backend;
import org.latentcl.backend.Philox;
import org.latentcl.backend.Tensor;
import org.latentcl.model.Vae;

/** Using a trained VAE on host arrays: decode codes, draw from the prior, reconstruct. Works in chunks of the VAE's batch. */
public final class VaeSampling {
    private VaeSampling() {
    }

    /** Decodes n latent codes (n x latent, row-major) into n x input values. */
    public static float[] decode(Vae vae, float[] z, int n) {
        Backend be = vae.backend();
        int l = vae.config().latent();
        int d = vae.config().input();
        float[] out = new float[n * d];
        int chunk = vae.maxBatch();
        try (Tensor tz = be.zeros(chunk, l); Tensor tout = be.zeros(chunk, d)) {
            for (int start = 0; start < n; start += chunk) {
                int b = Math.min(chunk, n - start);
                Tensor zb = tz.rowRange(0, b);
                be.write(zb, java.util.Arrays.copyOfRange(z, start * l, (start + b) * l));
                Tensor ob = tout.rowRange(0, b);
                vae.decode(zb, ob);
                System.arraycopy(be.read(ob), 0, out, start * d, b * d);
            }
        }
        return out;
    }

    /** n draws from the prior N(0, I), decoded; the codes come from the Philox stream of {@code seed}. */
    public static float[] sample(Vae vae, int n, long seed) {
        float[] z = new float[n * vae.config().latent()];
        Philox.fillNormal(z, 0, z.length, seed, 0);
        return decode(vae, z, n);
    }

    /** Reconstructions of n examples through the posterior means: decode(mu(x)). */
    public static float[] reconstruct(Vae vae, float[] x, int n) {
        Backend be = vae.backend();
        int l = vae.config().latent();
        int d = vae.config().input();
        float[] means = new float[n * l];
        int chunk = vae.maxBatch();
        try (Tensor tx = be.zeros(chunk, d); Tensor mu = be.zeros(chunk, l); Tensor lv = be.zeros(chunk, l)) {
            for (int start = 0; start < n; start += chunk) {
                int b = Math.min(chunk, n - start);
                Tensor xb = tx.rowRange(0, b);
                be.write(xb, java.util.Arrays.copyOfRange(x, start * d, (start + b) * d));
                vae.encode(xb, mu.rowRange(0, b), lv.rowRange(0, b));
                System.arraycopy(be.read(mu.rowRange(0, b)), 0, means, start * l, b * l);
            }
        }
        return decode(vae, means, n);
    }

    /**
     * For a 2-D latent space: the decoded grid of codes z = (u, v), u and v evenly spaced in
     * [-2.5, 2.5] (about the central 99% of the prior), {@code side} x {@code side} of them.
     */
    public static float[] manifold(Vae vae, int side) {
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
