package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.OpCalls.Case;

/**
 * Every operation refuses, with an {@link IllegalArgumentException} naming it, a tensor of another
 * backend in any argument, a missing tensor where one is required, and a tensor one row or one
 * column too large wherever the other arguments fix that argument's size; the message starts with
 * the operation's name (its first word: {@code gemm} for {@code gemmGated}). Without these
 * checks the Java backend would read another backend's arrays or past a row, and an OpenCL kernel
 * would read past a buffer: a wrong number, not an error. Each case starts from a call that
 * succeeds, then breaks one argument.
 */
class OpRefusalsTest {
    private static final JavaBackend BE = new JavaBackend(1);
    private static final JavaBackend OTHER = new JavaBackend(1);

    @AfterAll
    static void close() {
        BE.close();
        OTHER.close();
    }

    static Stream<Case> cases() {
        return OpCalls.cases();
    }

    private static void assertRefused(Case c, String broken, Tensor[] t) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.call().run(BE, t),
                c + " with " + broken + " must be refused");
        String stem = c.op().split("[ A-Z]")[0];
        assertTrue(e.getMessage().startsWith(stem), c + " with " + broken + ": the message must name the operation: "
                + e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theValidCallRuns(Case c) {
        Tensor[] t = OpCalls.tensors(BE, c.shapes());
        try {
            assertDoesNotThrow(() -> c.call().run(BE, t), c.op());
        } finally {
            OpCalls.closeAll(t);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aTensorOfAnotherBackendIsRefusedInEveryArgument(Case c) {
        List<Executable> checks = new ArrayList<>();
        for (int i = 0; i < c.shapes().length; i++) {
            int at = i;
            checks.add(() -> refusedWith(c, at, OTHER.zeros(c.shapes()[at][0], c.shapes()[at][1]), "from another backend"));
        }
        assertAll(c.op(), checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aMissingTensorIsRefusedWhereOneIsRequired(Case c) {
        List<Executable> checks = new ArrayList<>();
        for (int i = 0; i < c.shapes().length; i++) {
            int at = i;
            if (c.optional().contains(i)) {
                checks.add(() -> {
                    Tensor[] t = OpCalls.tensors(BE, c.shapes());
                    Tensor mine = t[at];
                    t[at] = null;
                    try {
                        assertDoesNotThrow(() -> c.call().run(BE, t), c + " without its optional argument " + at);
                    } finally {
                        mine.close();
                        OpCalls.closeAll(t);
                    }
                });
            } else {
                checks.add(() -> refusedWith(c, at, null, "null"));
            }
        }
        assertAll(c.op(), checks);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aTensorOneRowOrColumnTooLargeIsRefused(Case c) {
        List<Executable> checks = new ArrayList<>();
        for (int i = 0; i < c.shapes().length; i++) {
            if (c.sizeFree().contains(i)) {
                continue;
            }
            int at = i;
            int[] shape = c.shapes()[i];
            for (int[] larger : List.of(OpCalls.s(shape[0] + 1, shape[1]), OpCalls.s(shape[0], shape[1] + 1))) {
                checks.add(() -> refusedWith(c, at, BE.zeros(larger[0], larger[1]), "of " + larger[0] + "x" + larger[1] + " for "
                        + shape[0] + "x" + shape[1]));
            }
        }
        assertAll(c.op(), checks);
    }

    /** The valid call with argument {@code at} replaced by {@code broken} (closed after) must be refused. */
    private static void refusedWith(Case c, int at, Tensor broken, String how) {
        Tensor[] t = OpCalls.tensors(BE, c.shapes());
        Tensor mine = t[at];
        t[at] = broken;
        try {
            assertRefused(c, "argument " + at + " " + how, t);
        } finally {
            mine.close();
            OpCalls.closeAll(t);
        }
    }

    @Test
    void everyOperationOfTheRegistryHasACase() {
        List<String> names = new ArrayList<>();
        cases().forEach(c -> names.add(c.op().split(" ")[0]));
        List<String> missing = new ArrayList<>();
        for (OpSpec op : Ops.ALL) {
            if (!names.contains(op.name())) {
                missing.add(op.name());
            }
        }
        assertTrue(missing.isEmpty(), "operations without a refusal case: " + missing);
    }
}
