package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.io.Safetensors;

/** --lr-schedule and --warmup-steps as a user runs them: they change the training, a resumed run keeps them, misuse is one line. */
class LearningRateScheduleCommandTest {
    @TempDir
    Path dir;

    private static String[] args(String model, Path out, int epochs, String... more) {
        String[] small = model.equals("vae")
                ? new String[] {"train", "vae", "--hidden", "16", "--latent", "2", "--batch", "300", "--seed", "3", "--device", "java", "--quiet"}
                : new String[] {"train", "gan", "--g-hidden", "16", "--d-hidden", "16", "--noise", "4", "--batch", "300", "--seed", "3",
                    "--device", "java", "--quiet"};
        String[] all = Arrays.copyOf(small, small.length + 4 + more.length);
        System.arraycopy(new String[] {"--epochs", Integer.toString(epochs), "--out", out.toString()}, 0, all, small.length, 4);
        System.arraycopy(more, 0, all, small.length + 4, more.length);
        return all;
    }

    private static Map<String, Safetensors.Entry> checkpoint(Path run) {
        return Safetensors.read(run.resolve("checkpoint.safetensors")).tensors();
    }

    @ParameterizedTest
    @ValueSource(strings = {"vae", "gan"})
    void aScheduleChangesTheTrainingAndAResumedRunKeepsIt(String model) {
        String[] cosine = {"--lr-schedule", "cosine", "--warmup-steps", "20"};
        Path straight = dir.resolve(model + "-straight");
        Cli.Run r = Cli.run(args(model, straight, 2, cosine));
        assertEquals(0, r.code(), r.err());
        Path constant = dir.resolve(model + "-constant");
        assertEquals(0, Cli.run(args(model, constant, 2)).code());
        var a = checkpoint(straight);
        var c = checkpoint(constant);
        assertFalse(a.keySet().stream().allMatch(k -> Arrays.equals(a.get(k).data(), c.get(k).data())), "the schedule changes the weights");

        // A run resumed to a new target keeps its schedule, stretched over the new number of updates (a run stopped by Ctrl-C and
        // resumed to its own target follows the straight run to the bit: VaeTrainingTest, GanResumeTest).
        Path resumed = dir.resolve(model + "-resumed");
        assertEquals(0, Cli.run(args(model, resumed, 1, cosine)).code());
        r = Cli.run("train", model, "--resume", resumed.toString(), "--epochs", "2", "--device", "java", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cosine schedule, warm-up 20 steps"), r.out());
        Cli.usageError(Cli.run("train", model, "--resume", resumed.toString(), "--lr-schedule", "linear"), "--lr-schedule");
    }

    /** The GAN's start line counts the examples it leaves apart, as the VAE's does. */
    @Test
    void theGanSaysWhatItHoldsOut() {
        Cli.Run r = Cli.run(args("gan", dir.resolve("held"), 1));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(": 9000 examples (1000 test examples apart: embedded test split), batch 300"), r.out());
    }

    @Test
    void badSchedulesAreOneLineAndWriteNothing() {
        Cli.usageError(Cli.run(args("vae", dir.resolve("a"), 1, "--lr-schedule", "step")), "--lr-schedule must be constant, linear or cosine");
        Cli.usageError(Cli.run(args("gan", dir.resolve("b"), 1, "--warmup-steps", "-3")), "--warmup-steps must be 0");
        Cli.usageError(Cli.run(args("gan", dir.resolve("c"), 1, "--lr-decay", "--lr-schedule", "cosine")), "exclude each other");
        for (String d : new String[] {"a", "b", "c"}) {
            assertFalse(Files.exists(dir.resolve(d)), "no run directory " + d);
        }
    }
}
