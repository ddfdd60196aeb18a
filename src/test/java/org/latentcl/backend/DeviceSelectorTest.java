package org.latentcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.latentcl.backend.ops.Gemm;
import org.latentcl.opencl.ClDeviceInfo;

class DeviceSelectorTest {
    @Test
    void javaNeedsNoOpenCl() {
        DeviceSelector.Choice c = DeviceSelector.choose("java");
        assertTrue(c.isJava());
        assertEquals("java", c.id());
    }

    /** A made-up device of the given type and platform (no native handles: auto only reads the description). */
    private static ClDeviceInfo device(int index, String platform, String name, String type) {
        return new ClDeviceInfo(index, platform, name, "vendor", type, 4, 1000, 1L << 30, 1L << 28, 65536, 1024, "OpenCL C 1.2",
                "1.0", true, 4, null, null, null);
    }

    @Test
    void autoPrefersTheFirstGpuAndNeverTheSimulator() {
        ClDeviceInfo cpu = device(0, "Portable Computing Language", "pthread-cpu", "CPU");
        ClDeviceInfo sim = device(1, "Oclgrind", "Oclgrind Simulator", "GPU");
        ClDeviceInfo gpu = device(2, "NVIDIA CUDA", "NVIDIA H200", "GPU");
        ClDeviceInfo gpu2 = device(3, "AMD Accelerated Parallel Processing", "gfx90a", "GPU");
        assertEquals(gpu, DeviceSelector.auto(java.util.List.of(cpu, sim, gpu, gpu2)).device());
        assertEquals(gpu, DeviceSelector.auto(java.util.List.of(sim, gpu, cpu)).device());
        DeviceSelector.Choice noGpu = DeviceSelector.auto(java.util.List.of(sim, cpu));
        assertEquals(cpu, noGpu.device());
        assertTrue(noGpu.reason().contains("no GPU"), noGpu.reason());
        DeviceSelector.Choice onlySim = DeviceSelector.auto(java.util.List.of(sim));
        assertTrue(onlySim.isJava(), "a simulator alone leaves auto with the Java backend");
        assertTrue(onlySim.reason().contains("simulator"), onlySim.reason());
    }

    @Test
    void autoPrefersAGpuThenAnyOpenClDevice() {
        ClDeviceInfo first = TestBackends.cl().device();
        DeviceSelector.Choice c = DeviceSelector.choose("auto");
        assertTrue(!c.isJava(), "auto must pick OpenCL when a device exists");
        if (!c.device().isGpu()) {
            assertEquals(first.index(), c.device().index());
            assertTrue(c.reason().contains("no GPU"), c.reason());
        }
    }

    @Test
    void devicesAreFoundByIndexAndByName() {
        ClDeviceInfo first = TestBackends.cl().device();
        assertEquals(first.index(), DeviceSelector.choose("cl:" + first.index()).device().index());
        String part = first.name().substring(0, Math.min(5, first.name().length())).toUpperCase();
        assertTrue(DeviceSelector.choose(part).device().name().toUpperCase().contains(part));
    }

    @Test
    void unknownDevicesAreRejectedWithTheKnownList() {
        TestBackends.cl();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceSelector.choose("cl:99"));
        assertTrue(e.getMessage().contains("cl:99") && e.getMessage().contains("known devices: java, cl:0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DeviceSelector.choose("no-such-gpu"));
        assertTrue(e.getMessage().contains("no device matches 'no-such-gpu'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DeviceSelector.choose("cl:x"));
        assertTrue(e.getMessage().contains("cl:N"), e.getMessage());
    }

    @Test
    void misuseAcrossBackendsIsRejected() {
        Backend java = TestBackends.java();
        Backend cl = TestBackends.cl();
        try (Tensor a = java.zeros(2, 2); Tensor b = cl.zeros(2, 2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> org.latentcl.backend.ops.Elementwise.mul(cl, a, b, b));
            assertTrue(e.getMessage().contains("belongs to backend java"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Gemm.gemm(java, false, false, 1f, a, a, 0f, java.zeros(3, 2), null, null));
            assertTrue(e.getMessage().contains("C must be 2x2"), e.getMessage());
        }
    }
}
