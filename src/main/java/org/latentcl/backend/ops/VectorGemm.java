package org.latentcl.backend.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Java backend's GEMM inner kernel on Java's Vector API ({@code jdk.incubator.vector}): each
 * step keeps a 6 x 2L tile of C in twelve L-lane registers and adds one rank-1 update per k
 * (a broadcast of A times two vector loads of B, fused multiply-adds). L is the machine's preferred
 * width: 16 floats with AVX-512 (6 x 32 tiles), 8 otherwise (6 x 16); narrower than 8 takes 8 lanes,
 * which the JIT then splits. {@link JavaGemm} pads the operands to whole tiles (rows to 6, columns to
 * L, with one 6 x L tile after the last full one), so no plain loops remain at the edges.
 * Loaded only when the module is present ({@code --add-modules jdk.incubator.vector}); {@link JavaGemm}
 * uses plain loops otherwise.
 */
final class VectorGemm {
    static final VectorSpecies<Float> S =
            FloatVector.SPECIES_PREFERRED.length() >= 16 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    static final int L = S.length();
    static final int ROWS = 6;
    private static final int COLS = 2 * L;

    private VectorGemm() {
    }

    /** Rows of B per K block: a block of B (KC x N floats, 400 KB for N = 784) stays in a 512 KB L2 cache. */
    static final int KC = 128;

    /** Columns of B per N block: a KC x NC block (256 KB) stays in L2 however wide B is (a convolution's N is N Ho Wo). */
    static final int NC = 512;

    /**
     * Rows i0..i1 of c (m x n, overwritten) = a (row-major m x k) times b (row-major k x n), where
     * i1 - i0 is a multiple of ROWS and n of L (the caller pads): for each block of KC values of k and
     * NC columns, every 6-row tile of the rows, so the block of b is read from the cache (i1 - i0) / 6
     * times and from memory once. Partial sums of later k blocks are added to c, in the order of k.
     */
    static void rows(int i0, int i1, int n, int k, float[] a, float[] b, float[] c) {
        for (int k0 = 0; k0 < Math.max(k, 1); k0 += KC) {
            int k1 = Math.min(k, k0 + KC);
            boolean first = k0 == 0;
            for (int j0 = 0; j0 < n; j0 += NC) {
                int j1 = Math.min(n, j0 + NC);
                int jTiles = j1 - (j1 - j0) % COLS;
                for (int i = i0; i < i1; i += ROWS) {
                    for (int j = j0; j < jTiles; j += COLS) {
                        tile(i, j, n, k, k0, k1, first, a, b, c);
                    }
                    if (j1 > jTiles) {
                        halfTile(i, jTiles, n, k, k0, k1, first, a, b, c);
                    }
                }
            }
        }
    }

