package org.latentcl.metrics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.latentcl.backend.AdamConfig;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Elementwise;
import org.latentcl.backend.ops.SoftmaxCrossEntropy;
import org.latentcl.data.DataException;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Permutations;
import org.latentcl.io.Safetensors;
import org.latentcl.model.ClassifierNetwork;
import org.latentcl.model.ImageShape;
import org.latentcl.nn.Adam;
import org.latentcl.nn.ParamSpec;
import org.latentcl.opencl.BinaryCache;

/**
 * LatentCL's own classifier for a labelled image dataset ({@link ClassifierNetwork}): trained the
 * first time an evaluation needs it (Adam 1e-3, batch 128, about {@link #STEPS} steps) and cached in
 * {@code $LATENTCL_CACHE/classifiers} (else {@code ~/.cache/latentcl/classifiers}) under a hash of
 * the training data, so that every evaluation of that data uses the same feature extractor.
 */
public final class FeatureClassifiers {
    /** Optimizer steps the classifier's training aims for: small datasets get more epochs, up to {@link #MAX_EPOCHS}. */
    static final int STEPS = 6000;
    static final int MIN_EPOCHS = 12;
    static final int MAX_EPOCHS = 60;
    private static final int BATCH = 128;
    private static final long SEED = 0xC1A55L;
    /** The largest shift of the training augmentation, in pixels. */
    static final int SHIFT = 2;

    private FeatureClassifiers() {
    }

    /**
     * A trained classifier.
     *
     * @param network      the network on the backend (the caller closes it)
     * @param testAccuracy its accuracy on the data's test split
     * @param file         where it is cached (null when it could not be written)
     * @param fromCache    whether it was read from the cache
     */
    public record Trained(ClassifierNetwork network, double testAccuracy, Path file, boolean fromCache) implements AutoCloseable {
        @Override
        public void close() {
            network.close();
        }
    }

    /** The classifier for the data: from the cache when one was trained on the same data, else trained now and cached. */
    public static Trained forData(Backend be, DataSplit data, Consumer<String> log) {
        return forData(be, data, log, false);
    }

    /** A classifier for the data trained now, replacing any in the cache. */
    public static Trained retrain(Backend be, DataSplit data, Consumer<String> log) {
        return forData(be, data, log, true);
    }

    private static Trained forData(Backend be, DataSplit data, Consumer<String> log, boolean retrain) {
        Dataset train = checked(data.train());
        Path file = BinaryCache.cacheRoot().resolve("classifiers").resolve(key(train) + ".safetensors");
        if (!retrain && Files.isRegularFile(file)) {
            try {
                Safetensors.Contents c = Safetensors.read(file);
                ClassifierNetwork net = open(be, c, shape(train), classes(train));
                double accuracy = Double.parseDouble(c.metadata().get("test_accuracy"));
                log.accept(String.format(Locale.ROOT, "classifier for %s from %s (test accuracy %.2f%%)", train.name(), file, 100 * accuracy));
                return new Trained(net, accuracy, file, true);
            } catch (RuntimeException e) {
                log.accept("the cached classifier " + file + " is unreadable (" + e.getMessage() + "); training a new one");
            }
        }
        log.accept(String.format(Locale.ROOT, "no classifier for %s is cached yet: training one first (%d epochs on %,d images, once; "
                + "it is kept in %s for every later use)", train.name(), epochs(train.rows()), train.rows(), file.getParent()));
        Trained t = train(be, data, epochs(train.rows()), log);
        try {
            save(t.network(), file, train.name(), t.testAccuracy());
            return new Trained(t.network(), t.testAccuracy(), file, false);
        } catch (IOException | RuntimeException e) {
            log.accept("could not cache the classifier in " + file + " (" + e.getMessage() + "); it is used for this run only");
            return t;
        }
    }

