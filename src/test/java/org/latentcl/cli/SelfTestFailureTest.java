package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Elementwise;
import org.latentcl.backend.ops.SelfCheck;
import org.latentcl.backend.ops.SelfTest;

/** selftest on a device that computes axpy slightly wrong: the table names the check, the run says what to report, exit 1. */
class SelfTestFailureTest {
    /** A Java backend whose axpy results are off by {@code relative} of their value. */
    static JavaBackend axpyOffBy(double relative) {
        return new JavaBackend(1) {
            private String last = "";

            @Override
            protected void execute(String op, OnJava body) {
                last = op;
                body.run(this);
            }

            @Override
            protected void doRead(Tensor src, float[] out) {
                super.doRead(src, out);
                if (last.equals("axpy")) {
                    for (int i = 0; i < out.length; i++) {
                        out[i] *= (float) (1 + relative);
                    }
                }
            }
        };
    }

    @Test
    void aFailingCheckExitsOneWithTheTableAndWhatToReport() {
        List<SelfCheck> two = List.of(Elementwise.AXPY_SPEC.checks().get(0), Elementwise.FILL_SPEC.checks().get(0));
        var saved = SelfTestCommand.checks;
        try (JavaBackend faulty = axpyOffBy(5e-6)) {
            // axpy's tolerance is 1e-6 absolute plus 1e-6 relative: 5e-6 relative is a few times over it.
            SelfTestCommand.checks = (subject, reference) -> SelfTest.run(faulty, reference, two, SelfCheck.SIZES);
            Cli.Run r = Cli.run("selftest", "--device", "java");
            assertEquals(Main.EXIT_INTERNAL, r.code(), r.out() + r.err());
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("axpy") && l.contains("FAIL")), r.out());
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("fill") && l.contains("pass")), r.out());
            assertTrue(r.out().contains("1 of 2 checks FAILED") && r.out().contains("please report this table, the output of `devices` "
                    + "and your driver version"), r.out());
        } finally {
            SelfTestCommand.checks = saved;
        }
    }

    /** The checks are as sharp as their tolerance: a fifth of it passes, a few times it fails. */
    @Test
    void aSlightlyWrongKernelFailsAtItsTolerance() {
        List<SelfCheck> axpy = List.of(Elementwise.AXPY_SPEC.checks().get(0));
        try (JavaBackend reference = JavaBackend.reference(); JavaBackend close = axpyOffBy(2e-7); JavaBackend over = axpyOffBy(5e-6)) {
            SelfTest.Result pass = SelfTest.run(close, reference, axpy, SelfCheck.SIZES).get(0);
            SelfTest.Result fail = SelfTest.run(over, reference, axpy, SelfCheck.SIZES).get(0);
            assertTrue(pass.passed() && pass.maxError() < 0.5, "2e-7 relative: error/limit " + pass.maxError());
            assertTrue(!fail.passed() && fail.maxError() > 1 && fail.maxError() < 10, "5e-6 relative: error/limit " + fail.maxError());
        }
    }
}
