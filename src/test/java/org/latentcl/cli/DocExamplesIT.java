package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples on the command pages print what the commands print now. The pages are run in order in one directory, as a
 * reader would (train writes the runs that sample, encode and eval read), through the built jar, and each printed line
 * must equal the page's with every number and the device's name masked: a new line, a lost line, a changed word or key
 * fails, a different loss or time does not. Stdout is compared for a command that succeeds, stderr for one that is
 * refused. {@code INFO} log lines and training warnings (which depend on how a run went) are left out of both sides,
 * and a line {@code ...} on a page stands for any number of lines.
 */
class DocExamplesIT {
    /** The pages, in the order a reader follows them: later ones use the runs the first ones write. */
    private static final List<String> PAGES = List.of("train-vae.md", "train-gan.md", "sample.md", "encode.md", "eval.md",
            "train-classifier.md", "bench-gemm.md");
    /** Examples not run here, each with the reason. */
    private static final Map<String, String> NOT_RUN = Map.of(
            "train classifier --data fashion-mnist", "trains for almost 4 minutes on 60,000 images (MetricsCommandTest trains one)");

    @TempDir
    Path dir;

    /** One documented command and what the page shows it printing. */
    private record Example(String page, List<String> args, List<String> shown) {
    }

    @Test
    void everyCommandPagesExamplePrintsWhatThePageShows() throws Exception {
        // The pages show runs on an OpenCL device (selftest's notes and the device lists differ on the Java backend alone).
        if (org.latentcl.Devices.list().stream().allMatch(org.latentcl.DeviceInfo::isJava)) {
            if ("true".equals(System.getenv("CI"))) {
                fail("CI=true requires an OpenCL device for the documented examples, but Devices.list() has none");
            }
            org.junit.jupiter.api.Assumptions.abort("no OpenCL device: the documented examples were made on one");
        }
        // The refusal on train-classifier.md reads a table of numbers.
        Files.writeString(dir.resolve("points.csv"), "x,y\n0.1,0.2\n0.3,0.4\n0.5,0.6\n0.7,0.8\n0.9,1.0\n", StandardCharsets.UTF_8);
        List<Example> examples = new ArrayList<>();
        for (String page : PAGES) {
            examples.addAll(examples(page, Files.readString(Path.of("docs/commands", page), StandardCharsets.UTF_8), "## Example"));
        }
        examples.addAll(examples("COMMANDS.md", Files.readString(Path.of("docs/COMMANDS.md"), StandardCharsets.UTF_8), "More examples"));
        assertTrue(examples.size() >= 20, "the pages have their examples: " + examples.size());
        StringBuilder failures = new StringBuilder();
        for (Example e : examples) {
            String joined = String.join(" ", e.args());
            if (NOT_RUN.keySet().stream().anyMatch(joined::startsWith)) {
                continue;
            }
            JarProcess.Result r = JarProcess.run(dir, Map.of(), e.args());
            List<String> printed = r.code() == Main.EXIT_OK ? r.out() : r.errLines();
            String mismatch = mismatch(e.shown(), printed);
            if (mismatch != null) {
                failures.append(e.page()).append(": $ ").append(joined).append(" (exit ").append(r.code()).append(")\n  ").append(mismatch)
                        .append("\n  printed:\n    ").append(String.join("\n    ", printed)).append('\n');
            }
        }
        if (failures.length() > 0) {
            fail("examples on docs/commands pages that no longer print what they show:\n" + failures);
        }
    }

