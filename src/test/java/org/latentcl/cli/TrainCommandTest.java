package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.data.Npy;
import org.latentcl.io.Json;
import org.latentcl.io.Safetensors;

/** train vae, sample and eval as a user runs them, on a small .npy made from the embedded digits. */
class TrainCommandTest {
    @TempDir
    Path dir;
    private Path data;

    @BeforeEach
    void smallDataset() throws IOException {
        data = Cli.digits(dir, 300);
    }

    /** --force writes a new run over an old one: its metrics start anew instead of following the old run's. */
    @Test
    void forceStartsTheMetricsAnew() throws IOException {
        Path out = dir.resolve("forced");
        for (int i = 0; i < 2; i++) {
            Cli.Run r = Cli.run("train", "vae", "--data", data.toString(), "--epochs", "1", "--batch", "100", "--device", "java",
                    "--quiet", "--force", "--out", out.toString());
            assertEquals(Main.EXIT_OK, r.code(), r.err());
        }
        assertEquals(1, Files.readAllLines(out.resolve("metrics.jsonl")).size());
    }

    /** --tensorboard on both models writes one event file into the run directory, which the done: line names (pictures: TensorBoardApiTest). */
    @Test
    void tensorboardWritesAnEventFileBesideTheMetrics() throws IOException {
        for (String model : new String[] {"vae", "gan"}) {
            Path out = dir.resolve("tb-" + model);
            Cli.Run r = Cli.run("train", model, "--data", data.toString(), "--epochs", "1", "--batch", "30", "--device", "java", "--quiet",
                    "--tensorboard", "--out", out.toString());
            assertEquals(Main.EXIT_OK, r.code(), r.err());
            try (java.util.stream.Stream<Path> files = Files.list(out)) {
                List<Path> events = files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList();
                assertEquals(1, events.size(), model + ": " + events);
                List<org.latentcl.io.TensorBoardReader.Event> read = org.latentcl.io.TensorBoardReader.read(Files.readAllBytes(events.get(0)));
                String loss = model.equals("vae") ? "test_loss" : "d_loss";
                assertTrue(read.stream().anyMatch(e -> e.step() == 1 && e.values().stream().anyMatch(v -> v.tag().equals(loss))), model);
                assertTrue(r.out().contains(events.get(0).getFileName().toString()), r.out());
            }
        }
    }

