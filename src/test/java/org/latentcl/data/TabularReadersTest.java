package org.latentcl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV data with and without a label column, and .npy label files of every supported dtype, with their refusals. */
class TabularReadersTest {
    @TempDir
    Path dir;

    private Path csv(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    private static String error(Runnable r) {
        DataException e = assertThrows(DataException.class, r::run);
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void csvRowsWithAHeaderAndBlankLines() throws IOException {
        Dataset d = Csv.read(csv("a.csv", "x,y,z\n1,2,3\n\n 4 , 5.5,-6\n"));
        assertEquals(2, d.rows());
        assertEquals(3, d.cols());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5.5f, -6}, d.values());
        assertFalse(d.hasLabels());
        assertEquals("a.csv", d.name());
        Dataset bare = Csv.read(csv("b.csv", "0.5\n1.5\n"));
        assertEquals(2, bare.rows());
        assertEquals(1, bare.cols());
    }

    @Test
    void csvRefusalsNameTheLineAndTheFault() throws IOException {
        assertTrue(error(() -> Csv.read(dir.resolve("none.csv"))).endsWith("none.csv: no such file"));
        Path ragged = csv("ragged.csv", "1,2\n3,4\n5\n");
        assertTrue(error(() -> Csv.read(ragged)).endsWith("ragged.csv: line 3 has 1 values, expected 2 (rows must all be the same length)"));
        Path text = csv("text.csv", "a,b\n1,2\n3,x\n");
        assertTrue(error(() -> Csv.read(text)).endsWith("text.csv: line 3, field 2: 'x' is not a number"));
        Path headerOnly = csv("header.csv", "a,b\n");
        assertTrue(error(() -> Csv.read(headerOnly)).endsWith("header.csv: no data rows"));
        Path wideHeader = csv("wide.csv", "a,b,c\n1,2\n");
        assertTrue(error(() -> Csv.read(wideHeader)).contains("line 2 has 2 values, expected 3"));
    }

