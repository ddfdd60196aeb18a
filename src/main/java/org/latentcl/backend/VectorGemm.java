package org.latentcl.backend;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Java backend's GEMM inner kernel on Java's Vector API ({@code jdk.incubator.vector}): each
 * step keeps a 6 x 16 tile of C in twelve 8-lane registers and adds one rank-1 update per k
 * (a broadcast of A times two vector loads of B, fused multiply-adds). Rows and columns that do not
 * fill a tile fall back to plain loops. Loaded only when the module is present
 * ({@code --add-modules jdk.incubator.vector}); {@link JavaGemm} uses plain loops otherwise.
 */
final class VectorGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    static final int ROWS = 6;
    private static final int COLS = 16;

    private VectorGemm() {
    }

    /** Rows of B per K block: a block of B (KC x N floats, 400 KB for N = 784) stays in a 512 KB L2 cache. */
    static final int KC = 128;

    /**
     * Rows i0..i1 of c (m x n, overwritten) = a (row-major m x k) times b (row-major k x n): for each
     * block of KC values of k, every 6-row tile of the rows, so the block of b is read from the cache
     * (i1 - i0) / 6 times and from memory once. Partial sums of later blocks are added to c.
     */
    static void rows(int i0, int i1, int n, int k, float[] a, float[] b, float[] c) {
        int jFull = n - n % COLS;
        for (int k0 = 0; k0 < Math.max(k, 1); k0 += KC) {
            int k1 = Math.min(k, k0 + KC);
            boolean first = k0 == 0;
            int i = i0;
            for (; i + ROWS <= i1; i += ROWS) {
                for (int j = 0; j < jFull; j += COLS) {
                    tile(i, j, n, k, k0, k1, first, a, b, c);
                }
            }
            if (k1 == k) {
                // Edges, whole K at once: the columns right of the last full tile, then the rows below the last full tile.
                int lastFull = i0 + (i1 - i0) / ROWS * ROWS;
                scalar(i0, lastFull, jFull, n, n, k, a, b, c);
                scalar(lastFull, i1, 0, n, n, k, a, b, c);
            }
        }
    }

    private static void tile(int i, int j, int n, int k, int k0, int k1, boolean first, float[] a, float[] b, float[] c) {
        int o = i * n + j;
        FloatVector c00 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o);
        FloatVector c01 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 8);
        FloatVector c10 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + n);
        FloatVector c11 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + n + 8);
        FloatVector c20 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 2 * n);
        FloatVector c21 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 2 * n + 8);
        FloatVector c30 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 3 * n);
        FloatVector c31 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 3 * n + 8);
        FloatVector c40 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 4 * n);
        FloatVector c41 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 4 * n + 8);
        FloatVector c50 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 5 * n);
        FloatVector c51 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, c, o + 5 * n + 8);
        int a0 = i * k;
        for (int p = k0; p < k1; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, p * n + j);
            FloatVector b1 = FloatVector.fromArray(S, b, p * n + j + 8);
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
        c01.intoArray(c, o + 8);
        c10.intoArray(c, o + n);
        c11.intoArray(c, o + n + 8);
        c20.intoArray(c, o + 2 * n);
        c21.intoArray(c, o + 2 * n + 8);
        c30.intoArray(c, o + 3 * n);
        c31.intoArray(c, o + 3 * n + 8);
        c40.intoArray(c, o + 4 * n);
        c41.intoArray(c, o + 4 * n + 8);
        c50.intoArray(c, o + 5 * n);
        c51.intoArray(c, o + 5 * n + 8);
    }

    /** Plain loops for rows r0..r1, columns j0..j1. */
    private static void scalar(int r0, int r1, int j0, int j1, int n, int k, float[] a, float[] b, float[] c) {
        for (int r = r0; r < r1; r++) {
            for (int j = j0; j < j1; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[r * k + p] * b[p * n + j];
                }
                c[r * n + j] = s;
            }
        }
    }
}
