package org.latentcl.train;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentcl.backend.AdamConfig;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Elementwise;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.io.Charts;
import org.latentcl.io.Images;
import org.latentcl.metrics.FeatureClassifiers;
import org.latentcl.metrics.SampleMetrics;
import org.latentcl.model.ClassifierNetwork;
import org.latentcl.model.GanConfig;
import org.latentcl.model.GanNetwork;
import org.latentcl.nn.Adam;
import org.latentcl.nn.RandomStream;

/**
 * A GAN training run (Algorithm 1 of Goodfellow et al.): each discriminator step takes a fresh
 * batch of data and of noise; after every k of them, one generator step on the last step's
 * noise. An epoch is one pass of the discriminator over the training set. Writes metrics.jsonl
 * (with failure-mode warnings), checkpoint.safetensors, samples.png from fixed noise (and
 * samples-epoch-N.png), loss.png, and for 2-D data scatter.png.
 */
public final class GanTraining {
    private static final long PICTURE_KEY = 0x5EED_B1C7L;
    private static final int DIVERSITY_SAMPLES = 256;

    /**
     * How to train.
     *
     * @param epochs epochs (discriminator passes over the data)
     * @param batch  examples per step
     * @param lr     Adam learning rate of both networks
     * @param beta1  Adam's beta1 of both networks (0.5, as DCGAN and the reference use)
     * @param k      discriminator steps per generator step
     * @param seed   seeds initialization, shuffling and noise
     * @param out    the run directory
     * @param data   the data specification, recorded in the checkpoint
     * @param profile record every kernel (or Java operation) and write profile.txt and trace.json
     * @param dLr     the discriminator's Adam learning rate (the two time-scale update rule of Heusel et al. 2017 when it
     *                differs from lr)
     * @param realLabel the BCE target of real data (1; 0.9 is one-sided label smoothing)
     * @param instanceNoise the standard deviation of instance noise at the start, annealed linearly to 0 at the last step
     * @param evalEvery measure the FID of {@link #FID_SAMPLES} samples against the test data every this many epochs (and
     *                  after the last); 0 never
     * @param lrDecay   both learning rates fall linearly to 0 over the run
     */
    public record Options(int epochs, int batch, float lr, float beta1, int k, long seed, Path out, String data, boolean profile,
                          float dLr, float realLabel, float instanceNoise, int evalEvery, boolean lrDecay) {
    }

