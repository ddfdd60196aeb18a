package org.latentcl.backend.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * A convolution's backward pass as two implicit GEMMs, the GPU style of the layers' im2col + GEMM + col2im ({@link
 * ImplicitConv} is the forward pass): the weight gradient dW = beta dW + dY cols^T with dY read in the images' NCHW order and
 * cols^T gathered from x while staged ({@code gemm_local.cl: conv_wgrad_local}, K cut into chunks for {@link Gemm}'s
 * split-sum pass where its tiles of dW are fewer than the device's compute units), and the input gradient dx =
 * gate(col2im(W^T dY')) with both operands gathered ({@code conv_dgrad_local}): no column matrix, no channel-major copy.
 * The Java backend computes the references.
 */
public final class ImplicitConvBackward {
    record WeightArgs(int n, int channels, int height, int width, int kh, int kw, int stride, int pad, int outH, int outW, int out,
                      Tensor dy, Tensor x, float beta, Tensor dw) {
    }

    record InputArgs(int n, int channels, int height, int width, int kh, int kw, int stride, int pad, int outH, int outW, int out,
                     Tensor w, Tensor dy, Tensor dx, Tensor gate, boolean hasGate, int gateAct, float gateSlope) {
    }

    static final KernelBinding<WeightArgs> WEIGHT_KERNEL = KernelBinding.of("gemm_local.cl", "conv_wgrad_local", WeightArgs.class);
    static final KernelBinding<InputArgs> INPUT_KERNEL = KernelBinding.of("gemm_local.cl", "conv_dgrad_local", InputArgs.class);

    public static final OpSpec WEIGHT_SPEC = new OpSpec("convImplicitWeightGrad",
            "dW[o][(c kh + i) kw + j] = beta dW + sum over e, oy, ox of dy[e][o][oy][ox] x[e][c][oy s - p + i][ox s - p + j], 0 outside",
            "gemm_local.cl: conv_wgrad_local (+ gemm_split_sum)", List.of(check(true)));
    public static final OpSpec INPUT_SPEC = new OpSpec("convImplicitInputGrad",
            "dx[e][c][y][x] = gate(sum over o, i, j with y = oy s - p + i, x = ox s - p + j of W[o][(c kh + i) kw + j] dy[e][o][oy][ox])",
            "gemm_local.cl: conv_dgrad_local", List.of(check(false)));

    private ImplicitConvBackward() {
    }

    /**
     * dw (out x C kh kw) = beta dw + the weight gradient of the convolution of x (n x C H W) given dy (n x out Ho Wo), on the
     * tiles {@code tiles}, the positions cut into {@code splits} chunks (1: none; more: partials in the backend's scratch,
     * added in a fixed order).
     */
    public static void weightGradient(Backend be, ConvShape s, Tensor dy, Tensor x, float beta, Tensor dw, ClBackend.LocalGemmConfig tiles,
                                      int splits) {
        String op = "convImplicitWeightGrad";
        be.own(dy, op + " output gradient");
        be.own(x, op + " images");
        be.own(dw, op + " weight gradient");
        int out = dw.rows();
        checkShapes(op, s, out, dw, x, dy);
        if (splits < 1) {
            throw new IllegalArgumentException(op + ": splits must be at least 1, got " + splits);
        }
        be.run(op, 2.0 * out * s.patch() * s.positions(), 4.0 * (dy.size() + x.size() + 2.0 * dw.size()),
                java -> weightReference(s, dy, x, beta, dw),
                cl -> {
                    int m = out;
                    int n = s.patch();
                    long[] local = {tiles.tsn() / tiles.wptn(), tiles.tsm() / tiles.wptm(), 1};
                    long[] global = {(n + tiles.tsn() - 1) / tiles.tsn() * local[0], (m + tiles.tsm() - 1) / tiles.tsm() * local[1], splits};
                    String defines = ImplicitConv.defines(tiles) + (splits > 1 ? " -DSPLIT_K=1" : "");
                    Tensor target = splits > 1 ? cl.scratch(splits, m * n) : dw;
                    cl.launch(WEIGHT_KERNEL, defines, global, local, 0, 0, new WeightArgs(s.n(), s.channels(), s.height(), s.width(), s.kh(),
                            s.kw(), s.stride(), s.pad(), s.outHeight(), s.outWidth(), out, dy, x, splits > 1 ? 0f : beta, target));
                    if (splits > 1) {
                        cl.launch(Gemm.SPLIT_SUM, defines, new long[] {ClBackend.roundUp((long) m * n, 64)}, null, (double) splits * m * n,
                                4.0 * ((double) splits * m * n + 2.0 * m * n), new Gemm.SplitSumArgs(m * n, n, splits, target, 1f, beta, dw,
                                        dw, false, 0, 0f, dw, false, 0, 0f));
                    }
                });
    }

    /**
     * dx (n x C H W) = the input gradient of the convolution by w (out x C kh kw) given dy (n x out Ho Wo), times gate'(x)
     * when {@code through} is {@link ConvEpilogue#gated} (its bias and activation must be none), on the tiles {@code tiles}.
     */
    public static void inputGradient(Backend be, ConvShape s, Tensor w, Tensor dy, Tensor dx, ConvEpilogue through,
                                     ClBackend.LocalGemmConfig tiles) {
        String op = "convImplicitInputGrad";
        be.own(w, op + " weight");
        be.own(dy, op + " output gradient");
        be.own(dx, op + " input gradient");
        int out = w.rows();
        checkShapes(op, s, out, w, dx, dy);
        if (through.bias() != null || through.act().kind() != Activation.Kind.IDENTITY) {
            throw new IllegalArgumentException(op + ": only a gate may follow an input gradient, not a bias or an activation");
        }
        through.check(be, op, s.channels(), dx);
        be.run(op, 2.0 * out * s.patch() * s.positions(), 4.0 * (w.size() + dy.size() + dx.size()),
                java -> inputReference(s, w, dy, dx, through),
                cl -> {
                    long[] local = {tiles.tsn() / tiles.wptn(), tiles.tsm() / tiles.wptm()};
                    long n = (long) s.n() * s.height() * s.width();
                    long[] global = {(n + tiles.tsn() - 1) / tiles.tsn() * local[0], (s.channels() + tiles.tsm() - 1) / tiles.tsm() * local[1]};
                    Tensor gate = through.gate();
                    cl.launch(INPUT_KERNEL, ImplicitConv.defines(tiles), global, local, 0, 0, new InputArgs(s.n(), s.channels(), s.height(), s.width(),
                            s.kh(), s.kw(), s.stride(), s.pad(), s.outHeight(), s.outWidth(), out, w, dy, dx, gate == null ? dx : gate,
                            gate != null, through.gateAct().code(), through.gateAct().slope()));
                });
    }

    /**
     * How many chunks of the positions the weight gradient of an out x patch dW over {@code positions} is cut into on a device of
     * {@code computeUnits}: {@link Gemm}'s rule for its split-K products (1 where the tiles of dW already busy every unit).
     */
    public static int splits(ClBackend.LocalGemmConfig tiles, int out, int patch, int positions, int computeUnits) {
        return Gemm.splits(tiles, out, patch, positions, computeUnits);
    }

    private static void checkShapes(String op, ConvShape s, int out, Tensor w, Tensor x, Tensor dy) {
        if (w.cols() != s.patch() || x.rows() != s.n() || x.cols() != s.imageSize() || dy.rows() != s.n()
                || dy.cols() != out * s.outHeight() * s.outWidth()) {
            throw new IllegalArgumentException(op + ": " + s + " needs a weight (or its gradient) of ?x" + s.patch() + ", images of " + s.n()
                    + "x" + s.imageSize() + " and output gradients of " + s.n() + "x(out " + s.outHeight() + "x" + s.outWidth() + "); got "
                    + w.shape() + ", " + x.shape() + ", " + dy.shape());
        }
    }

    /** x's value under tap (i, j) of output position (oy, ox) in channel c of image e; 0 in the padding. */
    private static float tapped(ConvShape s, Tensor x, int e, int c, int i, int j, int oy, int ox) {
        int iy = oy * s.stride() - s.pad() + i;
        int ix = ox * s.stride() - s.pad() + j;
        boolean inside = iy >= 0 && iy < s.height() && ix >= 0 && ix < s.width();
        return inside ? x.get(e, (c * s.height() + iy) * s.width() + ix) : 0f;
    }

    /** Each weight's gradient as the definition sums it, over the positions (e, oy, ox) in order, then beta dW added. */
    static void weightReference(ConvShape s, Tensor dy, Tensor x, float beta, Tensor dw) {
        int out = dw.rows();
        int ho = s.outHeight();
        int wo = s.outWidth();
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < s.channels(); c++) {
                for (int i = 0; i < s.kh(); i++) {
                    for (int j = 0; j < s.kw(); j++) {
                        float sum = 0f;
                        for (int e = 0; e < s.n(); e++) {
                            for (int oy = 0; oy < ho; oy++) {
                                for (int ox = 0; ox < wo; ox++) {
                                    sum += dy.get(e, (o * ho + oy) * wo + ox) * tapped(s, x, e, c, i, j, oy, ox);
                                }
                            }
                        }
                        int k = (c * s.kh() + i) * s.kw() + j;
                        dw.set(o, k, (beta != 0f ? beta * dw.get(o, k) : 0f) + sum);
                    }
                }
            }
        }
    }

    /** Each input's gradient as the definition sums it: over o, then the taps (i, j) whose output position read it. */
    static void inputReference(ConvShape s, Tensor w, Tensor dy, Tensor dx, ConvEpilogue through) {
        int out = w.rows();
        int ho = s.outHeight();
        int wo = s.outWidth();
        for (int e = 0; e < s.n(); e++) {
            for (int c = 0; c < s.channels(); c++) {
                for (int y = 0; y < s.height(); y++) {
                    for (int x = 0; x < s.width(); x++) {
                        float sum = 0f;
                        for (int o = 0; o < out; o++) {
                            for (int i = 0; i < s.kh(); i++) {
                                for (int j = 0; j < s.kw(); j++) {
                                    int ty = y + s.pad() - i;
                                    int tx = x + s.pad() - j;
                                    if (ty >= 0 && tx >= 0 && ty % s.stride() == 0 && tx % s.stride() == 0 && ty / s.stride() < ho
                                            && tx / s.stride() < wo) {
                                        sum += w.get(o, (c * s.kh() + i) * s.kw() + j) * dy.get(e, (o * ho + ty / s.stride()) * wo + tx / s.stride());
                                    }
                                }
                            }
                        }
                        int at = (c * s.height() + y) * s.width() + x;
                        dx.set(e, at, through.apply(sum, c, e * s.imageSize() + at));
                    }
                }
            }
        }
    }

    /**
     * {@link Im2Col}'s awkward shapes shared over the run's sizes as {@link ImplicitConv}'s check shares them, with 1, 3 and 7
     * output channels, the even shapes on one variant and the odd on the other: the weight gradient plain on 32 x 32 tiles, or
     * accumulated (beta 1) and split into 3 chunks on 16 x 16 ones; the input gradient plain on 32 x 32 tiles, or through a
     * LeakyReLU gate on 16 x 16 ones. ImplicitConvBackwardTest runs the accumulated weight gradient, split and not, and the
     * gated input gradient on every shape and four tile shapes.
     */
    private static SelfCheck check(boolean weights) {
        String name = weights ? "convImplicitWeightGrad (32/16, split 3)" : "convImplicitInputGrad (32x32, 16x16)";
        return new SelfCheck(name, 1e-5, 1e-5, (size, sizes) -> {
            Random rnd = new Random(size * 17L + (weights ? 7 : 11));
            int[] outs = {1, 3, 7};
            List<Integer> mine = ImplicitConv.shapesAt(size, sizes);
            List<float[][]> data = new ArrayList<>();
            for (int k : mine) {
                ConvShape s = Im2Col.CHECKED[k];
                int out = outs[k % outs.length];
                data.add(new float[][] {SelfCheck.random(rnd, s.n() * s.imageSize(), 2f), SelfCheck.random(rnd, out * s.patch(), 1f),
                    SelfCheck.random(rnd, s.n() * out * s.outHeight() * s.outWidth(), 1f)});
            }
            return be -> {
                float[] all = new float[0];
                for (int m = 0; m < mine.size(); m++) {
                    ConvShape s = Im2Col.CHECKED[mine.get(m)];
                    float[][] d = data.get(m);
                    int out = d[1].length / s.patch();
                    try (Tensor x = be.upload(d[0], s.n(), s.imageSize()); Tensor w = be.upload(d[1], out, s.patch());
                         Tensor dy = be.upload(d[2], s.n(), out * s.outHeight() * s.outWidth())) {
                        boolean first = mine.get(m) % 2 == 0; // each shape one variant: half the simulator's time
                        if (weights) {
                            if (first) {
                                weightGradient(be, s, dy, x, 0f, w, ImplicitConv.CHECK_TILES, 1);
                            } else {
                                weightGradient(be, s, dy, x, 1f, w, ImplicitConv.SMALL_TILES, 3); // added to the weight's values
                            }
                            all = SelfCheck.concat(all, be.read(w));
                        } else {
                            try (Tensor dx = be.zeros(s.n(), s.imageSize())) {
                                if (first) {
                                    inputGradient(be, s, w, dy, dx, ConvEpilogue.NONE, ImplicitConv.CHECK_TILES);
                                } else {
                                    inputGradient(be, s, w, dy, dx, ConvEpilogue.gated(x, Activation.leakyRelu(0.2f)), ImplicitConv.SMALL_TILES);
                                }
                                all = SelfCheck.concat(all, be.read(dx));
                            }
                        }
                    }
                }
                return all;
            };
        });
    }
}
