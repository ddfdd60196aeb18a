package org.latentcl.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.latentcl.backend.Backend;
import org.latentcl.backend.DeviceSelector;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.ops.SelfTest;
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

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        try (Backend subject = DeviceSelector.open(device); JavaBackend reference = JavaBackend.reference()) {
            if (subject instanceof JavaBackend) {
                out.println("note: on the Java backend this checks the fast Java paths; selftest is meant for OpenCL devices");
            }
            List<SelfTest.Result> results = SelfTest.run(subject, reference);
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
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (failed > 0) {
                out.printf(Locale.ROOT, "%d of %d checks FAILED in %.1f s. This device's OpenCL driver computes something differently "
                        + "from the reference: please report this table, the output of `devices` and your driver version, and use "
                        + "--device java (or another device) meanwhile.%n", failed, results.size(), seconds);
                return Main.EXIT_INTERNAL;
            }
            out.printf(Locale.ROOT, "all %d checks passed in %.1f s%n", results.size(), seconds);
            return Main.EXIT_OK;
        }
    }
}
