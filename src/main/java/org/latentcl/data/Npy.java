package org.latentcl.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files (format versions 1 to 3): float32 ({@code <f4}) or uint8 ({@code |u1})
 * arrays of shape [N, D], [N, H, W], [N, C, H, W] or [N, H, W, C] (C of 1 or 3; images come out NCHW),
 * C order. uint8 values are scaled to [0, 1]; float values
 * are used as given. {@link #encode} makes float32 [N, D] files.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** A .npy file's parts: its bytes, dtype, shape and where the values start. */
    private record Parsed(String name, byte[] bytes, ByteBuffer bb, String descr, int[] shape, int dataStart) {
    }

    /** Reads a .npy file's header; every fault is a {@link DataException} naming the file. */
    private static Parsed parse(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        String name = file.toString();
        if (bytes.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new DataException(name + ": not a .npy file (missing the \\x93NUMPY magic)");
        }
        int major = bytes[6];
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new DataException(name + ": truncated .npy header (version " + major + " needs 12 bytes before its text)");
            }
            headerLen = bb.getInt(8);
            headerStart = 12;
        } else {
            throw new DataException(name + ": .npy format version " + major + " is not supported (1, 2 or 3)");
        }
        if (headerLen < 0 || headerStart + (long) headerLen > bytes.length) {
            throw new DataException(name + ": .npy header length " + headerLen + " runs past the end of the file");
        }
        String header = new String(bytes, headerStart, headerLen, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, name, "descr");
        if ("True".equals(group(FORTRAN, header, name, "fortran_order"))) {
            throw new DataException(name + ": Fortran-order arrays are not supported; save with np.ascontiguousarray");
        }
        String[] shapeParts = group(SHAPE, header, name, "shape").split(",");
        int[] shape = java.util.Arrays.stream(shapeParts).map(String::trim).filter(s -> !s.isEmpty())
                .mapToInt(s -> parseDim(s, name)).toArray();
        return new Parsed(name, bytes, bb, descr, shape, headerStart + headerLen);
    }

    /**
     * Reads a .npy file.
     *
     * @param file the file
     * @return its rows, named after the file (images for [N, H, W] arrays)
     * @throws DataException naming the file and what is wrong with it
     */
    public static Dataset read(Path file) {
        Parsed p = parse(file);
        String name = p.name();
        byte[] bytes = p.bytes();
        ByteBuffer bb = p.bb();
        String descr = p.descr();
        int[] shape = p.shape();
        if (shape.length < 2 || shape.length > 4) {
            throw new DataException(name + ": shape " + java.util.Arrays.toString(shape) + " is not supported (expected [N, D], [N, H, W], "
                    + "[N, H, W, C] or [N, C, H, W])");
        }
        // Four dimensions: channels first as PyTorch stores them, or last as numpy images are (C of 1, 3 or 4... here 1 or 3).
        boolean channelsFirst = shape.length == 4 && (shape[1] == 1 || shape[1] == 3);
        boolean channelsLast = shape.length == 4 && !channelsFirst && (shape[3] == 1 || shape[3] == 3);
        if (shape.length == 4 && !channelsFirst && !channelsLast) {
            throw new DataException(name + ": shape " + java.util.Arrays.toString(shape) + " has no channel dimension of 1 or 3 "
                    + "(expected [N, C, H, W] or [N, H, W, C] with C 1 or 3)");
        }
        long cols = 1;
        for (int d = 1; d < shape.length; d++) {
            cols *= shape[d];
        }
        long count = shape[0] * cols;
        if (count > Integer.MAX_VALUE - 8 || cols < 1 || shape[0] < 1) {
            throw new DataException(name + ": shape " + java.util.Arrays.toString(shape) + " is empty or too large");
        }
        int dataStart = p.dataStart();
        float[] values = new float[(int) count];
        switch (descr) {
            case "<f4" -> {
                expectBytes(name, bytes.length - dataStart, count * 4, shape);
                bb.position(dataStart);
                bb.asFloatBuffer().get(values);
            }
            case "|u1", "<u1", "u1" -> {
                expectBytes(name, bytes.length - dataStart, count, shape);
                for (int i = 0; i < count; i++) {
                    values[i] = (bytes[dataStart + i] & 0xff) / 255f;
                }
            }
            default -> throw new DataException(name + ": dtype '" + descr + "' is not supported (float32 '<f4' or uint8 '|u1')");
        }
        String dataName = file.getFileName().toString();
        if (shape.length == 4) {
            int c = channelsFirst ? shape[1] : shape[3];
            int h = channelsFirst ? shape[2] : shape[1];
            int w = channelsFirst ? shape[3] : shape[2];
            return new Dataset(dataName, channelsFirst ? values : toChannelsFirst(values, shape[0], h, w, c), shape[0], (int) cols, null,
                    c, h, w);
        }
        int h = shape.length == 3 ? shape[1] : 0;
        int w = shape.length == 3 ? shape[2] : 0;
        return new Dataset(dataName, values, shape[0], (int) cols, null, h, w);
    }

    /**
     * Class labels from a .npy file of shape [N] or [N, 1]: integers (int64, int32, int8 or uint8)
     * or floats holding whole numbers, each 0 or more.
     *
     * @param file the file
     * @return one label per row
     * @throws DataException naming the file and the fault (shape, dtype, a negative or fractional label)
     */
    public static int[] readLabels(Path file) {
        Parsed p = parse(file);
        String name = p.name();
        int[] shape = p.shape();
        if (shape.length < 1 || shape.length > 2 || (shape.length == 2 && shape[1] != 1) || shape[0] < 1) {
            throw new DataException(name + ": labels must have shape [N] or [N, 1], not " + java.util.Arrays.toString(shape));
        }
        int n = shape[0];
        int width = switch (p.descr()) {
            case "<i8", "<f8" -> 8;
            case "<i4", "<f4" -> 4;
            case "|u1", "<u1", "u1", "|i1", "<i1", "i1" -> 1;
            default -> throw new DataException(name + ": label dtype '" + p.descr() + "' is not supported (int64, int32, int8, uint8,"
                    + " float32 or float64)");
        };
        expectBytes(name, p.bytes().length - p.dataStart(), (long) n * width, shape);
        ByteBuffer bb = p.bb();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int at = p.dataStart() + i * width;
            double v = switch (p.descr()) {
                case "<i8" -> bb.getLong(at);
                case "<f8" -> bb.getDouble(at);
                case "<i4" -> bb.getInt(at);
                case "<f4" -> bb.getFloat(at);
                case "|i1", "<i1", "i1" -> p.bytes()[at];
                default -> p.bytes()[at] & 0xff;
            };
            if (!(v >= 0) || v != Math.rint(v) || v > Integer.MAX_VALUE) {
                throw new DataException(name + ": the label of row " + i + " is " + v + "; labels are classes 0, 1, 2, ...");
            }
            labels[i] = (int) v;
        }
        return labels;
    }

    /** NHWC values as NCHW: each image's channels become planes. */
    static float[] toChannelsFirst(float[] nhwc, int n, int h, int w, int c) {
        float[] out = new float[nhwc.length];
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int k = 0; k < c; k++) {
                        out[((b * c + k) * h + y) * w + x] = nhwc[((b * h + y) * w + x) * c + k];
                    }
                }
            }
        }
        return out;
    }

    private static void expectBytes(String name, long have, long need, int[] shape) {
        if (have != need) {
            throw new DataException(name + ": shape " + java.util.Arrays.toString(shape) + " needs " + need
                    + " bytes of data but the file has " + have);
        }
    }

    private static int parseDim(String s, String name) {
        try {
            int v = Integer.parseInt(s.replace("L", ""));
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new DataException(name + ": bad dimension '" + s + "' in the .npy header");
        }
    }

    private static String group(Pattern p, String header, String name, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new DataException(name + ": .npy header has no '" + key + "' entry: " + header.trim());
        }
        return m.group(1);
    }

    /**
     * The bytes of a float32 .npy file holding a rows x cols array.
     *
     * @param values rows x cols values, row-major
     * @param rows   the first dimension
     * @param cols   the second dimension
     * @return the file's bytes, header included
     */
    public static byte[] encode(float[] values, int rows, int cols) {
        return encode(values, new int[] {rows, cols});
    }

    /**
     * The bytes of a float32 .npy file holding an array of any shape, such as [N, C, H, W] images.
     *
     * @param values the values, row-major, as many as the shape holds
     * @param shape  the dimensions
     * @return the file's bytes, header included
     */
    public static byte[] encode(float[] values, int[] shape) {
        String dims = java.util.Arrays.stream(shape).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(", "));
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + (shape.length == 1 ? "," : "") + "), }";
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer bb = ByteBuffer.allocate(10 + header.length() + values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        bb.put(header.getBytes(StandardCharsets.ISO_8859_1));
        bb.asFloatBuffer().put(values);
        return bb.array();
    }
}
