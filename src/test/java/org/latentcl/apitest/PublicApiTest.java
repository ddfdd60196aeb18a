package org.latentcl.apitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.Checkpoints;
import org.latentcl.Device;
import org.latentcl.Devices;
import org.latentcl.EpochMetrics;
import org.latentcl.Gan;
import org.latentcl.GanEpochMetrics;
import org.latentcl.ImageGrid;
import org.latentcl.Model;
import org.latentcl.GanTrainer;
import org.latentcl.VaeTrainer;
import org.latentcl.TrainingListener;
import org.latentcl.Vae;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Datasets;

/** Uses LatentCL only through its public API (org.latentcl and org.latentcl.data), as a Java program would. */
class PublicApiTest {
    private static final Dataset DIGITS = Datasets.load("default").train().head(600);

    @TempDir
    Path dir;

    /** Counts what a listener receives. */
    private static final class Recorder implements TrainingListener {
        final List<String> steps = new ArrayList<>();
        final List<EpochMetrics> epochs = new ArrayList<>();
        final List<GanEpochMetrics> ganEpochs = new ArrayList<>();
        double lastLoss = Double.NaN;

        @Override
        public void step(int epoch, int step, int stepsPerEpoch, DoubleSupplier runningLoss) {
            steps.add(epoch + "/" + step + "/" + stepsPerEpoch);
            if (step == stepsPerEpoch) {
                lastLoss = runningLoss.getAsDouble();
            }
        }

        @Override
        public void epoch(EpochMetrics m) {
            epochs.add(m);
        }

