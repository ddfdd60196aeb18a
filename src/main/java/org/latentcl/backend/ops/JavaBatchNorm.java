package org.latentcl.backend.ops;

import org.latentcl.backend.Activation;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.Tensor;

/**
 * The fast Java paths of {@link BatchNorm}: its references' loops on the arrays, channel by channel
 * (statistics and parameter gradients) or plane by plane (normalize, input gradient) on the pool.
 * Each channel's sums run in the reference's order, in double, so both paths give the same bits.
 */
final class JavaBatchNorm {
    private JavaBatchNorm() {
    }

    static void statistics(JavaBackend jb, Tensor x, int channels, int plane, float eps, float momentum, Tensor stats, Tensor running) {
        float[] xs = JavaBackend.array(x);
        int xo = (int) x.offset();
        int n = x.rows();
        float[] st = JavaBackend.array(stats);
        int so = (int) stats.offset();
        float[] rn = JavaBackend.array(running);
        int ro = (int) running.offset();
        double count = (double) n * plane;
        jb.parallelFor(channels, (long) x.size(), c -> {
            double sum = 0;
            for (int b = 0; b < n; b++) {
                int at = xo + (b * channels + c) * plane;
                for (int q = 0; q < plane; q++) {
                    sum += xs[at + q];
                }
            }
            double mean = sum / count;
            double sq = 0;
            for (int b = 0; b < n; b++) {
                int at = xo + (b * channels + c) * plane;
                for (int q = 0; q < plane; q++) {
                    double d = xs[at + q] - mean;
                    sq += d * d;
                }
            }
            double var = sq / count;
            st[so + c] = (float) mean;
            st[so + channels + c] = (float) (1.0 / Math.sqrt(var + eps));
            double unbiased = count > 1 ? var * count / (count - 1) : var;
            rn[ro + c] = (float) ((1 - momentum) * rn[ro + c] + momentum * mean);
            rn[ro + channels + c] = (float) ((1 - momentum) * rn[ro + channels + c] + momentum * unbiased);
        });
    }

    static void normalize(JavaBackend jb, Tensor x, int channels, int plane, Tensor stats, Tensor gamma, Tensor beta, Activation act,
                          Tensor y) {
        float[] xs = JavaBackend.array(x);
        float[] ys = JavaBackend.array(y);
        float[] st = JavaBackend.array(stats);
        float[] g = JavaBackend.array(gamma);
        float[] bt = JavaBackend.array(beta);
        int xo = (int) x.offset();
        int yo = (int) y.offset();
        int so = (int) stats.offset();
        int go = (int) gamma.offset();
        int bo = (int) beta.offset();
        ConvEpilogue fused = act.kind() == Activation.Kind.IDENTITY ? null : ConvEpilogue.biasThen(null, act);
        jb.parallelFor(x.rows() * channels, (long) x.size(), p -> {
            int c = p % channels;
            float mean = st[so + c];
            float invstd = st[so + channels + c];
            float gc = g[go + c];
            float bc = bt[bo + c];
            for (int q = 0; q < plane; q++) {
                ys[yo + p * plane + q] = gc * ((xs[xo + p * plane + q] - mean) * invstd) + bc;
            }
            if (fused != null) {
                fused.applyRange(ys, yo + p * plane, ys, yo + p * plane, plane, c, p * plane);
            }
        });
    }

    static void backward(JavaBackend jb, Tensor x, Tensor dy, int channels, int plane, Tensor stats, Tensor gamma, boolean accumulate,
                         Tensor dgamma, Tensor dbeta, Tensor sums, Tensor dx) {
        float[] xs = JavaBackend.array(x);
        float[] dys = JavaBackend.array(dy);
        float[] st = JavaBackend.array(stats);
        float[] g = JavaBackend.array(gamma);
        float[] dg = JavaBackend.array(dgamma);
        float[] db = JavaBackend.array(dbeta);
        float[] sm = JavaBackend.array(sums);
        float[] dxs = JavaBackend.array(dx);
        int xo = (int) x.offset();
        int dyo = (int) dy.offset();
        int so = (int) stats.offset();
        int go = (int) gamma.offset();
        int dgo = (int) dgamma.offset();
        int dbo = (int) dbeta.offset();
        int smo = (int) sums.offset();
        int dxo = (int) dx.offset();
        int n = x.rows();
        float count = (float) n * plane;
        jb.parallelFor(channels, (long) x.size(), c -> {
            double gs = 0;
            double bs = 0;
            float mean = st[so + c];
            float invstd = st[so + channels + c];
            for (int b = 0; b < n; b++) {
                int at = (b * channels + c) * plane;
                for (int q = 0; q < plane; q++) {
                    gs += dys[dyo + at + q] * ((xs[xo + at + q] - mean) * invstd);
                    bs += dys[dyo + at + q];
                }
            }
            sm[smo + c] = (float) gs;
            sm[smo + channels + c] = (float) bs;
            dg[dgo + c] = (accumulate ? dg[dgo + c] : 0f) + (float) gs;
            db[dbo + c] = (accumulate ? db[dbo + c] : 0f) + (float) bs;
        });
        jb.parallelFor(n * channels, (long) x.size(), p -> {
            int c = p % channels;
            float invstd = st[so + channels + c];
            float mean = st[so + c];
            float scale = g[go + c] * invstd;
            float sumDy = sm[smo + channels + c];
            float dgam = sm[smo + c];
            for (int q = 0; q < plane; q++) {
                int i = p * plane + q;
                float xhat = (xs[xo + i] - mean) * invstd;
                dxs[dxo + i] = scale * (dys[dyo + i] - sumDy / count - xhat * dgam / count);
            }
        });
    }
}
