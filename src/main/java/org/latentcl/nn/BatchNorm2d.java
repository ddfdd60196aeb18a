package org.latentcl.nn;

import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.BatchNorm;
import org.latentcl.backend.ops.Elementwise;

/**
 * PyTorch's {@code nn.BatchNorm2d} on NCHW batches: the affine parameters {@code NAME.weight}
 * (gamma, a scale: ones at first) and {@code NAME.bias} (beta, a shift: zeros), trained like any
 * parameter, and the running statistics, which are registered buffers, not parameters:
 * {@code running_mean} (zeros at first), {@code running_var} (ones) and {@code num_batches_tracked},
 * moved by every training forward pass with momentum 0.1 and left alone in evaluation. eps 1e-5, as
 * PyTorch's defaults. A ReLU or LeakyReLU after it is {@linkplain #fuse fused} into its normalizing launch.
 */
public final class BatchNorm2d implements Layer {
    /** PyTorch's defaults. */
    public static final float EPS = 1e-5f;
    public static final float MOMENTUM = 0.1f;

    private final String name;
    private final int channels;
    private final int plane;
    private final ParamSpec gammaSpec;
    private final ParamSpec betaSpec;
    private Param gamma;
    private Param beta;
    private Backend backend;
    private Tensor running;
    private Tensor stats;
    private Tensor sums;
    private Tensor scratchGrads;
    private Tensor scratchDx;
    private long batchesTracked;
    private Activation act = Activation.IDENTITY;

    /** Batch norm over {@code channels} planes of {@code plane} values (H x W) each. */
    public BatchNorm2d(String name, int channels, int plane) {
        if (channels < 1 || plane < 1) {
            throw new IllegalArgumentException("layer " + name + ": channels and plane size must be positive, got " + channels + " and " + plane);
        }
        this.name = name;
        this.channels = channels;
        this.plane = plane;
        this.gammaSpec = ParamSpec.scale(name + ".weight", channels);
        this.betaSpec = ParamSpec.shift(name + ".bias", channels);
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

    /** gamma (a scale) and beta (a shift). */
    @Override
    public List<ParamSpec> specs() {
        return List.of(gammaSpec, betaSpec);
    }

    @Override
    public String label() {
        return name + " BatchNorm2d";
    }

    @Override
    public Activation activation() {
        return act;
    }

    /** This layer with a ReLU or LeakyReLU applied as it normalizes; null for other activations (they stay layers of their own). */
    @Override
    public Layer fuse(Activation a) {
        if (act.kind() != Activation.Kind.IDENTITY || !a.piecewiseLinear() || a.kind() == Activation.Kind.IDENTITY) {
            return null;
        }
        BatchNorm2d fused = new BatchNorm2d(name, channels, plane);
        fused.act = a;
        return fused;
    }

    /** Connects the layer to its parameters and makes its buffers (running mean 0, running variance 1). */
    @Override
    public void bind(Parameters p) {
        gamma = p.param(gammaSpec);
        beta = p.param(betaSpec);
        backend = p.backend();
        float[] init = new float[2 * channels];
        java.util.Arrays.fill(init, channels, 2 * channels, 1f);
        running = backend.upload(init, 1, 2 * channels);
        stats = backend.zeros(1, 2 * channels);
        sums = backend.zeros(1, 2 * channels);
    }

    /** gamma = 1 and beta = 0, PyTorch's initialization (call after the parameters' own initializer). */
    public void resetAffine() {
        Elementwise.fill(backend, gamma.value(), 1f);
        Elementwise.fill(backend, beta.value(), 0f);
    }

    /**
     * y = act(gamma (x - mean) / sqrt(var + eps) + beta) per channel: with the batch's statistics (moving the
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
        BatchNorm.normalize(backend, x, channels, stats, gamma.value(), beta.value(), act, y);
    }

    /**
     * After a training {@link #forward} on x, from dy = dL/d(the output before the fused activation):
     * dgamma and dbeta (added when {@code accumulate}) when {@code parameters}, and dx. The kernel computes
     * the parameter gradients on the way to dx; when they are not wanted they go to scratch.
     */
    @Override
    public boolean backward(Tensor x, Tensor y, Tensor dy, boolean accumulate, boolean parameters, Tensor dx, Activation gate) {
        if (dx == null && !parameters) {
            return false;
        }
        Tensor dgamma = gamma.grad();
        Tensor dbeta = beta.grad();
        if (!parameters) {
            if (scratchGrads == null) {
                scratchGrads = backend.zeros(1, 2 * channels);
            }
            dgamma = scratchGrads.view(0, 1, channels);
            dbeta = scratchGrads.view(channels, 1, channels);
            accumulate = false;
        }
        BatchNorm.backward(backend, x, dy, channels, stats, gamma.value(), accumulate && parameters, dgamma, dbeta, sums,
                dx == null ? scratchInput(x) : dx);
        return false;
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

    /**
     * The running statistics as PyTorch's state_dict has them: {@code NAME.running_mean} [C],
     * {@code NAME.running_var} [C] and {@code NAME.num_batches_tracked} (an int64 scalar).
     */
    @Override
    public List<Buffer> buffers() {
        return List.of(Buffer.of(name + ".running_mean", running.view(0, 1, channels), channels),
                Buffer.of(name + ".running_var", running.view(channels, 1, channels), channels), new Buffer() {
                    @Override
                    public String name() {
                        return name + ".num_batches_tracked";
                    }

                    @Override
                    public int[] shape() {
                        return new int[0];
                    }

                    @Override
                    public boolean integer() {
                        return true;
                    }

                    @Override
                    public float[] read() {
                        return new float[] {batchesTracked};
                    }

                    @Override
                    public void write(float[] values) {
                        batchesTracked = (long) values[0];
                    }
                });
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
