package org.latentcl.nn;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;
import org.latentcl.backend.ops.ChannelMoments;

/**
 * The batch-norm layer as PyTorch's BatchNorm2d behaves: gamma 1 and beta 0 at first, running mean 0
 * and variance 1; two training passes move the running statistics by momentum 0.1 with the unbiased
 * variance and count num_batches_tracked; evaluation normalizes with the running statistics.
 */
class BatchNorm2dTest {
    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void trainingAndEvaluationFollowPyTorch(String backend) {
        Backend be = TestBackends.named(backend);
        int batch = 4;
        int channels = 3;
        int plane = 10;
        Random rnd = new Random(9);
        try (BatchNorm2d bn = new BatchNorm2d("bn", channels, plane)) {
            Parameters p = new Parameters(be, bn.specs());
            bn.bind(p);
            p.initialize(1);
            bn.resetAffine();
            double[] rm = new double[channels];
            double[] rv = {1, 1, 1};
            float[] last = null;
            for (int pass = 0; pass < 2; pass++) {
                float[] x = TestBackends.uniform(rnd, batch * channels * plane, -1 + pass, 2 + pass);
                try (Tensor tx = be.upload(x, batch, channels * plane); Tensor y = be.zeros(batch, channels * plane)) {
                    bn.forward(tx, y, true);
                    float[] got = be.read(y);
                    for (int c = 0; c < channels; c++) {
                        ChannelMoments moments = ChannelMoments.of(x, batch, channels, plane, c);
                        double mean = moments.mean();
                        double var = moments.variance();
                        double unbiased = moments.unbiased();
                        for (int b = 0; b < batch; b++) {
                            for (int q = 0; q < plane; q++) {
                                int i = (b * channels + c) * plane + q;
                                assertEquals((x[i] - mean) / Math.sqrt(var + 1e-5), got[i], 1e-4, "training y[" + i + "]");
                            }
                        }
                        rm[c] = 0.9 * rm[c] + 0.1 * mean;
                        rv[c] = 0.9 * rv[c] + 0.1 * unbiased;
                    }
                    last = x;
                }
            }
            assertEquals(2, bn.batchesTracked());
            // The registered buffers, in PyTorch's order and names, are what checkpoints save.
            List<Buffer> buffers = bn.buffers();
            assertEquals(List.of("bn.running_mean", "bn.running_var", "bn.num_batches_tracked"), buffers.stream().map(Buffer::name).toList());
            assertEquals(2f, buffers.get(2).read()[0]);
            float[] runningMean = buffers.get(0).read();
            float[] runningVar = buffers.get(1).read();
            for (int c = 0; c < channels; c++) {
                assertEquals(rm[c], runningMean[c], 1e-5, "running_mean[" + c + "]");
                assertEquals(rv[c], runningVar[c], 1e-5, "running_var[" + c + "]");
            }
            try (Tensor tx = be.upload(last, batch, channels * plane); Tensor y = be.zeros(batch, channels * plane)) {
                bn.forward(tx, y, false);
                float[] got = be.read(y);
                for (int i = 0; i < got.length; i++) {
                    int c = (i / plane) % channels;
                    assertEquals((last[i] - rm[c]) / Math.sqrt(rv[c] + 1e-5), got[i], 1e-4, "evaluation y[" + i + "]");
                }
            }
            assertEquals(2, bn.batchesTracked(), "evaluation leaves the count alone");
            p.close();
        }
    }
}
