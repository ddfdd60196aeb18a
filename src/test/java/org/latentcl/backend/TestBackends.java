package org.latentcl.backend;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.latentcl.opencl.ClDeviceInfo;
import org.latentcl.opencl.OpenCl;

/**
 * The backends the tests run on. The OpenCL backend is opened once per test JVM on the device
 * named by {@code LATENTCL_TEST_DEVICE} (default: the one auto chooses, never a simulator). Without OpenCL the
 * OpenCL tests are skipped with one line saying why, except under CI=true, where they fail.
 */
public final class TestBackends {
    private static final JavaBackend JAVA = new JavaBackend();
    private static final JavaBackend JAVA_PLAIN = new JavaBackend(2, false);
    private static ClBackend cl;
    private static boolean warned;

    private TestBackends() {
    }

    public static JavaBackend java() {
        return JAVA;
    }

    /** The shared OpenCL backend, or a skipped test (a failed one under CI=true). */
    public static synchronized ClBackend cl() {
        if (cl != null) {
            return cl;
        }
        OpenCl.Discovery found = OpenCl.discover();
        if (!found.available()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true requires an OpenCL device for the OpenCL tests, but " + found.unavailable());
            }
            if (!warned) {
                warned = true;
                System.err.println("OpenCL tests skipped: " + found.unavailable());
            }
            Assumptions.abort("OpenCL unavailable: " + found.unavailable());
        }
        String wanted = System.getenv("LATENTCL_TEST_DEVICE");
        // The device auto would choose (never the simulator), unless LATENTCL_TEST_DEVICE names one.
        ClDeviceInfo device = wanted == null || wanted.isBlank() ? DeviceSelector.auto(found.devices()).device()
                : DeviceSelector.choose(wanted).device();
        if (device == null) {
            fail("the OpenCL tests need a device other than a simulator; found only " + found.devices());
        }
        cl = new ClBackend(device);
        return cl;
    }

    private static ClBackend secondCl;

    /**
     * A second OpenCL backend on the device of {@link #cl()}: its own context, queue, kernels and
     * buffers, as a second device of a data-parallel run would have.
     */
    public static synchronized ClBackend secondCl() {
        if (secondCl == null) {
            secondCl = new ClBackend(cl().device());
        }
        return secondCl;
    }

    private static ClBackend gpuStyle;

    /** An OpenCL backend on the device of {@link #cl()} that runs the GPU style of every kernel, as a GPU would. */
    public static synchronized ClBackend gpuStyle() {
        if (gpuStyle == null) {
            gpuStyle = new ClBackend(cl().device(), ClBackend.Style.GPU);
        }
        return gpuStyle;
    }

    /** "java", "java-plain" (the Java backend without the Vector API), "cl" or "cl-gpu" (the GPU style of the kernels). */
    public static Backend named(String name) {
        return switch (name) {
            case "java" -> java();
            case "java-plain" -> JAVA_PLAIN;
            case "cl" -> cl();
            case "cl-gpu" -> gpuStyle();
            default -> throw new IllegalArgumentException(name);
        };
    }

    public static float[] uniform(Random rnd, int n, float lo, float hi) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + (hi - lo) * rnd.nextFloat();
        }
        return x;
    }
}