        @Override
        public void ganEpoch(GanEpochMetrics m) {
            ganEpochs.add(m);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void aTinyVaeTrainsInPlaceAndEncodesDecodesAndSamples(String which) {
        try (Device device = ApiDevices.open(which);
             Vae vae = Vae.builder().input(784).hidden(32).latent(4).seed(3).device(device).build()) {
            Map<String, float[]> before = vae.weights();
            Recorder rec = new Recorder();
            List<EpochMetrics> history = VaeTrainer.builder().epochs(2).batch(64).seed(5).listener(rec).build().fit(vae, DIGITS);

            // 600 rows, 60 held out: 540 training rows are 9 steps of 64 per epoch.
            assertEquals(2, history.size());
            assertEquals(history, rec.epochs);
            assertEquals(18, rec.steps.size());
            assertEquals("1/1/9", rec.steps.get(0));
            assertEquals("2/9/9", rec.steps.get(17));
            assertEquals(history.get(1).trainLoss(), rec.lastLoss, 0.01);
            assertTrue(history.get(1).trainLoss() < history.get(0).trainLoss(), "the loss falls: " + history);
            assertTrue(history.get(0).device().equals(device.name()));
            assertFalse(Arrays.equals(before.get("mu.weight"), vae.weights().get("mu.weight")), "the VAE keeps the trained weights");

            float[][] x = DIGITS.head(10).toArray();
            Vae.Encoding e = vae.encode(x);
            assertEquals(10, e.mu().length);
            assertEquals(4, e.mu()[0].length);
            assertEquals(4, e.logvar()[9].length);
            float[][] decoded = vae.decode(e.mu());
            assertEquals(10, decoded.length);
            assertEquals(784, decoded[0].length);
            assertArrayEquals(decoded[3], vae.reconstruct(x)[3], 1e-6f);
            float[][] s = vae.sample(300, 11);
            assertEquals(300, s.length, "more rows than one chunk");
            assertArrayEquals(s[299], vae.sample(300, 11)[299], "the same seed gives the same samples");
            for (float v : s[0]) {
                assertTrue(v >= 0f && v <= 1f, "a Bernoulli decoder gives probabilities");
            }
            assertEquals(0, vae.sample(0, 1).length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void aTinyGanTrainsAndGeneratesAndDiscriminates(String which) {
        try (Device device = ApiDevices.open(which);
             Gan gan = Gan.builder().noise(8).generator(32).discriminator(32).device(device).build()) {
            Recorder rec = new Recorder();
            List<GanEpochMetrics> history = GanTrainer.builder().epochs(2).batch(100).k(2).listener(rec).build().fit(gan, DIGITS.head(400));
            assertEquals(2, history.size());
            assertEquals(history, rec.ganEpochs);
            assertEquals(8, rec.steps.size(), "4 discriminator steps per epoch");
            assertTrue(history.get(1).dReal() > 0 && history.get(1).dReal() < 1);
            float[][] fakes = gan.generate(5, 1);
            assertEquals(5, fakes.length);
            assertEquals(784, fakes[0].length);
            float[] p = gan.discriminate(fakes);
            assertEquals(5, p.length);
            for (float v : p) {
                assertTrue(v > 0f && v < 1f, "probabilities: " + v);
            }
        }
    }

    /**
     * The stabilizers through the API: a spectrally normalized, packing GAN with the minibatch std
     * feature and the hinge loss trains with a faster discriminator, instance noise and decaying
     * rates; its weights carry PyTorch's spectral-norm names; packing judges rows in pairs; the
     * trainer refuses a batch the pack does not divide and label smoothing with the hinge loss.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void aStabilizedGanTrainsThroughTheApi(String which) {
        try (Device device = ApiDevices.open(which);
             Gan gan = Gan.builder().noise(8).generator(32).discriminator(32).loss(Gan.Loss.HINGE).spectralNorm(true).pack(2)
                     .minibatchStd(true).discriminatorMaxout(3).generatorBatchNorm(true).device(device).build()) {
            assertTrue(gan.spectralNorm() && gan.pack() == 2 && gan.minibatchStd() && gan.loss() == Gan.Loss.HINGE);
            assertTrue(gan.discriminatorMaxout() == 3 && gan.generatorBatchNorm(), gan.architecture());
            assertTrue(gan.weights().containsKey("gen.bn.0.running_var"), "the generator's batch norm in its weights");
            List<GanEpochMetrics> history = GanTrainer.builder().epochs(2).batch(100).discriminatorLearningRate(8e-4f).instanceNoise(0.1f)
                    .learningRateDecay(true).build().fit(gan, DIGITS.head(400));
            assertEquals(2, history.size());
            assertTrue(Double.isFinite(history.get(1).dLoss()) && Double.isNaN(history.get(1).fid()), history.toString());
            assertTrue(gan.weights().containsKey("disc.0.weight_orig") && gan.weights().containsKey("disc.0.weight_u"));
            float[] p = gan.discriminate(gan.generate(4, 1));
            assertTrue(p[0] == p[1] && p[2] == p[3], "each pair of rows is judged together");
            assertThrows(IllegalArgumentException.class, () -> gan.discriminate(gan.generate(3, 1)));
            assertThrows(IllegalArgumentException.class, () -> GanTrainer.builder().batch(99).build().fit(gan, DIGITS.head(400)));
            assertThrows(IllegalArgumentException.class, () -> GanTrainer.builder().batch(100).realLabel(0.9f).build().fit(gan, DIGITS.head(400)));
            assertThrows(IllegalArgumentException.class, () -> GanTrainer.builder().realLabel(0.3f));
            assertThrows(IllegalArgumentException.class, () -> GanTrainer.builder().instanceNoise(-1f));
            assertThrows(IllegalArgumentException.class, () -> GanTrainer.builder().generatorAverage(1f));
            assertThrows(IllegalArgumentException.class, () -> GanTrainer.builder().generatorAverage(-0.5f));
            assertThrows(IllegalArgumentException.class, () -> Gan.builder().pack(0));
        }
    }

    /** A batch larger than the model was built for rebuilds it on the device with its weights (here, a learning rate too small to move them). */
    @Test
    void aLargerTrainingBatchKeepsTheWeights() {
        try (Device device = Devices.java();
             Gan gan = Gan.builder().noise(4).generator(16).discriminator(16).seed(5).device(device).build();
             Vae vae = Vae.builder().hidden(16).latent(2).seed(5).device(device).build()) {
            Map<String, float[]> g0 = gan.weights();
            Map<String, float[]> v0 = vae.weights();
            GanTrainer slowGan = GanTrainer.builder().epochs(1).batch(300).learningRate(1e-30f).build();
            VaeTrainer slow = VaeTrainer.builder().epochs(1).batch(300).learningRate(1e-30f).build();
            slowGan.fit(gan, DIGITS);
            slow.fit(vae, DIGITS);
            for (String name : g0.keySet()) {
                assertArrayEquals(g0.get(name), gan.weights().get(name), name);
            }
            for (String name : v0.keySet()) {
                assertArrayEquals(v0.get(name), vae.weights().get(name), name);
            }
            assertEquals(400, gan.generate(400, 1).length);
        }
    }

    @Test
    void theBackendsAgreeOnTheSameWeights() {
        try (Device java = ApiDevices.open("java"); Device cl = ApiDevices.open("cl");
             Vae a = Vae.builder().hidden(64).latent(8).seed(2).device(java).build();
             Vae b = Vae.builder().hidden(64).latent(8).seed(2).device(cl).build()) {
            float[][] sa = a.sample(20, 4);
            float[][] sb = b.sample(20, 4);
            for (int i = 0; i < 20; i++) {
                assertArrayEquals(sa[i], sb[i], 1e-4f);
            }
        }
    }

    @Test
    void checkpointsRoundTripAndNameTheirModel() {
        Path vaeFile = dir.resolve("nested/vae.safetensors");
        Path ganFile = dir.resolve("gan.safetensors");
        try (Device device = Devices.java();
             Vae vae = Vae.builder().input(784).hidden(16).latent(2).seed(9).device(device).build();
             Gan gan = Gan.builder().data(2).noise(3).generator(8).discriminator(8).output(Gan.Output.LINEAR).device(device).build()) {
            Checkpoints.save(vae, vaeFile);
            Checkpoints.save(gan, ganFile);
            try (Vae again = Checkpoints.loadVae(vaeFile, device); Model m = Checkpoints.load(ganFile, device)) {
                assertEquals(2, again.latent());
                assertArrayEquals(new int[] {16}, again.hidden());
                assertArrayEquals(vae.weights().get("dec.1.weight"), again.weights().get("dec.1.weight"));
                assertArrayEquals(vae.sample(3, 1)[2], again.sample(3, 1)[2]);
                Gan g = assertInstanceOf(Gan.class, m);
                assertEquals(Gan.Output.LINEAR, g.output());
                assertArrayEquals(gan.generate(4, 2)[3], g.generate(4, 2)[3]);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.loadVae(ganFile, device));
            assertTrue(e.getMessage().contains("gan checkpoint"), e.getMessage());
        }
    }

    /**
     * A trained DCGAN (its batch norms' running statistics moved by training) generates in evaluation mode the same
     * images after saving and loading: to the bit on the backend that saved it, within 1e-5 on the other one, whose
     * kernels add in another order.
     */
    @Test
    void aTrainedDcganGeneratesTheSameAfterLoadingOnEitherBackend() {
        DataSplit all = org.latentcl.data.Datasets.load("shapes");
        DataSplit few = new DataSplit(all.train().head(96), all.test().head(32), "first 96");
        Path file = dir.resolve("dcgan.safetensors");
        try (Device java = ApiDevices.open("java"); Device cl = ApiDevices.open("cl");
             Gan dcgan = Gan.builder().dcgan(3, 32, 32, 8, 8).noise(16).seed(3).device(java).build()) {
            float[][] untrained = dcgan.generate(6, 5);
            GanTrainer.builder().epochs(1).batch(32).build().fit(dcgan, few);
            float[][] before = dcgan.generate(6, 5);
            assertFalse(Arrays.equals(untrained[0], before[0]), "training changed the generator");
            Checkpoints.save(dcgan, file);
            try (Gan same = (Gan) Checkpoints.load(file, java); Gan other = (Gan) Checkpoints.load(file, cl)) {
                float[][] again = same.generate(6, 5);
                float[][] elsewhere = other.generate(6, 5);
                for (int i = 0; i < 6; i++) {
                    assertArrayEquals(before[i], again[i], "image " + i + " on the Java backend");
                    assertArrayEquals(before[i], elsewhere[i], 1e-5f, "image " + i + " on OpenCL");
                }
            }
        }
    }

    @Test
    void misuseIsAnExceptionThatSaysWhatWasExpected() throws Exception {
        Device device = Devices.java();
        Vae vae = Vae.builder().hidden(8).latent(2).device(device).build();
        IllegalArgumentException wrongRow = assertThrows(IllegalArgumentException.class, () -> vae.encode(new float[][] {new float[700]}));
        assertTrue(wrongRow.getMessage().contains("784"), wrongRow.getMessage());
        assertThrows(IllegalArgumentException.class, () -> vae.decode(new float[][] {new float[3]}));
        assertThrows(IllegalArgumentException.class, () -> vae.sample(-1, 0));
        IllegalArgumentException width = assertThrows(IllegalArgumentException.class,
                () -> VaeTrainer.builder().build().fit(vae, Datasets.of("points", new float[][] {{1, 2}, {3, 4}})));
        assertTrue(width.getMessage().contains("784 features"), width.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VaeTrainer.builder().epochs(0));
        assertThrows(IllegalArgumentException.class, () -> VaeTrainer.builder().learningRate(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> VaeTrainer.builder().profile(true).build());
        assertThrows(IllegalArgumentException.class, () -> Vae.builder().latent(0).device(device).build());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Devices.get("cl:99"));
        assertTrue(unknown.getMessage().contains("cl:99"), unknown.getMessage());

        Vae other = Vae.builder().hidden(8).latent(2).device(device).build();
        other.close();
        IllegalStateException closedModel = assertThrows(IllegalStateException.class, () -> other.sample(1, 1));
        assertTrue(closedModel.getMessage().contains("closed"), closedModel.getMessage());
        device.close();
        IllegalStateException closedDevice = assertThrows(IllegalStateException.class, () -> vae.sample(1, 1));
        assertTrue(closedDevice.getMessage().contains("closed"), closedDevice.getMessage());
        vae.close();
    }

    /** Conditional models through the API: built with classes(n), trained on labelled data, drawing the classes they are given. */
    /** Interpolation walks: walks x steps rows, a walk's ends differ, and the same seed gives the same walks; misuse is an exception. */
    @Test
    void interpolationWalksBetweenTwoDraws() {
        try (Device device = Devices.java();
             Vae vae = Vae.builder().hidden(16).latent(2).seed(5).device(device).build();
             Gan gan = Gan.builder().noise(4).generator(16).discriminator(16).classes(3).seed(5).device(device).build()) {
            float[][] v = vae.interpolate(2, 5, null, 3);
            assertEquals(10, v.length);
            assertEquals(784, v[0].length);
            assertFalse(java.util.Arrays.equals(v[0], v[4]), "a walk moves");
            assertArrayEquals(v[7], vae.interpolate(2, 5, null, 3)[7]);
            float[][] g = gan.interpolate(3, 2, new int[] {0, 1, 2}, 3);
            assertEquals(6, g.length);
            assertThrows(IllegalArgumentException.class, () -> gan.interpolate(2, 1, new int[] {0, 1}, 3));
            assertThrows(IllegalArgumentException.class, () -> gan.interpolate(2, 3, new int[] {0}, 3));
        }
    }

    @Test
    void conditionalModelsDrawTheClassesTheyAreGiven() {
        try (Device device = Devices.java();
             Vae vae = Vae.builder().hidden(16).latent(2).classes(10).seed(5).device(device).build();
             Gan gan = Gan.builder().noise(4).generator(16).discriminator(16).classes(10).seed(5).device(device).build()) {
            assertEquals(10, vae.classes());
            assertEquals(10, gan.classes());
            VaeTrainer.builder().epochs(1).batch(100).build().fit(vae, DIGITS);
            GanTrainer.builder().epochs(1).batch(100).build().fit(gan, DIGITS.head(400));
            int[] threes = {3, 3};
            float[][] a = vae.sample(2, threes, 9);
            float[][] b = vae.sample(2, new int[] {8, 8}, 9);
            assertEquals(784, a[0].length);
            assertFalse(java.util.Arrays.equals(a[0], b[0]), "the same code decodes differently for another class");
            assertEquals(2, vae.encode(new float[][] {DIGITS.row(0), DIGITS.row(1)}, new int[] {DIGITS.labels()[0], DIGITS.labels()[1]}).mu().length);
            assertEquals(3, gan.generate(3, new int[] {0, 1, 2}, 4).length);
            assertEquals(2, gan.discriminate(new float[][] {DIGITS.row(0), DIGITS.row(1)}, new int[] {0, 1}).length);
            assertThrows(IllegalArgumentException.class, () -> vae.sample(2, new int[] {3}, 9), "one class per draw");
            assertThrows(IllegalArgumentException.class, () -> vae.decode(new float[][] {{0f, 0f}}), "a conditional VAE needs a class");
            assertThrows(IllegalArgumentException.class, () -> gan.generate(1, new int[] {10}, 1), "class 10 of 10");
            assertThrows(IllegalArgumentException.class, () -> Vae.builder().classes(1), "one class conditions nothing");
            assertThrows(IllegalArgumentException.class, () -> Gan.builder().classes(10).pack(2).build(), "packing mixes classes");
        }
    }

    /** A VAE's trainer offers no GAN option, so none can be set and silently ignored; the GAN's has them all. */
    @Test
    void eachTrainerTakesOnlyItsModelsOptions() {
        java.util.Set<String> ganOnly = java.util.Set.of("beta1", "k", "discriminatorLearningRate", "realLabel", "instanceNoise", "evalEvery",
                "learningRateDecay");
        java.util.Set<String> vae = java.util.Arrays.stream(VaeTrainer.Builder.class.getMethods()).map(java.lang.reflect.Method::getName)
                .collect(java.util.stream.Collectors.toSet());
        java.util.Set<String> gan = java.util.Arrays.stream(GanTrainer.Builder.class.getMethods()).map(java.lang.reflect.Method::getName)
                .collect(java.util.stream.Collectors.toSet());
        for (String option : ganOnly) {
            assertFalse(vae.contains(option), option + " is a GAN option");
            assertTrue(gan.contains(option), option);
        }
        for (String shared : List.of("epochs", "batch", "learningRate", "seed", "outputDirectory", "resume", "devices", "listener")) {
            assertTrue(vae.contains(shared) && gan.contains(shared), shared);
        }
    }

    @Test
    void aListenerStopsTrainingEarly() {
        try (Vae vae = Vae.builder().hidden(8).latent(2).device(Devices.java()).build()) {
            int[] steps = {0};
            List<EpochMetrics> history = VaeTrainer.builder().epochs(5).batch(50).listener(new TrainingListener() {
                @Override
                public void step(int epoch, int step, int stepsPerEpoch, DoubleSupplier loss) {
                    steps[0]++;
                }

                @Override
                public boolean stopRequested() {
                    return steps[0] == 15;
                }
            }).build().fit(vae, DIGITS);
            // 540 training rows are 11 steps: the run stops in epoch 2 and returns epoch 1.
            assertEquals(15, steps[0]);
            assertEquals(1, history.size());
        }
    }

    @Test
    void aStoppedRunResumedWithoutEpochsTrainsToItsOwnTarget() throws Exception {
        Path out = dir.resolve("stopped");
        DataSplit split = new DataSplit(DIGITS, DIGITS.head(50), "first 50");
        try (Device device = Devices.java(); Vae vae = Vae.builder().hidden(8).latent(2).device(device).build()) {
            int[] steps = {0};
            // 600 rows are 3 steps of 200: the stop comes after step 1 of epoch 2, which is saved.
            org.latentcl.TrainingStoppedException stop = assertThrows(org.latentcl.TrainingStoppedException.class,
                    () -> VaeTrainer.builder().epochs(3).batch(200).outputDirectory(out).listener(new TrainingListener() {
                @Override
                public void step(int epoch, int step, int stepsPerEpoch, DoubleSupplier loss) {
                    steps[0]++;
                }

                @Override
                public boolean stopRequested() {
                    return steps[0] == 4;
                }
            }).build().fit(vae, split));
            assertTrue(stop.getMessage().contains("stopped in epoch 2 after step 1 of 3") && stop.getMessage().contains("--resume " + out),
                    stop.getMessage());
            assertEquals(1, Files.readAllLines(out.resolve("metrics.jsonl")).size());
            List<EpochMetrics> resumed = VaeTrainer.builder().batch(200).outputDirectory(out).resume(true).build().fit(vae, split);
            assertEquals(3, resumed.size(), "the run's own three epochs, not the default ten");
            assertEquals(3, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        }
        // A fresh run without epochs trains the default ten; a directory with no state cannot say its target.
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> VaeTrainer.builder().outputDirectory(dir.resolve("never")).resume(true).build());
        assertTrue(none.getMessage().contains("records no epoch target"), none.getMessage());
    }

    @Test
    void anOutputDirectoryGetsWhatTrainWrites() throws Exception {
        Path out = dir.resolve("run");
        try (Device device = Devices.java(); Vae vae = Vae.builder().hidden(8).latent(2).device(device).build()) {
            VaeTrainer trainer = VaeTrainer.builder().epochs(1).batch(200).outputDirectory(out).build();
            trainer.fit(vae, new DataSplit(DIGITS, DIGITS.head(50), "first 50"));
            assertTrue(Files.isRegularFile(out.resolve("checkpoint.safetensors")));
            assertEquals(1, Files.readAllLines(out.resolve("metrics.jsonl")).size());
            assertTrue(Files.isRegularFile(out.resolve("manifold.png")), "a 2-D latent space gets its manifold");
            IllegalArgumentException again = assertThrows(IllegalArgumentException.class, () -> trainer.fit(vae, DIGITS));
            assertTrue(again.getMessage().contains("not empty"), again.getMessage());
            // Resuming continues the run to two epochs in all; with another batch size it could not.
            IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                    () -> VaeTrainer.builder().epochs(2).batch(100).outputDirectory(out).resume(true).build().fit(vae, DIGITS));
            assertTrue(batch.getMessage().contains("trained with batch 200"), batch.getMessage());
            List<EpochMetrics> resumed = VaeTrainer.builder().epochs(2).batch(200).outputDirectory(out).resume(true).build()
                    .fit(vae, new DataSplit(DIGITS, DIGITS.head(50), "first 50"));
            assertEquals(2, resumed.size());
            assertEquals(2, Files.readAllLines(out.resolve("metrics.jsonl")).size());
            String header = new String(Files.readAllBytes(out.resolve("checkpoint.safetensors")), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(header.contains("\"data\":\"default\""), "eval finds the data by the recorded name");
            try (Vae loaded = Checkpoints.loadVae(out.resolve("checkpoint.safetensors"), device)) {
                assertArrayEquals(vae.weights().get("mu.weight"), loaded.weights().get("mu.weight"));
            }
        }
    }

    @Test
    void aBatchOfImagesBecomesAPicture() throws Exception {
        float[][] images = DIGITS.head(10).toArray();
        var img = ImageGrid.of(images, 28, 28, 5);
        assertEquals(5 * 57 + 1, img.getWidth());
        assertEquals(2 * 57 + 1, img.getHeight());
        Path png = dir.resolve("grid.png");
        ImageGrid.writePng(images, 28, 28, 5, png);
        assertEquals(img.getWidth(), javax.imageio.ImageIO.read(png.toFile()).getWidth());
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(images, 27, 28, 5));
    }

    @Test
    void datasetsComeFromArraysToo() {
        Dataset rows = Datasets.of("rows", new float[][] {{1, 2, 3}, {4, 5, 6}});
        assertEquals(2, rows.rows());
        assertArrayEquals(new float[] {4, 5, 6}, rows.row(1));
        Dataset flat = Datasets.of("flat", new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        assertEquals(2, flat.cols());
        Dataset img = Datasets.images("img", new float[2 * 4 * 3], 2, 4, 3);
        assertTrue(img.isImage());
        assertThrows(IllegalArgumentException.class, () -> Datasets.of("ragged", new float[][] {{1, 2}, {3}}));
        assertThrows(IllegalArgumentException.class, () -> Datasets.of("short", new float[5], 3, 2));
        assertTrue(Devices.list().get(0).id().equals("java"));
    }
}
