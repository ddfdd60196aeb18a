package org.latentcl.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.latentcl.backend.Backend;
import org.latentcl.backend.DeviceSelector;
import org.latentcl.backend.Tensor;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Datasets;
import org.latentcl.data.Npy;
import org.latentcl.io.Json;
import org.latentcl.io.Safetensors;
import org.latentcl.model.GanNetwork;
import org.latentcl.model.VaeNetwork;
import org.latentcl.nn.RandomStream;
import org.latentcl.train.GanCheckpoint;
import org.latentcl.train.GanEvaluation;
import org.latentcl.train.GanSampling;
import org.latentcl.train.VaeCheckpoint;
import org.latentcl.train.VaeEvaluation;
import org.latentcl.train.VaeSampling;
import org.latentcl.metrics.ClassFidelity;
import org.latentcl.metrics.FeatureClassifiers;
import org.latentcl.metrics.QualityReport;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eval}: test-set measures of a trained model, or of samples from any model, as one JSON object. */
@Command(name = "eval", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Measure a trained model on the test split and print one JSON object.",
            "VAE: the test -ELBO and, with --iwae K, the importance-weighted estimate of -log p(x), in nats per example.",
            "GAN (or --samples FILE.npy from any model): the Parzen-window log-likelihood of the test set and, for labelled data, "
                + "class coverage.",
            "Both, on labelled images: FID, KID, the classifier score, precision, recall and the classes covered, on the features "
                + "of LatentCL's classifier for the data (trained on first use and cached; see train classifier), with floor_* "
                + "the same for two halves of the real test data."})
final class EvalCommand implements Callable<Integer> {
    /** Rows per IWAE chunk when K is small (K samples of each of several examples). */
    private static final int IWAE_ROWS = 2048;
    /** Validation examples for choosing the Parzen width. */
    private static final int VALIDATION = 1000;
    /** Labelled training examples that give generated samples their nearest-neighbour class. */
    private static final int REFERENCE = 10_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", description = "A checkpoint.safetensors written by train.")
    Path checkpoint;

    @Option(names = "--samples", description = "Score these samples (.npy, [N, D] or [N, H, W]) instead of a checkpoint's.")
    Path samples;

    @Option(names = "--image-size", paramLabel = "N", description = "Resize the data's images to NxN as train did "
            + "(default: the checkpoint's image size when it is square).")
    Integer imageSize;

    @Option(names = "--data", description = "Data whose test split is used (default: the data the model was trained on).")
    String data;

    @Option(names = "--iwae", defaultValue = "0", description = "VAE: importance samples K for the IWAE estimate (0: none).")
    int iwae;

    @Option(names = "--n", defaultValue = "10000", description = "Samples to generate: the GAN's for the Parzen window, both models' for the metrics.")
    int n;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the evaluation noise.")
    long seed;

    @Option(names = "--temperature", defaultValue = "1", paramLabel = "T", description = "Draw the samples it scores at temperature T "
            + "(as sample --temperature): below 1 they are more typical of their class and vary less; 1 is the prior.")
    float temperature;

    @Option(names = "--metrics", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "FID, KID, classifier score, precision, recall and coverage, for labelled images (--no-metrics: skip them).")
    boolean metrics;

    @Option(names = "--device", defaultValue = "auto", description = "auto, java, cl:N or part of a device name.")
    String device;

