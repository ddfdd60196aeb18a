package org.latentcl.train;

import java.util.List;

/**
 * How a run spreads over several devices, and over several hosts that average their parameters
 * every few steps.
 *
 * @param ids         the devices' ids (cl:0, java, ...), in the order that fixes the shards and the sums
 * @param balance     shard sizes follow each device's measured speed, re-measured every epoch (else equal shards)
 * @param knownSpeeds with {@code balance}: the devices' relative speeds (rows a second, in any unit), taken in place of
 *                    the measurement after each epoch; null to measure. Makes a balanced split exact where timing is not
 *                    (tests)
 * @param shard       which of {@code shards} equal parts of every batch this run trains (0-based); the devices split that part
 * @param shards      how many hosts share every batch (1: this run trains all of it)
 */
public record ParallelOptions(List<String> ids, boolean balance, List<Double> knownSpeeds, int shard, int shards) {
    public ParallelOptions {
        ids = List.copyOf(ids);
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("a data-parallel run needs at least one device");
        }
        if (knownSpeeds != null) {
            knownSpeeds = List.copyOf(knownSpeeds);
            if (knownSpeeds.size() != ids.size() || knownSpeeds.stream().anyMatch(s -> !(s > 0) || s.isInfinite())) {
                throw new IllegalArgumentException("known speeds must be one positive number per device, got " + knownSpeeds);
            }
        }
        if (shards < 1 || shard < 0 || shard >= shards) {
            throw new IllegalArgumentException("shard " + shard + " of " + shards + " is not a part of a batch (0 <= shard < shards)");
        }
    }

    /** Every row of each batch, on these devices. */
    public ParallelOptions(List<String> ids, boolean balance, List<Double> knownSpeeds) {
        this(ids, balance, knownSpeeds, 0, 1);
    }

    /** Speeds measured, as --balance does. */
    public ParallelOptions(List<String> ids, boolean balance) {
        this(ids, balance, null);
    }

    /** Whether other hosts train the rest of every batch: then an epoch's end waits for their average (see TrainingRun). */
    boolean sharedWithHosts() {
        return shards > 1;
    }
}
