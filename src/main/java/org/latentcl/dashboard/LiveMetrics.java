package org.latentcl.dashboard;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows a metrics.jsonl as training appends to it: each call to {@link #poll} returns the complete lines written
 * since the last (a line still being written waits for its newline), and notices a file that shrank (a resume cuts
 * the lines of an unfinished epoch) so that the reader starts over.
 */
final class LiveMetrics {
    private final Path file;
    private long offset;

    LiveMetrics(Path file) {
        this.file = file;
    }

    /** New complete lines since the last poll; {@code reset} when the file was replaced by a shorter one. */
    record Update(List<String> lines, boolean reset) {
    }

    Update poll() throws IOException {
        if (!Files.isRegularFile(file)) {
            return new Update(List.of(), false);
        }
        long size = Files.size(file);
        boolean reset = false;
        if (size < offset) {
            offset = 0;
            reset = true;
        }
        if (size == offset) {
            return new Update(List.of(), reset);
        }
        byte[] bytes;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long n = Math.min(size - offset, MetricsLines.MAX_BYTES);
            bytes = new byte[(int) n];
            in.seek(offset);
            in.readFully(bytes);
        }
        // Only whole lines move the offset, so a multi-byte character split by the writer is read whole next time.
        int lastNewline = -1;
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                lastNewline = i;
                break;
            }
        }
        List<String> lines = new ArrayList<>();
        if (lastNewline < 0) {
            return new Update(lines, reset);
        }
        offset += lastNewline + 1;
        for (String line : new String(bytes, 0, lastNewline, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        return new Update(lines, reset);
    }
}