    @Option(names = "--json", description = "Print one JSON object with every value (per-class ones included) instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        if ((checkpoint == null) == (samples == null)) {
            throw new UsageException("eval needs exactly one of --checkpoint FILE or --samples FILE.npy");
        }
        if (iwae < 0) {
            throw new UsageException("--iwae must be 0 (off) or a positive number of samples, got " + iwae);
        }
        Flags.positive("--n", n);
        Flags.positive("--temperature", temperature);
        Map<String, Object> result = new LinkedHashMap<>();
        if (samples != null) {
            if (temperature != 1f) {
                throw new UsageException("--temperature draws a model's samples; --samples are already drawn");
            }
            if (data == null) {
                throw new UsageException("--samples needs --data SPEC: the data to score the samples against");
            }
            if (iwae > 0) {
                throw new UsageException("--iwae needs a VAE checkpoint: it estimates a VAE's -log p(x); samples have no likelihood to estimate");
            }
            Dataset s = Npy.read(samples);
            DataSplit split = Datasets.load(data, imageSize == null ? 0 : imageSize);
            if (s.cols() != split.test().cols()) {
                throw new UsageException(samples + " has " + s.cols() + " features per sample but " + data + " has " + split.test().cols());
            }
            rangeWarning(s.values(), split.test().values());
            result.put("samples_from", samples.toString());
            try (Backend be = DeviceSelector.open(device)) {
                scoreSamples(be, s.values(), s.rows(), split, data, result);
                quality(be, s.values(), s.rows(), split, result);
            }
        } else {
            Safetensors.Contents c = Safetensors.read(checkpoint);
            String model = ModelFiles.model(c, checkpoint);
            if (iwae > 0 && !model.equals("vae")) {
                throw new UsageException("--iwae applies to VAEs (it estimates -log p(x)); " + checkpoint + " is a " + model
                        + " checkpoint, whose eval reports FID, KID, precision and recall");
            }
            String dataSpec = data != null ? data : c.metadata().getOrDefault("data", "default");
            int features = ModelFiles.features(c, checkpoint, model);
            DataSplit split = imageSize != null ? Datasets.load(dataSpec, imageSize) : ModelFiles.dataFor(c, dataSpec);
            if (features != split.test().cols()) {
                throw new UsageException("data " + dataSpec + " has " + split.test().cols() + " features but the model's have " + features);
            }
            result.put("checkpoint", checkpoint.toString());
            if (temperature != 1f) {
                result.put("temperature", (double) temperature);
            }
            try (Backend be = DeviceSelector.open(device)) {
                if (model.equals("vae")) {
                    evalVae(be, c, split, dataSpec, result);
                } else {
                    try (GanNetwork gan = GanCheckpoint.open(be, c, checkpoint, 256)) {
                        int classes = gan.config().classes();
                        int[] asked = classes > 0 ? evenClasses(n, classes) : null;
                        float[] generated = GanSampling.generate(gan, n, seed, asked, temperature);
                        scoreSamples(be, generated, n, split, dataSpec, result);
                        quality(be, generated, n, split, result);
                        if (asked != null && metrics && canMeasure(split)) {
                            fidelity(be, generated, asked, n, split, result);
                        }
                    }
                }
            }
        }
        // One class-coverage figure: the classifier's classes_covered where the sample metrics ran; the nearest neighbours'
        // histogram and KL stay beside it, their own count of covered classes only where there is no other.
        if (result.containsKey("classes_covered") && result.get(NEAREST_CLASSES) instanceof Map<?, ?> nearest) {
            nearest.remove("covered");
        }
        spec.commandLine().getOut().println(json ? Json.write(result) : EvalTable.render(result));
        return Main.EXIT_OK;
    }

    private void evalVae(Backend be, Safetensors.Contents c, DataSplit split, String dataSpec, Map<String, Object> result) {
        int maxBatch = iwae > 0 ? Math.max(iwae, IWAE_ROWS / iwae * iwae) : 1000;
        try (VaeNetwork vae = VaeCheckpoint.open(be, c, checkpoint, maxBatch)) {
            int classes = vae.config().classes();
            // A conditional VAE reads each test row with its one-hot class.
            Dataset rows = classes > 0 ? split.test().withOneHot(classes) : split.test();
            result.put("data", dataSpec);
            result.put("test_examples", split.test().rows());
            try (Tensor x = be.upload(rows.values(), rows.rows(), rows.cols())) {
                double[] elbo = VaeEvaluation.elbo(vae, x, new RandomStream(seed, 0));
                result.put("test_loss", elbo[0]);
                result.put("recon", elbo[1]);
                result.put("kl", elbo[2]);
                if (iwae > 0) {
                    result.put("iwae_k", iwae);
                    result.put("iwae_nll", VaeEvaluation.iwae(vae, x, iwae, new RandomStream(seed, 1L << 40)));
                }
            }
            result.put("device", be.name());
            if (metrics && canMeasure(split)) {
                int[] asked = classes > 0 ? evenClasses(n, classes) : null;
                float[] samples = VaeSampling.sample(vae, n, seed, asked, temperature);
                quality(be, samples, n, split, result);
                if (asked != null) {
                    fidelity(be, samples, asked, n, split, result);
                }
            }
        }
    }

    /** Class i % classes for draw i: every class as often as n allows. */
    private static int[] evenClasses(int n, int classes) {
        int[] asked = new int[n];
        for (int i = 0; i < n; i++) {
            asked[i] = i % classes;
        }
        return asked;
    }

    /**
     * A warning on stderr when the samples reach past the data's range by more than a tenth of it
     * (samples in 0-255 against data in [0, 1] would score as noise): every measure compares values.
     */
    private void rangeWarning(float[] samples, float[] data) {
        float[] s = range(samples);
        float[] d = range(data);
        float slack = 0.1f * Math.max(d[1] - d[0], Float.MIN_NORMAL);
        if (s[0] < d[0] - slack || s[1] > d[1] + slack) {
            spec.commandLine().getErr().println(String.format(java.util.Locale.ROOT, "warning: the samples lie in [%s, %s] but the data in [%s, %s]; "
                    + "scale them as the data are, or every measure compares unlike values", rounded(s[0]), rounded(s[1]), rounded(d[0]),
                    rounded(d[1])));
        }
    }

    /** Four significant digits, as a person reads a range. */
    private static String rounded(float v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static float[] range(float[] v) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        return new float[] {lo, hi};
    }

    /** A conditional model's class fidelity: LatentCL's classifier on samples drawn for each class, beside its accuracy on real data. */
    private void fidelity(Backend be, float[] x, int[] asked, int count, DataSplit split, Map<String, Object> result) {
        try (FeatureClassifiers.Trained classifier = FeatureClassifiers.forData(be, split, line -> { })) {
            ClassFidelity f = ClassFidelity.of(classifier.network(), x, asked, count, split.test());
            result.put("class_fidelity", f.accuracy());
            result.put("class_fidelity_relative", f.relative());
            result.put("class_fidelity_per_class", f.perClass());
            result.put("fid_per_class", f.fidPerClass());
        }
    }

    private static boolean canMeasure(DataSplit split) {
        return split.train().isImage() && split.train().hasLabels() && split.test().hasLabels() && split.test().rows() >= 8;
    }

    /**
     * The classifier-based metrics of the samples (in [0, 1]) and their floor, for labelled images;
     * nothing otherwise. The classifier's training log goes to stderr.
     */
    /** The JSON key of the samples' classes by their nearest labelled training examples (histogram, KL to the data's classes). */
    static final String NEAREST_CLASSES = "nearest_neighbour_classes";

    /**
     * The fewest test examples for an FID to trust: below it the FID of the same samples rises and scatters (docs/METRICS.md,
     * measured: 2,000 test examples gave +1.7 to +2.7 FID and a standard deviation of 1-3 over the full 10,000; 3,000, under 1).
     */
    static final int MIN_FID_TEST_ROWS = 2000;

    private void quality(Backend be, float[] x, int count, DataSplit split, Map<String, Object> result) {
        if (!metrics || !canMeasure(split)) {
            return;
        }
        if (count <= QualityReport.K) {
            throw new UsageException("the sample metrics need more than " + QualityReport.K + " samples (precision and recall use "
                    + QualityReport.K + " nearest neighbours), got " + count + "; give more, or --no-metrics");
        }
        PrintWriter err = spec.commandLine().getErr();
        if (split.test().rows() < MIN_FID_TEST_ROWS) {
            err.println(String.format(java.util.Locale.ROOT, "warning: FID and KID against %,d test examples are biased upward and noisy "
                    + "(measured on Fashion-MNIST: 500 test examples gave 6-7 more FID than all 10,000, 1,000 gave 2-3 more, standard "
                    + "deviation 3-5 and 3); compare runs scored on the same test set, and use %,d or more (docs/METRICS.md)",
                    split.test().rows(), MIN_FID_TEST_ROWS));
        }
        try (FeatureClassifiers.Trained classifier = FeatureClassifiers.forData(be, split, line -> {
            err.println(line);
            err.flush();
        })) {
            result.put("classifier_accuracy", classifier.testAccuracy());
            result.put("metric_samples", count);
            result.putAll(QualityReport.of(classifier.network(), x, count, split.test(), seed).fields(""));
            result.putAll(QualityReport.floor(classifier.network(), split.test(), seed).fields("floor_"));
        }
    }

    /** Parzen log-likelihood and, with labels, class coverage: the same scoring for every source of samples. */
    private static void scoreSamples(Backend be, float[] x, int count, DataSplit split, String dataSpec, Map<String, Object> result) {
        Dataset train = split.train();
        result.put("data", dataSpec);
        result.put("samples", count);
        result.put("test_examples", split.test().rows());
        GanEvaluation.Parzen p = GanEvaluation.parzen(be, x, count, train.head(Math.min(VALIDATION, train.rows())), split.test());
        result.put("parzen_ll", p.logLikelihood());
        result.put("parzen_se", p.standardError());
        result.put("parzen_sigma", p.sigma());
        if (train.hasLabels()) {
            result.put(NEAREST_CLASSES, GanEvaluation.classCoverage(be, x, count, train.head(Math.min(REFERENCE, train.rows()))));
        }
        result.put("device", be.name());
    }
}
