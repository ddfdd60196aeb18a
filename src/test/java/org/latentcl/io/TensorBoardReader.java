package org.latentcl.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads TensorBoard event files as TensorFlow's record reader does, written apart from the writer: its own bitwise
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) checks both checksums of every record, and a generic
 * protocol-buffer decoder reads each Event into field numbers and values.
 */
public final class TensorBoardReader {
    private TensorBoardReader() {
    }

    /** A decoded Event: wall time, step, file version (or null), and its summary values. */
    public record Event(double wallTime, long step, String fileVersion, List<Value> values) {
    }

    /** A summary value: its tag and either a scalar or an image (width, height, colorspace, PNG bytes). */
    public record Value(String tag, Float scalar, int width, int height, int colorspace, byte[] png) {
    }

    /** CRC-32C of the bytes, bit by bit. */
    public static int crc32c(byte[] data, int from, int to) {
        int crc = 0xFFFFFFFF;
        for (int i = from; i < to; i++) {
            crc ^= data[i] & 0xFF;
            for (int b = 0; b < 8; b++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78 : crc >>> 1;
            }
        }
        return ~crc;
    }

    private static int masked(int crc) {
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    /** Every record's Event; an {@link IllegalStateException} for a checksum that does not match or a truncated record. */
    public static List<Event> read(byte[] file) {
        List<Event> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() > 0) {
            if (b.remaining() < 12) {
                throw new IllegalStateException("a truncated record header at byte " + b.position());
            }
            int start = b.position();
            long length = b.getLong();
            if (b.getInt() != masked(crc32c(file, start, start + 8))) {
                throw new IllegalStateException("the length's checksum does not match at byte " + start);
            }
            if (length > b.remaining() - 4) {
                throw new IllegalStateException("a truncated record at byte " + start);
            }
            int dataStart = b.position();
            b.position(dataStart + (int) length);
            if (b.getInt() != masked(crc32c(file, dataStart, dataStart + (int) length))) {
                throw new IllegalStateException("the data's checksum does not match at byte " + start);
            }
            out.add(event(java.util.Arrays.copyOfRange(file, dataStart, dataStart + (int) length)));
        }
        return out;
    }

    private static Event event(byte[] data) {
        Map<Integer, List<Object>> f = fields(data);
        double wall = f.containsKey(1) ? Double.longBitsToDouble((Long) f.get(1).get(0)) : Double.NaN;
        long step = f.containsKey(2) ? (Long) f.get(2).get(0) : 0;
        String version = f.containsKey(3) ? new String((byte[]) f.get(3).get(0), StandardCharsets.UTF_8) : null;
        List<Value> values = new ArrayList<>();
        if (f.containsKey(5)) {
            for (Object v : fields((byte[]) f.get(5).get(0)).getOrDefault(1, List.of())) {
                Map<Integer, List<Object>> vf = fields((byte[]) v);
                String tag = new String((byte[]) vf.get(1).get(0), StandardCharsets.UTF_8);
                if (vf.containsKey(2)) {
                    values.add(new Value(tag, Float.intBitsToFloat((Integer) vf.get(2).get(0)), 0, 0, 0, null));
                } else {
                    Map<Integer, List<Object>> img = fields((byte[]) vf.get(4).get(0));
                    values.add(new Value(tag, null, (int) (long) (Long) img.get(2).get(0), (int) (long) (Long) img.get(1).get(0),
                            (int) (long) (Long) img.get(3).get(0), (byte[]) img.get(4).get(0)));
                }
            }
        }
        return new Event(wall, step, version, values);
    }

    /** A message's fields by number: varints and fixed64 as Long, fixed32 as Integer, length-delimited as byte[]. */
    static Map<Integer, List<Object>> fields(byte[] msg) {
        Map<Integer, List<Object>> out = new LinkedHashMap<>();
        ByteBuffer b = ByteBuffer.wrap(msg).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            long key = varint(b);
            int field = (int) (key >>> 3);
            Object v = switch ((int) (key & 7)) {
                case 0 -> varint(b);
                case 1 -> b.getLong();
                case 5 -> b.getInt();
                case 2 -> {
                    byte[] bytes = new byte[(int) varint(b)];
                    b.get(bytes);
                    yield bytes;
                }
                default -> throw new IllegalStateException("wire type " + (key & 7));
            };
            out.computeIfAbsent(field, k -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static long varint(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b.get();
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
    }
}
