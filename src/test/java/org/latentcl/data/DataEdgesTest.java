package org.latentcl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readers at their edges, each with a known answer: IDX dimensions above 255 and of 0, one to four dimensions;
 * .npy version 2 headers and one-row arrays; CIFAR-10's fifth batch and label 9; every spec form of
 * {@link Datasets#load} (labels beside a .npy, a label column on a non-CSV, --image-size on IDX digits and on plain
 * rows, the standard names found under the home cache); in-memory datasets; and image folders' hidden folders,
 * other files, 16-bit grey and distinct colour planes.
 */
class DataEdgesTest {
    @TempDir
    Path dir;

    private static String error(Runnable r) {
        return assertThrows(DataException.class, r::run).getMessage();
    }

    @Test
    void idxDimensionsAreBigEndianAndPositive() throws IOException {
        // 1 x 300 x 2: 300 is 0x012C, so a reader that dropped a byte of the dimension would read 44.
        Path f = dir.resolve("wide");
        byte[] data = new byte[600];
        data[599] = (byte) 255;
        Files.write(f, TestFiles.idx(new int[] {1, 300, 2}, data));
        Idx.Array a = Idx.read(f);
        assertArrayEquals(new int[] {1, 300, 2}, a.dims());
        assertEquals(600, a.data().length);
        Files.write(f, TestFiles.idx(new int[] {70_000}, new byte[70_000]));
        assertArrayEquals(new int[] {70_000}, Idx.read(f).dims(), "three bytes of a dimension");
        Files.write(f, TestFiles.idx(new int[] {2, 1, 1, 3}, new byte[6]));
        assertArrayEquals(new int[] {2, 1, 1, 3}, Idx.read(f).dims(), "four dimensions are the most");
        Files.write(f, TestFiles.idx(new int[] {2, 0, 3}, new byte[0]));
        assertTrue(error(() -> Idx.read(f)).endsWith("IDX dimension 1 is 0 (must be positive)"));
        Files.write(f, TestFiles.idx(new int[] {1, 1, 1, 1, 1}, new byte[1]));
        assertTrue(error(() -> Idx.read(f)).endsWith("IDX file with 5 dimensions (expected 1 to 4)"));
        Files.write(f, new byte[] {0, 0, 8, 0});
        assertTrue(error(() -> Idx.read(f)).endsWith("IDX file with 0 dimensions (expected 1 to 4)"));
    }

