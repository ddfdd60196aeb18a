package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each of the failure-mode warnings fires on the statistics that define it and stays quiet just short of them. */
class GanWarningsTest {
    private static final List<Double> CALM = List.of(1.0, 1.0, 1.0, 1.0);

    @Test
    void theDiscriminatorWinsBelowFivePercent() {
        assertTrue(only(GanWarnings.check(0.04, 0.9, 0.9, CALM)).startsWith("discriminator wins: mean D(G(z)) was 0.040"));
        assertEquals(List.of(), GanWarnings.check(0.06, 0.9, 0.9, CALM));
    }

    @Test
    void collapseIsLowDiversityThatIsNotSpreadingOut() {
        assertTrue(only(GanWarnings.check(0.4, 0.3, 0.3, CALM)).startsWith("possible mode collapse: generated samples are 0.30x"));
        // Falling below half from a diverse epoch is collapse too.
        assertTrue(only(GanWarnings.check(0.4, 0.3, 0.9, CALM)).startsWith("possible mode collapse"));
        // Still spreading out: a quarter or more above the epoch before (the embedded digits' 0.11 then 0.35).
        assertEquals(List.of(), GanWarnings.check(0.4, 0.35, 0.11, CALM));
        assertEquals(List.of(), GanWarnings.check(0.4, 0.375, 0.3, CALM));
        assertEquals(1, GanWarnings.check(0.4, 0.37, 0.3, CALM).size());
        // The first epoch has nothing to compare with; half the data's diversity and more is no collapse.
        assertEquals(List.of(), GanWarnings.check(0.4, 0.11, Double.NaN, CALM));
        assertEquals(List.of(), GanWarnings.check(0.4, 0.5, 0.5, CALM));
    }

    @Test
    void oscillatingAndDivergingGeneratorLosses() {
        // Up, down, up by more than a quarter of the loss each time.
        assertEquals("losses oscillate: the generator loss swung up and down by more than 25% over the last three epochs",
                only(GanWarnings.check(0.4, 0.9, 0.9, List.of(1.0, 1.5, 1.0, 1.5))));
        assertEquals(List.of(), GanWarnings.check(0.4, 0.9, 0.9, List.of(1.0, 1.2, 1.0, 1.2)));
        // Three rises in a row to more than twice the best.
        assertTrue(only(GanWarnings.check(0.4, 0.9, 0.9, List.of(1.0, 1.2, 1.6, 2.1))).startsWith("generator loss diverging"));
        assertEquals(List.of(), GanWarnings.check(0.4, 0.9, 0.9, List.of(1.0, 1.2, 1.6, 1.9)));
    }

    @Test
    void meanPairwiseDistanceOfThreePoints() {
        // (0,0), (3,4), (0,4): distances 5, 4, 3.
        assertEquals(4.0, GanWarnings.meanPairwiseDistance(new float[] {0, 0, 3, 4, 0, 4}, 3, 2), 1e-12);
        assertEquals(0.0, GanWarnings.meanPairwiseDistance(new float[] {1, 2}, 1, 2));
    }

    private static String only(List<String> warnings) {
        assertEquals(1, warnings.size(), warnings.toString());
        return warnings.get(0);
    }
}
