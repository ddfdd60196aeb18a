package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.ops.Elementwise;
import org.latentcl.backend.ops.SelfCheck;
import org.latentcl.backend.ops.SelfTest;
import org.latentcl.opencl.Simulator;

/**
 * Which kernel variants selftest checks: both on a simulator by default, one when --kernels names it. One quick check
 * stands in for the registry (OclgrindTest runs the whole registry under the checker, a variant per process).
 */
class SelfTestVariantsTest {
    private static Cli.Run selftestWithOneCheck(String... args) {
        List<SelfCheck> fill = List.of(Elementwise.FILL_SPEC.checks().get(0));
        var saved = SelfTestCommand.checks;
        try {
            SelfTestCommand.checks = (subject, reference) -> SelfTest.run(subject, reference, fill, SelfCheck.SIMULATOR_SIZES);
            return Cli.run(args);
        } finally {
            SelfTestCommand.checks = saved;
        }
    }

    private static long tables(Cli.Run r) {
        return r.out().lines().filter(l -> l.startsWith("selftest on cl:")).count();
    }

    @Test
    void onTheSimulatorBothVariantsByDefaultAndOneWhenNamed() {
        Simulator.require();
        Cli.Run all = selftestWithOneCheck("selftest", "--device", "oclgrind");
        assertEquals(Main.EXIT_OK, all.code(), all.out() + all.err());
        assertEquals(2, tables(all), all.out());
        assertTrue(all.out().contains("[cpu kernels]\n") && all.out().contains("all 2 checks passed"), all.out());

        Cli.Run gpu = selftestWithOneCheck("selftest", "--device", "oclgrind", "--kernels", "gpu");
        assertEquals(Main.EXIT_OK, gpu.code(), gpu.out() + gpu.err());
        assertEquals(1, tables(gpu), gpu.out());
        assertTrue(!gpu.out().contains("[cpu kernels]") && gpu.out().contains("all 1 checks passed"), gpu.out());

        Cli.Run cpu = selftestWithOneCheck("selftest", "--device", "oclgrind", "--kernels", "cpu");
        assertEquals(1, tables(cpu), cpu.out());
        assertTrue(cpu.out().contains("[cpu kernels]\n") && cpu.out().contains("all 1 checks passed"), cpu.out());
    }
}
