package org.latentcl.train;

import java.util.Random;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.GatherRows;
import org.latentcl.data.Dataset;
import org.latentcl.data.Permutations;

/**
 * A training set kept on the backend for the whole run, served in shuffled batches: each epoch
 * uploads one index list (the order), and each batch is gathered on the backend, so a step never
 * copies data across. The order of epoch e depends only on (seed, e), which makes resuming exact.
 */
final class EpochBatches implements AutoCloseable {
    private final Backend be;
    private final int rows;
    private final int batch;
    private final Tensor data;
    private final Tensor order;
    private final Tensor batchX;
    private final float[] perm;

    /** Checks that the data fit the model ({@code features} per example) and the batch size, then uploads them. */
    EpochBatches(Backend be, Dataset train, int features, int batch, String model) {
        if (train.cols() != features) {
            throw new IllegalArgumentException("the data have " + train.cols() + " features per example but the " + model + " takes " + features);
        }
        if (batch > train.rows()) {
            throw new IllegalArgumentException("batch " + batch + " is larger than the training set (" + train.rows() + " examples)");
        }
        this.be = be;
        this.rows = train.rows();
        this.batch = batch;
        this.data = be.upload(train.values(), train.rows(), train.cols());
        this.order = be.zeros(1, rows);
        this.batchX = be.zeros(batch, train.cols());
        this.perm = new float[rows];
    }

    int steps() {
        return (rows + batch - 1) / batch;
    }

    /** Uploads epoch e's order: a Fisher-Yates shuffle seeded by (seed, e) alone. */
    void shuffle(long seed, int epoch) {
        int[] p = Permutations.shuffled(rows, new Random(seed * 1_000_003L + epoch));
        for (int i = 0; i < p.length; i++) {
            perm[i] = p[i];
        }
        be.write(order, perm);
    }

    /** Batch s of the current epoch (the last one may be smaller), gathered on the backend. */
    Tensor batch(int s) {
        return batch(s, 0, rowsOf(s));
    }

    /** The rows in batch s (all but the last batch are full). */
    int rowsOf(int s) {
        return Math.min(batch, rows - s * batch);
    }

    /** Rows {@code [first, first + count)} of batch s of the current epoch: one device's shard of it. */
    Tensor batch(int s, int first, int count) {
        if (first < 0 || count < 0 || first + count > rowsOf(s)) {
            throw new IllegalArgumentException("rows " + first + ".." + (first + count) + " are outside batch " + s + " of " + rowsOf(s) + " rows");
        }
        Tensor x = batchX.rowRange(0, count);
        GatherRows.gatherRows(be, data, order, s * batch + first, x);
        return x;
    }

    @Override
    public void close() {
        data.close();
        order.close();
        batchX.close();
    }
}
