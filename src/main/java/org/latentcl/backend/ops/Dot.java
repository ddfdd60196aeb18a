package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;
import org.latentcl.opencl.ClBuffer;
import org.latentcl.opencl.LocalMemory;

/** out[index] (+)= sum of a_i b_i. Kernels {@code loss.cl: dot_stage1} + {@code reduce_partials}. */
public final class Dot {
    record Args(int n, Tensor a, Tensor b, ClBuffer partials, LocalMemory scratch) {
    }

    private static final KernelBinding<Args> KERNEL = KernelBinding.of("loss.cl", "dot_stage1", Args.class);

    public static final OpSpec SPEC = new OpSpec("dot", "out_i (+)= sum a b", "loss.cl: dot_stage1 + reduce_partials",
            List.of(SelfCheck.vectors("dot", 2, 1e-3, 1e-5, (be, x) -> SelfCheck.loss(be, x[0], (t, o) -> dot(be, x[0], x[1], o, 0, false)))));

    private Dot() {
    }

    public static void dot(Backend be, Tensor a, Tensor b, Tensor out, int index, boolean accumulate) {
        be.sameSize("dot", a, b);
        be.checkOut("dot", out, index);
        int n = a.size();
        be.run("dot", 2.0 * n, 8.0 * n,
                java -> {
                    double total = 0;
                    for (int i = 0; i < n; i++) {
                        total += (double) a.get(i) * b.get(i);
                    }
                    Reduction.store(out, index, total, accumulate);
                },
                cl -> Reduction.run(cl, KERNEL, new Args(n, a, b, cl.partials(), Reduction.scratch(cl)), n, out, index, accumulate));
    }
}
