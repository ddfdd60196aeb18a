package org.latentcl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/**
 * Maxout units against the math written out (y = the largest of each unit's pieces, the first on a tie; dx = dy at
 * that piece, 0 elsewhere; the tangent J v = v at that piece) at awkward sizes with ties, on both backends, and the
 * backward pass against central differences of sum(c . y).
 */
class MaxoutLayerTest {
    @ParameterizedTest
    @CsvSource({"java, 1, 1, 1", "cl, 1, 1, 1", "java, 7, 33, 5", "cl, 7, 33, 5", "java, 33, 7, 2", "cl, 33, 7, 2", "cl, 3, 129, 3",
        "java, 1, 1000, 2", "cl, 1, 784, 4"})
    void passesMatchTheMathWithTiesGoingToTheFirstPiece(String backend, int rows, int units, int pieces) {
        Backend be = TestBackends.named(backend);
        Random rnd = new Random(rows * 1000L + units * 10L + pieces);
        int width = units * pieces;
        float[] x = new float[rows * width];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(5) - 2;   // few values: many ties
        }
        float[] dy = TestBackends.uniform(rnd, rows * units, -1, 1);
        float[] v = TestBackends.uniform(rnd, rows * width, -1, 1);
        float[] wantY = new float[rows * units];
        float[] wantT = new float[rows * units];
        float[] wantDx = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            for (int u = 0; u < units; u++) {
                int base = r * width + u * pieces;
                int best = 0;
                for (int p = 0; p < pieces; p++) {
                    if (x[base + p] > x[base + best]) {
                        best = p;
                    }
                }
                wantY[r * units + u] = x[base + best];
                wantT[r * units + u] = v[base + best];
                wantDx[base + best] = dy[r * units + u];
            }
        }
        MaxoutLayer layer = new MaxoutLayer("m", units, pieces);
        try (Parameters p = new Parameters(be, List.of()); Tensor tx = be.upload(x, rows, width); Tensor ty = be.zeros(rows, units);
             Tensor tdy = be.upload(dy, rows, units); Tensor tdx = be.upload(TestBackends.uniform(rnd, rows * width, 5, 6), rows, width);
             Tensor tv = be.upload(v, rows, width); Tensor tt = be.zeros(rows, units)) {
            layer.bind(p);
            layer.forward(tx, ty, true);
            assertArrayEquals(wantY, be.read(ty), "y");
            assertEquals(false, layer.backward(tx, ty, tdy, false, true, tdx, null));
            assertArrayEquals(wantDx, be.read(tdx), "dx (every other piece 0, whatever dx held)");
            layer.penaltyPass(tv, tx, ty, tdy, tt);
            assertArrayEquals(wantT, be.read(tt), "J v");
        }
    }

    @ParameterizedTest
    @CsvSource({"java", "cl"})
    void backwardMatchesCentralDifferences(String backend) {
        Backend be = TestBackends.named(backend);
        int rows = 3;
        int units = 4;
        int pieces = 3;
        Random rnd = new Random(8);
        float[] x = TestBackends.uniform(rnd, rows * units * pieces, -2, 2);
        float[] c = TestBackends.uniform(rnd, rows * units, -1, 1);
        MaxoutLayer layer = new MaxoutLayer("m", units, pieces);
        try (Parameters p = new Parameters(be, List.of()); Tensor ty = be.zeros(rows, units); Tensor tc = be.upload(c, rows, units);
             Tensor tdx = be.zeros(rows, units * pieces)) {
            layer.bind(p);
            float[] grad;
            try (Tensor tx = be.upload(x, rows, units * pieces)) {
                layer.forward(tx, ty, true);
                layer.backward(tx, ty, tc, false, true, tdx, null);
                grad = be.read(tdx);
            }
            double h = 1e-3;
            for (int i = 0; i < x.length; i++) {
                double plus = LayerDifferences.weightedSum(be, layer, LayerDifferences.moved(x, i, h), c, rows);
                double minus = LayerDifferences.weightedSum(be, layer, LayerDifferences.moved(x, i, -h), c, rows);
                assertEquals((plus - minus) / (2 * h), grad[i], 1e-3, "x[" + i + "]");
            }
        }
    }

    @Test
    void aLayerNeedsUnitsAndPieces() {
        assertThrows(IllegalArgumentException.class, () -> new MaxoutLayer("m", 0, 5));
        assertThrows(IllegalArgumentException.class, () -> new MaxoutLayer("m", 5, 0));
        assertEquals(10, new MaxoutLayer("m", 2, 5).inputSize());
        assertEquals(2, new MaxoutLayer("m", 2, 5).outputSize());
        assertEquals("m Maxout(5)", new MaxoutLayer("m", 2, 5).label());
    }
}
