package org.latentcl.backend.ops;

import java.util.Random;
import java.util.function.BiConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/**
 * Elementwise kernels against the Java reference at awkward sizes. Tolerances: exact for
 * operations IEEE rounds identically everywhere (fill, copy, mul, scale, ReLU); a few ulp where
 * the kernel may fuse a multiply-add (axpy) or use the device's exp/tanh (OpenCL allows 3-4 ulp
 * for those in single precision); column sums add in a different order, so K * 2^-24 * sum|x|.
 */
class ElementwiseParityTest {
    private static final Activation[] ACTIVATIONS = {Activation.IDENTITY, Activation.RELU, Activation.leakyRelu(0.2f),
        Activation.SIGMOID, Activation.TANH};

    /** Runs op on both backends on the same inputs and returns {java result, cl result} of the output tensor. */
    private static float[][] both(float[][] inputs, int[] shape, int outputIndex, BiConsumer<Backend, Tensor[]> op) {
        float[][] out = new float[2][];
        String[] names = {"java", "cl"};
        for (int b = 0; b < 2; b++) {
            Backend be = TestBackends.named(names[b]);
            Tensor[] ts = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                ts[i] = be.upload(inputs[i], shape[0], shape[1]);
            }
            op.accept(be, ts);
            out[b] = be.read(ts[outputIndex]);
            for (Tensor t : ts) {
                t.close();
            }
        }
        return out;
    }

    private static float[][] inputs(int n, int count, long seed) {
        Random rnd = new Random(seed);
        float[][] x = new float[count][];
        for (int i = 0; i < count; i++) {
            x[i] = TestBackends.uniform(rnd, n, -4, 4);
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000})
    void activationsMatchReference(int n) {
        int[] shape = {1, n};
        for (Activation f : ACTIVATIONS) {
            float[][] r = both(inputs(n, 2, n), shape, 1, (be, t) -> Activations.activate(be, f, t[0], t[1]));
            ParityAssert.close("activate " + f + " n=" + n, r[0], r[1], 1e-6, 4e-7);
            // Backward from the Java forward output, so both sides see the same y.
            float[][] in = inputs(n, 3, n + 1L);
            for (int i = 0; i < n; i++) {
                in[0][i] = f.apply(in[0][i]);
            }
            float[][] g = both(in, shape, 2, (be, t) -> Activations.activateBackward(be, f, t[0], t[1], t[2]));
            ParityAssert.close("activateBackward " + f + " n=" + n, g[0], g[1], 1e-6, 4e-7);
        }
    }

    /** The Java backend's ReLU and LeakyReLU backward on the Vector API gives its plain loop's bits, zeros' signs included. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000})
    void vectorReluBackwardEqualsThePlainLoop(int n) {
        for (Activation f : new Activation[] {Activation.RELU, Activation.leakyRelu(0.2f)}) {
            float[][] in = inputs(n, 2, n + 9L);
            for (int i = 0; i < n; i++) {
                in[0][i] = i % 5 == 0 ? 0f : f.apply(in[0][i]);
            }
            float[][] out = new float[2][];
            Backend[] both = {TestBackends.java(), TestBackends.named("java-plain")};
            for (int b = 0; b < 2; b++) {
                try (Tensor y = both[b].upload(in[0], 1, n); Tensor dy = both[b].upload(in[1], 1, n); Tensor dx = both[b].zeros(1, n)) {
                    Activations.activateBackward(both[b], f, y, dy, dx);
                    out[b] = both[b].read(dx);
                }
            }
            ParityAssert.bitwise("activateBackward " + f + " vector vs plain n=" + n, out[1], out[0]);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000})
    void arithmeticMatchesReference(int n) {
        int[] shape = {1, n};
        float[][] r = both(inputs(n, 1, n), shape, 0, (be, t) -> Elementwise.fill(be, t[0], 2.5f));
        ParityAssert.bitwise("fill", r[0], r[1]);
        r = both(inputs(n, 2, n), shape, 1, (be, t) -> Elementwise.copy(be, t[0], t[1]));
        ParityAssert.bitwise("copy", r[0], r[1]);
        r = both(inputs(n, 3, n), shape, 2, (be, t) -> Elementwise.mul(be, t[0], t[1], t[2]));
        ParityAssert.bitwise("mul", r[0], r[1]);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129, 784, 1000})
    void columnSumsMatchReference(int rows) {
        int cols = rows == 1000 ? 7 : 33;
        float[][] in = {inputs(rows * cols, 1, rows)[0], inputs(cols, 1, rows + 7L)[0]};
        float[][] r = new float[2][];
        String[] names = {"java", "cl"};
        for (int b = 0; b < 2; b++) {
            Backend be = TestBackends.named(names[b]);
            try (Tensor a = be.upload(in[0], rows, cols); Tensor out = be.upload(in[1], 1, cols)) {
                ColumnSums.columnSums(be, a, 0.5f, out);
                r[b] = be.read(out);
            }
        }
        ParityAssert.close("columnSums rows=" + rows, r[0], r[1], rows * 4.0 * 6e-8 * 2, 1e-6);
    }
}
