package org.latentcl.backend.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.GemmTuning;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.TestBackends;

class GemmTuningTest {
    @Test
    void theTuningFileReadsBackWhatWasWritten() {
        String text = "# a comment\nlarge " + GemmTuning.format(new ClBackend.GemmConfig(16, 16, new long[] {4, 1}))
                + "\nsmall " + GemmTuning.format(new ClBackend.GemmConfig(8, 8, null)) + "\n";
        GemmTuning t = GemmTuning.parse(text).orElseThrow();
        ClBackend.GemmConfig large = (ClBackend.GemmConfig) t.large();
        ClBackend.GemmConfig small = (ClBackend.GemmConfig) t.small();
        assertEquals(16, large.tm());
        assertEquals(16, large.tn());
        assertArrayEquals(new long[] {4, 1}, large.local());
        assertEquals(8, small.tm());
        assertEquals(null, small.local());
        assertTrue(GemmTuning.parse("large tm=16 tn=16 local=4x1\n").isEmpty(), "both lines are needed");
        // A file from before tile widths were tuned is stale: the defaults beat what it chose.
        assertTrue(GemmTuning.parse("large tm=16 local=4x1\nsmall tm=16 local=1x1\n").isEmpty(), "a file without tn is ignored");
    }

    @Test
    void aLocalMemoryShapeReadsBackToo() {
        ClBackend.LocalGemmConfig tiles = new ClBackend.LocalGemmConfig(64, 32, 8, 4, 2);
        String text = "large " + GemmTuning.format(tiles) + "\nsmall " + GemmTuning.format(new ClBackend.GemmConfig(8, 8, null)) + "\n";
        GemmTuning t = GemmTuning.parse(text).orElseThrow();
        assertEquals(tiles, t.large());
        assertEquals("local-tiles tsm=64 tsn=32 tsk=8 wptm=4 wptn=2", GemmTuning.format(t.large()));
        assertEquals(1, ((ClBackend.LocalGemmConfig) t.large()).vw(), "a line without vw= (a file from before it) loads one float at a time");
    }

    /** The vector width of the local tiles' loads reads back, and one the kernel cannot take makes the file count as none. */
    @Test
    void aVectorWidthReadsBackAndABadOneIsNone() {
        ClBackend.LocalGemmConfig vector = new ClBackend.LocalGemmConfig(64, 64, 16, 4, 4, 4);
        assertEquals("local-tiles tsm=64 tsn=64 tsk=16 wptm=4 wptn=4 vw=4", GemmTuning.format(vector));
        String small = "\nsmall tm=8 tn=8 local=auto\n";
        assertEquals(vector, GemmTuning.parse("large " + GemmTuning.format(vector) + small).orElseThrow().large());
        for (String bad : new String[] {"vw=3", "vw=16", "vw=0"}) {
            assertTrue(GemmTuning.parse("large local-tiles tsm=64 tsn=64 tsk=16 wptm=4 wptn=4 " + bad + small).isEmpty(), bad);
        }
        // A width that does not divide the K-slice cannot stage it in whole runs.
        assertTrue(GemmTuning.parse("large local-tiles tsm=64 tsn=64 tsk=4 wptm=4 wptn=4 vw=8" + small).isEmpty(), "tsk 4, vw 8");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new ClBackend.LocalGemmConfig(32, 32, 8, 4, 4, 16));
    }

    @Test
    void theTunerMeasuresEveryCandidateAndPicksTheFastest() {
        var device = TestBackends.cl().device();
        List<ClBackend.GemmLaunch> candidates = List.of(new ClBackend.GemmConfig(4, 8, null), new ClBackend.LocalGemmConfig(32, 32, 8, 4, 4));
        GemmTuner.Result r = GemmTuner.tune(device, candidates, new int[][] {{33, 129, 7, 1}}, new int[][] {{7, 33, 129, 2}});
        assertEquals(2, r.large().size());
        assertEquals(2, r.small().size());
        for (GemmTuner.Candidate c : r.large()) {
            assertTrue(c.score() > 0 && c.gflops()[0] > 0);
        }
        double bestLarge = Math.max(r.large().get(0).score(), r.large().get(1).score());
        GemmTuner.Candidate chosen = r.large().stream().filter(c -> c.config() == r.best().large()).findFirst().orElseThrow();
        assertEquals(bestLarge, chosen.score());
        // A tuned backend still computes the right thing.
        try (ClBackend tuned = new ClBackend(device, r.best())) {
            try (JavaBackend reference = JavaBackend.reference()) {
                assertTrue(SelfTest.run(tuned, reference).stream().allMatch(SelfTest.Result::passed));
            }
        }
    }

    /** A tuning that cannot be stored is one line naming the file and why (the command turns it into exit 2), and nothing is left. */
    @Test
    void anUnwritableTuningFileIsOneLineNamingIt() {
        try (var cache = org.latentcl.metrics.TempCache.at(java.nio.file.Path.of("/proc/latentcl-cache"))) {
            GemmTuning t = GemmTuning.parse("large tm=16 tn=16 local=1x1\nsmall tm=8 tn=8 local=auto\n").orElseThrow();
            org.latentcl.io.OutputException e = org.junit.jupiter.api.Assertions.assertThrows(org.latentcl.io.OutputException.class,
                    () -> t.save(TestBackends.cl().device()));
            assertTrue(e.getMessage().startsWith("cannot write /proc/latentcl-cache") && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    /** Tuning files that no kernel could run count as none: a damaged or hand-edited file is advice, never a crash. */
    @Test
    void tuningsNoKernelCanRunCountAsNone() {
        for (String text : new String[] {
            "large tm=0 tn=16 local=1x1\nsmall tm=8 tn=8 local=auto\n",
            "large tm=16 tn=16 local=4096x4096\nsmall tm=8 tn=8 local=auto\n",
            "large local-tiles tsm=2147483647 tsn=2147483647 tsk=16 wptm=1 wptn=1\nsmall tm=8 tn=8 local=auto\n",
            "large tm=99999999999 tn=16 local=auto\nsmall tm=8 tn=8 local=auto\n",
            "large tm=16 tn=16 local=auto\n"}) {
            assertTrue(GemmTuning.parse(text).isEmpty(), text);
        }
    }
}
