package org.latentcl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/**
 * What the training loops rely on beyond the maths, for both convolutions: backward with {@code accumulate} adds the
 * step's weight and bias gradients to those already there (two passes give twice one pass), without it replaces
 * them; a batch of exactly the layer's maximum runs and one more row is refused by name; the layer reports that its
 * input gradient does not go through an activation (it has none).
 */
class ConvLayerContractTest {
    private static ConvLayer layer(String kind) {
        return kind.equals("conv") ? new Conv2d("c", 2, 3, 5, 5, 3, 1, 1, 4) : new ConvTranspose2d("c", 3, 2, 3, 3, 4, 2, 1, 0, 4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"conv", "transposed"})
    void accumulateAddsAndTheMaximumBatchRuns(String kind) {
        Backend be = TestBackends.java();
        try (ConvLayer c = layer(kind); Parameters p = new Parameters(be, c.specs())) {
            c.bind(p);
            p.initialize(2);
            Random rnd = new Random(4);
            int b = 4;
            try (Tensor x = be.upload(TestBackends.uniform(rnd, b * c.inputSize(), -1, 1), b, c.inputSize());
                 Tensor y = be.zeros(b, c.outputSize()); Tensor dx = be.zeros(b, c.inputSize());
                 Tensor dy = be.upload(TestBackends.uniform(rnd, b * c.outputSize(), -1, 1), b, c.outputSize())) {
                c.forward(x, y, true);
                boolean through = c.backward(x, y, dy, false, true, dx, null);
                assertTrue(!through, "no activation for the gradient to pass through");
                float[] once = be.read(p.grads());
                c.backward(x, y, dy, true, true, dx, null);
                float[] twice = be.read(p.grads());
                float[] doubled = new float[once.length];
                for (int i = 0; i < once.length; i++) {
                    doubled[i] = 2 * once[i];
                }
                assertArrayEquals(doubled, twice, 1e-5f, "accumulate adds this pass's gradients");
                c.backward(x, y, dy, false, true, dx, null);
                assertArrayEquals(once, be.read(p.grads()), "without accumulate the gradients are replaced");
            }
            try (Tensor x = be.zeros(5, c.inputSize()); Tensor y = be.zeros(5, c.outputSize())) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.forward(x, y, true));
                assertEquals("batch of 5 rows exceeds the 4 layer c was built for", e.getMessage());
            }
        }
    }
}
