package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;
import org.latentcl.opencl.ClBuffer;
import org.latentcl.opencl.LocalMemory;

/**
 * The hinge GAN losses (Lim & Ye 2017; Miyato et al. 2018): the discriminator's
 * max(0, 1 - D(x)) and max(0, 1 + D(G(z))), and the generator's -D(G(z)), as one op with a sign s
 * and an optional margin m: terms max(0, m + s l) with gradient s [m + s l &gt; 0], or s l with
 * gradient s. Summed on the backend ({@code loss.cl: hinge_logits} + {@code reduce_partials}).
 */
public final class Hinge {
    record Args(int n, Tensor logits, float sign, float margin, boolean hasMargin, float gradScale, Tensor grad, boolean hasGrad,
                ClBuffer partials, LocalMemory scratch) {
    }

    private static final KernelBinding<Args> KERNEL = KernelBinding.of("loss.cl", "hinge_logits", Args.class);

    public static final OpSpec SPEC = new OpSpec("hinge", "sum max(0, m + s l) (or s l); grad = scale s [m + s l > 0] (or scale s)",
            "loss.cl: hinge_logits + reduce_partials",
            List.of(SelfCheck.vectors("hinge (margin 1, s = -1)", 1, 1e-4, 1e-5,
                            (be, x) -> SelfCheck.loss(be, x[0], (t, o) -> hinge(be, x[0], -1f, 1f, 0.5f, t, o, 0, false))),
                    SelfCheck.vectors("hinge (linear, s = -1)", 1, 1e-4, 1e-5,
                            (be, x) -> SelfCheck.loss(be, x[0], (t, o) -> linear(be, x[0], -1f, 0.25f, t, o, 0, false)))));

    private Hinge() {
    }

    /**
     * out[index] (+)= sum of max(0, margin + sign l) over the logits l; grad (when not null) =
     * gradScale * sign where the hinge is active, else 0.
     */
    public static void hinge(Backend be, Tensor logits, float sign, float margin, float gradScale, Tensor grad, Tensor out,
                             int index, boolean accumulate) {
        run(be, logits, sign, margin, true, gradScale, grad, out, index, accumulate);
    }

    /** out[index] (+)= sum of sign l over the logits; grad (when not null) = gradScale * sign. */
    public static void linear(Backend be, Tensor logits, float sign, float gradScale, Tensor grad, Tensor out, int index,
                              boolean accumulate) {
        run(be, logits, sign, 0f, false, gradScale, grad, out, index, accumulate);
    }

    private static void run(Backend be, Tensor logits, float sign, float margin, boolean hasMargin, float gradScale, Tensor grad,
                            Tensor out, int index, boolean accumulate) {
        be.own(logits, "hinge logits");
        if (grad != null) {
            be.sameSize("hinge grad", logits, grad);
        }
        be.checkOut("hinge", out, index);
        int n = logits.size();
        be.run("hinge", 3.0 * n, 8.0 * n,
                java -> {
                    double sum = 0;
                    for (int i = 0; i < n; i++) {
                        double sl = sign * (double) logits.get(i);
                        boolean active = !hasMargin || margin + sl > 0;
                        sum += hasMargin ? Math.max(0, margin + sl) : sl;
                        if (grad != null) {
                            grad.set(i, active ? gradScale * sign : 0f);
                        }
                    }
                    Reduction.store(out, index, sum, accumulate);
                },
                cl -> Reduction.run(cl, KERNEL, new Args(n, logits, sign, margin, hasMargin, gradScale, grad == null ? logits : grad,
                        grad != null, cl.partials(), Reduction.scratch(cl)), n, out, index, accumulate));
    }
}
