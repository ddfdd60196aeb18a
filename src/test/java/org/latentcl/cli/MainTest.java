package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.latentcl.backend.TestBackends;

/** The command line as a user runs it: exit codes, one-line errors, output. */
class MainTest {
    @Test
    void devicesListsOpenClDevicesAndJava() {
        TestBackends.cl();
        Cli.Run r = Cli.run("devices");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cl:0"), r.out());
        assertTrue(r.out().contains("java   Java backend"), r.out());
        assertTrue(r.out().contains("auto chooses cl:"), r.out());
        assertTrue(r.out().contains("<- auto"), r.out());
    }

    @Test
    void benchGemmPrintsJsonOnBothBackends() {
        TestBackends.cl();
        for (String device : new String[] {"java", TestBackends.cl().device().id()}) {
            Cli.Run r = Cli.run("bench", "gemm", "--device", device, "--shape", "7x33x129", "--trans", "tn", "--repeat", "2", "--json");
            assertEquals(0, r.code(), r.err());
            String json = r.out().strip();
            assertTrue(json.startsWith("{\"op\":\"gemm\"") && json.endsWith("}"), json);
            assertTrue(json.contains("\"m\":7,\"n\":33,\"k\":129,\"trans\":\"TN\""), json);
            assertTrue(json.matches(".*\"gflops\":[0-9.]+}"), json);
        }
    }

    @Test
    void benchGemmPrintsASentence() {
        Cli.Run r = Cli.run("bench", "gemm", "--device", "java", "--shape", "16x16x16", "--repeat", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("gemm NN 16x16x16 on java \\(\\d+ threads?\\): median .* GFLOP/s\\s*"), r.out());
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() {
        Cli.usageError(Cli.run("bench", "gemm", "--device", "java", "--shape", "12x3"), "--shape must be MxNxK");
        Cli.usageError(Cli.run("bench", "gemm", "--device", "java", "--shape", "0x3x3"), "at least 1");
        Cli.usageError(Cli.run("bench", "gemm", "--device", "java", "--trans", "XY"), "--trans");
        Cli.usageError(Cli.run("bench", "gemm", "--device", "java", "--repeat", "0"), "--repeat");
        Cli.usageError(Cli.run("bench", "gemm", "--repeat", "many"), "many");
        Cli.usageError(Cli.run("bench", "gemm", "--frobnicate"), "--frobnicate");
        Cli.usageError(Cli.run("frobnicate"), "frobnicate");
        Cli.usageError(Cli.run("bench"), "bench needs an operation");
        Cli.usageError(Cli.run("bench", "gemm", "--tune", "--device", "java"), "--tune searches OpenCL launch shapes");
        Cli.usageError(Cli.run("bench", "conv", "--model", "resnet"), "--model must be convvae, dcgan or all");
        Cli.usageError(Cli.run("bench", "conv", "--repeat", "0"), "--repeat must be at least 1");
        Cli.usageError(Cli.run("bench", "conv", "--batch", "0"), "--batch must be at least 1");
        Cli.usageError(Cli.run("bench", "conv", "--device", "java"), "bench conv compares OpenCL kernels");
        Cli.usageError(Cli.run(), "missing command");
    }

    @Test
    void unknownDeviceIsOneLineAndExitCodeTwo() {
        TestBackends.cl();
        Cli.usageError(Cli.run("bench", "gemm", "--device", "cl:99"), "device 'cl:99' does not exist");
        Cli.usageError(Cli.run("bench", "gemm", "--device", "quantum-gpu"), "no device matches 'quantum-gpu'");
    }

    @Test
    void versionAndHelp() {
        Cli.Run r = Cli.run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("latentcl "), r.out());
        r = Cli.run("bench", "gemm", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--shape") && r.out().contains("Default: 1024x1024x1024"), r.out());
    }

    @Test
    void selftestPrintsATableAndPasses() {
        TestBackends.cl();
        Cli.Run r = Cli.run("selftest", "--device", TestBackends.cl().device().id());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("philox4x32-10 known answer               pass"), r.out());
        assertTrue(r.out().matches("(?s).*all \\d+ checks passed in .*"), r.out());
    }
}
