package org.latentcl.backend.ops;

import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.Tensor;

/**
 * The fast Java paths of {@link Im2Col}: the same loops as its references, on the arrays, with the
 * bounds hoisted out of the inner loops and independent rows (im2col) or image planes (col2im) on
 * the pool. col2im sums each element's candidates in the reference's (i, j) order, so both paths give
 * the same bits (with beta = 0, every model's use, tap by tap into each plane, as the CPU kernel does), and
 * applies the epilogue to each image plane once it is summed.
 */
final class JavaConv {
    private JavaConv() {
    }

    static void im2col(JavaBackend jb, ConvShape s, Tensor x, Tensor cols) {
        float[] src = JavaBackend.array(x);
        float[] dst = JavaBackend.array(cols);
        int xOff = (int) x.offset();
        int cOff = (int) cols.offset();
        int ho = s.outHeight();
        int wo = s.outWidth();
        int h = s.height();
        int w = s.width();
        int positions = s.positions();
        int image = s.imageSize();
        jb.parallelFor(s.patch(), (long) s.patch() * positions, row -> {
            int c = row / (s.kh() * s.kw());
            int i = row / s.kw() % s.kh();
            int j = row % s.kw();
            // Output columns whose input column ox s - p + j lies inside the image.
            int oxFrom = Math.max(0, ceilDiv(s.pad() - j, s.stride()));
            int oxTo = Math.min(wo, ceilDiv(w + s.pad() - j, s.stride()));
            for (int b = 0; b < s.n(); b++) {
                for (int oy = 0; oy < ho; oy++) {
                    int at = cOff + row * positions + (b * ho + oy) * wo;
                    int y = oy * s.stride() - s.pad() + i;
                    if (y < 0 || y >= h || oxFrom >= oxTo) {
                        java.util.Arrays.fill(dst, at, at + wo, 0f);
                        continue;
                    }
                    java.util.Arrays.fill(dst, at, at + oxFrom, 0f);
                    java.util.Arrays.fill(dst, at + oxTo, at + wo, 0f);
                    int in = xOff + b * image + (c * h + y) * w - s.pad() + j;
                    for (int ox = oxFrom; ox < oxTo; ox++) {
                        dst[at + ox] = src[in + ox * s.stride()];
                    }
                }
            }
        });
    }

    static void col2im(JavaBackend jb, ConvShape s, Tensor cols, float beta, Tensor x, ConvEpilogue ep) {
        if (beta == 0f) {
            col2imPlanes(jb, s, cols, x, ep);
            return;
        }
        float[] src = JavaBackend.array(cols);
        float[] dst = JavaBackend.array(x);
        int xOff = (int) x.offset();
        int cOff = (int) cols.offset();
        int ho = s.outHeight();
        int wo = s.outWidth();
        int h = s.height();
        int w = s.width();
        int positions = s.positions();
        int planes = s.n() * s.channels();
        // For each image column xx, the kernel columns j that read it and their output columns, as in the reference's order.
        int[][] js = new int[w][];
        int[][] oxs = new int[w][];
        for (int xx = 0; xx < w; xx++) {
            int[] jj = new int[s.kw()];
            int[] oo = new int[s.kw()];
            int used = 0;
            for (int j = 0; j < s.kw(); j++) {
                int tx = xx + s.pad() - j;
                if (tx >= 0 && tx % s.stride() == 0 && tx / s.stride() < wo) {
                    jj[used] = j;
                    oo[used++] = tx / s.stride();
                }
            }
            js[xx] = java.util.Arrays.copyOf(jj, used);
            oxs[xx] = java.util.Arrays.copyOf(oo, used);
        }
        jb.parallelFor(planes, (long) s.n() * s.imageSize() * s.kh() * s.kw(), plane -> {
            int b = plane / s.channels();
            int c = plane % s.channels();
            int[] bases = new int[s.kh()];
            for (int y = 0; y < h; y++) {
                // The kernel rows i that read image row y: where their entries of this plane start.
                int rowsUsed = 0;
                for (int i = 0; i < s.kh(); i++) {
                    int ty = y + s.pad() - i;
                    if (ty >= 0 && ty % s.stride() == 0 && ty / s.stride() < ho) {
                        bases[rowsUsed++] = cOff + (c * s.kh() + i) * s.kw() * positions + (b * ho + ty / s.stride()) * wo;
                    }
                }
                int at = xOff + b * s.imageSize() + (c * h + y) * w;
                for (int xx = 0; xx < w; xx++) {
                    int[] jj = js[xx];
                    int[] oo = oxs[xx];
                    float sum = 0f;
                    for (int r = 0; r < rowsUsed; r++) {
                        for (int k = 0; k < jj.length; k++) {
                            sum += src[bases[r] + jj[k] * positions + oo[k]];
                        }
                    }
                    dst[at + xx] = (beta == 0f ? 0f : beta * dst[at + xx]) + sum;
                }
            }
            if (!ep.plain()) {
                int start = xOff + b * s.imageSize() + c * h * w;
                ep.applyRange(dst, start, dst, start, h * w, c, start - xOff);
            }
        });
    }

    /**
     * col2im with beta = 0 (every model's use), as the kernel col2im_planes does it: each image plane, owned by one task,
     * starts at 0 and receives the column entries tap by tap in (i, j) order, reading the columns a row at a time; each
     * element gets its candidates in the gather's order, so the bits are the gather's.
     */
    private static void col2imPlanes(JavaBackend jb, ConvShape s, Tensor cols, Tensor x, ConvEpilogue ep) {
        float[] src = JavaBackend.array(cols);
        float[] dst = JavaBackend.array(x);
        int xOff = (int) x.offset();
        int cOff = (int) cols.offset();
        int ho = s.outHeight();
        int wo = s.outWidth();
        int h = s.height();
        int w = s.width();
        int stride = s.stride();
        int positions = s.positions();
        jb.parallelFor(s.n() * s.channels(), (long) s.n() * s.imageSize() * s.kh() * s.kw(), plane -> {
            int b = plane / s.channels();
            int c = plane % s.channels();
            int start = xOff + b * s.imageSize() + c * h * w;
            java.util.Arrays.fill(dst, start, start + h * w, 0f);
            for (int i = 0; i < s.kh(); i++) {
                for (int j = 0; j < s.kw(); j++) {
                    int from = cOff + ((c * s.kh() + i) * s.kw() + j) * positions + b * ho * wo;
                    // Output columns whose image column ox stride - pad + j lies inside.
                    int oxFrom = Math.max(0, ceilDiv(s.pad() - j, stride));
                    int oxTo = Math.min(wo, ceilDiv(w + s.pad() - j, stride));
                    for (int oy = 0; oy < ho; oy++) {
                        int y = oy * stride - s.pad() + i;
                        if (y < 0 || y >= h) {
                            continue;
                        }
                        int row = start + y * w - s.pad() + j;
                        int in = from + oy * wo;
                        for (int ox = oxFrom; ox < oxTo; ox++) {
                            dst[row + ox * stride] += src[in + ox];
                        }
                    }
                }
            }
            if (!ep.plain()) {
                ep.applyRange(dst, start, dst, start, h * w, c, start - xOff);
            }
        });
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
