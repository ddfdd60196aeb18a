package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.TestBackends;

class SelfTestTest {
    @Test
    void everyCheckPassesOnTheOpenClDevice() {
        try (JavaBackend reference = JavaBackend.reference()) {
            List<SelfTest.Result> r = SelfTest.run(TestBackends.cl(), reference);
            assertTrue(r.size() >= 36, "checks: " + r.size());
            for (SelfTest.Result x : r) {
                assertTrue(x.passed(), x.name() + ": " + x.detail());
            }
        }
    }

    @Test
    void theFastJavaPathsPassEveryCheck() {
        try (JavaBackend reference = JavaBackend.reference()) {
            for (SelfTest.Result x : SelfTest.run(TestBackends.java(), reference)) {
                assertTrue(x.passed(), x.name() + ": " + x.detail());
            }
        }
    }

    /** A simulator's report during a check fails that check, with the report, even when the values agree. */
    @Test
    void aSimulatorReportFailsTheCheckThatCausedIt() {
        StringBuilder reports = new StringBuilder();
        SelfTest.ReportLog log = new SelfTest.ReportLog() {
            @Override
            public long mark() {
                return reports.length();
            }

            @Override
            public String since(long mark) {
                return reports.substring((int) mark).trim();
            }
        };
        SelfCheck racy = SelfCheck.vectors("fill, as if it raced", 1, 0, 0, (be, x) -> {
            Elementwise.fill(be, x[0], 1f);
            if (be == TestBackends.java()) {
                reports.append("\nWrite-write data race at global memory address 0x1000000000002\n\tKernel: fill\n");
            }
            return be.read(x[0]);
        });
        List<SelfCheck> checks = List.of(Elementwise.MUL_SPEC.checks().get(0), racy, Elementwise.COPY_SPEC.checks().get(0));
        List<SelfTest.Result> r;
        try (JavaBackend reference = JavaBackend.reference()) {
            r = SelfTest.run(TestBackends.java(), reference, checks, SelfCheck.SIMULATOR_SIZES, log);
        }
        assertEquals(List.of(true, false, true), r.stream().map(SelfTest.Result::passed).toList());
        assertTrue(r.get(1).detail().startsWith("Oclgrind reported: Write-write data race") && r.get(1).detail().contains("Kernel: fill"),
                r.get(1).detail());
    }

    /** A backend whose mul computes nothing must fail exactly that check, naming where. */
    @Test
    void aWrongKernelIsCaught() {
        JavaBackend broken = new JavaBackend(1) {
            @Override
            protected void execute(String op, OnJava body) {
                if (!op.equals("mul")) {
                    body.run(this);
                }
            }
        };
        List<SelfCheck> checks = List.of(Elementwise.MUL_SPEC.checks().get(0), Elementwise.FILL_SPEC.checks().get(0));
        List<SelfTest.Result> wrong;
        try (JavaBackend reference = JavaBackend.reference()) {
            wrong = SelfTest.run(broken, reference, checks, SelfCheck.SIZES);
        }
        List<String> failed = wrong.stream().filter(x -> !x.passed()).map(SelfTest.Result::name).toList();
        assertEquals(List.of("mul"), failed);
        SelfTest.Result mul = wrong.get(0);
        assertTrue(mul.maxError() > 1 && mul.detail().contains("instead of"), mul.detail());
        assertFalse(mul.passed());
        broken.close();
    }
}
