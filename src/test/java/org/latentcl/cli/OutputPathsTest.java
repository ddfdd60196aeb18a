package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file a command writes fails cleanly where it cannot be written: exit 2, one line naming
 * the path and the cause, and nothing half-written left behind. /proc and /sys refuse new files even
 * to root; a non-empty directory in a file's place stops the rename that finishes every write.
 */
class OutputPathsTest {
    @TempDir
    Path dir;
    private Path data;
    private Path checkpoint;

    @BeforeEach
    void smallRun() throws IOException {
        data = Cli.digits(dir, 120);
        Path run = dir.resolve("run");
        Cli.Run r = Cli.run("train", "vae", "--data", data.toString(), "--epochs", "1", "--batch", "60", "--hidden", "16", "--latent", "2",
                "--device", "java", "--quiet", "--out", run.toString());
        assertTrue(r.code() == 0, r.err());
        checkpoint = run.resolve("checkpoint.safetensors");
    }

    @Test
    void samplesThatCannotBeWrittenAreOneLine() {
        Cli.usageError(Cli.run("sample", "--checkpoint", checkpoint.toString(), "--out", "/proc/latentcl-x.png", "--device", "java"),
                "cannot write /proc/latentcl-x.png: ");
        Cli.usageError(Cli.run("sample", "--checkpoint", checkpoint.toString(), "--out", "/sys/latentcl-x.npy", "--device", "java"),
                "cannot write /sys/latentcl-x.npy: ");
        Cli.usageError(Cli.run("sample", "--checkpoint", checkpoint.toString(), "--out", "/proc/latentcl/x.csv", "--device", "java"),
                "cannot write /proc/latentcl");
    }

    @Test
    void aSampleIntoAMissingDirectoryCreatesIt() {
        Path out = dir.resolve("new").resolve("deeper").resolve("x.csv");
        Cli.Run r = Cli.run("sample", "--checkpoint", checkpoint.toString(), "--out", out.toString(), "--n", "3", "--device", "java");
        assertTrue(r.code() == 0 && Files.isRegularFile(out), r.err());
    }

    /** A file of the run directory that cannot be written mid-run stops the run with its name; no temporary file stays. */
    @Test
    void runFilesThatCannotBeWrittenStopTheRunWithTheirName() throws IOException {
        String[][] cases = {
            {"vae", "checkpoint.safetensors"},
            {"vae", "metrics.jsonl"},
            {"gan", "loss.png"},
            {"gan", "state.safetensors"},
            {"vae", "profile.txt", "--profile"},
            {"gan", "trace.json", "--profile"},
        };
        for (String[] c : cases) {
            Path out = dir.resolve(c[0] + "-" + c[1]);
            // A non-empty directory where the file should go: the write's final rename cannot replace it.
            Files.createDirectories(out.resolve(c[1]).resolve("in-the-way"));
            String[] base = {"train", c[0], "--data", data.toString(), "--epochs", "1", "--batch", "60", "--device", "java", "--quiet",
                "--force", "--out", out.toString()};
            String[] args = c.length > 2 ? concat(base, c[2]) : base;
            Cli.usageError(Cli.run(args), "cannot write " + out.resolve(c[1]) + ": ");
            try (Stream<Path> files = Files.walk(out)) {
                assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), c[1] + ": a temporary file was left");
            }
        }
    }

    private static String[] concat(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }
}
