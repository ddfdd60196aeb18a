package org.latentcl.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.DeviceSelector;
import org.latentcl.backend.GemmTuning;
import org.latentcl.backend.Profiler;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.GemmTuner;
import org.latentcl.opencl.ClDeviceInfo;
import org.latentcl.train.ProfileReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench}: micro-benchmarks of backend operations. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark backend operations.",
        subcommands = {BenchCommand.Gemm.class, BenchConvCommand.class})
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new UsageException("bench needs an operation: bench gemm --shape MxNxK or bench conv (see bench --help)");
    }

    /** {@code bench gemm}: median time and GFLOP/s of one GEMM shape on one device. */
    @Command(name = "gemm", mixinStandardHelpOptions = true, showDefaultValues = true,
            description = "Time C = op(A) op(B) after warm-up; prints the median time per call and GFLOP/s. Each timed sample "
                    + "queues calls back to back for about 20 ms and waits once, as training does.")
    static final class Gemm implements Runnable {
        @Spec
        CommandSpec spec;

        @Option(names = "--device", defaultValue = "auto", description = "auto, java, cl:N or part of a device name.")
        String device;

        @Option(names = "--shape", defaultValue = "1024x1024x1024", description = "MxNxK: C is M x N, the inner size K.")
        String shape;

        @Option(names = "--trans", defaultValue = "NN", description = "Transposes of A and B: NN, NT, TN or TT.")
        String trans;

        @Option(names = "--repeat", defaultValue = "10", description = "Timed samples (after 0.3-3 s of warm-up calls).")
        int repeat;

        @Option(names = "--json", description = "Print one JSON object instead of a sentence.")
        boolean json;

        @Option(names = "--profile", description = "Also print the kernel profile of the timed runs (OpenCL events, or Java timings).")
        boolean profile;

        @Option(names = "--tune", description = "Search the GEMM launch shapes for this OpenCL device at the training shapes of the MLP "
                + "and convolutional models and 1024^3, and store the best in its tuning file, which later runs use (--shape and --trans are ignored).")
        boolean tune;

        @Override
        public void run() {
            if (tune) {
                tune(spec.commandLine().getOut());
                return;
            }
            int[] mnk = parseShape(shape);
            String t = trans.toUpperCase(Locale.ROOT);
            if (!t.matches("[NT][NT]")) {
                throw new UsageException("--trans must be NN, NT, TN or TT, got '" + trans + "'");
            }
            if (repeat < 1) {
                throw new UsageException("--repeat must be at least 1, got " + repeat);
            }
            boolean ta = t.charAt(0) == 'T';
            boolean tb = t.charAt(1) == 'T';
            int m = mnk[0];
            int n = mnk[1];
            int k = mnk[2];
            try (Backend backend = DeviceSelector.open(device)) {
                Random rnd = new Random(1);
                try (Tensor a = backend.upload(random(rnd, m * k), ta ? k : m, ta ? m : k);
                     Tensor b = backend.upload(random(rnd, k * n), tb ? n : k, tb ? k : n);
                     Tensor c = backend.zeros(m, n)) {
                    Profiler profiler = profile ? new Profiler() : null;
                    double[] ms = timed(backend, () -> org.latentcl.backend.ops.Gemm.gemm(backend, ta, tb, 1f, a, b, 0f, c, null,
                            Activation.IDENTITY), repeat, profiler);
                    double median = ms[repeat / 2];
                    double gflops = 2.0 * m * n * k / (median * 1e6);
                    PrintWriter out = spec.commandLine().getOut();
                    if (json) {
                        out.printf(Locale.ROOT, "{\"op\":\"gemm\",\"device\":\"%s\",\"m\":%d,\"n\":%d,\"k\":%d,\"trans\":\"%s\","
                                + "\"repeat\":%d,\"median_ms\":%.4f,\"min_ms\":%.4f,\"gflops\":%.2f}%n",
                                org.latentcl.io.Json.escape(backend.name()), m, n, k, t, repeat, median, ms[0], gflops);
                    } else {
                        out.printf(Locale.ROOT, "gemm %s %dx%dx%d on %s: median %.3f ms (min %.3f) over %d runs, %.1f GFLOP/s%n",
                                t, m, n, k, backend.name(), median, ms[0], repeat, gflops);
                    }
                    if (profiler != null) {
                        out.print(ProfileReport.table(profiler, backend));
                        out.flush();
                    }
                }
            }
        }

        private void tune(PrintWriter out) {
            DeviceSelector.Choice choice = DeviceSelector.choose(device);
            if (choice.isJava()) {
                throw new UsageException("--tune searches OpenCL launch shapes; choose an OpenCL device with --device cl:N ("
                        + choice.reason() + ")");
            }
            ClDeviceInfo d = choice.device();
            out.println("tuning GEMM on " + d.describe() + " (about half a minute)");
            out.flush();
            GemmTuner.Result r = GemmTuner.tune(d, GemmTuner.candidates(d), GemmTuner.LARGE_SHAPES, GemmTuner.SMALL_SHAPES);
            table(out, "outputs of at least 128x128", GemmTuner.LARGE_SHAPES, r.large(), r.best().large());
            table(out, "smaller outputs", GemmTuner.SMALL_SHAPES, r.small(), r.best().small());
            try {
                r.best().save(d);
            } catch (java.io.IOException e) {
                throw new UsageException("cannot write the tuning file " + GemmTuning.file(d) + ": " + e.getMessage());
            }
            out.println("saved " + GemmTuning.file(d) + ": large " + GemmTuning.format(r.best().large()) + ", small "
                    + GemmTuning.format(r.best().small()) + "; later runs on this device use it");
        }

        private static void table(PrintWriter out, String title, int[][] shapes, java.util.List<GemmTuner.Candidate> list,
                                  ClBackend.GemmLaunch chosen) {
            StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-46s", title));
            for (int[] s : shapes) {
                head.append(String.format(Locale.ROOT, " %15s", s[0] + "x" + s[1] + "x" + s[2] + (s[3] == 1 ? "NT" : s[3] == 2 ? "TN" : "NN")));
            }
            out.println(head.append("   geomean GFLOP/s"));
            for (GemmTuner.Candidate c : list) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-46s", GemmTuning.format(c.config())));
                for (double g : c.gflops()) {
                    line.append(String.format(Locale.ROOT, " %15.1f", g));
                }
                out.println(line.append(String.format(Locale.ROOT, "   %7.1f%s", c.score(), c.config() == chosen ? "  <- best" : "")));
            }
        }

        /**
         * The sorted times of {@code repeat} samples of {@code call}, in ms per call, after warm-up: at least 3 calls and
         * 300 ms, and up to 500 calls within 3 s, so that the Java backend's code is compiled by the JIT before it is timed
         * (its Vector API code runs about 50x slower until then: a few hundred calls at small shapes). Each sample queues
         * enough back-to-back calls to last about 20 ms and waits once, as a training step does (no host sync between
         * launches); its time is divided by the calls. The profiler (null: none) sees the timed calls only.
         */
        static double[] timed(Backend backend, Runnable call, int repeat, Profiler profiler) {
            long w0 = System.nanoTime();
            int warm = 0;
            long elapsed;
            do {
                call.run();
                backend.finish();
                warm++;
                elapsed = System.nanoTime() - w0;
            } while (warm < 3 || elapsed < 300_000_000L || (warm < 500 && elapsed < 3_000_000_000L));
            long w1 = System.nanoTime();
            call.run();
            backend.finish();
            int inner = (int) Math.max(1, Math.min(1000, 20e6 / Math.max(1, System.nanoTime() - w1)));
            backend.profile(profiler);
            double[] ms = new double[repeat];
            for (int i = 0; i < repeat; i++) {
                long t0 = System.nanoTime();
                for (int j = 0; j < inner; j++) {
                    call.run();
                }
                backend.finish();
                ms[i] = (System.nanoTime() - t0) / 1e6 / inner;
            }
            backend.profile(null);
            Arrays.sort(ms);
            return ms;
        }

        static int[] parseShape(String s) {
            String[] parts = s.toLowerCase(Locale.ROOT).split("x");
            if (parts.length != 3) {
                throw new UsageException("--shape must be MxNxK, for example 128x400x784; got '" + s + "'");
            }
            int[] v = new int[3];
            for (int i = 0; i < 3; i++) {
                try {
                    v[i] = Integer.parseInt(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new UsageException("--shape must be MxNxK with whole numbers; got '" + s + "'");
                }
                if (v[i] < 1) {
                    throw new UsageException("--shape sizes must be at least 1; got '" + s + "'");
                }
            }
            return v;
        }

        static float[] random(Random rnd, int n) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = rnd.nextFloat() * 2f - 1f;
            }
            return x;
        }
    }
}
