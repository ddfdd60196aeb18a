/**
 * Sample-quality metrics that papers report, computed on the penultimate features of LatentCL's
 * own classifier for the data ({@link org.latentcl.metrics.FeatureClassifiers}): FID, KID, the
 * classifier score (the Inception Score's analogue), improved precision and recall, and class
 * coverage ({@link org.latentcl.metrics.SampleMetrics}), with the same numbers for two halves of
 * the real test data as the floor ({@link org.latentcl.metrics.QualityReport}).
 */
package org.latentcl.metrics;
