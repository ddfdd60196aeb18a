package org.latentcl;

/**
 * Training stopped on a fault it cannot recover from, such as a device that failed, was lost or
 * ran out of memory mid-run. The message names the epoch, the cause, and where the last
 * checkpoint is; the cause is kept.
 */
public class TrainingFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An error with its message and cause.
     *
     * @param message names the epoch, the cause and the last checkpoint
     * @param cause   the fault
     */
    public TrainingFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
