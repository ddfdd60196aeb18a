package org.latentcl.backend.ops;

import java.util.List;
import java.util.Random;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * The minibatch standard-deviation feature of Karras et al. (2018, section 3), over the whole batch:
 * for x (N x F, F features per example), std_f = sqrt(var_f + 1e-8) with the biased variance over
 * the batch, s = mean over f of std_f, and y (N x (F + P)) = each row of x followed by s repeated P
 * times (P = 1 after a linear layer; the plane H W after a convolution, as one more channel).
 * Backward: dx[n][f] = dy[n][f] + (G / F) (x[n][f] - mean_f) / (N std_f), G the sum of every dy
 * of the appended values. Kernels {@code elementwise.cl: mbstd_*}, the sums by {@link Sum}.
 */
public final class MinibatchStd {
    /** Added to the variance, as in Karras et al.'s code. */
    public static final float EPS = 1e-8f;

    record Columns(int batch, int features, Tensor x, Tensor mean, Tensor std) {
    }

    record Append(int batch, int features, int plane, Tensor x, Tensor s, Tensor y) {
    }

    record ExtraSums(int batch, int features, int plane, Tensor dy, Tensor g) {
    }

    record Back(int batch, int features, int plane, Tensor x, Tensor mean, Tensor std, Tensor dy, Tensor s, Tensor dx) {
    }

    private static final KernelBinding<Columns> COLUMNS = KernelBinding.of("elementwise.cl", "mbstd_columns", Columns.class);
    private static final KernelBinding<Append> APPEND = KernelBinding.of("elementwise.cl", "mbstd_append", Append.class);
    private static final KernelBinding<ExtraSums> EXTRA = KernelBinding.of("elementwise.cl", "mbstd_extra_sums", ExtraSums.class);
    private static final KernelBinding<Back> BACK = KernelBinding.of("elementwise.cl", "mbstd_backward", Back.class);

    record TangentColumns(int batch, int features, Tensor x, Tensor mean, Tensor std, Tensor u, Tensor ubar, Tensor a, Tensor t) {
    }

    record Second(int batch, int features, Tensor x, Tensor mean, Tensor std, Tensor u, Tensor ubar, Tensor a, Tensor s, Tensor r) {
    }

    private static final KernelBinding<TangentColumns> TANGENT = KernelBinding.of("elementwise.cl", "mbstd_tangent_columns", TangentColumns.class);
    private static final KernelBinding<Second> SECOND = KernelBinding.of("elementwise.cl", "mbstd_second", Second.class);

    public static final OpSpec FORWARD_SPEC = new OpSpec("minibatchStd", "y = (x, mean_f sqrt(var_batch(x_f) + 1e-8) repeated P times)",
            "elementwise.cl: mbstd_columns, mbstd_append; loss.cl: sum_stage1", List.of(check("minibatchStd", false)));
    public static final OpSpec BACKWARD_SPEC = new OpSpec("minibatchStdBackward",
            "dx = dy[:, :F] + (sum dy[:, F:] / F) (x - mean_f) / (N std_f)",
            "elementwise.cl: mbstd_extra_sums, mbstd_backward; loss.cl: sum_stage1", List.of(check("minibatchStdBackward", true)));
    public static final OpSpec PENALTY_SPEC = new OpSpec("minibatchStdPenalty",
            "uOut = (u, sum_f a_f / (N std_f) / F), r = (G / (F N)) ((u - ubar_f) / std_f - a_f (x - mean_f) / (N std_f^3)), a_f = sum_n u (x - mean_f)",
            "elementwise.cl: mbstd_tangent_columns, mbstd_append, mbstd_extra_sums, mbstd_second; loss.cl: sum_stage1",
            List.of(penaltyCheck()));

