package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;
import org.latentcl.opencl.ClBuffer;
import org.latentcl.opencl.LocalMemory;

/**
 * KL(N(mu, exp(logvar)) || N(0, I)) = -1/2 sum(1 + logvar - mu^2 - exp(logvar)), the VAE's closed
 * form, summed on the backend ({@code loss.cl: kl_normal} + {@code reduce_partials}) with its
 * gradients dmu = scale mu, dlogvar = scale (exp(logvar) - 1) / 2.
 */
public final class KlStandardNormal {
    record Args(int n, Tensor mu, Tensor logvar, float gradScale, Tensor dmu, Tensor dlogvar, boolean hasGrad, ClBuffer partials,
                LocalMemory scratch) {
    }

    private static final KernelBinding<Args> KERNEL = KernelBinding.of("loss.cl", "kl_normal", Args.class);

    public static final OpSpec SPEC = new OpSpec("klStandardNormal",
            "-1/2 sum (1 + logvar - mu^2 - e^logvar); dmu = scale mu; dlogvar = scale (e^logvar - 1)/2",
            "loss.cl: kl_normal + reduce_partials", List.of(SelfCheck.vectors("klStandardNormal (loss, grad)", 2, 1e-4, 1e-5,
                    (be, x) -> SelfCheck.loss(be, x[0], (t, o) -> {
                        try (Tensor dl = be.zeros(1, x[0].size())) {
                            klStandardNormal(be, x[0], x[1], 0.5f, t, dl, o, 0, false);
                            Elementwise.mul(be, t, dl, t);
                        }
                    }))));

    private KlStandardNormal() {
    }

    /**
     * The KL divergence summed over every element into {@code out[index]} (added when
     * {@code accumulate}). Writes (overwrites) dmu = gradScale * mu and
     * dlogvar = gradScale * 0.5 * (exp(logvar) - 1) when they are not null.
     */
    public static void klStandardNormal(Backend be, Tensor mu, Tensor logvar, float gradScale, Tensor dmu, Tensor dlogvar,
                                        Tensor out, int index, boolean accumulate) {
        be.sameSize("klStandardNormal", mu, logvar);
        if ((dmu == null) != (dlogvar == null)) {
            throw new IllegalArgumentException("klStandardNormal: give both gradients or neither");
        }
        if (dmu != null) {
            be.sameSize("klStandardNormal gradients", mu, dmu, dlogvar);
        }
        be.checkOut("klStandardNormal", out, index);
        int n = mu.size();
        be.run("klStandardNormal", 8.0 * n, 16.0 * n,
                java -> {
                    double total = 0;
                    for (int i = 0; i < n; i++) {
                        double m = mu.get(i);
                        double l = logvar.get(i);
                        double e = Math.exp(l);
                        total += -0.5 * (1 + l - m * m - e);
                        if (dmu != null) {
                            dmu.set(i, (float) (gradScale * m));
                            dlogvar.set(i, (float) (gradScale * 0.5 * (e - 1)));
                        }
                    }
                    Reduction.store(out, index, total, accumulate);
                },
                cl -> Reduction.run(cl, KERNEL, new Args(n, mu, logvar, gradScale, dmu == null ? mu : dmu, dlogvar == null ? logvar : dlogvar,
                        dmu != null, cl.partials(), Reduction.scratch(cl)), n, out, index, accumulate));
    }
}
