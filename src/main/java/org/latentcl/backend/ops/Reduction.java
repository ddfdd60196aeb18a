package org.latentcl.backend.ops;

import org.latentcl.backend.ClBackend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;
import org.latentcl.opencl.ClBuffer;
import org.latentcl.opencl.LocalMemory;

/**
 * The two-stage reduction of the loss kernels (loss.cl): stage 1, the given kernel, writes one
 * partial sum per work-group; stage 2 ({@code reduce_partials}) sums them in a fixed order into
 * one element of the output. Deterministic: no atomics, the same order on every run.
 */
final class Reduction {
    /** reduce_partials' arguments. */
    record Stage2(int count, ClBuffer partials, Tensor out, int index, boolean accumulate, LocalMemory scratch) {
    }

    private static final KernelBinding<Stage2> STAGE2 = KernelBinding.of("loss.cl", "reduce_partials", Stage2.class);

    private Reduction() {
    }

    /** The local scratch of a stage on {@code cl}: one float per work-item. */
    static LocalMemory scratch(ClBackend cl) {
        return new LocalMemory((long) cl.reductionGroupSize() * Float.BYTES);
    }

    /**
     * The GPU style of a per-row or per-channel sum: one work-group of the reduction size for each of
     * {@code groups} outputs ({@code args} ends with the scratch). The kernels take their group size from
     * get_local_size, so they build with the file's other kernels.
     */
    static <A extends Record> void perGroup(ClBackend cl, KernelBinding<A> kernel, int groups, A args) {
        long wg = cl.reductionGroupSize();
        cl.launch(kernel, "", new long[] {groups * wg}, new long[] {wg}, 0, 0, args);
    }

    /** Stage 1 over n elements ({@code args} ends with the partials and the scratch), then stage 2 into out[index]. */
    static <A extends Record> void run(ClBackend cl, KernelBinding<A> stage1, A args, int n, Tensor out, int index, boolean accumulate) {
        int wg = cl.reductionGroupSize();
        // Enough work per group to pay for it: at least 64 elements per work-item.
        int groups = (int) Math.max(1, Math.min(cl.maxReductionGroups(), (n + 64L * wg - 1) / (64L * wg)));
        long[] local = {wg};
        cl.launch(stage1, cl.reduceDefines(), new long[] {(long) groups * wg}, local, 0, 0, args);
        cl.launch(STAGE2, cl.reduceDefines(), new long[] {wg}, local, 0, 0,
                new Stage2(groups, cl.partials(), out, index, accumulate, scratch(cl)));
    }

    /** out[index] = value, or out[index] += value, on the Java backend. */
    static void store(Tensor out, int index, double value, boolean accumulate) {
        out.set(index, accumulate ? out.get(index) + (float) value : (float) value);
    }
}
