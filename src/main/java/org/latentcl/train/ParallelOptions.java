package org.latentcl.train;

import java.util.List;

/**
 * How a run spreads over several devices.
 *
 * @param ids     the devices' ids (cl:0, java, ...), in the order that fixes the shards and the sums
 * @param balance shard sizes follow each device's measured speed, re-measured every epoch (else equal shards)
 */
public record ParallelOptions(List<String> ids, boolean balance) {
    public ParallelOptions {
        ids = List.copyOf(ids);
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("a data-parallel run needs at least one device");
        }
    }
}
