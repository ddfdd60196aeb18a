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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU code paths under the simulator: selftest runs every kernel in both its CPU and its GPU
 * variants on Oclgrind with race, uninitialized-value and API checks on, and passes with no report;
 * and the checker itself works: a kernel with a deliberate race is reported. Each runs in a process
 * of its own, because Oclgrind reads its checks from the environment when it loads. Without
 * Oclgrind registered these tests are skipped, except under CI=true, where they fail.
 */
class OclgrindTest {
    @TempDir
    Path dir;

    private static void requireSimulator() {
        OpenCl.Discovery found = OpenCl.discover();
        boolean present = found.available() && found.devices().stream().anyMatch(ClDeviceInfo::isSimulator);
        if (!present) {
            String why = "Oclgrind is not registered with the ICD loader (tools/setup-opencl.sh does it)";
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true requires the simulator for the GPU-path tests, but " + why);
            }
            Assumptions.abort(why);
        }
    }

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

    @Test
    void selftestOnTheSimulatorPassesEveryKernelVariantWithChecksOn() throws IOException, InterruptedException {
        requireSimulator();
        Path log = dir.resolve("oclgrind.log");
        // 190-260 s on an idle 2-core machine; the limit leaves room for a busy one (it checks correctness, not speed).
        Object[] r = run(log, 480, "org.latentcl.cli.Main", "selftest", "--device", "oclgrind");
        String out = (String) r[1];
        String reports = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        assertEquals(0, r[0], "selftest on Oclgrind failed:\n" + out + "\nreports:\n" + reports);
        // Both variants: two tables (Oclgrind's own style is the GPU one, so only the forced CPU table is marked), every
        // check of the registry in each, all passed.
        int checks = org.latentcl.backend.ops.SelfTest.all().size();
        assertEquals(2, out.split("\nselftest on cl:", -1).length - 1 + (out.startsWith("selftest on cl:") ? 1 : 0), "two tables:\n" + out);
        assertTrue(out.contains("Oclgrind Simulator [cpu kernels]\n"), "the CPU variant's table:\n" + out);
        assertTrue(out.contains("all " + 2 * checks + " checks passed"), "both variants' " + checks + " checks:\n" + out);
        assertTrue(out.contains("race, uninitialized-value and API checks on"), out);
        assertEquals("", reports.trim(), "Oclgrind reports");
    }

    @Test
    void aKernelWithADataRaceIsReported() throws IOException, InterruptedException {
        requireSimulator();
        Path log = dir.resolve("racy.log");
        Object[] r = run(log, 120, RacyKernelRun.class.getName());
        assertEquals(0, r[0], (String) r[1]);
        String reports = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        assertTrue(reports.toLowerCase().contains("data race"), "the race was not reported; log:\n" + reports + "\noutput:\n" + r[1]);
        assertTrue(reports.contains("racy"), "the report names the kernel:\n" + reports);
    }
}
