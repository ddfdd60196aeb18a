package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The linear schedules of a GAN run (the learning-rate decay and the annealed instance noise) at given
 * steps: the factor is the share of the run's steps still ahead, 1 at the first and 1 / total at the last.
 */
class GanScheduleTest {
    @Test
    void theLinearScheduleAtGivenSteps() {
        // 4 epochs of 10 steps: 40 steps, the step counted from 0 within its epoch.
        assertEquals(1.0, GanTraining.remaining(1, 0, 10, 4), 0);
        assertEquals(0.975, GanTraining.remaining(1, 1, 10, 4), 1e-12);
        assertEquals(0.75, GanTraining.remaining(2, 0, 10, 4), 1e-12, "a new epoch continues where the last left off");
        assertEquals(0.625, GanTraining.remaining(2, 5, 10, 4), 1e-12);
        assertEquals(0.025, GanTraining.remaining(4, 9, 10, 4), 1e-12, "the last step still moves: 1/40");
        // One epoch of one step: the only step has the full rate.
        assertEquals(1.0, GanTraining.remaining(1, 0, 1, 1), 0);
    }
}
