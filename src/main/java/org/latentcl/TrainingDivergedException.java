package org.latentcl;

/** The loss became NaN or infinite; the message names the epoch and suggests a remedy. */
public class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An error with its message.
     *
     * @param message names the epoch and step and suggests a remedy
     */
    public TrainingDivergedException(String message) {
        super(message);
    }
}
