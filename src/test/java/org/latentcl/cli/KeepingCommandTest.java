package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.latentcl.io.Json;

/** --save-every, --patience and --keep-best as a user runs them. */
class KeepingCommandTest {
    @TempDir
    Path dir;

    /**
     * A VAE at a learning rate too large to keep improving stops early: its last epochs scored no lower than the best, it
     * stopped after exactly --patience of them with done:, best.safetensors is the copy of the best epoch, and sample reads it.
     */
    @Test
    void earlyStoppingKeepsTheBestEpoch() throws IOException {
        Path run = dir.resolve("run");
        Cli.Run r = Cli.run("train", "vae", "--epochs", "12", "--lr", "0.02", "--patience", "1", "--save-every", "1", "--hidden", "64",
                "--batch", "100", "--seed", "2", "--device", "java", "--quiet", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        int epochs = lines.size();
        double[] test = lines.stream().mapToDouble(l -> ((Number) ((Map<?, ?>) Json.parse(l)).get("test_loss")).doubleValue()).toArray();
        int best = 0;
        for (int i = 1; i < epochs; i++) {
            best = test[i] < test[best] ? i : best;
        }
        assertTrue(epochs < 12, "stopped early: " + epochs + " epochs, test losses " + java.util.Arrays.toString(test));
        assertEquals(epochs - 2, best, "one epoch without improvement after the best, then the stop");
        assertTrue(r.out().contains("stopping early after epoch " + epochs + ": the test loss has not improved for 1 epoch"), r.out());
        assertTrue(r.out().contains("best.safetensors, checkpoint-epoch-1.safetensors"), r.out());
        assertArrayEquals(Files.readAllBytes(run.resolve("checkpoint-epoch-" + (best + 1) + ".safetensors")),
                Files.readAllBytes(run.resolve("best.safetensors")), "best.safetensors is the best epoch's checkpoint");
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(run.resolve("checkpoint.safetensors")),
                Files.readAllBytes(run.resolve("best.safetensors"))), "the last epoch was not the best");
        r = Cli.run("sample", "--checkpoint", run.resolve("best.safetensors").toString(), "--n", "4", "--device", "java", "--out",
                dir.resolve("best.png").toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void misuseIsOneLineAndWritesNothing() {
        Cli.usageError(Cli.run("train", "gan", "--patience", "2", "--out", dir.resolve("a").toString()), "--eval-every N");
        Cli.usageError(Cli.run("train", "gan", "--keep-best", "--out", dir.resolve("b").toString()), "--keep-best goes by the FID");
        Cli.usageError(Cli.run("train", "vae", "--save-every", "-1", "--out", dir.resolve("c").toString()), "--save-every must be 0");
        for (String d : new String[] {"a", "b", "c"}) {
            assertFalse(Files.exists(dir.resolve(d)), "no run directory " + d);
        }
    }
}
