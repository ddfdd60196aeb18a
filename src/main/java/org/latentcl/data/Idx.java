package org.latentcl.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of MNIST and its relatives (LeCun et al.): two zero bytes, a type byte (0x08 for
 * unsigned bytes), the number of dimensions, each dimension as a big-endian 32-bit integer, then
 * the data. Files may be gzipped (recognized by their first bytes, not their name).
 */
public final class Idx {
    private static final int UBYTE = 0x08;

    private Idx() {
    }

    /**
     * An IDX array of unsigned bytes.
     *
     * @param dims the dimensions
     * @param data the bytes, row-major
     */
    public record Array(int[] dims, byte[] data) {
    }

    /**
     * Reads an IDX file, gzip-compressed or not.
     *
     * @param file the file
     * @return the array
     * @throws DataException naming the file and what is wrong with it
     */
    public static Array read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": no such file");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Reads one IDX array from a stream, gzip-compressed or not.
     *
     * @param raw  the stream
     * @param name used in error messages
     * @return the array
     * @throws DataException naming the source and what is wrong with it
     */
    public static Array read(InputStream raw, String name) {
        try {
            InputStream in = new BufferedInputStream(raw, 1 << 16);
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
            }
            byte[] head = in.readNBytes(4);
            if (head.length < 4) {
                throw new DataException(name + ": not an IDX file (shorter than its 4-byte magic number)");
            }
            if (head[0] != 0 || head[1] != 0) {
                throw new DataException(String.format("%s: not an IDX file (magic number starts 0x%02x%02x, expected 0x0000)",
                        name, head[0] & 0xff, head[1] & 0xff));
            }
            if ((head[2] & 0xff) != UBYTE) {
                throw new DataException(String.format("%s: IDX data type 0x%02x is not supported (only unsigned bytes, 0x08)",
                        name, head[2] & 0xff));
            }
            int ndim = head[3] & 0xff;
            if (ndim < 1 || ndim > 4) {
                throw new DataException(name + ": IDX file with " + ndim + " dimensions (expected 1 to 4)");
            }
            byte[] dimBytes = in.readNBytes(4 * ndim);
            if (dimBytes.length < 4 * ndim) {
                throw new DataException(name + ": truncated IDX header");
            }
            int[] dims = new int[ndim];
            long total = 1;
            for (int d = 0; d < ndim; d++) {
                dims[d] = ((dimBytes[4 * d] & 0xff) << 24) | ((dimBytes[4 * d + 1] & 0xff) << 16)
                        | ((dimBytes[4 * d + 2] & 0xff) << 8) | (dimBytes[4 * d + 3] & 0xff);
                if (dims[d] <= 0) {
                    throw new DataException(name + ": IDX dimension " + d + " is " + Integer.toUnsignedString(dims[d]) + " (must be positive)");
                }
                total *= dims[d];
            }
            if (total > Integer.MAX_VALUE - 8) {
                throw new DataException(name + ": IDX dimensions " + java.util.Arrays.toString(dims) + " are too large");
            }
            byte[] data = in.readNBytes((int) total);
            if (data.length < total) {
                throw new DataException(name + ": truncated: the header promises " + total + " values ("
                        + java.util.Arrays.toString(dims) + ") but the file holds " + data.length);
            }
            if (in.read() != -1) {
                throw new DataException(name + ": longer than its header says (" + java.util.Arrays.toString(dims)
                        + " = " + total + " values); the dimensions disagree with the length");
            }
            return new Array(dims, data);
        } catch (ZipException | EOFException e) {
            throw new DataException(name + ": corrupt or truncated gzip data (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DataException(name + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Unsigned bytes scaled to [0, 1]. */
    static float[] toUnitFloats(byte[] data) {
        float[] v = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            v[i] = (data[i] & 0xff) / 255f;
        }
        return v;
    }
}
