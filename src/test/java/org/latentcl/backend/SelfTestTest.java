package org.latentcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SelfTestTest {
    @Test
    void everyCheckPassesOnTheOpenClDevice() {
        List<SelfTest.Result> r = SelfTest.run(TestBackends.cl(), TestBackends.java());
        assertTrue(r.size() >= 30, "checks: " + r.size());
        for (SelfTest.Result x : r) {
            assertTrue(x.passed(), x.name() + ": " + x.detail());
        }
    }

    /** A backend whose axpy is slightly wrong must fail exactly that check, naming where. */
    @Test
    void aWrongKernelIsCaught() {
        JavaBackend broken = new JavaBackend(1) {
            @Override
            protected void doAxpy(float alpha, Tensor x, Tensor y) {
                super.doAxpy(alpha * 1.001f, x, y);
            }
        };
        List<SelfTest.Result> r = SelfTest.run(broken, TestBackends.java());
        List<String> failed = r.stream().filter(x -> !x.passed()).map(SelfTest.Result::name).toList();
        assertEquals(List.of("axpy"), failed);
        SelfTest.Result axpy = r.stream().filter(x -> x.name().equals("axpy")).findFirst().orElseThrow();
        assertTrue(axpy.maxError() > 1 && axpy.detail().contains("instead of"), axpy.detail());
        assertFalse(axpy.passed());
        broken.close();
    }
}
