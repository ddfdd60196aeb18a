package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;

/**
 * GEMM on both backends (the Java one with and without the Vector API) against a double-precision reference, at awkward sizes, every transpose
 * and epilogue. Tolerance: float dot products of length K carry an error of at most about
 * K * 2^-24 * sum|a_ik b_kj| (Higham, Accuracy and Stability, 3.1); we allow twice that, plus
 * a few units in the last place for the epilogue.
 */
class GemmParityTest {
    private static final int[] SIZES = {1, 7, 33, 129};

    static Stream<Arguments> shapes() {
        List<Arguments> out = new ArrayList<>();
        String[] trans = {"NN", "NT", "TN", "TT"};
        int t = 0;
        for (int m : SIZES) {
            for (int n : SIZES) {
                for (int k : SIZES) {
                    String tr = trans[t++ % 4];
                    out.add(Arguments.of("java", m, n, k, tr));
                    out.add(Arguments.of("java-plain", m, n, k, tr));
                    out.add(Arguments.of("cl", m, n, k, tr));
                }
            }
        }
        // 784 and 1000 in every position, beside the small sizes and each other (one or two large dimensions).
        int[] large = {784, 1000};
        for (int big : large) {
            for (int position = 0; position < 3; position++) {
                for (int other : new int[] {1, 7, 33, large[0] + large[1] - big}) {
                    for (int small : new int[] {1, 33}) {
                        int[] mnk = {small, other, small};
                        mnk[position] = big;
                        String tr = trans[t++ % 4];
                        out.add(Arguments.of("java", mnk[0], mnk[1], mnk[2], tr));
                        out.add(Arguments.of("cl", mnk[0], mnk[1], mnk[2], tr));
                    }
                }
            }
        }
        // The training shapes and the sizes the design names.
        for (String name : new String[] {"java", "java-plain", "cl"}) {
            out.add(Arguments.of(name, 128, 400, 784, "NT"));
            out.add(Arguments.of(name, 128, 784, 400, "NN"));
            out.add(Arguments.of(name, 400, 784, 128, "TN"));
            out.add(Arguments.of(name, 1000, 33, 784, "NN"));
            out.add(Arguments.of(name, 7, 1000, 129, "NT"));
            out.add(Arguments.of(name, 784, 1, 1000, "TN"));
            // Convolution weight gradients: A B^T with k = N Ho Wo far longer than m and n (the Java dot-product path).
            out.add(Arguments.of(name, 7, 33, 4099, "NT"));
            out.add(Arguments.of(name, 64, 512, 6272, "NT"));
            out.add(Arguments.of(name, 1, 16, 25088, "NT"));
        }
        // On CPU devices a weight gradient A B^T with a long K transposes its smaller operand first: A (and C when
        // beta is not 0) at 64x512 and 16x301, B at 512x64 and 32x17. Sizes picked for the plain epilogue the route needs
        // (no bias, identity: k even, m + n + k a multiple of 5), with beta 0 and 0.5.
        // The Java backend does the same for k of at least 2048 (128x1024: the DCGAN's, k under 4 times n).
        for (int[] mnk : new int[][] {{64, 512, 6274}, {16, 301, 4098}, {512, 64, 6274}, {32, 17, 25096}, {128, 1024, 3138}}) {
            out.add(Arguments.of("cl", mnk[0], mnk[1], mnk[2], "NT"));
            out.add(Arguments.of("java", mnk[0], mnk[1], mnk[2], "NT"));
        }
        // The GPU style's split-K products (few tiles of C, a long K) in every layout and epilogue; the
        // shapes where it splits are checked to split in splitKProductsSplitAndRepeatToTheBit.
        for (int[] mn : new int[][] {{1, 1}, {7, 33}, {33, 7}, {129, 1}}) {
            for (int k : new int[] {784, 1000, 4099}) {
                out.add(Arguments.of("cl-gpu", mn[0], mn[1], k, trans[t++ % 4]));
            }
        }
        out.add(Arguments.of("cl-gpu", 32, 16, 25088, "NT"));
        out.add(Arguments.of("cl-gpu", 64, 512, 6272, "NT"));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3} {4}")
    @MethodSource("shapes")
    void gemmMatchesReferenceAtOddSizes(String name, int m, int n, int k, String trans) {
        assertMatchesReference(TestBackends.named(name), name, m, n, k, trans);
    }

