package org.latentcl.train;

import java.util.List;
import java.util.Locale;
import org.latentcl.backend.Profiler;

/**
 * Where a data-parallel run's steps go: each device's compute (its share of the forward and
 * backward passes, up to its gradients on the host), the time it waits for the slowest device, and
 * the reduction (the host's sum and the write-back). Feeds the profile and {@code --balance}.
 */
final class StepTimes {
    private final List<String> ids;
    private final long[] busy;
    private final long[] wait;
    private long reduce;
    private long reductions;
    private Profiler profiler;

    StepTimes(List<String> ids) {
        this.ids = ids;
        busy = new long[ids.size()];
        wait = new long[ids.size()];
    }

    /** Records every reduction's spans in this profiler too (null: none), one track per device and one for the reductions. */
    void record(Profiler p) {
        profiler = p;
    }

    /**
     * One reduction: the devices started at {@code start} (System.nanoTime) and each computed for
     * {@code deviceNanos[i]} until its gradients were on the host; the reduction ran from
     * {@code reduceStart} to {@code reduceEnd}.
     */
    void add(long start, long[] deviceNanos, long reduceStart, long reduceEnd) {
        long slowest = 0;
        for (long n : deviceNanos) {
            slowest = Math.max(slowest, n);
        }
        for (int i = 0; i < busy.length; i++) {
            busy[i] += deviceNanos[i];
            wait[i] += slowest - deviceNanos[i];
            if (profiler != null) {
                profiler.span("compute", start, start + deviceNanos[i], "device " + ids.get(i));
                if (deviceNanos[i] < slowest) {
                    profiler.span("waiting", start + deviceNanos[i], start + slowest, "device " + ids.get(i));
                }
            }
        }
        if (profiler != null) {
            profiler.span("gradient sum", reduceStart, reduceEnd, "reductions");
        }
        reduce += reduceEnd - reduceStart;
        reductions++;
    }

    /** Each device's mean compute time per reduction, in nanoseconds (0 before the first). */
    double[] meanBusy() {
        double[] out = new double[busy.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = reductions == 0 ? 0 : busy[i] / (double) reductions;
        }
        return out;
    }

    long reductions() {
        return reductions;
    }

    /** A table for profile.txt: per device and reduction (a GAN step has two), mean milliseconds. */
    String table() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "data parallel: %d devices, %d gradient reductions (the kernel tables above are the first device's); mean ms per reduction%n%-24s %10s %10s%n", ids.size(), reductions,
                "device", "compute", "waiting"));
        for (int i = 0; i < ids.size(); i++) {
            sb.append(String.format(Locale.ROOT, "%-24s %10.3f %10.3f%n", ids.get(i), ms(busy[i]), ms(wait[i])));
        }
        sb.append(String.format(Locale.ROOT, "%-24s %10.3f%n", "reduction (host sum, write-back)", ms(reduce)));
        return sb.toString();
    }

    private double ms(long total) {
        return reductions == 0 ? 0 : total / 1e6 / reductions;
    }
}
