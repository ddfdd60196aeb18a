package org.latentcl.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/** For tests that need Oclgrind: skipped where it is not registered, except under CI=true, where they fail. */
public final class Simulator {
    private Simulator() {
    }

    public static void require() {
        OpenCl.Discovery found = OpenCl.discover();
        boolean present = found.available() && found.devices().stream().anyMatch(ClDeviceInfo::isSimulator);
        if (!present) {
            String why = "Oclgrind is not registered with the ICD loader (tools/setup-opencl.sh does it)";
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true requires the simulator for the GPU-path tests, but " + why);
            }
            Assumptions.abort(why);
        }
    }
}
