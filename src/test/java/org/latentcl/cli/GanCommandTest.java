package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.data.Npy;
import org.latentcl.io.Json;

/** train gan, sample and eval of a GAN, and eval --samples, as a user runs them. */
class GanCommandTest {
    @TempDir
    Path dir;

    /**
     * train gan --resume continues a run with its own settings (a seed, rates, packing and label
     * smoothing other than the defaults, which the resuming command does not repeat) and ends bit for
     * bit where a straight run ends.
     */
    @Test
    void aResumedGanRunEndsWhereAStraightRunEnds() throws IOException {
        Path data = Cli.digits(dir, 200);
        String[] settings = {"train", "gan", "--data", data.toString(), "--batch", "50", "--seed", "7", "--lr", "3e-4", "--d-lr", "5e-4", "--pack", "2",
            "--label-smoothing", "0.9", "--g-hidden", "32", "--d-hidden", "32", "--device", "java", "--quiet"};
        Path straight = dir.resolve("straight");
        Path resumed = dir.resolve("resumed");
        for (Cli.Run run : new Cli.Run[] {Cli.run(Cli.with(settings, "--epochs", "3", "--out", straight.toString())),
            Cli.run(Cli.with(settings, "--epochs", "1", "--out", resumed.toString()))}) {
            assertEquals(0, run.code(), run.err());
        }
        Cli.Run r = Cli.run("train", "gan", "--resume", resumed.toString(), "--epochs", "3", "--device", "java", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("resuming GAN") && r.out().contains("batch 50, lr 0.0003 (D 0.0005), up to 3 epochs"), r.out());
        var a = org.latentcl.io.Safetensors.read(straight.resolve("checkpoint.safetensors")).tensors();
        var b = org.latentcl.io.Safetensors.read(resumed.resolve("checkpoint.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.get(name).data(), b.get(name).data(), name);
        }
        assertEquals(3, Files.readAllLines(resumed.resolve("metrics.jsonl")).size());
        Cli.usageError(Cli.run("train", "gan", "--resume", resumed.toString(), "--lr", "1e-3", "--device", "java"),
                "--lr cannot change a resumed run");
        Cli.usageError(Cli.run("train", "gan", "--resume", dir.resolve("nothing").toString(), "--device", "java"), "cannot resume");
    }

    @Test
    void trainSampleAndEvaluateAGanOnTwoDimensionalData() throws IOException {
        StringBuilder csv = new StringBuilder("x,y\n");
        java.util.Random rnd = new java.util.Random(1);
        for (int i = 0; i < 400; i++) {
            double angle = 2 * Math.PI * (i % 4) / 4;
            csv.append(3 * Math.cos(angle) + 0.1 * rnd.nextGaussian()).append(',').append(3 * Math.sin(angle) + 0.1 * rnd.nextGaussian()).append('\n');
        }
        Path data = dir.resolve("ring.csv");
        Files.writeString(data, csv);
        Path out = dir.resolve("run");
        Cli.Run r = Cli.run("train", "gan", "--data", data.toString(), "--epochs", "2", "--batch", "60", "--g-hidden", "16",
                "--d-hidden", "16", "--noise", "4", "--k", "2", "--loss", "minimax", "--device", "java", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("the data are not in [0, 1], so the generator's output layer is linear"), r.out());
        assertTrue(r.out().contains("epoch 2/2  d_loss "), r.out());
        for (String f : new String[] {"metrics.jsonl", "checkpoint.safetensors", "loss.png", "scatter.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        Map<?, ?> line = (Map<?, ?>) Json.parse(Files.readAllLines(out.resolve("metrics.jsonl")).get(1));
        for (String key : new String[] {"epoch", "d_loss", "g_loss", "d_real", "d_fake", "train_seconds", "samples_per_s", "device", "warnings"}) {
            assertTrue(line.containsKey(key), key);
        }
        assertTrue(line.get("warnings") instanceof List);

        Path ckpt = out.resolve("checkpoint.safetensors");
        Path samples = dir.resolve("g.npy");
        r = Cli.run("sample", "--checkpoint", ckpt.toString(), "--n", "500", "--out", samples.toString(), "--device", "java");
        assertEquals(0, r.code(), r.err());
        assertEquals(500, Npy.read(samples).rows());
        Cli.usageError(Cli.run("sample", "--checkpoint", ckpt.toString(), "--out", dir.resolve("g.png").toString(), "--device", "java"),
                "not an image");

        r = Cli.run("eval", "--json", "--checkpoint", ckpt.toString(), "--n", "500", "--device", "java");
        assertEquals(0, r.code(), r.err());
        Map<?, ?> fromCheckpoint = (Map<?, ?>) Json.parse(r.out().strip());
        r = Cli.run("eval", "--json", "--samples", samples.toString(), "--data", data.toString(), "--device", "java");
        assertEquals(0, r.code(), r.err());
        Map<?, ?> fromFile = (Map<?, ?>) Json.parse(r.out().strip());
        assertEquals(fromCheckpoint.get("parzen_ll"), fromFile.get("parzen_ll"), "the same samples score the same either way");
        assertEquals(40.0, fromFile.get("test_examples"));
        assertFalse(r.err().contains("warning: the samples lie in"), "samples in the data's range: " + r.err());
        // Samples on another scale (255 times the data's) are scored, with a warning that says so.
        float[] scaled = Npy.read(samples).values().clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= 255f;
        }
        Path wide = dir.resolve("wide.npy");
        Files.write(wide, Npy.encode(scaled, 500, scaled.length / 500));
        r = Cli.run("eval", "--json", "--samples", wide.toString(), "--data", data.toString(), "--device", "java");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().matches("(?s).*warning: the samples lie in \\[-?[0-9.]+, -?[0-9.]+\\] but the data in \\[-?[0-9.]+, -?[0-9.]+\\]; scale them.*"), r.err());
        // A flag that does not apply to the model is refused, not ignored.
        Cli.usageError(Cli.run("eval", "--json", "--checkpoint", ckpt.toString(), "--iwae", "5", "--device", "java"), "--iwae applies to VAEs");
        Cli.usageError(Cli.run("encode", "--checkpoint", ckpt.toString(), "--out", dir.resolve("z.npy").toString(), "--device", "java"),
                "encode needs a VAE's (a GAN has no encoder)");
        Cli.usageError(Cli.run("eval", "--json", "--samples", samples.toString(), "--data", data.toString(), "--iwae", "5", "--device", "java"),
                "--iwae needs a VAE checkpoint");
    }

    /**
     * --standardize and --g-residual on points far from 0 and 1: the run says so, the checkpoint holds the training data's
     * moments (data_mean, data_std) and both flags, a resumed run ends bit for bit where a straight one does, and the samples
     * come in the data's units (the generator starts at the data's Gaussian fit, so after one short epoch their mean is
     * near the data's). Flags that cannot apply are refused with one line.
     */
    @Test
    void aStandardizedResidualGanSamplesInTheDataUnitsAndResumesExactly() throws IOException {
        StringBuilder csv = new StringBuilder("x,y\n");
        java.util.Random rnd = new java.util.Random(2);
        double[] sum = new double[2];
        int n = 300;
        for (int i = 0; i < n; i++) {
            double x = 100 + 8 * (i % 3) + 0.2 * rnd.nextGaussian();
            double y = -50 + 3 * (i % 2) + 0.2 * rnd.nextGaussian();
            csv.append((float) x).append(',').append((float) y).append('\n');
        }
        Path data = dir.resolve("far.csv");
        Files.writeString(data, csv);
        String[] settings = {"train", "gan", "--data", data.toString(), "--standardize", "--g-residual", "--g-hidden", "16,16", "--d-hidden",
            "16", "--batch", "30", "--d-maxout", "5", "--instance-noise", "0", "--no-lr-decay", "--device", "java"};
        Path straight = dir.resolve("straight");
        Path resumed = dir.resolve("resumed");
        Cli.Run r = Cli.run(Cli.with(settings, "--epochs", "2", "--out", straight.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("residual D[16] maxout 5 -> 2 linear (standardized data)")
                && r.out().contains("both networks work in the training data's standardized units"), r.out());
        r = Cli.run(Cli.with(settings, "--epochs", "1", "--quiet", "--out", resumed.toString()));
        assertEquals(0, r.code(), r.err());
        r = Cli.run("train", "gan", "--resume", resumed.toString(), "--epochs", "2", "--device", "java", "--quiet");
        assertEquals(0, r.code(), r.err());
        var c = org.latentcl.io.Safetensors.read(straight.resolve("checkpoint.safetensors"));
        var b = org.latentcl.io.Safetensors.read(resumed.resolve("checkpoint.safetensors")).tensors();
        assertEquals(c.tensors().keySet(), b.keySet());
        for (String name : b.keySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(c.tensors().get(name).data(), b.get(name).data(), name);
        }
        Map<?, ?> config = (Map<?, ?>) Json.parse(c.metadata().get("config"));
        assertEquals(Boolean.TRUE, config.get("standardized"));
        assertEquals(Boolean.TRUE, config.get("gen_residual"));
        // The training data's moments (the held-out tenth apart), so near the whole file's.
        float[] mean = c.tensors().get("data_mean").data();
        float[] std = c.tensors().get("data_std").data();
        assertEquals(108, mean[0], 0.5);
        assertEquals(-48.5, mean[1], 0.3);
        assertEquals(Math.sqrt(128 / 3.0), std[0], 0.3);
        assertEquals(1.5, std[1], 0.1);
        Path samples = dir.resolve("far.npy");
        r = Cli.run("sample", "--checkpoint", straight.resolve("checkpoint.safetensors").toString(), "--n", "500", "--out", samples.toString(),
                "--device", "java");
        assertEquals(0, r.code(), r.err());
        float[] v = Npy.read(samples).values();
        double[] sampleMean = new double[2];
        for (int i = 0; i < v.length; i++) {
            sampleMean[i % 2] += v[i] / 500.0;
        }
        assertEquals(mean[0], sampleMean[0], std[0], "samples in the data's units: x");
        assertEquals(mean[1], sampleMean[1], std[1], "samples in the data's units: y");
        Cli.usageError(Cli.run(Cli.with(settings, "--noise", "3", "--out", dir.resolve("n3").toString())), "--g-residual adds the noise");
        Cli.usageError(Cli.run("train", "gan", "--data", Cli.digits(dir, 50).toString(), "--standardize", "--device", "java", "--out",
                dir.resolve("digits").toString()), "--standardize is for data outside [0, 1]");
        Cli.usageError(Cli.run("train", "gan", "--arch", "dcgan", "--g-residual", "--device", "java", "--out", dir.resolve("dc").toString()),
                "--g-residual is for the MLP GAN");
    }

    /**
     * --fakes-per-real 3: the start line says so, the run records it, a resumed run ends bit for bit where a straight one
     * does (taking it from its directory; schedules off), and it is refused with one line where it cannot apply: 0, the paper preset, a
     * conditional GAN, and beside --resume.
     */
    @Test
    void moreGeneratedExamplesPerRealOneTrainAndResumeExactly() throws IOException {
        Path data = dir.resolve("points.csv");
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < 200; i++) {
            csv.append(i % 2 + 0.01 * (i % 7)).append(',').append(i % 3).append('\n');
        }
        Files.writeString(data, csv);
        String[] settings = {"train", "gan", "--data", data.toString(), "--g-hidden", "8,8", "--d-hidden", "8", "--batch", "20",
            "--fakes-per-real", "3", "--instance-noise", "0", "--no-lr-decay", "--device", "java"};
        // (Without the preset's schedules, which a run of 1 epoch resumed to 2 spreads over 2 where a run of 2 had them all along.)
        Path straight = dir.resolve("straight");
        Path resumed = dir.resolve("resumed");
        Cli.Run r = Cli.run(Cli.with(settings, "--epochs", "2", "--out", straight.toString()));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("generator average 0.999, 3 generated examples per real one\n"), r.out());
        r = Cli.run(Cli.with(settings, "--epochs", "1", "--quiet", "--out", resumed.toString()));
        assertEquals(0, r.code(), r.err());
        Map<?, ?> options = (Map<?, ?>) Json.parse(org.latentcl.io.Safetensors.read(resumed.resolve("state.safetensors")).metadata().get("options"));
        assertEquals(3.0, options.get("fakes_per_real"));
        Cli.usageError(Cli.run("train", "gan", "--resume", resumed.toString(), "--fakes-per-real", "2", "--device", "java"),
                "--fakes-per-real cannot change a resumed run");
        r = Cli.run("train", "gan", "--resume", resumed.toString(), "--epochs", "2", "--device", "java", "--quiet");
        assertEquals(0, r.code(), r.err());
        var a = org.latentcl.io.Safetensors.read(straight.resolve("checkpoint.safetensors")).tensors();
        var b = org.latentcl.io.Safetensors.read(resumed.resolve("checkpoint.safetensors")).tensors();
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(a.get(name).data(), b.get(name).data(), name);
        }
        Path out = dir.resolve("refused");
        Cli.usageError(Cli.run("train", "gan", "--data", data.toString(), "--fakes-per-real", "0", "--device", "java", "--out", out.toString()),
                "--fakes-per-real must be a positive number");
        Cli.usageError(Cli.run(Cli.with(settings, "--preset", "paper", "--out", out.toString())), "it conflicts with --fakes-per-real");
        Cli.usageError(Cli.run("train", "gan", "--data", Cli.digits(dir, 50).toString(), "--conditional", "--fakes-per-real", "2", "--device", "java",
                "--out", out.toString()), "--fakes-per-real: a class-conditional GAN takes one generated example per real one");
        assertFalse(Files.exists(out), "no run directory after a refusal");
        // The default for points takes four per real one, but a conditional GAN on points one, without being asked.
        Path labelled = dir.resolve("labelled.csv");
        StringBuilder rows = new StringBuilder("x,y,c\n");
        for (int i = 0; i < 100; i++) {
            rows.append(i % 2 + 0.01 * (i % 7)).append(',').append(i % 3).append(',').append(i % 2).append('\n');
        }
        Files.writeString(labelled, rows);
        r = Cli.run("train", "gan", "--data", labelled.toString(), "--label-column", "c", "--conditional", "--epochs", "1", "--g-hidden", "8",
                "--d-hidden", "8", "--device", "java", "--out", dir.resolve("conditional").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("stabilizers (default preset): ") && !r.out().contains("generated examples per real one"), r.out());
    }

    /**
     * Every stabilizer at once through the command, MLP and DCGAN: the run says which it uses, the
     * checkpoint holds PyTorch's spectral-norm names (NAME.weight_orig, _u, _v) and the packed
     * shapes, and sample and eval take it back.
     */
    @Test
    void stabilizersTrainAndTheirCheckpointsLoad() throws IOException {
        Path images = ConvModelsCommandTest.pictures(dir, 16);
        for (String arch : new String[] {"mlp", "dcgan"}) {
            Path out = dir.resolve("run-" + arch);
            Cli.Run r = Cli.run("train", "gan", "--data", images.toString(), "--image-size", "16", "--arch", arch, "--epochs", "1", "--batch", "8",
                    "--g-hidden", "16", "--d-hidden", "16", "--ngf", "4", "--ndf", "4", "--noise", "5", "--loss", "hinge", "--spectral-norm",
                    "--pack", "2", "--minibatch-std", "--instance-noise", "0.1", "--d-lr", "4e-4", "--lr-decay", "--g-ema", "0.99", "--device", "java", "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("stabilizers (default preset): hinge loss, spectral norm, pack 2, minibatch std, "
                    + "instance noise 0.1 annealed to 0, learning rates decaying to 0, generator average 0.99"), r.out());
            // The generator's rate is the default preset's for images, 3e-4, on both architectures.
            assertTrue(r.out().contains("lr 0.0003 (D 0.0004)"), r.out());
            assertEquals(arch.equals("dcgan"), r.out().contains("note: on the DCGAN the generator average measured a worse FID"), r.out());
            Path ckpt = out.resolve("checkpoint.safetensors");
            var tensors = org.latentcl.io.Safetensors.read(ckpt).tensors();
            assertTrue(tensors.containsKey("disc.0.weight_orig") && tensors.containsKey("disc.0.weight_u")
                    && tensors.containsKey("disc.0.weight_v") && !tensors.containsKey("disc.0.weight"), tensors.keySet().toString());
            assertTrue(tensors.containsKey("ema.gen.0.weight") && tensors.containsKey("gen.0.weight"), "the average beside the generator");
            // Packing two images doubles the first layer's inputs: 2 x 3 channels for the DCGAN, 2 x 768 features for the MLP.
            int[] shape = tensors.get("disc.0.weight_orig").shape();
            assertEquals(arch.equals("mlp") ? 2 * 3 * 16 * 16 : 6, shape[1], java.util.Arrays.toString(shape));
            r = Cli.run("sample", "--checkpoint", ckpt.toString(), "--n", "4", "--out", dir.resolve(arch + ".png").toString(), "--device", "java");
            assertEquals(0, r.code(), r.err());
            r = Cli.run("eval", "--json", "--checkpoint", ckpt.toString(), "--n", "16", "--image-size", "16", "--device", "java");
            assertEquals(0, r.code(), r.err());
        }
    }

    /**
     * The default preset of the MLP GAN on images, conditional or not, is R1 with the generator average in batches of 64 at
     * 3e-4; on points, PacGAN's nets (maxout units in D) with pack 2, the generator average and R1, named with the reason;
     * flags override each of its choices; --preset paper is the 2014 GAN on its MLP; the DCGAN's default is its
     * paper's recipe.
     */
    /** n 2-D points on a 2 x 3 lattice as a CSV with a header, at {@code file}. */
    private static Path points(Path file, int n) throws IOException {
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < n; i++) {
            csv.append(i % 2).append(',').append(i % 3).append('\n');
        }
        Files.writeString(file, csv);
        return file;
    }

    /**
     * {@code sample --generator}: the average by default where the checkpoint holds one, the trained generator on request
     * (the same samples as the checkpoint with its average taken out), and one-line errors for an average that is not
     * there, a VAE and a bad name.
     */
    @Test
    void sampleDrawsFromTheAverageOrTheTrainedGenerator() throws IOException {
        Path data = points(dir.resolve("pts.csv"), 120);
        Path run = dir.resolve("avg");
        Cli.Run r = Cli.run("train", "gan", "--data", data.toString(), "--epochs", "2", "--g-hidden", "16", "--d-hidden", "16",
                "--g-ema", "0.9", "--device", "java", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        Path ckpt = run.resolve("checkpoint.safetensors");
        java.util.function.Function<String[], String> sample = extra -> {
            Path out = dir.resolve("s" + String.join("", extra).replace("-", "") + ".csv");
            Cli.Run s = Cli.run(Cli.with(new String[] {"sample", "--checkpoint", extra.length > 0 && extra[0].equals("plain")
                    ? dir.resolve("plain.safetensors").toString() : ckpt.toString(), "--n", "20", "--device", "java", "--out", out.toString()},
                    extra.length > 0 && extra[0].equals("plain") ? java.util.Arrays.copyOfRange(extra, 1, extra.length) : extra));
            assertEquals(0, s.code(), s.err());
            try {
                return Files.readString(out);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        String byDefault = sample.apply(new String[0]);
        assertEquals(byDefault, sample.apply(new String[] {"--generator", "average"}), "the average is the default");
        String trained = sample.apply(new String[] {"--generator", "trained"});
        assertFalse(trained.equals(byDefault), "the trained generator is not the average");
        // The checkpoint without its average: what sample draws from it by default is the trained generator.
        var c = org.latentcl.io.Safetensors.read(ckpt);
        org.latentcl.io.Safetensors.write(dir.resolve("plain.safetensors"), c.metadata(),
                c.tensors().values().stream().filter(e -> !e.name().startsWith("ema.")).toList());
        assertEquals(trained, sample.apply(new String[] {"plain"}), "--generator trained draws from the trained weights");
        assertEquals(trained, sample.apply(new String[] {"plain", "--generator", "trained"}));
        Cli.usageError(Cli.run("sample", "--checkpoint", dir.resolve("plain.safetensors").toString(), "--generator", "average", "--device",
                "java", "--out", dir.resolve("x.csv").toString()), "holds no generator average");
        assertFalse(Files.exists(dir.resolve("x.csv")), "no output written");
        Cli.usageError(Cli.run("sample", "--checkpoint", ckpt.toString(), "--generator", "ema", "--out", dir.resolve("y.csv").toString()),
                "--generator must be average or trained");
        Path vae = dir.resolve("vae");
        r = Cli.run("train", "vae", "--data", data.toString(), "--epochs", "1", "--batch", "16", "--hidden", "8", "--latent", "2", "--decoder",
                "gaussian", "--device", "java", "--out", vae.toString());
        assertEquals(0, r.code(), r.err());
        Cli.usageError(Cli.run("sample", "--checkpoint", vae.resolve("checkpoint.safetensors").toString(), "--generator", "trained", "--out",
                dir.resolve("z.csv").toString()), "holds a VAE");
    }

    @Test
    void theDefaultPresetAndThePaperPreset() throws IOException {
        Path data = points(dir.resolve("points.csv"), 240);
        Cli.Run r = Cli.run("train", "gan", "--data", data.toString(), "--epochs", "1", "--device", "java", "--out", dir.resolve("points").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("training GAN z2 G[400, 400, 400, 400] residual D[512, 512, 512] -> 2 linear (standardized data)")
                && r.out().contains("batch 25") && r.out().contains("lr 0.00025 (D 0.00025)") && r.out().contains("beta1 0.5"), r.out());
        assertTrue(r.out().contains("2 features and no image shape: networks for low-dimensional points (a residual generator"), r.out());
        assertTrue(r.out().contains("stabilizers (default preset): nonsaturating loss, instance noise 0.14 annealed to 0, learning rates decaying to 0, "
                + "generator average 0.999, 4 generated examples per real one\n"), r.out());
        var points = org.latentcl.io.Safetensors.read(dir.resolve("points").resolve("checkpoint.safetensors")).tensors();
        assertTrue(points.containsKey("data_mean") && points.containsKey("data_std") && points.containsKey("ema.gen.3.weight"), points.keySet().toString());
        // A schedule the user names takes the place of the preset's decaying rates; --lr-decay beside cosine is still refused.
        r = Cli.run("train", "gan", "--data", data.toString(), "--epochs", "1", "--g-hidden", "8", "--d-hidden", "8", "--lr-schedule", "cosine",
                "--device", "java", "--out", dir.resolve("cosine").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("stabilizers (default preset): nonsaturating loss, instance noise 0.14 annealed to 0, generator average 0.999, "
                + "4 generated examples per real one\n")
                && r.out().contains("cosine"), r.out());
        Cli.usageError(Cli.run("train", "gan", "--data", data.toString(), "--lr-decay", "--lr-schedule", "cosine", "--device", "java", "--out",
                dir.resolve("both").toString()), "--lr-decay is --lr-schedule linear");
        r = Cli.run("train", "gan", "--data", data.toString(), "--epochs", "1", "--batch", "32", "--g-hidden", "8", "--d-hidden", "8",
                "--noise", "3", "--lr", "1e-4", "--beta1", "0.8", "--pack", "2", "--r1", "0.1", "--d-maxout", "3", "--instance-noise", "0",
                "--no-standardize", "--no-lr-decay", "--device", "java", "--out", dir.resolve("flags").toString());
        assertEquals(0, r.code(), r.err());
        // Noise of 3 for 2 features: no residual generator (the skip needs the data's width), without being asked.
        assertTrue(r.out().contains("training GAN z3 G[8] D[8] maxout 3 -> 2 linear,") && r.out().contains("lr 0.0001 (D 0.0001), beta1 0.8")
                && r.out().contains("stabilizers (default preset): nonsaturating loss, pack 2, generator average 0.999, R1 gamma 0.1, "
                + "4 generated examples per real one\n"), r.out());
        Path images = ConvModelsCommandTest.pictures(dir, 16);
        r = Cli.run("train", "gan", "--data", images.toString(), "--image-size", "16", "--epochs", "1", "--batch", "8", "--g-hidden", "8",
                "--d-hidden", "8", "--device", "java", "--out", dir.resolve("default").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("stabilizers (default preset): nonsaturating loss, generator average 0.999, R1 gamma 10\n")
                && r.out().contains("lr 0.0003 (D 0.0003)") && !r.out().contains("no image shape") && !r.out().contains("note:"), r.out());
        assertTrue(org.latentcl.io.Safetensors.read(dir.resolve("default").resolve("checkpoint.safetensors")).tensors()
                .containsKey("ema.gen.0.weight"));
        // R1 differentiates the minibatch std feature too (its second-order term), so that takes the preset as it is.
        r = Cli.run("train", "gan", "--data", images.toString(), "--image-size", "16", "--epochs", "1", "--batch", "8", "--g-hidden", "8",
                "--d-hidden", "8", "--minibatch-std", "--device", "java", "--out", dir.resolve("mbstd").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("stabilizers (default preset): nonsaturating loss, minibatch std, generator average 0.999, R1 gamma 10\n")
                && r.out().contains("lr 0.0003 (D 0.0003)") && !r.out().contains("note:"), r.out());
        // A conditional GAN takes the same preset (R1 through the projection discriminator, the generator average).
        r = Cli.run("train", "gan", "--data", "default", "--conditional", "--epochs", "1", "--batch", "8", "--g-hidden", "8",
                "--d-hidden", "8", "--device", "java", "--out", dir.resolve("cond").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("stabilizers (default preset): nonsaturating loss, generator average 0.999, R1 gamma 10\n")
                && r.out().contains("lr 0.0003 (D 0.0003)") && !r.out().contains("note:"), r.out());
        assertTrue(org.latentcl.io.Safetensors.read(dir.resolve("cond").resolve("checkpoint.safetensors")).tensors()
                .containsKey("ema.gen.0.weight"));
        // Spectral normalization on request.
        r = Cli.run("train", "gan", "--data", images.toString(), "--image-size", "16", "--epochs", "1", "--batch", "8", "--g-hidden", "8",
                "--d-hidden", "8", "--spectral-norm", "--r1", "0", "--d-lr", "8e-4", "--device", "java", "--out", dir.resolve("sn").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("stabilizers (default preset): nonsaturating loss, spectral norm, generator average 0.999\n")
                && r.out().contains("lr 0.0003 (D 0.0008)"), r.out());
        assertTrue(org.latentcl.io.Safetensors.read(dir.resolve("sn").resolve("checkpoint.safetensors")).tensors()
                .containsKey("disc.0.weight_orig"));
        // On images the default preset trains at 3e-4 in batches of 64, halved on small data (the 9,000 digits: 16), the paper
        // preset in batches of 128 at 2e-4 (one step each).
        r = Cli.run("train", "gan", "--data", "default", "--epochs", "1", "--stop-after", "1", "--g-hidden", "8", "--d-hidden", "8",
                "--device", "java", "--out", dir.resolve("batch").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("batch 16, lr 0.0003 (D 0.0003), beta1 0.5") && r.out().contains(
                "batches of 16: 9000 examples would give fewer than 500 steps an epoch in batches of 32 (docs/GAN.md)\n"), r.out());
        r = Cli.run("train", "gan", "--preset", "paper", "--data", "default", "--epochs", "1", "--stop-after", "1", "--g-hidden", "8",
                "--d-hidden", "8", "--device", "java", "--out", dir.resolve("paper-batch").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("batch 128, lr 0.0002 (D 0.0002), beta1 0.5"), r.out());
        // The DCGAN: batches of 64 under both presets, at 3e-4 under the default and Radford et al.'s 2e-4 under the paper's.
        for (String preset : new String[] {"default", "paper"}) {
            r = Cli.run("train", "gan", "--arch", "dcgan", "--preset", preset, "--data", "default", "--epochs", "1", "--stop-after", "1",
                    "--ngf", "2", "--ndf", "2", "--device", "java", "--out", dir.resolve("dcgan-" + preset).toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains(preset.equals("default") ? "batch 64, lr 0.0003 (D 0.0003), beta1 0.5" : "batch 64, lr 0.0002 (D 0.0002), beta1 0.5"),
                    r.out());
        }
        r = Cli.run("train", "gan", "--preset", "paper", "--data", data.toString(), "--epochs", "1", "--batch", "32", "--g-hidden", "8",
                "--d-hidden", "8", "--lr", "1e-3", "--device", "java", "--out", dir.resolve("paper").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("stabilizers (paper preset): nonsaturating loss\n") && r.out().contains("lr 0.001 (D 0.001)"), r.out());
        assertTrue(org.latentcl.io.Safetensors.read(dir.resolve("paper").resolve("checkpoint.safetensors")).tensors()
                .containsKey("disc.0.weight"));
    }

    @Test
    void badGanInputIsOneLineWithExitCodeTwo() throws IOException {
        Path out = dir.resolve("x");
        Cli.usageError(Cli.run("train", "gan", "--loss", "wasserstein", "--out", out.toString()), "--loss must be nonsaturating, minimax, hinge or wgan");
        // Conflicting stabilizer flags.
        Cli.usageError(Cli.run("train", "gan", "--preset", "paper", "--spectral-norm", "--out", out.toString()),
                "--preset paper is the 2014 GAN without stabilizers; it conflicts with --spectral-norm");
        Cli.usageError(Cli.run("train", "gan", "--preset", "paper", "--loss", "hinge", "--pack", "2", "--out", out.toString()),
                "it conflicts with --loss hinge, --pack");
        Cli.usageError(Cli.run("train", "gan", "--loss", "hinge", "--label-smoothing", "0.9", "--out", out.toString()),
                "--loss hinge has no targets");
        Cli.usageError(Cli.run("train", "gan", "--pack", "3", "--batch", "128", "--out", out.toString()), "--pack 3 must divide the batch (128)");
        Cli.usageError(Cli.run("train", "gan", "--label-smoothing", "0.2", "--out", out.toString()), "--label-smoothing is the target of real data");
        Cli.usageError(Cli.run("train", "gan", "--instance-noise", "-1", "--out", out.toString()), "--instance-noise must be a standard deviation");
        Cli.usageError(Cli.run("train", "gan", "--d-lr", "0", "--out", out.toString()), "--d-lr must be a positive number");
        Cli.usageError(Cli.run("train", "gan", "--g-ema", "1", "--out", out.toString()), "--g-ema is the generator average's decay per update");
        Cli.usageError(Cli.run("train", "gan", "--preset", "paper", "--g-ema", "0.999", "--out", out.toString()), "it conflicts with --g-ema");
        Cli.usageError(Cli.run("train", "gan", "--preset", "best", "--out", out.toString()), "--preset must be default or paper");
        Cli.usageError(Cli.run("train", "gan", "--k", "0", "--out", out.toString()), "--k must be a positive number");
        Cli.usageError(Cli.run("train", "gan", "--beta1", "1.5", "--out", out.toString()), "--beta1 must be in [0, 1)");
        Cli.usageError(Cli.run("train", "gan", "--g-hidden", "0", "--out", out.toString()), "--g-hidden sizes must be positive");
        Cli.usageError(Cli.run("eval"), "exactly one of --checkpoint FILE or --samples FILE.npy");
        Path npy = dir.resolve("s.npy");
        Files.write(npy, Npy.encode(new float[6], 2, 3));
        Cli.usageError(Cli.run("eval", "--json", "--samples", npy.toString()), "--samples needs --data");
        Cli.usageError(Cli.run("eval", "--json", "--samples", npy.toString(), "--data", "default", "--device", "java"),
                "has 3 features per sample but default has 784");
    }
}
