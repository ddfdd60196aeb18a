package org.latentcl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latentcl.spark.GpuMapping.ClGpu;

/** Spark's GPU addresses mapped to OpenCL devices, on made-up hosts. */
class GpuMappingTest {
    /** Four NVIDIA GPUs whose OpenCL platform lists them out of PCI bus order (as a FASTEST_FIRST order can). */
    private static final List<ClGpu> FOUR = List.of(new ClGpu("cl:0", "A100 (b)", "0000:5e:00.0"), new ClGpu("cl:1", "A100 (a)", "0000:3b:00.0"),
            new ClGpu("cl:2", "A100 (d)", "0000:d8:00.0"), new ClGpu("cl:3", "A100 (c)", "0000:af:00.0"));

    @Test
    void busIdsAreMatchedWhateverTheirSpelling() {
        assertEquals("0000:3b:00.0", GpuMapping.normalBusId("3B:00.0"));
        assertEquals("0001:0a:1f.3", GpuMapping.normalBusId("00000001:0A:1F.3"));
        assertNull(GpuMapping.normalBusId("2"));
        GpuMapping.Mapped m = GpuMapping.map(List.of("00000000:D8:00.0", "3b:00.0"), FOUR, "h1");
        assertEquals("cl:2,cl:1", m.devices());
        assertTrue(m.warnings().isEmpty());
    }

    @Test
    void indicesCountInPciBusOrderWhenEveryGpuReportsItsBus() {
        // nvidia-smi's index 0 is the lowest bus (3b: cl:1), 1 is 5e (cl:0), 2 is af (cl:3), 3 is d8 (cl:2).
        GpuMapping.Mapped m = GpuMapping.map(List.of("0", "1", "2", "3"), FOUR, "h1");
        assertEquals("cl:1,cl:0,cl:3,cl:2", m.devices());
        assertTrue(m.warnings().isEmpty());
    }

    @Test
    void withoutBusIdsIndicesFollowThePlatformOrderWithAWarning() {
        List<ClGpu> unknown = List.of(new ClGpu("cl:0", "Radeon", null), new ClGpu("cl:1", "Radeon", null));
        GpuMapping.Mapped m = GpuMapping.map(List.of("1"), unknown, "h2");
        assertEquals("cl:1", m.devices());
        assertEquals(1, m.warnings().size());
        assertTrue(m.warnings().get(0).contains("reports no PCI bus ids"), m.warnings().get(0));
    }

    @Test
    void anAddressThatNamesNoDeviceOfTheHostIsOneLineNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GpuMapping.map(List.of("0000:01:00.0"), FOUR, "h1"));
        assertTrue(e.getMessage().contains("PCI bus 0000:01:00.0") && e.getMessage().contains("h1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GpuMapping.map(List.of("4"), FOUR, "h1"));
        assertTrue(e.getMessage().contains("GPU 4, but h1 has 4 OpenCL GPU(s)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GpuMapping.map(List.of("gpu-a"), FOUR, "h1"));
        assertTrue(e.getMessage().contains("neither an index nor a PCI bus id"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GpuMapping.map(List.of("0", "3b:00.0"), FOUR, "h1"));
        assertTrue(e.getMessage().contains("assigned cl:1 twice"), e.getMessage());
    }
}
