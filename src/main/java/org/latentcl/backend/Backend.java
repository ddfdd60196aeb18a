package org.latentcl.backend;

/**
 * Where tensors live and operations run: memory, transfers, waiting, profiling, and the one
 * dispatch through which every operation reaches its implementation. The operations themselves
 * are modules of their own in {@code org.latentcl.backend.ops} (one per operation or kernel
 * family: shape checks, a plain Java reference, the typed kernel binding, an optional fast Java
 * path), so adding an operation does not touch this class.
 *
 * <p>Operations are asynchronous where the implementation allows (OpenCL queues them); only
 * {@link #read} and {@link #finish} wait. Exactly two implementations exist, so an operation
 * module can hold both of its paths: {@link JavaBackend} and {@link ClBackend}.
 */
public abstract sealed class Backend implements AutoCloseable permits JavaBackend, ClBackend {
    /** The profiler receiving this backend's timings, or null when profiling is off. */
    protected Profiler profiler;

    /** An operation's Java path. */
    @FunctionalInterface
    public interface OnJava {
        void run(JavaBackend be);
    }

    /** An operation's OpenCL path. */
    @FunctionalInterface
    public interface OnCl {
        void run(ClBackend be);
    }

    /**
     * Runs one operation on this backend: {@code java} on the Java backend (timed on the host when
     * profiling is on, under {@code name}, a name from the op registry), {@code cl} on an OpenCL
     * device (whose launches record their own events; the first of them that declares no work of
     * its own carries {@code flops} and {@code bytes}, so both backends' profiles count the same work).
     */
    public final void run(String name, double flops, double bytes, OnJava java, OnCl cl) {
        checkOpen();
        if (this instanceof ClBackend c) {
            c.runOp(flops, bytes, cl);
            return;
        }
        JavaBackend j = (JavaBackend) this;
        Profiler p = profiler;
        if (p == null) {
            j.execute(name, java);
            return;
        }
        long t0 = System.nanoTime();
        j.execute(name, java);
        p.add(new Profiler.Op(name, "op", t0, t0, t0, System.nanoTime(), flops, bytes, layer));
    }

    /** The layer the operations run now belong to, for the profile's per-layer table ("" outside any). */
    private String layer = "";

    /**
     * Names the layer whose operations follow (profiles group them by it); returns the previous
     * name, for the caller to restore.
     */
    public final String layer(String name) {
        String old = layer;
        layer = name;
        return old;
    }

    /** The layer the operations run now belong to. */
    public final String layer() {
        return layer;
    }

    /**
     * Starts recording every operation into {@code p} (null stops). The Java backend times each
     * operation on the host; the OpenCL backend records each kernel's profiling event, read back by
     * {@link #flushProfile}.
     */
    public void profile(Profiler p) {
        this.profiler = p;
    }

    /** The profiler recording now, or null. */
    public final Profiler profiler() {
        return profiler;
    }

    /** Whether a profiler is recording. */
    public final boolean profiling() {
        return profiler != null;
    }

    /** Waits for queued work and hands every pending timing to the profiler. */
    public void flushProfile() {
        finish();
    }

    /** A short name for logs and metrics, e.g. {@code java (2 threads)} or {@code cl:0 NVIDIA ...}. */
    public abstract String name();

    // ---------------------------------------------------------------- memory

    /** A new tensor with every element zero. */
    public final Tensor zeros(int rows, int cols) {
        checkOpen();
        Tensor t = new Tensor(this, allocateStorage((long) rows * cols), 0, rows, cols, true);
        clear(t);
        return t;
    }

    /**
     * {@code t} when it holds at least rows x cols values, else a new (zeroed) rows x cols tensor, {@code t} closed: a
     * buffer made for the size that comes and made larger only when a larger one does. Null {@code t} makes one.
     */
    public final Tensor atLeast(Tensor t, int rows, int cols) {
        if (t != null && t.size() >= (long) rows * cols) {
            return t;
        }
        if (t != null) {
            t.close();
        }
        return zeros(rows, cols);
    }

    /** A new tensor holding {@code data} (row-major, {@code rows * cols} values). */
    public final Tensor upload(float[] data, int rows, int cols) {
        if (data.length != rows * cols) {
            throw new IllegalArgumentException("upload: " + data.length + " values given for a " + rows + "x" + cols + " tensor");
        }
        checkOpen();
        Tensor t = new Tensor(this, allocateStorage((long) rows * cols), 0, rows, cols, true);
        write(t, data);
        return t;
    }

    /** Overwrites {@code dst} with {@code data}. */
    public final void write(Tensor dst, float[] data) {
        own(dst, "write");
        if (data.length != dst.size()) {
            throw new IllegalArgumentException("write: " + data.length + " values given for tensor " + dst.shape());
        }
        transfer("write", data.length, () -> doWrite(dst, data));
    }

    /** Copies a tensor to the host (waits for the work queued before it). */
    public final float[] read(Tensor src) {
        own(src, "read");
        float[] out = new float[src.size()];
        read(src, out);
        return out;
    }

