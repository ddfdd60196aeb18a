package org.latentcl.apitest;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;
import org.latentcl.Device;
import org.latentcl.Devices;

/** Opens the devices the public-API tests run on, through the public API only. */
final class ApiDevices {
    private ApiDevices() {
    }

    /** "java", or "cl" for the OpenCL device auto chooses (never a simulator): skipped without OpenCL, failed under CI=true. */
    static Device open(String which) {
        if (which.equals("java")) {
            return Devices.java();
        }
        Device auto = Devices.auto();
        if (!auto.id().startsWith("cl:")) {
            auto.close();
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true requires an OpenCL device, but Devices.list() has none");
            }
            Assumptions.abort("no OpenCL device");
        }
        return auto;
    }
}
