package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.JavaBackend;

/** The Java backend's log(1 + e) for the loss agrees with Math.log1p to double precision over e in [0, 1]. */
class Log1pTest {
    @Test
    void agreesWithMathLog1pToDoublePrecision() {
        Random rnd = new Random(3);
        double worst = 0;
        for (int i = 0; i < 200_000; i++) {
            // Uniform in [0, 1], and log-uniform down to 1e-30 (exp(-|x|) of large logits).
            double e = i % 2 == 0 ? rnd.nextDouble() : Math.pow(10, -30 * rnd.nextDouble());
            double want = Math.log1p(e);
            worst = Math.max(worst, Math.abs(BceWithLogits.log1pSmall(e) - want) / want);
        }
        assertTrue(worst < 4e-16, "worst relative error " + worst);
        assertEquals(0.0, BceWithLogits.log1pSmall(0.0));
        assertEquals(Math.log(2), BceWithLogits.log1pSmall(1.0), 1e-16);
        assertEquals(1e-300, BceWithLogits.log1pSmall(1e-300));
    }
}
