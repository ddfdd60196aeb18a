/**
 * The OpenCL layer: platform and device discovery, one context and in-order queue per device,
 * kernel programs built from {@code kernels/*.cl} (with a binary cache on disk), device buffers
 * and the single launch path every kernel goes through.
 *
 * <p>This package knows OpenCL and nothing about tensors, models or training. It is internal, not part of the
 * API: programs use the public API in {@code org.latentcl} instead.
 */
package org.latentcl.opencl;
