package org.latentcl.backend.ops;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * GEMM in plain Java: both operands packed into row-major op(A) (M x K) and op(B) (K x N), then
 * an i-k-j product on blocks of four rows of C, with K and N cut into blocks that stay in cache.
 * The inner loop over j is a straight run the JIT vectorizes. Row blocks run in parallel.
 */
final class JavaGemm {
    /** Whether Java's Vector API is present (the JVM was started with --add-modules jdk.incubator.vector). */
    private static final int ROWS = 4;
    private static final int KC = 256;
    private static final int NC = 1024;
    /** Below this many multiply-adds, threads cost more than they save. */
    private static final long PARALLEL_WORK = 1L << 22;
    /** The shortest k for which A B^T runs as dot products of rows (VectorGemm.dotRows). */
    static final int DOT_K = 2048;

    private final ForkJoinPool pool;
    private final boolean vector;

    /** @param vector use the Vector API kernel (only when the Vector API is present) */
    JavaGemm(ForkJoinPool pool, boolean vector) {
        this.pool = pool;
        this.vector = vector && org.latentcl.backend.VectorSupport.PRESENT;
    }

    /**
     * Receives rows i0..i1 of the product, stored at {@code acc[i * ldc + j]}, from the thread that computed
     * them, so the caller's epilogue runs in parallel too. Calls cover disjoint rows.
     */
    interface RowSink {
        void rows(float[] acc, int ldc, int i0, int i1);
    }

