package org.latentcl.apitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.CheckpointInfo;
import org.latentcl.Checkpoints;
import org.latentcl.Device;
import org.latentcl.Devices;
import org.latentcl.Gan;
import org.latentcl.SampleQuality;
import org.latentcl.SampleScores;
import org.latentcl.Vae;
import org.latentcl.VaeTrainer;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Datasets;

/** What {@code eval} and {@code sample} do, through the public API: checkpoints inspected, VAEs scored, any samples scored. */
class EvaluationApiTest {
    private static final Dataset DIGITS = Datasets.load("default").train().head(1500);

    @TempDir
    Path dir;

    @Test
    void inspectingACheckpointTellsItsModelShapeClassesAndData() throws Exception {
        Path vaeFile = dir.resolve("vae.safetensors");
        Path convFile = dir.resolve("conv.safetensors");
        Path ganFile = dir.resolve("gan.safetensors");
        try (Device device = Devices.java();
             Vae vae = Vae.builder().hidden(8).latent(2).classes(10).device(device).build();
             Vae conv = Vae.builder().convolutional(3, 8, 8, 4, 4).latent(2).device(device).build();
             Gan gan = Gan.builder().data(2).noise(3).generator(8).discriminator(8).output(Gan.Output.LINEAR).device(device).build()) {
            Checkpoints.save(vae, vaeFile);
            Checkpoints.save(conv, convFile);
            Checkpoints.save(gan, ganFile);
        }
        CheckpointInfo mlp = Checkpoints.inspect(vaeFile);
        assertEquals(new CheckpointInfo("vae", 784, 10, 0, 0, 0, "default"), mlp);
        assertFalse(mlp.isImage(), "an MLP saved by the API records no image shape");
        CheckpointInfo c = Checkpoints.inspect(convFile);
        assertEquals(new CheckpointInfo("vae", 192, 0, 3, 8, 8, "default"), c);
        assertTrue(c.isImage());
        assertEquals(8, c.squareSide());
        assertEquals(new CheckpointInfo("gan", 2, 0, 0, 0, 0, "default"), Checkpoints.inspect(ganFile));

        // A training run records its data and image shape; inspecting it opens no device.
        Path run = dir.resolve("run");
        try (Device device = Devices.java(); Vae vae = Vae.builder().hidden(8).latent(2).device(device).build()) {
            VaeTrainer.builder().epochs(1).batch(500).outputDirectory(run).build().fit(vae, new DataSplit(DIGITS, DIGITS.head(50), "first 50"));
        }
        assertEquals(new CheckpointInfo("vae", 784, 0, 1, 28, 28, "default"), Checkpoints.inspect(run.resolve("checkpoint.safetensors")));
    }

    @Test
    void aBrokenCheckpointIsNamedBeforeAnyDeviceOpens() throws Exception {
        Path missing = dir.resolve("none.safetensors");
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> Checkpoints.inspect(missing));
        assertTrue(none.getMessage().contains(missing.toString()) && none.getMessage().contains("no such file"), none.getMessage());

