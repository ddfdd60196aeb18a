package org.latentcl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.FiniteDifference;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;
import org.latentcl.backend.ops.Dot;
import org.latentcl.backend.ops.Elementwise;

/**
 * The gradient of a penalty on a network's input gradient ({@link Sequential#penaltyBackward}, R1's and WGAN-GP's
 * double backward) against central differences of the penalty itself, P = gamma/2 sum ||dD/dx||^2 over the rows, with
 * dD/dx from the network's own input-gradient pass: for MLPs with fused LeakyReLU and ReLU (one layer large enough to
 * keep a transposed weight), a convolution with a LeakyReLU layer of its own, maxout units, and the minibatch std feature
 * after a Linear layer and after a convolution, on both backends. Without the minibatch std feature P is quadratic in
 * each weight while no unit switches sides, so the differences are exact up to rounding, and the biases enter only
 * through the units' sides, so their gradient is 0; with it, P is smooth between the kinks and the biases count.
 */
class PenaltyGradientTest {
    private static final float GAMMA = 3f;

    @ParameterizedTest
    @CsvSource({"java, mlp, 1", "cl, mlp, 1", "java, mlp, 7", "cl, mlp, 7", "java, relu, 33", "cl, relu, 33", "java, wide, 5", "cl, wide, 5",
        "java, conv, 1", "cl, conv, 1", "java, conv, 3", "cl, conv, 3", "java, maxout, 1", "cl, maxout, 7", "java, maxout, 33",
        "java, mbstd, 5", "cl, mbstd, 7", "java, mbstd, 1", "java, mbstdconv, 3", "cl, mbstdconv, 4"})
    void penaltyGradientMatchesDifferencesOfThePenalty(String backend, String net, int batch) {
        Backend be = TestBackends.named(backend);
        Random rnd = new Random(batch * 31L + net.hashCode());
        try (Sequential d = network(net, batch); Parameters p = new Parameters(be, d.specs())) {
            d.bind(p);
            p.initialize(11);
            assertNull(d.refusingPenalty());
            float[] x = TestBackends.uniform(rnd, batch * d.inputSize(), -1, 1);
            float[] theta = be.read(p.values());
            try (Tensor tx = be.upload(x, batch, d.inputSize()); Tensor out = be.zeros(1, 1)) {
                // The analytic gradient: the input gradient g from dD/dlogit = 1, u = gamma g, then the double backward.
                Elementwise.fill(be, p.grads(), 0f);
                Gradient g = inputGradient(be, d, tx);
                Elementwise.axpy(be, g.value(), GAMMA - 1f, g.value(), g.value());
                d.penaltyBackward(d.outputGradient(batch), g.value());
                float[] grad = be.read(p.grads());
                double base = penalty(be, d, p, theta, tx, out);
                int checked = 0;
                int kinks = 0;
                int step = Math.max(1, theta.length / 40);
                for (int i = 0; i < theta.length; i += step) {
                    double h = 1e-3;
                    double plus = penalty(be, d, p, with(theta, i, h), tx, out);
                    double minus = penalty(be, d, p, with(theta, i, -h), tx, out);
                    double numeric = FiniteDifference.central(minus, base, plus, h, 0.01 * (1 + Math.abs(grad[i])));
                    if (Double.isNaN(numeric)) {
                        kinks++;
                        continue;
                    }
                    // 3e-4: the largest error of a right gradient here is 1.2e-4 (maxout); a convolution below the minibatch-std
                    // layer that took the tangent's columns for its input's in the std term's backward was off by 6.4e-4.
                    assertEquals(numeric, grad[i], 3e-4 * (1 + Math.abs(numeric)), net + " parameter " + i + " of " + theta.length);
                    checked++;
                }
                assertTrue(kinks <= checked / 5, kinks + " kinks among " + (checked + kinks) + " parameters");
            }
        }
    }

