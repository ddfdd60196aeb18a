package org.latentcl;

import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * What {@link Vae} and {@link Gan} share: an internal model on a device, built for batches of up
 * to some size and rebuilt larger (weights kept) when training asks for more, the closed state,
 * and the device the model may own.
 *
 * @param <M> the internal model
 */
abstract class OnDevice<M extends AutoCloseable> implements AutoCloseable {
    private final Device device;
    private final boolean ownsDevice;
    private final String what;
    private final IntFunction<M> build;
    private final ToIntFunction<M> maxBatch;
    private M inner;
    private boolean closed;

    /**
     * @param build    makes a fresh internal model for a maximum batch
     * @param maxBatch reads an internal model's maximum batch
     * @param init     sets the fresh parameters (initializes or loads them)
     */
    OnDevice(Device device, boolean ownsDevice, String what, IntFunction<M> build, ToIntFunction<M> maxBatch, int batch,
             Consumer<M> init) {
        this.device = device;
        this.ownsDevice = ownsDevice;
        this.what = what;
        this.build = build;
        this.maxBatch = maxBatch;
        this.inner = build.apply(batch);
        try {
            init.accept(inner);
        } catch (RuntimeException e) {
            closeQuietly(inner, e);
            throw e;
        }
        device.register(this);
    }

    /**
     * The device that holds the model.
     *
     * @return the device
     */
    public Device device() {
        return device;
    }

    /** Releases the model's device memory (and the device, if the model opened it). Closing twice does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        device.unregister(this);
        if (!device.isClosed()) {
            closeQuietly(inner, null);
        }
        if (ownsDevice) {
            device.close();
        }
    }

    /** The internal model; an {@link IllegalStateException} when it or its device is closed. */
    M live() {
        if (closed) {
            throw new IllegalStateException("this " + what + " is closed");
        }
        device.backend();
        return inner;
    }

    /** The internal model for batches of up to {@code batch} rows: rebuilt larger, its weights copied by {@code copy}, when it holds fewer. */
    M live(int batch, java.util.function.BiConsumer<M, M> copy) {
        M m = live();
        if (maxBatch.applyAsInt(m) < batch) {
            M bigger = build.apply(batch);
            copy.accept(m, bigger);
            closeQuietly(m, null);
            inner = bigger;
        }
        return inner;
    }

    private static void closeQuietly(AutoCloseable m, RuntimeException pending) {
        try {
            m.close();
        } catch (Exception e) {
            if (pending == null) {
                throw new IllegalStateException("releasing a model failed: " + e.getMessage(), e);
            }
            pending.addSuppressed(e);
        }
    }
}
