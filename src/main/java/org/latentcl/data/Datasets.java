package org.latentcl.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Resolves {@code --data SPEC}:
 * <ul>
 *   <li>{@code default}: the 10,000 MNIST digits embedded in the jar (9,000 train, 1,000 test);</li>
 *   <li>{@code mnist}, {@code fashion-mnist}: the standard IDX files, looked up in
 *       {@code $LATENTCL_DATA/NAME}, {@code $LATENTCL_DATA}, {@code ~/.cache/latentcl/datasets/NAME}
 *       and {@code /usr/share/datasets/NAME};</li>
 *   <li>a directory holding {@code train-images-idx3-ubyte[.gz]} (and optionally {@code t10k-*}
 *       and labels), CIFAR-10's binary batches, or PNG and JPEG images ({@link ImageFolder});</li>
 *   <li>a {@code .npy} or {@code .csv} file.</li>
 * </ul>
 * Without a test split, a fixed 10% of the training data is held out for testing.
 */
public final class Datasets {
    /** Held-out fraction when the data has no test split. */
    public static final double HOLD_OUT = 0.10;
    private static final String TRAIN = "train";
    private static final String TEST = "t10k";

    private Datasets() {
    }

    /**
     * Loads a dataset by name or path: {@code default} (embedded MNIST digits), {@code mnist} or
     * {@code fashion-mnist} (IDX files in the usual places, such as
     * {@code /usr/share/datasets/fashion-mnist}), a directory of IDX files, or a {@code .npy} or
     * {@code .csv} file of rows. Data without a test split get a fixed 10% held out. A {@code .npy}
     * file takes its class labels from another ({@code x.npy#labels=y.npy}, one whole number per
     * row) and a CSV file from a column its header names ({@code t.csv#label-column=NAME}).
     *
     * @param spec the name or path; null means {@code default}
     * @return training and test data
     * @throws DataException naming the file and what is wrong with it
     */
    public static DataSplit load(String spec) {
        return load(spec, 0);
    }

    /**
     * Loads a dataset as {@link #load(String)} does, with its images resized (shorter side) and
     * centre-cropped to imageSize x imageSize, as torchvision's Resize + CenterCrop.
     *
     * @param spec      the name or path; null means {@code default}
     * @param imageSize the side to resize images to; 0 keeps them as they are
     * @return training and test data
     * @throws DataException naming the file and what is wrong with it, or when imageSize is given for data that are not images
     */
    public static DataSplit load(String spec, int imageSize) {
        if (imageSize < 0) {
            throw new DataException("--image-size must be positive, got " + imageSize);
        }
        DataSplit split = loadAsStored(spec, imageSize);
        if (imageSize == 0 || (split.train().height() == imageSize && split.train().width() == imageSize)) {
            return split;
        }
        if (!split.train().isImage()) {
            throw new DataException(split.train().name() + ": --image-size resizes images, but these are rows of " + split.train().cols()
                    + " features");
        }
        return new DataSplit(resized(split.train(), imageSize), resized(split.test(), imageSize), split.testSource());
    }

    /** A .npy file of examples with its labels from another .npy file, which must have one per row. */
    private static Dataset labelledNpy(String file, Path labelsFile) {
        if (!file.toLowerCase(Locale.ROOT).endsWith(".npy")) {
            throw new DataException("data '" + file + "': a labels file is for a .npy file of examples");
        }
        Dataset d = Npy.read(Path.of(file));
        int[] labels = Npy.readLabels(labelsFile);
        if (labels.length != d.rows()) {
            throw new DataException(labelsFile + ": " + labels.length + " labels for the " + d.rows() + " rows of " + file);
        }
        return new Dataset(d.name(), d.values(), d.rows(), d.cols(), labels, d.channels(), d.height(), d.width());
    }

    private static Dataset resized(Dataset d, int size) {
        int c = d.channels();
        int plane = c * size * size;
        float[] out = new float[d.rows() * plane];
        for (int i = 0; i < d.rows(); i++) {
            System.arraycopy(ImageResize.resizeAndCrop(d.row(i), c, d.height(), d.width(), size), 0, out, i * plane, plane);
        }
        return new Dataset(d.name(), out, d.rows(), plane, d.labels(), c, size, size);
    }

    /** The spec suffix that gives a .npy file's labels in another .npy file: {@code x.npy#labels=y.npy}. */
    public static final String LABELS = "#labels=";
    /** The spec suffix that names a CSV file's label column: {@code x.csv#label-column=NAME}. */
    public static final String LABEL_COLUMN = "#label-column=";

