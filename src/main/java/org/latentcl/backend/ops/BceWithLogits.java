package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;
import org.latentcl.opencl.ClBuffer;
import org.latentcl.opencl.LocalMemory;

/**
 * Binary cross-entropy with logits: the loss terms max(l, 0) - l t + log(1 + exp(-|l|)), summed
 * on the backend ({@code loss.cl: bce_logits} + {@code reduce_partials}) with the gradient
 * scale (sigmoid(l) - t), or unreduced ({@code bce_terms}). The fast Java path runs the sum and
 * the gradient on double vectors ({@link VectorLoss}) in parallel chunks.
 */
public final class BceWithLogits {
    record Args(int n, Tensor logits, Tensor targets, boolean hasTargets, float target, float gradScale, Tensor grad,
                boolean hasGrad, ClBuffer partials, LocalMemory scratch) {
    }

    record Terms(int n, Tensor logits, Tensor targets, Tensor out) {
    }

    private static final KernelBinding<Args> KERNEL = KernelBinding.of("loss.cl", "bce_logits", Args.class);
    private static final KernelBinding<Terms> TERMS = KernelBinding.of("loss.cl", "bce_terms", Terms.class);

    public static final OpSpec SPEC = new OpSpec("bceWithLogits",
            "sum max(l,0) - l t + log(1 + e^-abs(l)); grad = scale (sigmoid(l) - t)", "loss.cl: bce_logits + reduce_partials",
            List.of(SelfCheck.vectors("bceWithLogits (loss, grad)", 2, 1e-4, 1e-5,
                    (be, x) -> SelfCheck.loss(be, x[0], (t, o) -> bceWithLogits(be, x[0], x[1], 0f, 0.5f, t, o, 0, false))),
                    SelfCheck.vectors("bceWithLogits (constant target)", 1, 1e-4, 1e-5,
                            (be, x) -> SelfCheck.loss(be, x[0], (t, o) -> bceWithLogits(be, x[0], null, 1f, -0.25f, t, o, 0, false)))));
    public static final OpSpec TERMS_SPEC = new OpSpec("bceTerms", "out = max(l,0) - l t + log(1 + e^-abs(l)), unreduced",
            "loss.cl: bce_terms", List.of(SelfCheck.vectors("bceTerms", 2, 1e-6, 1e-6,
                    (be, x) -> SelfCheck.out(be, x[0], t -> bceTerms(be, x[0], x[1], t)))));

    private BceWithLogits() {
    }

    /**
     * Binary cross-entropy with logits, summed over every element, with t from {@code targets} or,
     * when that is null, the constant {@code target}. Writes grad = gradScale * (sigmoid(l) - t) when
     * grad is not null, and the loss into {@code out[index]} (added to it when {@code accumulate}).
     */
    public static void bceWithLogits(Backend be, Tensor logits, Tensor targets, float target, float gradScale, Tensor grad,
                                     Tensor out, int index, boolean accumulate) {
        be.own(logits, "bceWithLogits logits");
        if (targets != null) {
            be.sameSize("bceWithLogits targets", logits, targets);
        }
        if (grad != null) {
            be.sameSize("bceWithLogits grad", logits, grad);
        }
        be.checkOut("bceWithLogits", out, index);
        int n = logits.size();
        be.run("bceWithLogits", 8.0 * n, 12.0 * n,
                java -> Reduction.store(out, index, java.plain() ? reference(logits, targets, target, gradScale, grad)
                        : fast(java, logits, targets, target, gradScale, grad), accumulate),
                cl -> Reduction.run(cl, KERNEL, new Args(n, logits, targets == null ? logits : targets, targets != null, target,
                        gradScale, grad == null ? logits : grad, grad != null, cl.partials(), Reduction.scratch(cl)), n, out, index, accumulate));
    }

    /** out = the unreduced terms max(l, 0) - l t + log(1 + exp(-|l|)). */
    public static void bceTerms(Backend be, Tensor logits, Tensor targets, Tensor out) {
        be.sameSize("bceTerms", logits, targets, out);
        int n = logits.size();
        be.run("bceTerms", 6.0 * n, 12.0 * n,
                java -> {
                    for (int i = 0; i < n; i++) {
                        double x = logits.get(i);
                        out.set(i, (float) (Math.max(x, 0) - x * targets.get(i) + log1pSmall(Math.exp(-Math.abs(x)))));
                    }
                },
                cl -> cl.elementwise(TERMS, cl.reduceDefines(), n, new Terms(n, logits, targets, out)));
    }

    /** The sum in double, element by element, and the gradient from the same exponential. */
    static double reference(Tensor logits, Tensor targets, float target, float gradScale, Tensor grad) {
        double sum = 0;
        for (int i = 0; i < logits.size(); i++) {
            sum += term(logits, targets, target, gradScale, grad, i);
        }
        return sum;
    }

    private static double term(Tensor logits, Tensor targets, float target, float gradScale, Tensor grad, int i) {
        double x = logits.get(i);
        double y = targets == null ? target : targets.get(i);
        // One exponential, e = exp(-|x|), serves the loss and the sigmoid (as Activation.sigmoid computes it).
        double e = Math.exp(-Math.abs(x));
        if (grad != null) {
            float sig = (float) (x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e));
            grad.set(i, gradScale * (sig - (float) y));
        }
        return Math.max(x, 0) - x * y + log1pSmall(e);
    }

    /** Chunks in parallel (the chunk sums added in order), each on double vectors where the Vector API is present. */
    private static double fast(JavaBackend java, Tensor logits, Tensor targets, float target, float gradScale, Tensor grad) {
        float[] l = JavaBackend.array(logits);
        float[] t = targets == null ? null : JavaBackend.array(targets);
        float[] g = grad == null ? null : JavaBackend.array(grad);
        int lo = (int) logits.offset();
        int to = targets == null ? 0 : (int) targets.offset();
        int go = grad == null ? 0 : (int) grad.offset();
        return java.chunkSums(logits.size(), (from, end) -> {
            double sum = 0;
            int start = from;
            if (java.vectors()) {
                start = VectorLoss.vectorEnd(from, end);
                sum = VectorLoss.lossSum(from, start, l, lo, t, to, target);
                if (g != null) {
                    VectorLoss.gradient(from, start, l, lo, t, to, target, g, go, gradScale);
                }
            }
            for (int i = start; i < end; i++) {
                sum += term(logits, targets, target, gradScale, grad, i);
            }
            return sum;
        });
    }

    /**
     * log(1 + e) for e in [0, 1], to double precision, from the intrinsic Math.log: with u = 1 + e
     * rounded, log(u) * e / (u - 1) cancels the rounding of u (Goldberg, "What every computer scientist
     * should know about floating-point arithmetic", 1991, theorem 4). Math.log1p is a pure-Java fdlibm
     * port, and was 80% of the loss's time here.
     */
    static double log1pSmall(double e) {
        double u = 1.0 + e;
        return u == 1.0 ? e : Math.log(u) * e / (u - 1.0);
    }
}
