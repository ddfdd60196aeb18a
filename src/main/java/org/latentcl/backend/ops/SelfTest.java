package org.latentcl.backend.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.latentcl.backend.Backend;
import org.latentcl.backend.ClBackend;
import org.latentcl.opencl.Oclgrind;

/**
 * Every registered operation checked against its plain Java reference on the same random inputs,
 * at awkward sizes, on the user's own device: the answer to "does this OpenCL driver compute what
 * it should?". The checks come from the registry ({@link Ops}). Each reports its largest error
 * measured against its tolerance; a check passes when every element satisfies
 * |got - want| &lt;= abs + rel |want|.
 */
public final class SelfTest {
    /**
     * One check's outcome.
     *
     * @param name     the operation (and variant)
     * @param passed   whether every size passed
     * @param maxError the largest |got - want| / (abs + rel |want|) seen: at most 1 to pass
     * @param millis   wall time of the check on both backends
     * @param detail   where it failed, or empty
     */
    public record Result(String name, boolean passed, double maxError, double millis, String detail) {
    }

    private SelfTest() {
    }

    /**
     * Runs every registered check of {@code subject} against {@code reference} (normally
     * {@code JavaBackend.reference()}), at the sizes for the subject: small ones on a simulator.
     */
    public static List<Result> run(Backend subject, Backend reference) {
        return run(subject, reference, all(), sizesFor(subject));
    }

    /** Every registered check. */
    public static List<SelfCheck> all() {
        List<SelfCheck> checks = new ArrayList<>();
        Ops.ALL.forEach(op -> checks.addAll(op.checks()));
        return checks;
    }

    /** {@link SelfCheck#SIMULATOR_SIZES} on a simulator, else {@link SelfCheck#SIZES}. */
    public static int[] sizesFor(Backend subject) {
        return subject instanceof ClBackend cl && cl.device().isSimulator() ? SelfCheck.SIMULATOR_SIZES : SelfCheck.SIZES;
    }

    /** Runs the given checks at the given sizes, with the simulator's report file of this process. */
    public static List<Result> run(Backend subject, Backend reference, List<SelfCheck> checks, int[] sizes) {
        return run(subject, reference, checks, sizes, SIMULATOR_LOG);
    }

    /** Where a simulator's reports appear: a position, and what was reported after it. */
    public interface ReportLog {
        long mark();

        String since(long mark);
    }

    /** Oclgrind's report file ({@code OCLGRIND_LOG}); empty when there is none. */
    public static final ReportLog SIMULATOR_LOG = new ReportLog() {
        @Override
        public long mark() {
            return Oclgrind.mark();
        }

        @Override
        public String since(long mark) {
            return Oclgrind.reportsSince(mark);
        }
    };

    /** Runs the given checks at the given sizes; any report in {@code log} during a check fails it. */
    public static List<Result> run(Backend subject, Backend reference, List<SelfCheck> checks, int[] sizes, ReportLog log) {
        List<Result> results = new ArrayList<>();
        for (SelfCheck c : checks) {
            results.add(compare(c, subject, reference, sizes, log));
        }
        return results;
    }

    /**
     * Runs the check for every size on both backends and records the worst normalized error. On a
     * simulator whose reports go to a file, any report the check caused fails it, with the report.
     */
    private static Result compare(SelfCheck check, Backend subject, Backend reference, int[] sizes, ReportLog log) {
        long t0 = System.nanoTime();
        long mark = log.mark();
        Result r = compareValues(check, subject, reference, sizes);
        subject.finish();
        String reports = log.since(mark);
        if (!reports.isEmpty()) {
            String first = reports.lines().filter(l -> !l.isBlank()).limit(4).map(String::trim).reduce((a, b) -> a + " | " + b).orElse("");
            return new Result(check.name(), false, r.maxError(), (System.nanoTime() - t0) / 1e6, "Oclgrind reported: " + first);
        }
        return new Result(r.name(), r.passed(), r.maxError(), (System.nanoTime() - t0) / 1e6, r.detail());
    }

    private static Result compareValues(SelfCheck check, Backend subject, Backend reference, int[] sizes) {
        long t0 = System.nanoTime();
        double worst = 0;
        String detail = "";
        try {
            for (int n : sizes) {
                Function<Backend, float[]> c = check.cases().at(n, sizes);
                float[] want = c.apply(reference);
                float[] got = c.apply(subject);
                if (got.length != want.length) {
                    return new Result(check.name(), false, Double.POSITIVE_INFINITY, (System.nanoTime() - t0) / 1e6,
                            "size " + n + ": " + got.length + " values instead of " + want.length);
                }
                for (int i = 0; i < want.length; i++) {
                    double tol = check.abs() + check.rel() * Math.abs(want[i]);
                    double diff = Math.abs((double) got[i] - want[i]);
                    boolean same = Float.floatToRawIntBits(got[i]) == Float.floatToRawIntBits(want[i])
                            || (Float.isNaN(got[i]) && Float.isNaN(want[i]));
                    double e = same ? 0 : tol == 0 ? Double.POSITIVE_INFINITY : diff / tol;
                    if (Double.isNaN(e)) {
                        e = Double.POSITIVE_INFINITY;
                    }
                    if (e > worst) {
                        worst = e;
                        if (e > 1) {
                            detail = "size " + n + ", element " + i + ": " + got[i] + " instead of " + want[i];
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            worst = Double.POSITIVE_INFINITY;
            detail = e.getMessage();
        }
        return new Result(check.name(), worst <= 1, worst, (System.nanoTime() - t0) / 1e6, detail);
    }
}
