package org.latentcl.nn;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.BatchNorm;
import org.latentcl.backend.ops.Elementwise;

/**
 * PyTorch's {@code nn.BatchNorm2d} on NCHW batches: the affine parameters {@code NAME.weight}
 * (gamma, ones at first) and {@code NAME.bias} (beta, zeros), trained like any parameter, and the
 * running statistics, which are buffers, not parameters: {@code running_mean} (zeros at first),
 * {@code running_var} (ones) and {@code num_batches_tracked}, moved by every training forward pass
 * with momentum 0.1 and left alone in evaluation. eps 1e-5, as PyTorch's defaults.
 */
public final class BatchNorm2d implements AutoCloseable {
    /** PyTorch's defaults. */
    public static final float EPS = 1e-5f;
    public static final float MOMENTUM = 0.1f;

    private final String name;
    private final int channels;
    private Parameters params;
    private Backend backend;
    private Tensor running;
    private Tensor stats;
    private Tensor sums;
    private long batchesTracked;

    public BatchNorm2d(String name, int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("layer " + name + ": channels must be positive, got " + channels);
        }
        this.name = name;
        this.channels = channels;
    }

    /** gamma and beta; the initializer leaves them to {@link #resetAffine}, as PyTorch sets them to 1 and 0. */
    public List<ParamSpec> specs() {
        return List.of(new ParamSpec(name + ".weight", 1, channels, 1, new int[] {channels}),
                new ParamSpec(name + ".bias", 1, channels, 1, new int[] {channels}));
    }

    /** Connects the layer to its parameters and makes its buffers (running mean 0, running variance 1). */
    public void bind(Parameters p) {
        params = p;
        backend = p.backend();
        float[] init = new float[2 * channels];
        java.util.Arrays.fill(init, channels, 2 * channels, 1f);
        running = backend.upload(init, 1, 2 * channels);
        stats = backend.zeros(1, 2 * channels);
        sums = backend.zeros(1, 2 * channels);
    }

    /** gamma = 1 and beta = 0, PyTorch's initialization (call after the parameters' own initializer). */
    public void resetAffine() {
        Elementwise.fill(backend, params.value(name + ".weight"), 1f);
        Elementwise.fill(backend, params.value(name + ".bias"), 0f);
    }

    /**
     * y = gamma (x - mean) / sqrt(var + eps) + beta per channel: with the batch's statistics (moving the
     * running ones) when {@code training}, else with the running statistics. y may be x only in evaluation
     * (training keeps x for the backward pass).
     */
    public void forward(Tensor x, Tensor y, boolean training) {
        if (training) {
            BatchNorm.statistics(backend, x, channels, EPS, MOMENTUM, stats, running);
            batchesTracked++;
        } else {
            BatchNorm.runningStatistics(backend, running, channels, EPS, stats);
        }
        BatchNorm.normalize(backend, x, channels, stats, params.value(name + ".weight"), params.value(name + ".bias"), y);
    }

    /** After a training {@link #forward} on x: dgamma and dbeta (added when {@code accumulate}) and dx. */
    public void backward(Tensor x, Tensor dy, boolean accumulate, Tensor dx) {
        BatchNorm.backward(backend, x, dy, channels, stats, params.value(name + ".weight"), accumulate, params.grad(name + ".weight"),
                params.grad(name + ".bias"), sums, dx);
    }

    /** [running_mean | running_var], 2 x channels values, for checkpoints. */
    public Tensor running() {
        return running;
    }

    /** PyTorch's num_batches_tracked: training forward passes so far. */
    public long batchesTracked() {
        return batchesTracked;
    }

    @Override
    public void close() {
        for (Tensor t : new Tensor[] {running, stats, sums}) {
            if (t != null) {
                t.close();
            }
        }
    }
}
