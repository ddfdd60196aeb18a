package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * Between example-major image tensors (N x (C P), NCHW with P = H W values per channel) and
 * channel-major ones (C x (N P)), the layout a convolution's GEMM produces and consumes: W (O x C kh kw)
 * times the im2col matrix gives O x (N P). {@link #fromChannelMajor} applies a {@link ConvEpilogue} on the
 * way (a layer's bias and activation, or the gate of an input gradient). Kernels {@code conv.cl: to_channel_major, from_channel_major}.
 */
public final class ChannelMajor {
    record ToArgs(int n, int channels, int plane, Tensor y, Tensor out) {
    }

    record FromArgs(int n, int channels, int plane, Tensor in, Tensor bias, boolean hasBias, Tensor y, int act, float slope,
                    Tensor gate, boolean hasGate, int gateAct, float gateSlope) {
        FromArgs(int n, int channels, int plane, Tensor in, ConvEpilogue ep, Tensor y) {
            this(n, channels, plane, in, ep.bias() == null ? in : ep.bias(), ep.bias() != null, y, ep.act().code(), ep.act().slope(),
                    ep.gate() == null ? in : ep.gate(), ep.gate() != null, ep.gateAct().code(), ep.gateAct().slope());
        }
    }

    private static final KernelBinding<ToArgs> TO = KernelBinding.of("conv.cl", "to_channel_major", ToArgs.class);
    private static final KernelBinding<FromArgs> FROM = KernelBinding.of("conv.cl", "from_channel_major", FromArgs.class);
    /** The CPU style: one plane per work-item. */
    private static final KernelBinding<ToArgs> TO_ROWS = KernelBinding.of("conv.cl", "to_channel_major_rows", ToArgs.class);
    private static final KernelBinding<FromArgs> FROM_ROWS = KernelBinding.of("conv.cl", "from_channel_major_rows", FromArgs.class);

    public static final OpSpec TO_SPEC = new OpSpec("toChannelMajor", "out[c][n P + q] = y[n][c P + q]", "conv.cl: to_channel_major",
            List.of(SelfCheck.matrix("toChannelMajor (3 channels of 11)", 0, 0,
                    (be, a) -> SelfCheck.out(be, 3, a.rows() * 11, t -> toChannelMajor(be, a, 3, t)))));
    public static final OpSpec FROM_SPEC = new OpSpec("fromChannelMajor", "y[n][c P + q] = act(in[c][n P + q] + bias[c]) (or times a gate's f')",
            "conv.cl: from_channel_major", List.of(SelfCheck.matrix("fromChannelMajor (3 channels of 11, bias and LeakyReLU)", 0, 0,
                    (be, a) -> {
                        try (Tensor in = be.zeros(3, a.rows() * 11); Tensor b = be.upload(new float[] {0.5f, -1.5f, 2f}, 1, 3)) {
                            toChannelMajor(be, a, 3, in);
                            return SelfCheck.out(be, a, y -> fromChannelMajor(be, in,
                                    ConvEpilogue.biasThen(b, org.latentcl.backend.Activation.leakyRelu(0.2f)), 3, y));
                        }
                    }), SelfCheck.matrix("fromChannelMajor (3 channels of 11, gated by ReLU)", 0, 0, (be, a) -> {
                        try (Tensor in = be.zeros(3, a.rows() * 11)) {
                            toChannelMajor(be, a, 3, in);
                            // The gate is the input itself: a ReLU's derivative where it is positive.
                            return SelfCheck.out(be, a, y -> fromChannelMajor(be, in,
                                    ConvEpilogue.gated(a, org.latentcl.backend.Activation.RELU), 3, y));
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
                        copyPlanes(java, y, out, y.rows(), channels, plane, true, ConvEpilogue.NONE);
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
        fromChannelMajor(be, in, ConvEpilogue.biasThen(bias, org.latentcl.backend.Activation.IDENTITY), channels, y);
    }

    /** y (N x C P) = ep(in (C x N P) with examples first): the channel's bias, an activation or a gate on the way. */
    public static void fromChannelMajor(Backend be, Tensor in, ConvEpilogue ep, int channels, Tensor y) {
        String op = "fromChannelMajor";
        int plane = check(be, op, y, channels, in);
        ep.check(be, op, channels, y);
        be.run(op, 0, 8.0 * y.size(),
                java -> {
                    if (!java.plain()) {
                        copyPlanes(java, in, y, y.rows(), channels, plane, false, ep);
                        return;
                    }
                    for (int b = 0; b < y.rows(); b++) {
                        for (int c = 0; c < channels; c++) {
                            for (int q = 0; q < plane; q++) {
                                int at = (b * channels + c) * plane + q;
                                y.set(at, ep.apply(in.get(c, b * plane + q), c, at));
                            }
                        }
                    }
                },
                cl -> {
                    FromArgs args = new FromArgs(y.rows(), channels, plane, in, ep, y);
                    if (cl.contiguous()) {
                        cl.elementwise(FROM_ROWS, "", y.rows() * channels, args);
                    } else {
                        cl.elementwise(FROM, "", y.size(), args);
                    }
                });
    }

    /**
     * The fast Java path of both permutations: one array copy per plane (with the epilogue on the way
     * back). toChannelMajor when {@code toCm}: src is N x (C P), dst C x (N P); else the reverse.
     */
    private static void copyPlanes(org.latentcl.backend.JavaBackend jb, Tensor src, Tensor dst, int n, int channels, int plane,
                                   boolean toCm, ConvEpilogue ep) {
        float[] s = org.latentcl.backend.JavaBackend.array(src);
        float[] d = org.latentcl.backend.JavaBackend.array(dst);
        int so = (int) src.offset();
        int dof = (int) dst.offset();
        // Plane by plane on the pool: an epilogue makes this more than a copy.
        jb.parallelFor(n * channels, (long) n * channels * plane, p -> {
            int e = p / channels;
            int c = p % channels;
            int example = (e * channels + c) * plane;
            int channel = (c * n + e) * plane;
            if (toCm) {
                System.arraycopy(s, so + example, d, dof + channel, plane);
            } else if (ep.plain()) {
                System.arraycopy(s, so + channel, d, dof + example, plane);
            } else {
                ep.applyRange(s, so + channel, d, dof + example, plane, c, example);
            }
        });
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
