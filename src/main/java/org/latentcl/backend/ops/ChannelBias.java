package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;
import org.latentcl.opencl.LocalMemory;

/**
 * A per-channel bias on NCHW tensors, as a convolution adds it: y[n][c][i] = x[n][c][i] + b[c],
 * and its gradient db[c] = beta db[c] + the sum of dy[n][c][i] over n and i. A tensor holds one
 * example per row, its channels one after another ({@code plane} = H x W values each). Kernels
 * {@code elementwise.cl: channel_bias} (one work-item per element) and {@code channel_bias_grad}
 * (one per channel on CPUs, one work-group per channel on GPUs; both sum in a fixed order).
 */
public final class ChannelBias {
    record Forward(int n, int channels, int plane, Tensor x, Tensor bias, Tensor y) {
    }

    record Gradient(int batch, int channels, int plane, Tensor dy, float beta, Tensor db) {
    }

    private static final KernelBinding<Forward> FORWARD = KernelBinding.of("elementwise.cl", "channel_bias", Forward.class);
    /** The CPU style: a plane per work-item. */
    private static final KernelBinding<Forward> FORWARD_PLANES = KernelBinding.of("elementwise.cl", "channel_bias_planes", Forward.class);
    private static final KernelBinding<Gradient> GRADIENT = KernelBinding.of("elementwise.cl", "channel_bias_grad", Gradient.class);

    record GradientGroups(int batch, int channels, int plane, Tensor dy, float beta, Tensor db, LocalMemory scratch) {
    }

    /** The GPU style: a work-group per channel (a work-item per channel leaves a GPU almost idle). */
    private static final KernelBinding<GradientGroups> GRADIENT_GROUPS =
            KernelBinding.of("elementwise.cl", "channel_bias_grad_groups", GradientGroups.class);

    public static final OpSpec SPEC = new OpSpec("channelBias", "y[n][c][i] = x[n][c][i] + b[c] (NCHW, a row per example)",
            "elementwise.cl: channel_bias", List.of(SelfCheck.matrix("channelBias (3 channels of 11)", 0, 0, (be, a) -> {
                try (Tensor b = be.upload(new float[] {0.5f, -1.25f, 2f}, 1, 3)) {
                    return SelfCheck.out(be, a, y -> channelBias(be, a, b, y));
                }
            })));
    public static final OpSpec GRADIENT_SPEC = new OpSpec("channelBiasGradient", "db[c] = beta db[c] + sum over n, i of dy[n][c][i]",
            "elementwise.cl: channel_bias_grad (CPUs), channel_bias_grad_groups (GPUs)", List.of(SelfCheck.matrix("channelBiasGradient (3 channels of 11)", 1e-4, 1e-5,
                    (be, a) -> SelfCheck.out(be, 1, 3, db -> channelBiasGradient(be, a, 0f, db)))));

    private ChannelBias() {
    }

    /** y = x + b[c] for every value of channel c; x and y are batch x (channels * plane), b has the channels; y may be x. */
    public static void channelBias(Backend be, Tensor x, Tensor bias, Tensor y) {
        int plane = plane(be, "channelBias", x, bias);
        be.sameSize("channelBias", x, y);
        int channels = bias.size();
        be.run("channelBias", x.size(), 12.0 * x.size(),
                java -> {
                    if (java.plain()) {
                        reference(x, bias, y, channels, plane);
                        return;
                    }
                    // The same sums on the arrays, a plane at a time.
                    float[] xs = JavaBackend.array(x);
                    float[] ys = JavaBackend.array(y);
                    float[] bs = JavaBackend.array(bias);
                    int xo = (int) x.offset();
                    int yo = (int) y.offset();
                    int bo = (int) bias.offset();
                    java.parallelFor(x.size() / plane, x.size(), p -> {
                        float b = bs[bo + p % channels];
                        for (int q = p * plane; q < (p + 1) * plane; q++) {
                            ys[yo + q] = xs[xo + q] + b;
                        }
                    });
                },
                cl -> {
                    Forward args = new Forward(x.size(), channels, plane, x, bias, y);
                    if (cl.contiguous()) {
                        cl.elementwise(FORWARD_PLANES, "", x.size() / plane, args);
                    } else {
                        cl.elementwise(FORWARD, "", x.size(), args);
                    }
                });
    }

    /** db[c] = beta db[c] + the sum of channel c of dy over the batch and the plane. */
    public static void channelBiasGradient(Backend be, Tensor dy, float beta, Tensor db) {
        int plane = plane(be, "channelBiasGradient", dy, db);
        int channels = db.size();
        be.run("channelBiasGradient", dy.size(), 4.0 * dy.size(),
                java -> gradientReference(dy, beta, db, channels, plane),
                cl -> {
                    if (cl.contiguous()) {
                        cl.elementwise(GRADIENT, "", channels, new Gradient(dy.rows(), channels, plane, dy, beta, db));
                    } else {
                        Reduction.perGroup(cl, GRADIENT_GROUPS, channels,
                                new GradientGroups(dy.rows(), channels, plane, dy, beta, db, Reduction.scratch(cl)));
                    }
                });
    }

    static void reference(Tensor x, Tensor b, Tensor y, int channels, int plane) {
        for (int n = 0; n < x.rows(); n++) {
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < plane; i++) {
                    int at = (n * channels + c) * plane + i;
                    y.set(at, x.get(at) + b.get(c));
                }
            }
        }
    }

    static void gradientReference(Tensor dy, float beta, Tensor db, int channels, int plane) {
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int n = 0; n < dy.rows(); n++) {
                for (int i = 0; i < plane; i++) {
                    s += dy.get((n * channels + c) * plane + i);
                }
            }
            db.set(c, (beta == 0f ? 0f : beta * db.get(c)) + (float) s);
        }
    }

    /** The values per channel, after checking that the channels of {@code perChannel} divide a row of x. */
    private static int plane(Backend be, String op, Tensor x, Tensor perChannel) {
        be.own(x, op);
        be.own(perChannel, op + " channel values");
        int channels = perChannel.size();
        if (channels == 0 || x.cols() % channels != 0) {
            throw new IllegalArgumentException(op + ": " + channels + " channels do not divide a row of " + x.cols() + " values ("
                    + x.shape() + ")");
        }
        return x.cols() / channels;
    }
}
