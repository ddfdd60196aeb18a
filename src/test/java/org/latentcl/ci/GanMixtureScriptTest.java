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
        coversEveryMode("ring", "0.02", 4000, 8);
        coversEveryMode("grid", "0.05", 10000, 25);
        // A collapsed generator: 100 samples on one centre and one on another, which is under 1% of them and not a mode covered.
        Path collapsed = Files.writeString(dir.resolve("one.csv"), "2.0,2.0\n".repeat(100) + "4.0,-4.0\n", StandardCharsets.UTF_8);
        String c = run("score", collapsed.toString(), "--layout", "grid");
        assertEquals(1, number(c, "covered"), c);
        assertEquals(1.0, number(c, "near_a_mode"), 1e-9, c);
        // Without --points: 20,000 on the ring, the grid's 25,000 of issue 27's target (a header line besides).
        for (String layout : new String[] {"ring", "grid"}) {
            Path d = dir.resolve("default-" + layout + ".csv");
            run("data", d.toString(), "--layout", layout);
            assertEquals(layout.equals("grid") ? 25001 : 20001, Files.readAllLines(d).size(), layout);
        }
    }

    /** The script's own data of a layout cover all its modes, 1 - e^-4.5 of the points within 3 standard deviations. */
    private void coversEveryMode(String layout, String std, int points, int modes) throws Exception {
        Path data = dir.resolve(layout + ".csv");
        run("data", data.toString(), "--layout", layout, "--std", std, "--points", Integer.toString(points));
        String r = run("score", data.toString(), "--layout", layout, "--std", std);
        assertEquals(modes, number(r, "modes"), r);
        assertEquals(modes, number(r, "covered"), r);
        assertEquals(1 - Math.exp(-4.5), number(r, "near_a_mode"), 0.01, r);
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
