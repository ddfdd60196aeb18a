package org.latentcl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Directories of PNG and JPEG images that the test writes, read as torchvision's ImageFolder reads them. */
class ImageFolderTest {
    @TempDir
    Path dir;

    /** An RGB image whose pixel (x, y) is (10 x + seed, 20 y, 7 seed). */
    static BufferedImage rgb(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((10 * x + seed) << 16) | ((20 * y) << 8) | (7 * seed));
            }
        }
        return img;
    }

    static BufferedImage grey(int w, int h, int value) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (value + x + y) % 256);
            }
        }
        return img;
    }

    private void write(BufferedImage img, String format, String... path) throws IOException {
        Path f = dir.resolve(String.join("/", path));
        Files.createDirectories(f.getParent());
        ImageIO.write(img, format, f.toFile());
    }

    @Test
    void subdirectoriesAreClassesAndColourPngsKeepTheirExactPixels() throws IOException {
        for (int i = 0; i < 10; i++) {
            write(rgb(6, 5, i), "png", i % 2 == 0 ? "cats" : "dogs", "img" + i + ".png");
        }
        DataSplit split = Datasets.load(dir.toString());
        Dataset all = ImageFolder.read(dir, 0);
        assertEquals(10, all.rows());
        assertEquals(3, all.channels());
        assertEquals(5, all.height());
        assertEquals(6, all.width());
        // cats (sorted first) are class 0: img0, img2, ... then dogs.
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, all.labels());
        float[] first = all.row(0);
        // img0, pixel (x 3, y 2): red 30, green 40, blue 0, in NCHW planes of 5 x 6.
        assertEquals(30 / 255f, first[2 * 6 + 3], 1e-7);
        assertEquals(40 / 255f, first[30 + 2 * 6 + 3], 1e-7);
        assertEquals(0f, first[60 + 2 * 6 + 3], 1e-7);
        assertEquals(9, split.train().rows());
        assertEquals(1, split.test().rows());
    }

    /**
     * Labels stay with their images through the held-out split's shuffle: 40 grey PNGs in four class directories,
     * each image's first pixel telling its class (50 k + i for the i-th image of class k), and every row of both
     * parts carries the class its own pixel gives.
     */
    @Test
    void labelsFollowTheirImagesThroughTheHeldOutSplit() throws IOException {
        String[] classes = {"ant", "bee", "cat", "dog"};
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < 10; i++) {
                write(grey(3, 3, 50 * k + i), "png", classes[k], "img" + i + ".png");
            }
        }
        DataSplit split = Datasets.load(dir.toString());
        assertEquals("held-out 10%", split.testSource());
        int rows = 0;
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (Dataset part : new Dataset[] {split.train(), split.test()}) {
            for (int r = 0; r < part.rows(); r++) {
                int first = Math.round(part.row(r)[0] * 255);
                assertEquals(first / 50, part.labels()[r], part.name() + " row " + r + " (first pixel " + first + ")");
                seen.add(first);
            }
            rows += part.rows();
        }
        assertEquals(40, rows);
        assertEquals(40, seen.size(), "every image once");
        assertTrue(java.util.Arrays.stream(split.test().labels()).distinct().count() > 1, "the held-out part is shuffled, not one class");
    }

    @Test
    void greyImagesInOneDirectoryAreOneChannelWithoutLabels() throws IOException {
        write(grey(4, 4, 100), "png", "a.png");
        write(grey(4, 4, 7), "png", "b.PNG");
        Dataset d = ImageFolder.read(dir, 0);
        assertEquals(1, d.channels());
        assertTrue(!d.hasLabels());
        assertEquals(101 / 255f, d.row(0)[1], 1e-7);
        assertEquals(7 / 255f, d.row(1)[0], 1e-7);
    }

    @Test
    void mixedSizesNeedAnImageSizeThenAreResizedAndCropped() throws IOException {
        write(rgb(8, 8, 1), "png", "x", "big.png");
        write(rgb(6, 4, 2), "jpg", "x", "wide.jpg");
        DataException e = assertThrows(DataException.class, () -> ImageFolder.read(dir, 0));
        assertTrue(e.getMessage().contains("big.png is 8x8") && e.getMessage().contains("wide.jpg is 6x4")
                && e.getMessage().contains("--image-size"), e.getMessage());
        Dataset d = Datasets.load(dir.toString(), 4).train();
        assertEquals(4, d.height());
        assertEquals(4, d.width());
        assertEquals(3, d.channels());
        assertEquals(3 * 16, d.cols());
    }

    @Test
    void anUnreadableImageIsNamed() throws IOException {
        write(grey(3, 3, 1), "png", "good.png");
        Files.writeString(dir.resolve("broken.png"), "not a png");
        DataException e = assertThrows(DataException.class, () -> ImageFolder.read(dir, 0));
        assertTrue(e.getMessage().contains("broken.png") && e.getMessage().contains("not a readable"), e.getMessage());
    }

    /** A PNG of signature, IHDR and IEND only: its header claims w x h pixels, and it holds none. */
    private static byte[] pngHeaderClaiming(int w, int h) {
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 0).put((byte) 0)
                .put((byte) 0).put((byte) 0);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] name = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        crc.update(name);
        crc.update(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(name);
        out.writeBytes(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A JPEG of SOI, a baseline frame header (SOF0) claiming w x h pixels in three components, a scan header (SOS) and EOI. */
    private static byte[] jpegHeaderClaiming(int w, int h) {
        return new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0, 17, 8, (byte) (h >> 8), (byte) h, (byte) (w >> 8),
            (byte) w, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, (byte) 0xFF, (byte) 0xDA, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0,
            (byte) 0xFF, (byte) 0xD9};
    }

    /**
     * The decoding guard: an image whose header claims a side over 16,384 or more than 2^24 pixels is refused by
     * name and size before any pixel is decoded (decoding takes about 16 bytes a pixel), whatever the heap.
     */
    @Test
    void imagesClaimingMoreThanTheLimitAreRefusedBeforeDecoding() throws IOException {
        int[][] claims = {{20000, 10}, {10, 20000}, {5000, 5000}};
        for (int[] c : claims) {
            Path one = Files.createTempDirectory(dir, "claim");
            Files.write(one.resolve("huge.png"), pngHeaderClaiming(c[0], c[1]));
            DataException e = assertThrows(DataException.class, () -> ImageFolder.read(one, 0));
            assertTrue(e.getMessage().contains("huge.png: the image claims " + c[0] + "x" + c[1] + " pixels"), e.getMessage());
        }
        Path jpeg = Files.createTempDirectory(dir, "jpeg");
        Files.write(jpeg.resolve("huge.jpg"), jpegHeaderClaiming(4097, 4097));
        DataException e = assertThrows(DataException.class, () -> ImageFolder.read(jpeg, 0));
        assertTrue(e.getMessage().contains("huge.jpg: the image claims 4097x4097 pixels"), e.getMessage());
        // At the limit itself the header is accepted, and the missing pixels are what is refused.
        Path edge = Files.createTempDirectory(dir, "edge");
        Files.write(edge.resolve("edge.png"), pngHeaderClaiming(4096, 4096));
        DataException atLimit = assertThrows(DataException.class, () -> ImageFolder.read(edge, 0));
        assertTrue(atLimit.getMessage().contains("not a readable"), atLimit.getMessage());
    }

    /** Resize + CenterCrop: a constant stays constant, a 2x downscale averages with the triangle filter, crops take the middle. */
    @Test
    void resizingFollowsTorchvision() {
        float[] flat = new float[3 * 5 * 9];
        java.util.Arrays.fill(flat, 0.25f);
        for (float v : ImageResize.resizeAndCrop(flat, 3, 5, 9, 3)) {
            assertEquals(0.25f, v, 1e-6);
        }
        // One row of 4 -> 2: output 0 centres on 1.0 with support 2: weights 0.75, 0.75, 0.25 for inputs 0, 1, 2.
        float[] ramp = {0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3};
        float[] half = ImageResize.resizeAndCrop(ramp, 1, 4, 4, 2);
        assertEquals((0.75 * 0 + 0.75 * 1 + 0.25 * 2) / 1.75, half[0], 1e-6);
        assertEquals((0.25 * 1 + 0.75 * 2 + 0.75 * 3) / 1.75, half[1], 1e-6);
        // 2 x 4 to size 2: the shorter side is already 2, so only the centre crop (columns 1 and 2) remains.
        float[] wide = {0, 1, 2, 3, 4, 5, 6, 7};
        assertArrayEquals(new float[] {1, 2, 5, 6}, ImageResize.resizeAndCrop(wide, 1, 2, 4, 2));
    }

    @Test
    void imageSizeResizesOtherImageDataAndRefusesPlainRows() throws IOException {
        DataSplit digits = Datasets.load("default", 32);
        assertEquals(32, digits.train().height());
        assertEquals(32 * 32, digits.test().cols());
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, "1,2\n3,4\n5,6\n");
        DataException e = assertThrows(DataException.class, () -> Datasets.load(csv.toString(), 8));
        assertTrue(e.getMessage().contains("--image-size resizes images"), e.getMessage());
    }
}
