package org.latentcl.metrics;

import org.latentcl.data.Dataset;
import org.latentcl.model.ClassifierNetwork;

/**
 * Every sample metric for one set of samples against the real test data, and the same metrics for
 * one half of the test data against the other (the floor: what real data score against real data).
 * Precision and recall, whose cost grows with the square of the rows, use at most
 * {@link #NEIGHBOUR_ROWS} rows of each set.
 *
 * @param fid             Fréchet distance of the classifier's features
 * @param kid             kernel inception distance (mean and std over subsets)
 * @param classifierScore the Inception Score's analogue (mean and std over 10 splits)
 * @param precisionRecall improved precision and recall, k = 3
 * @param coverage        the classes the samples cover
 */
public record QualityReport(double fid, SampleMetrics.Estimate kid, SampleMetrics.Estimate classifierScore,
                            SampleMetrics.PrecisionRecall precisionRecall, SampleMetrics.Coverage coverage) {
    /** Nearest neighbours of the precision-recall metric. */
    public static final int K = 3;
    /** The most rows of each set that precision and recall use. */
    public static final int NEIGHBOUR_ROWS = 5000;

    /** The metrics of samples (n rows in the data's range [0, 1]) against the test data's real rows. */
    public static QualityReport of(ClassifierNetwork classifier, float[] samples, int n, Dataset test, long seed) {
        FeatureClassifiers.Extracted fake = FeatureClassifiers.extract(classifier, samples, n);
        FeatureClassifiers.Extracted real = FeatureClassifiers.extract(classifier, test.values(), test.rows());
        return of(fake, n, real, test.rows(), test.labels(), classifier.classes(), seed);
    }

    /** The floor: one half of the test rows (the even ones) measured against the other (the odd ones). */
    public static QualityReport floor(ClassifierNetwork classifier, Dataset test, long seed) {
        int d = test.cols();
        int half = test.rows() / 2;
        float[] even = new float[half * d];
        float[] odd = new float[half * d];
        int[] oddLabels = new int[half];
        for (int i = 0; i < half; i++) {
            System.arraycopy(test.values(), 2 * i * d, even, i * d, d);
            System.arraycopy(test.values(), (2 * i + 1) * d, odd, i * d, d);
            oddLabels[i] = test.labels()[2 * i + 1];
        }
        FeatureClassifiers.Extracted a = FeatureClassifiers.extract(classifier, even, half);
        FeatureClassifiers.Extracted b = FeatureClassifiers.extract(classifier, odd, half);
        return of(a, half, b, half, oddLabels, classifier.classes(), seed);
    }

    private static QualityReport of(FeatureClassifiers.Extracted fake, int nf, FeatureClassifiers.Extracted real, int nr, int[] realLabels,
                                    int classes, long seed) {
        int d = ClassifierNetwork.FEATURES;
        double fid = SampleMetrics.fid(fake.features(), nf, real.features(), nr, d);
        SampleMetrics.Estimate kid = SampleMetrics.kid(fake.features(), nf, real.features(), nr, d, seed);
        SampleMetrics.Estimate score = SampleMetrics.classifierScore(fake.probabilities(), nf, classes, 10);
        int pf = Math.min(nf, NEIGHBOUR_ROWS);
        int pr = Math.min(nr, NEIGHBOUR_ROWS);
        SampleMetrics.PrecisionRecall precisionRecall = SampleMetrics.precisionRecall(real.features(), pr, fake.features(), pf, d, K);
        SampleMetrics.Coverage coverage = SampleMetrics.coverage(fake.predicted(), realLabels, classes);
        return new QualityReport(fid, kid, score, precisionRecall, coverage);
    }
}
