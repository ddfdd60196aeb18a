package org.latentcl.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The scratch that the layers on one backend share: one buffer per purpose, grown, released with the last hold. */
class WorkspaceTest {
    @Test
    void holdersShareOneBufferPerPurposeAndTheLastHoldReleasesIt() {
        // A backend of its own: a network another test left open would keep holding the shared one's workspace.
        try (ClBackend be = new ClBackend(TestBackends.cl().device())) {
            sharedAndReleased(be);
        }
    }

    private static void sharedAndReleased(ClBackend be) {
        int before = be.liveBuffers();
        long bytesBefore = be.context().liveBytes();
        try (Workspace a = be.workspace(); Workspace b = be.workspace()) {
            Tensor x = a.tensor("test.columns", 3, 5);
            be.write(x, new float[15]);
            assertEquals(before + 1, be.liveBuffers(), "one buffer for the purpose");
            float[] values = new float[12];
            for (int i = 0; i < values.length; i++) {
                values[i] = i + 0.5f;
            }
            be.write(b.tensor("test.columns", 4, 3), values);
            assertArrayEquals(values, be.read(a.tensor("test.columns", 3, 4)), "the other holder sees the same storage");
            assertEquals(before + 1, be.liveBuffers(), "a smaller request reuses it");
            b.tensor("test.other", 2, 2);
            assertEquals(before + 2, be.liveBuffers(), "another purpose gets a buffer of its own");
            b.tensor("test.columns", 7, 7);
            assertEquals(before + 2, be.liveBuffers(), "a larger request replaces the buffer");
            assertTrue(be.context().liveBytes() >= bytesBefore + (49 + 4) * 4L);
            b.close();
            assertEquals(before + 2, be.liveBuffers(), "a hold remains");
            b.close();
            assertEquals(before + 2, be.liveBuffers(), "closing twice gives back one hold");
        }
        assertEquals(before, be.liveBuffers(), "the last hold released the buffers");
        assertEquals(bytesBefore, be.context().liveBytes());
    }

    @Test
    void aClosedHoldIsRefused() {
        Workspace w = TestBackends.java().workspace();
        w.close();
        assertThrows(IllegalStateException.class, () -> w.tensor("test.columns", 1, 1));
    }

    @Test
    void theDevicePeakCountsTheMostHeldAtOnce() {
        ClBackend be = TestBackends.cl();
        long live = be.context().liveBytes();
        long mib = 1 << 20;
        try (Tensor t = be.zeros(1, (int) (3 * mib / 4))) {
            assertTrue(be.peakDeviceBytes() >= live + 3 * mib, "the peak includes the new buffer");
        }
        long peak = be.peakDeviceBytes();
        assertEquals(live, be.context().liveBytes());
        assertEquals(peak, be.peakDeviceBytes(), "releasing does not lower the peak");
        assertEquals(-1, TestBackends.java().peakDeviceBytes(), "the Java backend has no device");
    }
}
