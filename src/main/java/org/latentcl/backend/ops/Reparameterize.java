package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Philox;
import org.latentcl.backend.Tensor;

/**
 * The VAE's reparameterization (Kingma &amp; Welling 2014): eps ~ N(0, I) drawn as
 * {@link RandomFill#normal} draws it, z = mu + exp(logvar / 2) eps, in one launch
 * ({@code random.cl: reparameterize_sample}); and its backward, accumulating
 * dmu += dz, dlogvar += dz eps exp(logvar / 2) / 2 ({@code reparameterize_backward}).
 */
public final class Reparameterize {
    record Sample(int n, Tensor mu, Tensor logvar, Tensor eps, Tensor z, long seed, long counter) {
    }

    record Backward(int n, Tensor logvar, Tensor eps, Tensor dz, Tensor dmu, Tensor dlogvar) {
    }

    private static final KernelBinding<Sample> SAMPLE = KernelBinding.of("random.cl", "reparameterize_sample", Sample.class);
    private static final KernelBinding<Backward> BACKWARD = KernelBinding.of("random.cl", "reparameterize_backward", Backward.class);

    public static final OpSpec SAMPLE_SPEC = new OpSpec("sampleReparameterized",
            "eps = normal(seed, counter); z = mu + exp(logvar / 2) eps, in one launch", "random.cl: reparameterize_sample",
            List.of(SelfCheck.vectors("sampleReparameterized", 2, 1e-6, 1e-6, (be, x) -> {
                try (Tensor eps = be.zeros(1, x[0].size()); Tensor z = be.zeros(1, x[0].size())) {
                    sampleReparameterized(be, x[0], x[1], eps, z, 79, 3);
                    return SelfCheck.concat(be.read(eps), be.read(z));
                }
            })));
    public static final OpSpec BACKWARD_SPEC = new OpSpec("reparameterizeBackward",
            "dmu += dz; dlogvar += dz eps exp(logvar / 2) / 2", "random.cl: reparameterize_backward",
            List.of(SelfCheck.vectors("reparameterizeBackward", 4, 1e-6, 1e-6, (be, x) -> {
                reparameterizeBackward(be, x[0], x[1], x[2], x[3], x[3]);
                return be.read(x[3]);
            })));

    private Reparameterize() {
    }

    /** Draws eps from the stream (seed, counter) and writes z = mu + exp(logvar / 2) * eps. */
    public static void sampleReparameterized(Backend be, Tensor mu, Tensor logvar, Tensor eps, Tensor z, long seed, long counter) {
        be.sameSize("sampleReparameterized", mu, logvar, eps, z);
        int n = mu.size();
        be.run("sampleReparameterized", 3.0 * n, 16.0 * n,
                java -> {
                    Philox.fillNormal(JavaBackend.array(eps), (int) eps.offset(), n, seed, counter);
                    for (int i = 0; i < n; i++) {
                        z.set(i, mu.get(i) + (float) Math.exp(0.5f * logvar.get(i)) * eps.get(i));
                    }
                },
                cl -> {
                    if (n > 0) {
                        cl.elementwise(SAMPLE, cl.randomDefines(), (int) Philox.blocks(n), new Sample(n, mu, logvar, eps, z, seed, counter));
                    }
                });
    }

    /** dmu += dz and dlogvar += dz * eps * exp(logvar / 2) / 2 (accumulates, so the KL gradient can go first). */
    public static void reparameterizeBackward(Backend be, Tensor logvar, Tensor eps, Tensor dz, Tensor dmu, Tensor dlogvar) {
        be.sameSize("reparameterizeBackward", logvar, eps, dz, dmu, dlogvar);
        int n = logvar.size();
        be.run("reparameterizeBackward", 5.0 * n, 28.0 * n,
                java -> {
                    for (int i = 0; i < n; i++) {
                        float d = dz.get(i);
                        dmu.set(i, dmu.get(i) + d);
                        dlogvar.set(i, dlogvar.get(i) + d * eps.get(i) * 0.5f * (float) Math.exp(0.5f * logvar.get(i)));
                    }
                },
                cl -> cl.elementwise(BACKWARD, cl.randomDefines(), n, new Backward(n, logvar, eps, dz, dmu, dlogvar)));
    }
}
