package org.latentcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jocl.CL;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.TestBackends;

/** Out of memory and a lost device get messages that say what happened and what to do. */
class ClMemoryTest {
    @Test
    void aBufferLargerThanTheDeviceAllowsNamesBothSizes() {
        ClContext ctx = TestBackends.cl().context();
        long tooBig = ctx.device().maxAllocBytes() + 1024 * 1024;
        int buffers = ctx.liveBuffers();
        ClException e = assertThrows(ClException.class, () -> ctx.allocate(tooBig));
        String m = e.getMessage();
        assertTrue(m.startsWith("out of device memory on " + ctx.device().describe()), m);
        assertTrue(m.contains(String.format(java.util.Locale.ROOT, "a buffer of %.1f MiB was needed", tooBig / 1048576.0)), m);
        assertTrue(m.contains("the largest single buffer it allows is"), m);
        assertTrue(m.contains("smaller --batch"), m);
        assertEquals(buffers, ctx.liveBuffers(), "nothing was allocated");
    }

    @Test
    void statusCodesOfALostDeviceOrFullMemoryCarryAHint() {
        ClException lost = assertThrows(ClException.class, () -> ClCheck.check(CL.CL_OUT_OF_RESOURCES, "clFinish"));
        assertTrue(lost.getMessage().startsWith("clFinish failed: CL_OUT_OF_RESOURCES (-5): the device failed or was lost"), lost.getMessage());
        assertTrue(ClCheck.hint(ClCheck.NVIDIA_KERNEL_FAULT).contains("was lost"));
        assertTrue(ClCheck.hint(CL.CL_MEM_OBJECT_ALLOCATION_FAILURE).contains("out of memory"));
        assertEquals("", ClCheck.hint(CL.CL_INVALID_KERNEL_ARGS), "programming errors get no user hint");
    }
}
