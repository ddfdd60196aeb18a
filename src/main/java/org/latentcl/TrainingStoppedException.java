package org.latentcl;

/**
 * Training stopped because a {@link TrainingListener} asked it to ({@link TrainingListener#stopRequested}) in a run
 * with an output directory: the position was saved (checkpoint and state, inside an epoch where it stopped inside
 * one), and the message says how to continue (the trainer's {@code resume(true)}, or {@code train ... --resume DIR}).
 * A run without an output directory has nothing to resume from and returns the epochs it finished instead.
 */
public class TrainingStoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A stop with its message and the training layer's exception.
     *
     * @param message where the run stopped and how to continue it
     * @param cause   the training layer's report
     */
    public TrainingStoppedException(String message, Throwable cause) {
        super(message, cause);
    }
}
