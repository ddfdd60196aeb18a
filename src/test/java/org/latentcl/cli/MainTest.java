package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.TestBackends;

/** The command line as a user runs it: exit codes, one-line errors, output. */
class MainTest {
    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static void oneLineUsageError(Run r, String mustContain) {
        assertEquals(Main.EXIT_USAGE, r.code(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, "one line on stderr, got: " + r.err());
        assertTrue(lines[0].startsWith("latentcl: ") && lines[0].contains(mustContain), lines[0]);
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void devicesListsOpenClDevicesAndJava() {
        TestBackends.cl();
        Run r = run("devices");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cl:0"), r.out());
        assertTrue(r.out().contains("java   Java backend"), r.out());
        assertTrue(r.out().contains("auto chooses cl:"), r.out());
        assertTrue(r.out().contains("<- auto"), r.out());
    }

    @Test
    void benchGemmPrintsJsonOnBothBackends() {
        TestBackends.cl();
        for (String device : new String[] {"java", "cl:0"}) {
            Run r = run("bench", "gemm", "--device", device, "--shape", "7x33x129", "--trans", "tn", "--repeat", "2", "--json");
            assertEquals(0, r.code(), r.err());
            String json = r.out().strip();
            assertTrue(json.startsWith("{\"op\":\"gemm\"") && json.endsWith("}"), json);
            assertTrue(json.contains("\"m\":7,\"n\":33,\"k\":129,\"trans\":\"TN\""), json);
            assertTrue(json.matches(".*\"gflops\":[0-9.]+}"), json);
        }
    }

    @Test
    void benchGemmPrintsASentence() {
        Run r = run("bench", "gemm", "--device", "java", "--shape", "16x16x16", "--repeat", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("gemm NN 16x16x16 on java \\(\\d+ threads?\\): median .* GFLOP/s\\s*"), r.out());
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() {
        oneLineUsageError(run("bench", "gemm", "--device", "java", "--shape", "12x3"), "--shape must be MxNxK");
        oneLineUsageError(run("bench", "gemm", "--device", "java", "--shape", "0x3x3"), "at least 1");
        oneLineUsageError(run("bench", "gemm", "--device", "java", "--trans", "XY"), "--trans");
        oneLineUsageError(run("bench", "gemm", "--device", "java", "--repeat", "0"), "--repeat");
        oneLineUsageError(run("bench", "gemm", "--repeat", "many"), "many");
        oneLineUsageError(run("bench", "gemm", "--frobnicate"), "--frobnicate");
        oneLineUsageError(run("frobnicate"), "frobnicate");
        oneLineUsageError(run("bench"), "bench needs an operation");
        oneLineUsageError(run(), "missing command");
    }

    @Test
    void unknownDeviceIsOneLineAndExitCodeTwo() {
        TestBackends.cl();
        oneLineUsageError(run("bench", "gemm", "--device", "cl:99"), "device 'cl:99' does not exist");
        oneLineUsageError(run("bench", "gemm", "--device", "quantum-gpu"), "no device matches 'quantum-gpu'");
    }

    @Test
    void versionAndHelp() {
        Run r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("latentcl "), r.out());
        r = run("bench", "gemm", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--shape") && r.out().contains("Default: 1024x1024x1024"), r.out());
    }
}
