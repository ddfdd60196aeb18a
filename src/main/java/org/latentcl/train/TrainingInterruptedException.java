package org.latentcl.train;

/** A run stopped on request after saving its state; the message says how to resume it. */
public class TrainingInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingInterruptedException(String message) {
        super(message);
    }
}
