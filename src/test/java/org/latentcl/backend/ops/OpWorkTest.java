package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Profiler;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;
import org.latentcl.backend.ops.OpCalls.Case;

/**
 * The profile's work per operation: a profiled call records the floating-point operations and bytes
 * of {@link OpCalls}' table on both backends, so that GFLOP/s and GB/s mean the same in a Java
 * profile and an OpenCL one (on OpenCL the first launch of an operation that declares no work of its
 * own carries the operation's).
 */
class OpWorkTest {
    static Stream<Arguments> cases() {
        return OpCalls.cases().flatMap(c -> Stream.of(Arguments.of(c, "java"), Arguments.of(c, "cl")));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void theProfileCountsTheOperationsWork(Case c, String backend) {
        Backend be = TestBackends.named(backend);
        Tensor[] t = OpCalls.tensors(be, c.shapes());
        Profiler p = new Profiler();
        try {
            be.finish();
            be.profile(p);
            c.call().run(be, t);
        } finally {
            be.profile(null);
            OpCalls.closeAll(t);
        }
        List<Profiler.Op> ops = p.ops().stream().filter(o -> !o.kind().equals("transfer")).toList();
        double flops = ops.stream().mapToDouble(Profiler.Op::flops).sum();
        double bytes = ops.stream().mapToDouble(Profiler.Op::bytes).sum();
        assertEquals(c.flops(), flops, 0, c + " on " + backend + ": flops of " + ops);
        assertEquals(c.bytes(), bytes, 0, c + " on " + backend + ": bytes of " + ops);
    }
}
