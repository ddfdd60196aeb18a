package org.latentcl.train;

/** The loss became NaN or infinite; the message names the epoch and suggests a remedy. */
public class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
