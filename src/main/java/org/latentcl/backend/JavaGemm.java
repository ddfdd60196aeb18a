package org.latentcl.backend;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * GEMM in plain Java: both operands packed into row-major op(A) (M x K) and op(B) (K x N), then
 * an i-k-j product on blocks of four rows of C, with K and N cut into blocks that stay in cache.
 * The inner loop over j is a straight run the JIT vectorizes. Row blocks run in parallel.
 */
final class JavaGemm {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JavaGemm.class);
    /** Whether Java's Vector API is present (the JVM was started with --add-modules jdk.incubator.vector). */
    static final boolean VECTOR = vectorApiPresent();
    private static final int ROWS = 4;
    private static final int KC = 256;
    private static final int NC = 1024;
    /** Below this many multiply-adds, threads cost more than they save. */
    private static final long PARALLEL_WORK = 1L << 18;

    private final ForkJoinPool pool;
    private final boolean vector;

    /** @param vector use the Vector API kernel (only when {@link #VECTOR} says it is present) */
    JavaGemm(ForkJoinPool pool, boolean vector) {
        this.pool = pool;
        this.vector = vector && VECTOR;
    }

    /** acc (M x N, overwritten) = op(A) op(B); a and b are read at their offsets with their stored shapes. */
    void multiply(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                  float[] acc) {
        float[] pa = transA ? transpose(a, aOff, k, m, scratchA(m * k)) : packed(a, aOff, m * k, true);
        float[] pb = transB ? transpose(b, bOff, n, k, scratchB(k * n)) : packed(b, bOff, k * n, false);
        int rows = vector ? VectorGemm.ROWS : ROWS;
        int blocks = (m + rows - 1) / rows;
        boolean serial = (long) m * n * k < PARALLEL_WORK || pool.getParallelism() == 1;
        if (vector) {
            // Each task takes a run of row blocks and walks K in blocks of VectorGemm.KC rows of B, so
            // the block of B it reads (KC x N) stays in the L2 cache for every row block of the run.
            int tasks = serial ? 1 : Math.min(blocks, 4 * pool.getParallelism());
            java.util.function.IntConsumer task = t -> {
                int b0 = (int) ((long) blocks * t / tasks);
                int b1 = (int) ((long) blocks * (t + 1) / tasks);
                VectorGemm.rows(b0 * rows, Math.min(m, b1 * rows), n, k, pa, pb, acc);
            };
            if (tasks == 1) {
                task.accept(0);
            } else {
                pool.submit(() -> IntStream.range(0, tasks).parallel().forEach(task)).join();
            }
            return;
        }
        java.util.function.IntConsumer block = blk -> rowBlock(blk * rows, Math.min(m, blk * rows + rows), n, k, pa, pb, acc);
        if (serial) {
            for (int blk = 0; blk < blocks; blk++) {
                block.accept(blk);
            }
        } else {
            pool.submit(() -> IntStream.range(0, blocks).parallel().forEach(block)).join();
        }
    }

    private static boolean vectorApiPresent() {
        try {
            Class.forName("jdk.incubator.vector.FloatVector");
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            log.info("java backend: the Vector API (jdk.incubator.vector) is not available, so GEMM runs on plain loops; "
                    + "start the JVM with --add-modules jdk.incubator.vector for about 5x the speed");
            return false;
        }
    }

    /** Packing buffers, grown when needed and reused, so a training step allocates nothing here. */
    private float[] bufA = new float[0];
    private float[] bufB = new float[0];

    private float[] scratchA(int len) {
        if (bufA.length < len) {
            bufA = new float[len];
        }
        return bufA;
    }

    private float[] scratchB(int len) {
        if (bufB.length < len) {
            bufB = new float[len];
        }
        return bufB;
    }

    /** The operand itself when it starts at 0 (the kernels read only its first len values), else a packed copy. */
    private float[] packed(float[] src, int off, int len, boolean isA) {
        if (off == 0) {
            return src;
        }
        float[] out = isA ? scratchA(len) : scratchB(len);
        System.arraycopy(src, off, out, 0, len);
        return out;
    }

    /** The transpose of the rows x cols matrix stored at src[off..], as a cols x rows matrix at out[0..], in cache-sized blocks. */
    static float[] transpose(float[] src, int off, int rows, int cols, float[] out) {
        transposeRows(src, off, rows, cols, out, 0, rows);
        return out;
    }

    /** Rows r0..r1 of that transpose (columns r0..r1 of out), so that row blocks can run in parallel. */
    static void transposeRows(float[] src, int off, int rows, int cols, float[] out, int rFrom, int rTo) {
        final int t = TRANSPOSE_BLOCK;
        for (int r0 = rFrom; r0 < rTo; r0 += t) {
            int r1 = Math.min(rTo, r0 + t);
            for (int c0 = 0; c0 < cols; c0 += t) {
                int c1 = Math.min(cols, c0 + t);
                for (int r = r0; r < r1; r++) {
                    int base = off + r * cols;
                    for (int c = c0; c < c1; c++) {
                        out[c * rows + r] = src[base + c];
                    }
                }
            }
        }
    }

    /** Rows and columns per block of the transpose: a 32 x 32 block of floats stays in the L1 cache. */
    static final int TRANSPOSE_BLOCK = 32;

    private static void rowBlock(int i0, int i1, int n, int k, float[] a, float[] b, float[] c) {
        for (int i = i0; i < i1; i++) {
            java.util.Arrays.fill(c, i * n, i * n + n, 0f);
        }
        for (int j0 = 0; j0 < n; j0 += NC) {
            int j1 = Math.min(n, j0 + NC);
            for (int k0 = 0; k0 < k; k0 += KC) {
                int k1 = Math.min(k, k0 + KC);
                if (i1 - i0 == ROWS) {
                    fourRows(i0, j0, j1, k0, k1, n, k, a, b, c);
                } else {
                    for (int i = i0; i < i1; i++) {
                        oneRow(i, j0, j1, k0, k1, n, k, a, b, c);
                    }
                }
            }
        }
    }

    private static void fourRows(int i, int j0, int j1, int k0, int k1, int n, int k, float[] a, float[] b, float[] c) {
        int c0 = i * n;
        int c1 = c0 + n;
        int c2 = c1 + n;
        int c3 = c2 + n;
        for (int p = k0; p < k1; p++) {
            float a0 = a[i * k + p];
            float a1 = a[(i + 1) * k + p];
            float a2 = a[(i + 2) * k + p];
            float a3 = a[(i + 3) * k + p];
            int bp = p * n;
            for (int j = j0; j < j1; j++) {
                float bv = b[bp + j];
                c[c0 + j] += a0 * bv;
                c[c1 + j] += a1 * bv;
                c[c2 + j] += a2 * bv;
                c[c3 + j] += a3 * bv;
            }
        }
    }

    private static void oneRow(int i, int j0, int j1, int k0, int k1, int n, int k, float[] a, float[] b, float[] c) {
        int ci = i * n;
        for (int p = k0; p < k1; p++) {
            float av = a[i * k + p];
            int bp = p * n;
            for (int j = j0; j < j1; j++) {
                c[ci + j] += av * b[bp + j];
            }
        }
    }
}
