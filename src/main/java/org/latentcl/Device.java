package org.latentcl;

import java.util.ArrayList;
import java.util.List;
import org.latentcl.backend.Backend;

/**
 * An opened compute device: an OpenCL device or the pure-Java backend. Models live on one device
 * and hold its memory; closing the device closes the models still open on it. Get one from
 * {@link Devices}. Not thread-safe: use a device from one thread at a time.
 */
public final class Device implements AutoCloseable {
    private final Backend backend;
    private final String id;
    private final List<AutoCloseable> models = new ArrayList<>();
    private boolean closed;

    Device(Backend backend, String id) {
        this.backend = backend;
        this.id = id;
    }

    /**
     * The selector that opens this device again: {@code java} or {@code cl:N}.
     *
     * @return the device's id
     */
    public String id() {
        return id;
    }

    /**
     * A readable name: the OpenCL device's name, or the Java backend and its threads.
     *
     * @return the backend's name
     */
    public String name() {
        return backend.name();
    }

    /**
     * Whether this is an OpenCL device rather than the Java backend.
     *
     * @return true for OpenCL
     */
    public boolean isOpenCl() {
        return !id.equals("java");
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /** Closes the models still open on this device, then releases the device. Closing twice does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        for (AutoCloseable m : new ArrayList<>(models)) {
            try {
                m.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing a model on " + id + " failed: " + e.getMessage(), e);
            }
        }
        closed = true;
        backend.close();
    }

    @Override
    public String toString() {
        return id + " (" + name() + ")";
    }

    /** The backend, for the models; an {@link IllegalStateException} once closed. */
    Backend backend() {
        if (closed) {
            throw new IllegalStateException("device " + id + " is closed");
        }
        return backend;
    }

    void register(AutoCloseable model) {
        models.add(model);
    }

    void unregister(AutoCloseable model) {
        models.remove(model);
    }
}
