package org.latentcl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Colour images from files the test writes: CIFAR-10's binary batches and 4-D .npy arrays in both layouts. */
class ColourDataTest {
    @TempDir
    Path dir;

    /** n CIFAR-10 records: label i % 10, pixel byte k of record i = (i + k) % 256. */
    static byte[] cifar(int n) {
        byte[] b = new byte[n * Cifar10.RECORD];
        for (int i = 0; i < n; i++) {
            b[i * Cifar10.RECORD] = (byte) (i % 10);
            for (int k = 1; k < Cifar10.RECORD; k++) {
                b[i * Cifar10.RECORD + k] = (byte) ((i + k) % 256);
            }
        }
        return b;
    }

    @Test
    void aCifarDirectoryLoadsAsColourImagesWithLabels() throws IOException {
        Files.write(dir.resolve("data_batch_1.bin"), cifar(3));
        Files.write(dir.resolve("data_batch_2.bin"), cifar(2));
        Files.write(dir.resolve("test_batch.bin"), cifar(4));
        DataSplit split = Datasets.load(dir.toString());
        Dataset train = split.train();
        assertEquals(5, train.rows());
        assertEquals(4, split.test().rows());
        assertEquals(3, train.channels());
        assertEquals(32, train.height());
        assertEquals(32, train.width());
        assertEquals(3072, train.cols());
        assertArrayEquals(new int[] {0, 1, 2, 0, 1}, train.labels());
        // Record 1's red plane starts at byte 1, its green plane 1024 bytes later: (1 + 1) and (1 + 1025) % 256.
        assertEquals(2 / 255f, train.row(1)[0], 1e-7);
        assertEquals(((1 + 1025) % 256) / 255f, train.row(1)[1024], 1e-7);
        assertTrue(train.inUnitInterval());
        assertTrue(train.toString().contains("3x32x32"), train.toString());
    }

    @Test
    void aTruncatedCifarBatchIsRefusedNamingTheFile() throws IOException {
        Files.write(dir.resolve("data_batch_1.bin"), java.util.Arrays.copyOf(cifar(2), Cifar10.RECORD + 100));
        Files.write(dir.resolve("test_batch.bin"), cifar(1));
        DataException e = assertThrows(DataException.class, () -> Datasets.load(dir.toString()));
        assertTrue(e.getMessage().contains("data_batch_1.bin") && e.getMessage().contains("not a whole number of CIFAR-10 records"),
                e.getMessage());
        Files.write(dir.resolve("data_batch_1.bin"), cifar(2));
        Files.delete(dir.resolve("test_batch.bin"));
        e = assertThrows(DataException.class, () -> Datasets.load(dir.toString()));
        assertTrue(e.getMessage().contains("needs test_batch.bin"), e.getMessage());
    }

    private static byte[] floats(float[] v) {
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            bb.putFloat(f);
        }
        return bb.array();
    }

    @Test
    void fourDimensionalNpyArraysBecomeNchwImages() throws IOException {
        // Two 2x3 images with 3 channels, channels last: value = image * 100 + y * 10 + x + channel / 10.
        float[] nhwc = new float[2 * 2 * 3 * 3];
        float[] nchw = new float[nhwc.length];
        for (int b = 0; b < 2; b++) {
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 3; x++) {
                    for (int c = 0; c < 3; c++) {
                        float v = b * 100 + y * 10 + x + c / 10f;
                        nhwc[((b * 2 + y) * 3 + x) * 3 + c] = v;
                        nchw[((b * 3 + c) * 2 + y) * 3 + x] = v;
                    }
                }
            }
        }
        Path last = dir.resolve("last.npy");
        Files.write(last, TestFiles.npy("<f4", "(2, 2, 3, 3)", floats(nhwc)));
        Dataset a = Npy.read(last);
        assertEquals(3, a.channels());
        assertEquals(2, a.height());
        assertEquals(3, a.width());
        assertArrayEquals(nchw, a.values());
        Path first = dir.resolve("first.npy");
        Files.write(first, TestFiles.npy("<f4", "(2, 3, 2, 3)", floats(nchw)));
        Dataset b = Npy.read(first);
        assertEquals(3, b.channels());
        assertArrayEquals(nchw, b.values());
        Path neither = dir.resolve("neither.npy");
        Files.write(neither, TestFiles.npy("<f4", "(1, 2, 2, 2)", floats(new float[8])));
        DataException e = assertThrows(DataException.class, () -> Npy.read(neither));
        assertTrue(e.getMessage().contains("no channel dimension of 1 or 3"), e.getMessage());
    }

    @Test
    void theShapesDatasetIsDeterministicColourfulAndLabelled() {
        DataSplit a = Datasets.load("shapes");
        assertEquals(10_000, a.train().rows());
        assertEquals(2_000, a.test().rows());
        assertEquals(3, a.train().channels());
        assertTrue(a.train().inUnitInterval());
        assertArrayEquals(a.train().row(17), Datasets.load("shapes").train().row(17), "the same images every time");
        int[] counts = new int[3];
        for (int label : a.train().labels()) {
            counts[label]++;
        }
        for (int c : counts) {
            assertTrue(c > 3000, "every shape appears: " + java.util.Arrays.toString(counts));
        }
        // Every image has a bright shape: some pixel with a channel above 0.8, on a background below 0.2.
        float[] img = a.test().row(5);
        float max = 0;
        float min = 1;
        for (float v : img) {
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        assertTrue(max >= 0.8f && min <= 0.2f, "max " + max + ", min " + min);
        assertTrue(!java.util.Arrays.equals(a.train().row(0), a.test().row(0)), "training and test images differ");
    }
}
