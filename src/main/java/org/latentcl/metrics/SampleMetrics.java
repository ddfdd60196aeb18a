package org.latentcl.metrics;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The formulas of the sample metrics, on feature rows (n x d, row-major floats) and class
 * probabilities, in double precision. Plain loops that read as the math; the tests check them
 * against a direct computation.
 */
public final class SampleMetrics {
    /** Subsets and their largest size for KID (Binkowski et al. 2018 use 100 subsets of 1,000). */
    static final int KID_SUBSETS = 10;
    static final int KID_SUBSET_SIZE = 1000;

    private SampleMetrics() {
    }

    /**
     * The Fréchet distance between Gaussians fitted to two sets of features (Heusel et al. 2017):
     * |mu_a - mu_b|^2 + tr(S_a + S_b - 2 (S_a^1/2 S_b S_a^1/2)^1/2), the covariances unbiased (as
     * numpy.cov in pytorch-fid), the square roots from symmetric eigendecompositions (EJML).
     */
    public static double fid(float[] a, int na, float[] b, int nb, int d) {
        double[] muA = mean(a, na, d);
        double[] muB = mean(b, nb, d);
        DMatrixRMaj sA = covariance(a, na, d, muA);
        DMatrixRMaj sB = covariance(b, nb, d, muB);
        double diff = 0;
        for (int j = 0; j < d; j++) {
            diff += (muA[j] - muB[j]) * (muA[j] - muB[j]);
        }
        DMatrixRMaj rootA = symmetricPower(sA, 0.5);
        DMatrixRMaj tmp = new DMatrixRMaj(d, d);
        DMatrixRMaj m = new DMatrixRMaj(d, d);
        CommonOps_DDRM.mult(rootA, sB, tmp);
        CommonOps_DDRM.mult(tmp, rootA, m);
        symmetrize(m);
        double traceRoot = 0;
        for (double lambda : eigenvalues(m)) {
            traceRoot += Math.sqrt(Math.max(lambda, 0));
        }
        return diff + CommonOps_DDRM.trace(sA) + CommonOps_DDRM.trace(sB) - 2 * traceRoot;
    }

    /** Mean and standard deviation over subsets. */
    public record Estimate(double mean, double std) {
    }

