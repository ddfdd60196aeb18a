package org.latentcl.backend.ops;

import java.util.Arrays;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;

/**
 * One self-test check of an operation: for each awkward size n, a case that runs the operation on
 * a backend and returns what it computed. The same case runs on the reference backend and on the
 * device under test; every element must satisfy |got - want| &lt;= abs + rel |want|.
 *
 * @param name  the check, as {@code selftest} prints it
 * @param abs   absolute tolerance
 * @param rel   relative tolerance
 * @param cases the case for size n
 */
public record SelfCheck(String name, double abs, double rel, Cases cases) {
    /** The sizes every check runs at on a device: 1, a prime, around powers of two, an MNIST row, a thousand. */
    public static final int[] SIZES = {1, 7, 33, 129, 784, 1000};
    /**
     * The sizes on a simulator, which interprets every work-item: 1, a prime, around a power of two, and
     * 70, past one 64-wide work-group tile, so that edges and several work-groups are exercised.
     */
    public static final int[] SIMULATOR_SIZES = {1, 7, 33, 70};

    /** The case of size n, among the sizes of this run (an operation with several dimensions takes the others from them). */
    @FunctionalInterface
    public interface Cases {
        Function<Backend, float[]> at(int n, int[] sizes);
    }

    /** An operation on {@code count} random vectors of n values in [-3, 3]. */
    public static SelfCheck vectors(String name, int count, double abs, double rel, BiFunction<Backend, Tensor[], float[]> op) {
        return vectors(name, count, abs, rel, (n, in) -> {
        }, op);
    }

    /** As {@link #vectors(String, int, double, double, BiFunction)}, after {@code adjust} shapes the inputs' values. */
    public static SelfCheck vectors(String name, int count, double abs, double rel, BiConsumer<Integer, float[][]> adjust,
                                    BiFunction<Backend, Tensor[], float[]> op) {
        return new SelfCheck(name, abs, rel, (n, sizes) -> {
            Random rnd = new Random(31L * n + name.hashCode());
            float[][] in = new float[count][n];
            for (float[] v : in) {
                for (int i = 0; i < n; i++) {
                    v[i] = rnd.nextFloat() * 6f - 3f;
                }
            }
            adjust.accept(n, in);
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

    /** An operation on a random n x 33 matrix with values in [-3, 3]. */
    public static SelfCheck matrix(String name, double abs, double rel, BiFunction<Backend, Tensor, float[]> op) {
        return new SelfCheck(name, abs, rel, (n, sizes) -> {
            Random rnd = new Random(17L * n + name.hashCode());
            float[] a = random(rnd, n * 33, 3f);
            return be -> {
                try (Tensor t = be.upload(a, n, 33)) {
                    return op.apply(be, t);
                }
            };
        });
    }

    /** n uniform values in [-scale, scale). */
    public static float[] random(Random rnd, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (rnd.nextFloat() * 2f - 1f) * scale;
        }
        return v;
    }

    /** What {@code op} writes into a new tensor shaped like {@code like}. */
    public static float[] out(Backend be, Tensor like, Consumer<Tensor> op) {
        return out(be, like.rows(), like.cols(), op);
    }

    /** What {@code op} writes into a new rows x cols tensor. */
    public static float[] out(Backend be, int rows, int cols, Consumer<Tensor> op) {
        try (Tensor t = be.zeros(rows, cols)) {
            op.accept(t);
            return be.read(t);
        }
    }

    /** The gradient followed by the reduced loss, from an operation writing both (gradient, loss element). */
    public static float[] loss(Backend be, Tensor like, BiConsumer<Tensor, Tensor> op) {
        try (Tensor g = be.zeros(like.rows(), like.cols()); Tensor o = be.zeros(1, 1)) {
            op.accept(g, o);
            float[] grad = be.read(g);
            float[] all = Arrays.copyOf(grad, grad.length + 1);
            all[grad.length] = be.read(o)[0];
            return all;
        }
    }

    /** Two results end to end. */
    public static float[] concat(float[] a, float[] b) {
        float[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
