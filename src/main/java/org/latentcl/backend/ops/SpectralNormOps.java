package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * The steps of spectral normalization (Miyato et al. 2018) that GEMM and {@link Dot} do not cover,
 * with their scalars read from a small tensor s on the device, so that a power iteration never
 * waits for the host: normalizing a vector (and sigma), dividing by s[k] (writing the transposed copy of W / sigma
 * that a layer keeps in the same pass), and the gradient of W / sigma. Kernels {@code loss.cl: normalize_vector},
 * {@code elementwise.cl: divide_by, divide_by_transposed, spectral_norm_backward}.
 */
public final class SpectralNormOps {
    /** PyTorch's F.normalize default: x / max(||x||, eps). */
    public static final float EPS = 1e-12f;

    record Divide(int n, Tensor x, Tensor s, int k, Tensor out) {
    }

    record DivideTransposed(int rows, int cols, Tensor x, Tensor s, int k, Tensor out, Tensor outT) {
    }

    record NormalizeVector(int n, Tensor x, Tensor out, Tensor s, int k, int dotIndex, float eps, org.latentcl.opencl.LocalMemory scratch) {
    }

    record Backward(int rows, int cols, Tensor g, Tensor out, Tensor u, Tensor v, Tensor s, int k) {
    }

    private static final KernelBinding<Divide> DIVIDE = KernelBinding.of("elementwise.cl", "divide_by", Divide.class);
    private static final KernelBinding<DivideTransposed> DIVIDE_TRANSPOSED = KernelBinding.of("elementwise.cl", "divide_by_transposed",
            DivideTransposed.class);
    private static final KernelBinding<NormalizeVector> NORMALIZE_VECTOR = KernelBinding.of("loss.cl", "normalize_vector",
            NormalizeVector.class);
    private static final KernelBinding<Backward> BACKWARD = KernelBinding.of("elementwise.cl", "spectral_norm_backward", Backward.class);

    public static final OpSpec DIVIDE_SPEC = new OpSpec("divideBy", "out = x / s[k]", "elementwise.cl: divide_by",
            List.of(SelfCheck.vectors("divideBy", 2, 1e-6, 1e-5, (n, in) -> in[1][0] = in[1][0] >= 0 ? in[1][0] + 0.5f : in[1][0] - 0.5f,
                    (be, x) -> SelfCheck.out(be, x[0], t -> divideBy(be, x[0], x[1], 0, t)))));
    public static final OpSpec DIVIDE_TRANSPOSED_SPEC = new OpSpec("divideByTransposed", "out = x / s[k]; outT = (x / s[k])^T",
            "elementwise.cl: divide_by_transposed", List.of(new SelfCheck("divideByTransposed", 1e-6, 1e-5, (n, sizes) -> {
                float[] x = SelfCheck.random(new java.util.Random(23L * n), n * 33, 3f);
                return be -> {
                    try (Tensor tx = be.upload(x, n, 33); Tensor s = be.upload(new float[] {0.5f, -1.7f}, 1, 2);
                         Tensor out = be.zeros(n, 33); Tensor outT = be.zeros(33, n)) {
                        divideBy(be, tx, s, 1, out, outT);
                        float[] both = java.util.Arrays.copyOf(be.read(out), 2 * n * 33);
                        System.arraycopy(be.read(outT), 0, both, n * 33, n * 33);
                        return both;
                    }
                };
            })));
    public static final OpSpec NORMALIZE_VECTOR_SPEC = new OpSpec("normalizeVector",
            "s[k] = sum x^2; out = x / max(sqrt(s[k]), eps); s[d] = sum out x", "loss.cl: normalize_vector",
            List.of(new SelfCheck("normalizeVector", 1e-6, 1e-5, (n, sizes) -> {
                float[] x = SelfCheck.random(new java.util.Random(17L * n), n, 3f);
                return be -> {
                    try (Tensor tx = be.upload(x, 1, n); Tensor out = be.zeros(1, n); Tensor s = be.zeros(1, 3)) {
                        normalizeVector(be, tx, out, s, 0, 2);
                        float[] both = java.util.Arrays.copyOf(be.read(out), n + 3);
                        System.arraycopy(be.read(s), 0, both, n, 3);
                        return both;
                    }
                };
            })));

