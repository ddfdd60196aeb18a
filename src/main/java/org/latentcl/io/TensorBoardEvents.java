package org.latentcl.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A TensorBoard event file ({@code events.out.tfevents.*}), as PyTorch's {@code SummaryWriter} writes one: a sequence of
 * TFRecords, each an {@code Event} protocol buffer (tensorflow/core/util/event.proto) holding a scalar or an image
 * summary (tensorflow/core/framework/summary.proto). A record is the data's length (uint64, little-endian), the masked
 * CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data (tensorflow/core/lib/io/record_writer.cc).
 * The events are kept in memory and the whole file is rewritten atomically after each addition that is flushed, as
 * metrics.jsonl is, so a reader never sees half a record.
 */
public final class TensorBoardEvents {
    /** Event.file_version of the first record, which TensorBoard checks. */
    static final String FILE_VERSION = "brain.Event:2";
    private final Path file;
    private final ByteArrayOutputStream records = new ByteArrayOutputStream();

    /** Events for {@code file}, starting with the file-version record stamped {@code wallTime} (seconds since the epoch). */
    public TensorBoardEvents(Path file, double wallTime) {
        this.file = file;
        Proto event = new Proto().fixed64(1, wallTime).bytes(3, FILE_VERSION.getBytes(StandardCharsets.UTF_8));
        append(event.toBytes());
    }

    /** The file this writes. */
    public Path file() {
        return file;
    }

    /** A scalar at a step (TensorBoard's x axis), as {@code add_scalar(tag, value, step)}. */
    public void scalar(String tag, long step, double wallTime, float value) {
        Proto v = new Proto().bytes(1, tag.getBytes(StandardCharsets.UTF_8)).fixed32(2, value);
        summary(step, wallTime, v);
    }

    /** A PNG image at a step, as {@code add_image(tag, img, step)} stores it (RGB: colorspace 3). */
    public void image(String tag, long step, double wallTime, byte[] png) {
        int[] size = pngSize(png);
        Proto image = new Proto().varint(1, size[1]).varint(2, size[0]).varint(3, 3).bytes(4, png);
        Proto v = new Proto().bytes(1, tag.getBytes(StandardCharsets.UTF_8)).bytes(4, image.toBytes());
        summary(step, wallTime, v);
    }

    /** Writes every event so far, replacing the file whole. */
    public void flush() throws IOException {
        AtomicFiles.write(file, records.toByteArray());
    }

    private void summary(long step, double wallTime, Proto value) {
        Proto summary = new Proto().bytes(1, value.toBytes());
        append(new Proto().fixed64(1, wallTime).varint(2, step).bytes(5, summary.toBytes()).toBytes());
    }

    private void append(byte[] data) {
        byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
        records.writeBytes(length);
        records.writeBytes(le32(maskedCrc(length)));
        records.writeBytes(data);
        records.writeBytes(le32(maskedCrc(data)));
    }

    /** TFRecord's masked CRC-32C: the CRC rotated right by 15 bits plus a constant, so that CRCs of CRCs stay strong. */
    static int maskedCrc(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** {width, height} from a PNG's IHDR chunk. */
    static int[] pngSize(byte[] png) {
        if (png.length < 24 || png[1] != 'P' || png[2] != 'N' || png[3] != 'G') {
            throw new IllegalArgumentException("not a PNG image");
        }
        ByteBuffer b = ByteBuffer.wrap(png).order(ByteOrder.BIG_ENDIAN);
        return new int[] {b.getInt(16), b.getInt(20)};
    }

    /** A protocol-buffer message written field by field (wire types 0, 1, 2 and 5). */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long v) {
            key(field, 0);
            writeVarint(v);
            return this;
        }

        Proto fixed64(int field, double v) {
            key(field, 1);
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(v).array());
            return this;
        }

        Proto fixed32(int field, float v) {
            key(field, 5);
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
            return this;
        }

        Proto bytes(int field, byte[] v) {
            key(field, 2);
            writeVarint(v.length);
            out.writeBytes(v);
            return this;
        }

        byte[] toBytes() {
            return out.toByteArray();
        }

        private void key(int field, int wireType) {
            writeVarint(((long) field << 3) | wireType);
        }

        private void writeVarint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
