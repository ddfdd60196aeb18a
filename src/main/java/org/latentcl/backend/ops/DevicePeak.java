package org.latentcl.backend.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.latentcl.backend.Backend;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.Tensor;

/**
 * What a device attains at best, as the yardstick of a profile: the GFLOP/s of a large GEMM (1024 x 1024
 * x 1024, the device's own tuned kernel) and the GB/s of a device-to-device copy of 64 MiB (read plus
 * written), each the best of three timed runs after a warm-up. Measured once per device and kept under
 * {@code $LATENTCL_CACHE/peaks} (or {@code ~/.cache/latentcl/peaks}), as the GEMM tuning is; a profile row's
 * share of peak is its GFLOP/s over the first and its GB/s over the second. A simulator (Oclgrind) has
 * none: it would take minutes and mean nothing. On a CPU device, a calibration during which other processes kept more
 * than {@link #BUSY} of the CPUs busy is used for that profile only and not cached: it would set the bar too low for
 * every later profile (one taken beside two trainings on a 2-core VM read 74.7 GFLOP/s against 173 quiet).
 *
 * @param gflops     the calibration GEMM's rate
 * @param gbps       the calibration copy's rate
 * @param othersLoad the share of the CPUs (0 to 1) that other processes used while a CPU device was calibrated; 0 when
 *                   read from the cache or for a GPU
 */
public record DevicePeak(double gflops, double gbps, double othersLoad) {
    /** Other processes' share of the CPUs during a CPU device's calibration above which it is not cached. */
    static final double BUSY = 0.25;
    static final int GEMM_SIZE = 1024;
    static final int COPY_FLOATS = 16 << 20;
    private static final Pattern LINE = Pattern.compile("gflops=([0-9.]+)\\s+gbps=([0-9.]+)");

    /** A peak read from the cache or given: no load measured beside it. */
    public DevicePeak(double gflops, double gbps) {
        this(gflops, gbps, 0);
    }

    /** Whether other processes kept more than {@link #BUSY} of the CPUs busy during the calibration (then it is not cached). */
    public boolean takenWhileBusy() {
        return othersLoad > BUSY;
    }

    /** The device's peak, measured now or read from its cache file; null for a simulator. */
    public static DevicePeak of(Backend be) {
        return of(be, OthersLoad.system());
    }

    /** {@link #of(Backend)} with the load of other processes measured by {@code load} (a test gives its own). */
    static DevicePeak of(Backend be, OthersLoad load) {
        if (be instanceof ClBackend cl && cl.device().isSimulator()) {
            return null;
        }
        Path file = file(be);
        try {
            if (Files.isRegularFile(file)) {
                Matcher m = LINE.matcher(Files.readString(file, StandardCharsets.UTF_8).strip());
                if (m.matches()) {
                    return new DevicePeak(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)));
                }
            }
        } catch (IOException | RuntimeException e) {
            // An unreadable cache file is measured again.
        }
        boolean cpu = !(be instanceof ClBackend cl && cl.device().isGpu());
        if (cpu) {
            load.start();
        }
        DevicePeak measured = measure(be);
        DevicePeak peak = new DevicePeak(measured.gflops, measured.gbps, cpu ? load.others() : 0);
        if (peak.takenWhileBusy()) {
            return peak;
        }
        try {
            org.latentcl.io.AtomicFiles.write(file, String.format(Locale.ROOT, "gflops=%.1f gbps=%.2f%n", peak.gflops, peak.gbps)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            // A cache that cannot be written costs the next profile a new measurement, nothing else.
        }
        return peak;
    }

    /** The cache file of a backend's device: keyed by its name (without its position in the list) and, for OpenCL, its driver. */
    static Path file(Backend be) {
        String id = be.name().replaceFirst("^cl:\\d+ ", "");
        if (be instanceof ClBackend cl) {
            id += "|" + cl.device().platformName() + "|" + cl.device().driverVersion();
        }
        String key;
        try {
            key = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return org.latentcl.opencl.BinaryCache.cacheRoot().resolve("peaks").resolve(key + ".txt");
    }

    /** Times the calibration GEMM and copy on the device, outside any profile. */
    static DevicePeak measure(Backend be) {
        var recording = be.profiler();
        be.profile(null);
        int n = GEMM_SIZE;
        try (Tensor a = be.upload(ramp(n * n), n, n); Tensor b = be.upload(ramp(n * n), n, n); Tensor c = be.zeros(n, n);
             Tensor src = be.zeros(1, COPY_FLOATS); Tensor dst = be.zeros(1, COPY_FLOATS)) {
            double gemmNs = best(be, () -> Gemm.gemm(be, false, false, 1f, a, b, 0f, c, null, null));
            double copyNs = best(be, () -> Elementwise.copy(be, src, dst));
            return new DevicePeak(2.0 * n * n * n / gemmNs, 2.0 * 4 * COPY_FLOATS / copyNs);
        } finally {
            be.profile(recording);
        }
    }

    /** The shortest of three timed runs after a warm-up, in nanoseconds. */
    private static double best(Backend be, Runnable op) {
        op.run();
        be.finish();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            op.run();
            be.finish();
            best = Math.min(best, System.nanoTime() - t0);
        }
        return Math.max(1, best);
    }

    private static float[] ramp(int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (i % 17) / 17f;
        }
        return v;
    }

    /**
     * The share of the CPUs that processes other than this one use between {@link #start} and {@link #others}: the
     * system's CPU load less this process's, as the JVM's operating-system bean reports them (0 where it cannot).
     */
    interface OthersLoad {
        void start();

        double others();

        /**
         * The JVM's own readings (com.sun.management's system and process CPU load), looked up by name: the GPU bundle's
         * runtime has no jdk.management module, and a direct reference would fail there (as SignalChaining's start time
         * does). Without them, no load is measured and every calibration is cached, as before.
         */
        static OthersLoad system() {
            java.lang.reflect.Method all;
            java.lang.reflect.Method own;
            Object bean;
            try {
                bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getOperatingSystemMXBean").invoke(null);
                Class<?> ext = Class.forName("com.sun.management.OperatingSystemMXBean");
                if (!ext.isInstance(bean)) {
                    return NONE;
                }
                all = ext.getMethod("getCpuLoad");
                own = ext.getMethod("getProcessCpuLoad");
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                return NONE;
            }
            return new OthersLoad() {
                @Override
                public void start() {
                    // Each reading covers the time since the one before, so these open the calibration's interval.
                    read(all);
                    read(own);
                }

                @Override
                public double others() {
                    double a = read(all);
                    double o = read(own);
                    return a < 0 || o < 0 ? 0 : Math.max(0, a - o);
                }

                private double read(java.lang.reflect.Method m) {
                    try {
                        return (Double) m.invoke(bean);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        return -1;
                    }
                }
            };
        }

        /** No load measured. */
        OthersLoad NONE = new OthersLoad() {
            @Override
            public void start() {
            }

            @Override
            public double others() {
                return 0;
            }
        };
    }

    /** A row's share of the peak FLOP rate, in percent (NaN without work or peak). */
    public double flopShare(double gflops) {
        return gflops > 0 && this.gflops > 0 ? 100 * gflops / this.gflops : Double.NaN;
    }

    /** A row's share of the peak bandwidth, in percent (NaN without bytes or peak). */
    public double byteShare(double gbps) {
        return gbps > 0 && this.gbps > 0 ? 100 * gbps / this.gbps : Double.NaN;
    }
}
