package org.latentcl.opencl;

import org.jocl.CL;

/** Turns OpenCL status codes into exceptions that name the call and the code. */
public final class ClCheck {
    private ClCheck() {
    }

    /** Throws a {@link ClException} unless {@code code} is {@code CL_SUCCESS}. */
    public static void check(int code, String call) {
        if (code != CL.CL_SUCCESS) {
            throw new ClException(call + " failed: " + codeName(code) + " (" + code + ")");
        }
    }

    /** The symbolic name of an OpenCL status code, for example {@code CL_OUT_OF_RESOURCES}. */
    public static String codeName(int code) {
        String name = CL.stringFor_errorCode(code);
        return name == null || name.isEmpty() ? "unknown OpenCL error" : name;
    }
}
