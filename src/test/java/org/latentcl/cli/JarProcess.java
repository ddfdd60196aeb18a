package org.latentcl.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The built jar (target/latentcl.jar) started as a user's shell starts it: no preloaded libjsig,
 * so it re-launches itself and signals meet the launcher first. Its stderr goes to a file.
 */
final class JarProcess {
    /** How a command ended: its exit code, its stdout lines and its stderr. */
    record Result(int code, List<String> out, String err) {
        /** The stderr lines, blank ones left out. */
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    final Process process;
    final BufferedReader out;
    private final Path err;

    private JarProcess(Process process, Path err) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.err = err;
    }

    /** Starts {@code java -jar target/latentcl.jar ARGS} in {@code workDir} with {@code environment} added. */
    static JarProcess start(Path workDir, Map<String, String> environment, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                System.getProperty("latentcl.jar")));
        cmd.addAll(args);
        Path err = Files.createTempFile(workDir, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectError(err.toFile());
        pb.environment().remove("LD_PRELOAD");
        pb.environment().remove(SignalChaining.GUARD);
        pb.environment().remove("LATENTCL_CDS");
        pb.environment().putAll(environment);
        return new JarProcess(pb.start(), err);
    }

    /** Runs the command to its end. */
    static Result run(Path workDir, Map<String, String> environment, List<String> args) throws Exception {
        return start(workDir, environment, args).finish(new ArrayList<>());
    }

    /** Waits for the command to exit, reading the rest of its stdout after {@code linesSoFar}. */
    Result finish(List<String> linesSoFar) throws Exception {
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> out.lines().forEach(linesSoFar::add));
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("timed out");
        }
        reader.get(10, TimeUnit.SECONDS);
        return new Result(process.exitValue(), linesSoFar, Files.readString(err));
    }
}
