package org.latentcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.ops.Elementwise;

/**
 * A backend closed under a running model (a device lost, or closed by another thread between
 * steps): every later operation, transfer and allocation fails with one message naming the
 * device, never reaching a released OpenCL object; its tensors can still be closed.
 */
class ClosedBackendTest {
    @Test
    void everyUseAfterCloseNamesTheClosedDevice() {
        for (Backend be : List.of(new JavaBackend(2), new ClBackend(TestBackends.cl().device()))) {
            Tensor t = be.upload(new float[] {1, 2, 3}, 1, 3);
            Tensor u = be.zeros(1, 3);
            Elementwise.copy(be, t, u);
            assertEquals(2f, be.read(u)[1]);
            be.close();
            assertTrue(be.isClosed());
            String closed = be.name() + " is closed";
            List<org.junit.jupiter.api.function.Executable> uses = List.of(
                    () -> Elementwise.copy(be, t, u),
                    () -> be.read(u),
                    () -> be.write(u, new float[3]),
                    () -> be.zeros(1, 1),
                    () -> be.upload(new float[1], 1, 1));
            for (var use : uses) {
                assertEquals(closed, assertThrows(IllegalStateException.class, use).getMessage());
            }
            if (be instanceof ClBackend cl) {
                assertEquals(closed, assertThrows(IllegalStateException.class, cl::finish).getMessage());
                assertEquals(closed, assertThrows(IllegalStateException.class, () -> cl.copy(t, u)).getMessage());
            }
            t.close();
            u.close();
            be.close();
        }
    }
}
