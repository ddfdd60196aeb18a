package org.latentcl.train;

import java.util.function.DoubleSupplier;

/** Receives progress from a training run: the CLI's progress line is one such listener. */
public interface TrainingListener {
    /** After each training step (steps count from 1 within the epoch). */
    default void step(int epoch, int step, int stepsPerEpoch) {
    }

    /**
     * After each training step, with the epoch's mean loss so far per example; calling
     * {@code runningLoss} waits for the device, so call it only when the value will be shown.
     */
    default void step(int epoch, int step, int stepsPerEpoch, DoubleSupplier runningLoss) {
        step(epoch, step, stepsPerEpoch);
    }

    /** After each epoch, with what it measured. */
    default void epoch(EpochMetrics metrics) {
    }

    /** A message for the user (what was chosen and why). */
    default void info(String message) {
    }

    /**
     * Asked after every step: true stops the run after saving its state (Ctrl-C in the command
     * line), so that --resume continues exactly where it stopped.
     */
    default boolean stopRequested() {
        return false;
    }
}
