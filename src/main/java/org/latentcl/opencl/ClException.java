package org.latentcl.opencl;

/** An OpenCL call failed, a program did not build, or OpenCL could not be loaded. */
public class ClException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClException(String message) {
        super(message);
    }

    public ClException(String message, Throwable cause) {
        super(message, cause);
    }
}
