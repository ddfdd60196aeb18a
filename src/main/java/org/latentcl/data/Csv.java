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
        String name = file.toString();
        List<float[]> rows = new ArrayList<>();
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
        float[] values = new float[rows.size() * cols];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, values, i * cols, cols);
        }
        return Dataset.ofRows(file.getFileName().toString(), values, rows.size(), cols);
    }
}
