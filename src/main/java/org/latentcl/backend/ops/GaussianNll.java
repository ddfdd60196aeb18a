package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;
import org.latentcl.opencl.ClBuffer;
import org.latentcl.opencl.LocalMemory;

/**
 * Gaussian negative log-likelihood with a fixed standard deviation sigma:
 * terms 0.5 ((x - m) / sigma)^2 + log sigma + 0.5 log(2 pi), summed on the backend
 * ({@code loss.cl: gaussian_nll} + {@code reduce_partials}) with the gradient
 * scale (m - x) / sigma^2, or unreduced ({@code gaussian_nll_terms}).
 */
public final class GaussianNll {
    record Args(int n, Tensor mean, Tensor targets, float invSigma, float logNorm, float gradFactor, Tensor grad, boolean hasGrad,
                ClBuffer partials, LocalMemory scratch) {
    }

    record Terms(int n, Tensor mean, Tensor targets, float invSigma, float logNorm, Tensor out) {
    }

    private static final KernelBinding<Args> KERNEL = KernelBinding.of("loss.cl", "gaussian_nll", Args.class);
    private static final KernelBinding<Terms> TERMS = KernelBinding.of("loss.cl", "gaussian_nll_terms", Terms.class);

    public static final OpSpec SPEC = new OpSpec("gaussianNll",
            "sum ((m - x)/sigma)^2 / 2 + log sigma + log(2 pi)/2; grad = scale (m - x)/sigma^2", "loss.cl: gaussian_nll + reduce_partials",
            List.of(SelfCheck.vectors("gaussianNll (loss, grad)", 2, 1e-4, 1e-5,
                    (be, x) -> SelfCheck.loss(be, x[0], (t, o) -> gaussianNll(be, x[0], x[1], 0.7f, 0.5f, t, o, 0, false)))));
    public static final OpSpec TERMS_SPEC = new OpSpec("gaussianNllTerms",
            "out = 0.5 ((m - x)/sigma)^2 + log sigma + 0.5 log 2 pi, unreduced", "loss.cl: gaussian_nll_terms",
            List.of(SelfCheck.vectors("gaussianNllTerms", 2, 1e-5, 1e-6,
                    (be, x) -> SelfCheck.out(be, x[0], t -> gaussianNllTerms(be, x[0], x[1], 0.7f, t)))));

    private GaussianNll() {
    }

    /**
     * Gaussian negative log-likelihood with fixed standard deviation sigma, summed into
     * {@code out[index]} (added when {@code accumulate}). Writes grad = gradScale * (m - x) / sigma^2
     * for the mean m when grad is not null.
     */
    public static void gaussianNll(Backend be, Tensor mean, Tensor targets, float sigma, float gradScale, Tensor grad, Tensor out,
                                   int index, boolean accumulate) {
        be.sameSize("gaussianNll", mean, targets);
        if (grad != null) {
            be.sameSize("gaussianNll grad", mean, grad);
        }
        checkSigma("gaussianNll", sigma);
        be.checkOut("gaussianNll", out, index);
        int n = mean.size();
        be.run("gaussianNll", 6.0 * n, 12.0 * n,
                java -> {
                    double constant = Math.log(sigma) + 0.5 * Math.log(2 * Math.PI);
                    double total = 0;
                    for (int i = 0; i < n; i++) {
                        double d = (double) mean.get(i) - targets.get(i);
                        total += 0.5 * (d / sigma) * (d / sigma) + constant;
                        if (grad != null) {
                            grad.set(i, (float) (gradScale * d / ((double) sigma * sigma)));
                        }
                    }
                    Reduction.store(out, index, total, accumulate);
                },
                cl -> Reduction.run(cl, KERNEL, new Args(n, mean, targets, 1f / sigma, logNorm(sigma),
                        (float) (gradScale / ((double) sigma * sigma)), grad == null ? mean : grad, grad != null, cl.partials(),
                        Reduction.scratch(cl)), n, out, index, accumulate));
    }

    /** out = the unreduced terms 0.5 ((m - x) / sigma)^2 + log sigma + 0.5 log 2 pi. */
    public static void gaussianNllTerms(Backend be, Tensor mean, Tensor targets, float sigma, Tensor out) {
        be.sameSize("gaussianNllTerms", mean, targets, out);
        checkSigma("gaussianNllTerms", sigma);
        int n = mean.size();
        be.run("gaussianNllTerms", 5.0 * n, 12.0 * n,
                java -> {
                    double constant = Math.log(sigma) + 0.5 * Math.log(2 * Math.PI);
                    for (int i = 0; i < n; i++) {
                        double r = ((double) mean.get(i) - targets.get(i)) / sigma;
                        out.set(i, (float) (0.5 * r * r + constant));
                    }
                },
                cl -> cl.elementwise(TERMS, cl.reduceDefines(), n, new Terms(n, mean, targets, 1f / sigma, logNorm(sigma), out)));
    }

    private static float logNorm(float sigma) {
        return (float) (Math.log(sigma) + 0.5 * Math.log(2 * Math.PI));
    }

    private static void checkSigma(String op, float sigma) {
        if (!(sigma > 0f) || Float.isInfinite(sigma)) {
            throw new IllegalArgumentException(op + ": sigma must be a positive finite number, got " + sigma);
        }
    }
}
