package org.latentcl.backend.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * Convolution as GEMM: {@link #im2col} gathers every kh x kw patch of a batch of NCHW images into a
 * (C kh kw) x (N Ho Wo) matrix, so that a convolution is W times it; {@link #col2im} is its adjoint
 * (the gradient with respect to the images, and a transposed convolution's forward pass), written as a
 * gather: each image element sums its own candidates in a fixed order, so there are no atomics.
 * Kernels {@code conv.cl: im2col, col2im}; fast Java paths in {@link JavaConv}.
 */
public final class Im2Col {
    record Args(int n, int channels, int height, int width, int kh, int kw, int stride, int pad, int outH, int outW, Tensor x,
                Tensor cols) {
    }

    record BackArgs(int n, int channels, int height, int width, int kh, int kw, int stride, int pad, int outH, int outW, Tensor cols,
                    float beta, Tensor x, Tensor bias, boolean hasBias, int act, float slope, Tensor gate, boolean hasGate, int gateAct,
                    float gateSlope) {
        BackArgs(ConvShape s, Tensor cols, float beta, Tensor x, ConvEpilogue ep) {
            this(s.n(), s.channels(), s.height(), s.width(), s.kh(), s.kw(), s.stride(), s.pad(), s.outHeight(), s.outWidth(), cols, beta, x,
                    ep.bias() == null ? x : ep.bias(), ep.bias() != null, ep.act().code(), ep.act().slope(), ep.gate() == null ? x : ep.gate(),
                    ep.gate() != null, ep.gateAct().code(), ep.gateAct().slope());
        }
    }

    private static final KernelBinding<Args> IM2COL = KernelBinding.of("conv.cl", "im2col", Args.class);
    private static final KernelBinding<BackArgs> COL2IM = KernelBinding.of("conv.cl", "col2im", BackArgs.class);
    /** The CPU style: a row of columns, or of the image, per work-item. */
    private static final KernelBinding<Args> IM2COL_ROWS = KernelBinding.of("conv.cl", "im2col_rows", Args.class);
    private static final KernelBinding<BackArgs> COL2IM_ROWS = KernelBinding.of("conv.cl", "col2im_rows", BackArgs.class);
    /** The CPU style for beta = 0 (every model's use): a plane per work-item, adding tap by tap. */
    private static final KernelBinding<BackArgs> COL2IM_PLANES = KernelBinding.of("conv.cl", "col2im_planes", BackArgs.class);

    /** Shapes the self-test runs: 1x1 images, odd sizes, every stride and padding, kernels 1 to 5. */
    static final ConvShape[] CHECKED = {
        new ConvShape(1, 1, 1, 1, 1, 1, 1, 0), new ConvShape(2, 3, 5, 7, 3, 3, 1, 1), new ConvShape(3, 2, 7, 5, 4, 4, 2, 1),
        new ConvShape(1, 5, 6, 6, 5, 5, 2, 2), new ConvShape(2, 1, 4, 3, 2, 1, 1, 0), new ConvShape(1, 3, 9, 9, 1, 1, 2, 0)};

    public static final OpSpec IM2COL_SPEC = new OpSpec("im2col",
            "cols[(c kh + i) kw + j][(n Ho + oy) Wo + ox] = x[n][c][oy s - p + i][ox s - p + j], 0 outside",
            "conv.cl: im2col", checks("im2col", false));
    public static final OpSpec COL2IM_SPEC = new OpSpec("col2im",
            "x = ep(beta x + the adjoint of im2col) (each element gathers its patch entries; ep: a bias, an activation or a gate)",
            "conv.cl: col2im", checks("col2im", true));

    private Im2Col() {
    }

    /** cols (C kh kw x N Ho Wo) = the patches of x (N x C H W). */
    public static void im2col(Backend be, ConvShape s, Tensor x, Tensor cols) {
        check(be, "im2col", s, x, cols);
        be.run("im2col", 0, 4.0 * (x.size() + cols.size()),
                java -> {
                    if (java.plain()) {
                        reference(s, x, cols);
                    } else {
                        JavaConv.im2col(java, s, x, cols);
                    }
                },
                cl -> {
                    Args args = new Args(s.n(), s.channels(), s.height(), s.width(), s.kh(), s.kw(), s.stride(), s.pad(), s.outHeight(),
                            s.outWidth(), x, cols);
                    if (cl.contiguous()) {
                        cl.elementwise(IM2COL_ROWS, "", s.patch() * s.n(), args);
                    } else {
                        cl.elementwise(IM2COL, "", cols.size(), args);
                    }
                });
    }

    /** x = beta x + col2im(cols): the adjoint of {@link #im2col}. */
    public static void col2im(Backend be, ConvShape s, Tensor cols, float beta, Tensor x) {
        col2im(be, s, cols, beta, x, ConvEpilogue.NONE);
    }

    /**
     * x = ep(beta x + col2im(cols)): with a bias and an activation, a transposed convolution's whole forward pass after its GEMM;
     * with a gate, a convolution's input gradient carried through the activation that made its input.
     */
    public static void col2im(Backend be, ConvShape s, Tensor cols, float beta, Tensor x, ConvEpilogue ep) {
        check(be, "col2im", s, x, cols);
        ep.check(be, "col2im", s.channels(), x);
        be.run("col2im", cols.size(), 4.0 * (x.size() + cols.size()),
                java -> {
                    if (java.plain()) {
                        adjointReference(s, cols, beta, x, ep);
                    } else {
                        JavaConv.col2im(java, s, cols, beta, x, ep);
                    }
                },
                cl -> {
                    BackArgs args = new BackArgs(s, cols, beta, x, ep);
                    if (cl.contiguous() && beta == 0f) {
                        cl.elementwise(COL2IM_PLANES, "", s.n() * s.channels(), args);
                    } else if (cl.contiguous()) {
                        cl.elementwise(COL2IM_ROWS, "", s.n() * s.channels() * s.height(), args);
                    } else {
                        cl.elementwise(COL2IM, "", x.size(), args);
                    }
                });
    }

    private static void check(Backend be, String op, ConvShape s, Tensor x, Tensor cols) {
        be.own(x, op + " images");
        be.own(cols, op + " columns");
        if (x.rows() != s.n() || x.cols() != s.imageSize()) {
            throw new IllegalArgumentException(op + ": " + s + " need images of " + s.n() + "x" + s.imageSize() + ", got " + x.shape());
        }
        if (cols.rows() != s.patch() || cols.cols() != s.positions()) {
            throw new IllegalArgumentException(op + ": " + s + " need columns of " + s.patch() + "x" + s.positions() + ", got "
                    + cols.shape());
        }
    }

    /** Each column entry read from its image position, as the definition says. */
    static void reference(ConvShape s, Tensor x, Tensor cols) {
        int ho = s.outHeight();
        int wo = s.outWidth();
        for (int c = 0; c < s.channels(); c++) {
            for (int i = 0; i < s.kh(); i++) {
                for (int j = 0; j < s.kw(); j++) {
                    int row = (c * s.kh() + i) * s.kw() + j;
                    for (int b = 0; b < s.n(); b++) {
                        for (int oy = 0; oy < ho; oy++) {
                            for (int ox = 0; ox < wo; ox++) {
                                int y = oy * s.stride() - s.pad() + i;
                                int xx = ox * s.stride() - s.pad() + j;
                                boolean inside = y >= 0 && y < s.height() && xx >= 0 && xx < s.width();
                                cols.set(row, (b * ho + oy) * wo + ox,
                                        inside ? x.get(b, (c * s.height() + y) * s.width() + xx) : 0f);
                            }
                        }
                    }
                }
            }
        }
    }

    /** The adjoint: every image element gathers the column entries taken from it, in the order of (i, j). */
    static void adjointReference(ConvShape s, Tensor cols, float beta, Tensor x, ConvEpilogue ep) {
        int ho = s.outHeight();
        int wo = s.outWidth();
        for (int b = 0; b < s.n(); b++) {
            for (int c = 0; c < s.channels(); c++) {
                for (int y = 0; y < s.height(); y++) {
                    for (int xx = 0; xx < s.width(); xx++) {
                        float sum = 0f;
                        for (int i = 0; i < s.kh(); i++) {
                            int ty = y + s.pad() - i;
                            if (ty < 0 || ty % s.stride() != 0 || ty / s.stride() >= ho) {
                                continue;
                            }
                            for (int j = 0; j < s.kw(); j++) {
                                int tx = xx + s.pad() - j;
                                if (tx < 0 || tx % s.stride() != 0 || tx / s.stride() >= wo) {
                                    continue;
                                }
                                sum += cols.get((c * s.kh() + i) * s.kw() + j, (b * ho + ty / s.stride()) * wo + tx / s.stride());
                            }
                        }
                        int at = (c * s.height() + y) * s.width() + xx;
                        x.set(b, at, ep.apply((beta == 0f ? 0f : beta * x.get(b, at)) + sum, c, b * s.imageSize() + at));
                    }
                }
            }
        }
    }

    /** One self-test check per checked shape (the size n of a run picks nothing here: the shapes are the awkward cases). */
    private static List<SelfCheck> checks(String name, boolean adjoint) {
        List<SelfCheck> out = new ArrayList<>();
        out.add(new SelfCheck(name + " (kernels 1-5, strides 1-2, padding 0-2)", 1e-6, 1e-6, (size, sizes) -> {
            Random rnd = new Random(size * 7L + name.hashCode());
            float[][] xs = new float[CHECKED.length][];
            float[][] cs = new float[CHECKED.length][];
            for (int k = 0; k < CHECKED.length; k++) {
                xs[k] = SelfCheck.random(rnd, CHECKED[k].n() * CHECKED[k].imageSize(), 2f);
                cs[k] = SelfCheck.random(rnd, CHECKED[k].patch() * CHECKED[k].positions(), 2f);
            }
            float[][] bs = new float[CHECKED.length][];
            for (int k = 0; k < CHECKED.length; k++) {
                bs[k] = SelfCheck.random(rnd, CHECKED[k].channels(), 1f);
            }
            return be -> {
                float[] all = new float[0];
                for (int k = 0; k < CHECKED.length; k++) {
                    ConvShape s = CHECKED[k];
                    try (Tensor tx = be.upload(xs[k], s.n(), s.imageSize()); Tensor tc = be.upload(cs[k], s.patch(), s.positions());
                         Tensor gate = be.upload(xs[k], s.n(), s.imageSize()); Tensor bias = be.upload(bs[k], 1, s.channels())) {
                        if (adjoint) {
                            // beta 0 (as the models use it) and 0.5 (adding to what is there) take different CPU kernels.
                            col2im(be, s, tc, 0.5f, tx);
                            all = SelfCheck.concat(all, be.read(tx));
                            col2im(be, s, tc, 0f, tx);
                            all = SelfCheck.concat(all, be.read(tx));
                            // With epilogues: a transposed convolution's bias and LeakyReLU; an input gradient's gate.
                            col2im(be, s, tc, 0f, tx, ConvEpilogue.biasThen(bias, org.latentcl.backend.Activation.leakyRelu(0.2f)));
                            all = SelfCheck.concat(all, be.read(tx));
                            col2im(be, s, tc, 0.5f, tx, ConvEpilogue.gated(gate, org.latentcl.backend.Activation.RELU));
                            all = SelfCheck.concat(all, be.read(tx));
                            col2im(be, s, tc, 0f, tx, ConvEpilogue.gated(gate, org.latentcl.backend.Activation.leakyRelu(0.1f)));
                            all = SelfCheck.concat(all, be.read(tx));
                        } else {
                            im2col(be, s, tx, tc);
                            all = SelfCheck.concat(all, be.read(tc));
                        }
                    }
                }
                return all;
            };
        }));
        return out;
    }
}