    /** Copies a tensor into {@code out}, which has its size (waits for the work queued before it). */
    public final void read(Tensor src, float[] out) {
        own(src, "read");
        if (out.length != src.size()) {
            throw new IllegalArgumentException("read: " + out.length + " values asked of tensor " + src.shape());
        }
        transfer("read", out.length, () -> doRead(src, out));
    }

    /** Host timing of a Java-backend transfer (OpenCL transfers record their own events). */
    private void transfer(String name, int floats, Runnable r) {
        checkOpen();
        Profiler p = profiler;
        if (p == null || this instanceof ClBackend) {
            r.run();
            return;
        }
        long t0 = System.nanoTime();
        r.run();
        p.add(new Profiler.Op(name, "transfer", t0, t0, t0, System.nanoTime(), 0, 4.0 * floats));
    }

    /** Waits until all queued work is done. */
    public abstract void finish();

    /**
     * A point in this backend's queue of work: {@link Fence#await} returns once everything queued
     * before it has finished, {@link Fence#close} lets it go without waiting. The training loop keeps
     * the host a step or two ahead of the device with these, so that a stop request takes effect
     * after the current step rather than after all the steps the host had queued.
     */
    public abstract Fence fence();

    /** A point in a backend's queue (see {@link #fence}). */
    public interface Fence extends AutoCloseable {
        /** Waits until everything queued before this fence has finished, and releases it. */
        void await();

        /** Releases the fence without waiting. */
        @Override
        void close();
    }

    // ---------------------------------------------------------------- the layers' shared scratch

    private final java.util.Map<String, Tensor> shared = new java.util.HashMap<>();
    private int workspaceHolds;

    /** A hold on the scratch memory the layers on this backend share ({@link Workspace}); close it with the layer. */
    public final synchronized Workspace workspace() {
        workspaceHolds++;
        return new Workspace(this);
    }

    /** The shared buffer for {@code purpose}, at least rows x cols, as a rows x cols tensor. */
    final synchronized Tensor sharedScratch(String purpose, int rows, int cols) {
        Tensor buffer = atLeast(shared.get(purpose), rows, cols);
        shared.put(purpose, buffer);
        return buffer.view(0, rows, cols);
    }

    /** One hold fewer: the last one releases the shared buffers. */
    final synchronized void workspaceClosed() {
        if (--workspaceHolds == 0) {
            shared.values().forEach(Tensor::close);
            shared.clear();
        }
    }

    /** Device buffers currently allocated, or -1 where the backend has none (Java arrays). */
    public int liveBuffers() {
        return -1;
    }

    /**
     * The most bytes of device memory this backend's buffers held at once since it was opened (its
     * tensors, scratch and weights; PyTorch's {@code torch.cuda.max_memory_allocated}), or -1 where
     * there is no device (the Java backend's arrays live on the Java heap).
     */
    public long peakDeviceBytes() {
        return -1;
    }

    protected abstract Object allocateStorage(long elements);

    protected abstract void release(Object storage);

    /** Sets every element of a new tensor to zero. */
    protected abstract void clear(Tensor t);

    protected abstract void doWrite(Tensor dst, float[] data);

    protected abstract void doRead(Tensor src, float[] out);

    /**
     * Releases the device. Afterwards every operation, transfer and allocation throws an
     * {@link IllegalStateException} naming the device rather than reaching a released driver
     * object; tensors can still be closed. Closing twice does nothing.
     */
    @Override
    public final void close() {
        if (!closed) {
            try {
                shutdown();
            } finally {
                closed = true;
            }
        }
    }

    /** Whether {@link #close()} has been called. */
    public final boolean isClosed() {
        return closed;
    }

    /** Throws once the backend is closed: a device closed (or lost) in the middle of a run fails its next operation cleanly. */
    protected final void checkOpen() {
        if (closed) {
            throw new IllegalStateException(name() + " is closed");
        }
    }

    /** Releases what the backend holds; called once, by {@link #close()}. */
    protected abstract void shutdown();

    private volatile boolean closed;

    // ---------------------------------------------------------------- checks shared by the operations

    /** Throws unless {@code t} was made by this backend. */
    public final void own(Tensor t, String what) {
        if (t == null) {
            throw new IllegalArgumentException(what + ": tensor is null");
        }
        if (t.backend() != this) {
            throw new IllegalArgumentException(what + ": tensor belongs to backend " + t.backend().name()
                    + ", not to " + name());
        }
    }

    /** Throws unless every tensor is this backend's and all have the same number of elements. */
    public final void sameSize(String op, Tensor first, Tensor... others) {
        own(first, op);
        for (Tensor t : others) {
            own(t, op);
            if (t.size() != first.size()) {
                throw new IllegalArgumentException(op + ": tensors must have the same number of elements, got "
                        + first.shape() + " and " + t.shape());
            }
        }
    }

    /** Throws unless {@code out} is this backend's and {@code index} is one of its elements. */
    public final void checkOut(String op, Tensor out, int index) {
        own(out, op + " output");
        if (index < 0 || index >= out.size()) {
            throw new IllegalArgumentException(op + ": output index " + index + " is outside tensor " + out.shape());
        }
    }
}
