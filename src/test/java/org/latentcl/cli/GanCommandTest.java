package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

        r = Cli.run("eval", "--checkpoint", ckpt.toString(), "--n", "500", "--device", "java");
        assertEquals(0, r.code(), r.err());
        Map<?, ?> fromCheckpoint = (Map<?, ?>) Json.parse(r.out().strip());
        r = Cli.run("eval", "--samples", samples.toString(), "--data", data.toString(), "--device", "java");
        assertEquals(0, r.code(), r.err());
        Map<?, ?> fromFile = (Map<?, ?>) Json.parse(r.out().strip());
        assertEquals(fromCheckpoint.get("parzen_ll"), fromFile.get("parzen_ll"), "the same samples score the same either way");
        assertEquals(40.0, fromFile.get("test_examples"));
    }

    @Test
    void badGanInputIsOneLineWithExitCodeTwo() throws IOException {
        Path out = dir.resolve("x");
        Cli.usageError(Cli.run("train", "gan", "--loss", "wasserstein", "--out", out.toString()), "--loss must be nonsaturating or minimax");
        Cli.usageError(Cli.run("train", "gan", "--k", "0", "--out", out.toString()), "--k must be a positive number");
        Cli.usageError(Cli.run("train", "gan", "--beta1", "1.5", "--out", out.toString()), "--beta1 must be in [0, 1)");
        Cli.usageError(Cli.run("train", "gan", "--g-hidden", "0", "--out", out.toString()), "--g-hidden sizes must be positive");
        Cli.usageError(Cli.run("eval"), "exactly one of --checkpoint FILE or --samples FILE.npy");
        Path npy = dir.resolve("s.npy");
        Files.write(npy, Npy.encode(new float[6], 2, 3));
        Cli.usageError(Cli.run("eval", "--samples", npy.toString()), "--samples needs --data");
        Cli.usageError(Cli.run("eval", "--samples", npy.toString(), "--data", "default", "--device", "java"),
                "has 3 features per sample but default has 784");
    }
}
