package org.latentcl.dashboard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.latentcl.io.Json;

/**
 * The lines of a run's metrics.jsonl that can be read, and what could not: training appends one JSON object per epoch,
 * so a reader may meet a last line still being written, and a damaged file may hold anything.
 *
 * @param lines    the lines that parse as JSON objects, in file order
 * @param problems one sentence per line or file that could not be read
 */
public record MetricsLines(List<Map<?, ?>> lines, List<String> problems) {
    /** The most bytes read of one metrics file (a run of 100,000 epochs writes about 30 MB). */
    static final long MAX_BYTES = 64L << 20;

    /**
     * Reads a metrics file.
     *
     * @param file the run's metrics.jsonl
     * @return its readable lines and its problems; a missing file is no lines and no problem (no epoch finished yet)
     */
    public static MetricsLines read(Path file) {
        List<Map<?, ?>> lines = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return new MetricsLines(lines, problems);
        }
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                problems.add(file.getFileName() + " is larger than " + (MAX_BYTES >> 20) + " MB: not read");
                return new MetricsLines(lines, problems);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            problems.add(file.getFileName() + " cannot be read (" + e.getMessage() + ")");
            return new MetricsLines(lines, problems);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        String[] all = text.split("\n", -1);
        for (int i = 0; i < all.length; i++) {
            String line = all[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            boolean last = i == all.length - 1;
            Map<?, ?> parsed = parse(line);
            if (parsed != null) {
                lines.add(parsed);
            } else if (last) {
                problems.add("line " + (i + 1) + " of " + file.getFileName() + " is incomplete (being written?)");
            } else {
                problems.add("line " + (i + 1) + " of " + file.getFileName() + " is not a JSON object with an epoch: skipped");
            }
        }
        return new MetricsLines(lines, problems);
    }

    /** One line as a JSON object with a numeric epoch, or null. */
    static Map<?, ?> parse(String line) {
        try {
            return Json.parse(line) instanceof Map<?, ?> m && m.get("epoch") instanceof Double ? m : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
