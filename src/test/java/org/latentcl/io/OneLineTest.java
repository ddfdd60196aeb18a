package org.latentcl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OneLineTest {
    @Test
    void controlCharactersAreShownNotObeyed() {
        assertEquals("a\\nb\\rc?d", OneLine.of("a\nb\rc\u0000d"));
        assertEquals("x?y", OneLine.of("x\u2028y"));
        assertNull(OneLine.of(null));
        String cut = OneLine.of("z".repeat(1000));
        assertTrue(cut.endsWith("...") && cut.length() == OneLine.MAX + 3, cut.length() + "");
        assertEquals("z".repeat(OneLine.MAX), OneLine.of("z".repeat(OneLine.MAX)));
    }
}