    private static DataSplit loadAsStored(String spec, int imageSize) {
        String s = spec == null ? "default" : spec.trim();
        int labels = s.lastIndexOf(LABELS);
        int column = s.lastIndexOf(LABEL_COLUMN);
        if (labels > 0) {
            return holdOut(labelledNpy(s.substring(0, labels), Path.of(s.substring(labels + LABELS.length()))));
        }
        if (column > 0) {
            String file = s.substring(0, column);
            if (!file.toLowerCase(Locale.ROOT).endsWith(".csv")) {
                throw new DataException("data '" + file + "': a label column is for a .csv file");
            }
            return holdOut(Csv.read(Path.of(file), s.substring(column + LABEL_COLUMN.length())));
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("default")) {
            return embeddedDefault();
        }
        if (lower.equals("shapes")) {
            return Shapes.load();
        }
        if (lower.equals("mnist") || lower.equals("fashion-mnist")) {
            return idxDirectory(findStandard(lower), lower);
        }
        Path path = Path.of(s);
        if (Files.isDirectory(path) && Cifar10.isCifarDirectory(path)) {
            return Cifar10.readDirectory(path);
        }
        if (Files.isDirectory(path) && !hasIdxFiles(path) && ImageFolder.isImageDirectory(path)) {
            return holdOut(ImageFolder.read(path, imageSize));
        }
        if (Files.isDirectory(path)) {
            return idxDirectory(path, path.getFileName() == null ? s : path.getFileName().toString());
        }
        if (!Files.exists(path)) {
            throw new DataException("data '" + s + "': no such file or directory (expected default, shapes, mnist, fashion-mnist, "
                    + "a directory of IDX files, of CIFAR-10 binary batches or of images (PNG or JPEG, one subdirectory per class), "
                    + "or a .npy or .csv file)");
        }
        if (lower.endsWith(".npy")) {
            return holdOut(Npy.read(path));
        }
        if (lower.endsWith(".csv")) {
            return holdOut(Csv.read(path));
        }
        throw new DataException("data '" + s + "': unknown file type (expected a .npy or .csv file, or a directory of IDX files)");
    }

    private static boolean hasIdxFiles(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(f -> f.getFileName().toString().startsWith(TRAIN + "-images"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * A dataset of the given rows, for data already in memory.
     *
     * @param name a name for logs and checkpoints
     * @param rows the examples, each with the same number of values
     * @return the dataset (the rows are copied)
     * @throws DataException when there are no rows or their lengths differ
     */
    public static Dataset of(String name, float[][] rows) {
        if (rows == null || rows.length == 0) {
            throw new DataException("dataset " + name + " has no rows");
        }
        int cols = rows[0] == null ? 0 : rows[0].length;
        float[] flat = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != cols || cols == 0) {
                throw new DataException("dataset " + name + ": row " + i + " has " + (rows[i] == null ? 0 : rows[i].length)
                        + " values, but row 0 has " + cols + " (every row needs the same number, at least 1)");
            }
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        return Dataset.ofRows(name, flat, rows.length, cols);
    }

    /**
     * A dataset from one flat row-major array.
     *
     * @param name   a name for logs and checkpoints
     * @param values rows x cols values (not copied)
     * @param rows   examples
     * @param cols   values per example
     * @return the dataset
     * @throws IllegalArgumentException when the length is not rows x cols
     */
    public static Dataset of(String name, float[] values, int rows, int cols) {
        return Dataset.ofRows(name, values, rows, cols);
    }

    /**
     * A dataset of grey images from one flat array, so that training writes pictures of them.
     *
     * @param name   a name for logs and checkpoints
     * @param values n x height x width values in [0, 1], row-major (not copied)
     * @param n      images
     * @param height image height
     * @param width  image width
     * @return the dataset
     * @throws IllegalArgumentException when the length is not n x height x width
     */
    public static Dataset images(String name, float[] values, int n, int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("dataset " + name + ": image sizes must be positive, got " + height + "x" + width);
        }
        return new Dataset(name, values, n, height * width, null, height, width);
    }

    /**
     * The embedded default dataset: 9,000 training and 1,000 test MNIST digits (28 x 28, with
     * labels), so that examples and tests need no download.
     *
     * @return the split
     */
    public static DataSplit embeddedDefault() {
        Dataset train = images("default", TRAIN, resource(TRAIN + "-images-idx3-ubyte.gz"), resource(TRAIN + "-labels-idx1-ubyte.gz"));
        Dataset test = images("default", TEST, resource(TEST + "-images-idx3-ubyte.gz"), resource(TEST + "-labels-idx1-ubyte.gz"));
        return new DataSplit(train, test, "embedded test split");
    }

    private static Idx.Array resource(String file) {
        String path = "/datasets/default/" + file;
        try (InputStream in = Datasets.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new DataException("the embedded default dataset is missing " + path + " (is the jar complete?)");
            }
            return Idx.read(in, "embedded " + file);
        } catch (IOException e) {
            throw new DataException("cannot read embedded " + file + ": " + e.getMessage(), e);
        }
    }

