package org.latentcl.opencl;

import org.jocl.CL;

/** Turns OpenCL status codes into exceptions that name the call and the code. */
public final class ClCheck {
    private ClCheck() {
    }

    /** Throws a {@link ClException} unless {@code code} is {@code CL_SUCCESS}. */
    public static void check(int code, String call) {
        if (code != CL.CL_SUCCESS) {
            throw new ClException(call + " failed: " + codeName(code) + " (" + code + ")" + hint(code));
        }
    }

    /** NVIDIA's status for a kernel that faulted (an illegal address); the device is unusable afterwards. */
    static final int NVIDIA_KERNEL_FAULT = -9999;

    /** What a status usually means for the user, for the codes that are not programming errors. */
    static String hint(int code) {
        return switch (code) {
            case CL.CL_MEM_OBJECT_ALLOCATION_FAILURE, CL.CL_OUT_OF_HOST_MEMORY ->
                    ": out of memory; use a smaller --batch or smaller layers";
            case CL.CL_DEVICE_NOT_AVAILABLE, CL.CL_OUT_OF_RESOURCES, CL.CL_INVALID_COMMAND_QUEUE,
                 CL.CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST, NVIDIA_KERNEL_FAULT ->
                    ": the device failed or was lost (a driver reset, a GPU fault, or a kernel stopped by a watchdog);"
                            + " check the driver's log (dmesg), then run selftest on the device";
            default -> "";
        };
    }

    /** The symbolic name of an OpenCL status code, for example {@code CL_OUT_OF_RESOURCES}. */
    public static String codeName(int code) {
        String name = CL.stringFor_errorCode(code);
        return name == null || name.isEmpty() ? "unknown OpenCL error" : name;
    }
}
