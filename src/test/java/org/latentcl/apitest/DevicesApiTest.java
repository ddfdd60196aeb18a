package org.latentcl.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latentcl.DeviceInfo;
import org.latentcl.Devices;

/** What {@code devices} prints, through the API: every device with its details, and auto's choice with its reason. */
class DevicesApiTest {
    @Test
    void theListTheAutoChoiceAndTheMissingOpenClAgree() {
        List<DeviceInfo> devices = Devices.list();
        DeviceInfo java = devices.get(0);
        assertTrue(java.isJava());
        assertEquals(Runtime.getRuntime().availableProcessors(), java.computeUnits());
        assertEquals(Runtime.getRuntime().maxMemory(), java.memoryBytes());
        List<DeviceInfo> cl = devices.subList(1, devices.size());
        for (DeviceInfo d : cl) {
            assertFalse(d.isJava());
            assertTrue(d.id().matches("cl:\\d+"), d.id());
            assertTrue(d.computeUnits() > 0 && d.maxWorkGroupSize() > 0, d.toString());
            assertTrue(d.maxBufferBytes() > 0 && d.maxBufferBytes() <= d.memoryBytes(), d.toString());
            assertTrue(d.version().startsWith("OpenCL C"), d.version());
        }
        // OpenCL is unavailable exactly when it lists no device, and then says why.
        assertEquals(cl.isEmpty(), Devices.openClUnavailable().isPresent());
        Devices.AutoChoice auto = Devices.autoChoice();
        assertTrue(devices.stream().anyMatch(d -> d.id().equals(auto.id())), auto.toString());
        assertFalse(auto.reason().isBlank());
        // Auto never picks a simulator, and picks a GPU when there is one.
        DeviceInfo chosen = devices.stream().filter(d -> d.id().equals(auto.id())).findFirst().orElseThrow();
        assertFalse(chosen.platform().equals("Oclgrind"), "auto chose the simulator");
        if (cl.stream().anyMatch(d -> d.type().equals("GPU") && !d.platform().equals("Oclgrind"))) {
            assertEquals("GPU", chosen.type());
        }
    }
}
