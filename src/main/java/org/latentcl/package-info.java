/**
 * LatentCL's public API: train variational autoencoders and GANs on any OpenCL device, or on the
 * pure-Java backend, from Java code.
 *
 * <ul>
 *   <li>{@link org.latentcl.Devices} finds and opens a {@link org.latentcl.Device};</li>
 *   <li>{@link org.latentcl.Vae#builder()} and {@link org.latentcl.Gan#builder()} build models on it;</li>
 *   <li>{@link org.latentcl.data.Datasets} loads data, or wraps arrays you already have;</li>
 *   <li>a {@link org.latentcl.Trainer} trains a model in place and reports to
 *       {@link org.latentcl.TrainingListener}s;</li>
 *   <li>{@link org.latentcl.Checkpoints} saves and loads models, {@link org.latentcl.ImageGrid}
 *       draws batches of images.</li>
 * </ul>
 *
 * <p>The API is this package and {@code org.latentcl.data}. The other packages
 * ({@code backend}, {@code opencl}, {@code nn}, {@code model}, {@code train}, {@code cli}) are
 * internal: public for the command line and the tests, but not part of the API and free to
 * change. docs/API.md is the guide.
 */
package org.latentcl;
