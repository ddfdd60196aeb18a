package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;
import org.latentcl.opencl.LocalMemory;

/**
 * 2-D batch normalization (Ioffe &amp; Szegedy 2015) as PyTorch's BatchNorm2d computes it, on NCHW
 * batches (one example per row, C channels of P values). {@code stats} holds [mean | invstd] per
 * channel (2C values), {@code running} [running_mean | running_var]. Kernels {@code batchnorm.cl}:
 * the per-channel sums run one work-item per channel on CPUs and one work-group per channel on GPUs,
 * in a fixed, compensated order (no atomics).
 * <ul>
 * <li>{@link #statistics}: the batch's mean and 1/sqrt(var + eps) (biased var), and the running
 *     statistics moved by momentum m (unbiased var M/(M-1)), as in training;
 * <li>{@link #runningStatistics}: stats from the running statistics, as in evaluation;
 * <li>{@link #normalize}: y = gamma (x - mean) invstd + beta (then an activation, when one is fused);
 * <li>{@link #backward}: dgamma (+)= sum dy xhat, dbeta (+)= sum dy, and
 *     dx = gamma invstd (dy - dbeta/M - xhat dgamma/M) with this batch's sums (xhat = (x - mean) invstd).
 * </ul>
 */
public final class BatchNorm {
    record StatsArgs(int n, int channels, int plane, Tensor x, float eps, float momentum, Tensor stats, Tensor running) {
    }

    record RunningArgs(int channels, float eps, Tensor running, Tensor stats) {
    }

    record ApplyArgs(int total, int channels, int plane, Tensor x, Tensor stats, Tensor gamma, Tensor beta, Tensor y, int act, float slope) {
    }

    record ParamGradArgs(int n, int channels, int plane, Tensor x, Tensor dy, Tensor stats, boolean accumulate, Tensor dgamma,
                         Tensor dbeta, Tensor sums) {
    }

    record InputGradArgs(int total, int channels, int plane, float count, Tensor x, Tensor dy, Tensor stats, Tensor gamma, Tensor sums,
                         Tensor dx) {
    }

    record StatsGroupArgs(int n, int channels, int plane, Tensor x, float eps, float momentum, Tensor stats, Tensor running,
                          LocalMemory scratch) {
    }

    record ParamGradGroupArgs(int n, int channels, int plane, Tensor x, Tensor dy, Tensor stats, boolean accumulate, Tensor dgamma,
                              Tensor dbeta, Tensor sums, LocalMemory scratch) {
    }

    private static final KernelBinding<StatsArgs> STATS = KernelBinding.of("batchnorm.cl", "bn_stats", StatsArgs.class);
    /** The GPU style of the two per-channel sums: a work-group per channel. */
    private static final KernelBinding<StatsGroupArgs> STATS_GROUPS = KernelBinding.of("batchnorm.cl", "bn_stats_groups", StatsGroupArgs.class);
    private static final KernelBinding<ParamGradGroupArgs> PARAM_GRADS_GROUPS =
            KernelBinding.of("batchnorm.cl", "bn_param_grads_groups", ParamGradGroupArgs.class);
    private static final KernelBinding<RunningArgs> RUNNING = KernelBinding.of("batchnorm.cl", "bn_running_stats", RunningArgs.class);
    private static final KernelBinding<ApplyArgs> APPLY = KernelBinding.of("batchnorm.cl", "bn_apply", ApplyArgs.class);
    private static final KernelBinding<ParamGradArgs> PARAM_GRADS = KernelBinding.of("batchnorm.cl", "bn_param_grads", ParamGradArgs.class);
    private static final KernelBinding<InputGradArgs> INPUT_GRAD = KernelBinding.of("batchnorm.cl", "bn_input_grad", InputGradArgs.class);
    /** The CPU style: a plane per work-item. */
    private static final KernelBinding<ApplyArgs> APPLY_PLANES = KernelBinding.of("batchnorm.cl", "bn_apply_planes", ApplyArgs.class);
    private static final KernelBinding<InputGradArgs> INPUT_GRAD_PLANES =
            KernelBinding.of("batchnorm.cl", "bn_input_grad_planes", InputGradArgs.class);

