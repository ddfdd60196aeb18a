package org.latentcl.backend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
public record GemmTuning(ClBackend.GemmLaunch large, ClBackend.GemmLaunch small) {
    private static final Pattern LINE = Pattern.compile("(large|small)\\s+tm=(\\d+)\\s+tn=(\\d+)\\s+local=(auto|(\\d+)x(\\d+))");
    private static final Pattern LOCAL_LINE = Pattern.compile(
            "(large|small)\\s+local-tiles\\s+tsm=(\\d+)\\s+tsn=(\\d+)\\s+tsk=(\\d+)\\s+wptm=(\\d+)\\s+wptn=(\\d+)(?:\\s+vw=(\\d+))?");

    /**
     * Defaults when a device was never tuned. CPU style: what {@code bench gemm --tune} found on PoCL 3.1
     * on a 2-core AVX-512 VM: 16 x 16 register tiles (one float16 per row, 16 of the 32 vector registers),
     * in work-groups of one (docs/PERFORMANCE.md); CPUs with 8-float registers (AVX2) get 16 x 8 tiles,
     * which fill their 16 registers the same way. GPU style: 64 x 64 tiles of C per work-group staged
     * through local memory in K-slices of 16, 4 x 4 per work-item (16 x 16 work-groups; the shape of
     * Nugteren's tuned SGEMM and CLBlast's defaults), or 32 x 32 in 8 x 8 groups on devices that allow
     * fewer than 256 work-items, or register tiles in groups of one below 64; until a GPU is tuned.
     */
    public static GemmTuning defaults(ClDeviceInfo device, ClBackend.Style style) {
        if (style == ClBackend.Style.GPU) {
            ClBackend.GemmLaunch g;
            if (device.maxWorkGroupSize() >= 256 && device.localMemBytes() >= 8192) {
                g = new ClBackend.LocalGemmConfig(64, 64, 16, 4, 4);
            } else if (device.maxWorkGroupSize() >= 64 && device.localMemBytes() >= 4096) {
                g = new ClBackend.LocalGemmConfig(32, 32, 16, 4, 4);
            } else {
                g = new ClBackend.GemmConfig(4, 8, new long[] {1, 1});
            }
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

    /** The stored tuning of a device, if it was tuned (an unreadable file, or one the device cannot run, counts as none). */
    public static Optional<GemmTuning> load(ClDeviceInfo device) {
        try {
            Path f = file(device);
            return Files.isRegularFile(f) ? parse(Files.readString(f, StandardCharsets.UTF_8)).filter(t -> t.fits(device)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether the device's work-groups and local memory hold both launch shapes. */
    boolean fits(ClDeviceInfo device) {
        for (ClBackend.GemmLaunch launch : new ClBackend.GemmLaunch[] {large, small}) {
            if (launch instanceof ClBackend.GemmConfig g && g.local() != null && g.local()[0] * g.local()[1] > device.maxWorkGroupSize()) {
                return false;
            }
            if (launch instanceof ClBackend.LocalGemmConfig t && (t.groupSize() > device.maxWorkGroupSize()
                    || t.localBytes() > device.localMemBytes())) {
                return false;
            }
        }
        return true;
    }

    /** Stores this tuning for the device (atomically: a temporary file, then a rename). */
    public void save(ClDeviceInfo device) throws IOException {
        org.latentcl.io.AtomicFiles.write(file(device), ("# GEMM launch shapes for " + device.describe() + ", driver " + device.driverVersion()
                + "\n" + "large " + format(large) + "\nsmall " + format(small) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The tuning in a tuning file's text, or nothing when the text holds no complete and sensible
     * tuning (a file is advice: one that is damaged or edited into shapes the kernels cannot run
     * counts as none).
     */
    public static Optional<GemmTuning> parse(String text) {
        try {
            Optional<GemmTuning> t = parseLines(text);
            t.ifPresent(GemmTuning::check);
            return t;
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Register tiles the GEMM kernel is built for, and limits no OpenCL device's work-groups or local memory exceed. */
    private static final java.util.Set<Integer> ROWS_PER_ITEM = java.util.Set.of(1, 2, 4, 8, 16);
    private static final long MAX_GROUP = 1024;
    private static final long MAX_LOCAL_BYTES = 64 * 1024;

    /**
     * Throws IllegalArgumentException unless both launch shapes are ones the kernels can run on
     * some device: register tiles of 1, 2, 4, 8 or 16 rows (8 or 16 columns), work-groups of at most
     * 1024 items, local tiles of at most 64 KiB.
     */
    public void check() {
        for (ClBackend.GemmLaunch launch : new ClBackend.GemmLaunch[] {large, small}) {
            if (launch instanceof ClBackend.GemmConfig g) {
                if (!ROWS_PER_ITEM.contains(g.tm())) {
                    throw new IllegalArgumentException("GEMM register tiles have 1, 2, 4, 8 or 16 rows, got " + g.tm());
                }
                if (g.local() != null && (g.local().length != 2 || g.local()[0] < 1 || g.local()[1] < 1
                        || g.local()[0] * g.local()[1] > MAX_GROUP)) {
                    throw new IllegalArgumentException("GEMM work-groups need 1 to " + MAX_GROUP + " items");
                }
            } else if (launch instanceof ClBackend.LocalGemmConfig t) {
                if (t.tsm() > 256 || t.tsn() > 256 || t.tsk() > 256 || t.groupSize() > MAX_GROUP || t.localBytes() > MAX_LOCAL_BYTES) {
                    throw new IllegalArgumentException("local-memory GEMM tiles too large: " + format(t));
                }
            } else {
                throw new IllegalArgumentException("no GEMM launch shape");
            }
        }
    }

    private static Optional<GemmTuning> parseLines(String text) {
        ClBackend.GemmLaunch l = null;
        ClBackend.GemmLaunch s = null;
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            Matcher t = LOCAL_LINE.matcher(line);
            ClBackend.GemmLaunch c;
            String which;
            if (m.find()) {
                long[] local = m.group(4).equals("auto") ? null : new long[] {Long.parseLong(m.group(5)), Long.parseLong(m.group(6))};
                c = new ClBackend.GemmConfig(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), local);
                which = m.group(1);
            } else if (t.find()) {
                c = new ClBackend.LocalGemmConfig(Integer.parseInt(t.group(2)), Integer.parseInt(t.group(3)), Integer.parseInt(t.group(4)),
                        Integer.parseInt(t.group(5)), Integer.parseInt(t.group(6)), t.group(7) == null ? 1 : Integer.parseInt(t.group(7)));
                which = t.group(1);
            } else {
                continue;
            }
            if (which.equals("large")) {
                l = c;
            } else {
                s = c;
            }
        }
        return l == null || s == null ? Optional.empty() : Optional.of(new GemmTuning(l, s));
    }

    /**
     * "tm=16 tn=16 local=1x1", "tm=8 tn=8 local=auto", "local-tiles tsm=64 tsn=64 tsk=16 wptm=4 wptn=4" or, with
     * vector loads, "local-tiles tsm=64 tsn=64 tsk=16 wptm=4 wptn=4 vw=4" (files from before vw read as vw=1).
     */
    public static String format(ClBackend.GemmLaunch launch) {
        if (launch instanceof ClBackend.LocalGemmConfig t) {
            return String.format(Locale.ROOT, "local-tiles tsm=%d tsn=%d tsk=%d wptm=%d wptn=%d", t.tsm(), t.tsn(), t.tsk(), t.wptm(), t.wptn())
                    + (t.vw() == 1 ? "" : " vw=" + t.vw());
        }
        ClBackend.GemmConfig c = (ClBackend.GemmConfig) launch;
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
