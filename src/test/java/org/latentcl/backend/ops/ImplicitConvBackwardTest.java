package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The implicit-GEMM backward passes (gemm_local.cl: conv_wgrad_local, conv_dgrad_local) on PoCL against their plain references
 * and against the layers' path (im2col, the channel-major copy, GEMMs, col2im), at {@link ImplicitConvTest}'s awkward and
 * model shapes, on several tile shapes, the weight gradient also accumulated and split into chunks of the positions.
 */
class ImplicitConvBackwardTest {
    private static final ClBackend.LocalGemmConfig[] TILES = {ImplicitConv.DEFAULT_TILES, ImplicitConv.SMALL_TILES,
        new ClBackend.LocalGemmConfig(32, 64, 8, 2, 4), new ClBackend.LocalGemmConfig(64, 32, 16, 8, 4)};
    private static final Activation GATE = Activation.leakyRelu(0.2f);

    static Stream<ImplicitConvTest.Case> cases() {
        return ImplicitConvTest.cases();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void poclMatchesTheReferencesAndTheLayersPath(ImplicitConvTest.Case c) {
        ConvShape s = c.shape();
        int out = c.out();
        Random rnd = new Random(s.hashCode() * 37L + out);
        float[] x = TestBackends.uniform(rnd, s.n() * s.imageSize(), -2, 2);
        float[] w = TestBackends.uniform(rnd, out * s.patch(), -1, 1);
        float[] dy = TestBackends.uniform(rnd, s.n() * out * s.outHeight() * s.outWidth(), -1, 1);
        float[] dw0 = TestBackends.uniform(rnd, out * s.patch(), -1, 1);
        float[][] want;
        try (JavaBackend reference = JavaBackend.reference()) {
            want = implicit(reference, s, out, x, w, dy, dw0, ImplicitConv.DEFAULT_TILES, 1);
        }
        Backend cl = TestBackends.cl();
        float[][] layers = layersPath(cl, s, out, x, w, dy, dw0);
        // Both sums' orders differ from the references' only by the float rounding of sums of positions (dW) or out kh kw (dx) terms.
        double wTol = 1e-6 * s.positions() * 4;
        double xTol = 1e-6 * out * s.kh() * s.kw() * 4;
        ParityAssert.close("dW, layers " + c, want[0], layers[0], wTol, 1e-5);
        ParityAssert.close("dx, layers " + c, want[1], layers[1], xTol, 1e-5);
        for (ClBackend.LocalGemmConfig t : TILES) {
            for (int splits : new int[] {1, 3}) {
                float[][] got = implicit(cl, s, out, x, w, dy, dw0, t, splits);
                String on = c + " on " + GemmTuning.format(t) + ", " + splits + " chunks";
                ParityAssert.close("dW " + on, want[0], got[0], wTol, 1e-5);
                ParityAssert.close("dx " + on, want[1], got[1], xTol, 1e-5);
            }
        }
    }

    @Test
    void shapesThatDoNotFitAreRefused() {
        Backend be = TestBackends.java();
        ConvShape s = new ConvShape(1, 2, 5, 5, 3, 3, 1, 1);
        try (Tensor x = be.zeros(1, s.imageSize()); Tensor dw = be.zeros(4, s.patch()); Tensor dy = be.zeros(1, 4 * 24);
             Tensor w = be.zeros(4, s.patch()); Tensor dyOk = be.zeros(1, 4 * 25)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ImplicitConvBackward.weightGradient(be, s, dy, x, 0f, dw, ImplicitConv.DEFAULT_TILES, 1));
            assertTrue(e.getMessage().startsWith("convImplicitWeightGrad: "), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> ImplicitConvBackward.weightGradient(be, s, dyOk, x, 0f, dw, ImplicitConv.DEFAULT_TILES, 0));
            assertTrue(e.getMessage().contains("splits"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ImplicitConvBackward.inputGradient(be, s, w, dy, x, ConvEpilogue.NONE,
                    ImplicitConv.DEFAULT_TILES));
            assertTrue(e.getMessage().startsWith("convImplicitInputGrad: "), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ImplicitConvBackward.inputGradient(be, s, w, dyOk, x,
                    ConvEpilogue.biasThen(null, Activation.RELU), ImplicitConv.DEFAULT_TILES));
            assertTrue(e.getMessage().contains("only a gate"), e.getMessage());
        }
    }

    /** {dW (dw0 + the gradient: accumulated), dx through the gate} by the implicit ops. */
    private static float[][] implicit(Backend be, ConvShape s, int out, float[] x, float[] w, float[] dy, float[] dw0,
                                      ClBackend.LocalGemmConfig tiles, int splits) {
        try (Tensor tx = be.upload(x, s.n(), s.imageSize()); Tensor tw = be.upload(w, out, s.patch());
             Tensor tdy = be.upload(dy, s.n(), out * s.outHeight() * s.outWidth()); Tensor dw = be.upload(dw0, out, s.patch());
             Tensor dx = be.zeros(s.n(), s.imageSize())) {
            ImplicitConvBackward.weightGradient(be, s, tdy, tx, 1f, dw, tiles, splits);
            ImplicitConvBackward.inputGradient(be, s, tw, tdy, dx, ConvEpilogue.gated(tx, GATE), tiles);
            return new float[][] {be.read(dw), be.read(dx)};
        }
    }

    /** The same as Conv2d's backward computes it: dy to channel-major, dW += dy' cols^T, dx = gate(col2im(W^T dy')). */
    private static float[][] layersPath(Backend be, ConvShape s, int out, float[] x, float[] w, float[] dy, float[] dw0) {
        try (Tensor tx = be.upload(x, s.n(), s.imageSize()); Tensor tw = be.upload(w, out, s.patch());
             Tensor tdy = be.upload(dy, s.n(), out * s.outHeight() * s.outWidth()); Tensor dw = be.upload(dw0, out, s.patch());
             Tensor dx = be.zeros(s.n(), s.imageSize()); Tensor cols = be.zeros(s.patch(), s.positions());
             Tensor dcm = be.zeros(out, s.positions()); Tensor wt = be.zeros(s.patch(), out)) {
            ChannelMajor.toChannelMajor(be, tdy, out, dcm);
            Im2Col.im2col(be, s, tx, cols);
            Gemm.gemm(be, false, true, 1f, dcm, cols, 1f, dw, null, Activation.IDENTITY);
            Transpose.transpose(be, tw, wt);
            Gemm.gemm(be, false, false, 1f, wt, dcm, 0f, cols, null, Activation.IDENTITY);
            Im2Col.col2im(be, s, cols, 0f, dx, ConvEpilogue.gated(tx, GATE));
            return new float[][] {be.read(dw), be.read(dx)};
        }
    }
}
