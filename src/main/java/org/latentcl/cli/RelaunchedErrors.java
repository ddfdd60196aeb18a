package org.latentcl.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The re-launched JVM's stderr, copied to ours, and the exit code the command chose. A JVM that
 * writes a class-data-sharing archive at exit ({@link ClassDataSharing}) exits with 1 and prints
 * its own lines when that write fails (a full disk), whatever the command returned. So the command
 * reports its code on a last line of its own before it exits; what the JVM prints after that line
 * is held back, and dropped when the JVM's exit code no longer matches the command's: a cache that
 * could not be written must not turn a finished run into a failure.
 */
final class RelaunchedErrors {
    /** The command's own last line in a re-launched JVM: its exit code, for the launcher. */
    static final String EXIT_LINE = "latentcl-exit-code ";

    private final List<String> afterExit = new ArrayList<>();
    private Integer commandCode;

    /** In a re-launched JVM: tells the launcher the command's exit code, ahead of anything the JVM prints while exiting. */
    static void reportExit(int code, PrintStream err) {
        if (System.getenv(SignalChaining.GUARD) != null) {
            err.println(EXIT_LINE + code);
            err.flush();
        }
    }

    /**
     * Copies the child's stderr to {@code out} until it closes, without the JVM's notice that an
     * incubator module is in use (ours, not the user's concern) and without the exit-code line.
     */
    void copy(InputStream childErr, PrintStream out) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(childErr, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("WARNING: Using incubator modules")) {
                    continue;
                }
                Integer code = commandCode == null ? exitCode(line) : null;
                if (code != null) {
                    commandCode = code;
                } else if (commandCode != null) {
                    afterExit.add(line);
                } else {
                    out.println(line);
                }
            }
        } catch (IOException e) {
            // The child is gone; nothing more to copy.
        }
    }

    /**
     * The exit code to report, once the child has exited with {@code jvmCode}: the command's own
     * when the JVM changed it while exiting (and then without the JVM's lines), else the JVM's.
     */
    int finish(int jvmCode, PrintStream out) {
        if (commandCode != null && commandCode != jvmCode) {
            return commandCode;
        }
        afterExit.forEach(out::println);
        return jvmCode;
    }

    private static Integer exitCode(String line) {
        if (!line.startsWith(EXIT_LINE)) {
            return null;
        }
        try {
            return Integer.parseInt(line.substring(EXIT_LINE.length()).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