    /** D(x) = w.x + b has dD/dx = w on every row: P = gamma/2 rows ||w||^2, so dP/dw = gamma rows w and dP/db = 0. */
    @ParameterizedTest
    @CsvSource({"java, 1", "cl, 7"})
    void aLinearDiscriminatorsPenaltyGradientIsKnownInClosedForm(String backend, int rows) {
        Backend be = TestBackends.named(backend);
        try (Sequential d = Sequential.mlp("d", new int[] {5, 1}, Activation.IDENTITY, Activation.IDENTITY, rows);
             Parameters p = new Parameters(be, d.specs())) {
            d.bind(p);
            float[] w = {0.5f, -1f, 2f, 0.25f, -0.75f};
            be.write(p.values(), new float[] {w[0], w[1], w[2], w[3], w[4], 3f});
            p.changed();
            try (Tensor x = be.upload(TestBackends.uniform(new Random(rows), rows * 5, -1, 1), rows, 5)) {
                Elementwise.fill(be, p.grads(), 0f);
                Gradient g = inputGradient(be, d, x);
                Elementwise.axpy(be, g.value(), GAMMA - 1f, g.value(), g.value());
                d.penaltyBackward(d.outputGradient(rows), g.value());
                float[] grad = be.read(p.grads());
                for (int i = 0; i < 5; i++) {
                    assertEquals(GAMMA * rows * w[i], grad[i], 1e-5, "dP/dw[" + i + "]");
                }
                assertEquals(0f, grad[5], "dP/db");
            }
        }
    }

