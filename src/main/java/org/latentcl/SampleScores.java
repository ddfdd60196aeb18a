package org.latentcl;

import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.train.GanEvaluation;

/**
 * The scores of {@code eval} that need no classifier, for samples of any model (a GAN's, a VAE's or
 * another program's): the Parzen-window log-likelihood of the test data (Goodfellow et al. 2014, after
 * Breuleux et al. 2011) and the samples' classes by their nearest labelled training examples. For
 * images, {@link SampleQuality} measures on the features of a classifier, which says more.
 *
 * <pre>{@code
 * SampleScores.Parzen p = SampleScores.parzen(device, gan.generate(10_000, 1), data);
 * System.out.println(p.logLikelihood() + " +- " + p.standardError());
 * }</pre>
 */
public final class SampleScores {
    /** Training examples the Parzen width is chosen on. */
    static final int VALIDATION = 1000;
    /** Labelled training examples that give the samples their nearest-neighbour class. */
    static final int REFERENCE = 10_000;

    private SampleScores() {
    }

    /**
     * A Parzen-window estimate.
     *
     * @param logLikelihood the mean log-density of the test examples under the samples, in nats
     * @param standardError its standard error over the test examples
     * @param sigma         the Gaussian kernel's width, chosen from 0.1 to 1 on the first 1,000 training examples
     */
    public record Parzen(double logLikelihood, double standardError, double sigma) {
    }

    /**
     * The samples' classes by their nearest labelled training examples.
     *
     * @param histogram         samples per class
     * @param covered           classes that get at least a tenth of their share of the data
     * @param classes           the data's classes
     * @param klToData          KL(samples' classes || data's classes), in nats
     * @param referenceExamples the labelled training examples searched (the first 10,000)
     */
    public record NearestClasses(long[] histogram, int covered, int classes, double klToData, int referenceExamples) {
    }

    /**
     * The Parzen-window log-likelihood of the data's test split under a Gaussian kernel density on the samples.
     *
     * @param device  where the distances are computed
     * @param samples rows of the data's width
     * @param data    the data; its training split chooses the kernel's width, its test split is scored
     * @return the estimate
     * @throws IllegalArgumentException when a sample's width differs from the data's, or there are none
     */
    public static Parzen parzen(Device device, float[][] samples, DataSplit data) {
        Dataset train = data.train();
        float[] flat = flatten(samples, data);
        GanEvaluation.Parzen p = GanEvaluation.parzen(device.backend(), flat, samples.length, train.head(Math.min(VALIDATION, train.rows())),
                data.test());
        return new Parzen(p.logLikelihood(), p.standardError(), p.sigma());
    }

    /**
     * Labels each sample by its nearest labelled training example (Euclidean) and compares the classes' shares with the data's.
     *
     * @param device  where the distances are computed
     * @param samples rows of the data's width
     * @param data    labelled data
     * @return the class histogram, the classes covered and the KL to the data's classes
     * @throws IllegalArgumentException when the data have no labels or a sample's width differs from theirs
     */
    public static NearestClasses nearestClasses(Device device, float[][] samples, DataSplit data) {
        Dataset train = data.train();
        if (!train.hasLabels()) {
            throw new IllegalArgumentException(train.name() + " has no labels, so the samples' nearest classes cannot be counted");
        }
        float[] flat = flatten(samples, data);
        GanEvaluation.Coverage c = GanEvaluation.classCoverage(device.backend(), flat, samples.length, train.head(Math.min(REFERENCE, train.rows())));
        return new NearestClasses(c.histogram(), c.covered(), c.classes(), c.klToData(), c.referenceExamples());
    }

    private static float[] flatten(float[][] samples, DataSplit data) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("there are no samples to score");
        }
        return Rows.flatten(samples, data.test().cols(), "samples");
    }
}
