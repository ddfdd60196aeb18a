package org.latentcl;

import java.util.function.DoubleSupplier;

/**
 * Receives progress from a training run, for progress bars, logging or early stopping; the
 * command line's progress line is one such listener. Every method has an empty default, so a
 * listener overrides only what it needs. Methods are called on the training thread.
 */
public interface TrainingListener {
    /**
     * After each training step (for a GAN, each discriminator step).
     *
     * @param epoch         the epoch, from 1
     * @param step          the step within the epoch, from 1
     * @param stepsPerEpoch steps in one epoch
     * @param runningLoss   the epoch's mean loss per example so far (-ELBO for a VAE, the
     *                      discriminator loss for a GAN); calling it waits for the device, so
     *                      call it only when the value will be used
     */
    default void step(int epoch, int step, int stepsPerEpoch, DoubleSupplier runningLoss) {
    }

    /**
     * After each VAE epoch, with the fields of {@code metrics.jsonl}.
     *
     * @param metrics what the epoch measured
     */
    default void epoch(EpochMetrics metrics) {
    }

    /**
     * After each GAN epoch, with the fields of {@code metrics.jsonl} (warnings included).
     *
     * @param metrics what the epoch measured
     */
    default void ganEpoch(GanEpochMetrics metrics) {
    }

    /**
     * A message for the user: what was chosen and why, or the profile table.
     *
     * @param message one or more lines of text
     */
    default void info(String message) {
    }

    /**
     * Asked after every step; true ends the run early. A run that writes a directory saves its
     * state first (Ctrl-C in the command line); a run without one returns what it measured.
     *
     * @return whether to stop
     */
    default boolean stopRequested() {
        return false;
    }
}
