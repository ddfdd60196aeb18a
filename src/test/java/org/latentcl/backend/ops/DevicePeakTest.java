package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Profiler;
import org.latentcl.backend.TestBackends;

/** The calibration that a profile's shares of peak divide by: measured, cached per device, never recorded in a profile. */
class DevicePeakTest {
    @TempDir
    Path cache;

    @Test
    void measuredOnceThenReadFromTheDevicesCacheFile() throws IOException {
        String before = System.getProperty("latentcl.cache");
        System.setProperty("latentcl.cache", cache.toString());
        try {
            Backend be = TestBackends.named("java");
            Profiler recording = new Profiler();
            be.profile(recording);
            DevicePeak peak = DevicePeak.of(be);
            assertTrue(peak.gflops() > 0.5 && peak.gbps() > 0.05, peak.toString());
            assertTrue(recording.ops().isEmpty(), "the calibration is not part of the profile");
            assertEquals(recording, be.profiler(), "the profile goes on recording");
            Path file = DevicePeak.file(be);
            assertTrue(Files.readString(file).startsWith("gflops="), "cached");
            Files.writeString(file, "gflops=123.4 gbps=5.67\n");
            assertEquals(new DevicePeak(123.4, 5.67), DevicePeak.of(be), "read back, not measured again");
            Files.writeString(file, "nonsense");
            assertNotEquals(new DevicePeak(123.4, 5.67), DevicePeak.of(be), "an unreadable file is measured again");
            be.profile(null);
        } finally {
            if (before == null) {
                System.clearProperty("latentcl.cache");
            } else {
                System.setProperty("latentcl.cache", before);
            }
        }
    }

    @Test
    void sharesAreOfThePeakAndNoneWithoutWork() {
        DevicePeak peak = new DevicePeak(200, 10);
        assertEquals(25.0, peak.flopShare(50), 1e-12);
        assertEquals(150.0, peak.byteShare(15), 1e-12, "above the calibration: the copy is not the only limit");
        assertTrue(Double.isNaN(peak.flopShare(0)) && Double.isNaN(peak.byteShare(Double.NaN)));
    }
}
