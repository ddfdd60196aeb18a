import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.latentcl.data.Npy;
import org.latentcl.io.Safetensors;
import org.latentcl.opencl.BinaryCache;

/**
 * Writes the seed inputs of the fuzz tests (ReadersFuzzTest) into the regression corpus. From the
 * repository root, after mvn package: java -cp target/latentcl.jar tools/FuzzSeeds.java. Small valid
 * files of every format; the fuzzer mutates them, and every input that ever found a bug is added
 * beside them.
 */
public class FuzzSeeds {
    static final Path ROOT = Path.of("src/test/resources/org/latentcl/fuzz/ReadersFuzzTestInputs");

    public static void main(String[] args) throws IOException {
        Path tmp = Files.createTempFile("seed", ".safetensors");
        Safetensors.write(tmp, Map.of("model", "vae", "config", "{\"input\":4}"), List.of(
                new Safetensors.Entry("enc.0.weight", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
                new Safetensors.Entry("enc.0.bias", new int[] {2}, new float[] {0.5f, -1})));
        seed("safetensors", "two-tensors", Files.readAllBytes(tmp));
        Files.delete(tmp);
        seed("npy", "float32-2x3", Npy.encode(new float[] {0, 0.25f, 0.5f, 0.75f, 1, 0.1f}, 2, 3));
        seed("npy", "uint8-1x2x2", npyUint8());
        byte[] idx = idx();
        seed("idx", "images-2x2x2", idx);
        seed("idxGzip", "images-2x2x2.gz", gzip(idx));
        seed("csv", "header-3-rows", "x,y\n1.5,2\n-3,4e-2\n0,0\n".getBytes(StandardCharsets.UTF_8));
        seed("png", "grey-3x2", image("png", BufferedImage.TYPE_BYTE_GRAY));
        seed("png", "rgb-3x2", image("png", BufferedImage.TYPE_INT_RGB));
        seed("jpeg", "rgb-3x2", image("jpg", BufferedImage.TYPE_INT_RGB));
        byte[] cifar = new byte[2 * (1 + 3 * 32 * 32)];
        for (int i = 0; i < cifar.length; i++) {
            cifar[i] = (byte) (i * 7);
        }
        cifar[0] = 3;
        cifar[1 + 3 * 32 * 32] = 9;
        seed("cifar10", "two-records", cifar);
        seed("gemmTuning", "tuned", ("# GEMM launch shapes\nlarge tm=16 tn=16 local=1x1\nsmall tm=8 tn=8 local=auto\n")
                .getBytes(StandardCharsets.UTF_8));
        seed("gemmTuning", "local-tiles", ("large local-tiles tsm=64 tsn=64 tsk=16 wptm=4 wptn=4\nsmall tm=4 tn=4 local=auto\n")
                .getBytes(StandardCharsets.UTF_8));
        seed("binaryCache", "intact", BinaryCache.encode("a program binary".getBytes(StandardCharsets.US_ASCII)));
    }

    static void seed(String target, String name, byte[] data) throws IOException {
        Path dir = ROOT.resolve(target);
        Files.createDirectories(dir);
        Files.write(dir.resolve("seed-" + name), data);
    }

    static byte[] npyUint8() {
        String header = "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 2), }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        int len = header.length() + pad + 1;
        b.write(len & 0xff);
        b.write(len >> 8);
        b.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(" ".repeat(pad).getBytes(StandardCharsets.US_ASCII));
        b.write('\n');
        b.writeBytes(new byte[] {0, 64, (byte) 128, (byte) 255});
        return b.toByteArray();
    }

    static byte[] idx() {
        return new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 50, 100, (byte) 150, (byte) 200, (byte) 250, 1, 2};
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(data);
        }
        return b.toByteArray();
    }

    static byte[] image(String format, int type) throws IOException {
        BufferedImage img = new BufferedImage(3, 2, type);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                img.setRGB(x, y, (x * 90) << 16 | (y * 120) << 8 | 40);
            }
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(img, format, b);
        return b.toByteArray();
    }
}
