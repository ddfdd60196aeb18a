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
import org.latentcl.io.Safetensors;

/**
 * The convolutional VAE and the DCGAN as a user runs them: on a folder of colour PNGs resized with
 * --image-size, trained, resumed, sampled and evaluated; and the inputs they cannot take, refused in
 * one line.
 */
class ConvModelsCommandTest {
    @TempDir
    Path dir;

    private Path pictures(int n) throws IOException {
        return pictures(dir, n);
    }

    /** n colour PNGs of 20x20 in two class folders under dir/pictures: a square whose colour and place follow the index. */
    static Path pictures(Path dir, int n) throws IOException {
        Path data = dir.resolve("pictures");
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
            int at = i % 10;
            for (int y = at; y < at + 8; y++) {
                for (int x = at; x < at + 8; x++) {
                    img.setRGB(x, y, i % 2 == 0 ? 0xE04020 : 0x2040E0);
                }
            }
            Path f = data.resolve(i % 2 == 0 ? "red" : "blue").resolve("p" + i + ".png");
            Files.createDirectories(f.getParent());
            ImageIO.write(img, "png", f.toFile());
        }
        return data;
    }

    @Test
    void aConvVaeTrainsOnResizedColourPicturesResumesSamplesAndEvaluates() throws IOException {
        Path data = pictures(40);
        Path out = dir.resolve("vae");
        Cli.Run r = Cli.run("train", "vae", "--arch", "conv", "--channels", "4,8", "--latent", "3", "--data", data.toString(),
                "--image-size", "16", "--epochs", "1", "--batch", "8", "--device", "java", "--quiet", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("conv VAE 3x16x16 channels [4, 8]"), r.out());
        Safetensors.Contents c = Safetensors.read(out.resolve("checkpoint.safetensors"));
        assertEquals(java.util.List.of(4, 3, 4, 4), java.util.Arrays.stream(c.tensors().get("dec.5.weight").shape()).boxed().toList());
        r = Cli.run("train", "vae", "--resume", out.toString(), "--epochs", "2", "--device", "java", "--quiet");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        Path png = dir.resolve("s.png");
        r = Cli.run("sample", "--checkpoint", out.resolve("checkpoint.safetensors").toString(), "--n", "4", "--device", "java",
                "--out", png.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(2 * (16 * 2 + 1) + 1, ImageIO.read(png.toFile()).getWidth());
        r = Cli.run("eval", "--json", "--checkpoint", out.resolve("checkpoint.safetensors").toString(), "--data", data.toString(),
                "--image-size", "16", "--device", "java");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test"), r.out());
    }

    @Test
    void aDcganTrainsAndSamplesInTheDataRange() throws IOException {
        Path data = pictures(32);
        Path out = dir.resolve("gan");
        Cli.Run r = Cli.run("train", "gan", "--arch", "dcgan", "--ngf", "4", "--ndf", "4", "--data", data.toString(), "--image-size", "16",
                "--epochs", "1", "--batch", "8", "--device", "java", "--quiet", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("DCGAN z100 ngf 4 ndf 4 -> 3x16x16"), r.out());
        Safetensors.Contents c = Safetensors.read(out.resolve("checkpoint.safetensors"));
        assertEquals("I64", c.tensors().get("gen.1.num_batches_tracked").dtype());
        Path npy = dir.resolve("fakes.npy");
        r = Cli.run("sample", "--checkpoint", out.resolve("checkpoint.safetensors").toString(), "--n", "5", "--device", "java",
                "--out", npy.toString());
        assertEquals(0, r.code(), r.err());
        float[] v = org.latentcl.data.Npy.read(npy).values();
        for (float x : v) {
            assertTrue(x >= 0f && x <= 1f, "a DCGAN's samples come back in [0, 1], got " + x);
        }
    }

    @Test
    void inputsTheArchitecturesCannotTakeAreRefusedInOneLine() throws IOException {
        Path csv = dir.resolve("rows.csv");
        Files.writeString(csv, "0.1,0.2\n0.3,0.4\n0.5,0.6\n");
        Cli.usageError(Cli.run("train", "vae", "--arch", "conv", "--data", csv.toString(), "--device", "java"), "--arch conv needs image data");
        Cli.usageError(Cli.run("train", "vae", "--arch", "conv", "--channels", "8,8,8", "--device", "java"), "multiples of 8, not 28x28");
        Cli.usageError(Cli.run("train", "vae", "--arch", "resnet", "--device", "java"), "--arch must be mlp or conv");
        Path data = pictures(6);
        Cli.usageError(Cli.run("train", "gan", "--arch", "dcgan", "--data", data.toString(), "--device", "java"),
                "side 28, 16, 32, 64 or 128; pictures/train has 20x20");
        Cli.usageError(Cli.run("train", "gan", "--arch", "dcgan", "--data", csv.toString(), "--device", "java"), "needs images");
        Files.writeString(data.resolve("red").resolve("p0.png"), "garbage");
        Cli.usageError(Cli.run("train", "vae", "--data", data.toString(), "--device", "java"), "p0.png: not a readable PNG or JPEG image");
    }
}
