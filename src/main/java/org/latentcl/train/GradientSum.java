package org.latentcl.train;

import java.util.List;
import org.latentcl.backend.Tensor;
import org.latentcl.nn.Parameters;

/**
 * The all-reduce of a data-parallel step: every device's gradient sum (over its shard) is read to
 * the host, the sums are added in device order (the same order every step, so the result is the
 * same bits every run), and the total is written back to every device, which then takes the same
 * optimizer step. Each device reads and writes on its own thread.
 */
final class GradientSum {
    private final float[][] host;
    private final float[] total;

    GradientSum(int devices, int size) {
        host = new float[devices][size];
        total = new float[size];
    }

    /**
     * Sums the gradients of {@code replicas} (one model's parameters on each device) and writes the
     * sum to all. A device with {@code active[i]} false computed nothing this step: its gradient
     * counts as zero. {@code computeNanos} are the devices' times for the work that made the
     * gradients, started at {@code computeStart}; the read-back (which waits for that work) is added
     * to them in {@code times}.
     */
    void allReduce(DeviceThreads threads, List<Parameters> replicas, boolean[] active, long computeStart, long[] computeNanos,
                   StepTimes times) {
        if (replicas.size() == 1) {
            // One device (a host's share of a batch that several hosts share): its gradient is the sum already.
            times.add(computeStart, computeNanos, System.nanoTime(), System.nanoTime());
            return;
        }
        long[] read = threads.all(i -> {
            if (active[i]) {
                Parameters p = replicas.get(i);
                p.backend().read(p.grads(), host[i]);
            }
        });
        long t0 = System.nanoTime();
        boolean first = true;
        for (int d = 0; d < host.length; d++) {
            if (!active[d]) {
                continue;
            }
            float[] g = host[d];
            if (first) {
                // A copy, not 0 + g: one device's gradient passes through bit for bit.
                System.arraycopy(g, 0, total, 0, total.length);
                first = false;
                continue;
            }
            for (int i = 0; i < total.length; i++) {
                total[i] += g[i];
            }
        }
        if (first) {
            java.util.Arrays.fill(total, 0f);
        }
        threads.all(i -> {
            Parameters p = replicas.get(i);
            Tensor grads = p.grads();
            p.backend().write(grads, total);
        });
        long t1 = System.nanoTime();
        long[] busy = new long[read.length];
        for (int i = 0; i < busy.length; i++) {
            busy[i] = computeNanos[i] + read[i];
        }
        times.add(computeStart, busy, t0, t1);
    }
}
