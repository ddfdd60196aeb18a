package org.latentcl;

import java.util.function.Consumer;
import org.latentcl.data.DataSplit;
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
 * @param kidStd              its standard deviation over the subsets
 * @param classifierScore     exp(E KL(p(y|x) || p(y))), the Inception Score's analogue (mean over 10 splits)
 * @param classifierScoreStd  its standard deviation over the splits
 * @param precision           share of the samples inside the real data's 3-NN balls
 * @param recall              share of the real data inside the samples' 3-NN balls
 * @param classesCovered      classes that get at least a tenth of their real share of the predictions
 */
public record SampleQuality(double fid, double kid, double kidStd, double classifierScore, double classifierScoreStd, double precision,
                            double recall, int classesCovered) {
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
        float[] flat = Rows.flatten(samples, data.test().cols(), "samples");
        try (FeatureClassifiers.Trained c = FeatureClassifiers.forData(device.backend(), data, log)) {
            QualityReport s = QualityReport.of(c.network(), flat, samples.length, data.test(), 1);
            QualityReport f = QualityReport.floor(c.network(), data.test(), 1);
            return new Measured(of(s), of(f), c.testAccuracy());
        }
    }

    private static SampleQuality of(QualityReport r) {
        return new SampleQuality(r.fid(), r.kid().mean(), r.kid().std(), r.classifierScore().mean(), r.classifierScore().std(),
                r.precisionRecall().precision(), r.precisionRecall().recall(), r.coverage().covered());
    }
}
