package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.data.Dataset;
import org.latentcl.data.Npy;
import org.latentcl.io.Safetensors;

/** train vae|gan --conditional, their resume, and sample --class / --classes, as a user runs them on the embedded labelled digits. */
class ConditionalCommandsTest {
    @TempDir
    Path dir;

    private static final String[] SMALL = {"--hidden", "32", "--latent", "3", "--batch", "100", "--seed", "4", "--device", "java", "--quiet"};

    private Cli.Run train(Path out, int epochs, String... more) {
        String[] args = concat(new String[] {"train", "vae", "--conditional", "--epochs", Integer.toString(epochs), "--out", out.toString()},
                concat(SMALL, more));
        return Cli.run(args);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private float[] sample(Path ckpt, String name, String... flags) throws IOException {
        Path f = dir.resolve(name);
        Cli.Run r = Cli.run(concat(new String[] {"sample", "--checkpoint", ckpt.toString(), "--out", f.toString(), "--device", "java"}, flags));
        assertEquals(0, r.code(), r.err());
        Dataset d = Npy.read(f);
        assertEquals(784, d.cols());
        return d.values();
    }

    @Test
    void aConditionalVaeTrainsResumesBitForBitAndSamplesByClass() throws IOException {
        Path straight = dir.resolve("straight");
        Cli.Run r = train(straight, 2);
        assertEquals(0, r.code(), r.err());
        Path ckpt = straight.resolve("checkpoint.safetensors");
        Safetensors.Contents c = Safetensors.read(ckpt);
        assertTrue(c.metadata().get("config").contains("\"classes\":10"), c.metadata().get("config"));
        // The one-hot class enters the first layer of the encoder and of the decoder, as torch.cat([x, y], 1) would.
        assertArrayEquals(new int[] {32, 784 + 10}, c.tensors().get("enc.0.weight").shape());
        assertArrayEquals(new int[] {32, 3 + 10}, c.tensors().get("dec.0.weight").shape());

        // encode: the posterior means of the test rows, each with its class, as the Java API gives them.
        Path z = dir.resolve("z.npy");
        r = Cli.run("encode", "--checkpoint", ckpt.toString(), "--out", z.toString(), "--logvar", "--device", "java");
        assertEquals(0, r.code(), r.err());
        org.latentcl.data.Dataset test = org.latentcl.data.Datasets.embeddedDefault().test();
        assertTrue(r.out().startsWith("wrote the posterior means and log-variances of 1,000 test rows of default"), r.out());
        org.latentcl.data.Dataset written = org.latentcl.data.Npy.read(z);
        assertEquals(1000, written.rows());
        assertEquals(6, written.cols());
        try (org.latentcl.Device d = org.latentcl.Devices.java(); org.latentcl.Vae vae = org.latentcl.Checkpoints.loadVae(ckpt, d)) {
            org.latentcl.Vae.Encoding e = vae.encode(test.toArray(), test.labels());
            for (int i : new int[] {0, 1, 499, 999}) {
                assertArrayEquals(e.mu()[i], Arrays.copyOfRange(written.values(), i * 6, i * 6 + 3), "row " + i);
                assertArrayEquals(e.logvar()[i], Arrays.copyOfRange(written.values(), i * 6 + 3, i * 6 + 6), "row " + i);
            }
        }
        Path unlabelled = Cli.digits(dir, 50);
        Cli.usageError(Cli.run("encode", "--checkpoint", ckpt.toString(), "--data", unlabelled.toString(), "--out", dir.resolve("u.npy").toString(),
                "--device", "java"), "the VAE is conditional, so encoding needs each row's class");
        Cli.usageError(Cli.run("encode", "--checkpoint", ckpt.toString(), "--out", dir.resolve("z.png").toString()), "--out must end in .npy");
        Cli.usageError(Cli.run("encode", "--checkpoint", ckpt.toString(), "--split", "val", "--out", z.toString()), "--split must be test or train");

        Path resumed = dir.resolve("resumed");
        assertEquals(0, train(resumed, 1).code());
        r = Cli.run(concat(new String[] {"train", "vae", "--resume", resumed.toString(), "--epochs", "2"}, new String[] {"--device", "java", "--quiet"}));
        assertEquals(0, r.code(), r.err());
        var a = Safetensors.read(ckpt).tensors();
        var b = Safetensors.read(resumed.resolve("checkpoint.safetensors")).tensors();
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).data(), b.get(name).data(), name + ": the resumed conditional run ends where the straight one ends");
        }

        // One class; several, each the same codes (the same seed) as when drawn alone; and every class by default.
        float[] three = sample(ckpt, "three.npy", "--class", "3", "--n", "4");
        float[] several = sample(ckpt, "several.npy", "--classes", "0,3,7", "--n", "4");
        assertEquals(4 * 784, three.length);
        assertEquals(12 * 784, several.length);
        assertArrayEquals(three, Arrays.copyOfRange(several, 4 * 784, 8 * 784), "class 3's row of the grid is --class 3's draw");
        assertFalse(Arrays.equals(Arrays.copyOfRange(several, 0, 4 * 784), Arrays.copyOfRange(several, 4 * 784, 8 * 784)),
                "another class decodes the same codes differently");
        assertEquals(80 * 784, sample(ckpt, "all.npy").length, "eight of each of the ten classes");
        // At a temperature: the codes m_y + t eps, as the API draws them.
        float[] cool = sample(ckpt, "cool.npy", "--class", "3", "--n", "4", "--temperature", "0.5");
        assertFalse(Arrays.equals(three, cool), "another temperature, other samples");
        try (org.latentcl.Device d = org.latentcl.Devices.java(); org.latentcl.Vae vae = org.latentcl.Checkpoints.loadVae(ckpt, d)) {
            float[][] api = vae.sample(4, new int[] {3, 3, 3, 3}, 1, 0.5f);
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(api[i], Arrays.copyOfRange(cool, i * 784, (i + 1) * 784), "draw " + i + " as Vae.sample(..., 0.5f)");
            }
        }
        Cli.usageError(Cli.run("sample", "--checkpoint", ckpt.toString(), "--temperature", "0", "--out", dir.resolve("x.png").toString(),
                "--device", "java"), "--temperature must be a positive number, got 0.0");
        Cli.usageError(Cli.run("sample", "--checkpoint", ckpt.toString(), "--temperature", "0.5", "--interpolate", "--out",
                dir.resolve("x.png").toString(), "--device", "java"), "--temperature applies to draws, not to --interpolate's walks");
        Cli.usageError(Cli.run("eval", "--samples", dir.resolve("cool.npy").toString(), "--data", "default", "--temperature", "0.5"),
                "--temperature draws a model's samples; --samples are already drawn");
        r = Cli.run("sample", "--checkpoint", ckpt.toString(), "--out", dir.resolve("grid.png").toString(), "--device", "java");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("8 of each class in 0,1,2,3,4,5,6,7,8,9"), r.out());
        assertTrue(Files.isRegularFile(dir.resolve("grid.png")));

        Cli.usageError(Cli.run("sample", "--checkpoint", ckpt.toString(), "--class", "10", "--out", dir.resolve("x.png").toString(),
                "--device", "java"), "class 10 is outside the model's 10 classes 0..9");
        Cli.usageError(Cli.run("sample", "--checkpoint", ckpt.toString(), "--classes", "1,b", "--out", dir.resolve("x.png").toString(),
                "--device", "java"), "--classes must be class numbers");
        Cli.usageError(Cli.run("sample", "--checkpoint", ckpt.toString(), "--class", "1", "--classes", "2", "--out",
                dir.resolve("x.png").toString(), "--device", "java"), "--class and --classes cannot be used together");
        // The IWAE bound of a conditional VAE, importance-weighting q(z|x, y) for p(x|z, y), lies at or below its ELBO.
        r = Cli.run("eval", "--json", "--checkpoint", ckpt.toString(), "--iwae", "8", "--no-metrics", "--device", "java", "--temperature", "0.8");
        assertEquals(0, r.code(), r.err());
        java.util.Map<?, ?> json = (java.util.Map<?, ?>) org.latentcl.io.Json.parse(r.out().strip());
        assertEquals(0.8, ((Number) json.get("temperature")).doubleValue(), 1e-6, "the temperature of the samples is in the report");
        double elbo = (Double) json.get("test_loss");
        double iwae = (Double) json.get("iwae_nll");
        assertTrue(iwae <= elbo + 0.5 && iwae > elbo - 30, "IWAE " + iwae + " against ELBO " + elbo);
        assertFalse(Files.exists(dir.resolve("x.png")), "no picture after a refused sample");
    }

    @Test
    void conditionalTrainingNeedsLabels() throws IOException {
        Path unlabelled = Cli.digits(dir, 300);
        Path out = dir.resolve("run");
        Cli.usageError(Cli.run("train", "vae", "--conditional", "--data", unlabelled.toString(), "--device", "java", "--out", out.toString()),
                "--conditional needs labelled data, and");
        assertFalse(Files.exists(out), "no run directory");
        Path plain = dir.resolve("plain");
        assertEquals(0, Cli.run("train", "vae", "--data", unlabelled.toString(), "--epochs", "1", "--hidden", "8", "--latent", "2",
                "--device", "java", "--quiet", "--out", plain.toString()).code());
        Cli.usageError(Cli.run("sample", "--checkpoint", plain.resolve("checkpoint.safetensors").toString(), "--class", "1", "--out",
                dir.resolve("y.png").toString(), "--device", "java"), "is not a conditional model, so it takes no --class");
    }

    @Test
    void aConditionalGanTrainsResumesBitForBitAndSamplesByClass() throws IOException {
        String[] small = {"--g-hidden", "16", "--d-hidden", "16", "--noise", "8", "--batch", "100", "--seed", "6", "--device", "java", "--quiet",
            "--spectral-norm"};
        Path straight = dir.resolve("gan-straight");
        Cli.Run r = Cli.run(concat(new String[] {"train", "gan", "--conditional", "--epochs", "2", "--out", straight.toString()}, small));
        assertEquals(0, r.code(), r.err());
        Path ckpt = straight.resolve("checkpoint.safetensors");
        Safetensors.Contents c = Safetensors.read(ckpt);
        assertTrue(c.metadata().get("config").contains("\"classes\":10"), c.metadata().get("config"));
        // The generator reads [z, one-hot y]; the projection discriminator's class embedding is nn.Embedding(10, 16), spectrally normalized.
        assertArrayEquals(new int[] {16, 8 + 10}, c.tensors().get("gen.0.weight").shape());
        assertArrayEquals(new int[] {10, 16}, c.tensors().get("disc_embed.weight_orig").shape());
        assertArrayEquals(new int[] {1, 16}, c.tensors().get("disc.1.weight_orig").shape());

        Path resumed = dir.resolve("gan-resumed");
        assertEquals(0, Cli.run(concat(new String[] {"train", "gan", "--conditional", "--epochs", "1", "--out", resumed.toString()}, small))
                .code());
        r = Cli.run("train", "gan", "--resume", resumed.toString(), "--epochs", "2", "--device", "java", "--quiet");
        assertEquals(0, r.code(), r.err());
        var a = Safetensors.read(ckpt).tensors();
        var b = Safetensors.read(resumed.resolve("checkpoint.safetensors")).tensors();
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).data(), b.get(name).data(), name + ": the resumed conditional GAN ends where the straight one ends");
        }

        float[] two = sample(ckpt, "g2.npy", "--class", "2", "--n", "3");
        float[] several = sample(ckpt, "gs.npy", "--classes", "2,5", "--n", "3");
        assertArrayEquals(two, Arrays.copyOfRange(several, 0, 3 * 784), "class 2's row of the grid is --class 2's draw");
        assertFalse(Arrays.equals(Arrays.copyOfRange(several, 0, 3 * 784), Arrays.copyOfRange(several, 3 * 784, 6 * 784)),
                "class 5 turns the same noise into other samples");
        // Interpolation: one walk of 4 points a class; a walk's points change from one end to the other, the classes' walks
        // share their noise, and the PNG is one row a walk.
        float[] walks = sample(ckpt, "walk.npy", "--interpolate", "4", "--classes", "2,5");
        assertEquals(2 * 4 * 784, walks.length);
        assertFalse(Arrays.equals(Arrays.copyOfRange(walks, 0, 784), Arrays.copyOfRange(walks, 3 * 784, 4 * 784)), "a walk moves");
        assertArrayEquals(walks, sample(ckpt, "walk2.npy", "--interpolate", "4", "--classes", "2,5"), "the same seed, the same walks");
        r = Cli.run("sample", "--checkpoint", ckpt.toString(), "--interpolate", "--out", dir.resolve("walk.png").toString(), "--device", "java");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("10 walks of 10 points (100 samples)"), r.out());
        Cli.usageError(Cli.run("sample", "--checkpoint", ckpt.toString(), "--interpolate", "1", "--out", dir.resolve("w1.png").toString()),
                "at least 2 points");
        Cli.usageError(Cli.run(concat(new String[] {"train", "gan", "--conditional", "--pack", "2", "--out", dir.resolve("packed").toString()},
                small)), "--pack judges several examples at once");
        // Concatenation instead of the projection: D's first layer reads [x, one_hot(y)], and no embedding is kept.
        Path concatenated = dir.resolve("concat");
        r = Cli.run(concat(new String[] {"train", "gan", "--conditional", "--conditioning", "concat", "--epochs", "1", "--out",
                concatenated.toString()}, small));
        assertEquals(0, r.code(), r.err());
        var t = Safetensors.read(concatenated.resolve("checkpoint.safetensors")).tensors();
        assertArrayEquals(new int[] {16, 784 + 10}, t.get("disc.0.weight_orig").shape());
        assertFalse(t.containsKey("disc_embed.weight_orig"));
        assertEquals(3 * 784, sample(concatenated.resolve("checkpoint.safetensors"), "cc.npy", "--class", "4", "--n", "3").length);
        Cli.usageError(Cli.run(concat(new String[] {"train", "gan", "--arch", "dcgan", "--conditional", "--conditioning", "concat", "--out",
                dir.resolve("dc").toString()}, small)), "--conditioning concat is for the MLP GAN");
        Cli.usageError(Cli.run(concat(new String[] {"train", "gan", "--conditioning", "concat", "--out", dir.resolve("dc").toString()}, small)),
                "add --conditional");
        assertFalse(Files.exists(dir.resolve("packed")), "no run directory");
    }

    /**
     * The auxiliary classifier (AC-GAN): its head disc_aux is nn.Linear(features, classes) under spectral norm, its weight in
     * the configuration; a stopped run resumes to the straight run's bits; each misuse is one line, exit 2, nothing written.
     */
    @Test
    void anAuxiliaryClassifierTrainsResumesBitForBitAndIsRefusedWhereItHasNoMeaning() throws IOException {
        String[] small = {"--g-hidden", "16", "--d-hidden", "16", "--noise", "8", "--batch", "100", "--seed", "4", "--device", "java", "--quiet",
            "--conditional", "--aux-classifier", "0.5", "--spectral-norm"};
        Path straight = dir.resolve("acgan");
        Cli.Run r = Cli.run(concat(new String[] {"train", "gan", "--epochs", "2", "--out", straight.toString()}, small));
        assertEquals(0, r.code(), r.err());
        Path ckpt = straight.resolve("checkpoint.safetensors");
        Safetensors.Contents c = Safetensors.read(ckpt);
        assertTrue(c.metadata().get("config").contains("\"aux_weight\":0.5"), c.metadata().get("config"));
        assertArrayEquals(new int[] {10, 16}, c.tensors().get("disc_aux.weight_orig").shape());
        assertArrayEquals(new int[] {10}, c.tensors().get("disc_aux.bias").shape());
        Path resumed = dir.resolve("acgan-resumed");
        assertEquals(0, Cli.run(concat(new String[] {"train", "gan", "--epochs", "1", "--out", resumed.toString()}, small)).code());
        r = Cli.run("train", "gan", "--resume", resumed.toString(), "--epochs", "2", "--device", "java", "--quiet");
        assertEquals(0, r.code(), r.err());
        var a = Safetensors.read(ckpt).tensors();
        var b = Safetensors.read(resumed.resolve("checkpoint.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name).data(), b.get(name).data(), name + ": the resumed AC-GAN ends where the straight one ends");
        }
        Cli.usageError(Cli.run("train", "gan", "--aux-classifier", "1", "--out", dir.resolve("no1").toString()), "add --conditional");
        Cli.usageError(Cli.run("train", "gan", "--conditional", "--conditioning", "concat", "--aux-classifier", "1", "--out",
                dir.resolve("no2").toString()), "--conditioning concat has none apart");
        Cli.usageError(Cli.run("train", "gan", "--conditional", "--aux-classifier", "0", "--out", dir.resolve("no3").toString()),
                "must be a positive weight");
        Cli.usageError(Cli.run("train", "gan", "--resume", straight.toString(), "--aux-classifier", "1"), "--aux-classifier");
        for (String no : new String[] {"no1", "no2", "no3"}) {
            assertFalse(Files.exists(dir.resolve(no)), "no run directory for " + no);
        }
    }

    /** n labels as a .npy of int64 [n]. */
    private Path labelsNpy(String name, long[] labels) throws IOException {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * labels.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long l : labels) {
            b.putLong(l);
        }
        Path p = dir.resolve(name);
        Files.write(p, org.latentcl.data.TestFiles.npy("<i8", "(" + labels.length + ",)", b.array()));
        return p;
    }

    /** Labels from a .npy beside .npy data and from a CSV column train a conditional model; each bad labelling is one line, exit 2, nothing written. */
    @Test
    void labelsFromNpyFilesAndCsvColumns() throws IOException {
        Path x = Cli.digits(dir, 200);
        int[] digitLabels = org.latentcl.data.Datasets.embeddedDefault().train().labels();
        long[] labels = new long[200];
        for (int i = 0; i < 200; i++) {
            labels[i] = digitLabels[i];
        }
        Path y = labelsNpy("y.npy", labels);
        Path out = dir.resolve("npy-run");
        Cli.Run r = Cli.run("train", "vae", "--conditional", "--data", x.toString(), "--labels", y.toString(), "--epochs", "1", "--hidden", "8",
                "--latent", "2", "--batch", "50", "--device", "java", "--quiet", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("conditional (10 classes)"), r.out());
        // eval finds the labels through the data the checkpoint records.
        r = Cli.run("eval", "--json", "--checkpoint", out.resolve("checkpoint.safetensors").toString(), "--device", "java", "--no-metrics");
        assertEquals(0, r.code(), r.err());

        StringBuilder csv = new StringBuilder("a,b,digit\n");
        for (int i = 0; i < 60; i++) {
            csv.append(i % 7 / 7f).append(',').append(i % 5 / 5f).append(',').append(i % 3).append('\n');
        }
        Path table = dir.resolve("t.csv");
        Files.writeString(table, csv);
        Path csvOut = dir.resolve("csv-run");
        r = Cli.run("train", "vae", "--conditional", "--data", table.toString(), "--label-column", "digit", "--epochs", "1", "--hidden", "4",
                "--latent", "2", "--batch", "10", "--device", "java", "--quiet", "--out", csvOut.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("conditional (3 classes) VAE 2-"), r.out());

        Path bad = dir.resolve("bad-run");
        Cli.usageError(Cli.run("train", "vae", "--conditional", "--data", x.toString(), "--labels", labelsNpy("short.npy", new long[150]).toString(),
                "--device", "java", "--out", bad.toString()), "150 labels for the 200 rows of");
        long[] negative = labels.clone();
        negative[7] = -1;
        Cli.usageError(Cli.run("train", "vae", "--conditional", "--data", x.toString(), "--labels", labelsNpy("neg.npy", negative).toString(),
                "--device", "java", "--out", bad.toString()), "the label of row 7 is -1.0; labels are classes 0, 1, 2");
        java.nio.ByteBuffer half = java.nio.ByteBuffer.allocate(4 * 200).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 200; i++) {
            half.putFloat(i == 3 ? 2.5f : 1f);
        }
        Path fractional = dir.resolve("half.npy");
        Files.write(fractional, org.latentcl.data.TestFiles.npy("<f4", "(200,)", half.array()));
        Cli.usageError(Cli.run("train", "vae", "--conditional", "--data", x.toString(), "--labels", fractional.toString(), "--device", "java",
                "--out", bad.toString()), "the label of row 3 is 2.5");
        Cli.usageError(Cli.run("train", "gan", "--conditional", "--data", table.toString(), "--label-column", "nope", "--device", "java",
                "--out", bad.toString()), "no column named 'nope'");
        Cli.usageError(Cli.run("train", "vae", "--data", table.toString(), "--labels", y.toString(), "--label-column", "digit",
                "--device", "java", "--out", bad.toString()), "give one of them");
        assertFalse(Files.exists(bad), "no run directory after bad labels");
    }
}