    /** The penalty pass on the shapes of {@link #check}: after a forward pass, the tangent at the output and the second-order term. */
    private static SelfCheck penaltyCheck() {
        return new SelfCheck("minibatchStdPenalty (tangent, second-order term)", 1e-5, 1e-4, (n, sizes) -> {
            Random rnd = new Random(29L * n);
            int[][] shapes = {{n, 6, 2}, {Math.min(n, 9), n, 1}};
            float[][][] in = new float[2][3][];
            for (int c = 0; c < 2; c++) {
                int[] sh = shapes[c];
                in[c][0] = SelfCheck.random(rnd, sh[0] * sh[1], 2f);
                in[c][1] = SelfCheck.random(rnd, sh[0] * sh[1], 1f);
                in[c][2] = SelfCheck.random(rnd, sh[0] * (sh[1] + sh[2]), 1f);
            }
            return be -> {
                float[] all = new float[0];
                for (int c = 0; c < 2; c++) {
                    int[] sh = shapes[c];
                    int rows = sh[0];
                    int f = sh[1];
                    try (Tensor x = be.upload(in[c][0], rows, f); Tensor u = be.upload(in[c][1], rows, f); Tensor dy = be.upload(in[c][2], rows, f + sh[2]);
                         Tensor mean = be.zeros(1, f); Tensor std = be.zeros(1, f); Tensor s = be.zeros(1, 2); Tensor y = be.zeros(rows, f + sh[2]);
                         Tensor g = be.zeros(1, rows); Tensor columns = be.zeros(3, f); Tensor uOut = be.zeros(rows, f + sh[2]);
                         Tensor r = be.zeros(rows, f)) {
                        forward(be, x, sh[2], mean, std, s, y);
                        penaltyTangent(be, x, sh[2], mean, std, s, g, columns, u, dy, uOut, r);
                        all = SelfCheck.concat(all, SelfCheck.concat(be.read(uOut), be.read(r)));
                    }
                }
                return all;
            };
        });
    }

    /** Batches of n examples of 3 channels of plane 2 (6 features); and one of 1 x n features, plane 1. */
    private static SelfCheck check(String name, boolean backward) {
        return new SelfCheck(name, 1e-5, 1e-4, (n, sizes) -> {
            Random rnd = new Random(13L * n + (backward ? 1 : 0));
            int[][] shapes = {{n, 6, 2}, {Math.min(n, 9), n, 1}};
            float[][] xs = new float[2][];
            float[][] dys = new float[2][];
            for (int c = 0; c < 2; c++) {
                int[] sh = shapes[c];
                xs[c] = SelfCheck.random(rnd, sh[0] * sh[1], 2f);
                dys[c] = SelfCheck.random(rnd, sh[0] * (sh[1] + sh[2]), 1f);
            }
            return be -> {
                float[] all = new float[0];
                for (int c = 0; c < 2; c++) {
                    int[] sh = shapes[c];
                    try (Tensor x = be.upload(xs[c], sh[0], sh[1]); Tensor mean = be.zeros(1, sh[1]); Tensor std = be.zeros(1, sh[1]);
                         Tensor s = be.zeros(1, 2); Tensor y = be.zeros(sh[0], sh[1] + sh[2]); Tensor g = be.zeros(1, sh[0]);
                         Tensor dy = be.upload(dys[c], sh[0], sh[1] + sh[2]); Tensor dx = be.zeros(sh[0], sh[1])) {
                        forward(be, x, sh[2], mean, std, s, y);
                        if (backward) {
                            MinibatchStd.backward(be, x, sh[2], mean, std, s, g, dy, dx);
                        }
                        all = SelfCheck.concat(all, be.read(backward ? dx : y));
                    }
                }
                return all;
            };
        });
    }

    private MinibatchStd() {
    }

