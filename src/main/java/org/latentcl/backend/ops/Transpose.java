package org.latentcl.backend.ops;

import java.util.List;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.latentcl.backend.Backend;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * out (cols x rows) = a^T. Kernel {@code elementwise.cl: transpose} (8 x 8 blocks per work-item);
 * the fast Java path transposes blocks of rows in parallel.
 */
public final class Transpose {
    record Args(int rows, int cols, Tensor a, Tensor out) {
    }

    private static final KernelBinding<Args> KERNEL = KernelBinding.of("elementwise.cl", "transpose", Args.class);

    public static final OpSpec SPEC = new OpSpec("transpose", "out = a^T (out must not overlap a)", "elementwise.cl: transpose",
            List.of(SelfCheck.matrix("transpose", 0, 0, (be, a) -> SelfCheck.out(be, a.cols(), a.rows(), t -> transpose(be, a, t)))));

    private Transpose() {
    }

    /** out (cols x rows) = a^T, for a rows x cols; out must not overlap a. */
    public static void transpose(Backend be, Tensor a, Tensor out) {
        be.own(a, "transpose input");
        be.own(out, "transpose output");
        if (out.rows() != a.cols() || out.cols() != a.rows()) {
            throw new IllegalArgumentException("transpose: out must be " + a.cols() + "x" + a.rows() + " for a " + a.shape()
                    + ", got " + out.shape());
        }
        be.run("transpose", 0, 8.0 * a.size(),
                java -> {
                    if (java.plain()) {
                        reference(a, out);
                    } else {
                        fast(java, a, out);
                    }
                },
                cl -> cl.launch(KERNEL, "", new long[] {(a.cols() + 7) / 8, (a.rows() + 7) / 8}, null, 0, 0,
                        new Args(a.rows(), a.cols(), a, out)));
    }

    static void reference(Tensor a, Tensor out) {
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                out.set(j, i, a.get(i, j));
            }
        }
    }

    /** The Java backend's blocked transpose, row blocks in parallel. */
    static void fast(JavaBackend jb, Tensor a, Tensor out) {
        int rows = a.rows();
        int cols = a.cols();
        int block = JavaGemm.TRANSPOSE_BLOCK;
        int blocks = (rows + block - 1) / block;
        float[] src = JavaBackend.array(a);
        float[] dst = JavaBackend.array(out);
        // Row blocks write disjoint columns of the result, so they run in parallel.
        IntConsumer one = b -> JavaGemm.transposeRows(src, (int) a.offset(), rows, cols, dst, (int) out.offset(), rows,
                b * block, Math.min(rows, (b + 1) * block));
        if (a.size() < JavaBackend.CHUNK * 4 || jb.threads() == 1) {
            for (int b = 0; b < blocks; b++) {
                one.accept(b);
            }
        } else {
            jb.pool().submit(() -> IntStream.range(0, blocks).parallel().forEach(one)).join();
        }
    }
}
