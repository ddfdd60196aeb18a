package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * The evaluation reductions over rows, one work-item per row ({@code loss.cl}): log-mean-exp of
 * each row (the IWAE bound), Parzen-window log-densities from a matrix of dot products, and the
 * index of each row's nearest neighbour (class coverage).
 */
public final class RowStatistics {
    record LogMeanExp(int rows, int k, Tensor x, Tensor out) {
    }

    record Parzen(int rows, int n, Tensor dots, Tensor xx, Tensor ss, float invTwoVar, float logNorm, Tensor out) {
    }

    record Argmin(int rows, int n, Tensor dots, Tensor ss, Tensor out) {
    }

    private static final KernelBinding<LogMeanExp> LOG_MEAN_EXP = KernelBinding.of("loss.cl", "log_mean_exp_rows", LogMeanExp.class);
    private static final KernelBinding<Parzen> PARZEN = KernelBinding.of("loss.cl", "parzen_rows", Parzen.class);
    private static final KernelBinding<Argmin> ARGMIN = KernelBinding.of("loss.cl", "row_argmin", Argmin.class);

    public static final OpSpec LOG_MEAN_EXP_SPEC = new OpSpec("logMeanExpRows", "out_i = log((1/K) sum_k exp(x_ik)), stably",
            "loss.cl: log_mean_exp_rows", List.of(SelfCheck.matrix("logMeanExpRows", 1e-5, 1e-5,
                    (be, a) -> SelfCheck.out(be, a.rows(), 1, t -> logMeanExpRows(be, a, t)))));
    public static final OpSpec PARZEN_SPEC = new OpSpec("parzenRows",
            "out_i = log((1/n) sum_j exp(-|x_i - s_j|^2 / (2 sigma^2))) - (dim/2) log(2 pi sigma^2), from dots = X S^T and norms",
            "loss.cl: parzen_rows", List.of(SelfCheck.matrix("parzenRows", 1e-3, 1e-5, (be, a) -> {
                try (Tensor xx = be.zeros(a.rows(), 1); Tensor ss = be.zeros(a.cols(), 1)) {
                    Elementwise.fill(be, xx, 12f);
                    Elementwise.fill(be, ss, 12f);
                    return SelfCheck.out(be, a.rows(), 1, t -> parzenRows(be, a, xx, ss, 0.5f, 20, t));
                }
            })));
    public static final OpSpec ARGMIN_SPEC = new OpSpec("rowArgmin", "out_i = argmin_j (ss_j - 2 dots_ij), the nearest row",
            "loss.cl: row_argmin", List.of(SelfCheck.matrix("rowArgmin", 0, 0, (be, a) -> {
                try (Tensor ss = be.zeros(a.cols(), 1)) {
                    Elementwise.fill(be, ss, 12f);
                    return SelfCheck.out(be, a.rows(), 1, t -> rowArgmin(be, a, ss, t));
                }
            })));

    private RowStatistics() {
    }

