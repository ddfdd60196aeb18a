package org.latentcl.train;

/** A fault in the middle of a run, with what is saved; the API rethrows it as TrainingFailedException. */
public final class RunFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RunFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
