package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Profiler;
import org.latentcl.backend.TestBackends;

/** The calibration that a profile's shares of peak divide by: measured, cached per device, never recorded in a profile. */
class DevicePeakTest {
    @TempDir
    Path cache;
    private String before;

    /** Every calibration here is cached under the test's own directory. */
    @BeforeEach
    void cacheHere() {
        before = System.getProperty("latentcl.cache");
        System.setProperty("latentcl.cache", cache.toString());
    }

    @AfterEach
    void cacheBack() {
        if (before == null) {
            System.clearProperty("latentcl.cache");
        } else {
            System.setProperty("latentcl.cache", before);
        }
    }

    @Test
    void measuredOnceThenReadFromTheDevicesCacheFile() throws IOException {
        Backend be = TestBackends.named("java");
        Profiler recording = new Profiler();
        be.profile(recording);
        DevicePeak peak = DevicePeak.of(be, new FixedLoad(0));
        assertTrue(peak.gflops() > 0.5 && peak.gbps() > 0.05, peak.toString());
        assertTrue(recording.ops().isEmpty(), "the calibration is not part of the profile");
        assertEquals(recording, be.profiler(), "the profile goes on recording");
        Path file = DevicePeak.file(be);
        assertTrue(Files.readString(file).startsWith("gflops="), "cached");
        Files.writeString(file, "gflops=123.4 gbps=5.67\n");
        assertEquals(new DevicePeak(123.4, 5.67), DevicePeak.of(be, new FixedLoad(0)), "read back, not measured again");
        Files.writeString(file, "nonsense");
        assertNotEquals(new DevicePeak(123.4, 5.67), DevicePeak.of(be, new FixedLoad(0)), "an unreadable file is measured again");
        be.profile(null);
    }

    /** A load that reports {@code others} for the calibration and counts how often it was opened. */
    private static final class FixedLoad implements DevicePeak.OthersLoad {
        final double others;
        int started;

        FixedLoad(double others) {
            this.others = others;
        }

        @Override
        public void start() {
            started++;
        }

        @Override
        public double others() {
            return others;
        }
    }

    @Test
    void aCalibrationTakenWhileOtherProcessesKeepTheCpusBusyIsNotCached() throws IOException {
        Backend be = TestBackends.named("java");
        Path file = DevicePeak.file(be);
        FixedLoad busy = new FixedLoad(0.6);
        DevicePeak peak = DevicePeak.of(be, busy);
        assertEquals(1, busy.started, "the load is measured over the calibration");
        assertTrue(peak.takenWhileBusy() && peak.othersLoad() == 0.6 && peak.gflops() > 0, peak.toString());
        assertFalse(Files.exists(file), "not cached");
        String table = org.latentcl.train.ProfileReport.table(new Profiler(), "test device", peak);
        assertTrue(table.contains("note: the calibration ran while other processes used 60% of the CPUs"), table);
        FixedLoad quiet = new FixedLoad(0.2);
        DevicePeak second = DevicePeak.of(be, quiet);
        assertEquals(1, quiet.started, "measured again");
        assertFalse(second.takenWhileBusy(), second.toString());
        assertTrue(Files.readString(file).startsWith("gflops="), "a quiet calibration is cached");
        assertFalse(org.latentcl.train.ProfileReport.table(new Profiler(), "test device", second).contains("note:"));
        FixedLoad after = new FixedLoad(0.9);
        DevicePeak cached = DevicePeak.of(be, after);
        assertEquals(0, after.started, "read from the cache: nothing measured");
        assertEquals(0.0, cached.othersLoad());
    }

    @Test
    void theJvmsLoadReadingsAreFoundByName() {
        DevicePeak.OthersLoad load = DevicePeak.OthersLoad.system();
        assertNotSame(DevicePeak.OthersLoad.NONE, load, "this JDK has jdk.management: the load is measured");
        load.start();
        double others = load.others();
        assertTrue(others >= 0 && others <= 1, "a share of the CPUs: " + others);
    }

    @Test
    void sharesAreOfThePeakAndNoneWithoutWork() {
        DevicePeak peak = new DevicePeak(200, 10);
        assertEquals(25.0, peak.flopShare(50), 1e-12);
        assertEquals(150.0, peak.byteShare(15), 1e-12, "above the calibration: the copy is not the only limit");
        assertTrue(Double.isNaN(peak.flopShare(0)) && Double.isNaN(peak.byteShare(Double.NaN)));
    }
}