    /**
     * y = x with the feature appended; writes mean and std (1 x F) and s[0] = sum of std_f for
     * {@link #backward}. x is N x F, y is N x (F + plane).
     */
    public static void forward(Backend be, Tensor x, int plane, Tensor mean, Tensor std, Tensor s, Tensor y) {
        check(be, x, plane, mean, std, s, y, "minibatchStd");
        int batch = x.rows();
        int features = x.cols();
        be.run("minibatchStd", 4.0 * x.size(), 8.0 * x.size(),
                java -> {
                    for (int f = 0; f < features; f++) {
                        float m = 0f;
                        for (int n = 0; n < batch; n++) {
                            m += x.get(n, f);
                        }
                        m /= batch;
                        float v = 0f;
                        for (int n = 0; n < batch; n++) {
                            float d = x.get(n, f) - m;
                            v += d * d;
                        }
                        mean.set(f, m);
                        std.set(f, (float) Math.sqrt(v / batch + EPS));
                    }
                },
                cl -> cl.elementwise(COLUMNS, "", features, new Columns(batch, features, x, mean, std)));
        Sum.sum(be, std, s, 0, false);
        append(be, "minibatchStd", x, plane, s, y);
    }

    /** gb[n] = the sum of dy[n]'s appended values (dy is N x (F + plane)). */
    private static void extraSums(Backend be, String op, Tensor dy, int features, int plane, Tensor gb) {
        int batch = gb.size();
        be.run(op, dy.size(), 4.0 * dy.size(),
                java -> {
                    for (int n = 0; n < batch; n++) {
                        float t = 0f;
                        for (int p = 0; p < plane; p++) {
                            t += dy.get(n, features + p);
                        }
                        gb.set(n, t);
                    }
                },
                cl -> cl.elementwise(EXTRA, "", batch, new ExtraSums(batch, features, plane, dy, gb)));
    }

    /** y[n] = (x[n], s[0] / F repeated plane times). */
    private static void append(Backend be, String op, Tensor x, int plane, Tensor s, Tensor y) {
        int batch = x.rows();
        int features = x.cols();
        be.run(op, 0, 8.0 * y.size(),
                java -> {
                    float feature = s.get(0) / features;
                    for (int n = 0; n < batch; n++) {
                        for (int j = 0; j < features + plane; j++) {
                            y.set(n, j, j < features ? x.get(n, j) : feature);
                        }
                    }
                },
                cl -> cl.elementwise(APPEND, "", y.size(), new Append(batch, features, plane, x, s, y)));
    }

    /** dx from dy after {@link #forward} on x (mean, std and s as it left them); g (1 x N) is scratch, s[1] receives G. */
    public static void backward(Backend be, Tensor x, int plane, Tensor mean, Tensor std, Tensor s, Tensor g, Tensor dy, Tensor dx) {
        check(be, x, plane, mean, std, s, dy, "minibatchStdBackward");
        be.sameSize("minibatchStdBackward dx", x, dx);
        be.own(g, "minibatchStdBackward scratch");
        int batch = x.rows();
        int features = x.cols();
        if (g.size() < batch) {
            throw new IllegalArgumentException("minibatchStdBackward: scratch of " + g.size() + " values for a batch of " + batch);
        }
        Tensor gb = g.view(0, 1, batch);
        extraSums(be, "minibatchStdBackward", dy, features, plane, gb);
        Sum.sum(be, gb, s, 1, false);
        be.run("minibatchStdBackward", 5.0 * x.size(), 12.0 * x.size(),
                java -> {
                    float c = s.get(1) / features;
                    for (int n = 0; n < batch; n++) {
                        for (int f = 0; f < features; f++) {
                            dx.set(n, f, dy.get(n, f) + c * (x.get(n, f) - mean.get(f)) / (batch * std.get(f)));
                        }
                    }
                },
                cl -> cl.elementwise(BACK, "", x.size(), new Back(batch, features, plane, x, mean, std, dy, s, dx)));
    }

