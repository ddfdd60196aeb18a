package org.latentcl.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Every operation of a backend checked against the Java reference on the same random inputs, at
 * awkward sizes, on the user's own device: the answer to "does this OpenCL driver compute what
 * it should?". Each check reports its largest error measured against its tolerance; a check
 * passes when every element satisfies |got - want| &lt;= abs + rel * |want|.
 */
public final class SelfTest {
    private static final int[] SIZES = {1, 7, 33, 129, 784, 1000};

    /**
     * One check.
     *
     * @param name     the operation (and variant)
     * @param passed   whether every size passed
     * @param maxError the largest |got - want| / (abs + rel |want|) seen: at most 1 to pass
     * @param millis   wall time of the check on both backends
     * @param detail   where it failed, or empty
     */
    public record Result(String name, boolean passed, double maxError, double millis, String detail) {
    }

    private final Backend subject;
    private final Backend reference;
    private final List<Result> results = new ArrayList<>();

    private SelfTest(Backend subject, Backend reference) {
        this.subject = subject;
        this.reference = reference;
    }

    /** Runs every check of {@code subject} against {@code reference} (normally a JavaBackend). */
    public static List<Result> run(Backend subject, Backend reference) {
        SelfTest t = new SelfTest(subject, reference);
        t.all();
        return t.results;
    }

