package org.latentcl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.AdamConfig;
import org.latentcl.backend.Backend;
import org.latentcl.backend.TestBackends;

/**
 * Known answers for the noise stream's positions (a draw of n values takes ceil(n / 4) Philox blocks; a shard of a
 * batch starts at its first row's block and advances the counter as the whole batch does) and for Adam's own
 * bookkeeping (the step count, one update of a known gradient, the moments it keeps and restores).
 */
class RandomStreamAndAdamTest {
    @Test
    void aDrawTakesWholeBlocksFromTheCounter() {
        RandomStream s = new RandomStream(9, 5);
        assertEquals(9, s.seed());
        assertEquals(5, s.take(10), "a draw starts where the stream stands");
        assertEquals(8, s.counter(), "10 values take 3 blocks of 4");
        assertEquals(8, s.take(4));
        assertEquals(9, s.counter());
        assertEquals(9, s.take(0));
        assertEquals(9, s.counter(), "no values, no blocks");
    }

    @Test
    void shardsDrawTheirRowsOfTheWholeBatchsBlocks() {
        // A batch of 6 rows of 4 values (one block per row), in shards of rows [0, 2), [2, 5) and [5, 6).
        RandomStream whole = new RandomStream(3, 10);
        RandomStream a = whole.shard(0, 2, 6);
        RandomStream b = whole.shard(2, 3, 6);
        RandomStream c = whole.shard(5, 1, 6);
        assertEquals(10, a.take(8), "rows 0-1 start the batch's blocks");
        assertEquals(12, b.take(12), "row 2 is the batch's third block");
        assertEquals(15, c.take(4), "row 5 is its sixth");
        for (RandomStream shard : List.of(a, b, c)) {
            assertEquals(16, shard.counter(), "every shard advances past the whole batch");
            assertEquals(3, shard.seed());
        }
        assertEquals(10, whole.take(24), "the unsharded stream draws the same blocks");
        assertEquals(16, whole.counter());
    }

    @Test
    void aShardMustBeRowsOfTheBatchAndStartOnABlock() {
        RandomStream s = new RandomStream(1, 0);
        assertEquals(0, s.shard(0, 4, 4).take(8), "the whole batch is a shard");
        assertThrows(IllegalArgumentException.class, () -> s.shard(-1, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> s.shard(0, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> s.shard(3, 2, 4));
        assertThrows(IllegalStateException.class, () -> s.shard(0, 2, 4).take(7), "7 values are not a draw for 2 rows");
        // 3 values per row: row 1 starts at value 3, inside the first block.
        assertThrows(IllegalStateException.class, () -> s.shard(1, 1, 4).take(3));
        assertEquals(0, s.counter(), "a refused shard leaves the stream where it was");
    }

    @Test
    void adamCountsItsStepsAndKeepsItsMoments() {
        Backend be = TestBackends.java();
        AdamConfig config = new AdamConfig(0.1f, 0.9f, 0.999f, 1e-8f, 0f);
        try (Parameters p = new Parameters(be, List.of(ParamSpec.bias("b", 2, 1))); Adam adam = new Adam(p, config)) {
            assertEquals(config, adam.config());
            be.write(p.values(), new float[] {1f, 2f});
            be.write(p.grads(), new float[] {0.5f, -2f});
            adam.step();
            assertEquals(1, adam.steps());
            // The first step moves each value by lr against the sign of its gradient (m / sqrt(v) = g / |g| after bias correction).
            assertArrayEquals(new float[] {0.9f, 2.1f}, be.read(p.values()), 1e-5f);
            float[][] state = adam.state();
            assertArrayEquals(new float[] {0.05f, -0.2f}, state[0], 1e-7f, "m = (1 - beta1) g");
            assertArrayEquals(new float[] {0.00025f, 0.004f}, state[1], 1e-7f, "v = (1 - beta2) g^2");
            adam.step(0.2f);
            assertEquals(2, adam.steps());
            adam.restore(new float[] {1f, 1f}, new float[] {4f, 4f}, 7);
            assertEquals(7, adam.steps());
            assertArrayEquals(new float[] {1f, 1f}, adam.state()[0]);
            assertArrayEquals(new float[] {4f, 4f}, adam.state()[1]);
        }
    }
}
