package org.latentcl.backend.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.latentcl.backend.Backend;

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

    /** Runs every registered check of {@code subject} against {@code reference} (normally {@code JavaBackend.reference()}). */
    public static List<Result> run(Backend subject, Backend reference) {
        List<SelfCheck> checks = new ArrayList<>();
        Ops.ALL.forEach(op -> checks.addAll(op.checks()));
        return run(subject, reference, checks);
    }

    /** Runs the given checks. */
    public static List<Result> run(Backend subject, Backend reference, List<SelfCheck> checks) {
        List<Result> results = new ArrayList<>();
        for (SelfCheck c : checks) {
            results.add(compare(c, subject, reference));
        }
        return results;
    }

    /** Runs the check for every size on both backends and records the worst normalized error. */
    private static Result compare(SelfCheck check, Backend subject, Backend reference) {
        long t0 = System.nanoTime();
        double worst = 0;
        String detail = "";
        try {
            for (int n : SelfCheck.SIZES) {
                Function<Backend, float[]> c = check.cases().apply(n);
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
