package org.latentcl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;
import org.latentcl.nn.RandomStream;

/**
 * A network's buffers are made for the batches that come, not for the largest it allows: a DCGAN built for 32 rows
 * and trained on 8 holds what one built for 8 holds; a larger batch later remakes them and gives what a fresh
 * network gives; and what it generates does not depend on how many rows go through at once.
 */
class BatchSizedBuffersTest {
    private static final GanConfig DCGAN = GanConfig.dcgan(new ImageShape(3, 16, 16), 6, 4, 4, GanConfig.Loss.NONSATURATING);

    /** Device bytes a fresh DCGAN built for {@code built} rows holds after a training step on {@code rows}. */
    private static long heldAfterAStep(ClBackend be, int built, int rows) {
        long before = be.context().liveBytes();
        try (GanNetwork gan = new GanNetwork(be, DCGAN, built); Tensor x = be.upload(images(rows, 1), rows, DCGAN.rowWidth());
             Tensor stats = be.zeros(1, GanNetwork.STATS)) {
            gan.initialize(3);
            RandomStream rng = new RandomStream(5, 0);
            gan.discriminatorGradients(x, rng, stats, GanNetwork.StepOptions.PLAIN);
            gan.generatorGradients(stats, rng, GanNetwork.StepOptions.PLAIN);
            return be.context().liveBytes() - before;
        }
    }

    private static float[] images(int rows, long seed) {
        return TestBackends.uniform(new Random(seed), rows * DCGAN.rowWidth(), -1, 1);
    }

    @Test
    void aNetworkHoldsBuffersForTheBatchItTrainsOn() {
        ClBackend be = TestBackends.cl();
        long small = heldAfterAStep(be, 8, 8);
        long builtLarger = heldAfterAStep(be, 32, 8);
        long trainedLarger = heldAfterAStep(be, 32, 32);
        // What stays sized by the largest batch: the noise and the probabilities (z and prob), 24 rows more of each.
        long perRowFixed = (DCGAN.noise() + 1) * 4L;
        assertTrue(builtLarger - small <= 24 * perRowFixed,
                "built for 32, trained on 8: " + builtLarger + " bytes against " + small + " for a network built for 8");
        assertTrue(trainedLarger > 2 * small, "trained on 32 rows it holds more: " + trainedLarger + " against " + small);
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void aLargerBatchAfterASmallerOneGivesWhatAFreshNetworkGives(String backend) {
        Backend be = TestBackends.named(backend);
        float[][] fresh = gradients(be, false);
        float[][] grown = gradients(be, true);
        assertArrayEquals(fresh[0], grown[0], "discriminator gradients");
        assertArrayEquals(fresh[1], grown[1], "generator gradients");
    }

    /** The gradients of a step on 7 rows, after a step on 3 rows first when {@code smallerFirst}. */
    private static float[][] gradients(Backend be, boolean smallerFirst) {
        try (GanNetwork gan = new GanNetwork(be, DCGAN, 7); Tensor small = be.upload(images(3, 2), 3, DCGAN.rowWidth());
             Tensor x = be.upload(images(7, 1), 7, DCGAN.rowWidth()); Tensor stats = be.zeros(1, GanNetwork.STATS)) {
            gan.initialize(3);
            if (smallerFirst) {
                RandomStream rng = new RandomStream(9, 0);
                gan.discriminatorGradients(small, rng, stats, GanNetwork.StepOptions.PLAIN);
                gan.generatorGradients(stats, rng, GanNetwork.StepOptions.PLAIN);
                gan.initialize(3); // the same parameters again (the first step moved batch norm's running statistics only)
            }
            RandomStream rng = new RandomStream(5, 0);
            gan.discriminatorGradients(x, rng, stats, GanNetwork.StepOptions.PLAIN);
            float[] d = be.read(gan.discriminatorParameters().grads());
            gan.generatorGradients(stats, rng, GanNetwork.StepOptions.PLAIN);
            return new float[][] {d, be.read(gan.generatorParameters().grads())};
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void generatedRowsDoNotDependOnHowManyGoThroughAtOnce(String backend) {
        Backend be = TestBackends.named(backend);
        int n = 11;
        float[] noise = TestBackends.uniform(new Random(7), n * DCGAN.noise(), -2, 2);
        try (GanNetwork gan = new GanNetwork(be, DCGAN, n); Tensor z = be.upload(noise, n, DCGAN.noise());
             Tensor out = be.zeros(n, DCGAN.data())) {
            gan.initialize(3);
            gan.generate(z, out);
            float[] together = be.read(out);
            for (int start = 0; start < n; start += 5) {
                int b = Math.min(5, n - start);
                gan.generate(z.rowRange(start, start + b), out.rowRange(start, start + b));
            }
            assertArrayEquals(together, be.read(out), "rows generated 5 at a time equal rows generated 11 at a time");
        }
    }
}