    /** One GEMM with an epilogue chosen by the sizes (alpha, beta, bias, activation) against the double reference. */
    static void assertMatchesReference(Backend be, String name, int m, int n, int k, String trans) {
        Random rnd = new Random(31L * m + 17L * n + k);
        boolean ta = trans.charAt(0) == 'T';
        boolean tb = trans.charAt(1) == 'T';
        float[] a = TestBackends.uniform(rnd, m * k, -1, 1);
        float[] b = TestBackends.uniform(rnd, k * n, -1, 1);
        float[] c0 = TestBackends.uniform(rnd, m * n, -1, 1);
        float[] bias = TestBackends.uniform(rnd, n, -1, 1);
        Activation[] acts = {Activation.IDENTITY, Activation.RELU, Activation.leakyRelu(0.2f), Activation.SIGMOID, Activation.TANH};
        Activation act = acts[(m + n + k) % acts.length];
        float alpha = 0.75f;
        float beta = (m + n) % 2 == 0 ? 0f : 0.5f;
        boolean withBias = k % 2 == 1;

        double[][] ref = new double[m][n];
        double[][] bound = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    double x = ta ? a[p * m + i] : a[i * k + p];
                    double y = tb ? b[j * k + p] : b[p * n + j];
                    s += x * y;
                    abs += Math.abs(x * y);
                }
                double v = alpha * s + beta * c0[i * n + j] + (withBias ? bias[j] : 0);
                ref[i][j] = act.apply((float) v);
                bound[i][j] = 2 * k * Math.ulp(1f) / 2 * abs * alpha + 4 * Math.ulp((float) Math.abs(v) + 1f);
            }
        }
        try (Tensor ta_ = be.upload(a, ta ? k : m, ta ? m : k);
             Tensor tb_ = be.upload(b, tb ? n : k, tb ? k : n);
             Tensor tc = be.upload(c0, m, n);
             Tensor tbias = be.upload(bias, 1, n)) {
            Gemm.gemm(be, ta, tb, alpha, ta_, tb_, beta, tc, withBias ? tbias : null, act);
            float[] got = be.read(tc);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    // Activations are 1-Lipschitz, so the pre-activation bound carries over.
                    double err = Math.abs(got[i * n + j] - ref[i][j]);
                    double tol = bound[i][j] + 1e-6;
                    if (err > tol) {
                        throw new AssertionError(name + " " + trans + " " + m + "x" + n + "x" + k + " " + act
                                + " C[" + i + "][" + j + "] = " + got[i * n + j] + ", expected " + ref[i][j] + " (tolerance " + tol + ")");
                    }
                }
            }
        }
    }

    /**
     * On a CPU device, A B^T with A the smaller operand (computed as (B A^T)^T with A transposed) gives the bits of
     * B A^T computed the other way (its B transposed), transposed: the same products summed in the same order.
     */
    @ParameterizedTest
    @ValueSource(floats = {0f, 1f})
    void bothTransposeRoutesOfAWeightGradientGiveTheSameBits(float beta) {
        Backend be = TestBackends.cl();
        int m = 48;
        int n = 520;
        int k = 3000;
        Random rnd = new Random(5);
        float[] a = TestBackends.uniform(rnd, m * k, -1, 1);
        float[] b = TestBackends.uniform(rnd, n * k, -1, 1);
        float[] c0 = TestBackends.uniform(rnd, m * n, -1, 1);
        float[] c0t = new float[n * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c0t[j * m + i] = c0[i * n + j];
            }
        }
        try (Tensor ta = be.upload(a, m, k); Tensor tb = be.upload(b, n, k); Tensor c = be.upload(c0, m, n); Tensor ct = be.upload(c0t, n, m)) {
            Gemm.gemm(be, false, true, 0.5f, ta, tb, beta, c, null, Activation.IDENTITY);
            Gemm.gemm(be, false, true, 0.5f, tb, ta, beta, ct, null, Activation.IDENTITY);
            float[] got = be.read(c);
            float[] other = be.read(ct);
            float[] back = new float[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    back[i * n + j] = other[j * m + i];
                }
            }
            ParityAssert.bitwise("A B^T against (B A^T)^T, beta " + beta, back, got);
        }
    }

    /**
     * gemmGated gives the bits of gemm then activateBackward on the same backend, for every activation
     * and beta 0 and 1, at awkward sizes (tiles inside and across the edges); both backends agree as
     * their GEMMs do.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 129})
    void gatedGemmIsGemmThenActivateBackward(int size) {
        Activation[] acts = {Activation.IDENTITY, Activation.RELU, Activation.leakyRelu(0.2f), Activation.SIGMOID, Activation.TANH};
        int[][] shapes = {{size, 33, 7}, {129, size, 20}, {size, size, 129}};
        for (int[] s : shapes) {
            int m = s[0];
            int n = s[1];
            int k = s[2];
            Random rnd = new Random(m * 1000L + n * 10L + k);
            float[] dy = TestBackends.uniform(rnd, m * k, -1, 1);
            float[] w = TestBackends.uniform(rnd, k * n, -1, 1);
            float[] c0 = TestBackends.uniform(rnd, m * n, -1, 1);
            float[] pre = TestBackends.uniform(rnd, m * n, -3, 3);
            for (Activation f : acts) {
                float[] y = new float[m * n];
                for (int i = 0; i < y.length; i++) {
                    y[i] = i % 7 == 0 ? 0f : f.apply(pre[i]);
                }
                for (float beta : new float[] {0f, 1f}) {
                    float[][] gated = new float[2][];
                    String[] names = {"java", "cl"};
                    for (int b = 0; b < 2; b++) {
                        Backend be = TestBackends.named(names[b]);
                        try (Tensor tdy = be.upload(dy, m, k); Tensor tw = be.upload(w, k, n); Tensor ty = be.upload(y, m, n);
                             Tensor c1 = be.upload(c0, m, n); Tensor c2 = be.upload(c0, m, n)) {
                            Gemm.gemmGated(be, false, false, 1f, tdy, tw, beta, c1, f, ty);
                            Gemm.gemm(be, false, false, 1f, tdy, tw, beta, c2, null, Activation.IDENTITY);
                            Activations.activateBackward(be, f, ty, c2, c2);
                            gated[b] = be.read(c1);
                            ParityAssert.bitwise(names[b] + " gated vs gemm + activateBackward " + f + " beta " + beta + " " + m + "x" + n + "x" + k,
                                    be.read(c2), gated[b]);
                        }
                    }
                    ParityAssert.close("gated java vs cl " + f + " " + m + "x" + n + "x" + k, gated[0], gated[1], 1e-5 * k, 1e-5);
                }
            }
        }
    }

    /**
     * The split-K shapes of the GPU style do split on the test device (the parity test above would
     * otherwise prove only the plain kernel), and two runs give the same bits: the partials are added in
     * a fixed order. The gated epilogue after a split equals the split product then activateBackward.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33})
    void splitKProductsSplitAndRepeatToTheBit(int m) {
        org.latentcl.backend.ClBackend cl = TestBackends.gpuStyle();
        int n = 33;
        int k = 4099;
        if (!(cl.gemmConfig(m, n) instanceof org.latentcl.backend.ClBackend.LocalGemmConfig t)) {
            throw new AssertionError("the GPU style runs the local-tile GEMM, got " + cl.gemmConfig(m, n));
        }
        assertTrue(Gemm.splits(t, m, n, k, cl.device().computeUnits()) > 1, "a " + m + "x" + n + "x" + k + " product splits K on "
                + cl.name());
        Random rnd = new Random(m);
        float[] a = TestBackends.uniform(rnd, m * k, -1, 1);
        float[] b = TestBackends.uniform(rnd, n * k, -1, 1);
        float[] pre = TestBackends.uniform(rnd, m * n, -2, 2);
        float[] y = new float[m * n];
        for (int i = 0; i < y.length; i++) {
            y[i] = Activation.TANH.apply(pre[i]);
        }
        try (Tensor ta = cl.upload(a, m, k); Tensor tb = cl.upload(b, n, k); Tensor ty = cl.upload(y, m, n);
             Tensor c1 = cl.upload(pre, m, n); Tensor c2 = cl.upload(pre, m, n); Tensor g = cl.zeros(m, n)) {
            Gemm.gemm(cl, false, true, 0.5f, ta, tb, 1f, c1, null, Activation.IDENTITY);
            Gemm.gemm(cl, false, true, 0.5f, ta, tb, 1f, c2, null, Activation.IDENTITY);
            ParityAssert.bitwise("split-K run twice " + m + "x" + n + "x" + k, cl.read(c1), cl.read(c2));
            Gemm.gemmGated(cl, false, true, 1f, ta, tb, 0f, g, Activation.TANH, ty);
            Gemm.gemm(cl, false, true, 1f, ta, tb, 0f, c1, null, Activation.IDENTITY);
            Activations.activateBackward(cl, Activation.TANH, ty, c1, c1);
            ParityAssert.bitwise("split-K gated vs split-K then activateBackward", cl.read(c1), cl.read(g));
        }
    }

    /** The split count: one where the tiles fill the device or K is short, else enough groups for two per unit, capped. */
    @Test
    void splitCountsFollowTheTilesAndK() {
        org.latentcl.backend.ClBackend.LocalGemmConfig t = new org.latentcl.backend.ClBackend.LocalGemmConfig(32, 32, 16, 2, 2);
        assertEquals(64, Gemm.splits(t, 32, 16, 25088, 132), "one tile on 132 units: capped at 64");
        assertEquals(24, Gemm.splits(t, 32, 16, 6272, 132), "K 6272 gives 24 chunks of 256 or more");
        assertEquals(1, Gemm.splits(t, 32, 16, 511, 132), "K under two chunks");
        assertEquals(1, Gemm.splits(t, 512, 512, 25088, 132), "256 tiles fill 132 units");
        assertEquals(1, Gemm.splits(t, 384, 384, 25088, 132), "144 tiles: one a unit already");
        assertEquals(5, Gemm.splits(t, 256, 256, 25088, 132), "64 tiles: 5 splits give 320 groups, two a unit or more");
        assertEquals(4, Gemm.splits(t, 1, 1, 25088, 2), "a CPU's 2 units");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void betaZeroNeverReadsC(String name) {
        Backend be = TestBackends.named(name);
        try (Tensor a = be.upload(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
             Tensor b = be.upload(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
             Tensor c = be.upload(new float[] {Float.NaN, Float.NaN, Float.NaN, Float.NaN}, 2, 2)) {
            Gemm.gemm(be, false, false, 1f, a, b, 0f, c, null, Activation.IDENTITY);
            float[] got = be.read(c);
            assertEquals(4f, got[0], name);
            assertEquals(5f, got[1], name);
            assertEquals(10f, got[2], name);
            assertEquals(11f, got[3], name);
        }
    }

    /** The long-k NT path reads its operands at their offsets too. */
    @Test
    void longDotProductsReadViewsAtOffsets() {
        Random rnd = new Random(8);
        int m = 5;
        int n = 6;
        int k = 2101;
        float[] big = TestBackends.uniform(rnd, 3 + (m + n) * k, -1, 1);
        float[][] results = new float[2][];
        int idx = 0;
        for (String name : new String[] {"java", "cl"}) {
            Backend be = TestBackends.named(name);
            try (Tensor all = be.upload(big, 1, big.length); Tensor c = be.zeros(m, n)) {
                Gemm.gemm(be, false, true, 1f, all.view(3, m, k), all.view(3 + m * k, n, k), 0f, c, null, Activation.IDENTITY);
                results[idx++] = be.read(c);
            }
        }
        for (int i = 0; i < m * n; i++) {
            double want = 0;
            for (int p = 0; p < k; p++) {
                want += (double) big[3 + (i / n) * k + p] * big[3 + m * k + (i % n) * k + p];
            }
            assertEquals(want, results[0][i], 1e-3, "java element " + i);
            assertEquals(want, results[1][i], 1e-3, "cl element " + i);
        }
    }

    @Test
    void viewsAtOffsetsAreRespected() {
        Random rnd = new Random(5);
        float[] big = TestBackends.uniform(rnd, 7 * 33 + 33 * 9 + 5, -1, 1);
        float[][] results = new float[2][];
        int idx = 0;
        for (String name : new String[] {"java", "cl"}) {
            Backend be = TestBackends.named(name);
            try (Tensor all = be.upload(big, 1, big.length); Tensor out = be.zeros(3, 7 * 9 + 1)) {
                Tensor a = all.view(5, 7, 33);
                Tensor b = all.view(5 + 7 * 33, 33, 9);
                Tensor c = out.view(1, 7, 9);
                Gemm.gemm(be, false, false, 1f, a, b, 0f, c, null, Activation.IDENTITY);
                results[idx++] = be.read(out);
            }
        }
        assertEquals(0f, results[0][0]);
        assertEquals(0f, results[1][0]);
        for (int i = 0; i < results[0].length; i++) {
            assertTrue(Math.abs(results[0][i] - results[1][i]) < 1e-5, "element " + i);
        }
    }

    /**
     * The fused weight-and-bias gradient of the OpenCL backend against the Java reference (a TN
     * GEMM and column sums), replacing and accumulating, at awkward batch and layer sizes.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 7, 33, 129, 784, 1000})
    void linearGradientsMatchTheGemmAndColumnSums(int in) {
        for (int[] bo : new int[][] {{1, 1}, {7, 33}, {128, 400}, {33, 20}}) {
            assertLinearGradientsMatch(TestBackends.cl(), bo[0], bo[1], in);
        }
    }

    /** linearGradients on {@code be}, replacing and then accumulating, against the Java backend's. */
    static void assertLinearGradientsMatch(Backend be, int batch, int out, int in) {
        java.util.Random rnd = new java.util.Random(in * 131L + batch + out);
        float[] dy = TestBackends.uniform(rnd, batch * out, -1, 1);
        float[] x = TestBackends.uniform(rnd, batch * in, -1, 1);
        float[] w0 = TestBackends.uniform(rnd, out * in, -1, 1);
        float[] b0 = TestBackends.uniform(rnd, out, -1, 1);
        float[][] r = new float[2][];
        Backend[] both = {TestBackends.java(), be};
        for (int i = 0; i < 2; i++) {
            Backend b = both[i];
            try (Tensor tdy = b.upload(dy, batch, out); Tensor tx = b.upload(x, batch, in); Tensor dw = b.upload(w0, out, in);
                 Tensor db = b.upload(b0, 1, out)) {
                Gemm.linearGradients(b, tdy, tx, 1f, dw, db);
                Gemm.linearGradients(b, tdy, tx, 1f, dw, db);
                float[] w = b.read(dw);
                float[] bias = b.read(db);
                float[] all = java.util.Arrays.copyOf(w, w.length + bias.length);
                System.arraycopy(bias, 0, all, w.length, bias.length);
                r[i] = all;
            }
        }
        // Sums of `batch` products of values in [-1, 1], twice: a few ulp of 2 * batch.
        ParityAssert.close("linearGradients " + batch + "x" + out + "x" + in, r[0], r[1], 1e-5 * batch + 1e-6, 1e-5);
    }
}
