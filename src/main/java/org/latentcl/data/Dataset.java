package org.latentcl.data;

/**
 * An in-memory dataset: {@code rows} examples of {@code cols} float features, row-major, with
 * optional integer labels and an optional image shape (height x width, when the examples are
 * images).
 */
public final class Dataset {
    private final String name;
    private final float[] values;
    private final int rows;
    private final int cols;
    private final int[] labels;
    private final int height;
    private final int width;

    /**
     * @param labels one per row, or null
     * @param height image height, or 0 when the rows are not images
     * @param width  image width, or 0
     */
    public Dataset(String name, float[] values, int rows, int cols, int[] labels, int height, int width) {
        if (rows < 0 || cols < 1 || (long) rows * cols != values.length) {
            throw new IllegalArgumentException("dataset " + name + ": " + values.length + " values do not make " + rows + " rows of " + cols);
        }
        if (labels != null && labels.length != rows) {
            throw new IllegalArgumentException("dataset " + name + ": " + labels.length + " labels for " + rows + " rows");
        }
        if (height * width != 0 && height * width != cols) {
            throw new IllegalArgumentException("dataset " + name + ": image " + height + "x" + width + " is not " + cols + " values");
        }
        this.name = name;
        this.values = values;
        this.rows = rows;
        this.cols = cols;
        this.labels = labels;
        this.height = height;
        this.width = width;
    }

    /** A dataset of plain feature rows (not images) without labels. */
    public static Dataset ofRows(String name, float[] values, int rows, int cols) {
        return new Dataset(name, values, rows, cols, null, 0, 0);
    }

    public String name() {
        return name;
    }

    /** The values, row-major; shared, not copied. */
    public float[] values() {
        return values;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int[] labels() {
        return labels;
    }

    public boolean hasLabels() {
        return labels != null;
    }

    public boolean isImage() {
        return height > 0;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** True when every value lies in [0, 1] (so a Bernoulli decoder and sigmoid outputs fit). */
    public boolean inUnitInterval() {
        for (float v : values) {
            if (!(v >= 0f && v <= 1f)) {
                return false;
            }
        }
        return true;
    }

    /** The rows at the given indices, in that order, as a new dataset. */
    public Dataset select(String newName, int[] indices) {
        float[] v = new float[indices.length * cols];
        int[] l = labels == null ? null : new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(values, indices[i] * cols, v, i * cols, cols);
            if (l != null) {
                l[i] = labels[indices[i]];
            }
        }
        return new Dataset(newName, v, indices.length, cols, l, height, width);
    }

    /** The first n rows as a new dataset. */
    public Dataset head(int n) {
        int[] idx = new int[Math.min(n, rows)];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return select(name, idx);
    }

    @Override
    public String toString() {
        return name + " (" + rows + " x " + (isImage() ? height + "x" + width : String.valueOf(cols)) + ")";
    }
}
