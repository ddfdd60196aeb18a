package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input as a user sees it: the command in a process of its own, its real stderr (log lines
 * included) holding exactly one line, exit code 2. Commands check their input before they open a
 * device, so the device's INFO line never comes before an input error.
 */
class RealStderrTest {
    @TempDir
    Path dir;

    private record Result(int code, String out, List<String> err) {
    }

    private Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "org.latentcl.cli.Main"));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        List<String> lines = Files.readAllLines(err, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        return new Result(p.exitValue(), Files.readString(out), lines);
    }

    private void oneLine(String mustContain, String... args) throws IOException, InterruptedException {
        Result r = run(args);
        assertEquals(Main.EXIT_USAGE, r.code(), String.join(" ", args) + ": " + r.err());
        assertEquals(1, r.err().size(), String.join(" ", args) + " printed on stderr: " + r.err());
        assertTrue(r.err().get(0).startsWith("latentcl: ") && r.err().get(0).contains(mustContain), r.err().get(0));
    }

    @Test
    void everyCommandsBadInputIsOneLineOnTheRealStderr() throws Exception {
        Path junk = dir.resolve("junk.safetensors");
        Files.writeString(junk, "this is not a checkpoint at all");
        Path noConfig = dir.resolve("no-config.safetensors");
        org.latentcl.io.Safetensors.write(noConfig, java.util.Map.of("model", "gan"), List.of());
        oneLine("not a safetensors file", "sample", "--checkpoint", junk.toString(), "--out", dir.resolve("a.png").toString(), "--device", "java");
        oneLine("has no 'config'", "sample", "--checkpoint", noConfig.toString(), "--out", dir.resolve("a.png").toString(), "--device", "java");
        oneLine("has no 'config'", "eval", "--checkpoint", noConfig.toString(), "--device", "java");
        oneLine("no such file", "train", "vae", "--data", dir.resolve("none.npy").toString(), "--device", "java", "--out",
                dir.resolve("r1").toString());
        oneLine("--pack 3 must divide the batch", "train", "gan", "--pack", "3", "--device", "java", "--out", dir.resolve("r2").toString());
        oneLine("no such file", "train", "classifier", "--data", dir.resolve("none.npy").toString(), "--device", "java");
        oneLine("does not exist", "selftest", "--device", "cl:99");
        oneLine("--shape", "bench", "gemm", "--shape", "12x", "--device", "java");
        oneLine("--epochs", "train", "vae", "--epochs", "two");
        assertTrue(Files.notExists(dir.resolve("r1")) && Files.notExists(dir.resolve("r2")), "no run directory after bad input");
    }
}
