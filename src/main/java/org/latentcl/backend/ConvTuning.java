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
 * (batch included) takes it, the others im2col + GEMM. The backward passes are timed and chosen apart ({@code
 * ops.ImplicitConvBackward}: the weight and input gradients as implicit GEMMs, or im2col, GEMMs and col2im). No file: none
 * (im2col + GEMM everywhere).
 *
 * @param implicit the tiles of each shape whose forward pass runs implicitly, keyed by {@link #key}
 * @param backward the tiles of each shape whose backward pass runs implicitly, keyed by {@link #key}
 */
public record ConvTuning(Map<String, ClBackend.LocalGemmConfig> implicit, Map<String, ClBackend.LocalGemmConfig> backward) {
    /** No implicit convolutions. */
    public static final ConvTuning NONE = new ConvTuning(Map.of(), Map.of());

    private static final Pattern LINE = Pattern.compile(
            "conv\\s+((?:\\d+\\s+){8}\\d+)\\s+(implicit|backward)\\s+tsm=(\\d+)\\s+tsn=(\\d+)\\s+tsk=(\\d+)\\s+wptm=(\\d+)\\s+wptn=(\\d+)");

    public ConvTuning {
        implicit = Map.copyOf(implicit);
        backward = Map.copyOf(backward);
    }

    /** Implicit forward passes only. */
    public ConvTuning(Map<String, ClBackend.LocalGemmConfig> implicit) {
        this(implicit, Map.of());
    }

    /** Whether no convolution runs implicitly, forward or backward. */
    public boolean isEmpty() {
        return implicit.isEmpty() && backward.isEmpty();
    }

    /** A convolution's key: "N C H W OUT KH KW STRIDE PAD" (batch, input channels and size, output channels, kernel, stride, padding). */
    public static String key(int n, int channels, int height, int width, int out, int kh, int kw, int stride, int pad) {
        return String.format(Locale.ROOT, "%d %d %d %d %d %d %d %d %d", n, channels, height, width, out, kh, kw, stride, pad);
    }

    /** The implicit GEMM's tiles for the convolution of this {@link #key}, or null when it runs as im2col + GEMM. */
    public ClBackend.LocalGemmConfig implicitFor(String key) {
        return implicit.isEmpty() ? null : implicit.get(key);
    }

    /** The implicit backward GEMMs' tiles for the convolution of this {@link #key}, or null when it runs as im2col, GEMMs, col2im. */
    public ClBackend.LocalGemmConfig backwardFor(String key) {
        return backward.isEmpty() ? null : backward.get(key);
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
        Map<String, ClBackend.LocalGemmConfig> forward = new LinkedHashMap<>();
        Map<String, ClBackend.LocalGemmConfig> backward = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line.trim());
            if (!m.matches()) {
                continue;
            }
            try {
                ClBackend.LocalGemmConfig t = new ClBackend.LocalGemmConfig(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)),
                        Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)), Integer.parseInt(m.group(7)));
                if (t.groupSize() <= device.maxWorkGroupSize() && t.localBytes() <= device.localMemBytes()) {
                    (m.group(2).equals("implicit") ? forward : backward).put(m.group(1).trim().replaceAll("\\s+", " "), t);
                }
            } catch (IllegalArgumentException e) {
                // tiles the kernel cannot take: not a choice
            }
        }
        return new ConvTuning(forward, backward);
    }

    /** The file's text. */
    String text(ClDeviceInfo device) {
        StringBuilder b = new StringBuilder("# convolutions run as implicit GEMMs on " + device.describe() + ", driver "
                + device.driverVersion() + " (bench conv --tune): N C H W OUT KH KW STRIDE PAD, the pass (implicit: forward, or backward) "
                + "and tiles\n");
        implicit.forEach((k, t) -> b.append(line(k, "implicit", t)));
        backward.forEach((k, t) -> b.append(line(k, "backward", t)));
        return b.toString();
    }

    private static String line(String key, String pass, ClBackend.LocalGemmConfig t) {
        return String.format(Locale.ROOT, "conv %s %s tsm=%d tsn=%d tsk=%d wptm=%d wptn=%d%n", key, pass, t.tsm(), t.tsn(), t.tsk(), t.wptm(),
                t.wptn());
    }

    /** Stores these choices for the device (atomically), replacing earlier ones. */
    public void save(ClDeviceInfo device) throws IOException {
        org.latentcl.io.AtomicFiles.write(file(device), text(device).getBytes(StandardCharsets.UTF_8));
    }
}