    private void all() {
        philoxKnownAnswer();
        for (String tr : new String[] {"NN", "NT", "TN", "TT"}) {
            gemm(tr);
        }
        for (Activation f : new Activation[] {Activation.RELU, Activation.leakyRelu(0.2f), Activation.SIGMOID, Activation.TANH}) {
            elementwise("activate " + f, 1, 1e-6, 4e-7, (be, x) -> out(be, x[0], t -> be.activate(f, x[0], t)));
            elementwise("activateBackward " + f, 2, 1e-6, 4e-7, (be, x) -> {
                be.activate(f, x[0], x[0]);
                return out(be, x[0], t -> be.activateBackward(f, x[0], x[1], t));
            });
        }
        elementwise("axpy", 2, 1e-6, 2.4e-7, (be, x) -> {
            be.axpy(-0.37f, x[0], x[1]);
            return be.read(x[1]);
        });
        elementwise("mul", 2, 0, 0, (be, x) -> out(be, x[0], t -> be.mul(x[0], x[1], t)));
        elementwise("scale, fill, copy", 1, 0, 0, (be, x) -> {
            be.scale(1.7f, x[0]);
            try (Tensor t = be.zeros(x[0].rows(), x[0].cols())) {
                be.fill(t, 2.5f);
                be.copy(x[0], t);
                return be.read(t);
            }
        });
        elementwise("uniform (bitwise)", 1, 0, 0, (be, x) -> {
            be.uniform(x[0], 77, (1L << 32) - 2);
            return be.read(x[0]);
        });
        elementwise("normal (bitwise)", 1, 0, 0, (be, x) -> {
            be.normal(x[0], 78, 5);
            return be.read(x[0]);
        });
        elementwise("reparameterize", 3, 1e-6, 1e-6, (be, x) -> out(be, x[0], t -> be.reparameterize(x[0], x[1], x[2], t)));
        elementwise("reparameterizeBackward", 4, 1e-6, 1e-6, (be, x) -> {
            be.reparameterizeBackward(x[0], x[1], x[2], x[3], x[3]);
            return be.read(x[3]);
        });
        elementwise("bceWithLogits (loss, grad)", 2, 1e-4, 1e-5, (be, x) -> loss(be, x[0], (t, o) -> be.bceWithLogits(x[0], x[1], 0f, 0.5f, t, o, 0, false)));
        elementwise("gaussianNll (loss, grad)", 2, 1e-4, 1e-5, (be, x) -> loss(be, x[0], (t, o) -> be.gaussianNll(x[0], x[1], 0.7f, 0.5f, t, o, 0, false)));
        elementwise("klStandardNormal (loss, grad)", 2, 1e-4, 1e-5, (be, x) -> loss(be, x[0], (t, o) -> be.klStandardNormal(x[0], x[1], 0.5f, t, t, o, 0, false)));
        elementwise("sum", 1, 1e-4, 1e-5, (be, x) -> loss(be, x[0], (t, o) -> be.sum(x[0], o, 0, false)));
        elementwise("bceTerms", 2, 1e-6, 1e-6, (be, x) -> out(be, x[0], t -> be.bceTerms(x[0], x[1], t)));
        elementwise("gaussianNllTerms", 2, 1e-5, 1e-6, (be, x) -> out(be, x[0], t -> be.gaussianNllTerms(x[0], x[1], 0.7f, t)));
        elementwise("sgd", 3, 1e-7, 1e-6, (be, x) -> {
            be.sgd(x[0], x[1], x[2], 0.1f, 0.9f);
            return be.read(x[0]);
        });
        elementwise("adam", 4, 1e-7, 1e-6, (be, x) -> {
            be.adam(x[0], x[1], x[2], x[3], AdamConfig.of(1e-3f), 3);
            return be.read(x[0]);
        });
        matrix("columnSums", (be, a) -> out(be, 1, a.cols(), t -> be.columnSums(a, 0f, t)), 1e-4, 1e-5);
        matrix("rowSums", (be, a) -> out(be, a.rows(), 1, t -> be.rowSums(a, 1f, 0f, t)), 1e-4, 1e-5);
        matrix("logMeanExpRows", (be, a) -> out(be, a.rows(), 1, t -> be.logMeanExpRows(a, t)), 1e-5, 1e-5);
        matrix("parzenRows", (be, a) -> {
            try (Tensor xx = be.zeros(a.rows(), 1); Tensor ss = be.zeros(a.cols(), 1)) {
                be.fill(xx, 12f);
                be.fill(ss, 12f);
                return out(be, a.rows(), 1, t -> be.parzenRows(a, xx, ss, 0.5f, 20, t));
            }
        }, 1e-3, 1e-5);
        matrix("rowArgmin", (be, a) -> {
            try (Tensor ss = be.zeros(a.cols(), 1)) {
                be.fill(ss, 12f);
                return out(be, a.rows(), 1, t -> be.rowArgmin(a, ss, t));
            }
        }, 0, 0);
        matrix("transpose", (be, a) -> out(be, a.cols(), a.rows(), t -> be.transpose(a, t)), 0, 0);
        // A layer's weight and bias gradients from a batch a (dy, n x 33) and itself as the input.
        matrix("linearGradients", (be, a) -> {
            try (Tensor dw = be.zeros(a.cols(), a.cols()); Tensor db = be.zeros(1, a.cols())) {
                be.linearGradients(a, a, 0f, dw, db);
                float[] w = be.read(dw);
                float[] b = be.read(db);
                float[] all = java.util.Arrays.copyOf(w, w.length + b.length);
                System.arraycopy(b, 0, all, w.length, b.length);
                return all;
            }
        }, 1e-4, 1e-4);
        matrix("gatherRows", (be, a) -> {
            float[] idx = new float[a.rows()];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = (i * 7) % a.rows();
            }
            try (Tensor ix = be.upload(idx, 1, idx.length)) {
                return out(be, a.rows(), a.cols(), t -> be.gatherRows(a, ix, 0, t));
            }
        }, 0, 0);
    }

    private interface Op {
        float[] apply(Backend be, Tensor[] inputs);
    }

    /** Compares an elementwise-style op on vectors of every size, with {@code count} random inputs in [-3, 3]. */
    private void elementwise(String name, int count, double abs, double rel, Op op) {
        compare(name, abs, rel, n -> {
            Random rnd = new Random(31L * n + name.hashCode());
            float[][] in = new float[count][n];
            for (float[] v : in) {
                for (int i = 0; i < n; i++) {
                    v[i] = rnd.nextFloat() * 6f - 3f;
                }
            }
            if (name.startsWith("adam")) {
                java.util.Arrays.fill(in[2], 0.01f);
                for (int i = 0; i < n; i++) {
                    in[3][i] = Math.abs(in[3][i]) * 1e-3f;
                }
            }
            return be -> {
                Tensor[] t = new Tensor[count];
                for (int i = 0; i < count; i++) {
                    t[i] = be.upload(in[i], 1, n);
                }
                try {
                    return op.apply(be, t);
                } finally {
                    for (Tensor x : t) {
                        x.close();
                    }
                }
            };
        });
    }

    /** Compares an op on an n x 33 matrix for every size n. */
    private void matrix(String name, java.util.function.BiFunction<Backend, Tensor, float[]> op, double abs, double rel) {
        compare(name, abs, rel, n -> {
            Random rnd = new Random(17L * n + name.hashCode());
            float[] a = new float[n * 33];
            for (int i = 0; i < a.length; i++) {
                a[i] = rnd.nextFloat() * 6f - 3f;
            }
            return be -> {
                try (Tensor t = be.upload(a, n, 33)) {
                    return op.apply(be, t);
                }
            };
        });
    }

    private void gemm(String trans) {
        boolean ta = trans.charAt(0) == 'T';
        boolean tb = trans.charAt(1) == 'T';
        // Relative to the result's scale: K float products carry about K * 2^-24 relative error.
        compare("gemm " + trans + " (bias, tanh)", 1e-4, 1e-4, n -> {
            int m = n;
            int k = SIZES[(java.util.Arrays.binarySearch(SIZES, n) + 2) % SIZES.length];
            int cols = SIZES[(java.util.Arrays.binarySearch(SIZES, n) + 1) % SIZES.length];
            Random rnd = new Random(n * 13L + trans.hashCode());
            float[] a = rand(rnd, m * k, 1f / (float) Math.sqrt(k));
            float[] b = rand(rnd, k * cols, 1f);
            float[] bias = rand(rnd, cols, 1f);
            return be -> {
                try (Tensor ta2 = be.upload(a, ta ? k : m, ta ? m : k); Tensor tb2 = be.upload(b, tb ? cols : k, tb ? k : cols);
                     Tensor c = be.zeros(m, cols); Tensor tbias = be.upload(bias, 1, cols)) {
                    be.gemm(ta, tb, 1f, ta2, tb2, 0f, c, tbias, Activation.TANH);
                    return be.read(c);
                }
            };
        });
    }

    private static float[] rand(Random rnd, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (rnd.nextFloat() * 2f - 1f) * scale;
        }
        return v;
    }

    private void philoxKnownAnswer() {
        long t0 = System.nanoTime();
        boolean ok = true;
        String detail = "";
        if (subject instanceof ClBackend cl) {
            int[] got = cl.philoxBlock(new int[] {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, new int[] {0xa4093822, 0x299f31d0});
            int[] want = {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1};
            ok = java.util.Arrays.equals(got, want);
            detail = ok ? "" : "got " + java.util.Arrays.toString(got);
        }
        results.add(new Result("philox4x32-10 known answer", ok, ok ? 0 : Double.POSITIVE_INFINITY, (System.nanoTime() - t0) / 1e6, detail));
    }

    /** Runs the case for every size on both backends and records the worst normalized error. */
    private void compare(String name, double abs, double rel, Function<Integer, Function<Backend, float[]>> cases) {
        long t0 = System.nanoTime();
        double worst = 0;
        String detail = "";
        try {
            for (int n : SIZES) {
                Function<Backend, float[]> c = cases.apply(n);
                float[] want = c.apply(reference);
                float[] got = c.apply(subject);
                for (int i = 0; i < want.length; i++) {
                    double tol = abs + rel * Math.abs(want[i]);
                    double diff = Math.abs((double) got[i] - want[i]);
                    double e = tol == 0 ? (diff == 0 || (Float.isNaN(got[i]) && Float.isNaN(want[i])) ? 0 : Double.POSITIVE_INFINITY)
                            : diff / tol;
                    if (Double.isNaN(e)) {
                        e = Double.POSITIVE_INFINITY;
                    }
                    if (e > worst) {
                        worst = e;
                        if (e > 1) {
                            detail = "size " + n + ", element " + i + ": " + got[i] + " instead of " + want[i];
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            worst = Double.POSITIVE_INFINITY;
            detail = e.getMessage();
        }
        results.add(new Result(name, worst <= 1, worst, (System.nanoTime() - t0) / 1e6, detail));
    }

    private static float[] out(Backend be, Tensor like, java.util.function.Consumer<Tensor> op) {
        return out(be, like.rows(), like.cols(), op);
    }

    private static float[] out(Backend be, int rows, int cols, java.util.function.Consumer<Tensor> op) {
        try (Tensor t = be.zeros(rows, cols)) {
            op.accept(t);
            return be.read(t);
        }
    }

    /** The gradient followed by the reduced loss, from an op writing both. */
    private static float[] loss(Backend be, Tensor like, java.util.function.BiConsumer<Tensor, Tensor> op) {
        try (Tensor g = be.zeros(like.rows(), like.cols()); Tensor o = be.zeros(1, 1)) {
            op.accept(g, o);
            float[] grad = be.read(g);
            float[] all = java.util.Arrays.copyOf(grad, grad.length + 1);
            all[grad.length] = be.read(o)[0];
            return all;
        }
    }
}