    /** Samples whose FID against the test data {@code evalEvery} measures during training. */
    public static final int FID_SAMPLES = 2000;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GanTraining.class);

    private GanTraining() {
    }

    /**
     * Trains an existing GAN from its parameters as they are, with fresh optimizers. With
     * {@code opt.out()} null nothing is written: a stop request then ends the run and returns the
     * epochs done.
     */
    public static List<GanEpochStats> train(GanNetwork gan, DataSplit data, Options opt, RunListener listener) throws IOException {
        if (gan.maxBatch() < opt.batch()) {
            throw new IllegalArgumentException("batch " + opt.batch() + " exceeds the GAN's maximum batch " + gan.maxBatch());
        }
        if (opt.out() == null && opt.profile()) {
            throw new IllegalArgumentException("profiling needs a run directory");
        }
        try (Run run = new Run(gan, data, opt, listener)) {
            return run.epochs();
        }
    }

    /** One run: the data on the device, both optimizers, the statistics, the noise stream and the diversity baseline. */
    private static final class Run implements AutoCloseable {
        private final GanNetwork gan;
        private final Backend be;
        private final Dataset train;
        private final Options opt;
        private final RunListener listener;
        private final boolean files;
        private final EpochBatches batches;
        private final Adam adamD;
        private final Adam adamG;
        private final Tensor stats;
        private final RandomStream rng;
        private final int nDiv;
        private final double dataDiversity;
        private final List<GanEpochStats> history = new ArrayList<>();
        private final List<Double> gLosses = new ArrayList<>();
        private final Dataset test;
        private final FeatureClassifiers.Trained classifier;
        private float[] testFeatures;

        Run(GanNetwork gan, DataSplit split, Options opt, RunListener listener) {
            this.gan = gan;
            this.be = gan.backend();
            this.train = split.train();
            this.test = split.test();
            Dataset train = split.train();
            this.opt = opt;
            this.listener = listener;
            this.files = opt.out() != null;
            this.rng = new RandomStream(opt.seed(), 0);
            this.nDiv = Math.min(DIVERSITY_SAMPLES, train.rows());
            this.dataDiversity = GanWarnings.meanPairwiseDistance(train.values(), nDiv, train.cols());
            AdamConfig adamGen = new AdamConfig(opt.lr(), opt.beta1(), 0.999f, 1e-8f, 0f);
            AdamConfig adamDisc = new AdamConfig(opt.dLr(), opt.beta1(), 0.999f, 1e-8f, 0f);
            List<AutoCloseable> made = new ArrayList<>();
            try {
                // A DCGAN trains on data scaled to its tanh's [-1, 1]; the samples it shows come back in [0, 1].
                Dataset scaled = gan.config().tanhOutput() ? train.withValues(GanSampling.toTanhRange(train.values())) : train;
                this.batches = made(made, new EpochBatches(be, scaled, gan.config().data(), opt.batch(), "GAN"));
                this.adamD = made(made, new Adam(gan.discriminatorParameters(), adamDisc));
                this.adamG = made(made, new Adam(gan.generatorParameters(), adamGen));
                this.stats = be.zeros(1, 4);
                this.classifier = opt.evalEvery() > 0 ? made(made, FeatureClassifiers.forData(be, split, LOG::info)) : null;
            } catch (RuntimeException e) {
                // What was allocated before the failure goes back to the device.
                for (AutoCloseable c : made) {
                    try {
                        c.close();
                    } catch (Exception suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                throw e;
            }
        }

        private static <T extends AutoCloseable> T made(List<AutoCloseable> made, T thing) {
            made.add(thing);
            return thing;
        }

        /** Every epoch, then the profile; returns the metrics of all epochs. */
        List<GanEpochStats> epochs() throws IOException {
            if (files) {
                Files.createDirectories(opt.out());
                // A fresh run into a directory that held another (--force): its metrics start anew.
                Files.deleteIfExists(opt.out().resolve(VaeTraining.METRICS));
            }
            RunProfile.epochs("gan", be, opt.profile(), 1, opt.epochs(), opt.out(), listener, this::epoch);
            return history;
        }

        /** One epoch: a discriminator pass over the data, then metrics, warnings, checkpoint and pictures. */
        private boolean epoch(int epoch, RunProfile profile) throws IOException {
            batches.shuffle(opt.seed(), epoch);
            Elementwise.fill(be, stats, 0f);
            long[] judged = new long[2];
            int steps = batches.steps();
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                long s0 = System.nanoTime();
                step(batches.batch(s), s, stepOptions(epoch, s, steps), judged, rateFactor(epoch, s, steps));
                profile.span("step", s0);
                if (!afterStep(epoch, s + 1, steps)) {
                    return false;
                }
            }
            float[] sum = be.read(stats);
            long t1 = System.nanoTime();
            profile.epoch(epoch, t0, t1);
            float[] fixed = GanSampling.generate(gan, nDiv, opt.seed() ^ PICTURE_KEY);
            double fid = measuresFid(epoch) ? fid() : Double.NaN;
            GanEpochStats m = measure(epoch, sum, judged, fixed, fid, (t1 - t0) / 1e9);
            history.add(m);
            if (files) {
                save(gan, epoch, opt, history, train, fixed, nDiv, m);
            }
            listener.ganEpoch(m);
            return epoch == opt.epochs() || files || !listener.stopRequested();
        }

        /**
         * Algorithm 1's inner loop: a discriminator step on the batch x and fresh noise; after every
         * k of them, a generator step on the same noise. Counts the discriminator's judgments of each
         * side in judged[0] and the generator's in judged[1].
         */
        private void step(Tensor x, int s, GanNetwork.StepOptions step, long[] judged, float rate) {
            int m = gan.discriminatorGradients(x, rng, stats, step);
            if (m == 0) {
                return;
            }
            judged[0] += m;
            adamD.step(opt.dLr() * rate);
            if ((s + 1) % opt.k() != 0) {
                return;
            }
            judged[1] += gan.generatorGradients(stats, rng, step);
            adamG.step(opt.lr() * rate);
        }

        /** The learning rates' factor: 1, or with lrDecay falling linearly from 1 towards 0 (1 / steps at the last step). */
        private float rateFactor(int epoch, int s, int steps) {
            if (!opt.lrDecay()) {
                return 1f;
            }
            long total = (long) opt.epochs() * steps;
            long done = (long) (epoch - 1) * steps + s;
            return (float) (1.0 - (double) done / total);
        }

        /** The real label, and the instance noise annealed linearly from its start to 0 at the run's last step. */
        private GanNetwork.StepOptions stepOptions(int epoch, int s, int steps) {
            float sigma = opt.instanceNoise();
            if (sigma > 0f) {
                long total = (long) opt.epochs() * steps;
                long done = (long) (epoch - 1) * steps + s;
                sigma *= (float) (1.0 - (double) done / total);
            }
            return new GanNetwork.StepOptions(opt.realLabel(), sigma);
        }

        /** Progress and stop requests after step {@code done}; with files, a stop saves the networks and ends the run. */
        private boolean afterStep(int epoch, int done, int steps) throws IOException {
            int seen = Math.min(train.rows(), done * opt.batch());
            int judgedSoFar = Math.max(1, seen / gan.config().disc().pack());
            listener.step(epoch, done, steps, () -> be.read(stats)[GanNetwork.D_LOSS] / (double) judgedSoFar);
            if (done == steps || !listener.stopRequested()) {
                return true;
            }
            if (!files) {
                return false;
            }
            Map<String, String> meta = checkpointMetadata(epoch - 1, opt, train);
            meta.put("stopped_at_step", Integer.toString(done));
            GanCheckpoint.save(gan, opt.out().resolve(VaeTraining.CHECKPOINT), meta);
            throw new TrainingInterruptedException("stopped in epoch " + epoch + " after step " + done + " of " + steps
                    + "; saved the networks in " + opt.out().resolve(VaeTraining.CHECKPOINT)
                    + " (GAN runs cannot be resumed yet; sample and eval work on it)");
        }

        /** The epoch's mean losses and probabilities, the diversity of fixed-noise samples, and the failure-mode warnings. */
        private boolean measuresFid(int epoch) {
            return classifier != null && (epoch % opt.evalEvery() == 0 || epoch == opt.epochs());
        }

        /** The FID of fresh samples (a seed of their own, so training's noise stream is untouched) against the test data. */
        private double fid() {
            if (testFeatures == null) {
                testFeatures = FeatureClassifiers.extract(classifier.network(), test.values(), test.rows()).features();
            }
            float[] samples = GanSampling.generate(gan, FID_SAMPLES, opt.seed() ^ 0xF1DL);
            float[] f = FeatureClassifiers.extract(classifier.network(), samples, FID_SAMPLES).features();
            return SampleMetrics.fid(f, FID_SAMPLES, testFeatures, test.rows(), ClassifierNetwork.FEATURES);
        }

        private GanEpochStats measure(int epoch, float[] sum, long[] judged, float[] fixed, double fid, double seconds) {
            double n = train.rows();
            double dJudged = Math.max(1, judged[0]);
            double dLoss = sum[GanNetwork.D_LOSS] / dJudged;
            double gLoss = judged[1] == 0 ? Double.NaN : gan.generatorLoss(sum[GanNetwork.G_LOSS]) / judged[1];
            if (!Double.isFinite(dLoss) || (judged[1] > 0 && !Double.isFinite(gLoss))) {
                throw new LossDivergedException("the GAN losses became non-finite in epoch " + epoch + " (d_loss " + dLoss
                        + ", g_loss " + gLoss + "); try a smaller learning rate (--lr, now " + opt.lr() + ")");
            }
            double diversity = GanWarnings.meanPairwiseDistance(fixed, nDiv, train.cols()) / Math.max(dataDiversity, 1e-12);
            gLosses.add(gLoss);
            double dFake = sum[GanNetwork.D_FAKE] / dJudged;
            return new GanEpochStats(epoch, dLoss, gLoss, sum[GanNetwork.D_REAL] / dJudged, dFake, diversity, fid, seconds, n / seconds,
                    be.name(), GanWarnings.check(dFake, diversity, gLosses));
        }

        @Override
        public void close() {
            stats.close();
            adamG.close();
            adamD.close();
            batches.close();
            if (classifier != null) {
                classifier.close();
            }
        }
    }

    private static Map<String, String> checkpointMetadata(int epoch, Options opt, Dataset train) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("epoch", Integer.toString(epoch));
        meta.put("data", opt.data());
        meta.put("seed", Long.toString(opt.seed()));
        if (train.isImage()) {
            meta.put("image_channels", Integer.toString(train.channels()));
            meta.put("image_height", Integer.toString(train.height()));
            meta.put("image_width", Integer.toString(train.width()));
        }
        return meta;
    }

    private static void save(GanNetwork gan, int epoch, Options opt, List<GanEpochStats> history, Dataset train, float[] fixed,
                             int nFixed, GanEpochStats m) throws IOException {
        Path dir = opt.out();
        GanCheckpoint.save(gan, dir.resolve(VaeTraining.CHECKPOINT), checkpointMetadata(epoch, opt, train));
        Files.writeString(dir.resolve(VaeTraining.METRICS), m.toJson() + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Images.writePng(Charts.lines("GAN losses", "epoch", "loss", List.of(
                Charts.Line.perEpoch("discriminator", history.stream().mapToDouble(GanEpochStats::dLoss).toArray(), new Color(31, 119, 180)),
                Charts.Line.perEpoch("generator", history.stream().mapToDouble(GanEpochStats::gLoss).toArray(), new Color(255, 127, 14)))),
                dir.resolve("loss.png"));
        List<GanEpochStats> measured = history.stream().filter(h -> Double.isFinite(h.fid())).toList();
        if (!measured.isEmpty()) {
            Images.writePng(Charts.lines("FID of " + FID_SAMPLES + " samples against the test data", "epoch", "FID", List.of(
                    new Charts.Line("FID", measured.stream().mapToDouble(GanEpochStats::epoch).toArray(),
                            measured.stream().mapToDouble(GanEpochStats::fid).toArray(), new Color(44, 160, 44)))), dir.resolve("fid.png"));
        }
        if (train.isImage()) {
            int count = Math.min(64, nFixed);
            var grid = Images.grid(fixed, count, train.channels(), train.height(), train.width(), 8, 2);
            Images.writePng(grid, dir.resolve("samples.png"));
            Images.writePng(grid, dir.resolve("samples-epoch-" + epoch + ".png"));
        } else if (train.cols() == 2) {
            int nData = Math.min(train.rows(), 2000);
            float[] more = GanSampling.generate(gan, 2000, opt.seed() ^ PICTURE_KEY);
            Images.writePng(Charts.scatter("generated points over the data, epoch " + epoch, train.values(), nData, more, 2000),
                    dir.resolve("scatter.png"));
        }
    }
}
