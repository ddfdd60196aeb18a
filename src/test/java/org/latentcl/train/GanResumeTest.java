package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.TestBackends;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.io.Safetensors;
import org.latentcl.model.GanConfig;
import org.latentcl.model.GanNetwork;
import org.latentcl.model.ImageShape;

/**
 * A GAN run stopped inside an epoch, or between epochs, and resumed ends bit for bit where a
 * straight run ends: both networks, both optimizers, batch norm's statistics, the spectral-norm
 * vectors, the data order, the noise stream, the schedules (instance noise, learning-rate decay) and
 * the generator average.
 */
class GanResumeTest {
    @TempDir
    Path dir;

    private static final GanConfig MLP = new GanConfig(12, 8, new int[] {10}, new int[] {11}, true, GanConfig.Loss.NONSATURATING)
            .with(new GanConfig.Stabilizers(true, 2, false));
    private static final GanConfig DCGAN = GanConfig.dcgan(new ImageShape(1, 16, 16), 3, 2, 2, GanConfig.Loss.NONSATURATING);

    private static DataSplit data(GanConfig cfg) {
        Random r = new Random(4);
        int rows = 230;
        float[] v = new float[rows * cfg.data()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        Dataset train = cfg.convolutional() ? new Dataset("t", v, rows, cfg.data(), null, 1, 16, 16) : Dataset.ofRows("t", v, rows, cfg.data());
        return new DataSplit(train, train, "test");
    }

    private static GanTraining.Options options(Path out, boolean resume) {
        return new GanTraining.Options(3, 32, 2e-3f, 0.5f, 2, 5, out, "t", false, 4e-3f, 1f, 0.1f, 0, true, resume, 0.9f);
    }

    /** The options above with a cosine schedule after a warm-up of 5 updates instead of the linear decay. */
    private static GanTraining.Options cosine(Path out, boolean resume) {
        return new GanTraining.Options(3, 32, 2e-3f, 0.5f, 2, 5, out, "t", false, 4e-3f, 1f, 0.1f, 0, false, resume, 0.9f,
                LearningRateSchedule.of("cosine", 5));
    }

    /** A stopped run with a cosine schedule resumes from its recorded options to the straight run's bits. */
    @Test
    void aCosineScheduleResumesExactlyFromTheRecordedOptions() throws IOException {
        Backend be = TestBackends.java();
        Path straight = dir.resolve("cos-straight");
        train(be, MLP, cosine(straight, false), new RunListener() { });
        Path stopped = dir.resolve("cos-stopped");
        assertThrows(TrainingInterruptedException.class, () -> train(be, MLP, cosine(stopped, false), stopAfter(11)));
        GanTraining.Options again = GanTraining.resumeOptions(stopped, 3, false);
        assertEquals("cosine", again.scheduleKind());
        assertEquals(5, again.warmupSteps());
        train(be, MLP, again, new RunListener() { });
        assertSameCheckpoints(straight, stopped);
    }

    /**
     * The options above with R1 (gamma 0.5) on every third discriminator step, or WGAN-GP's penalty (lambda 2) on every
     * step, instead of the generator average; or ("fakes") three generated examples per real one, with neither penalty.
     */
    private static GanTraining.Options penalized(String penalty, Path out, boolean resume) {
        boolean r1 = penalty.equals("r1");
        boolean gp = penalty.equals("gp");
        return new GanTraining.Options(3, 32, 2e-3f, 0.5f, 2, 5, out, "t", false, 4e-3f, 1f, 0.1f, 0, true, resume, 0f, null,
                r1 ? 0.5f : 0f, r1 ? 3 : 1, gp ? 2f : 0f, penalty.equals("fakes") ? 3 : 1);
    }

    /**
     * A run with lazy R1, stopped inside epoch 2 (step 11: the interval of 3 runs across the epochs), resumes from its
     * recorded options to the straight run's bits and metrics, the penalty's mean among them; likewise with WGAN-GP's
     * penalty, whose interpolation draws from the run's stream; likewise with three generated examples per real one, their
     * noise and instance noise drawn from the run's stream.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"r1, java", "r1, cl", "gp, java", "gp, cl", "fakes, java", "fakes, cl"})
    void aPenalizedRunResumesExactlyFromTheRecordedOptions(String penalty, String backend) throws IOException {
        Backend be = TestBackends.named(backend);
        Path straight = dir.resolve(penalty + "-straight");
        train(be, MLP, penalized(penalty, straight, false), new RunListener() { });
        Path stopped = dir.resolve(penalty + "-stopped");
        assertThrows(TrainingInterruptedException.class, () -> train(be, MLP, penalized(penalty, stopped, false), stopAfter(11)));
        GanTraining.Options again = GanTraining.resumeOptions(stopped, 3, false);
        assertEquals(penalized(penalty, stopped, true), again);
        train(be, MLP, again, new RunListener() { });
        assertSameCheckpoints(straight, stopped);
        List<String> linesA = Files.readAllLines(straight.resolve(RunFiles.METRICS));
        List<String> linesB = Files.readAllLines(stopped.resolve(RunFiles.METRICS));
        for (int i = 0; i < 3; i++) {
            if (!penalty.equals("fakes")) {
                assertTrue(linesA.get(i).contains(penalty.equals("r1") ? "\"r1_penalty\":" : "\"gradient_penalty\":"), linesA.get(i));
            }
            assertEquals(linesA.get(i).replaceAll("\"train_seconds.*", ""), linesB.get(i).replaceAll("\"train_seconds.*", ""));
        }
    }

    /** Every tensor of the two runs' checkpoints equal to the bit. */
    private static void assertSameCheckpoints(Path straight, Path stopped) throws IOException {
        Map<String, Safetensors.Entry> a = Safetensors.read(straight.resolve(RunFiles.CHECKPOINT)).tensors();
        Map<String, Safetensors.Entry> b = Safetensors.read(stopped.resolve(RunFiles.CHECKPOINT)).tensors();
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).data(), b.get(name).data(), name + " differs after stopping and resuming");
        }
    }

    private static List<GanEpochStats> train(Backend be, GanConfig cfg, GanTraining.Options opt, RunListener l) throws IOException {
        try (GanNetwork gan = new GanNetwork(be, cfg, opt.batch() * opt.fakesPerReal())) {
            gan.initialize(opt.seed());
            return GanTraining.train(gan, data(cfg), opt, l);
        }
    }

    /** Stops after the n-th step of the run. */
    private static RunListener stopAfter(int n) {
        int[] calls = {0};
        return new RunListener() {
            @Override
            public void step(int epoch, int step, int steps, java.util.function.DoubleSupplier loss) {
                calls[0]++;
            }

            @Override
            public boolean stopRequested() {
                return calls[0] == n;
            }
        };
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"mlp, java", "mlp, cl", "dcgan, java", "dcgan, cl"})
    void aStoppedAndResumedRunEndsWhereAStraightRunEnds(String arch, String backend) throws IOException {
        Backend be = TestBackends.named(backend);
        GanConfig cfg = arch.equals("mlp") ? MLP : DCGAN;
        Path straight = dir.resolve("straight");
        train(be, cfg, options(straight, false), new RunListener() { });
        // 230 rows in batches of 32: 8 steps an epoch. Stop inside epoch 2 (step 11), then between epochs 2 and 3.
        Path stopped = dir.resolve("stopped");
        TrainingInterruptedException e;
        e = assertThrows(TrainingInterruptedException.class,
                () -> train(be, cfg, options(stopped, false), stopAfter(11)));
        assertTrue(e.getMessage().contains("stopped in epoch 2 after step 3 of 8") && e.getMessage().contains("train gan --resume " + stopped),
                e.getMessage());
        assertEquals(1, Files.readAllLines(stopped.resolve(RunFiles.METRICS)).size());
        // Resumed inside epoch 2 (steps 4 to 8), then stopped again at its end.
        e = assertThrows(TrainingInterruptedException.class, () -> train(be, cfg, options(stopped, true), stopAfter(5)));
        assertTrue(e.getMessage().startsWith("stopped after epoch 2; continue with: train gan --resume"), e.getMessage());
        train(be, cfg, options(stopped, true), new RunListener() { });
        Map<String, Safetensors.Entry> a = Safetensors.read(straight.resolve(RunFiles.CHECKPOINT)).tensors();
        Map<String, Safetensors.Entry> b = Safetensors.read(stopped.resolve(RunFiles.CHECKPOINT)).tensors();
        assertEquals(a.keySet(), b.keySet());
        // The average covers the generator's parameters; batch norm's buffers stay the generator's own.
        List<String> averaged = a.keySet().stream().filter(n -> n.startsWith("ema.")).toList();
        assertTrue(averaged.contains("ema.gen.0.weight") && averaged.stream().allMatch(n -> a.containsKey(n.substring(4))
                && !n.contains("running_") && !n.contains("num_batches")), "the generator average beside the generator: " + a.keySet());
        assertTrue(!java.util.Arrays.equals(a.get("gen.0.weight").data(), a.get("ema.gen.0.weight").data()), "the average lags the weights");
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).data(), b.get(name).data(), name + " differs after stopping and resuming");
        }
        List<String> linesA = Files.readAllLines(straight.resolve(RunFiles.METRICS));
        List<String> linesB = Files.readAllLines(stopped.resolve(RunFiles.METRICS));
        assertEquals(3, linesB.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(linesA.get(i).replaceAll("\"train_seconds.*", ""), linesB.get(i).replaceAll("\"train_seconds.*", ""));
        }
        // The generator losses loss.png draws, kept in the state across both stops: each epoch's, as its metrics line has it.
        List<?> kept = (List<?>) org.latentcl.io.Json.parse(Safetensors.read(stopped.resolve(RunFiles.STATE)).metadata().get("g_losses"));
        assertEquals(3, kept.size());
        for (int i = 0; i < 3; i++) {
            double logged = (Double) ((Map<?, ?>) org.latentcl.io.Json.parse(linesB.get(i))).get("g_loss");
            assertEquals(logged, Double.parseDouble((String) kept.get(i)), 1e-4, "epoch " + (i + 1) + "'s generator loss");
        }
    }

    /**
     * Averaging changes what the run shows, never what it trains: the trained networks of a run with the
     * generator average equal, to the bit, those of the same run without it (the average's swaps in and out
     * of the generator for the pictures must leave no trace, such as a Linear's stale transposed weight).
     */
    @ParameterizedTest
    @ValueSource(strings = {"mlp", "dcgan"})
    void theAverageLeavesTheTrainingAsItWas(String arch) throws IOException {
        Backend be = TestBackends.cl();
        GanConfig cfg = arch.equals("mlp") ? new GanConfig(12, 8, new int[] {256, 256}, new int[] {11}, true, GanConfig.Loss.NONSATURATING) : DCGAN;
        Path with = dir.resolve("with");
        Path without = dir.resolve("without");
        train(be, cfg, options(with, false), new RunListener() { });
        GanTraining.Options o = options(without, false);
        train(be, cfg, new GanTraining.Options(o.epochs(), o.batch(), o.lr(), o.beta1(), o.k(), o.seed(), o.out(), o.data(), false, o.dLr(),
                o.realLabel(), o.instanceNoise(), o.evalEvery(), o.lrDecay(), false, 0f), new RunListener() { });
        Map<String, Safetensors.Entry> a = Safetensors.read(with.resolve(RunFiles.CHECKPOINT)).tensors();
        Map<String, Safetensors.Entry> b = Safetensors.read(without.resolve(RunFiles.CHECKPOINT)).tensors();
        for (String name : b.keySet()) {
            assertArrayEquals(b.get(name).data(), a.get(name).data(), name + " differs when the generator is averaged");
        }
        assertTrue(a.size() > b.size() && !b.containsKey("ema.gen.0.weight"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch", "config", "missing"})
    void aRunThatCannotContinueIsRefusedWithItsReason(String what) throws IOException {
        Backend be = TestBackends.java();
        Path run = dir.resolve("run");
        train(be, MLP, new GanTraining.Options(1, 32, 2e-3f, 0.5f, 1, 5, run, "t", false, 2e-3f, 1f, 0f, 0, false, false), new RunListener() { });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            switch (what) {
                case "batch" -> train(be, MLP, new GanTraining.Options(2, 16, 2e-3f, 0.5f, 1, 5, run, "t", false, 2e-3f, 1f, 0f, 0, false, true),
                        new RunListener() { });
                case "config" -> train(be, MLP.with(GanConfig.Stabilizers.NONE),
                        new GanTraining.Options(2, 32, 2e-3f, 0.5f, 1, 5, run, "t", false, 2e-3f, 1f, 0f, 0, false, true), new RunListener() { });
                default -> train(be, MLP, new GanTraining.Options(2, 32, 2e-3f, 0.5f, 1, 5, dir.resolve("none"), "t", false, 2e-3f, 1f, 0f, 0,
                        false, true), new RunListener() { });
            }
        });
        String expected = switch (what) {
            case "batch" -> "with batch 16: the run was trained with batch 32";
            case "config" -> "its checkpoint is a";
            default -> "it has no checkpoint.safetensors and state.safetensors";
        };
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
