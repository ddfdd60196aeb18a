package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * WGAN-GP's penalty row by row (Gulrajani et al. 2017): from the squared norms s = ||g||^2 of the critic's input
 * gradients, the terms lambda (||g|| - 1)^2 and the coefficients scale 2 lambda (||g|| - 1) / ||g|| that turn each
 * row of g into the penalty's gradient with respect to it (0 where g = 0, whose norm has no gradient; PyTorch's norm
 * gives 0 there too). Kernel {@code loss.cl: gp_rows}.
 */
public final class GradientPenalty {
    record Args(int n, Tensor squares, float lambda, float scale, Tensor coefficients, Tensor terms) {
    }

    private static final KernelBinding<Args> KERNEL = KernelBinding.of("loss.cl", "gp_rows", Args.class);

    /** On squared norms from 0 to 9 (norms 0 to 3, on both sides of 1), with lambda 10 and scale 0.25. */
    public static final OpSpec SPEC = new OpSpec("gradientPenalty",
            "terms = lambda (sqrt(s) - 1)^2; coeff = scale 2 lambda (sqrt(s) - 1) / sqrt(s), 0 at s = 0", "loss.cl: gp_rows",
            List.of(SelfCheck.vectors("gradientPenalty (coefficients, terms)", 1, 1e-5, 1e-5, (n, in) -> {
                for (int i = 0; i < n; i++) {
                    in[0][i] = i == 0 ? 0f : in[0][i] * in[0][i];
                }
            }, (be, x) -> {
                try (Tensor c = be.zeros(1, x[0].size()); Tensor t = be.zeros(1, x[0].size())) {
                    rows(be, x[0], 10f, 0.25f, c, t);
                    return SelfCheck.concat(be.read(c), be.read(t));
                }
            })));

    private GradientPenalty() {
    }

    /** coefficients[r] = scale 2 lambda (sqrt(s[r]) - 1) / sqrt(s[r]) (0 at s = 0) and terms[r] = lambda (sqrt(s[r]) - 1)^2. */
    public static void rows(Backend be, Tensor squares, float lambda, float scale, Tensor coefficients, Tensor terms) {
        be.sameSize("gradientPenalty", squares, coefficients, terms);
        int n = squares.size();
        be.run("gradientPenalty", 6.0 * n, 12.0 * n,
                java -> reference(squares, lambda, scale, coefficients, terms),
                cl -> cl.elementwise(KERNEL, cl.reduceDefines(), n, new Args(n, squares, lambda, scale, coefficients, terms)));
    }

    static void reference(Tensor squares, float lambda, float scale, Tensor coefficients, Tensor terms) {
        for (int r = 0; r < squares.size(); r++) {
            double norm = Math.sqrt(squares.get(r));
            terms.set(r, (float) (lambda * (norm - 1) * (norm - 1)));
            coefficients.set(r, norm == 0 ? 0f : (float) (scale * 2 * lambda * (norm - 1) / norm));
        }
    }
}
