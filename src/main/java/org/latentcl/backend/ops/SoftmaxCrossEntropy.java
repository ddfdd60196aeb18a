package org.latentcl.backend.ops;

import java.util.List;
import java.util.Random;
import org.latentcl.backend.Backend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * Softmax cross-entropy over classes, row by row (the classifier's loss, as PyTorch's
 * F.cross_entropy): loss_r = log sum_j exp(l_rj) - l_r,y_r with its gradient
 * scale (softmax_r - onehot(y_r)), and the softmax itself. Labels travel as floats holding
 * integers. Kernels {@code loss.cl: softmax_xent_rows, softmax_rows}, one work-item per row.
 */
public final class SoftmaxCrossEntropy {
    record Xent(int rows, int classes, Tensor logits, Tensor labels, float scale, Tensor grad, boolean hasGrad, Tensor losses) {
    }

    record Softmax(int rows, int classes, Tensor logits, Tensor out) {
    }

    private static final KernelBinding<Xent> XENT = KernelBinding.of("loss.cl", "softmax_xent_rows", Xent.class);
    private static final KernelBinding<Softmax> SOFTMAX = KernelBinding.of("loss.cl", "softmax_rows", Softmax.class);

    public static final OpSpec XENT_SPEC = new OpSpec("softmaxCrossEntropy",
            "loss_r = logsumexp(l_r) - l_r,y_r; grad = scale (softmax(l_r) - onehot(y_r))", "loss.cl: softmax_xent_rows",
            List.of(new SelfCheck("softmaxCrossEntropy (losses, grad)", 1e-5, 1e-5, (n, sizes) -> {
                Random rnd = new Random(29L * n);
                int classes = 10;
                float[] logits = SelfCheck.random(rnd, n * classes, 8f);
                float[] labels = new float[n];
                for (int r = 0; r < n; r++) {
                    labels[r] = rnd.nextInt(classes);
                }
                return be -> {
                    try (Tensor l = be.upload(logits, n, classes); Tensor y = be.upload(labels, n, 1); Tensor g = be.zeros(n, classes);
                         Tensor losses = be.zeros(n, 1)) {
                        crossEntropy(be, l, y, 0.5f, g, losses);
                        return SelfCheck.concat(be.read(losses), be.read(g));
                    }
                };
            })));
    public static final OpSpec SOFTMAX_SPEC = new OpSpec("softmaxRows", "out_r = softmax(l_r)", "loss.cl: softmax_rows",
            List.of(SelfCheck.matrix("softmaxRows", 1e-6, 1e-5, (be, a) -> SelfCheck.out(be, a, t -> softmax(be, a, t)))));

    private SoftmaxCrossEntropy() {
    }

    /** losses (rows x 1) = each row's cross-entropy; grad (when not null) = scale (softmax - onehot). */
    public static void crossEntropy(Backend be, Tensor logits, Tensor labels, float scale, Tensor grad, Tensor losses) {
        be.own(logits, "softmaxCrossEntropy");
        be.own(labels, "softmaxCrossEntropy labels");
        be.own(losses, "softmaxCrossEntropy losses");
        int rows = logits.rows();
        int classes = logits.cols();
        if (labels.size() != rows || losses.size() != rows) {
            throw new IllegalArgumentException("softmaxCrossEntropy: " + rows + " rows need as many labels and losses, got "
                    + labels.shape() + " and " + losses.shape());
        }
        if (grad != null) {
            be.sameSize("softmaxCrossEntropy grad", logits, grad);
        }
        be.run("softmaxCrossEntropy", 6.0 * logits.size(), 12.0 * logits.size(),
                java -> {
                    for (int r = 0; r < rows; r++) {
                        int y = (int) labels.get(r);
                        if (y < 0 || y >= classes) {
                            throw new IllegalArgumentException("softmaxCrossEntropy: label " + y + " outside 0.." + (classes - 1));
                        }
                        float m = rowMax(logits, r);
                        float s = expSum(logits, r, m);
                        losses.set(r, m + (float) Math.log(s) - logits.get(r, y));
                        if (grad != null) {
                            for (int j = 0; j < classes; j++) {
                                grad.set(r, j, scale * ((float) Math.exp(logits.get(r, j) - m) / s - (j == y ? 1f : 0f)));
                            }
                        }
                    }
                },
                cl -> cl.elementwise(XENT, "", rows, new Xent(rows, classes, logits, labels, scale, grad == null ? logits : grad,
                        grad != null, losses)));
    }

    /** out = the softmax of each row of logits. */
    public static void softmax(Backend be, Tensor logits, Tensor out) {
        be.sameSize("softmaxRows", logits, out);
        int rows = logits.rows();
        int classes = logits.cols();
        be.run("softmaxRows", 4.0 * logits.size(), 8.0 * logits.size(),
                java -> {
                    for (int r = 0; r < rows; r++) {
                        float m = rowMax(logits, r);
                        float s = expSum(logits, r, m);
                        for (int j = 0; j < classes; j++) {
                            out.set(r, j, (float) Math.exp(logits.get(r, j) - m) / s);
                        }
                    }
                },
                cl -> cl.elementwise(SOFTMAX, "", rows, new Softmax(rows, classes, logits, out)));
    }

    private static float rowMax(Tensor logits, int r) {
        float m = logits.get(r, 0);
        for (int j = 1; j < logits.cols(); j++) {
            m = Math.max(m, logits.get(r, j));
        }
        return m;
    }

    /** sum over j of exp(l_rj - m), in float as the kernel adds it. */
    private static float expSum(Tensor logits, int r, float m) {
        float s = 0f;
        for (int j = 0; j < logits.cols(); j++) {
            s += (float) Math.exp(logits.get(r, j) - m);
        }
        return s;
    }
}
