package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --stop-after as a user with a time slot runs it: a planned stop that exits 0, then --resume to the end. */
class StopAfterCommandTest {
    @TempDir
    Path dir;

    private static final String[] GAN = {"train", "gan", "--epochs", "2", "--batch", "500", "--g-hidden", "32", "--d-hidden", "32",
            "--seed", "4", "--device", "java", "--quiet"};

    /**
     * The embedded digits' 9,000 training rows are 18 steps of 500 an epoch: a stop after 12 steps, a second after 12 more
     * (across the end of epoch 1), then the rest end with the checkpoint of an unbroken run, byte for byte.
     */
    @Test
    void aGanInPartsEndsAsAnUnbrokenRun() throws IOException {
        Path whole = dir.resolve("whole");
        Path parts = dir.resolve("parts");
        Cli.Run r = Cli.run(Cli.with(GAN, "--out", whole.toString()));
        assertEquals(0, r.code(), r.err());
        r = Cli.run(Cli.with(GAN, "--out", parts.toString(), "--stop-after", "12"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("stopped as --stop-after 12 asked: stopped in epoch 1 after step 12 of 18; saved "), r.out());
        assertTrue(r.out().contains("Continue with: train gan --resume " + parts), r.out());
        assertFalse(Files.exists(parts.resolve("metrics.jsonl")), "no epoch ended yet");
        r = Cli.run("train", "gan", "--resume", parts.toString(), "--device", "java", "--quiet", "--stop-after", "12");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("stopped in epoch 2 after step 6 of 18"), r.out());
        assertEquals(1, Files.readAllLines(parts.resolve("metrics.jsonl")).size(), "epoch 1's line");
        r = Cli.run("train", "gan", "--resume", parts.toString(), "--device", "java", "--quiet");
        assertEquals(0, r.code(), r.err());
        for (String file : new String[] {"checkpoint.safetensors", "state.safetensors"}) {
            assertArrayEquals(Files.readAllBytes(whole.resolve(file)), Files.readAllBytes(parts.resolve(file)), file);
        }
    }

    /** A profiled run stopped before its end still writes the profile of the steps it ran (as PyTorch's profiler does on exit). */
    @Test
    void aProfiledRunStoppedEarlyWritesItsProfile() throws IOException {
        for (String model : new String[] {"gan", "vae"}) {
            Path out = dir.resolve("profiled-" + model);
            Cli.Run r = model.equals("gan") ? Cli.run(Cli.with(GAN, "--out", out.toString(), "--stop-after", "3", "--profile"))
                    : Cli.run("train", "vae", "--epochs", "1", "--batch", "500", "--device", "java", "--quiet", "--out", out.toString(),
                            "--stop-after", "3", "--profile");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("stopped as --stop-after 3 asked"), r.out());
            String profile = Files.readString(out.resolve("profile.txt"));
            assertTrue(profile.contains("steps: 3;"), profile);
            assertTrue(Files.exists(out.resolve("trace.json")), model);
        }
    }

    @Test
    void aBadShardIsOneLineAndWritesNothing() {
        Cli.usageError(Cli.run("train", "vae", "--shard", "2/2", "--out", dir.resolve("a").toString()), "--shard takes I/N");
        Cli.usageError(Cli.run(Cli.with(GAN, "--shard", "half", "--out", dir.resolve("b").toString())), "--shard takes I/N");
        // 9,000 rows in batches of 8,999: the last batch's one row cannot be split over two hosts.
        Cli.usageError(Cli.run("train", "vae", "--device", "java", "--batch", "8999", "--shard", "1/2", "--stop-after", "5", "--out",
                dir.resolve("c").toString()),
                "leaves host 1");
        Cli.usageError(Cli.run("train", "vae", "--shard", "0/2", "--out", dir.resolve("d").toString()), "--shard trains in rounds");
        for (String d : new String[] {"a", "b", "c", "d"}) {
            assertFalse(Files.exists(dir.resolve(d).resolve("checkpoint.safetensors")), d);
        }
    }

    @Test
    void aNegativeCountIsOneLineAndWritesNothing() {
        Cli.usageError(Cli.run("train", "vae", "--stop-after", "-1", "--out", dir.resolve("a").toString()), "--stop-after must be 0");
        Cli.usageError(Cli.run(Cli.with(GAN, "--stop-after", "-5", "--out", dir.resolve("b").toString())), "--stop-after must be 0");
        assertFalse(Files.exists(dir.resolve("a")));
        assertFalse(Files.exists(dir.resolve("b")));
    }
}
