package org.latentcl.nn;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
public final class BatchNorm2d implements Layer {
    /** PyTorch's defaults. */
    public static final float EPS = 1e-5f;
    public static final float MOMENTUM = 0.1f;

    private final String name;
    private final int channels;
    private final int plane;
    private Parameters params;
    private Backend backend;
    private Tensor running;
    private Tensor stats;
    private Tensor sums;
    private Tensor scratchGrads;
    private Tensor scratchDx;
    private long batchesTracked;

    /** Batch norm over {@code channels} planes of {@code plane} values (H x W) each. */
    public BatchNorm2d(String name, int channels, int plane) {
        if (channels < 1 || plane < 1) {
            throw new IllegalArgumentException("layer " + name + ": channels and plane size must be positive, got " + channels + " and " + plane);
        }
        this.name = name;
        this.channels = channels;
        this.plane = plane;
    }

    public String name() {
        return name;
    }

    public int channels() {
        return channels;
    }

    @Override
    public int inputSize() {
        return channels * plane;
    }

    @Override
    public int outputSize() {
        return channels * plane;
    }

    /** gamma and beta; the initializer leaves them to {@link #resetAffine}, as PyTorch sets them to 1 and 0. */
    @Override
    public List<ParamSpec> specs() {
        return List.of(new ParamSpec(name + ".weight", 1, channels, 1, new int[] {channels}),
                new ParamSpec(name + ".bias", 1, channels, 1, new int[] {channels}));
    }

    /** Connects the layer to its parameters and makes its buffers (running mean 0, running variance 1). */
    @Override
    public String label() {
        return name + " BatchNorm2d";
    }

    @Override
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
    @Override
    public void forward(Tensor x, Tensor y, boolean training) {
        if (training) {
            BatchNorm.statistics(backend, x, channels, EPS, MOMENTUM, stats, running);
            batchesTracked++;
        } else {
            BatchNorm.runningStatistics(backend, running, channels, EPS, stats);
        }
        BatchNorm.normalize(backend, x, channels, stats, params.value(name + ".weight"), params.value(name + ".bias"), y);
    }

    /**
     * After a training {@link #forward} on x: dgamma and dbeta (added when {@code accumulate}) when
     * {@code parameters}, and dx. The kernel computes the parameter gradients on the way to dx; when
     * they are not wanted they go to scratch.
     */
    @Override
    public void backward(Tensor x, Tensor y, Tensor dy, boolean accumulate, boolean parameters, Tensor dx) {
        if (dx == null && !parameters) {
            return;
        }
        Tensor dgamma = params.grad(name + ".weight");
        Tensor dbeta = params.grad(name + ".bias");
        if (!parameters) {
            if (scratchGrads == null) {
                scratchGrads = backend.zeros(1, 2 * channels);
            }
            dgamma = scratchGrads.view(0, 1, channels);
            dbeta = scratchGrads.view(channels, 1, channels);
            accumulate = false;
        }
        BatchNorm.backward(backend, x, dy, channels, stats, params.value(name + ".weight"), accumulate && parameters, dgamma, dbeta, sums,
                dx == null ? scratchInput(x) : dx);
    }

    /** BatchNorm.backward always writes dx; without a consumer it goes to a buffer of this layer's. */
    private Tensor scratchInput(Tensor x) {
        if (scratchDx == null || scratchDx.rows() < x.rows()) {
            if (scratchDx != null) {
                scratchDx.close();
            }
            scratchDx = backend.zeros(x.rows(), x.cols());
        }
        return scratchDx.rowRange(0, x.rows());
    }

    /** The buffers' names as in PyTorch's state_dict. */
    public String[] bufferNames() {
        return new String[] {name + ".running_mean", name + ".running_var", name + ".num_batches_tracked"};
    }

    /** The buffers by their state_dict names: running_mean [C], running_var [C], num_batches_tracked (one value). */
    public Map<String, float[]> buffers() {
        float[] r = backend.read(running);
        String[] names = bufferNames();
        Map<String, float[]> out = new LinkedHashMap<>();
        out.put(names[0], Arrays.copyOfRange(r, 0, channels));
        out.put(names[1], Arrays.copyOfRange(r, channels, 2 * channels));
        out.put(names[2], new float[] {batchesTracked});
        return out;
    }

    /** Sets the buffers from values named as {@link #buffers} names them; each must be there with its size. */
    public void loadBuffers(Map<String, float[]> byName) {
        String[] names = bufferNames();
        float[] both = new float[2 * channels];
        for (int k = 0; k < 2; k++) {
            float[] v = byName.get(names[k]);
            if (v == null || v.length != channels) {
                throw new IllegalArgumentException(names[k] + (v == null ? " is missing" : " has " + v.length + " values, expected " + channels));
            }
            System.arraycopy(v, 0, both, k * channels, channels);
        }
        float[] tracked = byName.get(names[2]);
        if (tracked == null || tracked.length != 1) {
            throw new IllegalArgumentException(names[2] + " is missing");
        }
        backend.write(running, both);
        batchesTracked = (long) tracked[0];
    }

    /** PyTorch's num_batches_tracked: training forward passes so far. */
    public long batchesTracked() {
        return batchesTracked;
    }

    @Override
    public void close() {
        for (Tensor t : new Tensor[] {running, stats, sums, scratchGrads, scratchDx}) {
            if (t != null) {
                t.close();
            }
        }
    }
}
