package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void durationsReadLikeAClock() {
        assertEquals("42 s", Progress.duration(41.6));
        assertEquals("2m05s", Progress.duration(125));
        assertEquals("1h01m", Progress.duration(3700));
    }

    @Test
    void quietPrintsNothingAndNothingStopsWithoutCtrlC() {
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text, true), true, 128, 2, "loss");
        for (int s = 1; s <= 1000; s++) {
            p.step(1, s, 1000, () -> 1.0);
        }
        p.epochDone();
        assertEquals("", text.toString());
        assertEquals(false, p.stopRequested());
    }
}