    private static void tile(int i, int j, int n, int k, int k0, int k1, boolean first, float[] a, float[] b, float[] c) {
        int o = i * n + j;
        FloatVector c00 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o);
        FloatVector c01 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + L);
        FloatVector c10 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + n);
        FloatVector c11 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + n + L);
        FloatVector c20 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 2 * n);
        FloatVector c21 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 2 * n + L);
        FloatVector c30 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 3 * n);
        FloatVector c31 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 3 * n + L);
        FloatVector c40 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 4 * n);
        FloatVector c41 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 4 * n + L);
        FloatVector c50 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 5 * n);
        FloatVector c51 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 5 * n + L);
        int a0 = i * k;
        for (int p = k0; p < k1; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, p * n + j);
            FloatVector b1 = FloatVector.fromArray(S, b, p * n + j + L);
            FloatVector v = FloatVector.broadcast(S, a[a0 + p]);
            c00 = v.fma(b0, c00);
            c01 = v.fma(b1, c01);
            v = FloatVector.broadcast(S, a[a0 + k + p]);
            c10 = v.fma(b0, c10);
            c11 = v.fma(b1, c11);
            v = FloatVector.broadcast(S, a[a0 + 2 * k + p]);
            c20 = v.fma(b0, c20);
            c21 = v.fma(b1, c21);
            v = FloatVector.broadcast(S, a[a0 + 3 * k + p]);
            c30 = v.fma(b0, c30);
            c31 = v.fma(b1, c31);
            v = FloatVector.broadcast(S, a[a0 + 4 * k + p]);
            c40 = v.fma(b0, c40);
            c41 = v.fma(b1, c41);
            v = FloatVector.broadcast(S, a[a0 + 5 * k + p]);
            c50 = v.fma(b0, c50);
            c51 = v.fma(b1, c51);
        }
        c00.intoArray(c, o);
        c01.intoArray(c, o + L);
        c10.intoArray(c, o + n);
        c11.intoArray(c, o + n + L);
        c20.intoArray(c, o + 2 * n);
        c21.intoArray(c, o + 2 * n + L);
        c30.intoArray(c, o + 3 * n);
        c31.intoArray(c, o + 3 * n + L);
        c40.intoArray(c, o + 4 * n);
        c41.intoArray(c, o + 4 * n + L);
        c50.intoArray(c, o + 5 * n);
        c51.intoArray(c, o + 5 * n + L);
    }

    /** A 6 x L tile: the columns left of a full tile's width. */
    private static void halfTile(int i, int j, int n, int k, int k0, int k1, boolean first, float[] a, float[] b, float[] c) {
        int o = i * n + j;
        FloatVector c0 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o);
        FloatVector c1 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + n);
        FloatVector c2 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 2 * n);
        FloatVector c3 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 3 * n);
        FloatVector c4 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 4 * n);
        FloatVector c5 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 5 * n);
        int a0 = i * k;
        for (int p = k0; p < k1; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, p * n + j);
            c0 = FloatVector.broadcast(S, a[a0 + p]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a0 + k + p]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a0 + 2 * k + p]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a0 + 3 * k + p]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a0 + 4 * k + p]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a0 + 5 * k + p]).fma(b0, c5);
        }
        c0.intoArray(c, o);
        c1.intoArray(c, o + n);
        c2.intoArray(c, o + 2 * n);
        c3.intoArray(c, o + 3 * n);
        c4.intoArray(c, o + 4 * n);
        c5.intoArray(c, o + 5 * n);
    }

    /** c[i + r][j + q] (=, or += after the first block) the lanes of acc plus the scalar tail p..k1 of that dot product. */
    private static void finish(FloatVector acc, int r, int q, int i, int j, int n, int k, int p, int k1, boolean first, float[] a, int a0,
                               float[] b, int b0, float[] c) {
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (int t = p; t < k1; t++) {
            sum += a[a0 + r * k + t] * b[b0 + q * k + t];
        }
        int at = (i + r) * n + j + q;
        c[at] = first ? sum : c[at] + sum;
    }

    /** Values of k per block of the dot-product kernel: a block of b (n x KD floats, 512 KB for n = 512) stays in L2. */
    static final int KD = 256;

    /**
     * Rows i0..i1 of c (m x n, row stride n, overwritten) = a b^T with a (m x k) and b (n x k) both
     * row-major: dot products of rows, the long k in blocks of KD, on 4 x 4 tiles of c (sixteen L-lane
     * accumulators, reduced at the end of each block; block sums added to c in the order of k). For a
     * convolution's weight gradient, where k = N Ho Wo is far longer than m and n, this reads both
     * operands along their rows and needs no transposed copy of b.
     */
    static void dotRows(int i0, int i1, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c) {
        for (int k0 = 0; k0 < Math.max(k, 1); k0 += KD) {
            int k1 = Math.min(k, k0 + KD);
            boolean first = k0 == 0;
            for (int i = i0; i < i1; i += 4) {
                for (int j = 0; j < n; j += 4) {
                    if (i + 4 <= i1 && j + 4 <= n) {
                        dot4x4(i, j, n, k, k0, k1, first, a, aOff, b, bOff, c);
                    } else {
                        for (int r = i; r < Math.min(i1, i + 4); r++) {
                            for (int q = j; q < Math.min(n, j + 4); q++) {
                                float d = dot(a, aOff + r * k, b, bOff + q * k, k0, k1);
                                c[r * n + q] = first ? d : c[r * n + q] + d;
                            }
                        }
                    }
                }
            }
        }
    }

    private static float dot(float[] a, int ao, float[] b, int bo, int k0, int k1) {
        FloatVector acc = FloatVector.zero(S);
        int p = k0;
        for (; p + L <= k1; p += L) {
            acc = FloatVector.fromArray(S, a, ao + p).fma(FloatVector.fromArray(S, b, bo + p), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; p < k1; p++) {
            sum += a[ao + p] * b[bo + p];
        }
        return sum;
    }

    private static void dot4x4(int i, int j, int n, int k, int k0, int k1, boolean first, float[] a, int aOff, float[] b, int bOff,
                               float[] c) {
        int a0 = aOff + i * k;
        int b0 = bOff + j * k;
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c02 = c00;
        FloatVector c03 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c12 = c00;
        FloatVector c13 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c22 = c00;
        FloatVector c23 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c32 = c00;
        FloatVector c33 = c00;
        int p = k0;
        for (; p + L <= k1; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, a0 + p);
            FloatVector x1 = FloatVector.fromArray(S, a, a0 + k + p);
            FloatVector x2 = FloatVector.fromArray(S, a, a0 + 2 * k + p);
            FloatVector x3 = FloatVector.fromArray(S, a, a0 + 3 * k + p);
            FloatVector y = FloatVector.fromArray(S, b, b0 + p);
            c00 = x0.fma(y, c00);
            c10 = x1.fma(y, c10);
            c20 = x2.fma(y, c20);
            c30 = x3.fma(y, c30);
            y = FloatVector.fromArray(S, b, b0 + k + p);
            c01 = x0.fma(y, c01);
            c11 = x1.fma(y, c11);
            c21 = x2.fma(y, c21);
            c31 = x3.fma(y, c31);
            y = FloatVector.fromArray(S, b, b0 + 2 * k + p);
            c02 = x0.fma(y, c02);
            c12 = x1.fma(y, c12);
            c22 = x2.fma(y, c22);
            c32 = x3.fma(y, c32);
            y = FloatVector.fromArray(S, b, b0 + 3 * k + p);
            c03 = x0.fma(y, c03);
            c13 = x1.fma(y, c13);
            c23 = x2.fma(y, c23);
            c33 = x3.fma(y, c33);
        }
        // Each accumulator reduced on its own (an array of them would keep the JIT from holding them in registers).
        finish(c00, 0, 0, i, j, n, k, p, k1, first, a, a0, b, b0, c);
        finish(c01, 0, 1, i, j, n, k, p, k1, first, a, a0, b, b0, c);
        finish(c02, 0, 2, i, j, n, k, p, k1, first, a, a0, b, b0, c);
        finish(c03, 0, 3, i, j, n, k, p, k1, first, a, a0, b, b0, c);
        finish(c10, 1, 0, i, j, n, k, p, k1, first, a, a0, b, b0, c);
        finish(c11, 1, 1, i, j, n, k, p, k1, first, a, a0, b, b0, c);
        finish(c12, 1, 2, i, j, n, k, p, k1, first, a, a0, b, b0, c);
        finish(c13, 1, 3, i, j, n, k, p, k1, first, a, a0, b, b0, c);
        finish(c20, 2, 0, i, j, n, k, p, k1, first, a, a0, b, b0, c);
        finish(c21, 2, 1, i, j, n, k, p, k1, first, a, a0, b, b0, c);
        finish(c22, 2, 2, i, j, n, k, p, k1, first, a, a0, b, b0, c);
        finish(c23, 2, 3, i, j, n, k, p, k1, first, a, a0, b, b0, c);
        finish(c30, 3, 0, i, j, n, k, p, k1, first, a, a0, b, b0, c);
        finish(c31, 3, 1, i, j, n, k, p, k1, first, a, a0, b, b0, c);
        finish(c32, 3, 2, i, j, n, k, p, k1, first, a, a0, b, b0, c);
        finish(c33, 3, 3, i, j, n, k, p, k1, first, a, a0, b, b0, c);
    }
}
