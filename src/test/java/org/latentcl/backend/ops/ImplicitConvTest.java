package org.latentcl.backend.ops;

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
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.GemmTuning;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/**
 * The implicit-GEMM convolution (gemm_local.cl: conv_local) on PoCL against the plain reference and against im2col + GEMM + the
 * channel-major copy (the path the layers take), at awkward shapes (batch 1, 1x1 and odd images, 1, 7 and 33 output
 * channels, kernels 1-5, strides 1-2, padding 0-2) and at the DCGAN's and the conv VAE's, on several tile shapes.
 */
class ImplicitConvTest {
    private static final ClBackend.LocalGemmConfig[] TILES = {ImplicitConv.DEFAULT_TILES, ImplicitConv.SMALL_TILES,
        new ClBackend.LocalGemmConfig(32, 64, 8, 2, 4), new ClBackend.LocalGemmConfig(64, 32, 16, 8, 4)};

    record Case(ConvShape shape, int out) {
        @Override
        public String toString() {
            return shape + " out " + out;
        }
    }

    static Stream<Case> cases() {
        List<Case> out = new ArrayList<>();
        int[][] images = {{1, 1, 1, 1}, {1, 3, 5, 7}, {2, 1, 7, 5}, {3, 5, 8, 8}, {1, 2, 28, 28}};
        int[] outs = {1, 7, 33};
        int c = 0;
        for (int[] im : images) {
            for (int k = 1; k <= 5; k += 2) {
                for (int stride = 1; stride <= 2; stride++) {
                    int pad = (k + stride) % 3;
                    if (im[2] + 2 * pad >= k && im[3] + 2 * pad >= k) {
                        out.add(new Case(new ConvShape(im[0], im[1], im[2], im[3], k, k, stride, pad), outs[c++ % outs.length]));
                    }
                }
            }
        }
        // The 28x28 DCGAN discriminator's first two convolutions and the conv VAE's second, at small batches.
        out.add(new Case(new ConvShape(3, 1, 28, 28, 4, 4, 2, 1), 64));
        out.add(new Case(new ConvShape(2, 64, 14, 14, 4, 4, 2, 1), 128));
        out.add(new Case(new ConvShape(5, 32, 14, 14, 4, 4, 2, 1), 64));
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void poclMatchesTheReferenceAndTheIm2colPath(Case c) {
        ConvShape s = c.shape();
        Random rnd = new Random(s.hashCode() * 31L + c.out());
        float[] x = TestBackends.uniform(rnd, s.n() * s.imageSize(), -2, 2);
        float[] w = TestBackends.uniform(rnd, c.out() * s.patch(), -1, 1);
        float[] b = TestBackends.uniform(rnd, c.out(), -1, 1);
        int outSize = c.out() * s.outHeight() * s.outWidth();
        float[] want;
        float[] viaIm2col;
        try (JavaBackend reference = JavaBackend.reference()) {
            want = implicit(reference, s, x, w, b, c.out(), ImplicitConv.DEFAULT_TILES);
        }
        Backend cl = TestBackends.cl();
        try (Tensor tx = cl.upload(x, s.n(), s.imageSize()); Tensor tw = cl.upload(w, c.out(), s.patch()); Tensor tb = cl.upload(b, 1, c.out());
             Tensor cols = cl.zeros(s.patch(), s.positions()); Tensor cm = cl.zeros(c.out(), s.positions()); Tensor y = cl.zeros(s.n(), outSize)) {
            Im2Col.im2col(cl, s, tx, cols);
            Gemm.gemm(cl, false, false, 1f, tw, cols, 0f, cm, null, Activation.IDENTITY);
            ChannelMajor.fromChannelMajor(cl, cm, ConvEpilogue.biasThen(tb, Activation.leakyRelu(0.2f)), c.out(), y);
            viaIm2col = cl.read(y);
        }
        // The sums' order differs from the reference's only by the float rounding of a sum of s.patch() terms.
        double tol = 1e-6 * s.patch() * 4;
        ParityAssert.close("im2col + GEMM " + c, want, viaIm2col, tol, 1e-5);
        for (ClBackend.LocalGemmConfig t : TILES) {
            ParityAssert.close("convImplicit " + c + " on " + GemmTuning.format(t), want, implicit(cl, s, x, w, b, c.out(), t), tol, 1e-5);
        }
    }

    @Test
    void aWeightOfTheWrongPatchIsRefused() {
        Backend be = TestBackends.java();
        ConvShape s = new ConvShape(1, 2, 5, 5, 3, 3, 1, 1);
        try (Tensor x = be.zeros(1, s.imageSize()); Tensor w = be.zeros(4, s.patch() + 1); Tensor y = be.zeros(1, 4 * 25)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ImplicitConv.forward(be, s, w, x, y, null, Activation.IDENTITY, ImplicitConv.DEFAULT_TILES));
            assertTrue(e.getMessage().startsWith("convImplicit: "), e.getMessage());
        }
    }

    private static float[] implicit(Backend be, ConvShape s, float[] x, float[] w, float[] b, int out, ClBackend.LocalGemmConfig tiles) {
        try (Tensor tx = be.upload(x, s.n(), s.imageSize()); Tensor tw = be.upload(w, out, s.patch()); Tensor tb = be.upload(b, 1, out);
             Tensor y = be.zeros(s.n(), out * s.outHeight() * s.outWidth())) {
            ImplicitConv.forward(be, s, tw, tx, y, tb, Activation.leakyRelu(0.2f), tiles);
            return be.read(y);
        }
    }
}
