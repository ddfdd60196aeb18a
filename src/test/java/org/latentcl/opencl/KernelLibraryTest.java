package org.latentcl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.TestBackends;

/** Program builds, the binary cache, build errors, error names and buffer release. */
class KernelLibraryTest {
    private ClDeviceInfo device;

    @BeforeEach
    void needOpenCl() {
        device = TestBackends.cl().device();
    }

    @Test
    void buildFailureNamesFileOptionsAndLogLine() {
        try (ClContext ctx = new ClContext(device)) {
            ClException e = assertThrows(ClException.class, () -> ctx.kernels().kernel("broken.cl", "-DX=1", "broken"));
            String m = e.getMessage();
            assertTrue(m.contains("kernels/broken.cl"), m);
            assertTrue(m.contains("-cl-std=CL1.2 -DX=1"), m);
            assertTrue(m.contains("undefined_symbol_here"), m);
        }
    }

    @Test
    void missingSourceIsAClearError() {
        ClException e = assertThrows(ClException.class, () -> KernelLibrary.source("nope.cl"));
        assertTrue(e.getMessage().contains("kernels/nope.cl"));
    }

    @Test
    void secondContextLoadsTheProgramFromTheBinaryCache() {
        String unique = "-DCACHE_PROBE=" + System.nanoTime();
        try (ClContext first = new ClContext(device)) {
            first.kernels().kernel("elementwise.cl", unique, "fill");
            first.kernels().kernel("elementwise.cl", unique, "fill");
            assertEquals(1, first.kernels().builtFromSource(), "one program for both kernels");
            assertEquals(0, first.kernels().loadedFromCache());
        }
        try (ClContext second = new ClContext(device)) {
            second.kernels().kernel("elementwise.cl", unique, "fill");
            assertEquals(0, second.kernels().builtFromSource());
            assertEquals(1, second.kernels().loadedFromCache());
        }
    }

    /** A cache file that is not intact never reaches the driver: the program is built from source again. */
    @Test
    void aDamagedCacheFileIsRebuiltFromSource() throws java.io.IOException {
        String unique = "-DCACHE_DAMAGE=" + System.nanoTime();
        java.nio.file.Path dir = BinaryCache.cacheRoot().resolve("kernels");
        long before = System.currentTimeMillis() - 1000;
        try (ClContext first = new ClContext(device)) {
            first.kernels().kernel("elementwise.cl", unique, "fill");
        }
        java.nio.file.Path written;
        try (var files = java.nio.file.Files.list(dir)) {
            written = files.filter(f -> f.toString().endsWith(".bin"))
                    .filter(f -> f.toFile().lastModified() >= before)
                    .max(java.util.Comparator.comparingLong(f -> f.toFile().lastModified())).orElseThrow();
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(written);
        bytes[bytes.length - 1] ^= 1;
        java.nio.file.Files.write(written, bytes);
        try (ClContext second = new ClContext(device)) {
            second.kernels().kernel("elementwise.cl", unique, "fill");
            assertEquals(1, second.kernels().builtFromSource(), "the altered file is refused");
            assertEquals(0, second.kernels().loadedFromCache());
        }
    }

    /** A cache that cannot be written is no error: the kernel is built from source and the run goes on. */
    @Test
    void anUnwritableCacheOnlyCostsARebuild() {
        try (var cache = org.latentcl.metrics.TempCache.at(java.nio.file.Path.of("/proc/latentcl-cache"));
             ClContext ctx = new ClContext(device)) {
            ctx.kernels().kernel("elementwise.cl", "-DUNWRITABLE_CACHE=" + System.nanoTime(), "fill");
            assertEquals(1, ctx.kernels().builtFromSource());
        }
    }

    @Test
    void cacheFilesCarryTheirLengthAndDigest() {
        byte[] binary = "a program binary".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] file = BinaryCache.encode(binary);
        org.junit.jupiter.api.Assertions.assertArrayEquals(binary, BinaryCache.decode(file));
        org.junit.jupiter.api.Assertions.assertNull(BinaryCache.decode(binary), "a raw binary of the old format");
        org.junit.jupiter.api.Assertions.assertNull(BinaryCache.decode(java.util.Arrays.copyOf(file, file.length - 1)), "truncated");
        byte[] altered = file.clone();
        altered[altered.length - 3] ^= 0x40;
        org.junit.jupiter.api.Assertions.assertNull(BinaryCache.decode(altered), "altered");
        org.junit.jupiter.api.Assertions.assertNull(BinaryCache.decode(new byte[0]));
    }

    @Test
    void buffersAreCountedAndReleased() {
        try (ClContext ctx = new ClContext(device)) {
            ClBuffer a = ctx.allocate(1000);
            ClBuffer b = ctx.allocate(0);
            assertEquals(2, ctx.liveBuffers());
            a.close();
            a.close();
            b.close();
            assertEquals(0, ctx.liveBuffers());
            assertThrows(IllegalStateException.class, a::mem);
        }
    }

    @Test
    void oversizedAllocationSaysWhatTheDeviceAllows() {
        try (ClContext ctx = new ClContext(device)) {
            ClException e = assertThrows(ClException.class, () -> ctx.allocate(device.maxAllocBytes() + 1));
            assertTrue(e.getMessage().contains("largest single buffer"), e.getMessage());
        }
    }

    @Test
    void errorCodesHaveNames() {
        assertEquals("CL_OUT_OF_RESOURCES", ClCheck.codeName(-5));
        ClException e = assertThrows(ClException.class, () -> ClCheck.check(-30, "clFoo"));
        assertEquals("clFoo failed: CL_INVALID_VALUE (-30)", e.getMessage());
    }
}
