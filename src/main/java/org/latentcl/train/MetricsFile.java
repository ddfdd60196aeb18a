package org.latentcl.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.latentcl.io.AtomicFiles;
import org.latentcl.io.Json;

/** metrics.jsonl when a run resumes: the lines of the epochs it keeps, as parsed objects. */
final class MetricsFile {
    private MetricsFile() {
    }

    /**
     * The lines of epochs 1..upTo, parsed; later lines (from an epoch that was interrupted) are
     * dropped from the file, which is rewritten whole.
     */
    static List<Map<?, ?>> keepEpochs(Path file, int upTo) throws IOException {
        List<Map<?, ?>> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        List<String> kept = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            Map<?, ?> m = (Map<?, ?>) Json.parse(line);
            if (((Double) m.get("epoch")).intValue() > upTo) {
                continue;
            }
            kept.add(line);
            out.add(m);
        }
        AtomicFiles.write(file, (String.join("\n", kept) + (kept.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8));
        return out;
    }

    /** A number of a line, NaN when absent. */
    static double num(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v instanceof Double d ? d : Double.NaN;
    }

    /** device_buffers of a line, -1 when absent. */
    static int buffers(Map<?, ?> m) {
        return m.get("device_buffers") instanceof Double d ? d.intValue() : -1;
    }

    /** device_peak_mib of a line, -1 when absent (the Java backend, or a run from before it was recorded). */
    static double peakMib(Map<?, ?> m) {
        return m.get("device_peak_mib") instanceof Double d ? d : -1;
    }
}
