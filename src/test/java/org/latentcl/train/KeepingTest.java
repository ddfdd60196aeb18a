package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeepingTest {
    private static final double NAN = Double.NaN;

    @Test
    void theBestIsTheLowestFiniteScore() {
        assertEquals(-1, Keeping.best(new double[] {NAN, NAN}, 2));
        assertEquals(1, Keeping.best(new double[] {3, 2, NAN, 2.5}, 4));
        assertEquals(0, Keeping.best(new double[] {3, 2, NAN, 2.5}, 1), "only the first n count");
        assertEquals(0, Keeping.best(new double[] {2, 2}, 2), "a tie keeps the earlier epoch");
    }

    /** Patience counts scored epochs after the best: unscored epochs (a GAN between FID measurements) count for nothing. */
    @Test
    void patienceCountsScoredEpochsAfterTheBest() {
        Keeping two = new Keeping(0, 2, true);
        assertFalse(two.stops(new double[] {5, 4}));
        assertFalse(two.stops(new double[] {5, 4, 4.5}));
        assertTrue(two.stops(new double[] {5, 4, 4.5, 4.2}));
        assertFalse(two.stops(new double[] {5, 4, NAN, 4.5, NAN}), "one scored epoch since the best");
        assertTrue(two.stops(new double[] {5, 4, NAN, 4.5, NAN, 6}));
        assertFalse(two.stops(new double[] {NAN, NAN, NAN}), "nothing scored, nothing to stop on");
        assertFalse(Keeping.NONE.stops(new double[] {1, 2, 3, 4}), "no patience, no stop");
        assertEquals("checkpoint-epoch-12.safetensors", Keeping.epochCopy(12));
        assertThrows(IllegalArgumentException.class, () -> new Keeping(-1, 0, false));
    }
}
