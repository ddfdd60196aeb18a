package org.latentcl.opencl;

/** A kernel argument that asks for {@code bytes} bytes of work-group local memory. */
public record LocalMemory(long bytes) {
}