    /** op(A) op(B) (M x N), handed to {@code sink} in row runs; a and b are read at their offsets with their stored shapes. */
    void multiply(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] b, int bOff, RowSink sink) {
        boolean serial = (long) m * n * k < PARALLEL_WORK || pool.getParallelism() == 1;
        if (vector && !transA && transB && k >= DOT_K && (long) m * k + 2L * m * n < (long) n * k) {
            transposedProduct(m, n, k, a, aOff, b, bOff, serial, sink);
            return;
        }
        if (vector && !transA && transB && k >= DOT_K && k >= 4L * Math.max(m, n)) {
            // A b^T with a long k (a convolution's weight gradient): dot products of rows, no transposed copy of b.
            float[] pc = scratchC(m * n);
            int blocks = (m + 3) / 4;
            int tasks = serial ? 1 : Math.min(blocks, 4 * pool.getParallelism());
            run(tasks, t -> {
                int r0 = (int) ((long) blocks * t / tasks) * 4;
                int r1 = Math.min(m, (int) ((long) blocks * (t + 1) / tasks) * 4);
                if (r0 < r1) {
                    VectorGemm.dotRows(r0, r1, n, k, a, aOff, b, bOff, pc);
                    sink.rows(pc, n, r0, r1);
                }
            });
            return;
        }
        if (vector) {
            vectorProduct(transA, transB, m, n, k, a, aOff, b, bOff, serial, sink);
            return;
        }
        float[] pa = transA ? transpose(a, aOff, k, m, scratchA(m * k)) : packed(a, aOff, m * k, true);
        float[] pb = transB ? transpose(b, bOff, n, k, scratchB(k * n)) : packed(b, bOff, k * n, false);
        float[] acc = scratchC(m * n);
        int blocks = (m + ROWS - 1) / ROWS;
        java.util.function.IntConsumer block = blk -> {
            int i0 = blk * ROWS;
            int i1 = Math.min(m, i0 + ROWS);
            rowBlock(i0, i1, n, k, pa, pb, acc);
            sink.rows(acc, n, i0, i1);
        };
        run(serial ? 1 : blocks, serial ? t -> {
            for (int blk = 0; blk < blocks; blk++) {
                block.accept(blk);
            }
        } : block);
    }

    private void run(int tasks, java.util.function.IntConsumer task) {
        if (tasks == 1) {
            task.accept(0);
        } else {
            pool.submit(() -> IntStream.range(0, tasks).parallel().forEach(task)).join();
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /**
     * The Vector API product op(A) op(B) into the C scratch buffer (ld = N rounded up to whole vectors), each run of rows
     * handed to sink (when not null) by the task that computed it; returns that buffer.
     */
    private float[] vectorProduct(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, float[] b, int bOff,
                                  boolean serial, RowSink sink) {
        // Operands padded to whole tiles (zero rows of A, zero columns of B), so every tile is a vector tile.
        int mp = roundUp(m, VectorGemm.ROWS);
        int np = roundUp(n, VectorGemm.L);
        float[] pa = packA(transA, a, aOff, m, k, mp, serial);
        float[] pb = packB(transB, b, bOff, k, n, np, serial);
        float[] pc = scratchC(mp * np);
        int blocks = mp / VectorGemm.ROWS;
        // Each task takes a run of row blocks and walks K in blocks of VectorGemm.KC rows of B, so
        // the block of B it reads (KC x N) stays in the L2 cache for every row block of the run.
        int tasks = serial ? 1 : Math.min(blocks, 4 * pool.getParallelism());
        java.util.function.IntConsumer task = t -> {
            int r0 = (int) ((long) blocks * t / tasks) * VectorGemm.ROWS;
            int r1 = (int) ((long) blocks * (t + 1) / tasks) * VectorGemm.ROWS;
            VectorGemm.rows(r0, r1, np, k, pa, pb, pc);
            if (sink != null && r0 < m) {
                sink.rows(pc, np, r0, Math.min(m, r1));
            }
        };
        run(tasks, task);
        return pc;
    }

    /**
     * C = A B^T as (B A^T)^T when A is the smaller operand (a convolution's weight gradient dy' cols^T, the columns 8-16
     * times dy'): the vector product reads B as its left operand as it is and transposes only A while packing it, about
     * twice the dot products' speed at these shapes (64 x 512 x 6272: 3.4-3.7 against 6.1 ms). C's rows go to the sink at
     * once.
     */
    private void transposedProduct(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, boolean serial, RowSink sink) {
        float[] ct = vectorProduct(false, true, n, m, k, b, bOff, a, aOff, serial, null);
        int ld = roundUp(m, VectorGemm.L);
        // The A scratch held a packed operand of the product, which is done.
        float[] c = scratchA(m * n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[i * n + j] = ct[j * ld + i];
            }
        }
        sink.rows(c, n, 0, m);
    }

    /** op(A) as row-major mp x k, rows m..mp zero: A itself when it already is that, else a packed copy. */
    private float[] packA(boolean transA, float[] a, int aOff, int m, int k, int mp, boolean serial) {
        if (!transA && aOff == 0 && m == mp) {
            return a;
        }
        float[] out = scratchA(mp * k);
        if (transA) {
            transposeInto(a, aOff, k, m, out, k, serial);
        } else {
            System.arraycopy(a, aOff, out, 0, m * k);
        }
        java.util.Arrays.fill(out, m * k, mp * k, 0f);
        return out;
    }

    /** op(B) as row-major k x np, columns n..np zero: B itself when it already is that, else a packed copy. */
    private float[] packB(boolean transB, float[] b, int bOff, int k, int n, int np, boolean serial) {
        if (!transB && bOff == 0 && n == np) {
            return b;
        }
        float[] out = scratchB(k * np);
        if (transB) {
            transposeInto(b, bOff, n, k, out, np, serial);
        } else {
            for (int p = 0; p < k; p++) {
                System.arraycopy(b, bOff + p * n, out, p * np, n);
            }
        }
        if (np > n) {
            for (int p = 0; p < k; p++) {
                java.util.Arrays.fill(out, p * np + n, p * np + np, 0f);
            }
        }
        return out;
    }

    /** The transpose of src's rows x cols matrix into out, whose rows are ldOut apart; row blocks in parallel unless serial. */
    private void transposeInto(float[] src, int off, int rows, int cols, float[] out, int ldOut, boolean serial) {
        int blocks = (rows + TRANSPOSE_BLOCK - 1) / TRANSPOSE_BLOCK;
        java.util.function.IntConsumer block = blk -> transposeRows(src, off, rows, cols, out, ldOut,
                blk * TRANSPOSE_BLOCK, Math.min(rows, (blk + 1) * TRANSPOSE_BLOCK));
        run(serial || blocks < 4 ? 1 : blocks, serial || blocks < 4 ? t -> {
            for (int blk = 0; blk < blocks; blk++) {
                block.accept(blk);
            }
        } : block);
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

    private float[] bufC = new float[0];

    private float[] scratchC(int len) {
        if (bufC.length < len) {
            bufC = new float[len];
        }
        return bufC;
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
        transposeRows(src, off, rows, cols, out, rows, 0, rows);
        return out;
    }

    /**
     * Rows r0..r1 of that transpose (columns r0..r1 of out, whose rows are ldOut apart), so that row
     * blocks can run in parallel.
     */
    static void transposeRows(float[] src, int off, int rows, int cols, float[] out, int ldOut, int rFrom, int rTo) {
        transposeRows(src, off, rows, cols, out, 0, ldOut, rFrom, rTo);
    }

    /**
     * The same, writing out from outOff. Four source rows at a time, so each row of out gets four
     * consecutive values per visit (about 20% faster than one at a time).
     */
    static void transposeRows(float[] src, int off, int rows, int cols, float[] out, int outOff, int ldOut, int rFrom, int rTo) {
        final int t = TRANSPOSE_BLOCK;
        for (int r0 = rFrom; r0 < rTo; r0 += t) {
            int r1 = Math.min(rTo, r0 + t);
            for (int c0 = 0; c0 < cols; c0 += t) {
                int c1 = Math.min(cols, c0 + t);
                int r = r0;
                for (; r + 4 <= r1; r += 4) {
                    int s0 = off + r * cols;
                    int s1 = s0 + cols;
                    int s2 = s1 + cols;
                    int s3 = s2 + cols;
                    for (int c = c0; c < c1; c++) {
                        int o = outOff + c * ldOut + r;
                        out[o] = src[s0 + c];
                        out[o + 1] = src[s1 + c];
                        out[o + 2] = src[s2 + c];
                        out[o + 3] = src[s3 + c];
                    }
                }
                for (; r < r1; r++) {
                    int base = off + r * cols;
                    for (int c = c0; c < c1; c++) {
                        out[outOff + c * ldOut + r] = src[base + c];
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
