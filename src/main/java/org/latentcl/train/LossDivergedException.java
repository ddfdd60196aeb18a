package org.latentcl.train;

/** A loss became NaN or infinite; the message says when and what to try. The API rethrows it as TrainingDivergedException. */
public final class LossDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LossDivergedException(String message) {
        super(message);
    }
}
