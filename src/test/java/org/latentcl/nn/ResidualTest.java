package org.latentcl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/**
 * The residual block y = x + f(x) against f itself on the same weights (y, f's parameter gradients, dx = dy + f's
 * input gradient) at awkward sizes on both backends, and against central differences of sum(c . y) in its input and
 * its weights.
 */
class ResidualTest {
    private static final Activation LEAKY = Activation.leakyRelu(0.2f);

    @ParameterizedTest
    @CsvSource({"java, 1, 1", "cl, 1, 1", "java, 7, 2", "cl, 7, 2", "java, 33, 7", "cl, 129, 3", "java, 3, 33"})
    void isItsInputPlusItsNetworkOnTheSameWeights(String backend, int rows, int width) {
        Backend be = TestBackends.named(backend);
        Random rnd = new Random(rows * 100L + width);
        int[] sizes = {width, 9, 5, width};
        Residual block = new Residual("g", Sequential.mlp("g", sizes, LEAKY, Activation.IDENTITY, rows));
        Sequential f = Sequential.mlp("g", sizes, LEAKY, Activation.IDENTITY, rows);
        float[] x = TestBackends.uniform(rnd, rows * width, -2, 2);
        float[] c = TestBackends.uniform(rnd, rows * width, -1, 1);
        try (Parameters p = new Parameters(be, block.specs()); Tensor tx = be.upload(x, rows, width); Tensor ty = be.zeros(rows, width);
             Tensor tc = be.upload(c, rows, width); Tensor tdx = be.zeros(rows, width)) {
            p.initialize(4);
            block.bind(p);
            f.bind(p);
            block.forward(tx, ty, true);
            float[] want = be.read(f.forward(tx));
            for (int i = 0; i < want.length; i++) {
                want[i] += x[i];
            }
            assertArrayEquals(want, be.read(ty), 1e-6f, "y = x + f(x)");
            assertEquals(false, block.backward(tx, ty, tc, false, true, tdx, null));
            float[] blockGrads = be.read(p.grads());
            float[] dx = be.read(tdx);
            block.forward(tx, ty, true);
            f.forward(tx);
            be.write(f.outputGrad(rows), c);
            float[] fdx = be.read(f.backward(tx, f.outputGradient(rows), false, true).value());
            assertArrayEquals(be.read(p.grads()), blockGrads, 1e-6f, "f's parameter gradients");
            for (int i = 0; i < fdx.length; i++) {
                fdx[i] += c[i];
            }
            assertArrayEquals(fdx, dx, 1e-5f, "dx = dy + f's input gradient");
            f.close();
            block.close();
        }
    }

    @ParameterizedTest
    @CsvSource({"java", "cl"})
    void backwardMatchesCentralDifferences(String backend) {
        Backend be = TestBackends.named(backend);
        int rows = 3;
        int width = 2;
        Random rnd = new Random(5);
        Residual block = new Residual("g", Sequential.mlp("g", new int[] {width, 6, width}, LEAKY, Activation.IDENTITY, rows));
        float[] x = TestBackends.uniform(rnd, rows * width, -2, 2);
        float[] c = TestBackends.uniform(rnd, rows * width, -1, 1);
        try (Parameters p = new Parameters(be, block.specs()); Tensor ty = be.zeros(rows, width); Tensor tc = be.upload(c, rows, width);
             Tensor tdx = be.zeros(rows, width); Tensor tx = be.upload(x, rows, width)) {
            p.initialize(6);
            block.bind(p);
            block.forward(tx, ty, true);
            block.backward(tx, ty, tc, false, true, tdx, null);
            float[] dx = be.read(tdx);
            float[] grads = be.read(p.grads());
            double h = 1e-3;
            for (int i = 0; i < x.length; i++) {
                double fd = (LayerDifferences.weightedSum(be, block, LayerDifferences.moved(x, i, h), c, rows)
                        - LayerDifferences.weightedSum(be, block, LayerDifferences.moved(x, i, -h), c, rows)) / (2 * h);
                assertEquals(fd, dx[i], 2e-3, "x[" + i + "]");
            }
            float[] w = be.read(p.values());
            for (int i = 0; i < w.length; i++) {
                be.write(p.values(), LayerDifferences.moved(w, i, h));
                p.changed();
                double plus = LayerDifferences.weightedSum(be, block, x, c, rows);
                be.write(p.values(), LayerDifferences.moved(w, i, -h));
                p.changed();
                double minus = LayerDifferences.weightedSum(be, block, x, c, rows);
                assertEquals((plus - minus) / (2 * h), grads[i], 2e-3, "parameter " + i);
            }
            block.close();
        }
    }

    @Test
    void aBlockNeedsAsManyOutputsAsInputsAndALinearEnd() {
        assertThrows(IllegalArgumentException.class,
                () -> new Residual("g", Sequential.mlp("g", new int[] {2, 4, 3}, LEAKY, Activation.IDENTITY, 4)));
        assertThrows(IllegalArgumentException.class,
                () -> new Residual("g", Sequential.mlp("g", new int[] {2, 4, 2}, LEAKY, Activation.SIGMOID, 4)));
        assertEquals(List.of("g.0.weight", "g.0.bias", "g.1.weight", "g.1.bias"),
                new Residual("g", Sequential.mlp("g", new int[] {2, 4, 2}, LEAKY, Activation.IDENTITY, 4)).specs().stream().map(ParamSpec::name).toList());
    }
}
