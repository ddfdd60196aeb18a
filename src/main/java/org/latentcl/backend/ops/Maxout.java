package org.latentcl.backend.ops;

import java.util.List;
import java.util.Random;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * Maxout (Goodfellow et al. 2013): each unit is the largest of k consecutive values, y[r][u] = max_p x[r][u k + p]
 * (the layout of Blocks' LinearMaxout, which PacGAN's discriminators use: a Linear layer of U k outputs, then the
 * maximum over each unit's k pieces). Its Jacobian selects the winning piece p* (the first on a tie), so the three
 * passes are one gather and one scatter: forward gathers x at p*, a tangent v gathers v at p* (J v, for gradient
 * penalties), and backward scatters dy to p* (J^T dy) with zeros elsewhere. Kernels {@code elementwise.cl:
 * maxout_gather, maxout_scatter}; no atomics, each output value written by one work-item.
 */
public final class Maxout {
    record Gather(int n, int k, Tensor x, Tensor v, Tensor out) {
    }

    record Scatter(int n, int k, Tensor x, Tensor dy, Tensor dx) {
    }

    private static final KernelBinding<Gather> GATHER = KernelBinding.of("elementwise.cl", "maxout_gather", Gather.class);
    private static final KernelBinding<Scatter> SCATTER = KernelBinding.of("elementwise.cl", "maxout_scatter", Scatter.class);

    public static final OpSpec GATHER_SPEC = new OpSpec("maxout", "out[r][u] = v[r][u k + p*], p* = first argmax_p x[r][u k + p]",
            "elementwise.cl: maxout_gather", List.of(check(false)));
    public static final OpSpec SCATTER_SPEC = new OpSpec("maxoutBackward", "dx[r][u k + p] = (p == p*) dy[r][u], else 0",
            "elementwise.cl: maxout_scatter", List.of(check(true)));

    /**
     * n rows of 5 units of 3 pieces, one row of n units of 2 pieces, and n units of 1 piece (a copy); x holds ties (values
     * rounded to halves) so the first-maximum rule is checked too.
     */
    private static SelfCheck check(boolean scatter) {
        return new SelfCheck(scatter ? "maxoutBackward" : "maxout (x and a tangent)", 0, 0, (n, sizes) -> {
            Random rnd = new Random(19L * n + (scatter ? 1 : 0));
            int[][] shapes = {{n, 5, 3}, {1, n, 2}, {n, 1, 1}};
            float[][] xs = new float[shapes.length][];
            float[][] vs = new float[shapes.length][];
            for (int c = 0; c < shapes.length; c++) {
                int[] sh = shapes[c];
                xs[c] = SelfCheck.random(rnd, sh[0] * sh[1] * sh[2], 3f);
                for (int i = 0; i < xs[c].length; i++) {
                    xs[c][i] = Math.round(xs[c][i] * 2f) / 2f;
                }
                vs[c] = SelfCheck.random(rnd, sh[0] * sh[1] * (scatter ? 1 : sh[2]), 1f);
            }
            return be -> {
                float[] all = new float[0];
                for (int c = 0; c < shapes.length; c++) {
                    int[] sh = shapes[c];
                    int units = sh[1];
                    int k = sh[2];
                    try (Tensor x = be.upload(xs[c], sh[0], units * k); Tensor out = be.zeros(sh[0], scatter ? units * k : units);
                         Tensor v = be.upload(vs[c], sh[0], scatter ? units : units * k)) {
                        if (scatter) {
                            backward(be, x, k, v, out);
                            all = SelfCheck.concat(all, be.read(out));
                        } else {
                            forward(be, x, k, out);
                            all = SelfCheck.concat(all, be.read(out));
                            tangent(be, x, k, v, out);
                            all = SelfCheck.concat(all, be.read(out));
                        }
                    }
                }
                return all;
            };
        });
    }

    private Maxout() {
    }

    /** y = maxout(x) over pieces of k: x is rows x (U k), y rows x U. */
    public static void forward(Backend be, Tensor x, int k, Tensor y) {
        gather(be, "maxout", x, k, x, y);
    }

    /** out = J v, the maxout's Jacobian at x applied to v (rows x (U k)): v at each unit's winning piece of x. */
    public static void tangent(Backend be, Tensor x, int k, Tensor v, Tensor out) {
        be.sameSize("maxout tangent", x, v);
        gather(be, "maxoutTangent", x, k, v, out);
    }

    /** dx = J^T dy: dy (rows x U) at each unit's winning piece of x, 0 at the others. */
    public static void backward(Backend be, Tensor x, int k, Tensor dy, Tensor dx) {
        shapes(be, "maxoutBackward", x, k, dy);
        be.sameSize("maxoutBackward dx", x, dx);
        int n = x.size();
        be.run("maxoutBackward", 0, 4.0 * (2 * n + dy.size()),
                java -> {
                    for (int i = 0; i < n; i++) {
                        int unit = i / k;
                        dx.set(i, piece(x, unit * k, k) == i - unit * k ? dy.get(unit) : 0f);
                    }
                },
                cl -> cl.elementwise(SCATTER, "", n, new Scatter(n, k, x, dy, dx)));
    }

    private static void gather(Backend be, String op, Tensor x, int k, Tensor v, Tensor out) {
        shapes(be, op, x, k, out);
        int n = out.size();
        be.run(op, 0, 4.0 * (x.size() + 2 * n),
                java -> {
                    for (int i = 0; i < n; i++) {
                        out.set(i, v.get(i * k + piece(x, i * k, k)));
                    }
                },
                cl -> cl.elementwise(GATHER, "", n, new Gather(n, k, x, v, out)));
    }

    /** The first of the k pieces x[base .. base + k) holding their maximum. */
    static int piece(Tensor x, int base, int k) {
        int best = 0;
        for (int p = 1; p < k; p++) {
            if (x.get(base + p) > x.get(base + best)) {
                best = p;
            }
        }
        return best;
    }

    private static void shapes(Backend be, String op, Tensor x, int k, Tensor units) {
        be.own(x, op);
        be.own(units, op);
        if (k < 1 || x.rows() != units.rows() || x.cols() != units.cols() * k) {
            throw new IllegalArgumentException(op + ": " + x.shape() + " in pieces of " + k + " does not give " + units.shape());
        }
    }
}
