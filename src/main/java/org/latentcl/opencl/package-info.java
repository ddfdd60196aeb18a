/**
 * The OpenCL layer: platform and device discovery, one context and in-order queue per device,
 * kernel programs built from {@code kernels/*.cl} (with a binary cache on disk), device buffers
 * and the single launch path every kernel goes through.
 *
 * <p>This package knows OpenCL and nothing about tensors, models or training. It is internal:
 * programs use {@code org.latentcl.backend} and the public API instead.
 */
package org.latentcl.opencl;
