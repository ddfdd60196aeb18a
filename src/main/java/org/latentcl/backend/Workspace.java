package org.latentcl.backend;

/**
 * A layer's hold on the scratch memory that every layer on one backend shares: one buffer per purpose
 * (for example a convolution's columns), grown to the largest size any holder asked for, and released
 * when the last holder closes. Layers run one after another on a backend, so one buffer serves the
 * intermediate results of all of them (cuDNN's workspace, in the same spirit): a DCGAN at 64x64 holds one
 * column buffer instead of one per convolution. What a tensor from {@link #tensor} holds is valid until
 * the next request for the same purpose; a layer must not keep it from one call to the next.
 */
public final class Workspace implements AutoCloseable {
    private final Backend backend;
    private boolean closed;

    Workspace(Backend backend) {
        this.backend = backend;
    }

    /**
     * A rows x cols tensor over the shared buffer for {@code purpose}; a buffer too small is replaced by a
     * larger one (zeroed, as every new tensor is). Two purposes never share storage.
     */
    public Tensor tensor(String purpose, int rows, int cols) {
        if (closed) {
            throw new IllegalStateException("workspace used after it was closed");
        }
        return backend.sharedScratch(purpose, rows, cols);
    }

    /** Gives the hold back; the buffers are released with the last hold. Closing twice does nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            backend.workspaceClosed();
        }
    }
}