    /**
     * The kernel inception distance (Binkowski et al. 2018): the unbiased MMD^2 with the cubic
     * polynomial kernel k(x, y) = (x.y / d + 1)^3, averaged over {@link #KID_SUBSETS} random subsets
     * of up to {@link #KID_SUBSET_SIZE} rows of each set (seeded). When both sets fit one subset, every subset would be
     * the whole of both: the MMD^2 is computed once and its standard deviation is NaN, there being nothing to estimate.
     */
    public static Estimate kid(float[] a, int na, float[] b, int nb, int d, long seed) {
        int m = Math.min(KID_SUBSET_SIZE, Math.min(na, nb));
        if (m < 2) {
            throw new IllegalArgumentException("KID needs at least 2 rows in each set, got " + na + " and " + nb);
        }
        boolean whole = m == na && m == nb;
        Random rnd = new Random(seed);
        double[] values = new double[whole ? 1 : KID_SUBSETS];
        for (int s = 0; s < values.length; s++) {
            int[] ia = subset(rnd, na, m);
            int[] ib = subset(rnd, nb, m);
            double kxx = 0;
            double kyy = 0;
            double kxy = 0;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    if (i != j) {
                        kxx += cubic(a, ia[i], a, ia[j], d);
                        kyy += cubic(b, ib[i], b, ib[j], d);
                    }
                    kxy += cubic(a, ia[i], b, ib[j], d);
                }
            }
            values[s] = kxx / ((double) m * (m - 1)) + kyy / ((double) m * (m - 1)) - 2 * kxy / ((double) m * m);
        }
        return whole ? new Estimate(values[0], Double.NaN) : meanAndStd(values);
    }

    /**
     * The classifier score, the Inception Score's analogue (Salimans et al. 2016): exp(E_x KL(p(y|x) || p(y))),
     * p(y) the mean of p(y|x) over the samples; the mean and standard deviation over {@code splits}
     * equal splits, as the Inception Score is reported.
     */
    public static Estimate classifierScore(float[] probs, int n, int classes, int splits) {
        int parts = Math.max(1, Math.min(splits, n));
        double[] scores = new double[parts];
        for (int s = 0; s < parts; s++) {
            int from = (int) ((long) n * s / parts);
            int to = (int) ((long) n * (s + 1) / parts);
            double[] marginal = new double[classes];
            for (int i = from; i < to; i++) {
                for (int c = 0; c < classes; c++) {
                    marginal[c] += probs[i * classes + c] / (double) (to - from);
                }
            }
            double kl = 0;
            for (int i = from; i < to; i++) {
                for (int c = 0; c < classes; c++) {
                    double p = probs[i * classes + c];
                    if (p > 0) {
                        kl += p * (Math.log(p) - Math.log(marginal[c]));
                    }
                }
            }
            scores[s] = Math.exp(kl / (to - from));
        }
        return meanAndStd(scores);
    }

    /** Improved precision and recall. */
    public record PrecisionRecall(double precision, double recall) {
    }

    /**
     * Improved precision and recall (Kynkäänniemi et al. 2019): each set's manifold is the union of
     * balls around its rows reaching their k-th nearest neighbour in the same set; precision is the
     * share of generated rows inside the real manifold, recall the share of real rows inside the
     * generated one.
     */
    public static PrecisionRecall precisionRecall(float[] real, int nr, float[] fake, int nf, int d, int k) {
        double[] realRadii = kthNeighbourDistances(real, nr, d, k);
        double[] fakeRadii = kthNeighbourDistances(fake, nf, d, k);
        return new PrecisionRecall(shareInside(fake, nf, real, nr, realRadii, d), shareInside(real, nr, fake, nf, fakeRadii, d));
    }

    /** For each row, its squared distance to its k-th nearest other row. */
    static double[] kthNeighbourDistances(float[] x, int n, int d, int k) {
        if (n <= k) {
            throw new IllegalArgumentException("precision and recall with k = " + k + " need more than " + k + " rows, got " + n);
        }
        double[] radii = new double[n];
        double[] nearest = new double[k];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
            for (int j = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                double dist = squaredDistance(x, i, x, j, d);
                if (dist < nearest[k - 1]) {
                    // Insert into the sorted k smallest.
                    int at = k - 1;
                    while (at > 0 && nearest[at - 1] > dist) {
                        nearest[at] = nearest[at - 1];
                        at--;
                    }
                    nearest[at] = dist;
                }
            }
            radii[i] = nearest[k - 1];
        }
        return radii;
    }

    /** The share of the rows of q within radius (squared) of some row of p. */
    static double shareInside(float[] q, int nq, float[] p, int np, double[] radii, int d) {
        int inside = 0;
        for (int i = 0; i < nq; i++) {
            for (int j = 0; j < np; j++) {
                if (squaredDistance(q, i, p, j, d) <= radii[j]) {
                    inside++;
                    break;
                }
            }
        }
        return inside / (double) nq;
    }

    /** Class coverage. */
    public record Coverage(int covered, int classes, double[] generatedShares) {
    }

    /**
     * The classes the samples cover: those whose share of the classifier's predictions for the
     * samples is at least a tenth of their share among the real labels.
     */
    public static Coverage coverage(int[] predicted, int[] realLabels, int classes) {
        double[] gen = shares(predicted, classes);
        double[] real = shares(realLabels, classes);
        int covered = 0;
        int present = 0;
        for (int c = 0; c < classes; c++) {
            if (real[c] > 0) {
                present++;
                if (gen[c] >= 0.1 * real[c]) {
                    covered++;
                }
            }
        }
        return new Coverage(covered, present, gen);
    }

    private static double[] shares(int[] labels, int classes) {
        double[] s = new double[classes];
        for (int y : labels) {
            s[y] += 1.0 / labels.length;
        }
        return s;
    }

    static double[] mean(float[] x, int n, int d) {
        double[] mu = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mu[j] += x[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mu[j] /= n;
        }
        return mu;
    }

    /** The unbiased covariance (divided by n - 1). */
    static DMatrixRMaj covariance(float[] x, int n, int d, double[] mu) {
        if (n < 2) {
            throw new IllegalArgumentException("a covariance needs at least 2 rows, got " + n);
        }
        DMatrixRMaj s = new DMatrixRMaj(d, d);
        double[] c = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                c[j] = x[i * d + j] - mu[j];
            }
            for (int p = 0; p < d; p++) {
                double cp = c[p];
                for (int q = p; q < d; q++) {
                    s.data[p * d + q] += cp * c[q];
                }
            }
        }
        for (int p = 0; p < d; p++) {
            for (int q = p; q < d; q++) {
                double v = s.data[p * d + q] / (n - 1);
                s.data[p * d + q] = v;
                s.data[q * d + p] = v;
            }
        }
        return s;
    }

    /** S^power for a symmetric positive semi-definite S, through its eigendecomposition (negative round-off eigenvalues as 0). */
    static DMatrixRMaj symmetricPower(DMatrixRMaj s, double power) {
        int d = s.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
        if (!eig.decompose(s.copy())) {
            throw new ArithmeticException("the eigendecomposition of a " + d + "x" + d + " covariance failed");
        }
        DMatrixRMaj out = new DMatrixRMaj(d, d);
        for (int e = 0; e < d; e++) {
            double lambda = Math.pow(Math.max(eig.getEigenvalue(e).getReal(), 0), power);
            DMatrixRMaj v = eig.getEigenVector(e);
            for (int p = 0; p < d; p++) {
                for (int q = 0; q < d; q++) {
                    out.data[p * d + q] += lambda * v.data[p] * v.data[q];
                }
            }
        }
        return out;
    }

    private static double[] eigenvalues(DMatrixRMaj m) {
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m.numRows, false, true);
        if (!eig.decompose(m.copy())) {
            throw new ArithmeticException("the eigendecomposition of a " + m.numRows + "x" + m.numRows + " matrix failed");
        }
        double[] out = new double[m.numRows];
        for (int e = 0; e < out.length; e++) {
            out[e] = eig.getEigenvalue(e).getReal();
        }
        return out;
    }

    private static void symmetrize(DMatrixRMaj m) {
        int d = m.numRows;
        for (int p = 0; p < d; p++) {
            for (int q = p + 1; q < d; q++) {
                double v = 0.5 * (m.data[p * d + q] + m.data[q * d + p]);
                m.data[p * d + q] = v;
                m.data[q * d + p] = v;
            }
        }
    }

    private static double cubic(float[] x, int i, float[] y, int j, int d) {
        double dot = 0;
        for (int t = 0; t < d; t++) {
            dot += (double) x[i * d + t] * y[j * d + t];
        }
        double k = dot / d + 1;
        return k * k * k;
    }

    static double squaredDistance(float[] x, int i, float[] y, int j, int d) {
        double s = 0;
        for (int t = 0; t < d; t++) {
            double diff = (double) x[i * d + t] - y[j * d + t];
            s += diff * diff;
        }
        return s;
    }

    private static int[] subset(Random rnd, int n, int m) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        for (int i = 0; i < m; i++) {
            int j = i + rnd.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return java.util.Arrays.copyOf(perm, m);
    }

    private static Estimate meanAndStd(double[] v) {
        double mean = 0;
        for (double x : v) {
            mean += x / v.length;
        }
        double var = 0;
        for (double x : v) {
            var += (x - mean) * (x - mean) / v.length;
        }
        return new Estimate(mean, Math.sqrt(var));
    }
}
