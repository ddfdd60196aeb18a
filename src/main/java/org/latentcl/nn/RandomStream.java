package org.latentcl.nn;

import org.latentcl.backend.Philox;

/**
 * A position in the Philox stream of one seed: each draw takes the next blocks, so a run is
 * reproducible from (seed, counter) alone, and resuming restores the counter.
 *
 * <p>A draw of {@code n} values is for a batch: row r's values come right after row r-1's. A
 * {@linkplain #shard shard} of the stream is one device's rows of every batch: its draws advance
 * the counter as the whole batch's would and start at its first row's values, so every example
 * gets the same noise whichever device (or how many) draws it.
 */
public final class RandomStream {
    private final long seed;
    private long counter;
    private final int firstRow;
    private final int rows;
    private final int batchRows;

    public RandomStream(long seed, long counter) {
        this(seed, counter, 0, 0, 0);
    }

    private RandomStream(long seed, long counter, int firstRow, int rows, int batchRows) {
        this.seed = seed;
        this.counter = counter;
        this.firstRow = firstRow;
        this.rows = rows;
        this.batchRows = batchRows;
    }

    public long seed() {
        return seed;
    }

    public long counter() {
        return counter;
    }

    /**
     * This stream's position, seen by the device that draws rows {@code [firstRow, firstRow + rows)}
     * of every batch of {@code batchRows} rows. Each draw must then be for exactly {@code rows} rows,
     * and the first row's values must start on a Philox block (four values).
     */
    public RandomStream shard(int firstRow, int rows, int batchRows) {
        if (firstRow < 0 || rows <= 0 || firstRow + rows > batchRows) {
            throw new IllegalArgumentException("rows " + firstRow + ".." + (firstRow + rows) + " are not a shard of a batch of " + batchRows);
        }
        return new RandomStream(seed, counter, firstRow, rows, batchRows);
    }

    /** Reserves the blocks for n values and returns the counter they start at. */
    public long take(long n) {
        long start = counter;
        if (batchRows == 0) {
            counter += Philox.blocks(n);
            return start;
        }
        if (n % rows != 0) {
            throw new IllegalStateException("a draw of " + n + " values is not one for " + rows + " rows");
        }
        long perRow = n / rows;
        long before = perRow * firstRow;
        if (before % Philox.VALUES_PER_BLOCK != 0) {
            throw new IllegalStateException("row " + firstRow + " does not start a Philox block (" + perRow + " values per row)");
        }
        counter += Philox.blocks(perRow * batchRows);
        return start + before / Philox.VALUES_PER_BLOCK;
    }
}
