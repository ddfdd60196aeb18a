package org.latentcl.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
 * mapping each tensor name to its dtype, shape and byte range, an optional {@code __metadata__}
 * object of strings, then the raw little-endian data. Tensors are float32 ("F32"), or int64 ("I64") for
 * counters such as batch norm's num_batches_tracked (held here as floats, exact below 2^24).
 * Files are written atomically: a temporary file in the same directory, flushed, then renamed.
 */
public final class Safetensors {
    private static final String METADATA = "__metadata__";

    private Safetensors() {
    }

    /** One named tensor: float32, or int64 stored and read as whole floats. */
    public record Entry(String name, String dtype, int[] shape, float[] data) {
        /** A float32 tensor. */
        public Entry(String name, int[] shape, float[] data) {
            this(name, "F32", shape, data);
        }

        public Entry {
            if (!dtype.equals("F32") && !dtype.equals("I64")) {
                throw new IllegalArgumentException("tensor " + name + ": dtype " + dtype + " is neither F32 nor I64");
            }
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " needs " + n
                        + " values, got " + data.length);
            }
        }
    }

    /** A file's metadata and tensors, in file order. */
    public record Contents(Map<String, String> metadata, Map<String, Entry> tensors) {
    }

    /** Writes the file whole or not at all (see {@link AtomicFiles}). */
    public static void write(Path file, Map<String, String> metadata, List<Entry> tensors) throws IOException {
        AtomicFiles.write(file, encode(metadata, tensors));
    }

    /** The bytes of a safetensors file holding {@code metadata} and {@code tensors}, in their order. */
    public static byte[] encode(Map<String, String> metadata, List<Entry> tensors) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put(METADATA, metadata);
        long offset = 0;
        for (Entry t : tensors) {
            Map<String, Object> info = new LinkedHashMap<>();
            int width = width(t.dtype());
            info.put("dtype", t.dtype());
            info.put("shape", t.shape());
            info.put("data_offsets", List.of(offset, offset + (long) width * t.data().length));
            header.put(t.name(), info);
            offset += (long) width * t.data().length;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer buf = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded);
        buf.put(json);
        for (int i = json.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        for (Entry t : tensors) {
            for (float v : t.data()) {
                if (t.dtype().equals("I64")) {
                    buf.putLong((long) v);
                } else {
                    buf.putFloat(v);
                }
            }
        }
        return buf.array();
    }

    /** Reads and validates a file; every problem is an {@link IllegalArgumentException} naming the file, in one line. */
    public static Contents read(Path file) {
        try {
            return parse(file);
        } catch (IllegalArgumentException e) {
            // Messages quote names from the file's own header, which may hold any characters.
            throw new IllegalArgumentException(OneLine.of(e.getMessage()), e.getCause());
        }
    }

    /**
     * Reads and validates a file's bytes, as {@link #read(Path)} reads a file (for files that travel
     * as bytes, as a Spark round's do).
     *
     * @param source what the bytes are, for messages (a file name)
     * @param bytes  the file's bytes
     * @return its metadata and tensors
     */
    public static Contents read(String source, byte[] bytes) {
        try {
            return parse(source, bytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(OneLine.of(e.getMessage()), e.getCause());
        }
    }

    private static Contents parse(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(file.toString(), bytes);
    }

    private static Contents parse(String file, byte[] bytes) {
        if (bytes.length < 8) {
            throw new IllegalArgumentException(file + ": not a safetensors file (shorter than its 8-byte header length)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = buf.getLong(0);
        if (headerLen < 2 || headerLen > bytes.length - 8L) {
            throw new IllegalArgumentException(file + ": not a safetensors file (header length " + Long.toUnsignedString(headerLen)
                    + " does not fit in the file's " + bytes.length + " bytes)");
        }
        String text = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        Object parsed;
        try {
            parsed = Json.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": safetensors header is not valid JSON (" + e.getMessage() + ")");
        }
        if (!(parsed instanceof Map<?, ?> header)) {
            throw new IllegalArgumentException(file + ": safetensors header is not a JSON object");
        }
        int dataStart = 8 + (int) headerLen;
        long dataLen = bytes.length - (long) dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        Map<String, Entry> tensors = new LinkedHashMap<>();
        for (var e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw new IllegalArgumentException(file + ": __metadata__ is not an object");
                }
                m.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> info)) {
                throw new IllegalArgumentException(file + ": entry " + name + " is not an object");
            }
            Object dtype = info.get("dtype");
            if (!"F32".equals(dtype) && !"I64".equals(dtype)) {
                throw new IllegalArgumentException(file + ": tensor " + name + " has dtype " + dtype + " (only F32 and I64 are supported)");
            }
            int width = width((String) dtype);
            int[] shape = ints(info.get("shape"), file, name, "shape");
            int[] off = ints(info.get("data_offsets"), file, name, "data_offsets");
            if (off.length != 2 || off[0] < 0 || off[1] < off[0] || off[1] > dataLen) {
                throw new IllegalArgumentException(file + ": tensor " + name + " has data offsets " + Arrays.toString(off)
                        + " outside the " + dataLen + " data bytes");
            }
            long count = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException(file + ": tensor " + name + " has a negative dimension");
                }
                count *= d;
            }
            if (count * width != off[1] - off[0]) {
                throw new IllegalArgumentException(file + ": tensor " + name + " of shape " + Arrays.toString(shape) + " needs "
                        + count * width + " bytes but its offsets span " + (off[1] - off[0]));
            }
            ranges.add(new long[] {off[0], off[1]});
            float[] data = new float[(int) count];
            ByteBuffer slice = ByteBuffer.wrap(bytes, dataStart + off[0], off[1] - off[0]).slice().order(ByteOrder.LITTLE_ENDIAN);
            if (width == 8) {
                for (int i = 0; i < data.length; i++) {
                    data[i] = slice.getLong(8 * i);
                }
            } else {
                slice.asFloatBuffer().get(data);
            }
            tensors.put(name, new Entry(name, (String) dtype, shape, data));
        }
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 1; i < ranges.size(); i++) {
            if (ranges.get(i)[0] < ranges.get(i - 1)[1]) {
                throw new IllegalArgumentException(file + ": tensors overlap in the data section (bytes " + ranges.get(i)[0] + "..)");
            }
        }
        return new Contents(metadata, tensors);
    }

    private static int width(String dtype) {
        return dtype.equals("I64") ? 8 : 4;
    }

    private static int[] ints(Object v, String file, String name, String key) {
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException(file + ": tensor " + name + " has no " + key + " list");
        }
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Double d) || d != Math.rint(d) || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(file + ": tensor " + name + " has a bad " + key + " value " + list.get(i));
            }
            out[i] = d.intValue();
        }
        return out;
    }
}
