package org.latentcl.backend.ops;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.latentcl.backend.Activation;
import org.latentcl.backend.AdamConfig;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;

/**
 * One valid call of every operation on small tensors, with what the tests of refusals and of the
 * profile's work need to know about it. Work is counted as the operations count it: flops per
 * element of the math, and 4 bytes for each float read or written (a loss reads its inputs and
 * writes its gradient; a GEMM reads A and B and writes C once; a reduction's few outputs are not
 * counted); an operation made of steps (the minibatch standard deviation) sums its steps.
 */
final class OpCalls {
    private OpCalls() {
    }

    /** An operation's call with its tensors in {@code t}, shaped as the case says. */
    @FunctionalInterface
    interface Call {
        void run(Backend be, Tensor[] t);
    }

    /**
     * One operation: the shapes (rows, cols) of a valid call's tensors, which of them may be null,
     * whose size the other arguments do not fix (the rows a reduction sums over, the columns a
     * copy or a row statistic reads, an output slot the caller indexes, a scratch buffer, a source
     * indexed by the index tensor), the work the profile must report for the call, and the call.
     */
    record Case(String op, int[][] shapes, Set<Integer> optional, Set<Integer> sizeFree, double flops, double bytes, Call call) {
        Case optional(Integer... args) {
            return new Case(op, shapes, Set.of(args), sizeFree, flops, bytes, call);
        }

        Case sizeFree(Integer... args) {
            return new Case(op, shapes, optional, new HashSet<>(Arrays.asList(args)), flops, bytes, call);
        }

        @Override
        public String toString() {
            return op;
        }
    }

    private static final ConvShape CONV = new ConvShape(1, 2, 3, 3, 2, 2, 1, 0);

    static int[] s(int rows, int cols) {
        return new int[] {rows, cols};
    }

    private static int[][] of(int[]... shapes) {
        return shapes;
    }

    private static Case c(String op, int[][] shapes, double flops, double bytes, Call call) {
        return new Case(op, shapes, Set.of(), Set.of(), flops, bytes, call);
    }

    /** Tensors of the given shapes on {@code be}, every element 0 (a valid value for every argument: class 0, row 0). */
    static Tensor[] tensors(Backend be, int[][] shapes) {
        Tensor[] t = new Tensor[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            t[i] = be.zeros(shapes[i][0], shapes[i][1]);
        }
        return t;
    }

    static void closeAll(Tensor[] t) {
        for (Tensor x : t) {
            if (x != null) {
                x.close();
            }
        }
    }

