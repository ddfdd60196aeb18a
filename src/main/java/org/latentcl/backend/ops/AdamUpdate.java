package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.AdamConfig;
import org.latentcl.backend.Backend;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * One Adam step over a flat parameter buffer, with PyTorch's semantics: g += weightDecay p;
 * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr / (1 - b1^t) m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 * Kernels {@code optim.cl: adam} (one parameter per work-item, GPUs) and {@code adam8} (eight,
 * CPUs); the fast Java path ({@link VectorAdam}) gives the same bits as the reference loop.
 */
public final class AdamUpdate {
    record Args(int n, Tensor p, Tensor grad, Tensor m, Tensor v, float stepSize, float beta1, float beta2, float eps,
                float weightDecay, float sqrtC2) {
    }

    private static final KernelBinding<Args> ONE = KernelBinding.of("optim.cl", "adam", Args.class);
    private static final KernelBinding<Args> EIGHT = KernelBinding.of("optim.cl", "adam8", Args.class);

    public static final OpSpec SPEC = new OpSpec("adam",
            "PyTorch Adam: bias-corrected, eps after the square root, optional weight decay", "optim.cl: adam, adam8",
            List.of(SelfCheck.vectors("adam", 4, 1e-7, 1e-6, (n, in) -> {
                java.util.Arrays.fill(in[2], 0.01f);
                for (int i = 0; i < n; i++) {
                    in[3][i] = Math.abs(in[3][i]) * 1e-3f;
                }
            }, (be, x) -> {
                adam(be, x[0], x[1], x[2], x[3], AdamConfig.of(1e-3f), 3);
                return be.read(x[0]);
            })));

    private AdamUpdate() {
    }

    /** One Adam step, number {@code step} (from 1), over params with its gradients and moments m and v. */
    public static void adam(Backend be, Tensor params, Tensor grads, Tensor m, Tensor v, AdamConfig config, int step) {
        be.sameSize("adam", params, grads, m, v);
        if (step < 1) {
            throw new IllegalArgumentException("adam: step counts from 1, got " + step);
        }
        float[] corr = config.biasCorrections(step);
        int n = params.size();
        be.run("adam", 12.0 * n, 28.0 * n,
                java -> java.chunks(n, (from, to) -> {
                    int start = java.vectors() ? VectorAdam.update(from, to, JavaBackend.array(params), (int) params.offset(),
                            JavaBackend.array(grads), (int) grads.offset(), JavaBackend.array(m), (int) m.offset(), JavaBackend.array(v),
                            (int) v.offset(), config.beta1(), config.beta2(), config.eps(), config.weightDecay(), corr[0], corr[1]) : from;
                    reference(start, to, params, grads, m, v, config, corr[0], corr[1]);
                }),
                cl -> {
                    Args args = new Args(n, params, grads, m, v, corr[0], config.beta1(), config.beta2(), config.eps(),
                            config.weightDecay(), corr[1]);
                    if (cl.contiguous()) {
                        cl.elementwise(EIGHT, "", (n + 7) / 8, args);
                    } else {
                        cl.elementwise(ONE, "", n, args);
                    }
                });
    }

    /** Elements [from, to) of the update, in float, in the order of the formula. */
    static void reference(int from, int to, Tensor p, Tensor g, Tensor m, Tensor v, AdamConfig cfg, float stepSize, float sqrtC2) {
        float beta1 = cfg.beta1();
        float beta2 = cfg.beta2();
        for (int i = from; i < to; i++) {
            float gi = g.get(i) + cfg.weightDecay() * p.get(i);
            float mi = beta1 * m.get(i) + (1f - beta1) * gi;
            float vi = beta2 * v.get(i) + (1f - beta2) * gi * gi;
            m.set(i, mi);
            v.set(i, vi);
            p.set(i, p.get(i) - stepSize * mi / ((float) Math.sqrt(vi) / sqrtC2 + cfg.eps()));
        }
    }
}