    /** Trains a new classifier on the data's training split and measures it on the test split. */
    public static Trained train(Backend be, DataSplit data, int epochs, Consumer<String> log) {
        Dataset train = checked(data.train());
        Dataset test = checked(data.test());
        int classes = Math.max(classes(train), classes(test));
        ClassifierNetwork net = new ClassifierNetwork(be, shape(train), classes, BATCH);
        try {
            net.initialize(SEED);
            fit(net, train, epochs, log);
            double accuracy = accuracy(net, test);
            log.accept(String.format(Locale.ROOT, "classifier for %s: test accuracy %.2f%% after %d epochs", train.name(), 100 * accuracy,
                    epochs));
            return new Trained(net, accuracy, null, false);
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /**
     * Adam on shuffled batches, each image shifted by up to {@link #SHIFT} pixels in each direction
     * (zeros shifted in): the augmentation that lets a small network generalize from a few thousand
     * digits (Simard et al. 2003 use distortions of this kind).
     */
    private static void fit(ClassifierNetwork net, Dataset train, int epochs, Consumer<String> log) {
        Backend be = net.backend();
        int n = train.rows();
        int d = train.cols();
        float[] hostX = new float[BATCH * d];
        float[] hostY = new float[BATCH];
        try (Tensor bx = be.zeros(BATCH, d); Tensor by = be.zeros(BATCH, 1); Tensor stats = be.zeros(1, 1);
             Adam adam = new Adam(net.parameters(), new AdamConfig(1e-3f, 0.9f, 0.999f, 1e-8f, 0f))) {
            Random rnd = new Random(SEED);
            long total = (long) epochs * ((n + BATCH - 1) / BATCH);
            long done = 0;
            long began = System.nanoTime();
            for (int epoch = 1; epoch <= epochs; epoch++) {
                int[] perm = Permutations.shuffled(n, rnd);
                Elementwise.fill(be, stats, 0f);
                for (int start = 0; start < n; start += BATCH) {
                    int b = Math.min(BATCH, n - start);
                    for (int i = 0; i < b; i++) {
                        shifted(train, perm[start + i], rnd.nextInt(2 * SHIFT + 1) - SHIFT, rnd.nextInt(2 * SHIFT + 1) - SHIFT, hostX, i * d);
                        hostY[i] = train.labels()[perm[start + i]];
                    }
                    Tensor xb = bx.rowRange(0, b);
                    Tensor yb = by.rowRange(0, b);
                    // Full batches go up as they are; only the epoch's last, shorter one needs a trimmed copy.
                    be.write(xb, b == BATCH ? hostX : java.util.Arrays.copyOf(hostX, b * d));
                    be.write(yb, b == BATCH ? hostY : java.util.Arrays.copyOf(hostY, b));
                    net.gradients(xb, yb, stats, 0);
                    // The learning rate falls linearly to 0 over the run.
                    adam.step(1e-3f * (float) (1.0 - (double) done++ / total));
                }
                double loss = be.read(stats)[0] / n;
                long left = Math.round((System.nanoTime() - began) / 1e9 / epoch * (epochs - epoch));
                log.accept(String.format(Locale.ROOT, "classifier epoch %d/%d: training loss %.4f%s", epoch, epochs, loss,
                        epoch < epochs ? ", about " + duration(left) + " left" : ""));
            }
        }
    }

    /** Seconds as a person reads them: "59 s", "1 min 0 s". */
    static String duration(long seconds) {
        return seconds >= 60 ? seconds / 60 + " min " + seconds % 60 + " s" : seconds + " s";
    }

    /** Image {@code row} of the data moved by (dx, dy) pixels (right and down), zeros shifted in, into out at offset. */
    static void shifted(Dataset data, int row, int dx, int dy, float[] out, int offset) {
        int h = data.height();
        int w = data.width();
        float[] v = data.values();
        int base = row * data.cols();
        for (int c = 0; c < data.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int sy = y - dy;
                    int sx = x - dx;
                    out[offset + (c * h + y) * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? v[base + (c * h + sy) * w + sx] : 0f;
                }
            }
        }
    }

    /** The share of the dataset's rows whose most probable class is their label. */
    public static double accuracy(ClassifierNetwork net, Dataset data) {
        Extracted e = extract(net, data.values(), data.rows());
        int right = 0;
        for (int i = 0; i < data.rows(); i++) {
            if (e.predicted()[i] == data.labels()[i]) {
                right++;
            }
        }
        return right / (double) data.rows();
    }

    /**
     * What the classifier makes of n rows: features (n x {@link ClassifierNetwork#FEATURES}),
     * class probabilities (n x classes) and the most probable class of each row.
     *
     * @param features      the penultimate features, row-major
     * @param probabilities the softmax of the logits, row-major
     * @param predicted     the argmax class of each row
     */
    public record Extracted(float[] features, float[] probabilities, int[] predicted) {
    }

    /** The classifier's features, probabilities and predictions for n rows of x, in batches. */
    public static Extracted extract(ClassifierNetwork net, float[] x, int n) {
        Backend be = net.backend();
        int d = net.image().size();
        int classes = net.classes();
        float[] features = new float[n * ClassifierNetwork.FEATURES];
        float[] probs = new float[n * classes];
        try (Tensor in = be.zeros(net.maxBatch(), d); Tensor p = be.zeros(net.maxBatch(), classes)) {
            for (int start = 0; start < n; start += net.maxBatch()) {
                int b = Math.min(net.maxBatch(), n - start);
                Tensor xb = in.rowRange(0, b);
                be.write(xb, java.util.Arrays.copyOfRange(x, start * d, (start + b) * d));
                Tensor f = net.features(xb);
                System.arraycopy(be.read(f), 0, features, start * ClassifierNetwork.FEATURES, b * ClassifierNetwork.FEATURES);
                Tensor pb = p.rowRange(0, b);
                SoftmaxCrossEntropy.softmax(be, net.logits(f), pb);
                System.arraycopy(be.read(pb), 0, probs, start * classes, b * classes);
            }
        }
        int[] predicted = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (probs[i * classes + c] > probs[i * classes + best]) {
                    best = c;
                }
            }
            predicted[i] = best;
        }
        return new Extracted(features, probs, predicted);
    }

    /** Epochs for n training examples: about {@link #STEPS} steps of batch 128, within [MIN_EPOCHS, MAX_EPOCHS]. */
    static int epochs(int n) {
        int perEpoch = (n + BATCH - 1) / BATCH;
        return Math.max(MIN_EPOCHS, Math.min(MAX_EPOCHS, (STEPS + perEpoch - 1) / perEpoch));
    }

    private static Dataset checked(Dataset d) {
        if (!d.hasLabels() || !d.isImage()) {
            throw new DataException(d.name() + " has " + (d.isImage() ? "no labels" : "no image shape")
                    + "; the classifier-based metrics need labelled images");
        }
        return d;
    }

    private static ImageShape shape(Dataset d) {
        return new ImageShape(d.channels(), d.height(), d.width());
    }

    private static int classes(Dataset d) {
        int max = 0;
        for (int y : d.labels()) {
            max = Math.max(max, y);
        }
        return Math.max(2, max + 1);
    }

    /** A hash of the training data's shape, values and labels (and of the network's design), hex. */
    static String key(Dataset train) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(("classifier v2 " + shape(train) + " " + train.rows() + " " + epochs(train.rows())).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ByteBuffer buf = ByteBuffer.allocate(4 * 8192).order(ByteOrder.LITTLE_ENDIAN);
            float[] v = train.values();
            for (int i = 0; i < v.length; i += 8192) {
                buf.clear();
                buf.asFloatBuffer().put(v, i, Math.min(8192, v.length - i));
                sha.update(buf.array(), 0, 4 * Math.min(8192, v.length - i));
            }
            for (int y : train.labels()) {
                sha.update((byte) y);
                sha.update((byte) (y >> 8));
            }
            StringBuilder hex = new StringBuilder();
            for (byte b : sha.digest()) {
                hex.append(String.format("%02x", b));
            }
            return hex.substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void save(ClassifierNetwork net, Path file, String data, double accuracy) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("model", "classifier");
        meta.put("data", data);
        meta.put("classes", Integer.toString(net.classes()));
        meta.put("test_accuracy", Double.toString(accuracy));
        List<Safetensors.Entry> entries = new ArrayList<>();
        Map<String, float[]> values = net.parameters().toHost();
        for (ParamSpec s : net.parameters().specs().values()) {
            entries.add(new Safetensors.Entry(s.name(), s.shape(), values.get(s.name())));
        }
        Files.createDirectories(file.getParent());
        Safetensors.write(file, meta, entries);
    }

    private static ClassifierNetwork open(Backend be, Safetensors.Contents c, ImageShape shape, int classes) {
        int stored = Integer.parseInt(c.metadata().get("classes"));
        ClassifierNetwork net = new ClassifierNetwork(be, shape, Math.max(stored, classes), BATCH);
        try {
            Map<String, float[]> byName = new LinkedHashMap<>();
            c.tensors().forEach((name, e) -> byName.put(name, e.data()));
            net.parameters().load(byName);
            return net;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }
}
