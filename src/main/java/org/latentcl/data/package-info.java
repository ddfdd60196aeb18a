/**
 * Datasets, part of the public API: readers for IDX (the MNIST family, plain or gzipped), NumPy {@code .npy} and CSV
 * files, the dataset registry behind {@code --data SPEC} (including the embedded default
 * dataset), and train/test splits. Readers validate everything and fail with a
 * {@link org.latentcl.data.DataException} that names the file and the problem.
 *
 * <p>This package knows files and arrays, nothing about devices or models.
 */
package org.latentcl.data;
