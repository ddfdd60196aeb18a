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
 * A convolution's forward pass in one launch, as an implicit GEMM: y = act(W * x + b) on NCHW images, where im2col +
 * GEMM + the channel-major copy take three ({@code gemm_local.cl: conv_local}: the product's tile of columns is gathered from the
 * images while it is staged in local memory, and the outputs are stored in the images' order with the bias and the
 * activation). The GPU style of {@link Im2Col}'s path; {@code bench conv} times both on a device. The Java backend
 * computes the reference: it has im2col + GEMM for its own models.
 */
public final class ImplicitConv {
    record Args(int n, int channels, int height, int width, int kh, int kw, int stride, int pad, int outH, int outW, int out, Tensor w,
                Tensor x, Tensor y, Tensor bias, boolean hasBias, int act, float slope) {
    }

    static final KernelBinding<Args> KERNEL = KernelBinding.of("gemm_local.cl", "conv_local", Args.class);

    /** gemm_local's default tiles: 64 x 64 outputs per work-group, K-slices of 16, 4 x 4 per work-item. */
    public static final ClBackend.LocalGemmConfig DEFAULT_TILES = new ClBackend.LocalGemmConfig(64, 64, 16, 4, 4);
    /**
     * The self-check's larger tiles: 32 x 32 in groups of 64 (the default's groups of 256 cost minutes under Oclgrind,
     * which runs every work-item of a tile mostly past the checked shapes' edges; ImplicitConvTest runs the default).
     */
    static final ClBackend.LocalGemmConfig CHECK_TILES = new ClBackend.LocalGemmConfig(32, 32, 8, 4, 4);
    /** The tiles the self-check also runs: small ones, so the checked shapes span several tiles and their edges. */
    public static final ClBackend.LocalGemmConfig SMALL_TILES = new ClBackend.LocalGemmConfig(16, 16, 8, 2, 2);

    public static final OpSpec SPEC = new OpSpec("convImplicit",
            "y[e][o][oy][ox] = act(b[o] + sum over c, i, j of W[o][(c kh + i) kw + j] x[e][c][oy s - p + i][ox s - p + j]), 0 outside",
            "gemm_local.cl: conv_local", List.of(check()));

    private ImplicitConv() {
    }

    /**
     * y (n x out Ho Wo) = act(the convolution of x (n x C H W) by w (out x C kh kw), plus bias (out values, or null)), with
     * the local-memory tiles {@code tiles} (their vw is not used: the gather loads one float at a time).
     */
    public static void forward(Backend be, ConvShape s, Tensor w, Tensor x, Tensor y, Tensor bias, Activation act,
                               ClBackend.LocalGemmConfig tiles) {
        be.own(w, "convImplicit weight");
        be.own(x, "convImplicit images");
        be.own(y, "convImplicit output");
        int out = w.rows();
        if (w.cols() != s.patch() || x.rows() != s.n() || x.cols() != s.imageSize() || y.rows() != s.n()
                || y.cols() != out * s.outHeight() * s.outWidth()) {
            throw new IllegalArgumentException("convImplicit: " + s + " needs a weight of ?x" + s.patch() + ", images of " + s.n() + "x"
                    + s.imageSize() + " and outputs of " + s.n() + "x(out " + s.outHeight() + "x" + s.outWidth() + "); got " + w.shape()
                    + ", " + x.shape() + ", " + y.shape());
        }
        if (bias != null) {
            be.own(bias, "convImplicit bias");
            if (bias.size() != out) {
                throw new IllegalArgumentException("convImplicit: the bias needs " + out + " values, got " + bias.shape());
            }
        }
        Activation f = act == null ? Activation.IDENTITY : act;
        ConvEpilogue ep = ConvEpilogue.biasThen(bias, f);
        be.run("convImplicit", 2.0 * out * s.patch() * s.positions(), 4.0 * (w.size() + x.size() + y.size()),
                java -> reference(s, w, x, y, ep),
                cl -> {
                    long[] local = {tiles.tsn() / tiles.wptn(), tiles.tsm() / tiles.wptm()};
                    long n = s.positions();
                    long[] global = {(n + tiles.tsn() - 1) / tiles.tsn() * local[0], (out + tiles.tsm() - 1) / tiles.tsm() * local[1]};
                    cl.launch(KERNEL, defines(tiles), global, local, 0, 0, new Args(s.n(), s.channels(), s.height(), s.width(), s.kh(), s.kw(),
                            s.stride(), s.pad(), s.outHeight(), s.outWidth(), out, w, x, y, bias == null ? y : bias, bias != null, f.code(),
                            f.slope()));
                });
    }

