/**
 * The tensor operations that MLP VAE and GAN training need, behind one abstract class,
 * {@link org.latentcl.backend.Backend}, with two implementations: {@link org.latentcl.backend.JavaBackend}
 * (plain Java, multithreaded; also the reference every kernel is tested against) and
 * {@link org.latentcl.backend.ClBackend} (the OpenCL kernels in {@code kernels/}).
 *
 * <p>This package knows tensors and operations, not models: nothing here knows what a VAE is.
 *
 * <p>Internal: not part of the API (that is {@code org.latentcl} and {@code org.latentcl.data}).
 */
package org.latentcl.backend;
