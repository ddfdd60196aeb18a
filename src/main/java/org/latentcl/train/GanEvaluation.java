package org.latentcl.train;

import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Elementwise;
import org.latentcl.backend.ops.Gemm;
import org.latentcl.backend.ops.RowStatistics;
import org.latentcl.backend.ops.RowSums;
import org.latentcl.data.Dataset;

/**
 * Scores for samples of a generative model, computed the same way whatever made them (a LatentCL
 * GAN or any other model's samples in a .npy file), so models can be compared fairly:
 * <ul>
 *   <li>the Parzen-window log-likelihood of the test set (Goodfellow et al. 2014, after Breuleux
 *       et al. 2011): a Gaussian kernel density on the samples, its width sigma chosen on a
 *       validation split from a grid, the mean test log-density and its standard error. The
 *       distances come from GEMMs on the backend, |x - s|^2 = |x|^2 + |s|^2 - 2 x.s;</li>
 *   <li>class coverage, for labelled data: each sample takes the label of its nearest training
 *       example; the class histogram, the classes covered (those receiving at least a tenth of
 *       their share under the data's class distribution), and KL(generated || data) of the class
 *       distributions.</li>
 * </ul>
 */
public final class GanEvaluation {
    /** The sigma grid: 10^(-1 + i/10), i = 0..10, i.e. 0.1 to 1 (MNIST-like data needs about 0.2). */
    static final double[] SIGMAS = sigmas();
    /** Rows of dot products computed at once: keeps the GEMM output near 16 MB. */
    private static final long CHUNK_FLOATS = 4_000_000;

    private GanEvaluation() {
    }

    private static double[] sigmas() {
        double[] s = new double[11];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.pow(10, -1 + i / 10.0);
        }
        return s;
    }

    /**
     * The Parzen result.
     *
     * @param logLikelihood mean log-density of the test examples, in nats
     * @param standardError its standard error over the test examples
     * @param sigma         the kernel width chosen on the validation split
     */
    public record Parzen(double logLikelihood, double standardError, double sigma) {
    }

    /** Parzen-window log-likelihood of {@code test} under the samples, with sigma cross-validated on {@code validation}. */
    public static Parzen parzen(Backend be, float[] samples, int n, Dataset validation, Dataset test) {
        int d = test.cols();
        try (Tensor s = be.upload(samples, n, d); Tensor ss = squaredNorms(be, s)) {
            double best = Double.NEGATIVE_INFINITY;
            double bestSigma = SIGMAS[0];
            for (double sigma : SIGMAS) {
                double[] ll = logDensities(be, s, ss, validation, sigma);
                double mean = mean(ll);
                if (mean > best) {
                    best = mean;
                    bestSigma = sigma;
                }
            }
            double[] ll = logDensities(be, s, ss, test, bestSigma);
            double mean = mean(ll);
            double var = 0;
            for (double v : ll) {
                var += (v - mean) * (v - mean);
            }
            var /= Math.max(1, ll.length - 1);
            return new Parzen(mean, Math.sqrt(var / ll.length), bestSigma);
        }
    }

    /** Per-example Parzen log-densities of the rows of x. */
    static double[] logDensities(Backend be, Tensor s, Tensor ss, Dataset x, double sigma) {
        int n = s.rows();
        int d = s.cols();
        int chunk = (int) Math.max(1, Math.min(x.rows(), CHUNK_FLOATS / n));
        double[] out = new double[x.rows()];
        try (Tensor xc = be.zeros(chunk, d); Tensor dots = be.zeros(chunk, n); Tensor xx = be.zeros(chunk, 1);
             Tensor sq = be.zeros(chunk, d); Tensor ll = be.zeros(chunk, 1)) {
            for (int start = 0; start < x.rows(); start += chunk) {
                int r = Math.min(chunk, x.rows() - start);
                Tensor xr = xc.rowRange(0, r);
                be.write(xr, java.util.Arrays.copyOfRange(x.values(), start * d, (start + r) * d));
                Gemm.gemm(be, false, true, 1f, xr, s, 0f, dots.rowRange(0, r), null, Activation.IDENTITY);
                Elementwise.mul(be, xr, xr, sq.rowRange(0, r));
                RowSums.rowSums(be, sq.rowRange(0, r), 1f, 0f, xx.rowRange(0, r));
                RowStatistics.parzenRows(be, dots.rowRange(0, r), xx.rowRange(0, r), ss, (float) sigma, d, ll.rowRange(0, r));
                float[] v = be.read(ll.rowRange(0, r));
                for (int i = 0; i < r; i++) {
                    out[start + i] = v[i];
                }
            }
        }
        return out;
    }

    private static Tensor squaredNorms(Backend be, Tensor s) {
        Tensor ss = be.zeros(s.rows(), 1);
        try (Tensor sq = be.zeros(s.rows(), s.cols())) {
            Elementwise.mul(be, s, s, sq);
            RowSums.rowSums(be, sq, 1f, 0f, ss);
        }
        return ss;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    /**
     * The samples' classes by their nearest labelled examples.
     *
     * @param histogram          samples per class
     * @param covered            classes with at least a tenth of their share of the data
     * @param classes            classes of the reference set
     * @param klToData           KL(generated || data) of the class distributions
     * @param referenceExamples  labelled examples searched
     */
    public record Coverage(long[] histogram, int covered, int classes, double klToData, int referenceExamples) {
    }

    /** Class coverage of the samples against the labelled reference set (nearest neighbour labels). */
    public static Coverage classCoverage(Backend be, float[] samples, int n, Dataset labelled) {
        int d = labelled.cols();
        int m = labelled.rows();
        int classes = 0;
        for (int l : labelled.labels()) {
            classes = Math.max(classes, l + 1);
        }
        long[] hist = new long[classes];
        double[] dataShare = new double[classes];
        for (int l : labelled.labels()) {
            dataShare[l] += 1.0 / m;
        }
        int chunk = (int) Math.max(1, Math.min(n, CHUNK_FLOATS / m));
        try (Tensor t = be.upload(labelled.values(), m, d); Tensor tt = squaredNorms(be, t); Tensor sc = be.zeros(chunk, d);
             Tensor dots = be.zeros(chunk, m); Tensor nearest = be.zeros(chunk, 1)) {
            for (int start = 0; start < n; start += chunk) {
                int r = Math.min(chunk, n - start);
                Tensor sr = sc.rowRange(0, r);
                be.write(sr, java.util.Arrays.copyOfRange(samples, start * d, (start + r) * d));
                Gemm.gemm(be, false, true, 1f, sr, t, 0f, dots.rowRange(0, r), null, Activation.IDENTITY);
                RowStatistics.rowArgmin(be, dots.rowRange(0, r), tt, nearest.rowRange(0, r));
                for (float idx : be.read(nearest.rowRange(0, r))) {
                    hist[labelled.labels()[(int) idx]]++;
                }
            }
        }
        int covered = 0;
        double kl = 0;
        for (int c = 0; c < classes; c++) {
            double p = hist[c] / (double) n;
            if (hist[c] >= 0.1 * dataShare[c] * n && dataShare[c] > 0) {
                covered++;
            }
            if (p > 0 && dataShare[c] > 0) {
                kl += p * Math.log(p / dataShare[c]);
            }
        }
        return new Coverage(hist, covered, classes, kl, m);
    }
}
