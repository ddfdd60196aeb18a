package org.latentcl.train;

/** Receives progress from a training run: the CLI's progress line is one such listener. */
public interface TrainingListener {
    /** After each training step (steps count from 1 within the epoch). */
    default void step(int epoch, int step, int stepsPerEpoch) {
    }

    /** After each epoch, with what it measured. */
    default void epoch(EpochMetrics metrics) {
    }

    /** A message for the user (what was chosen and why). */
    default void info(String message) {
    }
}