    static Stream<Case> cases() {
        int[] m = s(3, 5);
        int n = 15;
        AdamConfig adam = AdamConfig.of(1e-3f);
        return Stream.of(
                c("activate", of(m, m), n, 4 * 2 * n, (be, t) -> Activations.activate(be, Activation.TANH, t[0], t[1])),
                c("activateBackward", of(m, m, m), n, 4 * 3 * n,
                        (be, t) -> Activations.activateBackward(be, Activation.TANH, t[0], t[1], t[2])),
                // Reads parameters, gradients and both moments; writes parameters and moments.
                c("adam", of(m, m, m, m), 12 * n, 4 * 7 * n, (be, t) -> AdamUpdate.adam(be, t[0], t[1], t[2], t[3], adam, 1)),
                // Two passes over x (mean, then variance): 6 flops and 2 reads per element.
                c("batchNormStatistics", of(s(4, 6), s(1, 4), s(1, 4)), 6 * 24, 4 * 2 * 24,
                        (be, t) -> BatchNorm.statistics(be, t[0], 2, 1e-5f, 0.1f, t[1], t[2])).sizeFree(0),
                c("batchNormRunningStatistics", of(s(1, 4), s(1, 4)), 0, 4 * 4 * 2,
                        (be, t) -> BatchNorm.runningStatistics(be, t[0], 2, 1e-5f, t[1])),
                c("batchNormalize", of(s(4, 6), s(1, 4), s(1, 2), s(1, 2), s(4, 6)), 4 * 24, 4 * 2 * 24,
                        (be, t) -> BatchNorm.normalize(be, t[0], 2, t[1], t[2], t[3], t[4])),
                // The per-channel sums read x and dy; the input gradient reads them again and writes dx.
                c("batchNormBackward", of(s(4, 6), s(4, 6), s(1, 4), s(1, 2), s(1, 2), s(1, 2), s(1, 4), s(4, 6)), 10 * 24, 4 * 5 * 24,
                        (be, t) -> BatchNorm.backward(be, t[0], t[1], 2, t[2], t[3], false, t[4], t[5], t[6], t[7])),
                c("bceWithLogits", of(m, m, m, s(1, 2)), 8 * n, 4 * 3 * n,
                        (be, t) -> BceWithLogits.bceWithLogits(be, t[0], t[1], 1f, 1f, t[2], t[3], 1, false)).optional(1, 2).sizeFree(3),
                c("bceTerms", of(m, m, m), 6 * n, 4 * 3 * n, (be, t) -> BceWithLogits.bceTerms(be, t[0], t[1], t[2])),
                // A bias value read per element (x 2x9 of 3 channels: an odd plane, so that a larger bias is no valid channel count).
                c("channelBias", of(s(2, 9), s(1, 3), s(2, 9)), 18, 4 * 3 * 18, (be, t) -> ChannelBias.channelBias(be, t[0], t[1], t[2])),
                c("channelBiasGradient", of(s(2, 9), s(1, 3)), 18, 4 * 18,
                        (be, t) -> ChannelBias.channelBiasGradient(be, t[0], 0f, t[1])).sizeFree(0),
                c("toChannelMajor", of(s(2, 6), s(3, 4)), 0, 4 * 2 * 12, (be, t) -> ChannelMajor.toChannelMajor(be, t[0], 3, t[1])),
                c("fromChannelMajor", of(s(3, 4), s(1, 3), s(2, 6)), 0, 4 * 2 * 12,
                        (be, t) -> ChannelMajor.fromChannelMajor(be, t[0], t[1], 3, t[2])).optional(1),
                c("columnSums", of(m, s(1, 5)), n, 4 * n, (be, t) -> ColumnSums.columnSums(be, t[0], 0f, t[1])).sizeFree(0),
                // Three of the source's columns copied, for its three rows.
                c("copyColumns", of(m, s(3, 4)), 0, 4 * 2 * 9, (be, t) -> CopyColumns.copyColumns(be, t[0], 1, t[1], 1, 3)).sizeFree(0, 1),
                c("dot", of(m, m, s(1, 2)), 2 * n, 4 * 2 * n, (be, t) -> Dot.dot(be, t[0], t[1], t[2], 1, false)).sizeFree(2),
                c("fill", of(m), 0, 4 * n, (be, t) -> Elementwise.fill(be, t[0], 1f)).sizeFree(0),
                c("copy", of(m, m), 0, 4 * 2 * n, (be, t) -> Elementwise.copy(be, t[0], t[1])),
                c("mul", of(m, m, m), n, 4 * 3 * n, (be, t) -> Elementwise.mul(be, t[0], t[1], t[2])),
                c("axpy", of(m, m, m), 2 * n, 4 * 3 * n, (be, t) -> Elementwise.axpy(be, t[0], 2f, t[1], t[2])),
                // Two rows of three gathered: read and written.
                c("gatherRows", of(s(4, 3), s(1, 2), s(2, 3)), 0, 4 * 2 * 6,
                        (be, t) -> GatherRows.gatherRows(be, t[0], t[1], 0, t[2])).sizeFree(0, 1),
                c("gaussianNll", of(m, m, m, s(1, 2)), 6 * n, 4 * 3 * n,
                        (be, t) -> GaussianNll.gaussianNll(be, t[0], t[1], 0.7f, 1f, t[2], t[3], 1, false)).optional(2).sizeFree(3),
                c("gaussianNllTerms", of(m, m, m), 5 * n, 4 * 3 * n, (be, t) -> GaussianNll.gaussianNllTerms(be, t[0], t[1], 0.7f, t[2])),
                // M = 3, N = 5, K = 4: 2MNK flops; A, B and C once.
                c("gemm", of(s(3, 4), s(4, 5), m, s(1, 5)), 2 * 3 * 5 * 4, 4 * (12 + 20 + 15),
                        (be, t) -> Gemm.gemm(be, false, false, 1f, t[0], t[1], 0f, t[2], t[3], Activation.TANH)).optional(3),
                // ... and the gate y, read once.
                c("gemmGated", of(s(3, 4), s(4, 5), m, m), 2 * 3 * 5 * 4, 4 * (12 + 20 + 15 + 15),
                        (be, t) -> Gemm.gemmGated(be, false, false, 1f, t[0], t[1], 0f, t[2], Activation.TANH, t[3])),
                // dW (5x4) = dy^T (5x3) x (3x4): M = 5, N = 4, K = 3.
                c("linearGradients", of(m, s(3, 4), s(5, 4), s(1, 5)), 2 * 5 * 4 * 3, 4 * (15 + 12 + 20),
                        (be, t) -> Gemm.linearGradients(be, t[0], t[1], 0f, t[2], t[3])),
                c("gradientPenalty", of(s(1, 3), s(1, 3), s(1, 3)), 6 * 3, 4 * 3 * 3,
                        (be, t) -> GradientPenalty.rows(be, t[0], 10f, 1f, t[1], t[2])),
                c("hinge", of(s(3, 1), s(3, 1), s(1, 2)), 3 * 3, 4 * 2 * 3,
                        (be, t) -> Hinge.hinge(be, t[0], -1f, 1f, 1f, t[1], t[2], 1, false)).optional(1).sizeFree(2),
                c("hinge (linear)", of(s(3, 1), s(3, 1), s(1, 2)), 3 * 3, 4 * 2 * 3,
                        (be, t) -> Hinge.linear(be, t[0], -1f, 1f, t[1], t[2], 1, false)).optional(1).sizeFree(2),
                // Images of 18 values; columns of 8 patch values at 4 positions.
                c("im2col", of(s(1, 18), s(8, 4)), 0, 4 * (18 + 32), (be, t) -> Im2Col.im2col(be, CONV, t[0], t[1])),
                c("col2im", of(s(8, 4), s(1, 18)), 32, 4 * (18 + 32), (be, t) -> Im2Col.col2im(be, CONV, t[0], 0f, t[1])),
                // 3 output channels of 2x2 from the same images: W 3x8, the images, the output, the bias (may be null).
                c("convImplicit", of(s(3, 8), s(1, 18), s(1, 12), s(1, 3)), 2 * 3 * 8 * 4, 4 * (24 + 18 + 12),
                        (be, t) -> ImplicitConv.forward(be, CONV, t[0], t[1], t[2], t[3], org.latentcl.backend.Activation.RELU,
                                ImplicitConv.SMALL_TILES)).optional(3),
                // Its backward passes: dy 1x12, the images and dW 3x8 (read and written); W, dy and dx.
                c("convImplicitWeightGrad", of(s(1, 12), s(1, 18), s(3, 8)), 2 * 3 * 8 * 4, 4 * (12 + 18 + 2 * 24),
                        (be, t) -> ImplicitConvBackward.weightGradient(be, CONV, t[0], t[1], 1f, t[2], ImplicitConv.SMALL_TILES, 1)),
                c("convImplicitInputGrad", of(s(3, 8), s(1, 12), s(1, 18)), 2 * 3 * 8 * 4, 4 * (24 + 12 + 18),
                        (be, t) -> ImplicitConvBackward.inputGradient(be, CONV, t[0], t[1], t[2], ConvEpilogue.NONE, ImplicitConv.SMALL_TILES)),
                c("klStandardNormal", of(m, m, m, m, s(1, 2)), 8 * n, 4 * 4 * n,
                        (be, t) -> KlStandardNormal.klStandardNormal(be, t[0], t[1], 1f, t[2], t[3], t[4], 1, false)).sizeFree(4),
                // 18 inputs in pieces of 2 give 9 units: the inputs read, each unit's value read and written.
                c("maxout", of(s(3, 6), s(3, 3)), 0, 4 * (18 + 2 * 9), (be, t) -> Maxout.forward(be, t[0], 2, t[1])),
                c("maxoutTangent", of(s(3, 6), s(3, 6), s(3, 3)), 0, 4 * (18 + 2 * 9), (be, t) -> Maxout.tangent(be, t[0], 2, t[1], t[2])),
                c("maxoutBackward", of(s(3, 6), s(3, 3), s(3, 6)), 0, 4 * (2 * 18 + 9), (be, t) -> Maxout.backward(be, t[0], 2, t[1], t[2])),
                // x 4x6 and y 4x8: the column statistics (x read twice, 4 flops per value), their sum over 6 features, x copied into y.
                c("minibatchStd", of(s(4, 6), s(1, 6), s(1, 6), s(1, 2), s(4, 8)), 4 * 24 + 6, 8 * 24 + 4 * 6 + 8 * 32,
                        (be, t) -> MinibatchStd.forward(be, t[0], 2, t[1], t[2], t[3], t[4])).sizeFree(3),
                // dy's appended sums (32 values read), their sum over the batch of 4, and dx (5 flops per x).
                c("minibatchStdBackward", of(s(4, 6), s(1, 6), s(1, 6), s(1, 2), s(1, 4), s(4, 8), s(4, 6)), 32 + 4 + 5 * 24,
                        4 * 32 + 4 * 4 + 12 * 24,
                        (be, t) -> MinibatchStd.backward(be, t[0], 2, t[1], t[2], t[3], t[4], t[5], t[6])).sizeFree(3, 4),
                // The tangent's columns, their sum, the appended tangent, dy's appended sums, their sum, and r.
                c("minibatchStdPenalty", of(s(4, 6), s(1, 6), s(1, 6), s(1, 2), s(1, 4), s(1, 18), s(4, 6), s(4, 8), s(4, 8), s(4, 6)),
                        4 * 24 + 6 + 32 + 4 + 8 * 24, 8 * 24 + 4 * 6 + 8 * 32 + 4 * 32 + 4 * 4 + 16 * 24,
                        (be, t) -> MinibatchStd.penaltyTangent(be, t[0], 2, t[1], t[2], t[3], t[4], t[5], t[6], t[7], t[8], t[9]))
                        .optional(8).sizeFree(3, 4, 5),
                c("uniform", of(m), 0, 4 * n, (be, t) -> RandomFill.uniform(be, t[0], 1, 0)).sizeFree(0),
                c("normal", of(m), 0, 4 * n, (be, t) -> RandomFill.normal(be, t[0], 1, 0)).sizeFree(0),
                // Reads mu and logvar; writes the noise and z.
                c("sampleReparameterized", of(m, m, m, m), 3 * n, 4 * 4 * n,
                        (be, t) -> Reparameterize.sampleReparameterized(be, t[0], t[1], t[2], t[3], 1, 0)),
                // Reads logvar, eps, dz and both gradients (it accumulates); writes both gradients.
                c("reparameterizeBackward", of(m, m, m, m, m), 5 * n, 4 * 7 * n,
                        (be, t) -> Reparameterize.reparameterizeBackward(be, t[0], t[1], t[2], t[3], t[4])),
                c("logMeanExpRows", of(m, s(1, 3)), 0, 4 * n, (be, t) -> RowStatistics.logMeanExpRows(be, t[0], t[1])).sizeFree(0),
                c("parzenRows", of(m, s(1, 3), s(1, 5), s(1, 3)), 0, 4 * n,
                        (be, t) -> RowStatistics.parzenRows(be, t[0], t[1], t[2], 1f, 4, t[3])),
                c("rowArgmin", of(m, s(1, 5), s(1, 3)), 0, 4 * n, (be, t) -> RowStatistics.rowArgmin(be, t[0], t[1], t[2])),
                c("rowSums", of(m, s(1, 3)), n, 4 * n, (be, t) -> RowSums.rowSums(be, t[0], 1f, 0f, t[1])).sizeFree(0),
                // Reads x and y (beta y), writes y.
                c("scaleRows", of(s(1, 3), m, m), n, 4 * 3 * n, (be, t) -> ScaleRows.scaleRows(be, t[0], t[1], 0f, t[2])),
                // The logits read twice (the maximum and the exponentials), the gradient written.
                c("softmaxCrossEntropy", of(m, s(1, 3), m, s(1, 3)), 6 * n, 4 * 3 * n,
                        (be, t) -> SoftmaxCrossEntropy.crossEntropy(be, t[0], t[1], 1f, t[2], t[3])).optional(2),
                c("softmaxRows", of(m, m), 4 * n, 4 * 2 * n, (be, t) -> SoftmaxCrossEntropy.softmax(be, t[0], t[1])),
                // x read twice (the norm, then the quotient and the dot), out written.
                c("normalizeVector", of(s(1, 5), s(1, 5), s(1, 3)), 5 * 5, 4 * 3 * 5,
                        (be, t) -> SpectralNormOps.normalizeVector(be, t[0], t[1], t[2], 0, 2)).sizeFree(2),
                c("divideBy", of(s(1, 5), s(1, 3), s(1, 5)), 5, 4 * 2 * 5,
                        (be, t) -> SpectralNormOps.divideBy(be, t[0], t[1], 2, t[2])).sizeFree(1),
                // x read, out and outT written.
                c("divideByTransposed", of(m, s(1, 3), m, s(5, 3)), n, 4 * 3 * n,
                        (be, t) -> SpectralNormOps.divideBy(be, t[0], t[1], 2, t[2], t[3])).sizeFree(1),
                // g and the outer product u v^T read, out written.
                c("spectralNormBackward", of(m, m, s(1, 3), s(1, 5), s(1, 3)), 5 * n, 4 * 3 * n,
                        (be, t) -> SpectralNormOps.backward(be, t[0], t[1], t[2], t[3], t[4], 1)).sizeFree(4),
                c("sum", of(m, s(1, 2)), n, 4 * n, (be, t) -> Sum.sum(be, t[0], t[1], 1, false)).sizeFree(0, 1),
                c("transpose", of(m, s(5, 3)), 0, 4 * 2 * n, (be, t) -> Transpose.transpose(be, t[0], t[1])));
    }
}
