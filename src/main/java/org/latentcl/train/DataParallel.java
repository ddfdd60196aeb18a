package org.latentcl.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.latentcl.nn.Parameters;
import org.latentcl.nn.RandomStream;

/**
 * Exact data parallelism over the devices of one host. Every device holds a replica of the model,
 * initialized from the same parameters. A batch is split into fixed contiguous shards
 * ({@link Shards}); each device computes the gradient of its shard's share of the loss, the shares
 * are summed on the host in device order ({@link GradientSum}), and every device takes the same
 * optimizer step with the sum. Noise is drawn by global row ({@link RandomStream#shard}), so N
 * devices draw what one device draws and train as one device does at the same batch, up to the
 * order in which floating-point sums are added.
 */
final class DataParallel implements AutoCloseable {
    private final DeviceThreads threads;
    private final StepTimes times;
    private final int align;
    private final double[] weights;
    private final long[] rowsDone;
    private final double[] knownSpeeds;
    private final int hostShard;
    private final double[] hostWeights;
    private final Map<Integer, Shards> byBatch = new HashMap<>();
    private final Map<String, GradientSum> sums = new HashMap<>();
    private long lastStart;

    /** The options' devices, in the order that fixes shards and sums; shard boundaries on multiples of {@code align} rows. */
    DataParallel(ParallelOptions options, int align) {
        List<String> ids = options.ids();
        this.knownSpeeds = options.knownSpeeds() == null ? null : options.knownSpeeds().stream().mapToDouble(Double::doubleValue).toArray();
        this.threads = new DeviceThreads(ids);
        this.times = new StepTimes(List.copyOf(ids));
        this.align = align;
        this.hostShard = options.shard();
        this.hostWeights = new double[options.shards()];
        Arrays.fill(hostWeights, 1.0);
        this.weights = new double[ids.size()];
        this.rowsDone = new long[ids.size()];
        Arrays.fill(weights, 1.0);
    }

    int devices() {
        return threads.size();
    }

    List<String> ids() {
        return threads.ids();
    }

    /**
     * The devices' shards of a batch of {@code rows} rows, under the current weights: of the whole
     * batch, or of this host's equal part of it where several hosts share every batch.
     */
    Shards shards(int rows) {
        return byBatch.computeIfAbsent(rows, r -> {
            Shards host = hostPart(r);
            return Shards.split(host.first()[hostShard], host.rows()[hostShard], r, weights, align);
        });
    }

    /** How a batch of {@code rows} rows is split among the hosts that share it (one host: all of it). */
    Shards hostPart(int rows) {
        return Shards.split(rows, hostWeights, align);
    }

    /**
     * Refuses, before any step, batch sizes that would leave a host without rows (it would draw no
     * noise and fall out of step with the others): {@code rows} are every size a step may have.
     */
    void checkHostRows(String model, int... rows) {
        for (int r : rows) {
            Shards host = hostPart(r);
            for (int h = 0; h < host.devices(); h++) {
                if (host.rows()[h] == 0) {
                    throw new IllegalArgumentException("a " + model + " batch of " + r + " rows split over " + host.devices() + " hosts in parts of "
                            + align + "-row multiples leaves host " + h + " (counting from 0) no rows; use a larger batch or fewer hosts");
                }
            }
        }
    }

    /** Runs task(i) on every device's thread at once; returns each device's time. */
    long[] all(IntConsumer task) {
        return threads.all(task);
    }

    /** Runs task(i) on the devices that have rows in {@code s}; returns each device's time (0 for the others). */
    long[] each(Shards s, IntConsumer task) {
        for (int i = 0; i < s.devices(); i++) {
            rowsDone[i] += s.rows()[i];
        }
        lastStart = System.nanoTime();
        return threads.all(i -> {
            if (s.rows()[i] > 0) {
                task.accept(i);
            }
        });
    }

    /** Each device's view of the noise stream for the shards of one step. */
    static RandomStream[] streams(RandomStream rng, Shards s) {
        RandomStream[] out = new RandomStream[s.devices()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.rows()[i] == 0 ? null : rng.shard(s.first()[i], s.rows()[i], s.batch());
        }
        return out;
    }

    /** The stream after a step whose shards drew from {@code streams}: where any of them ended (they all end alike). */
    static RandomStream after(RandomStream rng, RandomStream[] streams) {
        for (RandomStream st : streams) {
            if (st != null) {
                return new RandomStream(rng.seed(), st.counter());
            }
        }
        return rng;
    }

    /** Sums one model's gradients (from the last {@link #each}) over the devices with rows in {@code s} and writes the sum to every replica. */
    void sumGradients(String model, List<Parameters> replicas, Shards s, long[] computeNanos) {
        GradientSum sum = sums.computeIfAbsent(model, m -> new GradientSum(devices(), replicas.get(0).size()));
        boolean[] active = new boolean[s.devices()];
        for (int i = 0; i < active.length; i++) {
            active[i] = s.rows()[i] > 0;
        }
        sum.allReduce(threads, replicas, active, lastStart, computeNanos, times);
    }

    /** Records each reduction's per-device spans into this profiler (null: stop). */
    void record(org.latentcl.backend.Profiler p) {
        times.record(p);
    }

    /**
     * Follows the devices' measured speed (--balance): the next shards are proportional to the rows
     * each device did per second of compute so far (or to the options' known speeds). Returns how the
     * batch of {@code batch} rows is now split, for the log.
     */
    String rebalance(int batch) {
        double[] busy = times.meanBusy();
        for (int i = 0; i < weights.length; i++) {
            if (knownSpeeds != null) {
                weights[i] = knownSpeeds[i];
            } else if (busy[i] > 0 && rowsDone[i] > 0) {
                weights[i] = rowsDone[i] / (busy[i] * times.reductions());
            }
        }
        byBatch.clear();
        return split(batch);
    }

    /** What the run says of its split when it starts. */
    String describe(int batch) {
        if (hostWeights.length == 1) {
            return "data parallel over " + devices() + " devices; a batch of " + batch + " is split " + split(batch);
        }
        Shards host = hostPart(batch);
        int first = host.first()[hostShard];
        return "host " + hostShard + " of " + hostWeights.length + " trains rows " + first + "-" + (first + host.rows()[hostShard] - 1)
                + " of each batch of " + batch + (devices() == 1 ? "" : ", split " + split(batch));
    }

    /** "cl:0 64 + cl:1 64": how a batch is split. */
    String split(int batch) {
        Shards s = shards(batch);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < s.devices(); i++) {
            parts.add(ids().get(i) + " " + s.rows()[i]);
        }
        return String.join(" + ", parts);
    }

    /** The per-device timings of every step so far, for profile.txt. */
    String timings() {
        return times.table();
    }

    /** The devices' names joined, as metrics.jsonl names them. */
    static String names(List<String> deviceNames) {
        return String.join(" + ", deviceNames);
    }

    @Override
    public void close() {
        threads.close();
    }
}
