package org.latentcl.backend;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;

/**
 * The pure-Java backend: runs anywhere, on {@code float[]} storage. Each operation module gives
 * it either a fast path (Vector API, chunks on a thread pool) or, where none pays, its plain
 * reference. A backend made by {@link #reference()} runs every operation's plain reference: the
 * one every OpenCL kernel and every fast path is tested against.
 */
public non-sealed class JavaBackend extends Backend {
    /** Elements per chunk of the parallel loops and sums: fixed, so a sum adds in the same order for any thread count. */
    public static final int CHUNK = 8192;

    private final int threads;
    private final ForkJoinPool pool;
    private final boolean vectors;
    private final boolean plain;
    /** State an operation keeps per backend (GEMM packing buffers), by the operation's key. */
    private final Map<Class<?>, Object> opState = new HashMap<>();

    /** A backend using every available core. */
    public JavaBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public JavaBackend(int threads) {
        this(threads, true);
    }

    /**
     * @param threads   worker threads for the parallel paths
     * @param vectorApi use the Vector API paths when the module is present; false forces plain loops
     */
    public JavaBackend(int threads, boolean vectorApi) {
        this(threads, vectorApi, false);
    }

    /**
     * Runs one operation's Java path. Every operation passes through here; tests override it to make
     * a backend fail or compute wrong on purpose.
     */
    protected void execute(String op, OnJava body) {
        body.run(this);
    }

    private JavaBackend(int threads, boolean vectorApi, boolean plain) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.pool = new ForkJoinPool(threads);
        this.vectors = vectorApi && !plain && VectorSupport.PRESENT;
        this.plain = plain;
    }

    /** The reference backend: every operation runs its plain Java reference, on one thread. */
    public static JavaBackend reference() {
        return new JavaBackend(1, false, true);
    }

    @Override
    public String name() {
        return plain ? "java reference" : "java (" + threads + (threads == 1 ? " thread)" : " threads)");
    }

    public int threads() {
        return threads;
    }

    public ForkJoinPool pool() {
        return pool;
    }

    /** Whether the fast paths may use the Vector API (present, and not switched off). */
    public boolean vectors() {
        return vectors;
    }

    /** Whether this is the reference backend: operations run their plain references. */
    public boolean plain() {
        return plain;
    }

    /** The float array behind a tensor of this backend (its elements start at {@code t.offset()}). */
    public static float[] array(Tensor t) {
        return (float[]) t.storage();
    }

    /** The state an operation keeps on this backend, made on first use. */
    @SuppressWarnings("unchecked")
    public synchronized <T> T state(Class<T> key, Function<JavaBackend, T> make) {
        return (T) opState.computeIfAbsent(key, k -> make.apply(this));
    }

    @Override
    protected Object allocateStorage(long elements) {
        if (elements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the Java backend holds at most 2^31 elements per tensor, asked for " + elements);
        }
        try {
            return new float[(int) elements];
        } catch (OutOfMemoryError e) {
            // A large request that the heap cannot hold: say so in numbers instead of letting the JVM die.
            throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                    "out of Java heap memory: a tensor of %.1f MiB was needed and the heap may grow to %.1f MiB;"
                            + " use a smaller --batch or smaller layers, or give Java more memory (-Xmx)",
                    elements * 4 / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0), e);
        }
    }

    @Override
    protected void release(Object storage) {
        // Garbage collected.
    }

    @Override
    protected void clear(Tensor t) {
        // New arrays are zero.
    }

    @Override
    protected void doWrite(Tensor dst, float[] data) {
        System.arraycopy(data, 0, array(dst), (int) dst.offset(), data.length);
    }

    @Override
    protected void doRead(Tensor src, float[] out) {
        System.arraycopy(array(src), (int) src.offset(), out, 0, out.length);
    }

    @Override
    public void finish() {
        // Every operation has completed when it returns.
    }

    /** Nothing to wait for: every operation has completed when it returns. */
    private static final Fence DONE = new Fence() {
        @Override
        public void await() {
        }

        @Override
        public void close() {
        }
    };

    @Override
    public Fence fence() {
        return DONE;
    }

    /** A loop body over elements [from, to) that returns their sum. */
    public interface ChunkSum {
        double apply(int from, int to);
    }

    /** The sum over n elements, chunk by chunk on the pool, the chunk sums added in order. */
    public double chunkSums(int n, ChunkSum body) {
        int chunks = (n + CHUNK - 1) / CHUNK;
        if (chunks <= 1 || threads == 1) {
            double total = 0;
            for (int c = 0; c < chunks; c++) {
                total += body.apply(c * CHUNK, Math.min(n, c * CHUNK + CHUNK));
            }
            return total;
        }
        double[] partial = new double[chunks];
        pool.submit(() -> java.util.stream.IntStream.range(0, chunks).parallel()
                .forEach(c -> partial[c] = body.apply(c * CHUNK, Math.min(n, c * CHUNK + CHUNK)))).join();
        double total = 0;
        for (double v : partial) {
            total += v;
        }
        return total;
    }

    /**
     * body(0), ..., body(n - 1), independent of each other, on the pool when {@code work} (values
     * touched) is large enough to pay for it, else in order on this thread.
     */
    public void parallelFor(int n, long work, java.util.function.IntConsumer body) {
        if (work < CHUNK * 4L || threads() == 1 || n == 1) {
            for (int k = 0; k < n; k++) {
                body.accept(k);
            }
        } else {
            pool().submit(() -> java.util.stream.IntStream.range(0, n).parallel().forEach(body)).join();
        }
    }

    /** A loop body over elements [from, to). */
    public interface ChunkLoop {
        void apply(int from, int to);
    }

    /** An elementwise loop over n elements, chunk by chunk on the pool. */
    public void chunks(int n, ChunkLoop body) {
        chunkSums(n, (from, to) -> {
            body.apply(from, to);
            return 0;
        });
    }

    @Override
    protected void shutdown() {
        pool.shutdown();
    }
}
