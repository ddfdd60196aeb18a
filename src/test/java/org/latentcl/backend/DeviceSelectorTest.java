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