    public static final OpSpec STATISTICS_SPEC = new OpSpec("batchNormStatistics",
            "per channel: mean, 1/sqrt(var + eps) (biased), running mean and unbiased var moved by momentum", "batchnorm.cl: bn_stats (CPUs), bn_stats_groups (GPUs)",
            List.of(SelfCheck.matrix("batchNormStatistics (3 channels of 11)", 1e-5, 1e-5, (be, a) -> {
                try (Tensor stats = be.zeros(1, 6); Tensor running = be.upload(new float[] {0, 0.5f, -1, 1, 2, 0.5f}, 1, 6)) {
                    statistics(be, a, 3, 1e-5f, 0.1f, stats, running);
                    return SelfCheck.concat(be.read(stats), be.read(running));
                }
            })));
    public static final OpSpec RUNNING_SPEC = new OpSpec("batchNormRunningStatistics", "stats = [running mean | 1/sqrt(running var + eps)]",
            "batchnorm.cl: bn_running_stats", List.of(SelfCheck.vectors("batchNormRunningStatistics", 1, 1e-6, 1e-6, (n, in) -> {
                for (int i = 0; i < n; i++) {
                    in[0][i] = Math.abs(in[0][i]);
                }
            }, (be, x) -> {
                int c = x[0].size() / 2;
                try (Tensor stats = be.zeros(1, 2 * c)) {
                    if (c > 0) {
                        runningStatistics(be, x[0].view(0, 1, 2 * c), c, 1e-5f, stats);
                    }
                    return be.read(stats);
                }
            })));
    public static final OpSpec NORMALIZE_SPEC = new OpSpec("batchNormalize", "y = act(gamma (x - mean) invstd + beta), per channel",
            "batchnorm.cl: bn_apply", List.of(SelfCheck.matrix("batchNormalize (3 channels of 11, LeakyReLU)", 1e-5, 1e-5, (be, a) -> {
                try (Tensor stats = be.upload(new float[] {0.5f, -1f, 0f, 2f, 0.5f, 1f}, 1, 6);
                     Tensor gamma = be.upload(new float[] {1f, -0.5f, 2f}, 1, 3); Tensor beta = be.upload(new float[] {0f, 1f, -2f}, 1, 3)) {
                    return SelfCheck.out(be, a, y -> normalize(be, a, 3, stats, gamma, beta, Activation.leakyRelu(0.2f), y));
                }
            })));
    public static final OpSpec BACKWARD_SPEC = new OpSpec("batchNormBackward",
            "dgamma (+)= sum dy xhat; dbeta (+)= sum dy; dx = gamma invstd (dy - dbeta/M - xhat dgamma/M)",
            "batchnorm.cl: bn_param_grads (CPUs) or bn_param_grads_groups (GPUs), bn_input_grad", List.of(SelfCheck.matrix("batchNormBackward (3 channels of 11)", 1e-4, 1e-4,
                    (be, a) -> {
                        try (Tensor stats = be.zeros(1, 6); Tensor running = be.zeros(1, 6); Tensor dy = be.zeros(a.rows(), a.cols());
                             Tensor gamma = be.upload(new float[] {1f, -0.5f, 2f}, 1, 3); Tensor dg = be.zeros(1, 3); Tensor db = be.zeros(1, 3);
                             Tensor sums = be.zeros(1, 6); Tensor dx = be.zeros(a.rows(), a.cols())) {
                            statistics(be, a, 3, 1e-5f, 0.1f, stats, running);
                            Transpose.transpose(be, a.reshape(a.cols(), a.rows()), dy.reshape(a.rows(), a.cols()));
                            backward(be, a, dy, 3, stats, gamma, false, dg, db, sums, dx);
                            return SelfCheck.concat(SelfCheck.concat(be.read(dg), be.read(db)), be.read(dx));
                        }
                    })));

    private BatchNorm() {
    }

