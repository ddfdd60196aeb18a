package org.latentcl.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The convolution tuning file: what it writes reads back, and lines it cannot use are left out rather than failing a run. */
class ConvTuningTest {
    @Test
    void writtenChoicesReadBackAndBadLinesAreIgnored() {
        ClBackend cl = TestBackends.cl();
        String key = ConvTuning.key(64, 256, 3, 3, 1, 3, 3, 1, 0);
        String other = ConvTuning.key(128, 32, 14, 14, 64, 4, 4, 2, 1);
        ConvTuning t = new ConvTuning(Map.of(key, new ClBackend.LocalGemmConfig(16, 64, 16, 2, 4)),
                Map.of(key, new ClBackend.LocalGemmConfig(64, 64, 16, 4, 4), other, new ClBackend.LocalGemmConfig(32, 32, 16, 4, 4)));
        String text = t.text(cl.device());
        assertEquals(t, ConvTuning.parse(text, cl.device()));
        assertEquals(new ClBackend.LocalGemmConfig(16, 64, 16, 2, 4), ConvTuning.parse(text, cl.device()).implicitFor(key));
        assertNull(ConvTuning.parse(text, cl.device()).implicitFor(other), "a backward choice is not a forward one");
        assertEquals(new ClBackend.LocalGemmConfig(32, 32, 16, 4, 4), ConvTuning.parse(text, cl.device()).backwardFor(other));
        // Tiles the kernel cannot take (wptm not dividing tsm), a work-group larger than any device's, and noise.
        String bad = "conv 1 2 3 3 4 3 3 1 1 implicit tsm=16 tsn=16 tsk=8 wptm=3 wptn=2\n"
                + "conv 1 2 3 3 4 3 3 1 0 implicit tsm=1024 tsn=1024 tsk=8 wptm=1 wptn=1\n" + "conv 1 2 implicit\n" + "garbage\n";
        assertEquals(t, ConvTuning.parse(bad + text, cl.device()));
        assertNull(ConvTuning.parse(bad, cl.device()).implicitFor("1 2 3 3 4 3 3 1 1"));
        assertEquals(Map.of(), ConvTuning.parse(bad, cl.device()).implicit());
    }
}
