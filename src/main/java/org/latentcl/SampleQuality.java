package org.latentcl;

import java.util.function.Consumer;
import org.latentcl.data.DataSplit;
import org.latentcl.metrics.ClassFidelity;
import org.latentcl.metrics.FeatureClassifiers;
import org.latentcl.metrics.QualityReport;

/**
 * The sample metrics of {@code eval} (docs/METRICS.md) for any samples: FID, KID, the classifier
 * score, improved precision and recall, and class coverage, on the features of LatentCL's classifier
 * for the data (trained on first use and cached), with the same metrics for two halves of the real
 * test data as the floor.
 *
 * <pre>{@code
 * SampleQuality.Measured m = SampleQuality.measure(device, gan.generate(10_000, 1), data);
 * System.out.println("FID " + m.samples().fid() + ", real data " + m.floor().fid());
 * }</pre>
 *
 * @param fid                 Fréchet distance of the features
 * @param kid                 kernel inception distance (mean over subsets)
 * @param kidStd              its standard deviation over the subsets (NaN when both sets fit one subset: nothing to estimate)
 * @param classifierScore     exp(E KL(p(y|x) || p(y))), the Inception Score's analogue (mean over 10 splits)
 * @param classifierScoreStd  its standard deviation over the splits
 * @param precision           share of the samples inside the real data's 3-NN balls
 * @param recall              share of the real data inside the samples' 3-NN balls
 * @param classesCovered      classes that get at least a tenth of their real share of the predictions
 */
