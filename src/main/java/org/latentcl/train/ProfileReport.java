package org.latentcl.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.latentcl.backend.Profiler;
import org.latentcl.backend.ops.DevicePeak;
import org.latentcl.io.AtomicFiles;
import org.latentcl.io.Json;

/**
 * Turns a {@link Profiler}'s record into {@code profile.txt} (a table per kernel or operation:
 * calls, total ms, mean and p95 microseconds, share of the device time, GFLOP/s and GB/s where the
 * work is known; then launches per step, host overhead and transfers) and {@code trace.json}
 * (Chrome trace format: open it in Perfetto or chrome://tracing).
 */
public final class ProfileReport {
    public static final String TABLE = "profile.txt";
    public static final String TRACE = "trace.json";

    private ProfileReport() {
    }

    /** Writes both files into dir and returns the table, with each row's share of the device's peak where it is known (else null). */
    public static String write(Profiler p, String device, DevicePeak peak, Path dir) throws IOException {
        String table = table(p, device, peak);
        AtomicFiles.write(dir.resolve(TABLE), table.getBytes(StandardCharsets.UTF_8));
        AtomicFiles.write(dir.resolve(TRACE), trace(p).getBytes(StandardCharsets.UTF_8));
        return table;
    }

    /** The per-kernel table and the step summary. */
    public static String table(Profiler p, String device) {
        return table(p, device, null);
    }

    /** The per-kernel table and the step summary of work on {@code be}, with the shares of its peak where it has one ({@link DevicePeak#of}). */
    public static String table(Profiler p, org.latentcl.backend.Backend be) {
        return table(p, be.name(), DevicePeak.of(be));
    }

