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
    private final int channels;
    private final int height;
    private final int width;

    /**
     * A dataset over the given values (not copied).
     *
     * @param name   a name for logs and checkpoints
     * @param values rows x cols values, row-major
     * @param rows   examples
     * @param cols   values per example
     * @param labels one per row, or null
     * @param height image height, or 0 when the rows are not images
     * @param width  image width, or 0
     * @throws IllegalArgumentException when the sizes disagree
     */
    public Dataset(String name, float[] values, int rows, int cols, int[] labels, int height, int width) {
        this(name, values, rows, cols, labels, height * width == 0 ? 0 : 1, height, width);
    }

    /**
     * A dataset of images with {@code channels} planes of height x width values each (NCHW: a row
     * holds channel 0's plane, then channel 1's, ...): 1 for grey, 3 for RGB. With height and width
     * 0 and channels 0, rows are plain feature vectors.
     *
     * @param name     a name for logs and checkpoints
     * @param values   rows x cols values, row-major
     * @param rows     examples
     * @param cols     values per example (channels x height x width for images)
     * @param labels   one class per example, or null
     * @param channels colour channels of an image (0 for non-images)
     * @param height   image height (0 for non-images)
     * @param width    image width (0 for non-images)
     */
    public Dataset(String name, float[] values, int rows, int cols, int[] labels, int channels, int height, int width) {
        if (rows < 0 || cols < 1 || (long) rows * cols != values.length) {
            throw new IllegalArgumentException("dataset " + name + ": " + values.length + " values do not make " + rows + " rows of " + cols);
        }
        if (labels != null && labels.length != rows) {
            throw new IllegalArgumentException("dataset " + name + ": " + labels.length + " labels for " + rows + " rows");
        }
        if (height * width != 0 && (channels < 1 || (long) channels * height * width != cols)) {
            throw new IllegalArgumentException("dataset " + name + ": image " + channels + "x" + height + "x" + width + " is not " + cols
                    + " values");
        }
        this.name = name;
        this.values = values;
        this.rows = rows;
        this.cols = cols;
        this.labels = labels;
        this.channels = height * width == 0 ? 0 : channels;
        this.height = height;
        this.width = width;
    }

    /**
     * A dataset of plain feature rows (not images) without labels.
     *
     * @param name   a name for logs and checkpoints
     * @param values rows x cols values, row-major (not copied)
     * @param rows   examples
     * @param cols   values per example
     * @return the dataset
     */
    public static Dataset ofRows(String name, float[] values, int rows, int cols) {
        return new Dataset(name, values, rows, cols, null, 0, 0);
    }

    /**
     * The name, for logs and checkpoints.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The values, row-major; shared, not copied.
     *
     * @return rows() x cols() values
     */
    public float[] values() {
        return values;
    }

    /**
     * Examples.
     *
     * @return the number of rows
     */
    public int rows() {
        return rows;
    }

    /**
     * Values per example.
     *
     * @return the number of columns
     */
    public int cols() {
        return cols;
    }

    /**
     * Class labels, one per row (shared, not copied).
     *
     * @return the labels, or null when there are none
     */
    public int[] labels() {
        return labels;
    }

    /**
     * Whether the rows have labels.
     *
     * @return true with labels
     */
    public boolean hasLabels() {
        return labels != null;
    }

    /**
     * Whether the rows are images of height() x width() pixels.
     *
     * @return true for images
     */
    public boolean isImage() {
        return height > 0;
    }

    /**
     * Colour channels of an image: 1 for grey, 3 for RGB; 0 when the rows are not images.
     *
     * @return the channels
     */
    public int channels() {
        return channels;
    }

    /**
     * Image height.
     *
     * @return pixels, or 0 when the rows are not images
     */
    public int height() {
        return height;
    }

    /**
     * Image width.
     *
     * @return pixels, or 0 when the rows are not images
     */
    public int width() {
        return width;
    }

    /**
     * Whether every value lies in [0, 1], so that a Bernoulli decoder and sigmoid outputs fit.
     *
     * @return true when all values are in [0, 1]
     */
    public boolean inUnitInterval() {
        for (float v : values) {
            if (!(v >= 0f && v <= 1f)) {
                return false;
            }
        }
        return true;
    }

    /**
     * How many classes the labels name: one more than the largest label, as PyTorch's
     * {@code num_classes} would be.
     *
     * @return the number of classes, 0 without labels
     */
    public int classes() {
        if (labels == null) {
            return 0;
        }
        int max = -1;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        return max + 1;
    }

    /**
     * Every row followed by its one-hot class: what a class-conditional model reads, so that a
     * label can never part from its row in a shuffle, a split or a shard. The result is plain rows
     * of cols() + classes values (no image shape), with the same labels.
     *
     * @param classes the number of classes; every label must be in [0, classes)
     * @return the new dataset (copied)
     * @throws IllegalArgumentException when there are no labels or a label is out of range
     */
    public Dataset withOneHot(int classes) {
        if (labels == null) {
            throw new IllegalArgumentException(name + " has no labels, which a conditional model needs");
        }
        int width = cols + classes;
        float[] out = new float[rows * width];
        for (int r = 0; r < rows; r++) {
            if (labels[r] < 0 || labels[r] >= classes) {
                throw new IllegalArgumentException(name + ": the label of row " + r + " is " + labels[r] + ", outside the " + classes
                        + " classes 0.." + (classes - 1));
            }
            System.arraycopy(values, r * cols, out, r * width, cols);
            out[r * width + cols + labels[r]] = 1f;
        }
        return new Dataset(name, out, rows, width, labels, 0, 0, 0);
    }

    /**
     * The rows at the given indices, in that order, as a new dataset (copied).
     *
     * @param newName the new dataset's name
     * @param indices rows to take
     * @return the selection, with its labels and image shape
     */
    public Dataset select(String newName, int[] indices) {
        float[] v = new float[indices.length * cols];
        int[] l = labels == null ? null : new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(values, indices[i] * cols, v, i * cols, cols);
            if (l != null) {
                l[i] = labels[indices[i]];
            }
        }
        return new Dataset(newName, v, indices.length, cols, l, channels, height, width);
    }

    /**
     * The same examples, labels and image shape with other values (such as the data rescaled).
     *
     * @param newValues rows x cols values (not copied)
     * @return the new dataset
     */
    public Dataset withValues(float[] newValues) {
        return new Dataset(name, newValues, rows, cols, labels, channels, height, width);
    }

    /**
     * The first n rows as a new dataset (copied).
     *
     * @param n rows to take; all of them when there are fewer
     * @return the selection
     */
    public Dataset head(int n) {
        int[] idx = new int[Math.min(n, rows)];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return select(name, idx);
    }

    /**
     * One example.
     *
     * @param i the row, from 0
     * @return a copy of its values
     */
    public float[] row(int i) {
        if (i < 0 || i >= rows) {
            throw new IndexOutOfBoundsException("row " + i + " of " + name + ", which has " + rows);
        }
        return java.util.Arrays.copyOfRange(values, i * cols, (i + 1) * cols);
    }

    /**
     * Every example as its own array, for the API's methods that take rows.
     *
     * @return rows() arrays of cols() values (copies)
     */
    public float[][] toArray() {
        float[][] out = new float[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = row(i);
        }
        return out;
    }

    @Override
    public String toString() {
        return name + " (" + rows + " x " + (isImage() ? (channels > 1 ? channels + "x" : "") + height + "x" + width : String.valueOf(cols)) + ")";
    }
}
