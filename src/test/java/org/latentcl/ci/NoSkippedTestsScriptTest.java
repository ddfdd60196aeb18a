package org.latentcl.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tools/no-skipped-tests.sh, which CI runs after the tests: it passes only reports that ran tests and skipped none. */
class NoSkippedTestsScriptTest {
    @TempDir
    Path dir;

    private void report(String name, int tests, int skipped) throws IOException {
        Files.writeString(dir.resolve("TEST-" + name + ".xml"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<testsuite xmlns:xsi=\"x\" version=\"3.0.2\" name=\"" + name + "\" time=\"1.0\" tests=\"" + tests
                + "\" errors=\"0\" skipped=\"" + skipped + "\" failures=\"0\">\n</testsuite>\n", StandardCharsets.UTF_8);
    }

    private record Result(int code, String output) {
    }

    private Result run() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "tools/no-skipped-tests.sh", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out.strip());
    }

    @Test
    void passesReportsWithNothingSkipped() throws Exception {
        report("a.ATest", 5, 0);
        report("b.BTest", 2, 0);
        Result r = run();
        assertEquals(0, r.code(), r.output());
        assertEquals("no-skipped-tests: 7 tests ran, none skipped", r.output());
    }

    @Test
    void failsOnOneSkippedTestAndNamesItsClass() throws Exception {
        report("a.ATest", 5, 0);
        report("b.BTest", 2, 1);
        Result r = run();
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("1 of 7 tests were skipped: b.BTest (1)"), r.output());
    }

    @Test
    void failsWhenNoTestsRan() throws Exception {
        Result r = run();
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("the tests did not run"), r.output());
    }
}
