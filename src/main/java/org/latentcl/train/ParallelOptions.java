package org.latentcl.train;

import java.util.List;

/**
 * How a run spreads over several devices.
 *
 * @param ids         the devices' ids (cl:0, java, ...), in the order that fixes the shards and the sums
 * @param balance     shard sizes follow each device's measured speed, re-measured every epoch (else equal shards)
 * @param knownSpeeds with {@code balance}: the devices' relative speeds (rows a second, in any unit), taken in place of
 *                    the measurement after each epoch; null to measure. Makes a balanced split exact where timing is not
 *                    (tests)
 */
public record ParallelOptions(List<String> ids, boolean balance, List<Double> knownSpeeds) {
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
    }

    /** Speeds measured, as --balance does. */
    public ParallelOptions(List<String> ids, boolean balance) {
        this(ids, balance, null);
    }
}