    /**
     * WGAN-GP's rows on known norms (lambda 10, scale 0.5): norm 2 gives the term 10 and the coefficient
     * 0.5 2 10 (2 - 1) / 2 = 5, norm 0.5 gives 2.5 and -10, norm 0 gives 10 and 0 (no gradient); and on D(x) = w.x + b,
     * whose input gradient is w on every row, the penalty's gradient rows 2 lambda scale (||w|| - 1) w / ||w||.
     */
    @ParameterizedTest
    @CsvSource({"java, 3", "cl, 3"})
    void wganGpOnKnownNormsAndALinearCritic(String backend, int rows) {
        Backend be = TestBackends.named(backend);
        try (Tensor squares = be.upload(new float[] {4f, 0.25f, 0f}, 1, 3); Tensor coeff = be.zeros(1, 3); Tensor terms = be.zeros(1, 3)) {
            org.latentcl.backend.ops.GradientPenalty.rows(be, squares, 10f, 0.5f, coeff, terms);
            org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {5f, -10f, 0f}, be.read(coeff), 1e-5f);
            org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {10f, 2.5f, 10f}, be.read(terms), 1e-5f);
        }
        try (Sequential d = Sequential.mlp("d", new int[] {2, 1}, Activation.IDENTITY, Activation.IDENTITY, rows);
             Parameters p = new Parameters(be, d.specs()); Tensor squares = be.zeros(1, rows); Tensor coeff = be.zeros(1, rows);
             Tensor terms = be.zeros(1, rows); Tensor sq = be.zeros(rows, 2)) {
            d.bind(p);
            // ||w|| = 5: each row's coefficient is 2 lambda scale (5 - 1) / 5.
            be.write(p.values(), new float[] {3f, -4f, 1f});
            p.changed();
            try (Tensor x = be.upload(TestBackends.uniform(new Random(rows), rows * 2, -1, 1), rows, 2)) {
                Elementwise.fill(be, p.grads(), 0f);
                Gradient g = inputGradient(be, d, x);
                Elementwise.mul(be, g.value(), g.value(), sq);
                org.latentcl.backend.ops.RowSums.rowSums(be, sq, 1f, 0f, squares);
                org.latentcl.backend.ops.GradientPenalty.rows(be, squares, 10f, 0.5f, coeff, terms);
                org.latentcl.backend.ops.ScaleRows.scaleRows(be, coeff, g.value(), 0f, g.value());
                d.penaltyBackward(d.outputGradient(rows), g.value());
                float[] grad = be.read(p.grads());
                double c = 2 * 10 * 0.5 * (5 - 1) / 5.0;
                assertEquals(rows * c * 3, grad[0], 1e-4);
                assertEquals(rows * c * -4, grad[1], 1e-4);
                assertEquals(0f, grad[2]);
                assertEquals(10 * 16f, be.read(terms)[rows - 1], 1e-3);
            }
        }
    }

    /** A layer whose input gradient depends on its input other than through a piecewise-constant derivative is named. */
    @ParameterizedTest
    @CsvSource({"TANH", "SIGMOID"})
    void smoothActivationsAreRefused(Activation.Kind kind) {
        Activation act = kind == Activation.Kind.TANH ? Activation.TANH : Activation.SIGMOID;
        try (Sequential fused = Sequential.mlp("d", new int[] {3, 4, 1}, act, Activation.IDENTITY, 2);
             Sequential apart = new Sequential(List.of(new Conv2d("c", 1, 2, 3, 3, 3, 1, 1, 2), new ActivationLayer("c act", act, 18)), 2)) {
            assertSame(fused.layers().get(0), fused.refusingPenalty());
            assertSame(apart.layers().get(1), apart.refusingPenalty());
        }
    }

    private static Sequential network(String net, int batch) {
        Activation leaky = Activation.leakyRelu(0.2f);
        return switch (net) {
            case "mlp" -> Sequential.mlp("d", new int[] {7, 5, 3, 1}, leaky, Activation.IDENTITY, batch + 1);
            case "relu" -> Sequential.mlp("d", new int[] {2, 9, 9, 1}, Activation.RELU, Activation.IDENTITY, batch + 1);
            // 300 x 256 weights: a layer that multiplies by its transposed copy forward.
            case "wide" -> Sequential.mlp("d", new int[] {300, 256, 1}, leaky, Activation.IDENTITY, batch + 1);
            case "conv" -> new Sequential(List.of(new Conv2d("c", 2, 3, 5, 7, 3, 2, 1, batch + 1), new ActivationLayer("c act", leaky, 3 * 3 * 4),
                    new Linear("l", 3 * 3 * 4, 1)), batch + 1);
            // Maxout units of 5 and of 2 pieces: the tangent takes each unit's winning piece.
            case "maxout" -> new Sequential(List.of(new Linear("a", 4, 3 * 5), new MaxoutLayer("a maxout", 3, 5), new Linear("b", 3, 6 * 2),
                    new MaxoutLayer("b maxout", 6, 2), new Linear("c", 6, 1)), batch + 1);
            // The minibatch std feature: its Jacobian depends on the batch, so the penalty's gradient has a second-order
            // term that runs back through the layers before it.
            case "mbstd" -> new Sequential(List.of(new Linear("a", 3, 6), new ActivationLayer("a act", leaky, 6),
                    new MinibatchStdLayer("std", 6, 1, batch + 1), new Linear("b", 7, 1)), batch + 1);
            case "mbstdconv" -> new Sequential(List.of(new Conv2d("c", 2, 3, 5, 7, 3, 2, 1, batch + 1), new ActivationLayer("c act", leaky, 3 * 3 * 4),
                    new MinibatchStdLayer("std", 3 * 3 * 4, 3 * 4, batch + 1), new Linear("l", 4 * 3 * 4, 1)), batch + 1);
            default -> throw new IllegalArgumentException(net);
        };
    }

    /**
     * A plain input-gradient pass lets its layers' gradients share two buffers, which the double backward cannot read:
     * a penalty after one is refused, not computed from what the buffers hold by then.
     */
    @org.junit.jupiter.api.Test
    void aPenaltyAfterAPassThatDidNotKeepEachLayersGradientIsRefused() {
        Backend be = TestBackends.java();
        try (Sequential d = Sequential.mlp("d", new int[] {5, 4, 3, 1}, Activation.leakyRelu(0.2f), Activation.IDENTITY, 2);
             Parameters p = new Parameters(be, d.specs()); Tensor x = be.upload(new float[10], 2, 5)) {
            d.bind(p);
            p.initialize(3);
            d.forward(x);
            Elementwise.fill(be, d.outputGrad(2), 1f);
            Gradient g = d.backwardInput(x, d.outputGradient(2));
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> d.penaltyBackward(d.outputGradient(2), g.value()));
            assertTrue(e.getMessage().contains("backwardInputForPenalty"), e.getMessage());
        }
    }

    /** dD/dx for every row from dD/dlogit = 1, by the network's input-gradient pass after a forward pass. */
    private static Gradient inputGradient(Backend be, Sequential d, Tensor x) {
        d.forward(x);
        Elementwise.fill(be, d.outputGrad(x.rows()), 1f);
        return d.backwardInputForPenalty(x, d.outputGradient(x.rows()));
    }

    /** P = gamma/2 sum ||dD/dx||^2 with the parameters theta. */
    private static double penalty(Backend be, Sequential d, Parameters p, float[] theta, Tensor x, Tensor out) {
        be.write(p.values(), theta);
        p.changed();
        Gradient g = inputGradient(be, d, x);
        Dot.dot(be, g.value(), g.value(), out, 0, false);
        return GAMMA / 2 * be.read(out)[0];
    }

    private static float[] with(float[] theta, int i, double h) {
        float[] t = theta.clone();
        t[i] += (float) h;
        return t;
    }
}
