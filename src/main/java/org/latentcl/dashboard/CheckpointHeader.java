package org.latentcl.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.latentcl.io.Json;

/**
 * The metadata of a safetensors file, read from its header alone (8 bytes of length, then JSON), so that the table of
 * runs never reads the tensors. A file being replaced or damaged gives an empty map and a reason.
 */
final class CheckpointHeader {
    /** The largest header read: LatentCL's are a few kilobytes. */
    static final long MAX_HEADER = 1 << 20;

    private CheckpointHeader() {
    }

    /** The metadata (string values) and, when it could not be read, why; a missing file is empty with no reason. */
    record Read(Map<String, String> metadata, String problem) {
    }

    static Read metadata(Path file) {
        if (!Files.isRegularFile(file)) {
            return new Read(Map.of(), null);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] size = in.readNBytes(8);
            if (size.length < 8) {
                return new Read(Map.of(), file.getFileName() + " is shorter than a safetensors header");
            }
            long n = ByteBuffer.wrap(size).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (n < 2 || n > MAX_HEADER) {
                return new Read(Map.of(), file.getFileName() + " has a header length of " + n + ": not a safetensors file");
            }
            byte[] header = in.readNBytes((int) n);
            if (header.length < n) {
                return new Read(Map.of(), file.getFileName() + " is cut short inside its header");
            }
            Object parsed = Json.parse(new String(header, StandardCharsets.UTF_8));
            Map<String, String> out = new LinkedHashMap<>();
            if (parsed instanceof Map<?, ?> m && m.get("__metadata__") instanceof Map<?, ?> meta) {
                meta.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
            }
            return new Read(out, null);
        } catch (IOException | RuntimeException e) {
            return new Read(Map.of(), file.getFileName() + " cannot be read (" + e.getMessage() + ")");
        }
    }
}
