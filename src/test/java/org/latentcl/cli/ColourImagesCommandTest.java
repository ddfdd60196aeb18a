package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A VAE trained on colour images (a CIFAR-10 directory the test writes) draws its pictures in colour, and so does sample. */
class ColourImagesCommandTest {
    @TempDir
    Path dir;

    /** n records of coloured images: red rises left to right, green top to bottom, blue with the label. */
    private static byte[] cifar(int n) {
        byte[] b = new byte[n * 3073];
        for (int i = 0; i < n; i++) {
            int label = i % 10;
            b[i * 3073] = (byte) label;
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    b[i * 3073 + 1 + y * 32 + x] = (byte) (x * 8);
                    b[i * 3073 + 1 + 1024 + y * 32 + x] = (byte) (y * 8);
                    b[i * 3073 + 1 + 2048 + y * 32 + x] = (byte) (label * 25);
                }
            }
        }
        return b;
    }

    /** Whether some pixel of the picture has red, green and blue not all equal. */
    private static boolean coloured(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (Math.abs(r - g) > 16 || Math.abs(g - b) > 16) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void trainAndSampleDrawColourImages() throws IOException {
        Path data = dir.resolve("cifar");
        Files.createDirectories(data);
        Files.write(data.resolve("data_batch_1.bin"), cifar(64));
        Files.write(data.resolve("test_batch.bin"), cifar(16));
        Path out = dir.resolve("run");
        Cli.Run r = Cli.run("train", "vae", "--data", data.toString(), "--epochs", "1", "--batch", "32", "--hidden", "32", "--latent", "4",
                "--device", "java", "--quiet", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(coloured(out.resolve("reconstructions.png")), "the test images above their reconstructions are in colour");
        assertEquals("3", org.latentcl.io.Safetensors.read(out.resolve("checkpoint.safetensors")).metadata().get("image_channels"));
        Path png = dir.resolve("samples.png");
        r = Cli.run("sample", "--checkpoint", out.resolve("checkpoint.safetensors").toString(), "--n", "4", "--device", "java",
                "--out", png.toString());
        assertEquals(0, r.code(), r.err());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(2 * (32 * 2 + 1) + 1, img.getWidth(), "two 32-pixel colour images a row, drawn at scale 2");

        // .npy samples keep the image shape: [n, 3, 32, 32] by default, [n, 32, 32, 3] with --layout nhwc (the same values moved),
        // [n, 3072] with --layout flat; the reader takes each back to the same rows.
        float[][] read = new float[3][];
        String[] layouts = {"nchw", "nhwc", "flat"};
        String[] shapes = {"(4, 3, 32, 32)", "(4, 32, 32, 3)", "(4, 3072)"};
        for (int i = 0; i < 3; i++) {
            Path npy = dir.resolve(layouts[i] + ".npy");
            r = Cli.run("sample", "--checkpoint", out.resolve("checkpoint.safetensors").toString(), "--n", "4", "--device", "java",
                    "--layout", layouts[i], "--out", npy.toString());
            assertEquals(0, r.code(), r.err());
            String header = new String(Files.readAllBytes(npy), 0, 128, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(header.contains("'shape': " + shapes[i]), header);
            org.latentcl.data.Dataset d = org.latentcl.data.Npy.read(npy);
            assertEquals(3072, d.cols());
            read[i] = d.values();
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(read[0], read[1], "NHWC reads back as the same NCHW rows");
        org.junit.jupiter.api.Assertions.assertArrayEquals(read[0], read[2]);
        Cli.usageError(Cli.run("sample", "--checkpoint", out.resolve("checkpoint.safetensors").toString(), "--layout", "chw", "--out",
                dir.resolve("x.npy").toString()), "--layout must be nchw, nhwc or flat");
    }
}