    /** A version-2 header (a 4-byte length) reads as version 1 does; a one-row array is one example. */
    @Test
    void npyVersionTwoAndOneRow() throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }";
        String header = dict + " ".repeat((64 - (12 + dict.length() + 1) % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(12 + header.length() + 12).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).putFloat(0.25f).putFloat(-1f).putFloat(7f);
        Path f = dir.resolve("v2.npy");
        Files.write(f, b.array());
        Dataset d = Npy.read(f);
        assertEquals(1, d.rows());
        assertArrayEquals(new float[] {0.25f, -1f, 7f}, d.values());
        byte[] three = b.array().clone();
        three[6] = 3;
        Files.write(f, three);
        assertArrayEquals(new float[] {0.25f, -1f, 7f}, Npy.read(f).values(), "version 3 differs only in the header's encoding");
        Files.write(f, java.util.Arrays.copyOf(b.array(), 11));
        assertTrue(error(() -> Npy.read(f)).contains("truncated .npy header (version 2 needs 12 bytes"));
        Files.write(f, TestFiles.npy("<f4", "(0, 3)", new byte[0]));
        assertTrue(error(() -> Npy.read(f)).contains("shape [0, 3] is empty or too large"));
    }

    private static byte[] cifarRecords(int... labels) {
        byte[] out = new byte[labels.length * 3073];
        for (int r = 0; r < labels.length; r++) {
            out[r * 3073] = (byte) labels[r];
            out[r * 3073 + 1] = (byte) (10 * r + 5); // the first red pixel tells the records apart
        }
        return out;
    }

    @Test
    void cifarReadsEveryBatchPresentUpToTheFifth() throws IOException {
        Path c = dir.resolve("cifar");
        Files.createDirectories(c);
        Files.write(c.resolve("data_batch_1.bin"), cifarRecords(9, 0));
        Files.write(c.resolve("data_batch_5.bin"), cifarRecords(3));
        Files.write(c.resolve("test_batch.bin"), cifarRecords(9));
        DataSplit s = Cifar10.readDirectory(c);
        assertEquals(3, s.train().rows(), "batches 1 and 5");
        assertArrayEquals(new int[] {9, 0, 3}, s.train().labels());
        assertEquals(5 / 255f, s.train().values()[2 * 3072], 1e-7f, "batch 5's record comes last");
        assertEquals(9, s.test().labels()[0]);
        Path onlyTest = dir.resolve("only-test");
        Files.createDirectories(onlyTest);
        Files.write(onlyTest.resolve("test_batch.bin"), cifarRecords(1));
        assertTrue(error(() -> Cifar10.readDirectory(onlyTest)).endsWith("needs data_batch_1.bin ... data_batch_5.bin beside test_batch.bin"));
    }

    @Test
    void labelsBesideANpyFileAndRefusedSpecs() throws IOException {
        Path x = dir.resolve("x.npy");
        float[] v = new float[20 * 2];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        Files.write(x, Npy.encode(v, 20, 2));
        Path y = dir.resolve("y.npy");
        byte[] labels = new byte[20];
        for (int i = 0; i < 20; i++) {
            labels[i] = (byte) (i % 4);
        }
        Files.write(y, TestFiles.npy("|u1", "(20,)", labels));
        DataSplit s = Datasets.load(x + Datasets.LABELS + y);
        assertEquals(18, s.train().rows());
        assertEquals(2, s.test().rows());
        for (Dataset part : new Dataset[] {s.train(), s.test()}) {
            for (int i = 0; i < part.rows(); i++) {
                assertEquals(Math.round(part.values()[2 * i] / 2) % 4, part.labels()[i], "each row keeps its label through the hold-out");
            }
        }
        Files.write(y, TestFiles.npy("|u1", "(19,)", java.util.Arrays.copyOf(labels, 19)));
        assertTrue(error(() -> Datasets.load(x + Datasets.LABELS + y)).endsWith("19 labels for the 20 rows of " + x));
        Path txt = dir.resolve("x.txt");
        Files.writeString(txt, "1,2\n");
        assertEquals("data '" + txt + "': a labels file is for a .npy file of examples", error(() -> Datasets.load(txt + Datasets.LABELS + y)));
        assertEquals("data '" + x + "': a label column is for a .csv file", error(() -> Datasets.load(x + Datasets.LABEL_COLUMN + "c")));
        assertEquals("--image-size must be positive, got -1", error(() -> Datasets.load(x.toString(), -1)));
        assertEquals("x.npy/train: --image-size resizes images, but these are rows of 2 features", error(() -> Datasets.load(x.toString(), 4)));
    }

    /** --image-size on 4x4 IDX digits: each becomes the 2x2 antialiased resize, labels and the test split kept. */
    @Test
    void imageSizeResizesIdxDigits() throws IOException {
        Path d = dir.resolve("digits");
        Files.createDirectories(d);
        byte[] px = new byte[3 * 16];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 5);
        }
        Files.write(d.resolve("train-images-idx3-ubyte"), TestFiles.idx(new int[] {3, 4, 4}, px));
        Files.write(d.resolve("train-labels-idx1-ubyte"), TestFiles.idx(new int[] {3}, new byte[] {2, 0, 1}));
        Files.write(d.resolve("t10k-images-idx3-ubyte"), TestFiles.idx(new int[] {1, 4, 4}, java.util.Arrays.copyOf(px, 16)));
        Files.write(d.resolve("t10k-labels-idx1-ubyte"), TestFiles.idx(new int[] {1}, new byte[] {7}));
        DataSplit full = Datasets.load(d.toString());
        DataSplit small = Datasets.load(d.toString(), 2);
        assertEquals(2, small.train().height());
        assertEquals(4, small.train().cols());
        assertArrayEquals(new int[] {2, 0, 1}, small.train().labels());
        assertEquals("t10k files", small.testSource());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(ImageResize.resizeAndCrop(full.train().row(i), 1, 4, 4, 2), small.train().row(i), "image " + i);
        }
        assertArrayEquals(ImageResize.resizeAndCrop(full.test().row(0), 1, 4, 4, 2), small.test().row(0));
        assertArrayEquals(full.train().values(), Datasets.load(d.toString(), 4).train().values(), "their own size: as stored");
    }

    /** "mnist" is looked for under the home cache (~/.cache/latentcl/datasets/mnist) before /usr/share/datasets. */
    @Test
    void standardNamesAreFoundInTheHomeCache() throws IOException {
        Path home = dir.resolve("home");
        Path mnist = Files.createDirectories(home.resolve(".cache/latentcl/datasets/mnist"));
        Files.write(mnist.resolve("train-images-idx3-ubyte.gz"), TestFiles.gzip(TestFiles.idx(new int[] {10, 2, 2}, new byte[40])));
        String before = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            DataSplit s = Datasets.load("MNIST");
            assertEquals("mnist/train", s.train().name());
            assertEquals("mnist/held-out", s.test().name());
            assertEquals(9, s.train().rows());
            assertEquals("held-out 10%", s.testSource());
        } finally {
            System.setProperty("user.home", before);
        }
    }

    @Test
    void inMemoryDatasets() {
        Dataset d = Datasets.of("rows", new float[][] {{1, 2}, {3, 4}, {5, 6}});
        assertEquals(3, d.rows());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, d.values());
        assertEquals("dataset e has no rows", error(() -> Datasets.of("e", new float[0][])));
        assertEquals("dataset r: row 1 has 1 values, but row 0 has 2 (every row needs the same number, at least 1)",
                error(() -> Datasets.of("r", new float[][] {{1, 2}, {3}})));
        assertEquals("dataset z: row 0 has 0 values, but row 0 has 0 (every row needs the same number, at least 1)",
                error(() -> Datasets.of("z", new float[][] {{}})));
        Dataset img = Datasets.images("im", new float[12], 3, 2, 2);
        assertTrue(img.isImage());
        assertEquals(2, img.width());
        assertThrows(IllegalArgumentException.class, () -> Datasets.images("im", new float[0], 3, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> Datasets.images("im", new float[0], 3, 2, 0));
    }

    /** A hidden folder and a file that is not an image are skipped; 16-bit grey scales by 65535; RGB planes keep their order. */
    @Test
    void imageFoldersSkipWhatIsNotAnImageAndReadEveryDepth() throws IOException {
        Path root = dir.resolve("images");
        Path cats = Files.createDirectories(root.resolve("cats"));
        Files.createDirectories(root.resolve(".thumbnails"));
        ImageIO.write(ImageFolderTest.grey(2, 2, 10), "png", root.resolve(".thumbnails/t.png").toFile());
        Files.writeString(cats.resolve("notes.txt"), "not an image");
        BufferedImage deep = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
        deep.getRaster().setSample(0, 0, 0, 65535);
        deep.getRaster().setSample(2, 1, 0, 257);
        ImageIO.write(deep, "png", cats.resolve("a.png").toFile());
        Path dogs = Files.createDirectories(root.resolve("dogs"));
        BufferedImage colour = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        colour.setRGB(0, 0, 0xFF0000);
        colour.setRGB(1, 0, 0x00FF00);
        colour.setRGB(2, 1, 0x0000FF);
        ImageIO.write(colour, "png", dogs.resolve("b.png").toFile());
        Dataset d = ImageFolder.read(root, 0);
        assertEquals(2, d.rows(), "one image a class: the hidden folder and the text file are not read");
        assertArrayEquals(new int[] {0, 1}, d.labels());
        assertEquals(3, d.channels());
        float[] grey = d.row(0);
        for (int c = 0; c < 3; c++) {
            assertEquals(1f, grey[c * 6], 0, "the 16-bit maximum is 1");
            assertEquals(257 / 65535f, grey[c * 6 + 5], 1e-9f, "257 of 65535, not an 8-bit reading");
        }
        float[] rgb = d.row(1);
        assertArrayEquals(new float[] {
            1, 0, 0, 0, 0, 0,
            0, 1, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 1}, rgb);
    }
}
