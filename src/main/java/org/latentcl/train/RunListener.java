package org.latentcl.train;

import java.util.function.DoubleSupplier;

/**
 * What a training loop reports while it runs. The public API adapts its {@code TrainingListener}s
 * to this, so the loops do not depend on the API above them.
 */
public interface RunListener {
    /** After each training step (for a GAN, each discriminator step); calling runningLoss waits for the device. */
    default void step(int epoch, int step, int stepsPerEpoch, DoubleSupplier runningLoss) {
    }

    /** After each VAE epoch. */
    default void vaeEpoch(VaeEpochStats stats) {
    }

    /** After each GAN epoch. */
    default void ganEpoch(GanEpochStats stats) {
    }

    /** A message for the user. */
    default void info(String message) {
    }

    /** Asked after every step; true ends the run early. */
    default boolean stopRequested() {
        return false;
    }
}
