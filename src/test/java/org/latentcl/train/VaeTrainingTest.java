package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Datasets;
import org.latentcl.data.Decoder;
import org.latentcl.io.Json;
import org.latentcl.io.Safetensors;
import org.latentcl.model.VaeConfig;
import org.latentcl.model.VaeNetwork;
import org.latentcl.nn.RandomStream;

class VaeTrainingTest {
    @TempDir
    Path dir;

    /** 600 training and 200 test digits of the embedded dataset. */
    static DataSplit small() {
        DataSplit all = Datasets.embeddedDefault();
        return new DataSplit(all.train().head(600), all.test().head(200), "test");
    }

    private static final VaeConfig CONFIG = new VaeConfig(784, new int[] {64}, 2, Decoder.BERNOULLI, 1f);

    /** beta 4 reached over 100 updates: 4/100 at the first, 2 at the 50th, 4 from the 100th on; without warm-up, beta throughout. */
    @Test
    void theKlWeightRisesLinearlyOverItsWarmUp() {
        VaeTraining.Options opt = new VaeTraining.Options(1, 8, 1e-3f, 1, null, false, "x", false, 4f, 100);
        assertEquals(0.04f, opt.klWeightAt(0), 1e-7f);
        assertEquals(2f, opt.klWeightAt(49), 1e-6f);
        assertEquals(3.96f, opt.klWeightAt(98), 1e-6f);
        assertEquals(4f, opt.klWeightAt(99));
        assertEquals(4f, opt.klWeightAt(5000));
        assertEquals(0.5f, new VaeTraining.Options(1, 8, 1e-3f, 1, null, false, "x", false, 0.5f, 0).klWeightAt(0));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new VaeTraining.Options(1, 8, 1e-3f, 1, null, false, "x", false, Float.NaN, 0));
    }

    /** A run with beta and a warm-up that spans the stop resumes to the bit, its schedule read back from its state. */
    @Test
    void aResumedBetaVaeWithWarmUpEndsWhereAStraightOneWould() throws IOException {
        Backend be = TestBackends.java();
        Path straight = dir.resolve("straight-beta");
        Path split = dir.resolve("split-beta");
        // 600 rows of 64 are 10 steps an epoch: the warm-up of 15 steps runs into epoch 2.
        VaeTraining.run(be, small(), CONFIG, new VaeTraining.Options(2, 64, 1e-3f, 7, straight, false, "default", false, 2f, 15),
                new RunListener() { });
        VaeTraining.run(be, small(), CONFIG, new VaeTraining.Options(1, 64, 1e-3f, 7, split, false, "default", false, 2f, 15),
                new RunListener() { });
        VaeTraining.KlSchedule kl = VaeTraining.klSchedule(split);
        assertEquals(new VaeTraining.KlSchedule(2f, 15), kl);
        VaeTraining.run(be, small(), CONFIG, new VaeTraining.Options(2, 64, 1e-3f, 7, split, true, "default", false, kl.weight(), kl.warmup()),
                new RunListener() { });
        assertArrayEquals(Files.readAllBytes(straight.resolve(RunFiles.CHECKPOINT)), Files.readAllBytes(split.resolve(RunFiles.CHECKPOINT)));
        assertEquals(new VaeTraining.KlSchedule(1f, 0), VaeTraining.klSchedule(dir.resolve("none")), "a run that records none");
    }

    @Test
    void aResumedRunEndsWhereAnUninterruptedOneWould() throws IOException {
        Backend be = TestBackends.java();
        Path straight = dir.resolve("straight");
        Path split = dir.resolve("split");
        VaeTraining.run(be, small(), CONFIG, new VaeTraining.Options(3, 64, 1e-3f, 7, straight, false, "default"), new RunListener() { });
        VaeTraining.run(be, small(), CONFIG, new VaeTraining.Options(1, 64, 1e-3f, 7, split, false, "default"), new RunListener() { });
        List<VaeEpochStats> resumed = VaeTraining.run(be, small(), CONFIG, new VaeTraining.Options(3, 64, 1e-3f, 7, split, true, "default"),
                new RunListener() { });
        assertEquals(3, resumed.size());
        Map<String, Safetensors.Entry> a = Safetensors.read(straight.resolve(RunFiles.CHECKPOINT)).tensors();
        Map<String, Safetensors.Entry> b = Safetensors.read(split.resolve(RunFiles.CHECKPOINT)).tensors();
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).data(), b.get(name).data(), name + " differs after resuming");
        }
        List<String> linesA = Files.readAllLines(straight.resolve(RunFiles.METRICS));
        List<String> linesB = Files.readAllLines(split.resolve(RunFiles.METRICS));
        assertEquals(3, linesB.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(linesA.get(i).replaceAll("\"train_seconds.*", ""), linesB.get(i).replaceAll("\"train_seconds.*", ""));
        }
    }

    /**
     * Ctrl-C in the middle of an epoch saves the position inside it; resuming then ends exactly where a straight run does,
     * with a constant learning rate and with a cosine schedule after a warm-up (the rate of each update follows from Adam's
     * restored step count); and a conv VAE's (its convolutions' parameters and Adam moments) to the bit as well.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"constant, mlp", "cosine, mlp", "constant, conv"})
    void aRunStoppedInsideAnEpochResumesExactly(String schedule, String arch) throws IOException {
        Backend be = TestBackends.java();
        VaeConfig config = arch.equals("mlp") ? CONFIG
                : new VaeConfig(784, new int[] {4, 8}, 2, Decoder.BERNOULLI, 1f, new org.latentcl.model.ImageShape(1, 28, 28));
        Path straight = dir.resolve("straight");
        Path stopped = dir.resolve("stopped");
        LearningRateSchedule lrs = LearningRateSchedule.of(schedule, schedule.equals("constant") ? 0 : 4);
        java.util.function.BiFunction<Path, Boolean, VaeTraining.Options> options = (out, resume) ->
                new VaeTraining.Options(2, 64, 1e-3f, 9, out, resume, "default", false, 1f, 0, lrs);
        VaeTraining.run(be, small(), config, options.apply(straight, false), new RunListener() { });
        int[] calls = {0};
        RunListener stopAfterThirteenSteps = new RunListener() {
            @Override
            public void step(int epoch, int step, int steps, java.util.function.DoubleSupplier loss) {
                calls[0]++;
            }

            @Override
            public boolean stopRequested() {
                return calls[0] == 13;
            }
        };
        TrainingInterruptedException e = org.junit.jupiter.api.Assertions.assertThrows(TrainingInterruptedException.class,
                () -> VaeTraining.run(be, small(), config, options.apply(stopped, false), stopAfterThirteenSteps));
        assertTrue(e.getMessage().contains("stopped in epoch 2 after step 3 of 10") && e.getMessage().contains("--resume"), e.getMessage());
        assertEquals(1, Files.readAllLines(stopped.resolve(RunFiles.METRICS)).size());
        assertEquals(schedule.equals("constant") ? "constant" : "cosine", VaeTraining.lrSchedule(stopped).kind());
        VaeTraining.run(be, small(), config, options.apply(stopped, true), new RunListener() { });
        Map<String, Safetensors.Entry> a = Safetensors.read(straight.resolve(RunFiles.CHECKPOINT)).tensors();
        Map<String, Safetensors.Entry> b = Safetensors.read(stopped.resolve(RunFiles.CHECKPOINT)).tensors();
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).data(), b.get(name).data(), name + " differs after stopping and resuming");
        }
        List<String> linesA = Files.readAllLines(straight.resolve(RunFiles.METRICS));
        List<String> linesB = Files.readAllLines(stopped.resolve(RunFiles.METRICS));
        assertEquals(linesA.get(1).replaceAll("\"train_seconds.*", ""), linesB.get(1).replaceAll("\"train_seconds.*", ""));
    }

    @Test
    void aRunWritesMetricsCheckpointAndPictures() throws IOException {
        Path out = dir.resolve("run");
        List<VaeEpochStats> m = VaeTraining.run(TestBackends.cl(), small(), CONFIG,
                new VaeTraining.Options(2, 100, 1e-3f, 1, out, false, "default"), new RunListener() { });
        assertTrue(m.get(1).trainLoss() < m.get(0).trainLoss());
        for (String f : new String[] {"metrics.jsonl", "checkpoint.safetensors", "state.safetensors", "samples.png",
            "reconstructions.png", "loss.png", "manifold.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        Map<?, ?> line = (Map<?, ?>) Json.parse(Files.readAllLines(out.resolve("metrics.jsonl")).get(1));
        for (String key : new String[] {"epoch", "train_loss", "test_loss", "recon", "kl", "train_seconds", "samples_per_s", "device"}) {
            assertTrue(line.containsKey(key), key);
        }
        assertEquals(2.0, line.get("epoch"));
        Map<?, ?> first = (Map<?, ?>) Json.parse(Files.readAllLines(out.resolve("metrics.jsonl")).get(0));
        assertTrue((Double) line.get("device_buffers") > 0);
        assertEquals(first.get("device_buffers"), line.get("device_buffers"), "no device buffer is leaked from one epoch to the next");
        assertTrue((Double) first.get("device_peak_mib") > 0, "the most device memory held at once, in MiB");
        assertTrue((Double) line.get("device_peak_mib") >= (Double) first.get("device_peak_mib"), "a peak so far never falls");
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    /**
     * With one importance sample the IWAE bound is the single-sample ELBO estimate (with the KL
     * estimated by sampling instead of in closed form): over 200 examples the two agree to well
     * within their Monte Carlo error; with more samples the bound tightens (a lower -log p(x)).
     */
    @Test
    void iwaeWithOneSampleIsTheElboAndTightensWithMore() {
        Backend be = TestBackends.cl();
        Dataset test = small().test();
        try (VaeNetwork vae = new VaeNetwork(be, CONFIG, 200); Tensor x = be.upload(test.values(), test.rows(), test.cols())) {
            vae.parameters().initialize(3);
            double elbo = VaeEvaluation.elbo(vae, x, new RandomStream(1, 0))[0];
            double k1 = VaeEvaluation.iwae(vae, x, 1, new RandomStream(2, 0));
            double k50 = VaeEvaluation.iwae(vae, x, 50, new RandomStream(3, 0));
            assertEquals(elbo, k1, 0.01 * elbo, "IWAE(K=1) " + k1 + " vs ELBO " + elbo);
            assertTrue(k50 < k1, "IWAE(K=50) " + k50 + " should be below IWAE(K=1) " + k1);
        }
    }

    /**
     * A conditional VAE's prior is its class's N(m_y, I): with means far from zero, IWAE(K=1) still
     * agrees with the ELBO (whose closed-form KL is against the class prior), which it would not if
     * the importance weights used N(0, I); and draws for class y decode m_y + eps.
     */
    @Test
    void theClassPriorEntersTheIwaeAndTheSamplesAsItEntersTheElbo() {
        Backend be = TestBackends.cl();
        Dataset test = small().test().withOneHot(10);
        VaeConfig cfg = CONFIG.conditional(10);
        try (VaeNetwork vae = new VaeNetwork(be, cfg, 200); Tensor x = be.upload(test.values(), test.rows(), test.cols())) {
            vae.initialize(3);
            Map<String, float[]> p = vae.parameters().toHost();
            assertTrue(java.util.Arrays.equals(new float[20], p.get("prior.weight")), "the class prior starts as N(0, I)");
            float[] means = p.get("prior.weight");
            for (int i = 0; i < means.length; i++) {
                means[i] = (i % 7 - 3) * 1f;
            }
            vae.parameters().load(p);
            double elbo = VaeEvaluation.elbo(vae, x, new RandomStream(1, 0))[0];
            double k1 = VaeEvaluation.iwae(vae, x, 1, new RandomStream(2, 0));
            assertEquals(elbo, k1, 0.01 * elbo, "IWAE(K=1) " + k1 + " vs ELBO " + elbo);
            int[] classes = {0, 1, 1, 9};
            float[] z = new float[4 * 2];
            org.latentcl.backend.Philox.fillNormal(z, 0, z.length, 5, 0);
            for (int i = 0; i < 4; i++) {
                z[2 * i] += means[2 * classes[i]];
                z[2 * i + 1] += means[2 * classes[i] + 1];
            }
            assertArrayEquals(VaeSampling.decode(vae, OneHot.append(10, z, 4, 2, classes), 4), VaeSampling.sample(vae, 4, 5, classes));
        }
    }

    @Test
    void iwaeAgreesAcrossBackends() {
        Dataset test = small().test();
        double[] r = new double[2];
        Backend[] both = {TestBackends.java(), TestBackends.cl()};
        for (int i = 0; i < 2; i++) {
            try (VaeNetwork vae = new VaeNetwork(both[i], CONFIG, 100); Tensor x = both[i].upload(test.values(), test.rows(), test.cols())) {
                vae.parameters().initialize(3);
                r[i] = VaeEvaluation.iwae(vae, x, 10, new RandomStream(4, 0));
            }
        }
        assertEquals(r[0], r[1], 1e-4 * Math.abs(r[0]));
    }

    /** A Java backend whose GEMM fails on request, as a lost device's next launch would. */
    private static final class FailingBackend extends org.latentcl.backend.JavaBackend {
        boolean fail;

        @Override
        protected void execute(String op, OnJava body) {
            if (fail && op.startsWith("gemm")) {
                throw new org.latentcl.opencl.ClException("clEnqueueNDRangeKernel failed: CL_OUT_OF_RESOURCES (-5): the device failed");
            }
            super.execute(op, body);
        }
    }

    /** A device lost in epoch 2 ends the run with one message; the checkpoint of epoch 1 stays as it was. */
    @Test
    void aDeviceLostMidRunNamesTheEpochAndKeepsTheLastCheckpoint() throws IOException {
        Path straight = dir.resolve("one-epoch");
        Path lost = dir.resolve("lost");
        VaeTraining.run(TestBackends.java(), small(), CONFIG, new VaeTraining.Options(1, 64, 1e-3f, 4, straight, false, "default"),
                new RunListener() { });
        FailingBackend be = new FailingBackend();
        RunFailedException e = org.junit.jupiter.api.Assertions.assertThrows(RunFailedException.class,
                () -> VaeTraining.run(be, small(), CONFIG, new VaeTraining.Options(3, 64, 1e-3f, 4, lost, false, "default"),
                        new RunListener() {
                            @Override
                            public void step(int epoch, int step, int steps, java.util.function.DoubleSupplier loss) {
                                be.fail = epoch == 2 && step == 3;
                            }
                        }));
        String m = e.getMessage();
        assertTrue(m.startsWith("training failed in epoch 2: clEnqueueNDRangeKernel failed: CL_OUT_OF_RESOURCES"), m);
        assertTrue(m.contains("end of epoch 1 is intact in " + lost + "; continue with: train vae --resume " + lost + " --epochs 3"), m);
        Map<String, Safetensors.Entry> kept = Safetensors.read(lost.resolve(RunFiles.CHECKPOINT)).tensors();
        Map<String, Safetensors.Entry> expected = Safetensors.read(straight.resolve(RunFiles.CHECKPOINT)).tensors();
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name).data(), kept.get(name).data(), name);
        }
    }
}
