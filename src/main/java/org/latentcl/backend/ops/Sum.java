package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;
import org.latentcl.opencl.ClBuffer;
import org.latentcl.opencl.LocalMemory;

/** out[index] (+)= the sum of every element of x. Kernels {@code loss.cl: sum_stage1} + {@code reduce_partials}. */
public final class Sum {
    record Args(int n, Tensor x, ClBuffer partials, LocalMemory scratch) {
    }

    private static final KernelBinding<Args> KERNEL = KernelBinding.of("loss.cl", "sum_stage1", Args.class);

    public static final OpSpec SPEC = new OpSpec("sum", "out_i (+)= sum x", "loss.cl: sum_stage1 + reduce_partials",
            List.of(SelfCheck.vectors("sum", 1, 1e-4, 1e-5, (be, x) -> SelfCheck.loss(be, x[0], (t, o) -> sum(be, x[0], o, 0, false)))));

    private Sum() {
    }

    public static void sum(Backend be, Tensor x, Tensor out, int index, boolean accumulate) {
        be.own(x, "sum");
        be.checkOut("sum", out, index);
        int n = x.size();
        be.run("sum", n, 4.0 * n,
                java -> {
                    double total = 0;
                    for (int i = 0; i < n; i++) {
                        total += x.get(i);
                    }
                    Reduction.store(out, index, total, accumulate);
                },
                cl -> Reduction.run(cl, KERNEL, new Args(n, x, cl.partials(), Reduction.scratch(cl)), n, out, index, accumulate));
    }
}
