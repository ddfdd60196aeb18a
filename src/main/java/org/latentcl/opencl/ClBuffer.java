package org.latentcl.opencl;

import static org.jocl.CL.clReleaseMemObject;

import org.jocl.cl_mem;

/** A device buffer of {@code bytes} bytes, owned by one {@link ClContext}. */
public final class ClBuffer implements AutoCloseable {
    private final ClContext owner;
    private final long bytes;
    private cl_mem mem;

    ClBuffer(ClContext owner, cl_mem mem, long bytes) {
        this.owner = owner;
        this.mem = mem;
        this.bytes = bytes;
    }

    public long bytes() {
        return bytes;
    }

    /** The native handle; throws once the buffer is closed. */
    public cl_mem mem() {
        if (mem == null) {
            throw new IllegalStateException("device buffer of " + bytes + " bytes is already released");
        }
        return mem;
    }

    public boolean isOpen() {
        return mem != null;
    }

    ClContext owner() {
        return owner;
    }

    @Override
    public void close() {
        if (mem != null) {
            ClCheck.check(clReleaseMemObject(mem), "clReleaseMemObject");
            mem = null;
            owner.released(this);
        }
    }
}