    /** out[i] = log((1/K) sum_k exp(x[i][k])) for each row i of the rows x K tensor x, computed stably. */
    public static void logMeanExpRows(Backend be, Tensor x, Tensor out) {
        be.own(x, "logMeanExpRows input");
        be.own(out, "logMeanExpRows output");
        if (out.size() != x.rows() || x.cols() < 1) {
            throw new IllegalArgumentException("logMeanExpRows: output must have " + x.rows() + " elements, got " + out.shape());
        }
        be.run("logMeanExpRows", 0, 4.0 * x.size(),
                java -> {
                    int k = x.cols();
                    for (int i = 0; i < x.rows(); i++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < k; j++) {
                            max = Math.max(max, x.get(i, j));
                        }
                        double s = 0;
                        for (int j = 0; j < k; j++) {
                            s += Math.exp(x.get(i, j) - max);
                        }
                        out.set(i, (float) (max + Math.log(s / k)));
                    }
                },
                cl -> cl.elementwise(LOG_MEAN_EXP, cl.reduceDefines(), x.rows(), new LogMeanExp(x.rows(), x.cols(), x, out)));
    }

    /**
     * Parzen-window log-densities: for each row i of dots = X S^T (rows x n),
     * out[i] = log((1/n) sum_j exp(-|x_i - s_j|^2 / (2 sigma^2))) - (dim/2) log(2 pi sigma^2),
     * with |x_i - s_j|^2 = xx[i] + ss[j] - 2 dots[i][j] (xx, ss: squared row norms).
     */
    public static void parzenRows(Backend be, Tensor dots, Tensor xx, Tensor ss, float sigma, int dim, Tensor out) {
        be.own(dots, "parzenRows dots");
        be.own(xx, "parzenRows xx");
        be.own(ss, "parzenRows ss");
        be.own(out, "parzenRows output");
        if (xx.size() != dots.rows() || out.size() != dots.rows() || ss.size() != dots.cols()) {
            throw new IllegalArgumentException("parzenRows: dots " + dots.shape() + " needs " + dots.rows() + " norms and outputs and "
                    + dots.cols() + " sample norms; got " + xx.shape() + ", " + out.shape() + ", " + ss.shape());
        }
        if (!(sigma > 0f)) {
            throw new IllegalArgumentException("parzenRows: sigma must be positive, got " + sigma);
        }
        be.run("parzenRows", 0, 4.0 * dots.size(),
                java -> {
                    int n = dots.cols();
                    double inv = 1.0 / (2.0 * sigma * sigma);
                    double logNorm = -0.5 * dim * Math.log(2 * Math.PI * sigma * sigma);
                    double[] e = new double[n];
                    for (int i = 0; i < dots.rows(); i++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < n; j++) {
                            double d2 = Math.max(0, (double) xx.get(i) + ss.get(j) - 2.0 * dots.get(i, j));
                            e[j] = -d2 * inv;
                            max = Math.max(max, e[j]);
                        }
                        double s = 0;
                        for (int j = 0; j < n; j++) {
                            s += Math.exp(e[j] - max);
                        }
                        out.set(i, (float) (max + Math.log(s / n) + logNorm));
                    }
                },
                cl -> cl.elementwise(PARZEN, cl.reduceDefines(), dots.rows(), new Parzen(dots.rows(), dots.cols(), dots, xx, ss,
                        (float) (1.0 / (2.0 * sigma * sigma)), (float) (-0.5 * dim * Math.log(2 * Math.PI * sigma * sigma)), out)));
    }

    /** out[i] = argmin_j (ss[j] - 2 dots[i][j]) as a float: the nearest row of T when dots = S T^T and ss = |T rows|^2. */
    public static void rowArgmin(Backend be, Tensor dots, Tensor ss, Tensor out) {
        be.own(dots, "rowArgmin dots");
        be.own(ss, "rowArgmin norms");
        be.own(out, "rowArgmin output");
        if (ss.size() != dots.cols() || out.size() != dots.rows()) {
            throw new IllegalArgumentException("rowArgmin: dots " + dots.shape() + " needs " + dots.cols() + " norms and "
                    + dots.rows() + " outputs");
        }
        be.run("rowArgmin", 0, 4.0 * dots.size(),
                java -> {
                    for (int i = 0; i < dots.rows(); i++) {
                        float best = Float.POSITIVE_INFINITY;
                        int arg = 0;
                        for (int j = 0; j < dots.cols(); j++) {
                            float v = ss.get(j) - 2.0f * dots.get(i, j);
                            if (v < best) {
                                best = v;
                                arg = j;
                            }
                        }
                        out.set(i, arg);
                    }
                },
                cl -> cl.elementwise(ARGMIN, cl.reduceDefines(), dots.rows(), new Argmin(dots.rows(), dots.cols(), dots, ss, out)));
    }
}