    /**
     * The program options of the convolution kernels on {@code tiles}: those of gemm_local's untransposed product on the same
     * tiles, so that one build of gemm_local.cl serves the GEMM and the three convolution passes (the gathers ignore VW).
     */
    static String defines(ClBackend.LocalGemmConfig tiles) {
        return "-DTRANS_A=0 -DTRANS_B=0" + tiles.defines();
    }

    /** Each output as the definition sums it, its terms in the order of k = (c kh + i) kw + j. */
    static void reference(ConvShape s, Tensor w, Tensor x, Tensor y, ConvEpilogue ep) {
        int out = w.rows();
        int ho = s.outHeight();
        int wo = s.outWidth();
        for (int e = 0; e < s.n(); e++) {
            for (int o = 0; o < out; o++) {
                for (int oy = 0; oy < ho; oy++) {
                    for (int ox = 0; ox < wo; ox++) {
                        float sum = 0f;
                        for (int c = 0; c < s.channels(); c++) {
                            for (int i = 0; i < s.kh(); i++) {
                                for (int j = 0; j < s.kw(); j++) {
                                    int iy = oy * s.stride() - s.pad() + i;
                                    int ix = ox * s.stride() - s.pad() + j;
                                    if (iy >= 0 && iy < s.height() && ix >= 0 && ix < s.width()) {
                                        sum += w.get(o, (c * s.kh() + i) * s.kw() + j) * x.get(e, (c * s.height() + iy) * s.width() + ix);
                                    }
                                }
                            }
                        }
                        int at = (o * ho + oy) * wo + ox;
                        y.set(e, at, ep.apply(sum, o, e * out * ho * wo + at));
                    }
                }
            }
        }
    }

    /**
     * The indices into {@link Im2Col#CHECKED} that a self-check runs at {@code size}: shape k at the (k mod sizes)-th of the
     * run's sizes, so that every shape runs once over the run; every shape at a size outside the run's list.
     */
    static List<Integer> shapesAt(int size, int[] sizes) {
        int at = -1;
        for (int i = 0; i < sizes.length; i++) {
            at = sizes[i] == size && at < 0 ? i : at;
        }
        List<Integer> mine = new ArrayList<>();
        for (int k = 0; k < Im2Col.CHECKED.length; k++) {
            if (at < 0 || k % sizes.length == at) {
                mine.add(k);
            }
        }
        return mine;
    }

    /**
     * Im2Col's awkward shapes (1x1 images, odd sizes, kernels 1-5, strides 1-2, padding 0-2) with 1, 3 and 7 output
     * channels, plain and with a bias and LeakyReLU, on 32 x 32 tiles and on 16 x 16 ones that cut the shapes into
     * several tiles. Each run's sizes share the shapes out (shape k at the (k mod sizes)-th size), so every shape runs
     * once: under Oclgrind, which interprets every work-item of every tile, all shapes at every size took a minute.
     */
    private static SelfCheck check() {
        return new SelfCheck("convImplicit (32x32 and 16x16 tiles)", 1e-5, 1e-5, (size, sizes) -> {
            Random rnd = new Random(size * 13L + 5);
            int[] outs = {1, 3, 7};
            List<float[][]> data = new ArrayList<>();
            List<Integer> mine = shapesAt(size, sizes);
            for (int k : mine) {
                ConvShape s = Im2Col.CHECKED[k];
                int out = outs[k % outs.length];
                data.add(new float[][] {SelfCheck.random(rnd, s.n() * s.imageSize(), 2f), SelfCheck.random(rnd, out * s.patch(), 1f),
                    SelfCheck.random(rnd, out, 1f)});
            }
            return be -> {
                float[] all = new float[0];
                for (int m = 0; m < mine.size(); m++) {
                    ConvShape s = Im2Col.CHECKED[mine.get(m)];
                    float[][] d = data.get(m);
                    int out = d[2].length;
                    try (Tensor x = be.upload(d[0], s.n(), s.imageSize()); Tensor w = be.upload(d[1], out, s.patch());
                         Tensor b = be.upload(d[2], 1, out); Tensor y = be.zeros(s.n(), out * s.outHeight() * s.outWidth())) {
                        forward(be, s, w, x, y, null, Activation.IDENTITY, CHECK_TILES);
                        all = SelfCheck.concat(all, be.read(y));
                        forward(be, s, w, x, y, b, Activation.leakyRelu(0.2f), SMALL_TILES);
                        all = SelfCheck.concat(all, be.read(y));
                    }
                }
                return all;
            };
        });
    }
}
