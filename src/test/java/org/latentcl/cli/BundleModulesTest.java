package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The GPU bundle's Java runtime (tools/gpu-bundle.sh) holds only the modules jlink is given. A
 * class from any other module (java.management, say) would make the bundle fail with
 * NoClassDefFoundError on a machine we cannot test on, so jdeps checks the compiled classes here.
 */
class BundleModulesTest {
    @Test
    void theCodeNeedsOnlyTheModulesTheBundleShips() throws IOException, InterruptedException {
        String script = Files.readString(Path.of("tools/gpu-bundle.sh"), StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("jlink --add-modules (\\S+)").matcher(script);
        assertTrue(m.find(), "tools/gpu-bundle.sh runs jlink --add-modules");
        Set<String> shipped = new TreeSet<>(Set.of(m.group(1).split(",")));

        Path jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps");
        Process p = new ProcessBuilder(jdeps.toString(), "--multi-release", "17", "--ignore-missing-deps", "--print-module-deps",
                "target/classes").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), out);
        Set<String> needed = new TreeSet<>(Set.of(out.lines().reduce((a, b) -> b).orElse("").split(",")));
        needed.removeAll(shipped);
        assertTrue(needed.isEmpty(), "the code needs modules the bundle does not ship: " + needed);
    }
}
