package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * Between example-major image tensors (N x (C P), NCHW with P = H W values per channel) and
 * channel-major ones (C x (N P)), the layout a convolution's GEMM produces and consumes: W (O x C kh kw)
 * times the im2col matrix gives O x (N P). {@link #fromChannelMajor} adds the per-channel bias on the
 * way. Kernels {@code conv.cl: to_channel_major, from_channel_major}.
 */
public final class ChannelMajor {
    record ToArgs(int n, int channels, int plane, Tensor y, Tensor out) {
    }

    record FromArgs(int n, int channels, int plane, Tensor in, Tensor bias, boolean hasBias, Tensor y) {
    }

    private static final KernelBinding<ToArgs> TO = KernelBinding.of("conv.cl", "to_channel_major", ToArgs.class);
    private static final KernelBinding<FromArgs> FROM = KernelBinding.of("conv.cl", "from_channel_major", FromArgs.class);
    /** The CPU style: one plane per work-item. */
    private static final KernelBinding<ToArgs> TO_ROWS = KernelBinding.of("conv.cl", "to_channel_major_rows", ToArgs.class);
    private static final KernelBinding<FromArgs> FROM_ROWS = KernelBinding.of("conv.cl", "from_channel_major_rows", FromArgs.class);

    public static final OpSpec TO_SPEC = new OpSpec("toChannelMajor", "out[c][n P + q] = y[n][c P + q]", "conv.cl: to_channel_major",
            List.of(SelfCheck.matrix("toChannelMajor (3 channels of 11)", 0, 0,
                    (be, a) -> SelfCheck.out(be, 3, a.rows() * 11, t -> toChannelMajor(be, a, 3, t)))));
    public static final OpSpec FROM_SPEC = new OpSpec("fromChannelMajor", "y[n][c P + q] = in[c][n P + q] + bias[c]",
            "conv.cl: from_channel_major", List.of(SelfCheck.matrix("fromChannelMajor (3 channels of 11, bias)", 0, 0, (be, a) -> {
                try (Tensor in = be.zeros(3, a.rows() * 11); Tensor b = be.upload(new float[] {0.5f, -1.5f, 2f}, 1, 3)) {
                    toChannelMajor(be, a, 3, in);
                    return SelfCheck.out(be, a, y -> fromChannelMajor(be, in, b, 3, y));
                }
            })));

    private ChannelMajor() {
    }

    /** out (C x N P) = y (N x C P) with channels first. */
    public static void toChannelMajor(Backend be, Tensor y, int channels, Tensor out) {
        int plane = check(be, "toChannelMajor", y, channels, out);
        be.run("toChannelMajor", 0, 8.0 * y.size(),
                java -> {
                    if (!java.plain()) {
                        copyPlanes(y, out, y.rows(), channels, plane, true, null);
                        return;
                    }
                    for (int c = 0; c < channels; c++) {
                        for (int b = 0; b < y.rows(); b++) {
                            for (int q = 0; q < plane; q++) {
                                out.set(c, b * plane + q, y.get(b, c * plane + q));
                            }
                        }
                    }
                },
                cl -> {
                    ToArgs args = new ToArgs(y.rows(), channels, plane, y, out);
                    if (cl.contiguous()) {
                        cl.elementwise(TO_ROWS, "", y.rows() * channels, args);
                    } else {
                        cl.elementwise(TO, "", y.size(), args);
                    }
                });
    }

    /** y (N x C P) = in (C x N P) with examples first, plus bias[c] on channel c when bias is not null. */
    public static void fromChannelMajor(Backend be, Tensor in, Tensor bias, int channels, Tensor y) {
        int plane = check(be, "fromChannelMajor", y, channels, in);
        if (bias != null) {
            be.own(bias, "fromChannelMajor bias");
            if (bias.size() != channels) {
                throw new IllegalArgumentException("fromChannelMajor: bias must have " + channels + " values, got " + bias.shape());
            }
        }
        be.run("fromChannelMajor", 0, 8.0 * y.size(),
                java -> {
                    if (!java.plain()) {
                        copyPlanes(in, y, y.rows(), channels, plane, false, bias);
                        return;
                    }
                    for (int b = 0; b < y.rows(); b++) {
                        for (int c = 0; c < channels; c++) {
                            for (int q = 0; q < plane; q++) {
                                float v = in.get(c, b * plane + q);
                                y.set(b, c * plane + q, bias == null ? v : v + bias.get(c));
                            }
                        }
                    }
                },
                cl -> {
                    FromArgs args = new FromArgs(y.rows(), channels, plane, in, bias == null ? in : bias, bias != null, y);
                    if (cl.contiguous()) {
                        cl.elementwise(FROM_ROWS, "", y.rows() * channels, args);
                    } else {
                        cl.elementwise(FROM, "", y.size(), args);
                    }
                });
    }

    /**
     * The fast Java path of both permutations: one array copy per plane (plus the channel's bias on the
     * way back). toChannelMajor when {@code toCm}: src is N x (C P), dst C x (N P); else the reverse.
     */
    private static void copyPlanes(Tensor src, Tensor dst, int n, int channels, int plane, boolean toCm, Tensor bias) {
        float[] s = org.latentcl.backend.JavaBackend.array(src);
        float[] d = org.latentcl.backend.JavaBackend.array(dst);
        float[] b = bias == null ? null : org.latentcl.backend.JavaBackend.array(bias);
        int so = (int) src.offset();
        int dof = (int) dst.offset();
        int bo = bias == null ? 0 : (int) bias.offset();
        for (int e = 0; e < n; e++) {
            for (int c = 0; c < channels; c++) {
                int example = (e * channels + c) * plane;
                int channel = (c * n + e) * plane;
                if (toCm) {
                    System.arraycopy(s, so + example, d, dof + channel, plane);
                } else if (b == null) {
                    System.arraycopy(s, so + channel, d, dof + example, plane);
                } else {
                    float add = b[bo + c];
                    for (int q = 0; q < plane; q++) {
                        d[dof + example + q] = s[so + channel + q] + add;
                    }
                }
            }
        }
    }

    /** The values per channel, after checking that y is N x (C P) and the other tensor C x (N P). */
    private static int check(Backend be, String op, Tensor y, int channels, Tensor other) {
        be.own(y, op + " images");
        be.own(other, op + " channel-major tensor");
        if (channels < 1 || y.cols() % channels != 0) {
            throw new IllegalArgumentException(op + ": " + channels + " channels do not divide a row of " + y.cols() + " values");
        }
        int plane = y.cols() / channels;
        if (other.rows() != channels || other.cols() != y.rows() * plane) {
            throw new IllegalArgumentException(op + ": images " + y.shape() + " of " + channels + " channels need a channel-major tensor of "
                    + channels + "x" + (y.rows() * plane) + ", got " + other.shape());
        }
        return plane;
    }
}
