package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image folders as users hand them over: mixed sizes, stray files, colour models against grey data. */
class ImageInputsCommandTest {
    @TempDir
    Path dir;

    private static void png(Path file, int w, int h, boolean colour) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(w, h, colour ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, colour ? (x * 30) << 16 | (y * 30) << 8 | 90 : (x + y) * 0x0f0f0f);
            }
        }
        ImageIO.write(img, "png", file.toFile());
    }

    private Path folder(String name, int count, int w, int h, boolean colour) throws IOException {
        Path d = dir.resolve(name);
        for (int i = 0; i < count; i++) {
            png(d.resolve(i % 2 == 0 ? "a" : "b").resolve("p" + i + ".png"), w, h, colour);
        }
        return d;
    }

    @Test
    void imagesOfMixedSizesNeedImageSize() throws IOException {
        Path d = folder("mixed", 6, 8, 8, false);
        png(d.resolve("a").resolve("big.png"), 12, 10, false);
        Path out = dir.resolve("run");
        Cli.usageError(Cli.run("train", "vae", "--data", d.toString(), "--epochs", "1", "--batch", "4", "--device", "java", "--out",
                out.toString()), "images differ in size");
        assertFalse(Files.exists(out), "no run directory after refused data");
        Cli.Run r = Cli.run("train", "vae", "--data", d.toString(), "--image-size", "8", "--epochs", "1", "--batch", "4", "--device", "java",
                "--quiet", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test
    void filesThatAreNotImagesAreLeftOutAsTorchvisionDoes() throws IOException {
        Path d = folder("stray", 6, 8, 8, false);
        Files.writeString(d.resolve("a").resolve("notes.txt"), "not an image");
        Files.writeString(d.resolve("README"), "about these pictures");
        Cli.Run r = Cli.run("train", "vae", "--data", d.toString(), "--epochs", "1", "--batch", "4", "--device", "java", "--quiet",
                "--out", dir.resolve("run").toString());
        assertEquals(0, r.code(), r.err());
        org.latentcl.data.DataSplit split = org.latentcl.data.Datasets.load(d.toString(), 0);
        assertEquals(6, split.train().rows() + (split.test() == split.train() ? 0 : split.test().rows()), "the six pictures, nothing else");
    }

    @Test
    void aColourModelAgainstGreyDataIsOneLine() throws IOException {
        Path colour = folder("colour", 8, 8, 8, true);
        Path grey = folder("grey", 8, 8, 8, false);
        Path run = dir.resolve("run");
        Cli.Run r = Cli.run("train", "vae", "--data", colour.toString(), "--epochs", "1", "--batch", "4", "--device", "java", "--quiet",
                "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        Path ckpt = run.resolve("checkpoint.safetensors");
        Cli.usageError(Cli.run("eval", "--json", "--checkpoint", ckpt.toString(), "--data", grey.toString(), "--device", "java"),
                "has 64 features but the model's have 192");
        Path drawn = dir.resolve("drawn.png");
        assertEquals(0, Cli.run("sample", "--checkpoint", ckpt.toString(), "--out", drawn.toString(), "--n", "4", "--device", "java").code());
        BufferedImage img = ImageIO.read(drawn.toFile());
        assertEquals(3, img.getColorModel().getNumColorComponents(), "a colour model's samples are drawn in colour");
    }
}
