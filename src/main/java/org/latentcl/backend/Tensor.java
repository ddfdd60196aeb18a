package org.latentcl.backend;

/**
 * A row-major float matrix of {@code rows x cols} elements, stored contiguously at
 * {@code offset} inside a backend's storage (a Java array or a device buffer). A tensor made by
 * {@link #view} shares its parent's storage; only the tensor that allocated the storage frees it.
 */
public final class Tensor implements AutoCloseable {
    private final Backend backend;
    private final Object storage;
    private final long offset;
    private final int rows;
    private final int cols;
    private final boolean owner;
    private boolean closed;

    Tensor(Backend backend, Object storage, long offset, int rows, int cols, boolean owner) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("tensor shape must not be negative, got " + rows + "x" + cols);
        }
        this.backend = backend;
        this.storage = storage;
        this.offset = offset;
        this.rows = rows;
        this.cols = cols;
        this.owner = owner;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** rows * cols. */
    public int size() {
        return rows * cols;
    }

    /** Element offset of this tensor's first element inside its storage. */
    public long offset() {
        return offset;
    }

    public Backend backend() {
        return backend;
    }

    Object storage() {
        if (closed) {
            throw new IllegalStateException("tensor " + shape() + " is closed");
        }
        return storage;
    }

    /**
     * A {@code rows x cols} tensor that starts {@code elementOffset} elements into this one and
     * shares its storage.
     */
    /**
     * Element i (row-major) of a tensor on the Java backend: what the plain references of the
     * operations read, so that they can be written as the math.
     */
    public float get(int i) {
        return ((float[]) storage)[(int) offset + i];
    }

    /** Element (r, c) of a tensor on the Java backend. */
    public float get(int r, int c) {
        return ((float[]) storage)[(int) offset + r * cols + c];
    }

    /** Sets element i of a tensor on the Java backend. */
    public void set(int i, float v) {
        ((float[]) storage)[(int) offset + i] = v;
    }

    /** Sets element (r, c) of a tensor on the Java backend. */
    public void set(int r, int c, float v) {
        ((float[]) storage)[(int) offset + r * cols + c] = v;
    }

    public Tensor view(int elementOffset, int rows, int cols) {
        if (elementOffset < 0 || (long) elementOffset + (long) rows * cols > size()) {
            throw new IllegalArgumentException("view of " + rows + "x" + cols + " at " + elementOffset
                    + " does not fit inside tensor " + shape());
        }
        return new Tensor(backend, storage(), offset + elementOffset, rows, cols, false);
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) as a view. */
    public Tensor rowRange(int from, int to) {
        return view(from * cols, to - from, cols);
    }

    /** The same elements seen as {@code rows x cols} (which must hold as many elements). */
    public Tensor reshape(int rows, int cols) {
        if ((long) rows * cols != size()) {
            throw new IllegalArgumentException("cannot reshape " + shape() + " to " + rows + "x" + cols);
        }
        return view(0, rows, cols);
    }

    public String shape() {
        return rows + "x" + cols;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (owner) {
                backend.release(storage);
            }
        }
    }

    @Override
    public String toString() {
        return "Tensor[" + shape() + " on " + backend.name() + "]";
    }
}