    /**
     * The per-kernel table and the step summary; with the device's peak, each row's GFLOP/s and GB/s also as
     * a share of the calibration GEMM's and copy's ({@link DevicePeak}), and the same per layer.
     */
    public static String table(Profiler p, String device, DevicePeak peak) {
        List<Profiler.Op> ops = p.ops();
        Map<String, List<Profiler.Op>> byName = new TreeMap<>();
        double busy = 0;
        double kernels = 0;
        for (Profiler.Op op : ops) {
            byName.computeIfAbsent(op.name(), k -> new ArrayList<>()).add(op);
            // The share is of all the device's recorded time, transfers included, so every row has its share.
            busy += op.durationNs();
            if (!op.kind().equals("transfer")) {
                kernels += op.durationNs();
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("profile on ").append(device).append('\n');
        if (peak != null) {
            sb.append(String.format(Locale.ROOT, "device peak (calibration): %.1f GFLOP/s (a 1024^3 GEMM), %.1f GB/s (a 64 MiB copy); "
                    + "GFLOP and MB are each kernel's work in all, %%FLOP and %%BW its rates' shares of the peak%n", peak.gflops(), peak.gbps()));
            if (peak.takenWhileBusy()) {
                sb.append(String.format(Locale.ROOT, "note: the calibration ran while other processes used %.0f%% of the CPUs, so the peak "
                        + "reads low and the shares high; it is not cached, and the next profile measures again%n", 100 * peak.othersLoad()));
            }
        }
        // max beside p95: a mean above the p95 comes from a few long calls (the first launch of a kernel, one that waited).
        sb.append(String.format(Locale.ROOT, "%-58s %8s %11s %10s %10s %10s %7s %9s %8s%s%n", "kernel / operation", "calls", "total ms",
                "mean us", "p95 us", "max us", "share", "GFLOP/s", "GB/s", peak == null ? ""
                        : String.format(Locale.ROOT, " %9s %9s %6s %6s", "GFLOP", "MB", "%FLOP", "%BW")));
        List<Map.Entry<String, List<Profiler.Op>>> rows = new ArrayList<>(byName.entrySet());
        rows.sort(Comparator.comparingDouble(e -> -totalNs(e.getValue())));
        for (var e : rows) {
            List<Profiler.Op> list = e.getValue();
            double total = totalNs(list);
            long[] d = list.stream().mapToLong(Profiler.Op::durationNs).sorted().toArray();
            double p95 = d[Math.min(d.length - 1, (int) Math.ceil(0.95 * d.length) - 1)];
            double flops = list.stream().mapToDouble(Profiler.Op::flops).sum();
            double bytes = list.stream().mapToDouble(Profiler.Op::bytes).sum();
            sb.append(String.format(Locale.ROOT, "%-58s %8d %11.2f %10.1f %10.1f %10.1f %6.1f%% %9s %8s%s%n", clip(e.getKey()), list.size(),
                    total / 1e6, total / 1e3 / list.size(), p95 / 1e3, d[d.length - 1] / 1e3, busy == 0 ? 0.0 : 100 * total / busy,
                    flops > 0 ? String.format(Locale.ROOT, "%.1f", flops / total) : "-",
                    bytes > 0 ? String.format(Locale.ROOT, "%.2f", bytes / total) : "-", peak == null ? ""
                            : String.format(Locale.ROOT, " %9s %9s", flops > 0 ? String.format(Locale.ROOT, "%.3f", flops / 1e9) : "-",
                            bytes > 0 ? String.format(Locale.ROOT, "%.2f", bytes / 1e6) : "-") + shares(peak, flops / total, bytes / total)));
        }
        sb.append(summary(p, ops));
        sb.append(byLayer(ops, kernels, peak));
        return sb.toString();
    }

    /**
     * The same device time by network layer, in the order the layers first ran (forward, then backward):
     * launches, time, share and GFLOP/s of each; work outside the layers (losses, sampling, the optimizer,
     * batch gathering) on one line. Empty when no operation ran inside a layer.
     */
    /** " %FLOP %BW" of a row: its rates as shares of the peak ("-" where the row has no such work); empty without a peak. */
    static String shares(DevicePeak peak, double gflops, double gbps) {
        if (peak == null) {
            return "";
        }
        double f = peak.flopShare(gflops);
        double b = peak.byteShare(gbps);
        return String.format(Locale.ROOT, " %6s %6s", Double.isNaN(f) ? "-" : String.format(Locale.ROOT, "%.1f%%", f),
                Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%.1f%%", b));
    }

    static String byLayer(List<Profiler.Op> ops, double busy, DevicePeak peak) {
        Map<String, double[]> rows = new java.util.LinkedHashMap<>();
        List<Profiler.Op> sorted = new ArrayList<>(ops);
        sorted.sort(Comparator.comparingLong(Profiler.Op::queued));
        boolean any = false;
        for (Profiler.Op op : sorted) {
            if (op.kind().equals("transfer")) {
                continue;
            }
            any |= !op.layer().isEmpty();
            double[] r = rows.computeIfAbsent(op.layer().isEmpty() ? OUTSIDE : op.layer(), k -> new double[4]);
            r[0]++;
            r[1] += op.durationNs();
            r[2] += op.flops();
            r[3] += op.bytes();
        }
        if (!any) {
            return "";
        }
        double[] outside = rows.remove(OUTSIDE);
        if (outside != null) {
            rows.put(OUTSIDE, outside);
        }
        StringBuilder sb = new StringBuilder("\nby layer (forward in network order, then backward)\n");
        sb.append(String.format(Locale.ROOT, "%-58s %8s %11s %7s %9s%s%n", "layer", "launches", "total ms", "share", "GFLOP/s",
                peak == null ? "" : String.format(Locale.ROOT, " %8s %6s %6s", "GB/s", "%FLOP", "%BW")));
        for (var e : rows.entrySet()) {
            double[] r = e.getValue();
            sb.append(String.format(Locale.ROOT, "%-58s %8d %11.2f %6.1f%% %9s%s%n", clip(e.getKey()), (long) r[0], r[1] / 1e6,
                    busy == 0 ? 0.0 : 100 * r[1] / busy, r[2] > 0 ? String.format(Locale.ROOT, "%.1f", r[2] / r[1]) : "-",
                    peak == null ? "" : String.format(Locale.ROOT, " %8s", r[3] > 0 ? String.format(Locale.ROOT, "%.2f", r[3] / r[1]) : "-")
                            + shares(peak, r[2] / r[1], r[3] / r[1])));
        }
        return sb.toString();
    }

    private static final String OUTSIDE = "(outside the layers: losses, sampling, optimizer, batches)";

    private static String summary(Profiler p, List<Profiler.Op> ops) {
        StringBuilder sb = new StringBuilder();
        List<Profiler.Span> steps = new ArrayList<>();
        List<Profiler.Span> epochs = new ArrayList<>();
        for (Profiler.Span s : p.spans()) {
            (s.name().equals("step") ? steps : epochs).add(s);
        }
        long transfers = 0;
        double transferNs = 0;
        double transferBytes = 0;
        for (Profiler.Op op : ops) {
            if (op.kind().equals("transfer")) {
                transfers++;
                transferNs += op.durationNs();
                transferBytes += op.bytes();
            }
        }
        if (!steps.isEmpty()) {
            steps.sort(Comparator.comparingLong(Profiler.Span::start));
            epochs.sort(Comparator.comparingLong(Profiler.Span::start));
            // Launches and device time of the training epochs (batch gathering included, the test pass
            // after each epoch not), or of the steps alone when there are no epoch spans.
            List<Profiler.Span> window = epochs.isEmpty() ? steps : epochs;
            long launches = 0;
            double deviceNs = 0;
            for (Profiler.Op op : ops) {
                if (!op.kind().equals("transfer") && inside(window, op.queued())) {
                    launches++;
                    deviceNs += op.durationNs();
                }
            }
            double wallNs = 0;
            for (Profiler.Span e : epochs) {
                wallNs += e.end() - e.start();
            }
            if (wallNs == 0) {
                for (Profiler.Span s : steps) {
                    wallNs += s.end() - s.start();
                }
            }
            double perStepWall = wallNs / steps.size();
            double perStepDevice = deviceNs / steps.size();
            sb.append(String.format(Locale.ROOT, "steps: %d; launches per step: %.1f; wall time per step %.1f us, of which device (kernel) "
                    + "time %.1f us and host overhead %.1f us (%.0f%%)%n", steps.size(), launches / (double) steps.size(), perStepWall / 1e3,
                    perStepDevice / 1e3, Math.max(0, perStepWall - perStepDevice) / 1e3,
                    perStepWall > 0 ? 100 * Math.max(0, perStepWall - perStepDevice) / perStepWall : 0));
        }
        sb.append(String.format(Locale.ROOT, "host<->device transfers: %d, %.2f MB, %.2f ms%n", transfers, transferBytes / 1e6, transferNs / 1e6));
        return sb.toString();
    }

    /** Whether t falls inside one of the (sorted, disjoint) spans. */
    private static boolean inside(List<Profiler.Span> spans, long t) {
        int lo = 0;
        int hi = spans.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Profiler.Span s = spans.get(mid);
            if (t < s.start()) {
                hi = mid - 1;
            } else if (t > s.end()) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }

    private static double totalNs(List<Profiler.Op> list) {
        double t = 0;
        for (Profiler.Op op : list) {
            t += op.durationNs();
        }
        return t;
    }

    private static String clip(String s) {
        return s.length() <= 58 ? s : s.substring(0, 55) + "...";
    }

    /**
     * Chrome trace JSON: kernels on one track, transfers on another, steps and epochs on a host
     * track; a data-parallel run adds a track per device (its compute and waiting) and one for the
     * reductions.
     */
    public static String trace(Profiler p) {
        List<Profiler.Op> ops = p.ops();
        List<Profiler.Span> spans = p.spans();
        long t0 = Long.MAX_VALUE;
        for (Profiler.Op op : ops) {
            t0 = Math.min(t0, op.queued());
        }
        for (Profiler.Span s : spans) {
            t0 = Math.min(t0, s.start());
        }
        List<Object> events = new ArrayList<>();
        events.add(meta(0, Profiler.HOST));
        events.add(meta(1, "device: kernels"));
        events.add(meta(2, "device: transfers"));
        // Further tracks (each device of a data-parallel run) after these, in order of appearance.
        Map<String, Integer> tracks = new LinkedHashMap<>();
        tracks.put(Profiler.HOST, 0);
        for (Profiler.Span s : spans) {
            Integer tid = tracks.get(s.track());
            if (tid == null) {
                tid = 2 + tracks.size();
                tracks.put(s.track(), tid);
                events.add(meta(tid, s.track()));
            }
            events.add(event(s.name(), "span", s.start() - t0, s.end() - s.start(), tid, Map.of()));
        }
        for (Profiler.Op op : ops) {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("queued_us", (op.queued() - t0) / 1e3);
            args.put("submit_us", (op.submit() - t0) / 1e3);
            if (op.flops() > 0) {
                args.put("flops", op.flops());
            }
            if (op.bytes() > 0) {
                args.put("bytes", op.bytes());
            }
            events.add(event(op.name(), op.kind(), op.start() - t0, op.durationNs(), op.kind().equals("transfer") ? 2 : 1, args));
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("traceEvents", events);
        root.put("displayTimeUnit", "ns");
        return Json.write(root);
    }

    private static Map<String, Object> meta(int tid, String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "thread_name");
        m.put("ph", "M");
        m.put("pid", 1);
        m.put("tid", tid);
        m.put("args", Map.of("name", name));
        return m;
    }

    private static Map<String, Object> event(String name, String cat, long startNs, long durNs, int tid, Map<String, Object> args) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("cat", cat);
        m.put("ph", "X");
        m.put("ts", startNs / 1e3);
        m.put("dur", Math.max(durNs, 0) / 1e3);
        m.put("pid", 1);
        m.put("tid", tid);
        if (!args.isEmpty()) {
            m.put("args", args);
        }
        return m;
    }
}
