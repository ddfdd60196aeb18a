package org.latentcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The PCI bus ids the platforms' queries report, decoded from made-up answers; a CPU device reports none. */
class PciBusTest {
    @Test
    void khronosQueryIsDomainBusDeviceFunction() {
        byte[] info = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(0x3b).putInt(0x1f).putInt(7).array();
        assertEquals("0001:3b:1f.7", PciBus.fromKhr(info));
        assertNull(PciBus.fromKhr(new byte[8]), "a short answer is none");
    }

    @Test
    void nvidiaSlotIsDeviceAndFunction() {
        assertEquals("0000:3b:00.0", PciBus.fromNvidia(0x3b, 0, 0));
        assertEquals("0002:81:01.2", PciBus.fromNvidia(0x81, 1 << 3 | 2, 2));
    }

    @Test
    void amdTopologyOfTypePcieCarriesBusDeviceFunction() {
        byte[] topology = new byte[24];
        topology[0] = 1;
        topology[21] = (byte) 0xc3;
        topology[22] = 0;
        topology[23] = 1;
        assertEquals("0000:c3:00.1", PciBus.fromAmdTopology(topology), "bytes above 127 read unsigned");
        topology[0] = 2;
        assertNull(PciBus.fromAmdTopology(topology), "not a PCIe topology");
    }

    @Test
    void aCpuDeviceReportsNone() {
        for (ClDeviceInfo d : OpenCl.discover().devices()) {
            if (!d.isGpu()) {
                assertNull(d.pciBusId(), d.describe());
            }
        }
    }
}
