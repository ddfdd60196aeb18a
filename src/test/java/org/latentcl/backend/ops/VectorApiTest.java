package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.latentcl.backend.VectorSupport;

class VectorApiTest {
    /** The build runs the tests with --add-modules jdk.incubator.vector, as the command line does: the fast path must be on. */
    @Test
    void theVectorApiIsUsedWhenTheModuleIsPresent() {
        assertTrue(VectorSupport.PRESENT, "jdk.incubator.vector should be available to the tests (surefire argLine)");
    }
}
