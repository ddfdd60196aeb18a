package org.latentcl.backend.ops;

import java.util.ArrayList;
import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * Activations forward, y = f(x), and backward, dx = dy f'(x) with f' computed from the forward
 * output y. Kernels {@code elementwise.cl: activate, activate_backward}; the fast Java path of the
 * backward pass runs ReLU and LeakyReLU on vectors ({@link VectorElementwise}).
 */
public final class Activations {
    record Forward(int n, Tensor x, Tensor y, int act, float slope) {
    }

    record Backward(int n, Tensor y, Tensor dy, Tensor dx, int act, float slope) {
    }

    private static final KernelBinding<Forward> FORWARD = KernelBinding.of("elementwise.cl", "activate", Forward.class);
    private static final KernelBinding<Backward> BACKWARD = KernelBinding.of("elementwise.cl", "activate_backward", Backward.class);
    private static final Activation[] CHECKED = {Activation.RELU, Activation.leakyRelu(0.2f), Activation.SIGMOID, Activation.TANH};

    public static final OpSpec ACTIVATE = new OpSpec("activate", "y = f(x), f in identity, ReLU, LeakyReLU(slope), sigmoid, tanh",
            "elementwise.cl: activate", forwardChecks());
    public static final OpSpec ACTIVATE_BACKWARD = new OpSpec("activateBackward", "dx = dy f'(x), f' from the output y",
            "elementwise.cl: activate_backward", backwardChecks());

    private Activations() {
    }

    /** y = f(x); x and y may be the same tensor. */
    public static void activate(Backend be, Activation f, Tensor x, Tensor y) {
        be.sameSize("activate", x, y);
        be.run("activate", x.size(), 8.0 * x.size(),
                java -> {
                    if (java.plain()) {
                        for (int i = 0; i < x.size(); i++) {
                            y.set(i, f.apply(x.get(i)));
                        }
                        return;
                    }
                    // The same function on the arrays, chunk by chunk on the pool.
                    float[] xs = JavaBackend.array(x);
                    float[] ys = JavaBackend.array(y);
                    int xo = (int) x.offset();
                    int yo = (int) y.offset();
                    java.chunks(x.size(), (from, to) -> {
                        for (int i = from; i < to; i++) {
                            ys[yo + i] = f.apply(xs[xo + i]);
                        }
                    });
                },
                cl -> cl.elementwise(FORWARD, "", x.size(), new Forward(x.size(), x, y, f.code(), f.slope())));
    }

    /** dx = dy * f'(x), with f' computed from the forward output y; dx may be dy. */
    public static void activateBackward(Backend be, Activation f, Tensor y, Tensor dy, Tensor dx) {
        be.sameSize("activateBackward", y, dy, dx);
        be.run("activateBackward", y.size(), 12.0 * y.size(),
                java -> javaBackward(java, f, y, dy, dx),
                cl -> cl.elementwise(BACKWARD, "", y.size(), new Backward(y.size(), y, dy, dx, f.code(), f.slope())));
    }

    private static void javaBackward(JavaBackend java, Activation f, Tensor y, Tensor dy, Tensor dx) {
        int start = 0;
        Activation.Kind kind = f.kind();
        if (java.vectors() && (kind == Activation.Kind.RELU || kind == Activation.Kind.LEAKY_RELU)) {
            // Where y <= 0 this computes dy * slope, and the plain loop dy * 0f for ReLU: the same bits.
            start = VectorElementwise.reluBackward(0, y.size(), JavaBackend.array(y), (int) y.offset(), JavaBackend.array(dy),
                    (int) dy.offset(), JavaBackend.array(dx), (int) dx.offset(), kind == Activation.Kind.RELU ? 0f : f.slope());
        }
        for (int i = start; i < y.size(); i++) {
            dx.set(i, dy.get(i) * f.derivativeFromOutput(y.get(i)));
        }
    }

    private static List<SelfCheck> forwardChecks() {
        List<SelfCheck> out = new ArrayList<>();
        for (Activation f : CHECKED) {
            out.add(SelfCheck.vectors("activate " + f, 1, 1e-6, 4e-7, (be, x) -> SelfCheck.out(be, x[0], t -> activate(be, f, x[0], t))));
        }
        return out;
    }

    private static List<SelfCheck> backwardChecks() {
        List<SelfCheck> out = new ArrayList<>();
        for (Activation f : CHECKED) {
            out.add(SelfCheck.vectors("activateBackward " + f, 2, 1e-6, 4e-7, (be, x) -> {
                activate(be, f, x[0], x[0]);
                return SelfCheck.out(be, x[0], t -> activateBackward(be, f, x[0], x[1], t));
            }));
        }
        return out;
    }
}