    @Test
    void aCsvLabelColumnAnywhereLabelsTheRowsAndLeavesTheFeatures() throws IOException {
        Dataset d = Csv.read(csv("l.csv", "f1,class,f2\n0.1,2,0.2\n0.3,0,0.4\n0.5,1,0.6\n"), "class");
        assertEquals(3, d.rows());
        assertEquals(2, d.cols());
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, d.values());
        assertArrayEquals(new int[] {2, 0, 1}, d.labels());
        Dataset last = Csv.read(csv("last.csv", "a,y\n7,3\n"), "y");
        assertArrayEquals(new float[] {7}, last.values());
        assertArrayEquals(new int[] {3}, last.labels());
    }

    @Test
    void csvLabelRefusals() throws IOException {
        Path noHeader = csv("nh.csv", "1,2\n");
        assertTrue(error(() -> Csv.read(noHeader, "y")).endsWith("nh.csv: --label-column y needs a header row naming the columns"));
        Path other = csv("other.csv", "a,b\n1,2\n");
        assertTrue(error(() -> Csv.read(other, "y")).endsWith("other.csv: no column named 'y' (the header has a,b)"));
        Path only = csv("only.csv", "y\n1\n");
        assertTrue(error(() -> Csv.read(only, "y")).endsWith("only.csv: the label column is the only column; there are no features"));
        for (String bad : new String[] {"-1", "1.5", "NaN"}) {
            Path f = csv("bad" + bad + ".csv", "a,y\n1,0\n2," + bad + "\n");
            assertTrue(error(() -> Csv.read(f, "y")).contains(": row 2 has label " + Float.parseFloat(bad) + " in column y; labels are classes"),
                    bad);
        }
    }

    /** A .npy file of the given dtype and shape holding {@code values}, written as NumPy writes version 1 files. */
    private Path npy(String name, String descr, String shape, double[] values, int width) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        byte[] header = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer bb = ByteBuffer.allocate(10 + header.length + values.length * width).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length).put(header);
        for (double v : values) {
            switch (descr) {
                case "<i8" -> bb.putLong((long) v);
                case "<f8" -> bb.putDouble(v);
                case "<i4" -> bb.putInt((int) v);
                case "<f4" -> bb.putFloat((float) v);
                default -> bb.put((byte) v);
            }
        }
        Path f = dir.resolve(name);
        Files.write(f, bb.array());
        return f;
    }

    @Test
    void npyLabelsOfEveryDtypeAndBothShapes() throws IOException {
        double[] labels = {0, 3, 1, 200};
        String[][] kinds = {{"<i8", "8"}, {"<f8", "8"}, {"<i4", "4"}, {"<f4", "4"}, {"|u1", "1"}};
        for (String[] k : kinds) {
            Path f = npy("l" + k[1] + k[0].charAt(1) + ".npy", k[0], "(4,)", labels, Integer.parseInt(k[1]));
            assertArrayEquals(new int[] {0, 3, 1, 200}, Npy.readLabels(f), k[0]);
        }
        Path column = npy("col.npy", "<i4", "(4, 1)", labels, 4);
        assertArrayEquals(new int[] {0, 3, 1, 200}, Npy.readLabels(column));
        Path signed = npy("i1.npy", "|i1", "(2,)", new double[] {5, 120}, 1);
        assertArrayEquals(new int[] {5, 120}, Npy.readLabels(signed));
    }

    @Test
    void npyLabelRefusals() throws IOException {
        Path wide = npy("wide.npy", "<i4", "(2, 2)", new double[] {0, 1, 2, 3}, 4);
        assertTrue(error(() -> Npy.readLabels(wide)).endsWith("labels must have shape [N] or [N, 1], not [2, 2]"));
        Path empty = npy("empty.npy", "<i4", "(0,)", new double[0], 4);
        assertTrue(error(() -> Npy.readLabels(empty)).contains("labels must have shape [N] or [N, 1], not [0]"));
        Path negative = npy("neg.npy", "<i8", "(3,)", new double[] {0, -2, 1}, 8);
        assertTrue(error(() -> Npy.readLabels(negative)).endsWith("the label of row 1 is -2.0; labels are classes 0, 1, 2, ..."));
        Path fraction = npy("frac.npy", "<f4", "(2,)", new double[] {1, 0.5}, 4);
        assertTrue(error(() -> Npy.readLabels(fraction)).contains("the label of row 1 is 0.5"));
        Path signedNegative = npy("sneg.npy", "|i1", "(1,)", new double[] {-3}, 1);
        assertTrue(error(() -> Npy.readLabels(signedNegative)).contains("the label of row 0 is -3.0"));
        Path huge = npy("huge.npy", "<f8", "(1,)", new double[] {3e9}, 8);
        assertTrue(error(() -> Npy.readLabels(huge)).contains("the label of row 0 is 3.0E9"));
        Path dtype = npy("u2.npy", "<u2", "(1,)", new double[] {1}, 1);
        assertTrue(error(() -> Npy.readLabels(dtype)).contains("label dtype '<u2' is not supported"));
        Path short_ = npy("short.npy", "<i4", "(3,)", new double[] {1, 2}, 4);
        assertTrue(error(() -> Npy.readLabels(short_)).endsWith("shape [3] needs 12 bytes of data but the file has 8"));
    }

    /** NumPy's rule: magic, version, length and header together fill a multiple of 64 bytes; the values follow and read back. */
    @Test
    void encodedNpyHeadersAreAlignedAndReadBack() throws IOException {
        for (int cols : new int[] {1, 7, 33, 129, 1000}) {
            float[] v = new float[3 * cols];
            for (int i = 0; i < v.length; i++) {
                v[i] = i * 0.25f - 3;
            }
            byte[] bytes = Npy.encode(v, 3, cols);
            assertEquals(0, (bytes.length - v.length * 4) % 64, "header of [3, " + cols + "]");
            Path f = dir.resolve("e" + cols + ".npy");
            Files.write(f, bytes);
            Dataset d = Npy.read(f);
            assertEquals(3, d.rows());
            assertEquals(cols, d.cols());
            assertArrayEquals(v, d.values());
        }
        byte[] one = Npy.encode(new float[] {1, 2}, new int[] {2});
        assertTrue(new String(one, 10, 60, StandardCharsets.ISO_8859_1).contains("'shape': (2,)"), "a 1-D shape keeps its comma");
    }
}
