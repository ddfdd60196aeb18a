package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * The steps of spectral normalization (Miyato et al. 2018) that GEMM and {@link Dot} do not cover,
 * with their scalars read from a small tensor s on the device, so that a power iteration never
 * waits for the host: normalizing by a norm whose square is s[k], dividing by s[k], and the
 * gradient of W / sigma. Kernels {@code elementwise.cl: normalize_by, divide_by, spectral_norm_backward}.
 */
public final class SpectralNormOps {
    /** PyTorch's F.normalize default: x / max(||x||, eps). */
    public static final float EPS = 1e-12f;

    record Normalize(int n, Tensor x, Tensor s, int k, float eps, Tensor out) {
    }

    record Divide(int n, Tensor x, Tensor s, int k, Tensor out) {
    }

    record Backward(int rows, int cols, Tensor g, Tensor u, Tensor v, Tensor s, int k) {
    }

    private static final KernelBinding<Normalize> NORMALIZE = KernelBinding.of("elementwise.cl", "normalize_by", Normalize.class);
    private static final KernelBinding<Divide> DIVIDE = KernelBinding.of("elementwise.cl", "divide_by", Divide.class);
    private static final KernelBinding<Backward> BACKWARD = KernelBinding.of("elementwise.cl", "spectral_norm_backward", Backward.class);

    public static final OpSpec NORMALIZE_SPEC = new OpSpec("normalizeBy", "out = x / max(sqrt(s[k]), eps)", "elementwise.cl: normalize_by",
            List.of(SelfCheck.vectors("normalizeBy", 2, 1e-6, 1e-5, (n, in) -> in[1][0] = Math.abs(in[1][0]) * 7f,
                    (be, x) -> SelfCheck.out(be, x[0], t -> normalizeBy(be, x[0], x[1], 0, t)))));
    public static final OpSpec DIVIDE_SPEC = new OpSpec("divideBy", "out = x / s[k]", "elementwise.cl: divide_by",
            List.of(SelfCheck.vectors("divideBy", 2, 1e-6, 1e-5, (n, in) -> in[1][0] = in[1][0] >= 0 ? in[1][0] + 0.5f : in[1][0] - 0.5f,
                    (be, x) -> SelfCheck.out(be, x[0], t -> divideBy(be, x[0], x[1], 0, t)))));
    public static final OpSpec BACKWARD_SPEC = new OpSpec("spectralNormBackward",
            "g = g / sigma - (dot / sigma^2) u v^T with sigma = s[k], dot = s[k + 1]", "elementwise.cl: spectral_norm_backward",
            List.of(new SelfCheck("spectralNormBackward", 1e-5, 1e-5, (n, sizes) -> {
                java.util.Random rnd = new java.util.Random(91L * n);
                int cols = 5;
                float[] g = SelfCheck.random(rnd, n * cols, 2f);
                float[] u = SelfCheck.random(rnd, n, 1f);
                float[] v = SelfCheck.random(rnd, cols, 1f);
                float[] s = {1.5f + rnd.nextFloat(), SelfCheck.random(rnd, 1, 3f)[0]};
                return be -> {
                    try (Tensor tg = be.upload(g, n, cols); Tensor tu = be.upload(u, 1, n); Tensor tv = be.upload(v, 1, cols);
                         Tensor ts = be.upload(s, 1, 2)) {
                        backward(be, tg, tu, tv, ts, 0);
                        return be.read(tg);
                    }
                };
            })));

    private SpectralNormOps() {
    }

    /** out = x / max(sqrt(s[k]), {@link #EPS}): x normalized by the norm whose square s[k] holds. */
    public static void normalizeBy(Backend be, Tensor x, Tensor s, int k, Tensor out) {
        be.sameSize("normalizeBy", x, out);
        be.checkOut("normalizeBy", s, k);
        int n = x.size();
        be.run("normalizeBy", 2.0 * n, 8.0 * n,
                java -> {
                    float norm = Math.max((float) Math.sqrt(s.get(k)), EPS);
                    for (int i = 0; i < n; i++) {
                        out.set(i, x.get(i) / norm);
                    }
                },
                cl -> cl.elementwise(NORMALIZE, "", n, new Normalize(n, x, s, k, EPS, out)));
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
     * In place, the gradient of L(W / sigma) with respect to W from g = dL/d(W / sigma), with u and v
     * held fixed (sigma = u^T W v, so d sigma / dW = u v^T): g / sigma - (&lt;g, W&gt; / sigma^2) u v^T,
     * where s[k] = sigma and s[k + 1] = &lt;g, W&gt;. g is rows x cols, u has rows values and v cols.
     */
    public static void backward(Backend be, Tensor g, Tensor u, Tensor v, Tensor s, int k) {
        be.own(g, "spectralNormBackward");
        be.checkOut("spectralNormBackward", s, k + 1);
        int rows = g.rows();
        int cols = g.cols();
        if (u.size() != rows || v.size() != cols) {
            throw new IllegalArgumentException("spectralNormBackward: u has " + u.size() + " and v " + v.size() + " values for a "
                    + g.shape() + " gradient");
        }
        be.run("spectralNormBackward", 5.0 * g.size(), 8.0 * g.size(),
                java -> {
                    float sigma = s.get(k);
                    float c = s.get(k + 1) / (sigma * sigma);
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            g.set(i, j, g.get(i, j) / sigma - c * u.get(i) * v.get(j));
                        }
                    }
                },
                cl -> cl.elementwise(BACKWARD, "", rows * cols, new Backward(rows, cols, g, u, v, s, k)));
    }
}
