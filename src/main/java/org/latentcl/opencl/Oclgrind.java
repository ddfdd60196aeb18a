package org.latentcl.opencl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Oclgrind, the OpenCL simulator (https://github.com/jrprice/Oclgrind), as LatentCL uses it: its
 * checks are switched on by environment variables read when the library loads, and it writes its
 * reports (data races, out-of-bounds and uninitialized accesses, API misuse) to the file named by
 * {@code OCLGRIND_LOG}, where {@code selftest} reads them back to fail the check that caused them.
 */
public final class Oclgrind {
    /** The environment for a checked run: race, uninitialized-value and API checks, and the report file. */
    public static Map<String, String> checkedEnvironment(Path log) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OCLGRIND_DATA_RACES", "1");
        env.put("OCLGRIND_UNINITIALIZED", "1");
        env.put("OCLGRIND_CHECK_API", "1");
        env.put("OCLGRIND_LOG", log.toString());
        return env;
    }

    private Oclgrind() {
    }

    /** Whether this process was started with Oclgrind's race checks on. */
    public static boolean checksOn() {
        return "1".equals(System.getenv("OCLGRIND_DATA_RACES"));
    }

    /** The report file of this process, or null when reports go to stderr. */
    public static Path log() {
        String f = System.getenv("OCLGRIND_LOG");
        return f == null || f.isBlank() ? null : Path.of(f);
    }

    /** A position in the report file, to read what was reported after it. */
    public static long mark() {
        Path f = log();
        try {
            return f == null || !Files.exists(f) ? 0 : Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }

    /** What was reported since {@code mark} (empty when nothing was, or there is no report file). */
    public static String reportsSince(long mark) {
        Path f = log();
        if (f == null || !Files.exists(f)) {
            return "";
        }
        try {
            byte[] all = Files.readAllBytes(f);
            return mark >= all.length ? "" : new String(all, (int) mark, all.length - (int) mark, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
