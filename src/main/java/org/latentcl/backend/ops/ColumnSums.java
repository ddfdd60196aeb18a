package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/** out[j] = beta out[j] + sum_i a[i][j]: a layer's bias gradient over a batch. Kernel {@code elementwise.cl: column_sums}. */
public final class ColumnSums {
    record Args(int rows, int cols, Tensor a, float beta, Tensor out) {
    }

    private static final KernelBinding<Args> KERNEL = KernelBinding.of("elementwise.cl", "column_sums", Args.class);

    public static final OpSpec SPEC = new OpSpec("columnSums", "out_j = beta out_j + sum_i A_ij (bias gradient)",
            "elementwise.cl: column_sums", List.of(SelfCheck.matrix("columnSums", 1e-4, 1e-5,
                    (be, a) -> SelfCheck.out(be, 1, a.cols(), t -> columnSums(be, a, 0f, t)))));

    private ColumnSums() {
    }

    public static void columnSums(Backend be, Tensor a, float beta, Tensor out) {
        be.own(a, "columnSums input");
        be.own(out, "columnSums output");
        if (out.size() != a.cols()) {
            throw new IllegalArgumentException("columnSums: output must have " + a.cols() + " elements, got " + out.shape());
        }
        be.run("columnSums", a.size(), 4.0 * a.size(),
                java -> reference(a, beta, out),
                cl -> cl.elementwise(KERNEL, "", a.cols(), new Args(a.rows(), a.cols(), a, beta, out)));
    }

    /** Each column summed in double, top to bottom. */
    static void reference(Tensor a, float beta, Tensor out) {
        for (int j = 0; j < a.cols(); j++) {
            double s = 0;
            for (int i = 0; i < a.rows(); i++) {
                s += a.get(i, j);
            }
            out.set(j, (beta == 0f ? 0f : beta * out.get(j)) + (float) s);
        }
    }
}
