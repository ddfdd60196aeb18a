package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Profiler;
import org.latentcl.backend.TestBackends;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Decoder;
import org.latentcl.io.Json;
import org.latentcl.model.VaeConfig;

class ProfileReportTest {
    @TempDir
    Path dir;

    @Test
    void tableSumsCallsTimesSharesAndRates() {
        Profiler p = new Profiler();
        p.span("step", 0, 10_000);
        p.span("step", 10_000, 20_000);
        p.span("epoch 1", 0, 20_000);
        // Two GEMMs of 1 MFLOP in 1 us each (1000 GFLOP/s), one elementwise kernel of 2 us, one transfer.
        p.add(new Profiler.Op("gemm", "kernel", 100, 150, 200, 1_200, 1e6, 0));
        p.add(new Profiler.Op("gemm", "kernel", 10_100, 10_150, 10_200, 11_200, 1e6, 0));
        p.add(new Profiler.Op("axpy", "kernel", 10_300, 10_350, 11_300, 13_300, 0, 8000));
        p.add(new Profiler.Op("transfer:read", "transfer", 30_000, 30_000, 30_000, 31_000, 0, 4000));
        String t = ProfileReport.table(p, "test device");
        String gemm = t.lines().filter(l -> l.startsWith("gemm")).findFirst().orElseThrow();
        // Shares of the 5 us the device recorded, the transfer's 1 us included: 2, 2 and 1.
        assertTrue(gemm.matches("gemm\\s+2\\s+0\\.00\\s+1\\.0\\s+1\\.0\\s+1\\.0\\s+40\\.0%\\s+1000\\.0\\s+-"), gemm);
        String axpy = t.lines().filter(l -> l.startsWith("axpy")).findFirst().orElseThrow();
        assertTrue(axpy.matches("axpy\\s+1\\s+0\\.00\\s+2\\.0\\s+2\\.0\\s+2\\.0\\s+40\\.0%\\s+-\\s+4\\.00"), axpy);
        String read = t.lines().filter(l -> l.startsWith("transfer:read")).findFirst().orElseThrow();
        assertTrue(read.matches("transfer:read\\s+1\\s+0\\.00\\s+1\\.0\\s+1\\.0\\s+1\\.0\\s+20\\.0%\\s+-\\s+4\\.00"), read);
        assertTrue(t.contains("steps: 2; launches per step: 1.5; wall time per step 10.0 us, of which device (kernel) time 2.0 us "
                + "and host overhead 8.0 us (80%)"), t);
        assertTrue(t.contains("host<->device transfers: 1, 0.00 MB, 0.00 ms"), t);
        Map<?, ?> trace = (Map<?, ?>) Json.parse(ProfileReport.trace(p));
        List<?> events = (List<?>) trace.get("traceEvents");
        assertEquals(3 + 3 + 4, events.size());
    }

    /** With the device's peak, each row's and each layer's rates also as shares of it. */
    @Test
    void sharesOfTheDevicesPeak() {
        Profiler p = new Profiler();
        // A GEMM of 1 MFLOP in 1 us (1000 GFLOP/s) and an elementwise kernel moving 8000 bytes in 2 us (4 GB/s), in one layer.
        p.add(new Profiler.Op("gemm", "kernel", 100, 150, 200, 1_200, 1e6, 0, "decoder.0"));
        p.add(new Profiler.Op("axpy", "kernel", 1_300, 1_350, 1_300, 3_300, 0, 8000, "decoder.0"));
        String t = ProfileReport.table(p, "test device", new org.latentcl.backend.ops.DevicePeak(2000, 8));
        assertTrue(t.contains("device peak (calibration): 2000.0 GFLOP/s (a 1024^3 GEMM), 8.0 GB/s (a 64 MiB copy)"), t);
        String gemm = t.lines().filter(l -> l.startsWith("gemm")).findFirst().orElseThrow();
        assertTrue(gemm.matches(".*\\s1000\\.0\\s+-\\s+0\\.001\\s+-\\s+50\\.0%\\s+-"), gemm);
        String axpy = t.lines().filter(l -> l.startsWith("axpy")).findFirst().orElseThrow();
        assertTrue(axpy.matches(".*\\s-\\s+4\\.00\\s+-\\s+0\\.01\\s+-\\s+50\\.0%"), axpy);
        // The layer: 1 MFLOP and 8000 bytes in 3 us: 333.3 GFLOP/s (16.7% of 2000) and 2.67 GB/s (33.3% of 8).
        String layer = t.lines().filter(l -> l.startsWith("decoder.0")).findFirst().orElseThrow();
        assertTrue(layer.matches("decoder\\.0\\s+2\\s+0\\.00\\s+100\\.0%\\s+333\\.3\\s+2\\.67\\s+16\\.7%\\s+33\\.3%"), layer);
        assertTrue(!ProfileReport.table(p, "test device").contains("%FLOP"), "no shares without a peak");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void aProfiledRunWritesTheTableAndTheTrace(String name) throws IOException {
        Backend be = TestBackends.named(name);
        DataSplit data = VaeTrainingTest.small();
        VaeConfig cfg = new VaeConfig(784, new int[] {32}, 4, Decoder.BERNOULLI, 1f);
        StringBuilder printed = new StringBuilder();
        VaeTraining.run(be, data, cfg, new VaeTraining.Options(1, 100, 1e-3f, 1, dir, false, "default", true), new RunListener() {
            @Override
            public void info(String message) {
                printed.append(message);
            }
        });
        String table = Files.readString(dir.resolve(ProfileReport.TABLE));
        assertEquals(table, printed.toString(), "the table is printed as well");
        assertTrue(table.contains(name.equals("cl") ? "gemm:gemm [TRANS_A=0 TRANS_B=1" : "gemm NT"), table);
        assertTrue(table.contains("steps: 6; launches per step: "), table);
        assertTrue(table.contains("device peak (calibration): ") && table.contains("%FLOP"), "a calibrated device's shares: " + table);
        // The totals agree with the run: a step of this small VAE (no transposed weights) is 21 launches
        // plus the batch gather on OpenCL, and 2 fewer operations in Java, whose loss sums need no second
        // reduction pass. A buffer zero-filled once at the first step (depending on what earlier tests
        // left allocated) adds a fraction. Launches are placed by the host's clock at their enqueue, so none
        // of the test pass right after the epoch counts (with the device's clock mapped onto the host's, a
        // few hundred microseconds off, it did when steps were short: 24.3 in one CI run).
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "launches per step: ([0-9.]+); wall time per step ([0-9.]+) us, of which device \\(kernel\\) time ([0-9.]+) us").matcher(table);
        assertTrue(m.find(), table);
        double perStep = Double.parseDouble(m.group(1));
        double expected = name.equals("cl") ? 22.0 : 20.0;
        assertTrue(perStep >= expected && perStep < expected + 0.5, "launches per step " + perStep + ", expected " + expected + "\n" + table);
        assertTrue(Double.parseDouble(m.group(3)) <= Double.parseDouble(m.group(2)), table);
        Map<?, ?> trace = (Map<?, ?>) Json.parse(Files.readString(dir.resolve(ProfileReport.TRACE)));
        assertTrue(((List<?>) trace.get("traceEvents")).size() > 6 * 20);
        assertTrue(be.getClass().getSimpleName().startsWith(name.equals("cl") ? "Cl" : "Java"));
    }
}
