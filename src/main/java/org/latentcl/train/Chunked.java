package org.latentcl.train;

import java.util.function.BiConsumer;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;

/** Runs a backend operation over host rows in chunks (a model's buffers hold at most one batch). */
final class Chunked {
    private Chunked() {
    }

    /**
     * For rows of {@code in} (n x inCols), chunk by chunk: upload, {@code op(inChunk, outChunk)},
     * download; returns the n x outCols results.
     */
    static float[] map(Backend be, float[] in, int n, int inCols, int outCols, int chunk, BiConsumer<Tensor, Tensor> op) {
        float[] out = new float[n * outCols];
        try (Tensor tin = be.zeros(chunk, inCols); Tensor tout = be.zeros(chunk, outCols)) {
            for (int start = 0; start < n; start += chunk) {
                int b = Math.min(chunk, n - start);
                Tensor ib = tin.rowRange(0, b);
                be.write(ib, java.util.Arrays.copyOfRange(in, start * inCols, (start + b) * inCols));
                Tensor ob = tout.rowRange(0, b);
                op.accept(ib, ob);
                System.arraycopy(be.read(ob), 0, out, start * outCols, b * outCols);
            }
        }
        return out;
    }
}
