package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process, as a user would from a shell, and checks its answers. */
final class Cli {
    private Cli() {
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /** Exit code 2 and exactly one line on stderr, containing {@code mustContain}, without a stack trace. */
    static void usageError(Run r, String mustContain) {
        assertEquals(Main.EXIT_USAGE, r.code(), r.out() + r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, "one line on stderr, got: " + r.err());
        assertTrue(lines[0].startsWith("latentcl: ") && lines[0].contains(mustContain), lines[0]);
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    /** The first n embedded training digits as dir/digits.npy ([n, 784] float32), a small data set for the commands. */
    static java.nio.file.Path digits(java.nio.file.Path dir, int n) throws java.io.IOException {
        float[] values = java.util.Arrays.copyOf(org.latentcl.data.Datasets.embeddedDefault().train().values(), n * 784);
        java.nio.file.Path file = dir.resolve("digits.npy");
        java.nio.file.Files.write(file, org.latentcl.data.Npy.encode(values, n, 784));
        return file;
    }

    /** {@code base} followed by {@code more}: a command line built from a shared start. */
    static String[] with(String[] base, String... more) {
        String[] out = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }
}
