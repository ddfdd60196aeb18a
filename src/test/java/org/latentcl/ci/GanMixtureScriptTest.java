package org.latentcl.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tools/gan-mixture.py, which writes the 2-D benchmarks of docs/GAN.md and scores samples on them: its own data cover
 * every mode with 98.9% of the points within 3 standard deviations (1 - e^-4.5 of a 2-D Gaussian), and samples at one
 * centre cover one mode. Needs only the python3 every Debian machine has.
 */
class GanMixtureScriptTest {
    @TempDir
    Path dir;

    @Test
    void theRingAndTheGridAreWrittenAndScoredAsTheyAreDefined() throws Exception {
        Path ring = dir.resolve("ring.csv");
        run("data", ring.toString(), "--std", "0.02", "--points", "4000");
        String r = run("score", ring.toString(), "--std", "0.02");
        assertEquals(8, number(r, "modes"), r);
        assertEquals(8, number(r, "covered"), r);
        assertEquals(1 - Math.exp(-4.5), number(r, "near_a_mode"), 0.01, r);

        Path grid = dir.resolve("grid.csv");
        run("data", grid.toString(), "--layout", "grid", "--points", "10000");
        String g = run("score", grid.toString(), "--layout", "grid");
        assertEquals(25, number(g, "modes"), g);
        assertEquals(25, number(g, "covered"), g);
        assertEquals(1 - Math.exp(-4.5), number(g, "near_a_mode"), 0.01, g);
        // A collapsed generator: 100 samples on one centre and one on another, which is under 1% of them and not a mode covered.
        Path collapsed = Files.writeString(dir.resolve("one.csv"), "2.0,2.0\n".repeat(100) + "4.0,-4.0\n", StandardCharsets.UTF_8);
        String c = run("score", collapsed.toString(), "--layout", "grid");
        assertEquals(1, number(c, "covered"), c);
        assertEquals(1.0, number(c, "near_a_mode"), 1e-9, c);
    }

    private String run(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("python3", "tools/gan-mixture.py"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": ([0-9.]+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Double.parseDouble(m.group(1));
    }
}