    /** The masking holds what it should and no more. */
    @Test
    void maskingHidesNumbersAndDevicesOnly() {
        assertEquals("epoch #/# train # on DEVICE: # examples -> vae-run",
                masked("epoch 1/2  train 252.26  on cl:0 pthread-skylake-avx512-AMD EPYC: 9,000 examples -> vae-run"));
        assertEquals("{\"kl\":#,\"device\":\"DEVICE\"}", masked("{\"kl\":-1.5E-4,\"device\":\"java backend (2 threads)\"}"));
        assertEquals("known devices: java, DEVICE", masked("known devices: java, cl:0 (Oclgrind Simulator), cl:1 (pthread-skylake-avx512)"),
                "a list of devices is one, whatever this machine has");
        assertEquals(null, mismatch(List.of("a #1", "...", "z"), List.of("a #7", "b", "c", "z")));
        assertTrue(mismatch(List.of("a 1", "z"), List.of("a 1", "b", "z")) != null, "an extra line is a mismatch");
        assertTrue(mismatch(List.of("train 1"), List.of("test 1")) != null, "a changed word is a mismatch");
        assertEquals(null, mismatch(List.of("FID   1.5     2"), List.of("FID 1234.5 22")), "columns widen with their numbers");
    }

    /** Every command of a page's section that starts at {@code marker} (up to the next heading), with the lines shown after it. */
    private static List<Example> examples(String page, String markdown, String marker) {
        int start = markdown.indexOf(marker);
        int end = markdown.indexOf("\n## ", start + 1);
        String section = start < 0 ? "" : markdown.substring(start, end < 0 ? markdown.length() : end);
        List<Example> out = new ArrayList<>();
        boolean inBlock = false;
        List<String> args = null;
        List<String> shown = new ArrayList<>();
        for (String line : section.split("\n", -1)) {
            if (line.startsWith("```")) {
                if (inBlock && args != null) {
                    out.add(new Example(page, args, shown));
                    args = null;
                }
                inBlock = !inBlock;
            } else if (inBlock && line.startsWith("$ java -jar target/latentcl.jar ")) {
                if (args != null) {
                    out.add(new Example(page, args, shown));
                }
                args = Arrays.asList(line.substring("$ java -jar target/latentcl.jar ".length()).trim().split(" +"));
                shown = new ArrayList<>();
            } else if (inBlock && args != null) {
                shown.add(line);
            }
        }
        return out;
    }

    /** Null when the printed lines are the shown ones (masked, "..." matching any lines), else what differs. */
    static String mismatch(List<String> shown, List<String> printed) {
        List<String> want = comparable(shown);
        List<String> got = comparable(printed);
        return matches(want, 0, got, 0) ? null : "the page shows\n    " + String.join("\n    ", want) + "\n  masked, the command printed\n    "
                + String.join("\n    ", got);
    }

    private static boolean matches(List<String> want, int i, List<String> got, int j) {
        if (i == want.size()) {
            return j == got.size();
        }
        if (want.get(i).equals("...")) {
            for (int k = j; k <= got.size(); k++) {
                if (matches(want, i + 1, got, k)) {
                    return true;
                }
            }
            return false;
        }
        return j < got.size() && want.get(i).equals(got.get(j)) && matches(want, i + 1, got, j + 1);
    }

    /** The lines masked, without blank, INFO and warning lines. */
    private static List<String> comparable(List<String> lines) {
        return lines.stream().map(String::stripTrailing).filter(l -> !l.isBlank() && !l.startsWith("INFO ") && !l.startsWith("  warning: "))
                .map(DocExamplesIT::masked).toList();
    }

    /**
     * Device names as DEVICE, every number (signed, with thousands commas, decimals or an exponent) as #, and runs of
     * spaces as one (a table's columns widen with its numbers).
     */
    static String masked(String line) {
        return line.replaceAll("cl:\\d+ \\([^)]*\\)", "DEVICE").replaceAll("(cl:\\d+ [^:\"\\n]*|java backend[^:\"\\n]*)", "DEVICE")
                .replaceAll("DEVICE(, DEVICE)+", "DEVICE")
                .replaceAll("-?\\d[\\d,]*(\\.\\d+)?([eE]-?\\d+)?", "#").strip().replaceAll(" +", " ");
    }
}
