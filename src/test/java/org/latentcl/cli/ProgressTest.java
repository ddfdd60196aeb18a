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

    @Test
    void aSignalAndItsForwardedCopyAreOneStopRequestAndALaterOneQuits() {
        Progress p = new Progress(new PrintWriter(new StringWriter(), true), true, 128, 2, "loss");
        long t0 = 5_000_000_000L;
        assertEquals(false, p.request(t0), "the first request stops cleanly");
        assertEquals(true, p.stopRequested());
        // The launcher forwards a terminal's Ctrl-C, which reached this JVM too: the copy is the same press.
        assertEquals(false, p.request(t0 + Progress.SAME_REQUEST_NS / 2));
        assertEquals(true, p.request(t0 + Progress.SAME_REQUEST_NS), "a second press quits at once");
    }

    @Test
    void theIntervalOfPlainProgressLinesComesFromTheEnvironment() {
        assertEquals(5_000_000_000L, Progress.plainIntervalNs(null));
        assertEquals(0L, Progress.plainIntervalNs("0"));
        assertEquals(2_500_000_000L, Progress.plainIntervalNs(" 2.5 "));
        for (String bad : new String[] {"-1", "soon", "NaN", "1e9"}) {
            UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class, () -> Progress.plainIntervalNs(bad));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith(Progress.PLAIN_SECONDS_ENV + " must be"), e.getMessage());
        }
    }
}
