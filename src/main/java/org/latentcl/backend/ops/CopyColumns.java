package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * dst[r][dstCol + c] = src[r][srcCol + c] for every row and c &lt; width: a block of columns copied
 * between two matrices of as many rows. Two calls concatenate along the columns (PyTorch's
 * {@code torch.cat(..., 1)}, such as data beside its one-hot class), and the same op splits the
 * gradient back. Kernel {@code elementwise.cl: copy_columns}; the fast Java path copies row by row.
 */
public final class CopyColumns {
    record Args(int rows, int width, Tensor src, int srcCols, int srcCol, Tensor dst, int dstCols, int dstCol) {
    }

    private static final KernelBinding<Args> KERNEL = KernelBinding.of("elementwise.cl", "copy_columns", Args.class);

    /** Both directions: the n x 33 input into columns 5.. of an n x 40 matrix, then its columns 2..14 out of that. */
    public static final OpSpec SPEC = new OpSpec("copyColumns", "dst[r][dc + c] = src[r][sc + c], c < width (torch.cat along columns, and its split)",
            "elementwise.cl: copy_columns", List.of(SelfCheck.matrix("copyColumns", 0, 0, (be, a) -> {
                try (Tensor wide = be.zeros(a.rows(), 40)) {
                    copyColumns(be, a, 0, wide, 5, a.cols());
                    float[] placed = be.read(wide);
                    return SelfCheck.concat(placed, SelfCheck.out(be, a.rows(), 12, t -> copyColumns(be, wide, 2, t, 0, 12)));
                }
            })));

    private CopyColumns() {
    }

    /** Copies columns [srcCol, srcCol + width) of src into columns [dstCol, dstCol + width) of dst, row by row; they must not overlap. */
    public static void copyColumns(Backend be, Tensor src, int srcCol, Tensor dst, int dstCol, int width) {
        be.own(src, "copyColumns source");
        be.own(dst, "copyColumns destination");
        if (src.rows() != dst.rows()) {
            throw new IllegalArgumentException("copyColumns: the source has " + src.rows() + " rows, the destination " + dst.rows());
        }
        if (width < 0 || srcCol < 0 || dstCol < 0 || srcCol + width > src.cols() || dstCol + width > dst.cols()) {
            throw new IllegalArgumentException("copyColumns: columns " + srcCol + ".." + (srcCol + width) + " of " + src.shape()
                    + " into columns " + dstCol + ".." + (dstCol + width) + " of " + dst.shape() + " do not fit");
        }
        if (width == 0 || src.rows() == 0) {
            return;
        }
        be.run("copyColumns", 0, 8.0 * src.rows() * width,
                java -> {
                    if (java.plain()) {
                        reference(src, srcCol, dst, dstCol, width);
                    } else {
                        fast(src, srcCol, dst, dstCol, width);
                    }
                },
                cl -> cl.elementwise(KERNEL, "", src.rows() * width, new Args(src.rows(), width, src, src.cols(), srcCol, dst, dst.cols(), dstCol)));
    }

    static void reference(Tensor src, int srcCol, Tensor dst, int dstCol, int width) {
        for (int r = 0; r < src.rows(); r++) {
            for (int c = 0; c < width; c++) {
                dst.set(r, dstCol + c, src.get(r, srcCol + c));
            }
        }
    }

    private static void fast(Tensor src, int srcCol, Tensor dst, int dstCol, int width) {
        float[] s = JavaBackend.array(src);
        float[] d = JavaBackend.array(dst);
        for (int r = 0; r < src.rows(); r++) {
            System.arraycopy(s, (int) src.offset() + r * src.cols() + srcCol, d, (int) dst.offset() + r * dst.cols() + dstCol, width);
        }
    }
}
