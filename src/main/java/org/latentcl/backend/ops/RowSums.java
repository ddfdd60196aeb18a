package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;
import org.latentcl.opencl.LocalMemory;

/** out[i] = beta out[i] + alpha sum_j x[i][j]. Kernels {@code elementwise.cl: row_sums} (CPUs), {@code row_sums_groups} (GPUs). */
public final class RowSums {
    record Args(int rows, int cols, Tensor x, float alpha, float beta, Tensor out) {
    }

    private static final KernelBinding<Args> KERNEL = KernelBinding.of("elementwise.cl", "row_sums", Args.class);

    record GroupArgs(int rows, int cols, Tensor x, float alpha, float beta, Tensor out, LocalMemory scratch) {
    }

    /** The GPU style: a work-group per row. */
    private static final KernelBinding<GroupArgs> GROUPS = KernelBinding.of("elementwise.cl", "row_sums_groups", GroupArgs.class);

    public static final OpSpec SPEC = new OpSpec("rowSums", "out_i = beta out_i + alpha sum_j x_ij",
            "elementwise.cl: row_sums (CPUs), row_sums_groups (GPUs)", List.of(SelfCheck.matrix("rowSums", 1e-4, 1e-5,
                    (be, a) -> SelfCheck.out(be, a.rows(), 1, t -> rowSums(be, a, 1f, 0f, t)))));

    private RowSums() {
    }

    public static void rowSums(Backend be, Tensor x, float alpha, float beta, Tensor out) {
        be.own(x, "rowSums input");
        be.own(out, "rowSums output");
        if (out.size() != x.rows()) {
            throw new IllegalArgumentException("rowSums: output must have " + x.rows() + " elements, got " + out.shape());
        }
        be.run("rowSums", x.size(), 4.0 * x.size(),
                java -> reference(x, alpha, beta, out),
                cl -> {
                    if (cl.contiguous()) {
                        cl.elementwise(KERNEL, "", x.rows(), new Args(x.rows(), x.cols(), x, alpha, beta, out));
                    } else {
                        Reduction.perGroup(cl, GROUPS, x.rows(), new GroupArgs(x.rows(), x.cols(), x, alpha, beta, out, Reduction.scratch(cl)));
                    }
                });
    }

    /** Each row summed in double, left to right. */
    static void reference(Tensor x, float alpha, float beta, Tensor out) {
        for (int i = 0; i < x.rows(); i++) {
            double s = 0;
            for (int j = 0; j < x.cols(); j++) {
                s += x.get(i, j);
            }
            out.set(i, (beta == 0f ? 0f : beta * out.get(i)) + alpha * (float) s);
        }
    }
}
