package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.latentcl.backend.Philox;
import org.latentcl.nn.RandomStream;

class ShardsTest {
    @Test
    void evenSplitsPutTheExtraRowFirstAndKeepBoundariesAligned() {
        assertArrayEquals(new int[] {4, 3}, Shards.split(7, new double[] {1, 1}, 1).rows());
        assertArrayEquals(new int[] {0, 4}, Shards.split(7, new double[] {1, 1}, 1).first());
        assertArrayEquals(new int[] {1}, Shards.split(1, new double[] {1}, 1).rows());
        assertArrayEquals(new int[] {4, 4, 4, 1}, Shards.split(13, new double[] {1, 1, 1, 1}, 4).rows());
        // Too few rows for every device: the last ones sit the step out.
        assertArrayEquals(new int[] {2, 0, 0}, Shards.split(2, new double[] {1, 1, 1}, 2).rows());
        // Weights follow measured speed.
        assertArrayEquals(new int[] {96, 32}, Shards.split(128, new double[] {3, 1}, 4).rows());
    }

    @Test
    void alignmentMakesEveryRowsNoiseStartOnAPhiloxBlock() {
        assertEquals(1, Shards.alignment(1, 20, 64));
        assertEquals(2, Shards.alignment(1, 2));
        assertEquals(4, Shards.alignment(1, 3, 784));
        assertEquals(6, Shards.alignment(3, 2));
    }

    /** A shard's draws are exactly its rows of the whole batch's draw, and the stream ends where the whole batch's ends. */
    @Test
    void shardedStreamsDrawWhatTheWholeBatchDraws() {
        int perRow = 6;
        int batch = 10;
        RandomStream whole = new RandomStream(42, 5);
        long start = whole.take((long) perRow * batch);
        float[] all = new float[perRow * batch];
        Philox.fillNormal(all, 0, all.length, 42, start);
        RandomStream base = new RandomStream(42, 5);
        Shards s = Shards.split(batch, new double[] {1, 1, 1}, Shards.alignment(1, perRow));
        for (int d = 0; d < 3; d++) {
            RandomStream shard = base.shard(s.first()[d], s.rows()[d], batch);
            long at = shard.take((long) perRow * s.rows()[d]);
            float[] mine = new float[perRow * s.rows()[d]];
            Philox.fillNormal(mine, 0, mine.length, 42, at);
            float[] expected = java.util.Arrays.copyOfRange(all, perRow * s.first()[d], perRow * (s.first()[d] + s.rows()[d]));
            assertArrayEquals(expected, mine, "device " + d);
            assertEquals(whole.counter(), shard.counter());
        }
        RandomStream odd = base.shard(1, 2, batch);
        assertThrows(IllegalStateException.class, () -> odd.take(2L * perRow), "row 1 of 6 values starts inside a block");
        assertThrows(IllegalStateException.class, () -> base.shard(0, 2, batch).take(7), "not a draw for 2 rows");
    }
}