    @Test
    void trainResumeSampleAndEvalWorkEndToEnd() throws IOException {
        Path out = dir.resolve("run");
        // A seed and a rate other than the defaults: resuming must take them from the run, not from the flags' defaults.
        Path straight = dir.resolve("straight");
        assertEquals(0, Cli.run("train", "vae", "--data", data.toString(), "--epochs", "2", "--batch", "16", "--hidden", "32",
                "--latent", "2", "--seed", "5", "--lr", "3e-3", "--device", "java", "--quiet", "--out", straight.toString()).code());
        Cli.Run r = Cli.run("train", "vae", "--data", data.toString(), "--epochs", "1", "--batch", "16", "--hidden", "32",
                "--latent", "2", "--seed", "5", "--lr", "3e-3", "--device", "java", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("epoch 1/1  train "), r.out());
        assertTrue(r.out().contains("270 train / 30 test examples (held-out 10%)"), r.out());
        assertTrue(Files.exists(out.resolve("checkpoint.safetensors")));

        Cli.usageError(Cli.run("train", "vae", "--data", data.toString(), "--epochs", "1", "--device", "java", "--out", out.toString()),
                "already exists and is not empty; use --resume");

        r = Cli.run("train", "vae", "--resume", out.toString(), "--epochs", "2", "--device", "java");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("resuming") && r.out().contains("epoch 2/2"), r.out());
        assertEquals(2, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        var resumedWeights = Safetensors.read(out.resolve("checkpoint.safetensors")).tensors();
        var straightWeights = Safetensors.read(straight.resolve("checkpoint.safetensors")).tensors();
        for (String name : straightWeights.keySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(straightWeights.get(name).data(), resumedWeights.get(name).data(),
                    name + ": the resumed run ends where the straight run ends");
        }

        Cli.usageError(Cli.run("train", "vae", "--resume", out.toString(), "--beta", "2", "--device", "java"),
                "--beta cannot change a resumed run");
        // Without --epochs a resumed run goes to its own target: this one has reached it, and trains no more.
        r = Cli.run("train", "vae", "--resume", out.toString(), "--device", "java", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        // A run that records no target (written before it was recorded) needs --epochs.
        Path old = dir.resolve("old");
        Files.createDirectories(old);
        Files.copy(out.resolve("checkpoint.safetensors"), old.resolve("checkpoint.safetensors"));
        Cli.usageError(Cli.run("train", "vae", "--resume", old.toString(), "--device", "java"), "records no epoch target");

        Path ckpt = out.resolve("checkpoint.safetensors");
        for (String ext : new String[] {"png", "npy", "csv"}) {
            Path f = dir.resolve("s." + ext);
            r = Cli.run("sample", "--checkpoint", ckpt.toString(), "--n", "9", "--out", f.toString(), "--device", "java");
            assertEquals(0, r.code(), r.err());
            assertTrue(Files.size(f) > 0);
        }
        assertEquals(9, Npy.read(dir.resolve("s.npy")).rows());
        assertEquals(9, Files.readAllLines(dir.resolve("s.csv")).size());

        r = Cli.run("eval", "--json", "--checkpoint", ckpt.toString(), "--iwae", "8", "--device", "java");
        assertEquals(0, r.code(), r.err());
        Map<?, ?> json = (Map<?, ?>) Json.parse(r.out().strip());
        assertEquals(30.0, json.get("test_examples"));
        double elbo = (Double) json.get("test_loss");
        double iwae = (Double) json.get("iwae_nll");
        // An untrained Bernoulli VAE scores about 784 ln 2 = 543 nats; the trained one is well below, and IWAE(8) below its ELBO.
        assertTrue(iwae < elbo + 1 && elbo < 0.7 * 784 * Math.log(2), r.out());
        // Without --json: a table of the same values for people.
        Cli.Run table = Cli.run("eval", "--checkpoint", ckpt.toString(), "--iwae", "8", "--device", "java");
        assertEquals(0, table.code(), table.err());
        java.util.List<String> rows = table.out().lines().toList();
        assertTrue(rows.get(0).startsWith("eval of " + ckpt + " against ") && rows.get(0).contains("(30 test examples)"), rows.get(0));
        assertTrue(rows.get(1).matches("measure +value +real data +meaning"), rows.get(1));
        assertTrue(rows.stream().anyMatch(l -> l.matches("-ELBO \\(nats/example\\) +" + String.format(java.util.Locale.ROOT, "%.2f", elbo)
                + " +the VAE's bound .*lower is better")), table.out());
        assertTrue(rows.stream().anyMatch(l -> l.startsWith("IWAE -log p(x) (nats)") && l.endsWith("(K = 8)")), table.out());
        assertTrue(rows.get(rows.size() - 1).startsWith("--json prints every value"), table.out());
        Map<?, ?> last = (Map<?, ?>) Json.parse(Files.readAllLines(out.resolve("metrics.jsonl")).get(1));
        assertEquals((Double) last.get("test_loss"), elbo, 0.05 * elbo, "eval agrees with the run's own test loss");
    }

    @Test
    void aDivergingRunStopsWithTheEpochStepAndAHint() {
        Path out = dir.resolve("nan");
        Cli.Run r = Cli.run("train", "vae", "--data", data.toString(), "--epochs", "3", "--batch", "30", "--lr", "1e30",
                "--device", "java", "--quiet", "--out", out.toString());
        assertEquals(Main.EXIT_INTERNAL, r.code(), r.out() + r.err());
        String[] lines = r.err().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.matches("latentcl: error: the loss became .* in epoch \\d+ by step \\d+ .*smaller learning rate.*"), last);
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void anUnwritableRunDirectoryIsRefused() {
        Cli.usageError(Cli.run("train", "vae", "--data", data.toString(), "--out", "/proc/latentcl-run", "--device", "java"),
                "cannot create run directory /proc/latentcl-run");
    }

    @Test
    void badInputIsOneLineWithExitCodeTwo() throws IOException {
        Path out = dir.resolve("x");
        Cli.usageError(Cli.run("train", "vae", "--data", dir.resolve("none.npy").toString(), "--out", out.toString()), "no such file or directory");
        Cli.usageError(Cli.run("train", "vae", "--batch", "0", "--out", out.toString()), "--batch must be a positive number");
        Cli.usageError(Cli.run("train", "vae", "--lr", "NaN", "--out", out.toString()), "--lr must be a positive number");
        Cli.usageError(Cli.run("train", "vae", "--lr", "-1", "--out", out.toString()), "--lr must be a positive number");
        Cli.usageError(Cli.run("train", "vae", "--hidden", "400,x", "--out", out.toString()), "--hidden must be whole numbers");
        Cli.usageError(Cli.run("train", "vae", "--decoder", "poisson", "--out", out.toString()), "--decoder must be bernoulli or gaussian");
        Cli.usageError(Cli.run("train", "vae", "--data", data.toString(), "--batch", "1000", "--device", "java", "--out", out.toString()),
                "batch 1000 is larger than the training set (270 examples)");
        Cli.usageError(Cli.run("train", "vae", "--epochs", "two"), "two");
        Cli.usageError(Cli.run("train", "vae", "--beta", "-1", "--device", "java", "--out", out.toString()), "--beta must be a number of at least 0");
        Cli.usageError(Cli.run("train", "vae", "--kl-warmup", "-5", "--device", "java", "--out", out.toString()), "--kl-warmup must be 0");
        Cli.usageError(Cli.run("train", "flow"), "flow");

        Path ganRun = dir.resolve("gan-run");
        Files.createDirectories(ganRun);
        Safetensors.write(ganRun.resolve("checkpoint.safetensors"), Map.of("model", "gan"), List.of());
        Cli.usageError(Cli.run("train", "vae", "--resume", ganRun.toString(), "--device", "java"),
                "is a gan checkpoint, but a VAE checkpoint is needed");
        Cli.usageError(Cli.run("sample", "--checkpoint", ganRun.resolve("checkpoint.safetensors").toString(), "--out",
                dir.resolve("a.png").toString(), "--device", "java"), "the GAN checkpoint has no 'config' in its metadata");
        Path junk = dir.resolve("junk.safetensors");
        Files.writeString(junk, "this is not a checkpoint at all");
        Cli.usageError(Cli.run("eval", "--json", "--checkpoint", junk.toString(), "--device", "java"), "not a safetensors file");
        Cli.usageError(Cli.run("sample", "--checkpoint", junk.toString(), "--out", dir.resolve("a.txt").toString()), "--out must end in .png");
        Cli.usageError(Cli.run("eval", "--json", "--checkpoint", junk.toString(), "--iwae", "-3"), "--iwae must be 0");
        assertFalse(Files.exists(dir.resolve("a.png")), "no output file after a failure");
    }
}