    public static final OpSpec BACKWARD_SPEC = new OpSpec("spectralNormBackward",
            "out = g / sigma - (dot / sigma^2) u v^T with sigma = s[k], dot = s[k + 1]", "elementwise.cl: spectral_norm_backward",
            List.of(backwardCheck("spectralNormBackward", n -> new int[] {n, 5}), backwardCheck("spectralNormBackward wide", n -> new int[] {3, n})));

    /** The gradient at rows x cols = shape(n), written out of place (and in place when n is odd). */
    private static SelfCheck backwardCheck(String name, java.util.function.IntFunction<int[]> shape) {
        return new SelfCheck(name, 1e-5, 1e-5, (n, sizes) -> {
            java.util.Random rnd = new java.util.Random(91L * n);
            int rows = shape.apply(n)[0];
            int cols = shape.apply(n)[1];
            float[] g = SelfCheck.random(rnd, rows * cols, 2f);
            float[] u = SelfCheck.random(rnd, rows, 1f);
            float[] v = SelfCheck.random(rnd, cols, 1f);
            float[] s = {1.5f + rnd.nextFloat(), SelfCheck.random(rnd, 1, 3f)[0]};
            return be -> {
                try (Tensor tg = be.upload(g, rows, cols); Tensor out = be.zeros(rows, cols); Tensor tu = be.upload(u, 1, rows);
                     Tensor tv = be.upload(v, 1, cols); Tensor ts = be.upload(s, 1, 2)) {
                    Tensor into = n % 2 == 1 ? tg : out;
                    backward(be, tg, into, tu, tv, ts, 0);
                    return be.read(into);
                }
            };
        });
    }

    private SpectralNormOps() {
    }

