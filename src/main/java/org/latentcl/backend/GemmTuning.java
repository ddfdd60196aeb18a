package org.latentcl.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.latentcl.opencl.ClDeviceInfo;

/**
 * The GEMM launch shapes for one device: one for outputs of at least 128 x 128 ({@code large}),
 * one for smaller ones ({@code small}). {@code bench gemm --tune} measures the candidates on the
 * device and stores the best in a per-device file (keyed by platform, device and driver version)
 * under {@code $LATENTCL_CACHE/tuning} or {@code ~/.cache/latentcl/tuning}; later runs use it.
 *
 * @param large launch shape for outputs of at least 128 x 128
 * @param small launch shape for smaller outputs
 */
public record GemmTuning(ClBackend.GemmConfig large, ClBackend.GemmConfig small) {
    private static final Pattern LINE = Pattern.compile("(large|small)\\s+tm=(\\d+)\\s+tn=(\\d+)\\s+local=(auto|(\\d+)x(\\d+))");

    /**
     * Defaults when a device was never tuned. CPUs: what {@code bench gemm --tune} found on PoCL 3.1 on a
     * 2-core AVX-512 VM: 16 x 16 tiles (one float16 per row, 16 of the 32 vector registers), in work-groups
     * of one (docs/PERFORMANCE.md); CPUs with 8-float registers (AVX2) get 16 x 8 tiles, which fill their
     * 16 registers the same way. GPUs: 4 x 8 tiles in 8 x 8 work-groups, until a GPU is tuned.
     */
    public static GemmTuning defaults(ClDeviceInfo device) {
        if (device.isGpu()) {
            long side = device.maxWorkGroupSize() >= 64 ? 8 : 1;
            ClBackend.GemmConfig g = new ClBackend.GemmConfig(4, 8, new long[] {side, side});
            return new GemmTuning(g, g);
        }
        int tn = device.nativeFloatWidth() >= 16 ? 16 : 8;
        ClBackend.GemmConfig g = new ClBackend.GemmConfig(16, tn, new long[] {1, 1});
        return new GemmTuning(g, g);
    }

    /** The tuning file of a device. */
    public static Path file(ClDeviceInfo device) {
        return org.latentcl.opencl.BinaryCache.cacheRoot().resolve("tuning").resolve(key(device) + ".txt");
    }

    /** The stored tuning of a device, if it was tuned (an unreadable file counts as none). */
    public static Optional<GemmTuning> load(ClDeviceInfo device) {
        try {
            Path f = file(device);
            return Files.isRegularFile(f) ? parse(Files.readString(f, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Stores this tuning for the device (atomically: a temporary file, then a rename). */
    public void save(ClDeviceInfo device) throws IOException {
        Path f = file(device);
        Files.createDirectories(f.getParent());
        Path tmp = Files.createTempFile(f.getParent(), "tuning", ".tmp");
        Files.writeString(tmp, "# GEMM launch shapes for " + device.describe() + ", driver " + device.driverVersion() + "\n"
                + "large " + format(large) + "\nsmall " + format(small) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static Optional<GemmTuning> parse(String text) {
        ClBackend.GemmConfig l = null;
        ClBackend.GemmConfig s = null;
        Matcher m = LINE.matcher(text);
        while (m.find()) {
            long[] local = m.group(4).equals("auto") ? null : new long[] {Long.parseLong(m.group(5)), Long.parseLong(m.group(6))};
            ClBackend.GemmConfig c = new ClBackend.GemmConfig(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), local);
            if (m.group(1).equals("large")) {
                l = c;
            } else {
                s = c;
            }
        }
        return l == null || s == null ? Optional.empty() : Optional.of(new GemmTuning(l, s));
    }

    /** "tm=16 tn=16 local=1x1" or "tm=8 tn=8 local=auto". */
    public static String format(ClBackend.GemmConfig c) {
        return String.format(Locale.ROOT, "tm=%d tn=%d local=%s", c.tm(), c.tn(), c.local() == null ? "auto" : c.local()[0] + "x" + c.local()[1]);
    }

    private static String key(ClDeviceInfo d) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((d.platformName() + "\0" + d.name() + "\0" + d.driverVersion()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
