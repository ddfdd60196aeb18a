package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/**
 * Row operations (batch gathering, per-row sums, unreduced loss terms, log-mean-exp) against the
 * Java reference. Gathering copies, so it must be exact; row sums add in another order (rows of
 * up to 1000 values: 1000 * 2^-24 * sum|x| ~ 1e-4 relative at worst); loss terms use the device's
 * exp and log1p (a few ulp).
 */
class RowOpsParityTest {
    private static float[][] both(java.util.function.Function<Backend, float[]> op) {
        return new float[][] {op.apply(TestBackends.java()), op.apply(TestBackends.cl())};
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000})
    void gatherRowsIsAnExactCopy(int cols) {
        Random rnd = new Random(cols);
        int rows = 129;
        float[] src = TestBackends.uniform(rnd, rows * cols, -1, 1);
        float[] idx = new float[40];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = rnd.nextInt(rows);
        }
        float[][] r = both(be -> {
            try (Tensor s = be.upload(src, rows, cols); Tensor ix = be.upload(idx, 1, idx.length); Tensor d = be.zeros(33, cols)) {
                GatherRows.gatherRows(be, s, ix, 7, d);
                return be.read(d);
            }
        });
        for (int i = 0; i < 33; i++) {
            int from = (int) idx[7 + i];
            for (int c = 0; c < cols; c++) {
                assertEquals(src[from * cols + c], r[0][i * cols + c]);
            }
        }
        ParityAssert.bitwise("gatherRows", r[0], r[1]);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000})
    void transposeIsExact(int cols) {
        for (int rows : new int[] {1, 7, 129, 400}) {
            Random rnd = new Random(rows * 31L + cols);
            float[] src = TestBackends.uniform(rnd, rows * cols, -1, 1);
            float[][] r = both(be -> {
                // A view at an offset inside a larger buffer, as a parameter tensor is.
                try (Tensor big = be.zeros(rows + 3, cols); Tensor d = be.zeros(cols + 1, rows)) {
                    Tensor s = big.rowRange(3, rows + 3);
                    be.write(s, src);
                    Transpose.transpose(be, s, d.rowRange(1, cols + 1));
                    return be.read(d.rowRange(1, cols + 1));
                }
            });
            for (int i = 0; i < rows; i++) {
                for (int c = 0; c < cols; c++) {
                    assertEquals(src[i * cols + c], r[0][c * rows + i]);
                }
            }
            ParityAssert.bitwise("transpose " + rows + "x" + cols, r[0], r[1]);
        }
    }

    @Test
    void gatherRowsChecksItsRange() {
        Backend be = TestBackends.java();
        try (Tensor s = be.zeros(5, 2); Tensor ix = be.zeros(1, 3); Tensor d = be.zeros(2, 2)) {
            assertThrows(IllegalArgumentException.class, () -> GatherRows.gatherRows(be, s, ix, 2, d));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000})
    void rowSumsAndLossTermsMatchReference(int cols) {
        Random rnd = new Random(cols + 1);
        int rows = 7;
        float[] x = TestBackends.uniform(rnd, rows * cols, -6, 6);
        float[] t = TestBackends.uniform(rnd, rows * cols, 0, 1);
        float[] prev = TestBackends.uniform(rnd, rows, -1, 1);
        java.util.function.Function<Backend, float[]> rowSums = be -> {
            try (Tensor tx = be.upload(x, rows, cols); Tensor out = be.upload(prev, rows, 1)) {
                RowSums.rowSums(be, tx, -0.5f, 2f, out);
                return be.read(out);
            }
        };
        float[][] sums = both(rowSums);
        ParityAssert.close("rowSums", sums[0], sums[1], cols * 6 * 6e-8, 1e-6);
        ParityAssert.close("rowSums in the GPU style", sums[0], rowSums.apply(TestBackends.gpuStyle()), cols * 6 * 6e-8, 1e-6);
        float[][] bce = both(be -> {
            try (Tensor tx = be.upload(x, rows, cols); Tensor tt = be.upload(t, rows, cols); Tensor out = be.zeros(rows, cols)) {
                BceWithLogits.bceTerms(be, tx, tt, out);
                return be.read(out);
            }
        });
        ParityAssert.close("bceTerms", bce[0], bce[1], 1e-6, 1e-6);
        float[][] gauss = both(be -> {
            try (Tensor tx = be.upload(x, rows, cols); Tensor tt = be.upload(t, rows, cols); Tensor out = be.zeros(rows, cols)) {
                GaussianNll.gaussianNllTerms(be, tx, tt, 0.4f, out);
                return be.read(out);
            }
        });
        ParityAssert.close("gaussianNllTerms", gauss[0], gauss[1], 1e-5, 1e-6);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 1000})
    void logMeanExpIsStableAndMatchesReference(int k) {
        Random rnd = new Random(k + 2);
        int rows = 33;
        float[] x = TestBackends.uniform(rnd, rows * k, -900, -100); // exp underflows without the max shift
        float[][] r = both(be -> {
            try (Tensor tx = be.upload(x, rows, k); Tensor out = be.zeros(rows, 1)) {
                RowStatistics.logMeanExpRows(be, tx, out);
                return be.read(out);
            }
        });
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, x[i * k + j]);
            }
            double s = 0;
            for (int j = 0; j < k; j++) {
                s += Math.exp(x[i * k + j] - max);
            }
            assertEquals(max + Math.log(s / k), r[0][i], 1e-4 * Math.abs(max));
        }
        ParityAssert.close("logMeanExpRows", r[0], r[1], 1e-3, 1e-6);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 1000})
    void parzenRowsAndRowArgminMatchReference(int n) {
        Random rnd = new Random(n + 5);
        int rows = 7;
        int dim = 33;
        float[] dots = TestBackends.uniform(rnd, rows * n, -2, 6);
        float[] xx = TestBackends.uniform(rnd, rows, 5, 12);
        float[] ss = TestBackends.uniform(rnd, n, 5, 12);
        float[][] parzen = both(be -> {
            try (Tensor g = be.upload(dots, rows, n); Tensor x = be.upload(xx, rows, 1); Tensor s = be.upload(ss, n, 1);
                 Tensor out = be.zeros(rows, 1)) {
                RowStatistics.parzenRows(be, g, x, s, 0.3f, dim, out);
                return be.read(out);
            }
        });
        ParityAssert.close("parzenRows", parzen[0], parzen[1], 1e-3, 1e-5);
        float[][] arg = both(be -> {
            try (Tensor g = be.upload(dots, rows, n); Tensor s = be.upload(ss, n, 1); Tensor out = be.zeros(rows, 1)) {
                RowStatistics.rowArgmin(be, g, s, out);
                return be.read(out);
            }
        });
        ParityAssert.bitwise("rowArgmin", arg[0], arg[1]);
    }
}
