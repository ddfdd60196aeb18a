package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
    private static LearningRateSchedule of(String kind, int warmup) {
        return LearningRateSchedule.of(kind, warmup);
    }

    /** Known values: the warm-up from 1/W, the linear fall to 1/n at the last update, the cosine's half at the middle. */
    @Test
    void factorsAtGivenUpdates() {
        assertEquals(1.0, of("constant", 0).factor(7, 10));
        assertEquals(0.25, of("constant", 4).factor(0, 10));
        assertEquals(1.0, of("constant", 4).factor(3, 10));
        assertEquals(1.0, of("linear", 0).factor(0, 10));
        assertEquals(0.1, of("linear", 0).factor(9, 10), 1e-15);
        assertEquals(1.0, of("cosine", 0).factor(0, 10));
        assertEquals(0.5, of("cosine", 0).factor(5, 10), 1e-15);
        assertEquals((1 + Math.cos(Math.PI * 0.9)) / 2, of("cosine", 0).factor(9, 10), 1e-15);
        // After a warm-up of 2, the cosine runs over the other 8 updates: 1 at update 2, a half at update 6.
        assertEquals(0.5, of("cosine", 2).factor(0, 10));
        assertEquals(1.0, of("cosine", 2).factor(2, 10));
        assertEquals(0.5, of("cosine", 2).factor(6, 10), 1e-15);
        assertEquals(0.75, of("linear", 2).factor(4, 10), 1e-15);
        // Past the end (a resumed run given fewer epochs): the last value holds, never negative.
        assertEquals(0.0, of("linear", 0).factor(12, 10));
    }

    /** The linear kind is the GAN's earlier --lr-decay to the bit: 1 - done / total, as GanTraining.remaining computes it. */
    @Test
    void theLinearKindIsTheEarlierDecayToTheBit() {
        LearningRateSchedule linear = of("linear", 0);
        for (int epochs : new int[] {1, 3, 7}) {
            for (int steps : new int[] {1, 13, 469}) {
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    for (int s = 0; s < steps; s++) {
                        assertEquals((float) GanTraining.remaining(epoch, s, steps, epochs),
                                (float) linear.factor((long) (epoch - 1) * steps + s, (long) epochs * steps));
                    }
                }
            }
        }
    }

    @Test
    void badSchedulesSayWhatIsAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of("step", 0));
        assertEquals("the learning-rate schedule must be constant, linear or cosine, got 'step'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> of("linear", -1));
        assertEquals("cosine, warm-up 500 steps", of("COSINE", 500).toString());
    }
}
