package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.TestBackends;
import org.latentcl.data.Dataset;

/** The Parzen window and class coverage against direct computations on small cases. */
class GanEvaluationTest {
    /** log((1/n) sum_j N(x; s_j, sigma^2 I)) in double, directly from the definition. */
    private static double direct(float[] x, int i, float[] s, int n, int d, double sigma) {
        double[] terms = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            double d2 = 0;
            for (int k = 0; k < d; k++) {
                double diff = x[i * d + k] - s[j * d + k];
                d2 += diff * diff;
            }
            terms[j] = -d2 / (2 * sigma * sigma) - 0.5 * d * Math.log(2 * Math.PI * sigma * sigma);
            max = Math.max(max, terms[j]);
        }
        double sum = 0;
        for (double t : terms) {
            sum += Math.exp(t - max);
        }
        return max + Math.log(sum / n);
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void parzenMatchesTheDefinition(String name) {
        Backend be = TestBackends.named(name);
        Random rnd = new Random(1);
        int d = 33;
        int n = 129;
        float[] s = TestBackends.uniform(rnd, n * d, 0, 1);
        float[] test = TestBackends.uniform(rnd, 7 * d, 0, 1);
        float[] val = TestBackends.uniform(rnd, 20 * d, 0, 1);
        GanEvaluation.Parzen p = GanEvaluation.parzen(be, s, n, Dataset.ofRows("val", val, 20, d), Dataset.ofRows("test", test, 7, d));
        double best = Double.NEGATIVE_INFINITY;
        double bestSigma = 0;
        for (double sigma : GanEvaluation.SIGMAS) {
            double mean = 0;
            for (int i = 0; i < 20; i++) {
                mean += direct(val, i, s, n, d, sigma) / 20;
            }
            if (mean > best) {
                best = mean;
                bestSigma = sigma;
            }
        }
        assertEquals(bestSigma, p.sigma(), 1e-12);
        double mean = 0;
        double[] ll = new double[7];
        for (int i = 0; i < 7; i++) {
            ll[i] = direct(test, i, s, n, d, bestSigma);
            mean += ll[i] / 7;
        }
        double var = 0;
        for (double v : ll) {
            var += (v - mean) * (v - mean) / 6;
        }
        // Float distances via |x|^2 + |s|^2 - 2 x.s lose a few ulp of |x|^2 ~ 11; over 2 sigma^2 that is ~1e-4 nats.
        assertEquals(mean, p.logLikelihood(), 2e-3 * Math.max(1, Math.abs(mean)));
        assertEquals(Math.sqrt(var / 7), p.standardError(), 1e-2 * Math.sqrt(var / 7) + 1e-4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void classCoverageLabelsEachSampleByItsNearestExample(String name) {
        Backend be = TestBackends.named(name);
        // Three classes at 0, 5 and 10 on a line (with a second, constant feature); samples near 0 and 10 only.
        float[] ref = {0, 1, 0.2f, 1, 5, 1, 5.1f, 1, 10, 1, 9.9f, 1};
        int[] labels = {0, 0, 1, 1, 2, 2};
        Dataset labelled = new Dataset("ref", ref, 6, 2, labels, 0, 0);
        float[] samples = {0.1f, 1, -3, 1, 9, 1, 11, 1, 12, 1, 0.05f, 1};
        GanEvaluation.Coverage c = GanEvaluation.classCoverage(be, samples, 6, labelled);
        assertArrayEquals(new long[] {3, 0, 3}, c.histogram());
        assertEquals(2, c.covered());
        assertEquals(3, c.classes());
        assertEquals(6, c.referenceExamples());
        assertEquals(Math.log(1.5), c.klToData(), 1e-9);
    }
}
