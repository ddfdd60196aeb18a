package org.latentcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The GPU code paths under the simulator: selftest runs every kernel in its CPU and in its GPU
 * variant (a process each) on Oclgrind with race, uninitialized-value and API checks on, and passes with no report;
 * and the checker itself works: a kernel with a deliberate race is reported. Each runs in a process
 * of its own, because Oclgrind reads its checks from the environment when it loads. Without
 * Oclgrind registered these tests are skipped, except under CI=true, where they fail.
 */
class OclgrindTest {
    @TempDir
    Path dir;

    /** Runs a class of the test classpath in a new JVM with the checked environment; returns {exit code, output}. */
    private Object[] run(Path log, long timeoutSeconds, String... mainAndArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.addAll(List.of(mainAndArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(Oclgrind.checkedEnvironment(log));
        pb.environment().put("LD_PRELOAD", Path.of(System.getProperty("java.home"), "lib", "libjsig.so").toString());
        Path output = dir.resolve("output.txt");
        pb.redirectOutput(output.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out after " + timeoutSeconds + " s: " + String.join(" ", mainAndArgs) + "\n" + Files.readString(output));
        }
        return new Object[] {p.exitValue(), Files.readString(output, StandardCharsets.UTF_8)};
    }

    /**
     * One variant per process, each with its own time limit: on an idle 2-core machine the CPU variant takes ~25 s and
     * the GPU variant ~300 s (its local-memory GEMM tiles are interpreted in full, padding included; the long-K check
     * alone ~110 s), and in CI beside the other tests both together took up to 385 s.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "gpu"})
    void selftestOnTheSimulatorPassesEachKernelVariantWithChecksOn(String variant) throws IOException, InterruptedException {
        Simulator.require();
        Path log = dir.resolve("oclgrind-" + variant + ".log");
        // A guard against a hang, not a speed check: three times the idle time leaves room for a busy machine.
        Object[] r = run(log, 900, "org.latentcl.cli.Main", "selftest", "--device", "oclgrind", "--kernels", variant);
        String out = (String) r[1];
        String reports = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        assertEquals(0, r[0], "selftest on Oclgrind failed:\n" + out + "\nreports:\n" + reports);
        // One table, the variant asked for (Oclgrind's own style is the GPU one, so only the forced CPU table is
        // marked), every check of the registry in it, all passed.
        int checks = org.latentcl.backend.ops.SelfTest.all().size();
        assertEquals(1, out.split("\nselftest on cl:", -1).length - 1 + (out.startsWith("selftest on cl:") ? 1 : 0), "one table:\n" + out);
        assertEquals(variant.equals("cpu"), out.contains("Oclgrind Simulator [cpu kernels]\n"), "the " + variant + " variant's table:\n" + out);
        assertTrue(out.contains("all " + checks + " checks passed"), "the " + checks + " checks:\n" + out);
        assertTrue(out.contains("race, uninitialized-value and API checks on"), out);
        assertEquals("", reports.trim(), "Oclgrind reports");
    }

    @Test
    void aKernelWithADataRaceIsReported() throws IOException, InterruptedException {
        Simulator.require();
        Path log = dir.resolve("racy.log");
        Object[] r = run(log, 120, RacyKernelRun.class.getName());
        assertEquals(0, r[0], (String) r[1]);
        String reports = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        assertTrue(reports.toLowerCase().contains("data race"), "the race was not reported; log:\n" + reports + "\noutput:\n" + r[1]);
        assertTrue(reports.contains("racy"), "the report names the kernel:\n" + reports);
    }
}
