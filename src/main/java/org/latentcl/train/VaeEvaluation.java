package org.latentcl.train;

import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Elementwise;
import org.latentcl.backend.ops.GatherRows;
import org.latentcl.backend.ops.Reparameterize;
import org.latentcl.backend.ops.RowStatistics;
import org.latentcl.backend.ops.RowSums;
import org.latentcl.backend.ops.Sum;
import org.latentcl.model.VaeNetwork;
import org.latentcl.nn.RandomStream;

/**
 * Test-set measures of a VAE, computed on the backend and read once:
 * the -ELBO (one sampled z per example, closed-form KL) and the importance-weighted estimate of
 * -log p(x) with K samples (Burda et al. 2016, the IWAE bound; Kingma &amp; Welling's appendix D):
 * log p(x) ~ log (1/K) sum_k p(x|z_k) p(z_k) / q(z_k|x), z_k ~ q(z|x).
 */
public final class VaeEvaluation {
    private VaeEvaluation() {
    }

    /** Per-example (-ELBO, reconstruction, KL) on the rows of {@code data}, in batches of the VAE's size. */
    public static double[] elbo(VaeNetwork vae, Tensor data, RandomStream rng) {
        return elbo(vae, data, rng, vae.maxBatch());
    }

    /**
     * As {@link #elbo(VaeNetwork, Tensor, RandomStream)} in chunks of {@code chunk} rows (at most the VAE's maximum batch):
     * the float sums run chunk by chunk, so the chunk is part of the result's last bits.
     */
    public static double[] elbo(VaeNetwork vae, Tensor data, RandomStream rng, int chunk) {
        if (chunk < 1 || chunk > vae.maxBatch()) {
            throw new IllegalArgumentException("chunks of " + chunk + " rows do not fit a VAE built for batches of " + vae.maxBatch());
        }
        Backend be = vae.backend();
        try (Tensor losses = be.zeros(1, 2)) {
            for (int start = 0; start < data.rows(); start += chunk) {
                vae.evaluate(data.rowRange(start, Math.min(data.rows(), start + chunk)), rng, losses);
            }
            float[] l = be.read(losses);
            int n = data.rows();
            return new double[] {((double) l[VaeNetwork.RECON] + l[VaeNetwork.KL]) / n, (double) l[VaeNetwork.RECON] / n, (double) l[VaeNetwork.KL] / n};
        }
    }

    /**
     * The IWAE estimate of -log p(x) per example, in nats, with k importance samples. The VAE must
     * have been built with a maximum batch of at least k rows: each chunk of e = maxBatch / k
     * examples is expanded to e * k rows on the backend (rows i*k .. i*k+k-1 belong to example i).
     * Per row: log w = -(-log p(x|z)) - (z - m)^2/2 + eps^2/2 + logvar/2 (the log 2 pi terms cancel),
     * m the prior's mean: 0, or a conditional VAE's class mean m_y.
     */
    public static double iwae(VaeNetwork vae, Tensor data, int k, RandomStream rng) {
        return iwae(vae, data, k, rng, vae.maxBatch());
    }

    /** As {@link #iwae(VaeNetwork, Tensor, int, RandomStream)} with chunks of {@code rows / k} examples (rows at most the maximum batch). */
    public static double iwae(VaeNetwork vae, Tensor data, int k, RandomStream rng, int rowsPerChunk) {
        if (k < 1) {
            throw new IllegalArgumentException("IWAE needs at least one sample, got " + k);
        }
        if (rowsPerChunk < k || rowsPerChunk > vae.maxBatch()) {
            throw new IllegalArgumentException("IWAE with " + k + " samples in chunks of " + rowsPerChunk + " rows needs a VAE built for batches of "
                    + "at least " + Math.max(k, rowsPerChunk) + "; this one takes " + vae.maxBatch());
        }
        Backend be = vae.backend();
        int e = rowsPerChunk / k;
        int rows = e * k;
        int l = vae.config().latent();
        // Rows as the VAE reads them: a conditional VAE's end with the one-hot class, which the decoder reads too.
        int d = vae.config().rowWidth();
        float[] index = new float[rows];
        for (int r = 0; r < rows; r++) {
            index[r] = r / k;
        }
        try (Tensor idx = be.upload(index, 1, rows); Tensor mu = be.zeros(e, l); Tensor lv = be.zeros(e, l);
             Tensor muR = be.zeros(rows, l); Tensor lvR = be.zeros(rows, l); Tensor xR = be.zeros(rows, d);
             Tensor eps = be.zeros(rows, l); Tensor z = be.zeros(rows, l); Tensor sq = be.zeros(rows, l);
             Tensor terms = be.zeros(rows, vae.config().input()); Tensor logw = be.zeros(rows, 1); Tensor lme = be.zeros(e, 1);
             Tensor total = be.zeros(1, 1)) {
            for (int start = 0; start < data.rows(); start += e) {
                int n = Math.min(e, data.rows() - start);
                int nr = n * k;
                Tensor x = data.rowRange(start, start + n);
                vae.encode(x, mu.rowRange(0, n), lv.rowRange(0, n));
                GatherRows.gatherRows(be, mu, idx, 0, muR.rowRange(0, nr));
                GatherRows.gatherRows(be, lv, idx, 0, lvR.rowRange(0, nr));
                GatherRows.gatherRows(be, x, idx, 0, xR.rowRange(0, nr));
                Tensor epsN = eps.rowRange(0, nr);
                Tensor zN = z.rowRange(0, nr);
                Tensor sqN = sq.rowRange(0, nr);
                Tensor w = logw.rowRange(0, nr);
                long seed = rng.seed();
                long counter = rng.take((long) nr * l);
                Reparameterize.sampleReparameterized(be, muR.rowRange(0, nr), lvR.rowRange(0, nr), epsN, zN, seed, counter);
                vae.reconstructionTerms(zN, xR.rowRange(0, nr), terms.rowRange(0, nr));
                RowSums.rowSums(be, terms.rowRange(0, nr), -1f, 0f, w);
                // (z - m)^2, m the prior mean: the centred codes go through sq, then are squared in place.
                vae.centredCodes(zN, xR.rowRange(0, nr), sqN);
                Elementwise.mul(be, sqN, sqN, sqN);
                RowSums.rowSums(be, sqN, -0.5f, 1f, w);
                Elementwise.mul(be, epsN, epsN, sqN);
                RowSums.rowSums(be, sqN, 0.5f, 1f, w);
                RowSums.rowSums(be, lvR.rowRange(0, nr), 0.5f, 1f, w);
                RowStatistics.logMeanExpRows(be, w.reshape(n, k), lme.rowRange(0, n));
                Sum.sum(be, lme.rowRange(0, n), total, 0, true);
            }
            return -be.read(total)[0] / (double) data.rows();
        }
    }
}
