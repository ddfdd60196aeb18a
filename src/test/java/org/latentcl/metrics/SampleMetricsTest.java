package org.latentcl.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.Complex_F64;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.ParameterizedTest;

/** The metric formulas against direct computations that take another road to the same number. */
class SampleMetricsTest {
    private static float[] gaussian(Random rnd, int n, int d, double shift, double scale) {
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                // Correlated features: each mixes its neighbour in.
                double g = rnd.nextGaussian();
                x[i * d + j] = (float) (shift + scale * (g + (j > 0 ? 0.5 * x[i * d + j - 1] : 0)));
            }
        }
        return x;
    }

    /**
     * FID by another road: tr((S_a S_b)^1/2) from the eigenvalues of the non-symmetric product S_a S_b (a general
     * eigendecomposition; its eigenvalues are those of S_a^1/2 S_b S_a^1/2, real and non-negative up to rounding),
     * means and unbiased covariances written out again.
     */
    private static double fidByTheGeneralEigenRoute(float[] a, int na, float[] b, int nb, int d) {
        double[][] sa = cov(a, na, d);
        double[][] sb = cov(b, nb, d);
        double[] ma = meanOf(a, na, d);
        double[] mb = meanOf(b, nb, d);
        DMatrixRMaj product = new DMatrixRMaj(d, d);
        CommonOps_DDRM.mult(new DMatrixRMaj(sa), new DMatrixRMaj(sb), product);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, false, false);
        eig.decompose(product);
        double traceRoot = 0;
        for (int e = 0; e < d; e++) {
            Complex_F64 lambda = eig.getEigenvalue(e);
            assertEquals(0, lambda.getImaginary(), 1e-9, "the product's eigenvalues are real");
            traceRoot += Math.sqrt(Math.max(0, lambda.getReal()));
        }
        double want = 0;
        for (int j = 0; j < d; j++) {
            want += (ma[j] - mb[j]) * (ma[j] - mb[j]) + sa[j][j] + sb[j][j];
        }
        return want - 2 * traceRoot;
    }

    /**
     * FID against the trace of the square root of S_a S_b, computed the other way: with more rows than features, and with
     * fewer (singular covariances, whose square root's trace still matches the general eigen route).
     */
    @ParameterizedTest
    @CsvSource({"3, 7, 300, 200, 0.3, 1.4, 1e-9", "17, 12, 5, 8, 0.2, 1.3, 1e-6"})
    void fidMatchesTheTraceOfTheProductsSquareRoot(long seed, int d, int na, int nb, double shift, double scale, double tolerance) {
        Random rnd = new Random(seed);
        float[] a = gaussian(rnd, na, d, 0, 1);
        float[] b = gaussian(rnd, nb, d, shift, scale);
        double want = fidByTheGeneralEigenRoute(a, na, b, nb, d);
        double fid = SampleMetrics.fid(a, na, b, nb, d);
        org.junit.jupiter.api.Assertions.assertFalse(Double.isNaN(fid));
        assertEquals(want, fid, tolerance * Math.abs(want) + 1e-12);
    }

    /** One dimension: FID = (mu_a - mu_b)^2 + (sigma_a - sigma_b)^2; and a set against itself scores 0. */
    @Test
    void fidOfOneDimensionAndOfASetAgainstItself() {
        float[] a = {1, 2, 3, 4};
        float[] b = {10, 14, 18, 22};
        double sa = Math.sqrt(5.0 / 3);
        double sb = Math.sqrt(5.0 / 3) * 4;
        assertEquals((2.5 - 16) * (2.5 - 16) + (sa - sb) * (sa - sb), SampleMetrics.fid(a, 4, b, 4, 1), 1e-9);
        float[] x = gaussian(new Random(5), 100, 5, 0, 1);
        assertEquals(0, SampleMetrics.fid(x, 100, x, 100, 5), 1e-8);
    }

    /** KID on sets small enough that every subset is the whole set: the unbiased MMD^2 from the three kernel matrices. */
    @Test
    void kidIsTheUnbiasedMmdWithTheCubicKernel() {
        Random rnd = new Random(7);
        int d = 4;
        float[] a = gaussian(rnd, 30, d, 0, 1);
        float[] b = gaussian(rnd, 30, d, 0.5, 1);
        double[][] kxx = kernel(a, 30, a, 30, d);
        double[][] kyy = kernel(b, 30, b, 30, d);
        double[][] kxy = kernel(a, 30, b, 30, d);
        double want = (sum(kxx) - trace(kxx)) / (30 * 29) + (sum(kyy) - trace(kyy)) / (30 * 29) - 2 * sum(kxy) / (30 * 30);
        SampleMetrics.Estimate kid = SampleMetrics.kid(a, 30, b, 30, d, 1);
        assertEquals(want, kid.mean(), 1e-9 * Math.abs(want));
        assertTrue(Double.isNaN(kid.std()), "every subset would be the whole of both sets: no spread to estimate");
    }

    /** Confident predictions spread evenly over C classes score C; one class for every sample scores 1. */
    @Test
    void classifierScoreOfConfidentPredictions() {
        int classes = 4;
        float[] even = new float[40 * classes];
        float[] one = new float[40 * classes];
        for (int i = 0; i < 40; i++) {
            even[i * classes + i % classes] = 1;
            one[i * classes] = 1;
        }
        assertEquals(4, SampleMetrics.classifierScore(even, 40, classes, 10).mean(), 1e-9);
        assertEquals(1, SampleMetrics.classifierScore(one, 40, classes, 10).mean(), 1e-9);
    }

    /**
     * Soft predictions, where the conditional-entropy term matters: uniform rows score 1 (every row is the
     * marginal), rows split evenly over two disjoint pairs of classes score 2, and random soft rows score
     * exp(H(p(y)) - E H(p(y|x))), the same number by the entropies.
     */
    @Test
    void classifierScoreOfSoftPredictions() {
        int classes = 4;
        int n = 40;
        float[] uniform = new float[n * classes];
        java.util.Arrays.fill(uniform, 0.25f);
        assertEquals(1, SampleMetrics.classifierScore(uniform, n, classes, 1).mean(), 1e-9);
        float[] halves = new float[n * classes];
        for (int i = 0; i < n; i++) {
            int first = i % 2 == 0 ? 0 : 2;
            halves[i * classes + first] = 0.5f;
            halves[i * classes + first + 1] = 0.5f;
        }
        assertEquals(2, SampleMetrics.classifierScore(halves, n, classes, 1).mean(), 1e-9);
        Random rnd = new Random(11);
        float[] soft = new float[n * classes];
        double[] marginal = new double[classes];
        double meanEntropy = 0;
        for (int i = 0; i < n; i++) {
            double total = 0;
            double[] row = new double[classes];
            for (int c = 0; c < classes; c++) {
                row[c] = Math.exp(2 * rnd.nextGaussian());
                total += row[c];
            }
            for (int c = 0; c < classes; c++) {
                soft[i * classes + c] = (float) (row[c] / total);
                marginal[c] += soft[i * classes + c] / (double) n;
                meanEntropy -= soft[i * classes + c] * Math.log(soft[i * classes + c]) / n;
            }
        }
        double marginalEntropy = 0;
        for (double p : marginal) {
            marginalEntropy -= p * Math.log(p);
        }
        assertEquals(Math.exp(marginalEntropy - meanEntropy), SampleMetrics.classifierScore(soft, n, classes, 1).mean(), 1e-6);
    }

    /**
     * Sets larger than a KID subset. Constant sets give k(u, u) + k(v, v) - 2 k(u, v) on every subset. Mixed sets:
     * the subsets' unbiased MMD^2 averages to the whole sets' (a U-statistic over subsets drawn without replacement),
     * so the mean over the subsets lies within a few standard errors of the whole sets' value, and the subsets differ.
     */
    @Test
    void kidWithSubsetsSmallerThanTheSets() {
        int d = 3;
        int na = SampleMetrics.KID_SUBSET_SIZE + 500;
        int nb = SampleMetrics.KID_SUBSET_SIZE + 200;
        float[] u = {1, -0.5f, 2};
        float[] v = {0.5f, 1, -1};
        float[] a = new float[na * d];
        float[] b = new float[nb * d];
        for (int i = 0; i < na; i++) {
            System.arraycopy(u, 0, a, i * d, d);
        }
        for (int i = 0; i < nb; i++) {
            System.arraycopy(v, 0, b, i * d, d);
        }
        double[][] k = kernel(new float[] {1, -0.5f, 2, 0.5f, 1, -1}, 2, new float[] {1, -0.5f, 2, 0.5f, 1, -1}, 2, d);
        SampleMetrics.Estimate constant = SampleMetrics.kid(a, na, b, nb, d, 1);
        assertEquals(k[0][0] + k[1][1] - 2 * k[0][1], constant.mean(), 1e-9);
        assertEquals(0, constant.std(), 1e-9);
        // Mixed: a's last 500 rows come from another distribution, so which rows a subset takes matters.
        Random rnd = new Random(13);
        float[] mixedA = gaussian(rnd, na, d, 0, 1);
        float[] tail = gaussian(rnd, 500, d, 1.5, 0.5);
        System.arraycopy(tail, 0, mixedA, (na - 500) * d, 500 * d);
        float[] mixedB = gaussian(rnd, nb, d, 0.4, 1);
        double[][] kxx = kernel(mixedA, na, mixedA, na, d);
        double[][] kyy = kernel(mixedB, nb, mixedB, nb, d);
        double[][] kxy = kernel(mixedA, na, mixedB, nb, d);
        double whole = (sum(kxx) - trace(kxx)) / ((double) na * (na - 1)) + (sum(kyy) - trace(kyy)) / ((double) nb * (nb - 1))
                - 2 * sum(kxy) / ((double) na * nb);
        SampleMetrics.Estimate kid = SampleMetrics.kid(mixedA, na, mixedB, nb, d, 2);
        double standardError = kid.std() / Math.sqrt(SampleMetrics.KID_SUBSETS);
        org.junit.jupiter.api.Assertions.assertTrue(kid.std() > 0, "the subsets differ");
        org.junit.jupiter.api.Assertions.assertTrue(Math.abs(kid.mean() - whole) < 4 * standardError,
                "subset mean " + kid.mean() + " against the whole sets' " + whole + " (standard error " + standardError + ")");
    }

    /**
     * Precision and recall in one dimension by hand. Real points 0, 1, 2, 3, 10 (k = 1: radii 1, 1, 1,
     * 1, 7 squared 1, 1, 1, 1, 49); fake points 0.5, 20, 30 (radii 19.5, 10, 10).
     */
    @Test
    void precisionAndRecallByHand() {
        float[] real = {0, 1, 2, 3, 10};
        float[] fake = {0.5f, 20, 30};
        SampleMetrics.PrecisionRecall pr = SampleMetrics.precisionRecall(real, 5, fake, 3, 1, 1);
        // 0.5 lies within 1 of 0 and 1; 20 and 30 lie outside every real ball (10's reaches 3..17).
        assertEquals(1.0 / 3, pr.precision(), 1e-12);
        // The fake balls: 0.5 reaches 19.5 (covers 0, 1, 2, 3, 10): every real point.
        assertEquals(1.0, pr.recall(), 1e-12);
        assertArrayEquals(new double[] {1, 1, 1, 1, 49}, SampleMetrics.kthNeighbourDistances(real, 5, 1, 1), 1e-12);
    }

    /** A class is covered when it gets at least a tenth of its real share. */
    @Test
    void coverageCountsClassesWithATenthOfTheirShare() {
        int[] realLabels = {0, 0, 1, 1, 2, 2, 3, 3, 3, 3};
        int[] predicted = new int[100];
        for (int i = 0; i < 100; i++) {
            predicted[i] = i < 90 ? 0 : i < 95 ? 1 : i < 98 ? 2 : 3; // shares 0.9, 0.05, 0.03, 0.02
        }
        SampleMetrics.Coverage c = SampleMetrics.coverage(predicted, realLabels, 5);
        // Real shares 0.2, 0.2, 0.2, 0.4: class 2 gets 0.03 >= 0.02 (covered), class 3 gets 0.02 < 0.04 (not).
        assertEquals(3, c.covered());
        assertEquals(4, c.classes(), "class 4 never occurs among the real labels");
    }

    /**
     * The k-th neighbour's squared distance with k = 2, by hand, on 0, 1, 3, 6, 10 (rows met in an order where the
     * insertion must move earlier finds down): 9, 4, 9, 16, 49; and k rows are too few for a k-th neighbour.
     */
    @Test
    void secondNeighbourDistancesByHand() {
        float[] x = {10, 6, 3, 1, 0};
        assertArrayEquals(new double[] {49, 16, 9, 4, 9}, SampleMetrics.kthNeighbourDistances(x, 5, 1, 2), 0);
        assertArrayEquals(new double[] {49, 16, 9, 4, 9}, SampleMetrics.kthNeighbourDistances(new float[] {10, 6, 3, 1, 0, 99}, 5, 1, 2), 0,
                "only the first n rows count");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SampleMetrics.precisionRecall(new float[] {0, 1, 2}, 3, new float[] {0, 1, 2, 3}, 4, 1, 3));
        assertEquals("precision and recall with k = 3 need more than 3 rows, got 3", e.getMessage());
    }

    /** A generated point exactly on a real ball's edge is inside it (the ball is closed, as Kynkäänniemi et al. define it). */
    @Test
    void aPointOnTheBallsEdgeIsInside() {
        float[] real = {0, 1, 2};
        float[] fake = {3, 10, 11};
        SampleMetrics.PrecisionRecall pr = SampleMetrics.precisionRecall(real, 3, fake, 3, 1, 1);
        assertEquals(1.0 / 3, pr.precision(), 0, "3 lies at distance 1 from 2, whose ball has radius 1");
        // The fake balls: 3 reaches 7 (to 10), covering 0, 1 and 2.
        assertEquals(1.0, pr.recall(), 0);
    }

    /** Exactly a tenth of the real share still covers (0.05 of the predictions against a real share of 0.5). */
    @Test
    void aTenthOfTheShareExactlyCovers() {
        int[] realLabels = {0, 0, 0, 0, 1, 1, 1, 1};
        int[] predicted = new int[20];
        predicted[19] = 1;
        SampleMetrics.Coverage c = SampleMetrics.coverage(predicted, realLabels, 2);
        assertEquals(0.05, c.generatedShares()[1], 0);
        assertEquals(2, c.covered());
    }

    /** The smallest sets the measures take: FID of two rows each (unbiased variances 2 and 8: (sqrt 2 - sqrt 8)^2 = 2), KID of two rows each. */
    @Test
    void twoRowsAreEnough() {
        assertEquals(2, SampleMetrics.fid(new float[] {1, 3}, 2, new float[] {0, 4}, 2, 1), 1e-12);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> SampleMetrics.fid(new float[] {1}, 1, new float[] {0, 4}, 2, 1));
        float[] a = {1, 2};
        float[] b = {0, -1};
        double[][] kaa = kernel(a, 2, a, 2, 1);
        double[][] kbb = kernel(b, 2, b, 2, 1);
        double[][] kab = kernel(a, 2, b, 2, 1);
        double want = 2 * kaa[0][1] / 2 + 2 * kbb[0][1] / 2 - 2 * sum(kab) / 4;
        assertEquals(want, SampleMetrics.kid(a, 2, b, 2, 1, 1).mean(), 1e-12);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> SampleMetrics.kid(a, 1, b, 2, 1, 1));
    }

    /**
     * The score's spread over splits is their population standard deviation: two confident predictions of two classes
     * score 2, two uniform ones 1; mean 1.5, standard deviation 0.5.
     */
    @Test
    void classifierScoreSpreadOverSplits() {
        float[] probs = {1, 0, 0, 1, 0.5f, 0.5f, 0.5f, 0.5f};
        SampleMetrics.Estimate score = SampleMetrics.classifierScore(probs, 4, 2, 2);
        assertEquals(1.5, score.mean(), 1e-12);
        assertEquals(0.5, score.std(), 1e-12);
    }

    private static double[] meanOf(float[] x, int n, int d) {
        double[] m = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                m[j] += x[i * d + j] / (double) n;
            }
        }
        return m;
    }

    private static double[][] cov(float[] x, int n, int d) {
        double[] m = meanOf(x, n, d);
        double[][] s = new double[d][d];
        for (int p = 0; p < d; p++) {
            for (int q = 0; q < d; q++) {
                for (int i = 0; i < n; i++) {
                    s[p][q] += (x[i * d + p] - m[p]) * (x[i * d + q] - m[q]) / (n - 1);
                }
            }
        }
        return s;
    }

    private static double[][] kernel(float[] x, int nx, float[] y, int ny, int d) {
        double[][] k = new double[nx][ny];
        for (int i = 0; i < nx; i++) {
            for (int j = 0; j < ny; j++) {
                double dot = 0;
                for (int t = 0; t < d; t++) {
                    dot += (double) x[i * d + t] * y[j * d + t];
                }
                k[i][j] = Math.pow(dot / d + 1, 3);
            }
        }
        return k;
    }

    private static double sum(double[][] m) {
        double s = 0;
        for (double[] row : m) {
            for (double v : row) {
                s += v;
            }
        }
        return s;
    }

    private static double trace(double[][] m) {
        double s = 0;
        for (int i = 0; i < m.length; i++) {
            s += m[i][i];
        }
        return s;
    }
}
