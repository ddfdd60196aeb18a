package org.latentcl.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.latentcl.backend.Backend;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.DeviceSelector;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.ops.SelfTest;
import org.latentcl.opencl.ClDeviceInfo;
import org.latentcl.opencl.Oclgrind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code selftest}: every kernel checked against its Java reference on the chosen device. */
@Command(name = "selftest", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Check every kernel against its Java reference on this device, at awkward sizes, and print a table; "
                + "exit 1 if any check fails. Run it first on a new device or driver.")
final class SelfTestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--device", defaultValue = "auto", description = "auto, java, cl:N or part of a device name.")
    String device;

    @Option(names = "--kernels", description = "Which kernel variants to check: cpu, gpu or all. Default: the device's own "
            + "(what training uses there); all on a simulator (Oclgrind).")
    String kernels;

    /** Runs the checks of one backend against the reference; a test puts a faulty backend in to see the failing path. */
    static java.util.function.BiFunction<Backend, Backend, List<SelfTest.Result>> checks = SelfTest::run;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        DeviceSelector.Choice choice = DeviceSelector.choose(device);
        List<ClBackend.Style> styles = styles(choice.device());
        int failed = 0;
        int total = 0;
        try (JavaBackend reference = JavaBackend.reference()) {
            for (ClBackend.Style style : styles) {
                try (Backend subject = style == null ? DeviceSelector.open(device) : new ClBackend(choice.device(), style)) {
                    if (subject instanceof JavaBackend) {
                        out.println("note: on the Java backend this checks the fast Java paths; selftest is meant for OpenCL devices");
                    }
                    if (choice.device() != null && choice.device().isSimulator()) {
                        out.println(simulatorNote());
                    }
                    List<SelfTest.Result> results = checks.apply(subject, reference);
                    failed += print(out, subject, results);
                    total += results.size();
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (failed > 0) {
            out.printf(Locale.ROOT, "%d of %d checks FAILED in %.1f s. This device's OpenCL driver computes something differently "
                    + "from the reference: please report this table, the output of `devices` and your driver version, and use "
                    + "--device java (or another device) meanwhile.%n", failed, total, seconds);
            return Main.EXIT_INTERNAL;
        }
        out.printf(Locale.ROOT, "all %d checks passed in %.1f s%n", total, seconds);
        return Main.EXIT_OK;
    }

    /** The kernel styles to check (null: the Java backend, or the device as DeviceSelector opens it). */
    private List<ClBackend.Style> styles(ClDeviceInfo d) {
        List<ClBackend.Style> out = new ArrayList<>();
        String k = kernels == null ? (d != null && d.isSimulator() ? "all" : "") : kernels.toLowerCase(Locale.ROOT);
        switch (k) {
            case "" -> out.add(null);
            case "cpu" -> out.add(ClBackend.Style.CPU);
            case "gpu" -> out.add(ClBackend.Style.GPU);
            case "all" -> {
                out.add(ClBackend.Style.CPU);
                out.add(ClBackend.Style.GPU);
            }
            default -> throw new UsageException("--kernels must be cpu, gpu or all, got '" + kernels + "'");
        }
        if (d == null && out.get(0) != null) {
            throw new UsageException("--kernels chooses OpenCL kernel variants; the Java backend has none (choose --device cl:N)");
        }
        return out;
    }

    private static String simulatorNote() {
        if (Oclgrind.log() == null) {
            return "note: Oclgrind prints its reports to stderr here; set OCLGRIND_LOG=FILE to have selftest fail the check that "
                    + "caused one";
        }
        return "simulator: small sizes; Oclgrind's reports (" + Oclgrind.log() + ") fail the check that caused them"
                + (Oclgrind.checksOn() ? "; race, uninitialized-value and API checks on" : "; race checks off (OCLGRIND_DATA_RACES=1 turns them on)");
    }

    private static int print(PrintWriter out, Backend subject, List<SelfTest.Result> results) {
        out.printf(Locale.ROOT, "selftest on %s%n%-40s %-6s %14s %9s%n", subject.name(), "check", "result", "error/limit", "ms");
        int failed = 0;
        for (SelfTest.Result r : results) {
            out.printf(Locale.ROOT, "%-40s %-6s %14s %9.1f%s%n", r.name(), r.passed() ? "pass" : "FAIL",
                    Double.isInfinite(r.maxError()) ? "inf" : String.format(Locale.ROOT, "%.3f", r.maxError()), r.millis(),
                    r.detail().isEmpty() ? "" : "   " + r.detail());
            if (!r.passed()) {
                failed++;
            }
        }
        out.flush();
        return failed;
    }
}