public record SampleQuality(double fid, double kid, double kidStd, double classifierScore, double classifierScoreStd, double precision,
                            double recall, int classesCovered) {
    /** The nearest neighbours of precision and recall (Kynkäänniemi et al. 2019): {@link #measure} needs more samples than this. */
    public static final int NEIGHBOURS = QualityReport.K;

    /**
     * Samples and floor together.
     *
     * @param samples            the samples' metrics against the test split
     * @param floor              one half of the test split against the other
     * @param classifierAccuracy the classifier's accuracy on the test split
     */
    public record Measured(SampleQuality samples, SampleQuality floor, double classifierAccuracy) {
    }

    /**
     * Measures samples against the test split of labelled image data.
     *
     * @param device  where the classifier runs (and trains, the first time)
     * @param samples rows of the data's size, values in [0, 1]
     * @param data    labelled images; the classifier trains on the training split
     * @return the samples' metrics, the floor and the classifier's accuracy
     * @throws org.latentcl.data.DataException when the data have no labels or no image shape
     */
    public static Measured measure(Device device, float[][] samples, DataSplit data) {
        return measure(device, samples, data, line -> { });
    }

    /**
     * As {@link #measure(Device, float[][], DataSplit)}, with the classifier's training log.
     *
     * @param device  where the classifier runs
     * @param samples rows of the data's size, values in [0, 1]
     * @param data    labelled images
     * @param log     receives the classifier's progress lines
     * @return the samples' metrics, the floor and the classifier's accuracy
     */
    public static Measured measure(Device device, float[][] samples, DataSplit data, Consumer<String> log) {
        return measure(device, samples, data, 1, log);
    }

    /**
     * As {@link #measure(Device, float[][], DataSplit, Consumer)} with the seed of the metrics' own draws (KID's subsets,
     * the floor's halves, the classifier score's splits): {@code eval --seed}.
     *
     * @param device  where the classifier runs
     * @param samples rows of the data's size, values in [0, 1]
     * @param data    labelled images
     * @param seed    seeds the subsets and splits
     * @param log     receives the classifier's progress lines
     * @return the samples' metrics, the floor and the classifier's accuracy
     * @throws IllegalArgumentException with {@link #NEIGHBOURS} samples or fewer
     */
    public static Measured measure(Device device, float[][] samples, DataSplit data, long seed, Consumer<String> log) {
        if (samples.length <= NEIGHBOURS) {
            throw new IllegalArgumentException("the sample metrics need more than " + NEIGHBOURS + " samples (precision and recall use "
                    + NEIGHBOURS + " nearest neighbours), got " + samples.length);
        }
        float[] flat = Rows.flatten(samples, data.test().cols(), "samples");
        try (FeatureClassifiers.Trained c = FeatureClassifiers.forData(device.backend(), data, log)) {
            QualityReport s = QualityReport.of(c.network(), flat, samples.length, data.test(), seed);
            QualityReport f = QualityReport.floor(c.network(), data.test(), seed);
            return new Measured(of(s), of(f), c.testAccuracy());
        }
    }

    /**
     * A conditional model's class fidelity: how often LatentCL's classifier for the data labels a sample as the class it
     * was drawn for, beside the classifier's accuracy on the real test data (docs/METRICS.md).
     *
     * @param accuracy     the share of all samples classified as the class they were drawn for
     * @param relative     accuracy / realAccuracy: 1 when the samples are as recognisable as the data
     * @param perClass     that share for each class (NaN for a class with no samples)
     * @param fidPerClass  each class's FID against the test data of that class (NaN with too few of either)
     * @param realAccuracy the classifier's accuracy on the real test data
     */
    public record Fidelity(double accuracy, double relative, double[] perClass, double[] fidPerClass, double realAccuracy) {
    }

    /**
     * Measures the class fidelity of samples drawn for given classes (a conditional model's).
     *
     * @param device  where the classifier runs (and trains, the first time)
     * @param samples rows of the data's size, values in [0, 1]
     * @param classes the class each sample was drawn for, one per sample
     * @param data    labelled images
     * @return the fidelity, per class, with the per-class FIDs
     * @throws IllegalArgumentException when the classes do not match the samples or lie outside the data's classes
     */
    public static Fidelity classFidelity(Device device, float[][] samples, int[] classes, DataSplit data) {
        float[] flat = Rows.flatten(samples, data.test().cols(), "samples");
        if (classes == null || classes.length != samples.length) {
            throw new IllegalArgumentException("class fidelity needs the class of each of the " + samples.length + " samples");
        }
        try (FeatureClassifiers.Trained c = FeatureClassifiers.forData(device.backend(), data, line -> { })) {
            for (int k : classes) {
                if (k < 0 || k >= c.network().classes()) {
                    throw new IllegalArgumentException("class " + k + " is outside the data's " + c.network().classes() + " classes");
                }
            }
            ClassFidelity f = ClassFidelity.of(c.network(), flat, classes, samples.length, data.test());
            return new Fidelity(f.accuracy(), f.relative(), f.perClass(), f.fidPerClass(), f.realAccuracy());
        }
    }

    /**
     * LatentCL's classifier for a dataset, as the metrics use it.
     *
     * @param testAccuracy its accuracy on the data's test split
     * @param file         where it is cached ({@code $LATENTCL_CACHE/classifiers}, else {@code ~/.cache/latentcl/classifiers})
     */
    public record Classifier(double testAccuracy, java.nio.file.Path file) {
    }

    /**
     * Trains the metrics' classifier for labelled images now, replacing any cached one, and caches it: what
     * {@link #measure} would otherwise do on first use ({@code train classifier}).
     *
     * @param device where it trains
     * @param data   labelled images
     * @param log    receives the training's progress lines
     * @return its test accuracy and cache file
     * @throws org.latentcl.data.DataException when the data have no labels or no image shape
     */
    public static Classifier trainClassifier(Device device, DataSplit data, Consumer<String> log) {
        try (FeatureClassifiers.Trained t = FeatureClassifiers.retrain(device.backend(), data, log)) {
            return new Classifier(t.testAccuracy(), t.file());
        }
    }

    private static SampleQuality of(QualityReport r) {
        return new SampleQuality(r.fid(), r.kid().mean(), r.kid().std(), r.classifierScore().mean(), r.classifierScore().std(),
                r.precisionRecall().precision(), r.precisionRecall().recall(), r.coverage().covered());
    }
}
