package org.latentcl.nn;

import org.latentcl.backend.Philox;

/**
 * A position in the Philox stream of one seed: each draw takes the next blocks, so a run is
 * reproducible from (seed, counter) alone, and resuming restores the counter.
 */
public final class RandomStream {
    private final long seed;
    private long counter;

    public RandomStream(long seed, long counter) {
        this.seed = seed;
        this.counter = counter;
    }

    public long seed() {
        return seed;
    }

    public long counter() {
        return counter;
    }

    /** Reserves the blocks for n values and returns the counter they start at. */
    public long take(long n) {
        long start = counter;
        counter += Philox.blocks(n);
        return start;
    }
}
