package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * y[r][c] = s[r] x[r][c] + beta y[r][c]: each row of x scaled by its own number, added to y when
 * beta is 1 (beta 0 only writes y). A projection discriminator's backward pass uses it to send each
 * example's logit gradient through its class embedding. Kernel {@code elementwise.cl: scale_rows}.
 */
public final class ScaleRows {
    record Args(int rows, int cols, Tensor s, Tensor x, float beta, Tensor y) {
    }

    private static final KernelBinding<Args> KERNEL = KernelBinding.of("elementwise.cl", "scale_rows", Args.class);

    /** The n x 33 input scaled by n numbers into zeros, then added again onto that (beta 1). */
    public static final OpSpec SPEC = new OpSpec("scaleRows", "y[r][c] = s[r] x[r][c] + beta y[r][c]", "elementwise.cl: scale_rows",
            List.of(SelfCheck.matrix("scaleRows", 1e-6, 1e-6, (be, a) -> {
                float[] s = new float[a.rows()];
                for (int i = 0; i < s.length; i++) {
                    s[i] = (i % 5) - 1.5f;
                }
                try (Tensor ts = be.upload(s, a.rows(), 1)) {
                    return SelfCheck.out(be, a, t -> {
                        scaleRows(be, ts, a, 0f, t);
                        scaleRows(be, ts, a, 1f, t);
                    });
                }
            })));

    private ScaleRows() {
    }

    /** y = diag(s) x + beta y, for s with one value per row of x (rows x 1) and y of x's shape. */
    public static void scaleRows(Backend be, Tensor s, Tensor x, float beta, Tensor y) {
        be.own(s, "scaleRows scales");
        be.own(x, "scaleRows input");
        be.own(y, "scaleRows output");
        if (s.size() != x.rows() || y.rows() != x.rows() || y.cols() != x.cols()) {
            throw new IllegalArgumentException("scaleRows: " + s.size() + " scales for " + x.shape() + " into " + y.shape());
        }
        be.run("scaleRows", x.size(), 12.0 * x.size(),
                java -> reference(s, x, beta, y),
                cl -> cl.elementwise(KERNEL, "", x.size(), new Args(x.rows(), x.cols(), s, x, beta, y)));
    }

    static void reference(Tensor s, Tensor x, float beta, Tensor y) {
        for (int r = 0; r < x.rows(); r++) {
            for (int c = 0; c < x.cols(); c++) {
                float v = s.get(r) * x.get(r, c);
                y.set(r, c, beta == 0f ? v : v + beta * y.get(r, c));
            }
        }
    }
}
