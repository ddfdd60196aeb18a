package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the launcher makes of its re-launched JVM's stderr and exit code. */
class RelaunchedErrorsTest {
    private static String run(String childErr, int jvmCode, int[] reported) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        RelaunchedErrors e = new RelaunchedErrors();
        e.copy(new ByteArrayInputStream(childErr.getBytes(StandardCharsets.UTF_8)), out);
        reported[0] = e.finish(jvmCode, out);
        return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }

    @Test
    void aJvmThatFailsToWriteItsArchiveAfterTheCommandKeepsTheCommandsCodeAndNotItsLines() {
        int[] code = new int[1];
        String err = run("WARNING: Using incubator modules: jdk.incubator.vector\nINFO device: java\n" + RelaunchedErrors.EXIT_LINE + "0\n"
                + "An error has occurred while processing the shared archive file.\nUnable to write to shared archive file.\n", 1, code);
        assertEquals(0, code[0]);
        assertEquals("INFO device: java\n", err);
    }

    @Test
    void whenTheJvmAgreesEverythingItPrintedIsShown() {
        int[] code = new int[1];
        String err = run("latentcl: bad flag\n" + RelaunchedErrors.EXIT_LINE + "2\nsomething printed while exiting\n", 2, code);
        assertEquals(2, code[0]);
        assertEquals("latentcl: bad flag\nsomething printed while exiting\n", err);
    }

    @Test
    void aJvmThatDiedBeforeTheCommandFinishedReportsItsOwnCode() {
        int[] code = new int[1];
        String err = run("Exception in thread \"main\" java.lang.OutOfMemoryError\n", 1, code);
        assertEquals(1, code[0]);
        assertEquals("Exception in thread \"main\" java.lang.OutOfMemoryError\n", err);
        // A line that only looks like the exit line is the command's output.
        err = run(RelaunchedErrors.EXIT_LINE + "x\n", 3, code);
        assertEquals(3, code[0]);
        assertEquals(RelaunchedErrors.EXIT_LINE + "x\n", err);
    }
}
