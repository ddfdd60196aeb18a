package org.latentcl.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.latentcl.opencl.ClDeviceInfo;

/**
 * The forward convolutions that run as one implicit-GEMM launch ({@code ops.ImplicitConv}) on one device, and their
 * tiles: {@code bench conv --tune} times each of the models' convolutions both ways and stores those where the implicit
 * GEMM was faster, in a file beside the device's GEMM tuning ({@link GemmTuning#file}); a {@code Conv2d} of such a shape
 * (batch included) takes it, the others im2col + GEMM. No file: none (im2col + GEMM everywhere).
 *
 * @param implicit the tiles of each shape that runs implicitly, keyed by {@link #key}
 */
public record ConvTuning(Map<String, ClBackend.LocalGemmConfig> implicit) {
    /** No implicit convolutions. */
    public static final ConvTuning NONE = new ConvTuning(Map.of());

    private static final Pattern LINE = Pattern.compile(
            "conv\\s+((?:\\d+\\s+){8}\\d+)\\s+implicit\\s+tsm=(\\d+)\\s+tsn=(\\d+)\\s+tsk=(\\d+)\\s+wptm=(\\d+)\\s+wptn=(\\d+)");

    public ConvTuning {
        implicit = Map.copyOf(implicit);
    }

    /** A convolution's key: "N C H W OUT KH KW STRIDE PAD" (batch, input channels and size, output channels, kernel, stride, padding). */
    public static String key(int n, int channels, int height, int width, int out, int kh, int kw, int stride, int pad) {
        return String.format(Locale.ROOT, "%d %d %d %d %d %d %d %d %d", n, channels, height, width, out, kh, kw, stride, pad);
    }

    /** The implicit GEMM's tiles for the convolution of this {@link #key}, or null when it runs as im2col + GEMM. */
    public ClBackend.LocalGemmConfig implicitFor(String key) {
        return implicit.isEmpty() ? null : implicit.get(key);
    }

    /** The file of a device's convolution choices. */
    public static Path file(ClDeviceInfo device) {
        Path gemm = GemmTuning.file(device);
        return gemm.resolveSibling(gemm.getFileName().toString().replace(".txt", "-conv.txt"));
    }

    /** The device's stored choices, or {@link #NONE} (no file, or one that cannot be read: a file is advice). */
    public static ConvTuning load(ClDeviceInfo device) {
        try {
            Path f = file(device);
            return Files.isRegularFile(f) ? parse(Files.readString(f, StandardCharsets.UTF_8), device) : NONE;
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** The choices in a file's text; lines that are not choices, or tiles the device cannot run, are left out. */
    static ConvTuning parse(String text, ClDeviceInfo device) {
        Map<String, ClBackend.LocalGemmConfig> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line.trim());
            if (!m.matches()) {
                continue;
            }
            try {
                ClBackend.LocalGemmConfig t = new ClBackend.LocalGemmConfig(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                        Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)));
                if (t.groupSize() <= device.maxWorkGroupSize() && t.localBytes() <= device.localMemBytes()) {
                    out.put(m.group(1).trim().replaceAll("\\s+", " "), t);
                }
            } catch (IllegalArgumentException e) {
                // tiles the kernel cannot take: not a choice
            }
        }
        return new ConvTuning(out);
    }

    /** The file's text. */
    String text(ClDeviceInfo device) {
        StringBuilder b = new StringBuilder("# forward convolutions run as one implicit-GEMM launch on " + device.describe() + ", driver "
                + device.driverVersion() + " (bench conv --tune): N C H W OUT KH KW STRIDE PAD and tiles\n");
        implicit.forEach((k, t) -> b.append(String.format(Locale.ROOT, "conv %s implicit tsm=%d tsn=%d tsk=%d wptm=%d wptn=%d%n", k, t.tsm(),
                t.tsn(), t.tsk(), t.wptm(), t.wptn())));
        return b.toString();
    }

    /** Stores these choices for the device (atomically), replacing earlier ones. */
    public void save(ClDeviceInfo device) throws IOException {
        org.latentcl.io.AtomicFiles.write(file(device), text(device).getBytes(StandardCharsets.UTF_8));
    }
}
