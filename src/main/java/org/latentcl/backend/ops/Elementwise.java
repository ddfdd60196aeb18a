package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/** The plain elementwise operations: fill, copy, the elementwise product and a + alpha b. Kernels in {@code elementwise.cl}. */
public final class Elementwise {
    record Fill(int n, float value, Tensor x) {
    }

    record Mul(int n, Tensor a, Tensor b, Tensor out) {
    }

    record Axpy(int n, Tensor a, float alpha, Tensor b, Tensor out) {
    }

    private static final KernelBinding<Axpy> AXPY = KernelBinding.of("elementwise.cl", "axpy", Axpy.class);
    private static final KernelBinding<Fill> FILL = KernelBinding.of("elementwise.cl", "fill", Fill.class);
    private static final KernelBinding<Mul> MUL = KernelBinding.of("elementwise.cl", "mul", Mul.class);

    public static final OpSpec FILL_SPEC = new OpSpec("fill", "x = v", "elementwise.cl: fill",
            List.of(SelfCheck.vectors("fill", 1, 0, 0, (be, x) -> {
                fill(be, x[0], 2.5f);
                return be.read(x[0]);
            })));
    public static final OpSpec COPY_SPEC = new OpSpec("copy", "dst = src", "clEnqueueCopyBuffer",
            List.of(SelfCheck.vectors("copy", 1, 0, 0, (be, x) -> SelfCheck.out(be, x[0], t -> copy(be, x[0], t)))));
    public static final OpSpec MUL_SPEC = new OpSpec("mul", "out = a b, elementwise", "elementwise.cl: mul",
            List.of(SelfCheck.vectors("mul", 2, 0, 0, (be, x) -> SelfCheck.out(be, x[0], t -> mul(be, x[0], x[1], t)))));

    public static final OpSpec AXPY_SPEC = new OpSpec("axpy", "out = a + alpha b, elementwise", "elementwise.cl: axpy",
            List.of(SelfCheck.vectors("axpy", 2, 1e-6, 1e-6, (be, x) -> SelfCheck.out(be, x[0], t -> axpy(be, x[0], -0.375f, x[1], t)))));

    private Elementwise() {
    }

    /** Every element of x becomes {@code value}. */
    public static void fill(Backend be, Tensor x, float value) {
        be.own(x, "fill");
        be.run("fill", 0, 4.0 * x.size(),
                java -> {
                    for (int i = 0; i < x.size(); i++) {
                        x.set(i, value);
                    }
                },
                cl -> cl.elementwise(FILL, "", x.size(), new Fill(x.size(), value, x)));
    }

    /** dst = src. */
    public static void copy(Backend be, Tensor src, Tensor dst) {
        be.sameSize("copy", src, dst);
        be.run("copy", 0, 8.0 * src.size(),
                java -> System.arraycopy(org.latentcl.backend.JavaBackend.array(src), (int) src.offset(),
                        org.latentcl.backend.JavaBackend.array(dst), (int) dst.offset(), src.size()),
                cl -> cl.copy(src, dst));
    }

    /** out = a * b elementwise; out may be a or b. */
    public static void mul(Backend be, Tensor a, Tensor b, Tensor out) {
        be.sameSize("mul", a, b, out);
        be.run("mul", a.size(), 12.0 * a.size(),
                java -> {
                    for (int i = 0; i < a.size(); i++) {
                        out.set(i, a.get(i) * b.get(i));
                    }
                },
                cl -> cl.elementwise(MUL, "", a.size(), new Mul(a.size(), a, b, out)));
    }

    /** out = a + alpha * b elementwise; out may be a or b. */
    public static void axpy(Backend be, Tensor a, float alpha, Tensor b, Tensor out) {
        be.sameSize("axpy", a, b, out);
        be.run("axpy", 2.0 * a.size(), 12.0 * a.size(),
                java -> {
                    for (int i = 0; i < a.size(); i++) {
                        out.set(i, a.get(i) + alpha * b.get(i));
                    }
                },
                cl -> cl.elementwise(AXPY, "", a.size(), new Axpy(a.size(), a, alpha, b, out)));
    }
}
