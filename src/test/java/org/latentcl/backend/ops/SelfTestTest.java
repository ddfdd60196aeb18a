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
            wrong = SelfTest.run(broken, reference, checks);
        }
        List<String> failed = wrong.stream().filter(x -> !x.passed()).map(SelfTest.Result::name).toList();
        assertEquals(List.of("mul"), failed);
        SelfTest.Result mul = wrong.get(0);
        assertTrue(mul.maxError() > 1 && mul.detail().contains("instead of"), mul.detail());
        assertFalse(mul.passed());
        broken.close();
    }
}