        Path file = dir.resolve("vae.safetensors");
        try (Device device = Devices.java(); Vae vae = Vae.builder().hidden(8).latent(2).device(device).build()) {
            Checkpoints.save(vae, file);
        }
        // The same bytes with the first layer's name changed: the configuration still reads, a tensor is missing.
        byte[] bytes = Files.readAllBytes(file);
        String header = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = header.indexOf("enc.0.weight");
        assertTrue(at > 0, "the checkpoint names its first layer enc.0");
        bytes[at + 4] = 'X';
        Path renamed = dir.resolve("renamed.safetensors");
        Files.write(renamed, bytes);
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> Checkpoints.inspect(renamed));
        assertTrue(wrong.getMessage().contains(renamed.toString()), wrong.getMessage());

        Path text = dir.resolve("text.safetensors");
        Files.writeString(text, "hello");
        assertThrows(IllegalArgumentException.class, () -> Checkpoints.inspect(text));
        // A valid safetensors file of another program: no tensors, a model LatentCL does not know.
        byte[] json = "{\"__metadata__\":{\"model\":\"cat\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer other = java.nio.ByteBuffer.allocate(8 + json.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        other.putLong(json.length).put(json);
        Path cat = Files.write(dir.resolve("cat.safetensors"), other.array());
        IllegalArgumentException notOurs = assertThrows(IllegalArgumentException.class, () -> Checkpoints.inspect(cat));
        assertTrue(notOurs.getMessage().contains("not a LatentCL checkpoint (model 'cat'"), notOurs.getMessage());
    }

    /**
     * The test loss is the reconstruction plus the KL, does not depend on what the model was used for before (its chunks
     * are fixed, not the model's batch), and the IWAE estimate with many samples lies below it (Burda et al.: the bound
     * tightens as k grows). On OpenCL the sums run as trees, so a chunk of other size would change the last bits.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void aVaesTestLossAndIwaeEstimateBehaveAsTheirBoundsSay(String which) {
        float[][] x = DIGITS.toArray();
        try (Device device = ApiDevices.open(which); Vae vae = Vae.builder().hidden(32).latent(4).seed(2).device(device).build()) {
            VaeTrainer.builder().epochs(2).batch(100).build().fit(vae, DIGITS);
            Vae.Evaluation first = vae.evaluate(x, null, 5);
            assertEquals(first.reconstruction() + first.kl(), first.loss(), 1e-9 * first.loss());
            assertTrue(first.kl() > 0 && first.reconstruction() > 0, first.toString());
            double iwae = vae.iwae(x, null, 50, 5);
            // The IWAE with k = 50 grew the model to 2,000 rows a batch; the test loss stays the same to the bit.
            Vae.Evaluation again = vae.evaluate(x, null, 5);
            assertEquals(first, again);
            assertTrue(iwae < first.loss(), "IWAE(50) " + iwae + " below the -ELBO " + first.loss());
            assertTrue(iwae > first.loss() - 20, "and not far below it: " + iwae);
            assertFalse(first.equals(vae.evaluate(x, null, 6)), "another seed draws other codes");
            // Seven rows are one chunk: the same figures as the first seven of a larger set scored alone.
            float[][] seven = java.util.Arrays.copyOf(x, 7);
            assertEquals(vae.evaluate(seven, null, 5), vae.evaluate(seven, null, 5));
            assertThrows(IllegalArgumentException.class, () -> vae.iwae(x, null, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> vae.evaluate(new float[][] {new float[3]}, null, 1));
            assertThrows(IllegalArgumentException.class, () -> vae.evaluate(x, new int[x.length], 1), "an unconditional VAE takes no class");
        }
    }

    @Test
    void aConditionalVaeIsScoredWithEachRowsClass() {
        float[][] x = DIGITS.head(300).toArray();
        int[] labels = DIGITS.head(300).labels();
        try (Device device = Devices.java(); Vae vae = Vae.builder().hidden(32).latent(4).classes(10).seed(2).device(device).build()) {
            VaeTrainer.builder().epochs(2).batch(100).build().fit(vae, DIGITS);
            Vae.Evaluation right = vae.evaluate(x, labels, 1);
            int[] shifted = new int[labels.length];
            for (int i = 0; i < labels.length; i++) {
                shifted[i] = (labels[i] + 5) % 10;
            }
            Vae.Evaluation wrong = vae.evaluate(x, shifted, 1);
            assertTrue(right.loss() < wrong.loss(), "the true classes explain the digits better: " + right + " against " + wrong);
            assertTrue(vae.iwae(x, labels, 10, 1) < vae.iwae(x, shifted, 10, 1));
            assertThrows(IllegalArgumentException.class, () -> vae.evaluate(x, null, 1), "a conditional VAE needs the classes");
        }
    }

    /** Samples that are the data score a higher Parzen likelihood than noise, and their nearest classes are the data's. */
    @Test
    void anyModelsSamplesAreScoredAgainstTheData() {
        Dataset all = Datasets.load("default").train();
        DataSplit data = new DataSplit(all.head(2000), Datasets.load("default").test().head(200), "2000");
        float[][] real = Datasets.load("default").test().select("real", java.util.stream.IntStream.range(200, 700).toArray()).toArray();
        java.util.Random r = new java.util.Random(1);
        float[][] noise = new float[500][784];
        for (float[] row : noise) {
            for (int j = 0; j < row.length; j++) {
                row[j] = r.nextFloat();
            }
        }
        try (Device device = Devices.java()) {
            SampleScores.Parzen good = SampleScores.parzen(device, real, data);
            SampleScores.Parzen bad = SampleScores.parzen(device, noise, data);
            assertTrue(good.logLikelihood() > bad.logLikelihood() + 100, good + " against " + bad);
            assertTrue(good.sigma() >= 0.1 && good.sigma() <= 1.0 && good.standardError() > 0, good.toString());
            SampleScores.NearestClasses classes = SampleScores.nearestClasses(device, real, data);
            assertEquals(10, classes.classes());
            assertEquals(500, java.util.Arrays.stream(classes.histogram()).sum());
            assertEquals(10, classes.covered());
            assertEquals(2000, classes.referenceExamples());
            assertTrue(classes.klToData() < 0.1, "real digits have the data's classes: " + classes.klToData());
            SampleScores.NearestClasses blobs = SampleScores.nearestClasses(device, noise, data);
            assertTrue(blobs.klToData() > classes.klToData(), "noise has one nearest class more often than the data: " + blobs.klToData());
            DataSplit unlabelled = new DataSplit(Datasets.of("rows", new float[][] {new float[784]}), data.test(), "rows");
            assertThrows(IllegalArgumentException.class, () -> SampleScores.nearestClasses(device, real, unlabelled));
            assertThrows(IllegalArgumentException.class, () -> SampleScores.parzen(device, new float[][] {new float[3]}, data));
            assertThrows(IllegalArgumentException.class, () -> SampleScores.parzen(device, new float[0][], data), "no samples");
        }
    }

    /**
     * The metrics' classifier trains through the API and is cached; the test set itself, asked for its own labels, has the
     * class fidelity of the real data (relative 1), and asked for other labels far less.
     */
    @Test
    void classFidelityOfTheRealDataIsTheClassifiersAccuracy() throws Exception {
        Dataset all = Datasets.load("default").train();
        DataSplit data = new DataSplit(all.head(300), Datasets.load("default").test().head(200), "300 digits");
        float[][] real = data.test().toArray();
        int[] labels = data.test().labels();
        try (Device device = Devices.java()) {
            SampleQuality.Classifier c = SampleQuality.trainClassifier(device, data, line -> { });
            assertTrue(Files.isRegularFile(c.file()), c.file().toString());
            assertTrue(c.testAccuracy() > 0.5, "300 digits train it to better than 50%: " + c.testAccuracy());
            SampleQuality.Fidelity same = SampleQuality.classFidelity(device, real, labels, data);
            assertEquals(c.testAccuracy(), same.realAccuracy(), 1e-12);
            assertEquals(same.realAccuracy(), same.accuracy(), 1e-12);
            assertEquals(1.0, same.relative(), 1e-12);
            assertEquals(10, same.perClass().length);
            int[] shifted = new int[labels.length];
            for (int i = 0; i < labels.length; i++) {
                shifted[i] = (labels[i] + 1) % 10;
            }
            SampleQuality.Fidelity wrong = SampleQuality.classFidelity(device, real, shifted, data);
            assertTrue(wrong.accuracy() < 0.2, "digits asked to be the next digit: " + wrong.accuracy());
            assertThrows(IllegalArgumentException.class, () -> SampleQuality.classFidelity(device, real, new int[3], data));
            assertThrows(IllegalArgumentException.class, () -> SampleQuality.classFidelity(device, real, new int[real.length - 1], data));
            int[] outside = labels.clone();
            outside[0] = 10;
            assertThrows(IllegalArgumentException.class, () -> SampleQuality.classFidelity(device, real, outside, data));
            IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                    () -> SampleQuality.measure(device, java.util.Arrays.copyOf(real, SampleQuality.NEIGHBOURS), data));
            assertTrue(few.getMessage().contains("more than " + SampleQuality.NEIGHBOURS + " samples"), few.getMessage());
        }
    }
}
