package org.latentcl.data;

/**
 * How a VAE's decoder models a dataset's values: the likelihood p(x|z). It lives beside the data
 * because the data decide it: values in [0, 1] (pixel intensities) suit {@link #BERNOULLI}, any
 * real values need {@link #GAUSSIAN} ({@code Dataset.inUnitInterval()} tells which a dataset allows).
 */
public enum Decoder {
    /** Bernoulli: the decoder outputs logits, the loss is binary cross-entropy; data in [0, 1]. */
    BERNOULLI,
    /** Gaussian with a fixed standard deviation: the decoder outputs means. */
    GAUSSIAN
}
