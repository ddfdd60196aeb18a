package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * dst row r = src row indices[start + r]: a shuffled batch assembled from a dataset that stays on
 * the device. Kernels {@code elementwise.cl: gather_rows} (one element per work-item, GPUs) and
 * {@code gather_rows8} (eight columns per work-item, CPUs).
 */
public final class GatherRows {
    /** Row numbers are carried as floats, which hold every integer up to 2^24 exactly. */
    public static final int MAX_ROWS = 1 << 24;

    record Args(int rows, int cols, Tensor src, Tensor idx, Tensor dst) {
    }

    private static final KernelBinding<Args> ONE = KernelBinding.of("elementwise.cl", "gather_rows", Args.class);
    private static final KernelBinding<Args> EIGHT = KernelBinding.of("elementwise.cl", "gather_rows8", Args.class);

    public static final OpSpec SPEC = new OpSpec("gatherRows", "dst_r = src_(idx[start + r]), indices held as floats",
            "elementwise.cl: gather_rows, gather_rows8", List.of(SelfCheck.matrix("gatherRows", 0, 0, (be, a) -> {
                float[] idx = new float[a.rows()];
                for (int i = 0; i < idx.length; i++) {
                    idx[i] = (i * 7) % a.rows();
                }
                try (Tensor ix = be.upload(idx, 1, idx.length)) {
                    return SelfCheck.out(be, a.rows(), a.cols(), t -> gatherRows(be, a, ix, 0, t));
                }
            })));

    private GatherRows() {
    }

    /**
     * dst row r = src row indices[start + r], for every row of dst. {@code indices} holds row numbers
     * as floats (exact below 2^24 rows).
     */
    public static void gatherRows(Backend be, Tensor src, Tensor indices, int start, Tensor dst) {
        be.own(src, "gatherRows source");
        be.own(indices, "gatherRows indices");
        be.own(dst, "gatherRows destination");
        if (dst.cols() != src.cols()) {
            throw new IllegalArgumentException("gatherRows: destination has " + dst.cols() + " columns, source " + src.cols());
        }
        if (start < 0 || (long) start + dst.rows() > indices.size()) {
            throw new IllegalArgumentException("gatherRows: rows " + start + ".." + (start + dst.rows()) + " of the index tensor "
                    + indices.shape() + " do not exist");
        }
        if (src.rows() > MAX_ROWS) {
            throw new IllegalArgumentException("gatherRows: " + src.rows() + " rows exceed " + MAX_ROWS + ", the largest float index");
        }
        Tensor idx = indices.view(start, 1, dst.rows());
        be.run("gatherRows", 0, 8.0 * dst.size(),
                java -> {
                    if (java.plain()) {
                        reference(src, idx, dst);
                    } else {
                        fast(src, idx, dst);
                    }
                },
                cl -> {
                    boolean eight = cl.contiguous();
                    int n = eight ? dst.rows() * ((dst.cols() + 7) / 8) : dst.size();
                    cl.elementwise(eight ? EIGHT : ONE, "", n, new Args(dst.rows(), dst.cols(), src, idx, dst));
                });
    }

    /** Whole rows by System.arraycopy. */
    private static void fast(Tensor src, Tensor idx, Tensor dst) {
        int cols = src.cols();
        float[] s = JavaBackend.array(src);
        float[] d = JavaBackend.array(dst);
        for (int r = 0; r < dst.rows(); r++) {
            System.arraycopy(s, (int) src.offset() + checked(idx, r, src) * cols, d, (int) dst.offset() + r * cols, cols);
        }
    }

    private static int checked(Tensor idx, int r, Tensor src) {
        int from = (int) idx.get(r);
        if (from < 0 || from >= src.rows()) {
            throw new IllegalArgumentException("gatherRows: index " + from + " is outside the " + src.rows() + " source rows");
        }
        return from;
    }

    static void reference(Tensor src, Tensor idx, Tensor dst) {
        int cols = src.cols();
        for (int r = 0; r < dst.rows(); r++) {
            int from = checked(idx, r, src);
            for (int c = 0; c < cols; c++) {
                dst.set(r, c, src.get(from, c));
            }
        }
    }
}
