package org.latentcl.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.latentcl.CheckpointInfo;
import org.latentcl.Checkpoints;
import org.latentcl.Device;
import org.latentcl.Devices;
import org.latentcl.Gan;
import org.latentcl.Model;
import org.latentcl.SampleQuality;
import org.latentcl.SampleScores;
import org.latentcl.Vae;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Datasets;
import org.latentcl.data.Npy;
import org.latentcl.io.Json;
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
            float[][] rows = s.toArray();
            try (Device d = Devices.get(device)) {
                scoreSamples(d, rows, split, data, result);
                quality(d, rows, split, result);
            }
        } else {
            CheckpointInfo info = Checkpoints.inspect(checkpoint);
            if (iwae > 0 && !info.model().equals("vae")) {
                throw new UsageException("--iwae applies to VAEs (it estimates -log p(x)); " + checkpoint + " is a " + info.model()
                        + " checkpoint, whose eval reports FID, KID, precision and recall");
            }
            String dataSpec = data != null ? data : info.data();
            DataSplit split = imageSize != null ? Datasets.load(dataSpec, imageSize) : ModelFiles.dataFor(info, dataSpec);
            if (info.features() != split.test().cols()) {
                throw new UsageException("data " + dataSpec + " has " + split.test().cols() + " features but the model's have " + info.features());
            }
            result.put("checkpoint", checkpoint.toString());
            if (temperature != 1f) {
                result.put("temperature", (double) temperature);
            }
            try (Device d = Devices.get(device); Model model = Checkpoints.load(checkpoint, d)) {
                if (model instanceof Vae vae) {
                    evalVae(d, vae, split, dataSpec, result);
                } else if (model instanceof Gan gan) {
                    int[] asked = gan.classes() > 0 ? evenClasses(n, gan.classes()) : null;
                    float[][] generated = gan.generate(n, asked, seed, temperature);
                    scoreSamples(d, generated, split, dataSpec, result);
                    quality(d, generated, split, result);
                    if (asked != null && metrics && canMeasure(split)) {
                        fidelity(d, generated, asked, split, result);
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

    private void evalVae(Device d, Vae vae, DataSplit split, String dataSpec, Map<String, Object> result) {
        Dataset test = split.test();
        int[] labels = null;
        if (vae.classes() > 0) {
            if (!test.hasLabels()) {
                throw new UsageException("the VAE is conditional, so its test loss needs each row's class, and " + test.name() + " has no labels");
            }
            labels = test.labels();
        }
        result.put("data", dataSpec);
        result.put("test_examples", test.rows());
        float[][] x = test.toArray();
        Vae.Evaluation elbo = vae.evaluate(x, labels, seed);
        result.put("test_loss", elbo.loss());
        result.put("recon", elbo.reconstruction());
        result.put("kl", elbo.kl());
        if (iwae > 0) {
            result.put("iwae_k", iwae);
            result.put("iwae_nll", vae.iwae(x, labels, iwae, seed));
        }
        result.put("device", d.name());
        if (metrics && canMeasure(split)) {
            int[] asked = vae.classes() > 0 ? evenClasses(n, vae.classes()) : null;
            float[][] samples = vae.sample(n, asked, seed, temperature);
            quality(d, samples, split, result);
            if (asked != null) {
                fidelity(d, samples, asked, split, result);
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
    private static void fidelity(Device d, float[][] x, int[] asked, DataSplit split, Map<String, Object> result) {
        SampleQuality.Fidelity f = SampleQuality.classFidelity(d, x, asked, split);
        result.put("class_fidelity", f.accuracy());
        result.put("class_fidelity_relative", f.relative());
        result.put("class_fidelity_per_class", f.perClass());
        result.put("fid_per_class", f.fidPerClass());
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

    private void quality(Device d, float[][] x, DataSplit split, Map<String, Object> result) {
        if (!metrics || !canMeasure(split)) {
            return;
        }
        int count = x.length;
        if (count <= SampleQuality.NEIGHBOURS) {
            throw new UsageException("the sample metrics need more than " + SampleQuality.NEIGHBOURS + " samples (precision and recall use "
                    + SampleQuality.NEIGHBOURS + " nearest neighbours), got " + count + "; give more, or --no-metrics");
        }
        PrintWriter err = spec.commandLine().getErr();
        if (split.test().rows() < MIN_FID_TEST_ROWS) {
            err.println(String.format(java.util.Locale.ROOT, "warning: FID and KID against %,d test examples are biased upward and noisy "
                    + "(measured on Fashion-MNIST: 500 test examples gave 6-7 more FID than all 10,000, 1,000 gave 2-3 more, standard "
                    + "deviation 3-5 and 3); compare runs scored on the same test set, and use %,d or more (docs/METRICS.md)",
                    split.test().rows(), MIN_FID_TEST_ROWS));
        }
        SampleQuality.Measured m = SampleQuality.measure(d, x, split, seed, line -> {
            err.println(line);
            err.flush();
        });
        result.put("classifier_accuracy", m.classifierAccuracy());
        result.put("metric_samples", count);
        fields(m.samples(), "", result);
        fields(m.floor(), "floor_", result);
    }

    /** The JSON fields of one set of sample metrics, each key after the prefix. */
    private static void fields(SampleQuality q, String prefix, Map<String, Object> result) {
        result.put(prefix + "fid", q.fid());
        result.put(prefix + "kid", q.kid());
        result.put(prefix + "kid_std", q.kidStd());
        result.put(prefix + "classifier_score", q.classifierScore());
        result.put(prefix + "classifier_score_std", q.classifierScoreStd());
        result.put(prefix + "precision", q.precision());
        result.put(prefix + "recall", q.recall());
        result.put(prefix + "classes_covered", q.classesCovered());
    }

    /** Parzen log-likelihood and, with labels, class coverage: the same scoring for every source of samples. */
    private static void scoreSamples(Device d, float[][] x, DataSplit split, String dataSpec, Map<String, Object> result) {
        result.put("data", dataSpec);
        result.put("samples", x.length);
        result.put("test_examples", split.test().rows());
        SampleScores.Parzen p = SampleScores.parzen(d, x, split);
        result.put("parzen_ll", p.logLikelihood());
        result.put("parzen_se", p.standardError());
        result.put("parzen_sigma", p.sigma());
        if (split.train().hasLabels()) {
            SampleScores.NearestClasses c = SampleScores.nearestClasses(d, x, split);
            Map<String, Object> nearest = new LinkedHashMap<>();
            nearest.put("histogram", java.util.Arrays.stream(c.histogram()).boxed().toList());
            nearest.put("covered", c.covered());
            nearest.put("classes", c.classes());
            nearest.put("kl_to_data", c.klToData());
            nearest.put("reference_examples", c.referenceExamples());
            result.put(NEAREST_CLASSES, nearest);
        }
        result.put("device", d.name());
    }
}