    private static Path findStandard(String name) {
        List<Path> places = new ArrayList<>();
        String env = System.getenv("LATENTCL_DATA");
        if (env != null && !env.isBlank()) {
            places.add(Path.of(env, name));
            places.add(Path.of(env));
        }
        places.add(Path.of(System.getProperty("user.home"), ".cache", "latentcl", "datasets", name));
        places.add(Path.of("/usr/share/datasets", name));
        for (Path p : places) {
            if (find(p, TRAIN + "-images-idx3-ubyte") != null) {
                return p;
            }
        }
        throw new DataException(name + " not found: put train-images-idx3-ubyte.gz and t10k-images-idx3-ubyte.gz (and the "
                + "labels) in " + places.get(places.size() - 2) + " or set LATENTCL_DATA; looked in " + places
                + (name.equals("fashion-mnist") ? "; on Debian: apt-get install dataset-fashion-mnist" : ""));
    }

    private static DataSplit idxDirectory(Path dir, String name) {
        Path trainImages = find(dir, TRAIN + "-images-idx3-ubyte");
        if (trainImages == null) {
            throw new DataException("data directory " + dir + " has no train-images-idx3-ubyte[.gz] (the IDX files of MNIST-like data)");
        }
        Dataset train = images(name, TRAIN, Idx.read(trainImages), labels(dir, TRAIN));
        Path testImages = find(dir, TEST + "-images-idx3-ubyte");
        if (testImages == null) {
            return holdOut(train);
        }
        return new DataSplit(train, images(name, TEST, Idx.read(testImages), labels(dir, TEST)), "t10k files");
    }

    private static Idx.Array labels(Path dir, String part) {
        Path p = find(dir, part + "-labels-idx1-ubyte");
        return p == null ? null : Idx.read(p);
    }

    private static Path find(Path dir, String base) {
        for (String candidate : new String[] {base, base + ".gz"}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static Dataset images(String name, String part, Idx.Array images, Idx.Array labels) {
        int[] d = images.dims();
        if (d.length != 3) {
            throw new DataException(name + " " + part + " images: expected 3 IDX dimensions [N, H, W], got " + java.util.Arrays.toString(d));
        }
        int[] l = null;
        if (labels != null) {
            if (labels.dims().length != 1 || labels.dims()[0] != d[0]) {
                throw new DataException(name + " " + part + " labels: " + java.util.Arrays.toString(labels.dims())
                        + " do not match " + d[0] + " images");
            }
            l = new int[d[0]];
            for (int i = 0; i < l.length; i++) {
                l[i] = labels.data()[i] & 0xff;
            }
        }
        return new Dataset(name + "/" + part, Idx.toUnitFloats(images.data()), d[0], d[1] * d[2], l, d[1], d[2]);
    }

    /**
     * Splits off a fixed 10% (a shuffle with a fixed seed) as the test set.
     *
     * @param all the examples, at least 2
     * @return training and held-out test data
     * @throws DataException for fewer than 2 rows
     */
    public static DataSplit holdOut(Dataset all) {
        if (all.rows() < 2) {
            throw new DataException(all.name() + ": " + all.rows() + " row(s) is too few to hold out a test set");
        }
        int[] perm = Permutations.shuffled(all.rows(), new Random(0x5EED));
        int test = Math.max(1, (int) Math.round(all.rows() * HOLD_OUT));
        // IDX training files without t10k ones are already named ".../train": not ".../train/train".
        String base = all.name().endsWith("/" + TRAIN) ? all.name().substring(0, all.name().length() - TRAIN.length() - 1) : all.name();
        return new DataSplit(all.select(base + "/train", java.util.Arrays.copyOfRange(perm, test, perm.length)),
                all.select(base + "/held-out", java.util.Arrays.copyOfRange(perm, 0, test)), "held-out 10%");
    }
}
