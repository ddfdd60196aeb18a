package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.io.Safetensors;

/**
 * The built jar, run as a user runs it, on a disk that fills up: the shell's file-size limit
 * ({@code ulimit -f}) makes the kernel refuse a write part-way, exactly as a full disk does
 * (EFBIG where a full disk gives ENOSPC; the same failed write reaches the same code). Nothing
 * here needs privileges; tools/full-disk.sh does the same on a real full file system.
 */
class FullDiskIT {
    @TempDir
    Path dir;

    private record Result(int code, List<String> out, List<String> err) {
    }

    /** java -jar target/latentcl.jar ARGS in a shell whose files may be at most {@code limitKib} KiB ("unlimited" for none). */
    private Result jar(String limitKib, Path cache, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -f " + limitKib + " && exec \"$0\" \"$@\"",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", System.getProperty("latentcl.jar")));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        // As a user's shell: no preloaded libjsig (the jar re-launches itself with it, and writes its start-up archive then).
        pb.environment().remove("LD_PRELOAD");
        pb.environment().remove(SignalChaining.GUARD);
        pb.environment().remove("LATENTCL_CDS");
        pb.environment().put("LATENTCL_CACHE", cache.toString());
        Process p = pb.start();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Result(p.exitValue(), lines(out), lines(err));
    }

    private static List<String> lines(Path f) throws IOException {
        return Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
    }

    private static Map<String, byte[]> snapshot(Path run) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (var list = Files.list(run)) {
            for (Path f : list.toList()) {
                files.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        return files;
    }

    /** Exit 2 and, besides the device's INFO line, exactly the one error line. */
    private static void oneLine(Result r, String expected) {
        assertEquals(Main.EXIT_USAGE, r.code(), r.out() + " " + r.err());
        List<String> errors = r.err().stream().filter(l -> !l.startsWith("INFO ")).toList();
        assertEquals(List.of(expected), errors);
        assertTrue(r.out().stream().noneMatch(l -> l.contains("archive") || l.startsWith("Error")), "stdout: " + r.out());
    }

    @Test
    void aDiskThatFillsMidRunStopsItWithOneLineAndTheLastEpochAsItWas() throws Exception {
        Path data = Cli.digits(dir, 300);
        Path cache = Files.createDirectory(dir.resolve("cache"));
        for (String model : new String[] {"vae", "gan"}) {
            Path run = dir.resolve(model);
            String[] common = {"--device", "java", "--quiet"};
            assertEquals(Main.EXIT_OK, Cli.run(join(new String[] {"train", model, "--data", data.toString(), "--epochs", "1", "--batch", "64",
                "--out", run.toString()}, common)).code());
            Map<String, byte[]> epoch1 = snapshot(run);

            // A limit between the checkpoint's size and the training state's (twice as large: Adam's two moments): epoch 2's checkpoint
            // can be written, its state cannot, and the two must not part (a resume would mix epoch 2's weights with epoch 1's state).
            long limit = (epoch1.get("checkpoint.safetensors").length + epoch1.get("state.safetensors").length) / 2 / 1024;
            Result full = jar(Long.toString(limit), cache, join(new String[] {"train", model, "--resume", run.toString(), "--epochs", "2"}, common));
            oneLine(full, "latentcl: cannot write " + run.resolve("state.safetensors") + ": File too large. The run stopped in epoch 2. "
                    + "The checkpoint from the end of epoch 1 is intact in " + run + "; continue with: train " + model + " --resume " + run
                    + " --epochs 2");
            Map<String, byte[]> after = snapshot(run);
            assertEquals(epoch1.keySet(), after.keySet(), model + ": no file added (no temporary file left)");
            for (String name : epoch1.keySet()) {
                assertArrayEquals(epoch1.get(name), after.get(name), model + ": " + name + " as epoch 1 left it");
            }

            // With room again, the resumed run ends where a straight two-epoch run ends.
            assertEquals(Main.EXIT_OK, Cli.run(join(new String[] {"train", model, "--resume", run.toString(), "--epochs", "2"}, common)).code());
            Path straight = dir.resolve(model + "-straight");
            assertEquals(Main.EXIT_OK, Cli.run(join(new String[] {"train", model, "--data", data.toString(), "--epochs", "2", "--batch", "64",
                "--out", straight.toString()}, common)).code());
            var resumed = Safetensors.read(run.resolve("checkpoint.safetensors")).tensors();
            var expected = Safetensors.read(straight.resolve("checkpoint.safetensors")).tensors();
            assertEquals(expected.keySet(), resumed.keySet());
            for (String name : expected.keySet()) {
                assertArrayEquals(expected.get(name).data(), resumed.get(name).data(), model + " " + name);
            }
        }
    }

    @Test
    void aFirstEpochThatCannotBeSavedLeavesNoHalfFile() throws Exception {
        Path data = Cli.digits(dir, 300);
        Path run = dir.resolve("fresh");
        Result r = jar("256", Files.createDirectory(dir.resolve("cache")), "train", "vae", "--data", data.toString(), "--epochs", "2",
                "--batch", "64", "--device", "java", "--quiet", "--out", run.toString());
        oneLine(r, "latentcl: cannot write " + run.resolve("checkpoint.safetensors") + ": File too large. The run stopped in epoch 1. "
                + "No epoch had finished, so no checkpoint was saved.");
        try (var files = Files.list(run)) {
            assertEquals(List.of(), files.toList(), "nothing half-written in the run directory");
        }
    }

    /**
     * The jar's re-launched JVM writes its class-data archive at exit; on a full disk that write
     * fails, and the JVM then exits with 1 and prints its own lines. The command's result stands.
     */
    @Test
    void aStartUpArchiveThatCannotBeWrittenDoesNotTurnSuccessIntoFailure() throws Exception {
        Path cache = Files.createDirectory(dir.resolve("cache"));
        Result full = jar("1024", cache, "devices");
        assertEquals(Main.EXIT_OK, full.code(), full.out() + " " + full.err());
        assertTrue(full.out().stream().anyMatch(l -> l.startsWith("java ")), "the device list: " + full.out());
        assertTrue(full.out().stream().noneMatch(l -> l.contains("archive") || l.startsWith("Error")), "stdout: " + full.out());
        assertEquals(List.of(), full.err().stream().filter(l -> !l.startsWith("INFO ")).toList());
        assertEquals(List.of(), archives(cache), "no archive kept from a failed write");

        // With room, the same command writes the archive: the run above did try to.
        Result roomy = jar("unlimited", cache, "devices");
        assertEquals(Main.EXIT_OK, roomy.code(), roomy.err().toString());
        List<String> kept = archives(cache);
        assertEquals(1, kept.size(), kept.toString());
        assertTrue(kept.get(0).matches("latentcl-[0-9a-f]+\\.jsa"), kept.toString());

        // And a failing command keeps its own exit code when the archive write fails too.
        Result bad = jar("1024", Files.createDirectory(dir.resolve("cache2")), "train", "vae", "--epochs", "two");
        assertEquals(Main.EXIT_USAGE, bad.code(), bad.err().toString());
        assertEquals(1, bad.err().size(), bad.err().toString());
    }

    private static List<String> archives(Path cache) throws IOException {
        Path cds = cache.resolve("cds");
        if (!Files.isDirectory(cds)) {
            return List.of();
        }
        try (var files = Files.list(cds)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static String[] join(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void helpersSeeTheJar() {
        assertFalse(System.getProperty("latentcl.jar", "").isEmpty(), "failsafe passes the jar's path");
        assertTrue(Files.isRegularFile(Path.of(System.getProperty("latentcl.jar"))), "the jar is built before the integration tests");
    }
}
