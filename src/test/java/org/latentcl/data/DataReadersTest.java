package org.latentcl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX, .npy and CSV readers and the dataset registry, on good and broken files. */
class DataReadersTest {
    @TempDir
    Path dir;



    private String error(Runnable r) {
        DataException e = assertThrows(DataException.class, r::run);
        return e.getMessage();
    }

    @Test
    void idxReadsPlainAndGzippedFiles() throws IOException {
        byte[] pixels = {0, (byte) 255, 7, 8, 9, 10};
        Files.write(dir.resolve("a"), TestFiles.idx(new int[] {3, 1, 2}, pixels));
        Files.write(dir.resolve("b.gz"), TestFiles.gzip(TestFiles.idx(new int[] {3, 1, 2}, pixels)));
        for (String f : new String[] {"a", "b.gz"}) {
            Idx.Array a = Idx.read(dir.resolve(f));
            assertArrayEquals(new int[] {3, 1, 2}, a.dims());
            assertArrayEquals(pixels, a.data());
        }
    }

    @Test
    void idxRejectsBrokenFilesWithTheReason() throws IOException {
        Path p = dir.resolve("x");
        Files.write(p, new byte[] {1, 2, 8, 1, 0, 0, 0, 1, 5});
        assertTrue(error(() -> Idx.read(p)).contains("not an IDX file (magic number starts 0x0102"));
        Files.write(p, new byte[] {0, 0, 0x0D, 1, 0, 0, 0, 1, 5});
        assertTrue(error(() -> Idx.read(p)).contains("data type 0x0d is not supported"));
        Files.write(p, TestFiles.idx(new int[] {4, 2}, new byte[5]));
        assertTrue(error(() -> Idx.read(p)).contains("truncated: the header promises 8 values"));
        Files.write(p, TestFiles.idx(new int[] {2, 2}, new byte[5]));
        assertTrue(error(() -> Idx.read(p)).contains("the dimensions disagree with the length"));
        byte[] gz = TestFiles.gzip(TestFiles.idx(new int[] {100}, new byte[100]));
        Files.write(p, java.util.Arrays.copyOf(gz, gz.length / 2));
        assertTrue(error(() -> Idx.read(p)).contains("corrupt or truncated gzip"));
        gz[gz.length / 2] ^= 0x55;
        gz[gz.length / 2 + 1] ^= 0x55;
        Files.write(p, gz);
        String m = error(() -> Idx.read(p));
        assertTrue(m.contains("gzip") || m.contains("truncated") || m.contains("longer"), m);
        assertTrue(error(() -> Idx.read(dir.resolve("missing"))).contains("no such file"));
    }


    @Test
    void npyReadsFloatAndByteArrays() throws IOException {
        Path f = dir.resolve("f.npy");
        Files.write(f, Npy.encode(new float[] {1.5f, -2f, 3f, 4f, 5f, 6f}, 3, 2));
        Dataset d = Npy.read(f);
        assertEquals(3, d.rows());
        assertEquals(2, d.cols());
        assertEquals(-2f, d.values()[1]);
        Path u = dir.resolve("u.npy");
        Files.write(u, TestFiles.npy("|u1", "(2, 2, 3)", new byte[] {0, (byte) 255, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 51}));
        Dataset img = Npy.read(u);
        assertTrue(img.isImage());
        assertEquals(6, img.cols());
        assertEquals(1f, img.values()[1]);
        assertEquals(0.2f, img.values()[11], 1e-7);
    }

    @Test
    void npyRejectsUnsupportedFiles() throws IOException {
        Path p = dir.resolve("bad.npy");
        Files.write(p, TestFiles.npy("<f8", "(2, 2)", new byte[32]));
        assertTrue(error(() -> Npy.read(p)).contains("dtype '<f8' is not supported"));
        Files.write(p, TestFiles.npy("<f4", "(8,)", new byte[32]));
        assertTrue(error(() -> Npy.read(p)).contains("shape [8] is not supported"));
        Files.write(p, TestFiles.npy("<f4", "(3, 3)", new byte[32]));
        assertTrue(error(() -> Npy.read(p)).contains("needs 36 bytes of data but the file has 32"));
        Files.write(p, "hello".getBytes(StandardCharsets.UTF_8));
        assertTrue(error(() -> Npy.read(p)).contains("not a .npy file"));
    }

    @Test
    void csvReadsNumbersWithAnOptionalHeader() throws IOException {
        Path p = dir.resolve("d.csv");
        Files.writeString(p, "x,y\n1,2\n3.5, -4\n\n");
        Dataset d = Csv.read(p);
        assertEquals(2, d.rows());
        assertArrayEquals(new float[] {1, 2, 3.5f, -4}, d.values());
        Files.writeString(p, "1,2\n3,4,5\n");
        assertTrue(error(() -> Csv.read(p)).contains("line 2 has 3 values, expected 2"));
        Files.writeString(p, "1,2\n3,abc\n");
        assertTrue(error(() -> Csv.read(p)).contains("line 2, field 2: 'abc' is not a number"));
        Files.writeString(p, "a,b\n");
        assertTrue(error(() -> Csv.read(p)).contains("no data rows"));
    }

    @Test
    void theEmbeddedDefaultDatasetIsRealDigits() {
        DataSplit s = Datasets.load("default");
        assertEquals(9000, s.train().rows());
        assertEquals(1000, s.test().rows());
        assertEquals(784, s.train().cols());
        assertEquals(28, s.train().height());
        assertTrue(s.train().inUnitInterval());
        int[] counts = new int[10];
        for (int l : s.train().labels()) {
            counts[l]++;
        }
        for (int c : counts) {
            assertTrue(c > 700 && c < 1100, "each digit about a tenth of the data: " + java.util.Arrays.toString(counts));
        }
        double mean = 0;
        for (float v : s.train().values()) {
            mean += v;
        }
        mean /= s.train().values().length;
        assertEquals(0.13, mean, 0.01, "MNIST's mean pixel is about 0.13");
    }

    @Test
    void registryFindsDirectoriesHoldsOutTenPercentAndNamesWhatIsMissing() throws IOException {
        Path d = dir.resolve("tiny");
        Files.createDirectories(d);
        Files.write(d.resolve("train-images-idx3-ubyte.gz"), TestFiles.gzip(TestFiles.idx(new int[] {20, 2, 2}, new byte[80])));
        DataSplit s = Datasets.load(d.toString());
        assertEquals(18, s.train().rows());
        assertEquals(2, s.test().rows());
        assertEquals("held-out 10%", s.testSource());
        assertEquals(Datasets.load(d.toString()).test().values().length, s.test().values().length);
        Path empty = dir.resolve("empty");
        Files.createDirectories(empty);
        assertTrue(error(() -> Datasets.load(empty.toString())).contains("has no train-images-idx3-ubyte"));
        assertTrue(error(() -> Datasets.load(dir.resolve("nope").toString())).contains("no such file or directory"));
        Path txt = dir.resolve("x.txt");
        Files.writeString(txt, "1");
        assertTrue(error(() -> Datasets.load(txt.toString())).contains("unknown file type"));
        Files.write(d.resolve("train-labels-idx1-ubyte"), TestFiles.idx(new int[] {19}, new byte[19]));
        assertTrue(error(() -> Datasets.load(d.toString())).contains("do not match 20 images"));
    }
}
