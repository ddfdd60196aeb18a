package org.latentcl.backend.ops;

import jdk.incubator.vector.FloatVector;
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
}
