package org.latentcl.metrics;

import org.latentcl.data.Dataset;
import org.latentcl.model.ClassifierNetwork;

/**
 * How well a class-conditional model draws the class it is asked for: LatentCL's classifier for
 * the data labels samples generated for each class, and the fraction it labels as asked is the
 * class fidelity (the "classification accuracy score" style of measure used for conditional GANs),
 * overall and per class, with the FID of each class's samples against that class's test data.
 * Read beside the classifier's accuracy on the real test data: a model cannot be told from the data
 * when its fidelity reaches that accuracy.
 *
 * @param accuracy      the fraction of all samples classified as the class they were drawn for
 * @param perClass      that fraction for each class (NaN for a class with no samples)
 * @param fidPerClass   each class's FID against the test data of that class (NaN with fewer than two of either)
 * @param realAccuracy  the classifier's accuracy on the real test data
 */
public record ClassFidelity(double accuracy, double[] perClass, double[] fidPerClass, double realAccuracy) {
    /**
     * The fidelity of n samples (rows of x, in [0, 1]), sample i drawn for class {@code asked[i]}.
     *
     * @param classifier LatentCL's classifier for the data
     * @param x          the samples, n rows of the test data's width
     * @param asked      the class each sample was drawn for
     * @param n          how many samples
     * @param test       the labelled test data
     * @return the fidelity, per class, and the per-class FIDs
     */
    public static ClassFidelity of(ClassifierNetwork classifier, float[] x, int[] asked, int n, Dataset test) {
        int classes = classifier.classes();
        FeatureClassifiers.Extracted samples = FeatureClassifiers.extract(classifier, x, n);
        FeatureClassifiers.Extracted real = FeatureClassifiers.extract(classifier, test.values(), test.rows());
        int[] hits = new int[classes];
        int[] counts = new int[classes];
        int total = 0;
        for (int i = 0; i < n; i++) {
            counts[asked[i]]++;
            if (samples.predicted()[i] == asked[i]) {
                hits[asked[i]]++;
                total++;
            }
        }
        int realHits = 0;
        for (int i = 0; i < test.rows(); i++) {
            if (real.predicted()[i] == test.labels()[i]) {
                realHits++;
            }
        }
        double[] perClass = new double[classes];
        double[] fid = new double[classes];
        int d = ClassifierNetwork.FEATURES;
        for (int k = 0; k < classes; k++) {
            perClass[k] = counts[k] == 0 ? Double.NaN : hits[k] / (double) counts[k];
            int cls = k;
            float[] a = rowsOf(samples.features(), d, i -> asked[i] == cls, n);
            float[] b = rowsOf(real.features(), d, i -> test.labels()[i] == cls, test.rows());
            fid[k] = a.length < 2 * d || b.length < 2 * d ? Double.NaN : SampleMetrics.fid(a, a.length / d, b, b.length / d, d);
        }
        return new ClassFidelity(total / (double) n, perClass, fid, realHits / (double) test.rows());
    }

    /** The rows (of d values) whose index passes {@code keep}, copied together. */
    private static float[] rowsOf(float[] all, int d, java.util.function.IntPredicate keep, int n) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (keep.test(i)) {
                count++;
            }
        }
        float[] out = new float[count * d];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (keep.test(i)) {
                System.arraycopy(all, i * d, out, j++ * d, d);
            }
        }
        return out;
    }

    /** The class fidelity as a fraction of the real data's accuracy: 1 when samples are classified as well as real data. */
    public double relative() {
        return accuracy / realAccuracy;
    }
}
