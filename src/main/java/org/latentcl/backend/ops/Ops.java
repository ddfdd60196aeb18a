package org.latentcl.backend.ops;

import java.util.List;

/**
 * The registry of operations: what {@code selftest} checks, the names profiles use for the Java
 * backend, and the op table of {@code docs/BACKEND.md} (a test keeps that table equal to this
 * list, and another fails when an operation module is missing here).
 */
public final class Ops {
    /** Every operation, in the order of docs/BACKEND.md's table. */
    public static final List<OpSpec> ALL = List.of(
            Gemm.GEMM, Gemm.GATED, Gemm.LINEAR_GRADIENTS,
            ColumnSums.SPEC, RowSums.SPEC,
            Activations.ACTIVATE, Activations.ACTIVATE_BACKWARD,
            Elementwise.FILL_SPEC, Elementwise.COPY_SPEC, Elementwise.MUL_SPEC, Elementwise.AXPY_SPEC,
            Transpose.SPEC, GatherRows.SPEC, CopyColumns.SPEC, ScaleRows.SPEC,
            ChannelBias.SPEC, ChannelBias.GRADIENT_SPEC,
            Im2Col.IM2COL_SPEC, Im2Col.COL2IM_SPEC, ChannelMajor.TO_SPEC, ChannelMajor.FROM_SPEC, ImplicitConv.SPEC,
            ImplicitConvBackward.WEIGHT_SPEC, ImplicitConvBackward.INPUT_SPEC,
            BatchNorm.STATISTICS_SPEC, BatchNorm.RUNNING_SPEC, BatchNorm.NORMALIZE_SPEC, BatchNorm.BACKWARD_SPEC,
            RandomFill.UNIFORM_SPEC, RandomFill.NORMAL_SPEC,
            Reparameterize.SAMPLE_SPEC, Reparameterize.BACKWARD_SPEC,
            BceWithLogits.SPEC, BceWithLogits.TERMS_SPEC,
            GaussianNll.SPEC, GaussianNll.TERMS_SPEC,
            KlStandardNormal.SPEC, Hinge.SPEC, GradientPenalty.SPEC, SoftmaxCrossEntropy.XENT_SPEC, SoftmaxCrossEntropy.SOFTMAX_SPEC, Sum.SPEC, Dot.SPEC,
            SpectralNormOps.NORMALIZE_VECTOR_SPEC, SpectralNormOps.DIVIDE_SPEC, SpectralNormOps.DIVIDE_TRANSPOSED_SPEC, SpectralNormOps.BACKWARD_SPEC,
            MinibatchStd.FORWARD_SPEC, MinibatchStd.BACKWARD_SPEC, MinibatchStd.PENALTY_SPEC, Maxout.GATHER_SPEC, Maxout.SCATTER_SPEC,
            RowStatistics.LOG_MEAN_EXP_SPEC, RowStatistics.PARZEN_SPEC, RowStatistics.ARGMIN_SPEC,
            AdamUpdate.SPEC);

    private Ops() {
    }
}
