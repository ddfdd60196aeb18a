package org.latentcl.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CSV files of numbers: one example per row, comma-separated, an optional header row (a first row
 * with any non-numeric field). Every row must have the same number of values. Values are used as given.
 */
public final class Csv {
    private Csv() {
    }

    /**
     * Reads a CSV file of numbers.
     *
     * @param file the file
     * @return its rows, named after the file
     * @throws DataException naming the file, the line and what is wrong (ragged rows, text that is not a number, no rows)
     */
    public static Dataset read(Path file) {
        return read(file, null);
    }

    /**
     * A CSV file whose column {@code labelColumn} (named in the header row) holds each row's class,
     * a whole number of 0 or more; the other columns are the features.
     *
     * @param file        the file
     * @param labelColumn the header name of the label column, or null for no labels
     * @return the rows, labelled
     * @throws DataException naming the file and the fault (no header, no such column, a label that is not a class)
     */
    public static Dataset read(Path file, String labelColumn) {
        String name = file.toString();
        List<float[]> rows = new ArrayList<>();
        String[] header = null;
        int cols = -1;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split(",", -1);
                float[] v = new float[fields.length];
                boolean numeric = true;
                for (int i = 0; i < fields.length && numeric; i++) {
                    try {
                        v[i] = Float.parseFloat(fields[i].trim());
                    } catch (NumberFormatException e) {
                        numeric = false;
                        if (!(rows.isEmpty() && cols == -1)) {
                            throw new DataException(name + ": line " + lineNo + ", field " + (i + 1) + ": '" + fields[i].trim()
                                    + "' is not a number");
                        }
                    }
                }
                if (!numeric) {
                    cols = fields.length; // a header row: fixes the width
                    header = fields;
                    continue;
                }
                if (cols != -1 && fields.length != cols) {
                    throw new DataException(name + ": line " + lineNo + " has " + fields.length + " values, expected " + cols
                            + " (rows must all be the same length)");
                }
                cols = fields.length;
                rows.add(v);
            }
        } catch (NoSuchFileException e) {
            throw new DataException(name + ": no such file");
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DataException(name + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (rows.isEmpty()) {
            throw new DataException(name + ": no data rows");
        }
        if (labelColumn != null) {
            return labelled(file, rows, cols, header, labelColumn);
        }
        float[] values = new float[rows.size() * cols];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, values, i * cols, cols);
        }
        return Dataset.ofRows(file.getFileName().toString(), values, rows.size(), cols);
    }

    /** The rows without their label column, labelled by it. */
    private static Dataset labelled(Path file, List<float[]> rows, int cols, String[] header, String labelColumn) {
        String name = file.toString();
        if (header == null) {
            throw new DataException(name + ": --label-column " + labelColumn + " needs a header row naming the columns");
        }
        int at = -1;
        for (int i = 0; i < header.length; i++) {
            if (header[i].trim().equals(labelColumn)) {
                at = i;
            }
        }
        if (at < 0) {
            throw new DataException(name + ": no column named '" + labelColumn + "' (the header has " + String.join(",", header).trim() + ")");
        }
        if (cols < 2) {
            throw new DataException(name + ": the label column is the only column; there are no features");
        }
        float[] values = new float[rows.size() * (cols - 1)];
        int[] labels = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            float[] row = rows.get(r);
            float v = row[at];
            if (!(v >= 0) || v != Math.rint(v)) {
                throw new DataException(name + ": row " + (r + 1) + " has label " + v + " in column " + labelColumn
                        + "; labels are classes 0, 1, 2, ...");
            }
            labels[r] = (int) v;
            int k = 0;
            for (int c = 0; c < cols; c++) {
                if (c != at) {
                    values[r * (cols - 1) + k++] = row[c];
                }
            }
        }
        return new Dataset(file.getFileName().toString(), values, rows.size(), cols - 1, labels, 0, 0);
    }
}
