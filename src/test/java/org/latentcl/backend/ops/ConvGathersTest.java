package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/**
 * im2col, col2im and the channel-major permutations on every backend against the plain reference, at
 * awkward shapes (batch 1, 1x1 and 5x7 images, odd channel counts, kernels 1 to 5, strides 1 and 2,
 * padding 0 to 2); col2im against im2col as its adjoint; and a convolution built from them against a
 * direct double-precision convolution.
 */
class ConvGathersTest {
    static Stream<ConvShape> shapes() {
        List<ConvShape> out = new ArrayList<>();
        int[][] images = {{1, 1, 1, 1}, {1, 3, 5, 7}, {2, 1, 7, 5}, {3, 5, 8, 8}, {1, 2, 28, 28}, {4, 7, 9, 6}};
        for (int[] im : images) {
            for (int k = 1; k <= 5; k++) {
                for (int stride = 1; stride <= 2; stride++) {
                    for (int pad = 0; pad <= 2; pad++) {
                        if (im[2] + 2 * pad >= k && im[3] + 2 * pad >= k && (k + stride + pad + im[1]) % 3 != 0) {
                            out.add(new ConvShape(im[0], im[1], im[2], im[3], k, k == 4 ? 3 : k, stride, pad));
                        }
                    }
                }
            }
        }
        // Large enough for the fast Java paths to split the work over the pool.
        out.add(new ConvShape(16, 8, 28, 28, 4, 4, 2, 1));
        out.add(new ConvShape(16, 32, 14, 14, 4, 4, 2, 1));
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void everyBackendGathersAsTheReference(ConvShape s) {
        Random rnd = new Random(s.hashCode());
        float[] x = TestBackends.uniform(rnd, s.n() * s.imageSize(), -2, 2);
        float[] c = TestBackends.uniform(rnd, s.patch() * s.positions(), -2, 2);
        float[][] want;
        try (JavaBackend reference = JavaBackend.reference()) {
            want = gathers(reference, s, x, c);
        }
        for (String name : new String[] {"java", "cl"}) {
            float[][] got = gathers(TestBackends.named(name), s, x, c);
            ParityAssert.bitwise("im2col " + s + " on " + name, want[0], got[0]);
            // col2im sums up to kh * kw terms in the same order on every backend.
            ParityAssert.close("col2im " + s + " on " + name, want[1], got[1], 1e-6, 1e-6);
            ParityAssert.close("col2im with beta 0 " + s + " on " + name, want[2], got[2], 1e-6, 1e-6);
            // With beta 0 the CPU paths add tap by tap into each plane: each element gets its terms in the gather's order.
            ParityAssert.bitwise("col2im with beta 0, tap by tap, " + s + " on " + name, want[2], got[2]);
        }
    }

    private static float[][] gathers(Backend be, ConvShape s, float[] x, float[] c) {
        try (Tensor tx = be.upload(x, s.n(), s.imageSize()); Tensor tc = be.zeros(s.patch(), s.positions());
             Tensor back = be.upload(x, s.n(), s.imageSize()); Tensor cin = be.upload(c, s.patch(), s.positions())) {
            Im2Col.im2col(be, s, tx, tc);
            Im2Col.col2im(be, s, cin, 0.5f, back);
            float[] added = be.read(back);
            Im2Col.col2im(be, s, cin, 0f, back);
            return new float[][] {be.read(tc), added, be.read(back)};
        }
    }

    /**
     * col2im and fromChannelMajor with an epilogue (a bias and ReLU or LeakyReLU, as a layer's forward pass; a gate, as an
     * input gradient carried through the activation that made the input) give, on every backend and kernel style, the
     * bits of the unfused ops run one after another on that backend (channelBias, activate, activateBackward); on
     * "java-plain" these are the references of all four.
     */
    @ParameterizedTest
    @MethodSource("shapes")
    void epiloguesEqualTheirStepsOneAfterAnother(ConvShape s) {
        Random rnd = new Random(s.hashCode() + 3);
        float[] c = TestBackends.uniform(rnd, s.patch() * s.positions(), -2, 2);
        float[] start = TestBackends.uniform(rnd, s.n() * s.imageSize(), -2, 2);
        float[] gate = TestBackends.uniform(rnd, s.n() * s.imageSize(), -1, 1);
        float[] bias = TestBackends.uniform(rnd, s.channels(), -1, 1);
        Activation leaky = Activation.leakyRelu(0.2f);
        for (String name : new String[] {"java-plain", "java", "cl", "cl-gpu"}) {
            Backend be = TestBackends.named(name);
            for (int variant = 0; variant < 5; variant++) {
                float beta = variant == 4 ? 0.5f : 0f;
                try (Tensor cols = be.upload(c, s.patch(), s.positions()); Tensor b = be.upload(bias, 1, s.channels());
                     Tensor g = be.upload(gate, s.n(), s.imageSize()); Tensor fused = be.upload(start, s.n(), s.imageSize());
                     Tensor apart = be.upload(start, s.n(), s.imageSize()); Tensor images = be.upload(start, s.n(), s.imageSize());
                     Tensor cm = be.zeros(s.channels(), s.n() * s.height() * s.width());
                     Tensor viaCm = be.zeros(s.n(), s.imageSize())) {
                    ConvEpilogue ep = switch (variant) {
                        case 0 -> ConvEpilogue.biasThen(b, Activation.RELU);
                        case 1 -> ConvEpilogue.biasThen(b, leaky);
                        case 2 -> ConvEpilogue.biasThen(null, Activation.RELU);
                        case 3 -> ConvEpilogue.gated(g, Activation.RELU);
                        default -> ConvEpilogue.gated(g, leaky);
                    };
                    Im2Col.col2im(be, s, cols, beta, fused, ep);
                    Im2Col.col2im(be, s, cols, beta, apart);
                    stepsOf(be, ep, apart);
                    String what = "col2im with epilogue " + variant + " " + s + " on " + name;
                    ParityAssert.bitwise(what, be.read(apart), be.read(fused));
                    // The same epilogue on the way out of channel-major order.
                    ChannelMajor.toChannelMajor(be, images, s.channels(), cm);
                    ChannelMajor.fromChannelMajor(be, cm, ep, s.channels(), viaCm);
                    ChannelMajor.fromChannelMajor(be, cm, ConvEpilogue.NONE, s.channels(), apart);
                    stepsOf(be, ep, apart);
                    ParityAssert.bitwise("fromChannelMajor with epilogue " + variant + " on " + name, be.read(apart), be.read(viaCm));
                }
            }
        }
    }

    /** The epilogue's steps as ops of their own, in place on y. */
    private static void stepsOf(Backend be, ConvEpilogue ep, Tensor y) {
        if (ep.bias() != null) {
            ChannelBias.channelBias(be, y, ep.bias(), y);
        }
        Activations.activate(be, ep.act(), y, y);
        if (ep.gate() != null) {
            Activations.activateBackward(be, ep.gateAct(), ep.gate(), y, y);
        }
    }

    /** col2im is the adjoint of im2col: <im2col(x), c> = <x, col2im(c)>, so it is im2col's gradient. */
    @ParameterizedTest
    @MethodSource("shapes")
    void col2imIsTheAdjointOfIm2col(ConvShape s) {
        Random rnd = new Random(s.hashCode() + 1);
        float[] x = TestBackends.uniform(rnd, s.n() * s.imageSize(), -1, 1);
        float[] c = TestBackends.uniform(rnd, s.patch() * s.positions(), -1, 1);
        Backend be = TestBackends.cl();
        try (Tensor tx = be.upload(x, s.n(), s.imageSize()); Tensor tc = be.zeros(s.patch(), s.positions());
             Tensor cin = be.upload(c, s.patch(), s.positions()); Tensor back = be.zeros(s.n(), s.imageSize())) {
            Im2Col.im2col(be, s, tx, tc);
            Im2Col.col2im(be, s, cin, 0f, back);
            double left = dot(be.read(tc), c);
            double right = dot(x, be.read(back));
            assertEquals(left, right, 1e-5 * (1 + Math.abs(left)) * Math.sqrt(c.length), s.toString());
        }
    }

    /** y = W im2col(x) in channel-major order, then examples first with the bias: a direct convolution's result. */
    @ParameterizedTest
    @MethodSource("shapes")
    void im2colAndGemmMakeAConvolution(ConvShape s) {
        int outChannels = 3;
        Random rnd = new Random(s.hashCode() + 2);
        float[] x = TestBackends.uniform(rnd, s.n() * s.imageSize(), -1, 1);
        float[] w = TestBackends.uniform(rnd, outChannels * s.patch(), -1, 1);
        float[] bias = TestBackends.uniform(rnd, outChannels, -1, 1);
        double[] want = directConvolution(s, x, w, bias, outChannels);
        int plane = s.outHeight() * s.outWidth();
        for (String name : new String[] {"java", "cl"}) {
            Backend be = TestBackends.named(name);
            try (Tensor tx = be.upload(x, s.n(), s.imageSize()); Tensor cols = be.zeros(s.patch(), s.positions());
                 Tensor tw = be.upload(w, outChannels, s.patch()); Tensor tb = be.upload(bias, 1, outChannels);
                 Tensor cm = be.zeros(outChannels, s.positions()); Tensor y = be.zeros(s.n(), outChannels * plane)) {
                Im2Col.im2col(be, s, tx, cols);
                Gemm.gemm(be, false, false, 1f, tw, cols, 0f, cm, null, Activation.IDENTITY);
                ChannelMajor.fromChannelMajor(be, cm, tb, outChannels, y);
                float[] got = be.read(y);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(want[i], got[i], 1e-5 * (1 + s.patch()), "conv " + s + " on " + name + " at " + i);
                }
                // And back: the channel-major tensor again, bias removed.
                try (Tensor back = be.zeros(outChannels, s.positions())) {
                    ChannelMajor.fromChannelMajor(be, cm, ConvEpilogue.NONE, outChannels, y);
                    ChannelMajor.toChannelMajor(be, y, outChannels, back);
                    ParityAssert.bitwise("channel-major round trip on " + name, be.read(cm), be.read(back));
                }
            }
        }
    }

