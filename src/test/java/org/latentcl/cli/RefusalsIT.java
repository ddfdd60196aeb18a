package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.data.Npy;

/**
 * Bad input to the built jar, run as a process as a user runs it: each refusal comes before a
 * device opens and before the run directory exists, so it is exit 2, the one line on stderr that
 * names the cause (no device line before it), and nothing left on disk.
 */
class RefusalsIT {
    @TempDir
    Path dir;

    @Test
    void everyRefusalComesBeforeTheDeviceAndLeavesNoRunDirectory() throws Exception {
        // 70 images: 63 to train on after the held-out tenth, fewer than a default batch.
        Path small = write("small.npy", new float[70 * 28 * 28], 70, 28, 28);
        // 10 images: the MLP GAN's default batch falls to 16 on small data (GanKind.batchFor), still more than 9.
        Path tiny = write("tiny.npy", new float[10 * 28 * 28], 10, 28, 28);
        float[] wide = new float[300 * 4];
        java.util.Arrays.fill(wide, 3f);
        Path outOfRange = write("wide.npy", wide, 300, 4);
        Path aFile = Files.writeString(dir.resolve("a-file"), "not a directory");
        refused("batch 128 is larger than the training set (63 examples)", "train", "vae", "--arch", "conv", "--data", small.toString());
        refused("batch 64 is larger than the training set (63 examples)", "train", "gan", "--arch", "dcgan", "--data", small.toString());
        refused("batch 16 is larger than the training set (9 examples)", "train", "gan", "--data", tiny.toString());
        refused("batch 100 is larger than the training set (63 examples)", "train", "gan", "--arch", "dcgan", "--data", small.toString(),
                "--batch", "100");
        refused("the bernoulli decoder needs data in [0, 1]", "train", "vae", "--data", outOfRange.toString());
        refused("--epochs must be", "train", "vae", "--epochs", "0");
        refused("no-such.npy", "train", "gan", "--data", dir.resolve("no-such.npy").toString());
        refused("a-file is not a directory", "train", "vae", "--data", small.toString(), "--batch", "8", "--out",
                aFile.resolve("run").toString());
    }

    private Path write(String name, float[] values, int... shape) throws Exception {
        return Files.write(dir.resolve(name), Npy.encode(values, shape));
    }

    /** The command is refused with one line containing {@code cause}, and leaves no run directory. */
    private void refused(String cause, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(args));
        Path out = dir.resolve("run");
        if (!command.contains("--out")) {
            command.addAll(List.of("--out", out.toString()));
        }
        command.addAll(List.of("--device", "java"));
        JarProcess.Result r = JarProcess.run(dir, Map.of(), command);
        assertEquals(Main.EXIT_USAGE, r.code(), command + ": " + r.err());
        assertEquals(1, r.errLines().size(), command + ": one line on stderr, got " + r.errLines());
        String line = r.errLines().get(0);
        assertTrue(line.startsWith("latentcl: ") && line.contains(cause), command + ": " + line);
        assertFalse(Files.exists(out), command + ": no run directory left behind");
    }
}