    /**
     * A gradient penalty's pass through the layer (see {@code Layer.penaltyPass}), after {@link #forward} on x (mean and std
     * as it left them) and for the dy the input-gradient pass came from: uOut = J u, the layer's Jacobian at x applied to
     * the tangent u (u beside the appended value's tangent, sum_f a_f / (N std_f) / F with a_f = sum_n u[n][f] (x[n][f] -
     * mean_f)); and r = d/dx of &lt;u, J(x)^T dy&gt;, which depends on x because J does (the batch's statistics): r[n][f] =
     * (G / (F N)) ((u[n][f] - ubar_f) / std_f - a_f (x[n][f] - mean_f) / (N std_f^3)), G the sum of dy's appended values.
     * s (1 x 2), g (1 x N) and columns (3 x F) are scratch; uOut may be null.
     */
    public static void penaltyTangent(Backend be, Tensor x, int plane, Tensor mean, Tensor std, Tensor s, Tensor g, Tensor columns, Tensor u,
                                      Tensor dy, Tensor uOut, Tensor r) {
        check(be, x, plane, mean, std, s, dy, "minibatchStdPenalty");
        be.sameSize("minibatchStdPenalty", x, u, r);
        be.own(g, "minibatchStdPenalty scratch");
        be.own(columns, "minibatchStdPenalty scratch");
        int batch = x.rows();
        int features = x.cols();
        if (uOut != null) {
            be.sameSize("minibatchStdPenalty uOut", dy, uOut);
        }
        if (columns.size() < 3 * features || g.size() < batch) {
            throw new IllegalArgumentException("minibatchStdPenalty: scratch of " + columns.size() + " and " + g.size() + " values for "
                    + features + " features and a batch of " + batch);
        }
        Tensor ubar = columns.view(0, 1, features);
        Tensor a = columns.view(features, 1, features);
        Tensor t = columns.view(2 * features, 1, features);
        be.run("minibatchStdPenalty", 4.0 * x.size(), 8.0 * x.size(),
                java -> {
                    for (int f = 0; f < features; f++) {
                        float su = 0f;
                        float sa = 0f;
                        for (int n = 0; n < batch; n++) {
                            su += u.get(n, f);
                            sa += u.get(n, f) * (x.get(n, f) - mean.get(f));
                        }
                        ubar.set(f, su / batch);
                        a.set(f, sa);
                        t.set(f, sa / (batch * std.get(f)));
                    }
                },
                cl -> cl.elementwise(TANGENT, "", features, new TangentColumns(batch, features, x, mean, std, u, ubar, a, t)));
        Sum.sum(be, t, s, 0, false);
        if (uOut != null) {
            append(be, "minibatchStdPenalty", u, plane, s, uOut);
        }
        Tensor gb = g.view(0, 1, batch);
        extraSums(be, "minibatchStdPenalty", dy, features, plane, gb);
        Sum.sum(be, gb, s, 1, false);
        be.run("minibatchStdPenalty", 8.0 * x.size(), 16.0 * x.size(),
                java -> {
                    float c = s.get(1) / ((float) features * batch);
                    for (int n = 0; n < batch; n++) {
                        for (int f = 0; f < features; f++) {
                            float sd = std.get(f);
                            r.set(n, f, c * ((u.get(n, f) - ubar.get(f)) / sd - a.get(f) * (x.get(n, f) - mean.get(f)) / (batch * sd * sd * sd)));
                        }
                    }
                },
                cl -> cl.elementwise(SECOND, "", x.size(), new Second(batch, features, x, mean, std, u, ubar, a, s, r)));
    }

    private static void check(Backend be, Tensor x, int plane, Tensor mean, Tensor std, Tensor s, Tensor y, String op) {
        be.own(x, op);
        be.checkOut(op, s, 1);
        be.own(mean, op + " mean");
        be.own(std, op + " std");
        be.own(y, op + " output");
        if (mean.size() != x.cols() || std.size() != x.cols() || y.rows() != x.rows() || y.cols() != x.cols() + plane || plane < 1) {
            throw new IllegalArgumentException(op + ": x " + x.shape() + " with plane " + plane + " needs mean and std of " + x.cols()
                    + " values and " + x.rows() + "x" + (x.cols() + plane) + " outputs, got " + mean.shape() + ", " + std.shape()
                    + ", " + y.shape());
        }
    }
}