    /**
     * One step of the power iteration in one launch: s[k] = sum of x_i^2, out = x / max(sqrt(s[k]),
     * {@link #EPS}), and, with {@code dotIndex} non-negative, s[dotIndex] = sum of out_i x_i (sigma,
     * when x = W v and out = u). The same as {@link Dot#dot}, a division by the norm and
     * another {@link Dot#dot}, which would take five launches. x and out hold the same number of values.
     */
    public static void normalizeVector(Backend be, Tensor x, Tensor out, Tensor s, int k, int dotIndex) {
        be.sameSize("normalizeVector", x, out);
        be.checkOut("normalizeVector", s, k);
        if (dotIndex >= 0) {
            be.checkOut("normalizeVector", s, dotIndex);
        }
        int n = x.size();
        be.run("normalizeVector", 5.0 * n, 12.0 * n,
                java -> {
                    double ss = 0;
                    for (int i = 0; i < n; i++) {
                        ss += (double) x.get(i) * x.get(i);
                    }
                    s.set(k, (float) ss);
                    float norm = Math.max((float) Math.sqrt(s.get(k)), EPS);
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        float o = x.get(i) / norm;
                        out.set(i, o);
                        dot += (double) o * x.get(i);
                    }
                    if (dotIndex >= 0) {
                        s.set(dotIndex, (float) dot);
                    }
                },
                cl -> {
                    long[] group = {cl.reductionGroupSize()};
                    cl.launch(NORMALIZE_VECTOR, cl.reduceDefines(), group, group, 0, 0, new NormalizeVector(n, x, out, s, k,
                            dotIndex, EPS, Reduction.scratch(cl)));
                });
    }

    /** out = x / s[k]. */
    public static void divideBy(Backend be, Tensor x, Tensor s, int k, Tensor out) {
        be.sameSize("divideBy", x, out);
        be.checkOut("divideBy", s, k);
        int n = x.size();
        be.run("divideBy", n, 8.0 * n,
                java -> {
                    float d = s.get(k);
                    for (int i = 0; i < n; i++) {
                        out.set(i, x.get(i) / d);
                    }
                },
                cl -> cl.elementwise(DIVIDE, "", n, new Divide(n, x, s, k, out)));
    }

    /**
     * out = x / s[k] and outT = out^T in one pass (x rows x cols, outT cols x rows, neither overlapping x): W / sigma and
     * the transposed copy that W's layer multiplies by, each quotient computed once, as {@link #divideBy} computes it.
     */
    public static void divideBy(Backend be, Tensor x, Tensor s, int k, Tensor out, Tensor outT) {
        be.sameSize("divideByTransposed", x, out, outT);
        be.checkOut("divideByTransposed", s, k);
        if (out.rows() != x.rows() || outT.rows() != x.cols()) {
            throw new IllegalArgumentException("divideByTransposed: out must be " + x.shape() + " and outT " + x.cols() + "x" + x.rows()
                    + ", got " + out.shape() + " and " + outT.shape());
        }
        int rows = x.rows();
        int cols = x.cols();
        be.run("divideByTransposed", x.size(), 12.0 * x.size(),
                java -> {
                    float d = s.get(k);
                    if (java.plain()) {
                        for (int i = 0; i < rows; i++) {
                            for (int j = 0; j < cols; j++) {
                                float q = x.get(i, j) / d;
                                out.set(i, j, q);
                                outT.set(j, i, q);
                            }
                        }
                        return;
                    }
                    float[] src = org.latentcl.backend.JavaBackend.array(x);
                    float[] dst = org.latentcl.backend.JavaBackend.array(out);
                    int xo = (int) x.offset();
                    int oo = (int) out.offset();
                    for (int i = 0; i < x.size(); i++) {
                        dst[oo + i] = src[xo + i] / d;
                    }
                    Transpose.fast(java, out, outT);
                },
                cl -> cl.launch(DIVIDE_TRANSPOSED, "", new long[] {(cols + 7) / 8, (rows + 7) / 8}, null, 0, 0,
                        new DivideTransposed(rows, cols, x, s, k, out, outT)));
    }

    /**
     * The gradient of L(W / sigma) with respect to W from g = dL/d(W / sigma), with u and v held
     * fixed (sigma = u^T W v, so d sigma / dW = u v^T): out = g / sigma - (&lt;g, W&gt; / sigma^2) u v^T,
     * where s[k] = sigma and s[k + 1] = &lt;g, W&gt;. g and out are rows x cols (out may be g), u has
     * rows values and v cols.
     */
    public static void backward(Backend be, Tensor g, Tensor out, Tensor u, Tensor v, Tensor s, int k) {
        be.sameSize("spectralNormBackward", g, out);
        be.checkOut("spectralNormBackward", s, k + 1);
        be.own(u, "spectralNormBackward u");
        be.own(v, "spectralNormBackward v");
        int rows = g.rows();
        int cols = g.cols();
        if (u.size() != rows || v.size() != cols) {
            throw new IllegalArgumentException("spectralNormBackward: u has " + u.size() + " and v " + v.size() + " values for a "
                    + g.shape() + " gradient");
        }
        be.run("spectralNormBackward", 5.0 * g.size(), 12.0 * g.size(),
                java -> {
                    float sigma = s.get(k);
                    float c = s.get(k + 1) / (sigma * sigma);
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            out.set(i * cols + j, g.get(i * cols + j) / sigma - c * u.get(i) * v.get(j));
                        }
                    }
                },
                cl -> cl.launch(BACKWARD, "", new long[] {cols, rows}, null, 0, 0,
                        new Backward(rows, cols, g, out, u, v, s, k)));
    }
}