    /** The batch's per-channel mean and invstd into stats (2C), and the running statistics moved by momentum. */
    public static void statistics(Backend be, Tensor x, int channels, float eps, float momentum, Tensor stats, Tensor running) {
        int plane = plane(be, "batchNormStatistics", x, channels);
        perChannel(be, "batchNormStatistics", channels, stats, running);
        int n = x.rows();
        be.run("batchNormStatistics", 6.0 * x.size(), 8.0 * x.size(),
                java -> {
                    if (!java.plain()) {
                        JavaBatchNorm.statistics(java, x, channels, plane, eps, momentum, stats, running);
                        return;
                    }
                    double count = (double) n * plane;
                    for (int c = 0; c < channels; c++) {
                        double sum = 0;
                        for (int b = 0; b < n; b++) {
                            for (int q = 0; q < plane; q++) {
                                sum += x.get(b, c * plane + q);
                            }
                        }
                        double mean = sum / count;
                        double sq = 0;
                        for (int b = 0; b < n; b++) {
                            for (int q = 0; q < plane; q++) {
                                double d = x.get(b, c * plane + q) - mean;
                                sq += d * d;
                            }
                        }
                        double var = sq / count;
                        stats.set(c, (float) mean);
                        stats.set(channels + c, (float) (1.0 / Math.sqrt(var + eps)));
                        double unbiased = count > 1 ? var * count / (count - 1) : var;
                        running.set(c, (float) ((1 - momentum) * running.get(c) + momentum * mean));
                        running.set(channels + c, (float) ((1 - momentum) * running.get(channels + c) + momentum * unbiased));
                    }
                },
                cl -> {
                    if (cl.contiguous()) {
                        cl.elementwise(STATS, "", channels, new StatsArgs(n, channels, plane, x, eps, momentum, stats, running));
                    } else {
                        Reduction.perGroup(cl, STATS_GROUPS, channels,
                                new StatsGroupArgs(n, channels, plane, x, eps, momentum, stats, running, Reduction.scratch(cl)));
                    }
                });
    }

    /** stats = [running mean | 1 / sqrt(running var + eps)], as evaluation normalizes. */
    public static void runningStatistics(Backend be, Tensor running, int channels, float eps, Tensor stats) {
        perChannel(be, "batchNormRunningStatistics", channels, stats, running);
        be.run("batchNormRunningStatistics", 0, 16.0 * channels,
                java -> {
                    for (int c = 0; c < channels; c++) {
                        stats.set(c, running.get(c));
                        stats.set(channels + c, (float) (1.0 / Math.sqrt(running.get(channels + c) + eps)));
                    }
                },
                cl -> cl.elementwise(RUNNING, "", channels, new RunningArgs(channels, eps, running, stats)));
    }

    /** y = gamma (x - mean) invstd + beta per channel; y may be x. */
    public static void normalize(Backend be, Tensor x, int channels, Tensor stats, Tensor gamma, Tensor beta, Tensor y) {
        normalize(be, x, channels, stats, gamma, beta, Activation.IDENTITY, y);
    }

    /** y = act(gamma (x - mean) invstd + beta) per channel (an activation fused into the layer); y may be x. */
    public static void normalize(Backend be, Tensor x, int channels, Tensor stats, Tensor gamma, Tensor beta, Activation act, Tensor y) {
        int plane = plane(be, "batchNormalize", x, channels);
        be.sameSize("batchNormalize", x, y);
        perChannel(be, "batchNormalize", channels, stats);
        affine(be, "batchNormalize", channels, gamma, beta);
        be.run("batchNormalize", 4.0 * x.size(), 8.0 * x.size(),
                java -> {
                    if (!java.plain()) {
                        JavaBatchNorm.normalize(java, x, channels, plane, stats, gamma, beta, act, y);
                        return;
                    }
                    for (int i = 0; i < x.size(); i++) {
                        int c = (i / plane) % channels;
                        y.set(i, act.apply(gamma.get(c) * ((x.get(i) - stats.get(c)) * stats.get(channels + c)) + beta.get(c)));
                    }
                },
                cl -> {
                    ApplyArgs args = new ApplyArgs(x.size(), channels, plane, x, stats, gamma, beta, y, act.code(), act.slope());
                    if (cl.contiguous()) {
                        cl.elementwise(APPLY_PLANES, "", x.size() / plane, args);
                    } else {
                        cl.elementwise(APPLY, "", x.size(), args);
                    }
                });
    }