    /** y[n][o][oy][ox] = bias[o] + sum over c, i, j of w[o][c][i][j] x[n][c][oy s - p + i][ox s - p + j], in double. */
    private static double[] directConvolution(ConvShape s, float[] x, float[] w, float[] bias, int outChannels) {
        int ho = s.outHeight();
        int wo = s.outWidth();
        double[] y = new double[s.n() * outChannels * ho * wo];
        for (int n = 0; n < s.n(); n++) {
            for (int o = 0; o < outChannels; o++) {
                for (int oy = 0; oy < ho; oy++) {
                    for (int ox = 0; ox < wo; ox++) {
                        double sum = bias[o];
                        for (int c = 0; c < s.channels(); c++) {
                            for (int i = 0; i < s.kh(); i++) {
                                for (int j = 0; j < s.kw(); j++) {
                                    int yy = oy * s.stride() - s.pad() + i;
                                    int xx = ox * s.stride() - s.pad() + j;
                                    if (yy >= 0 && yy < s.height() && xx >= 0 && xx < s.width()) {
                                        sum += (double) w[((o * s.channels() + c) * s.kh() + i) * s.kw() + j]
                                                * x[((n * s.channels() + c) * s.height() + yy) * s.width() + xx];
                                    }
                                }
                            }
                        }
                        y[((n * outChannels + o) * ho + oy) * wo + ox] = sum;
                    }
                }
            }
        }
        return y;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    @Test
    void shapesThatDoNotFitAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConvShape(1, 1, 2, 2, 5, 5, 1, 0));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        JavaBackend be = TestBackends.java();
        ConvShape s = new ConvShape(2, 3, 5, 7, 3, 3, 1, 1);
        try (Tensor x = be.zeros(2, 3 * 5 * 7); Tensor cols = be.zeros(27, 10)) {
            e = assertThrows(IllegalArgumentException.class, () -> Im2Col.im2col(be, s, x, cols));
            assertTrue(e.getMessage().contains("need columns of 27x70"), e.getMessage());
        }
    }
}