    /**
     * The gradients after {@link #normalize} with the batch statistics: dgamma and dbeta (added to what is
     * there when {@code accumulate}), this batch's sums (2C, scratch), and dx (not overlapping dy).
     */
    public static void backward(Backend be, Tensor x, Tensor dy, int channels, Tensor stats, Tensor gamma, boolean accumulate,
                                Tensor dgamma, Tensor dbeta, Tensor sums, Tensor dx) {
        int plane = plane(be, "batchNormBackward", x, channels);
        be.sameSize("batchNormBackward", x, dy, dx);
        perChannel(be, "batchNormBackward", channels, stats, sums);
        affine(be, "batchNormBackward", channels, gamma, dgamma);
        affine(be, "batchNormBackward", channels, dbeta);
        int n = x.rows();
        float count = (float) n * plane;
        be.run("batchNormBackward", 10.0 * x.size(), 20.0 * x.size(),
                java -> {
                    if (!java.plain()) {
                        JavaBatchNorm.backward(java, x, dy, channels, plane, stats, gamma, accumulate, dgamma, dbeta, sums, dx);
                        return;
                    }
                    for (int c = 0; c < channels; c++) {
                        double g = 0;
                        double bs = 0;
                        for (int b = 0; b < n; b++) {
                            for (int q = 0; q < plane; q++) {
                                int at = c * plane + q;
                                g += dy.get(b, at) * ((x.get(b, at) - stats.get(c)) * stats.get(channels + c));
                                bs += dy.get(b, at);
                            }
                        }
                        sums.set(c, (float) g);
                        sums.set(channels + c, (float) bs);
                        dgamma.set(c, (accumulate ? dgamma.get(c) : 0f) + (float) g);
                        dbeta.set(c, (accumulate ? dbeta.get(c) : 0f) + (float) bs);
                    }
                    for (int i = 0; i < x.size(); i++) {
                        int c = (i / plane) % channels;
                        float invstd = stats.get(channels + c);
                        float xhat = (x.get(i) - stats.get(c)) * invstd;
                        dx.set(i, gamma.get(c) * invstd * (dy.get(i) - sums.get(channels + c) / count - xhat * sums.get(c) / count));
                    }
                },
                cl -> {
                    if (cl.contiguous()) {
                        cl.elementwise(PARAM_GRADS, "", channels, new ParamGradArgs(n, channels, plane, x, dy, stats, accumulate, dgamma,
                                dbeta, sums));
                    } else {
                        Reduction.perGroup(cl, PARAM_GRADS_GROUPS, channels, new ParamGradGroupArgs(n, channels, plane, x, dy, stats,
                                accumulate, dgamma, dbeta, sums, Reduction.scratch(cl)));
                    }
                    InputGradArgs args = new InputGradArgs(x.size(), channels, plane, count, x, dy, stats, gamma, sums, dx);
                    if (cl.contiguous()) {
                        cl.elementwise(INPUT_GRAD_PLANES, "", x.size() / plane, args);
                    } else {
                        cl.elementwise(INPUT_GRAD, "", x.size(), args);
                    }
                });
    }

    private static int plane(Backend be, String op, Tensor x, int channels) {
        be.own(x, op);
        if (channels < 1 || x.cols() % channels != 0) {
            throw new IllegalArgumentException(op + ": " + channels + " channels do not divide a row of " + x.cols() + " values");
        }
        return x.cols() / channels;
    }

    /** Statistics tensors: two values per channel each (every one required). */
    private static void perChannel(Backend be, String op, int channels, Tensor... stats) {
        for (Tensor t : stats) {
            be.own(t, op);
            if (t.size() != 2 * channels) {
                throw new IllegalArgumentException(op + ": per-channel statistics need " + (2 * channels) + " values, got " + t.shape());
            }
        }
    }

    /** Parameter tensors (gamma, beta or their gradients): one value per channel each. */
    private static void affine(Backend be, String op, int channels, Tensor... params) {
        for (Tensor t : params) {
            be.own(t, op);
            if (t.size() != channels) {
                throw new IllegalArgumentException(op + ": per-channel parameters need " + channels + " values, got " + t.shape());
            }
        }
    }
}
