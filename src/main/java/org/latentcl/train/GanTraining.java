package org.latentcl.train;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
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
import org.latentcl.io.AtomicFiles;
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
     * @param resume    continue the run in {@code out} from its checkpoint and state.safetensors
     * @param generatorAverage the decay of the generator average ({@link GeneratorAverage}; 0 for none), from which samples,
     *                  pictures and the FID log come
     * @param schedule  both learning rates over the run; {@code lrDecay} is its linear kind without warm-up
     * @param r1        R1's gamma (Mescheder et al. 2018: gamma/2 E||dD/dx||^2 on real data added to the discriminator's
     *                  loss); 0 for none
     * @param r1Every   R1 on every this many discriminator steps, weighted by it (lazy regularization, Karras et al. 2020)
     * @param gradientPenalty WGAN-GP's lambda (Gulrajani et al. 2017: lambda E(||dD/dx||_2 - 1)^2 between real and
     *                  generated examples, on every discriminator step); 0 for none
     * @param fakesPerReal generated examples per real one in both networks' steps (1): generated examples cost no data,
     *                  so a step can judge and train on more of them; each side's loss is a mean over its own
     */
    public record Options(int epochs, int batch, float lr, float beta1, int k, long seed, Path out, String data, boolean profile,
                          float dLr, float realLabel, float instanceNoise, int evalEvery, boolean lrDecay, boolean resume,
                          float generatorAverage, LearningRateSchedule schedule, float r1, int r1Every,
                          float gradientPenalty, int fakesPerReal) {
        public Options {
            if (fakesPerReal < 1) {
                throw new IllegalArgumentException("a step takes at least one generated example per real one, got " + fakesPerReal);
            }
            if (!(gradientPenalty >= 0f) || !Float.isFinite(gradientPenalty)) {
                throw new IllegalArgumentException("the gradient penalty's lambda must be a finite number >= 0, got " + gradientPenalty);
            }
            if (!(r1 >= 0f) || !Float.isFinite(r1)) {
                throw new IllegalArgumentException("R1's gamma must be a finite number >= 0, got " + r1);
            }
            if (r1Every < 1) {
                throw new IllegalArgumentException("R1's interval must be at least 1 step, got " + r1Every);
            }
            if (schedule == null) {
                schedule = LearningRateSchedule.CONSTANT;
            }
            if (lrDecay && schedule.kind() == LearningRateSchedule.Kind.CONSTANT) {
                schedule = new LearningRateSchedule(LearningRateSchedule.Kind.LINEAR, schedule.warmupSteps());
            }
            if (lrDecay && schedule.kind() != LearningRateSchedule.Kind.LINEAR) {
                throw new IllegalArgumentException("the linear learning-rate decay and a " + schedule.kind().name().toLowerCase()
                        + " schedule exclude each other");
            }
            lrDecay = schedule.kind() == LearningRateSchedule.Kind.LINEAR;
        }

        /** Options with as many generated examples a step as real ones. */
        public Options(int epochs, int batch, float lr, float beta1, int k, long seed, Path out, String data, boolean profile,
                       float dLr, float realLabel, float instanceNoise, int evalEvery, boolean lrDecay, boolean resume,
                       float generatorAverage, LearningRateSchedule schedule, float r1, int r1Every, float gradientPenalty) {
            this(epochs, batch, lr, beta1, k, seed, out, data, profile, dLr, realLabel, instanceNoise, evalEvery, lrDecay, resume,
                    generatorAverage, schedule, r1, r1Every, gradientPenalty, 1);
        }

        /** Options without R1. */
        public Options(int epochs, int batch, float lr, float beta1, int k, long seed, Path out, String data, boolean profile,
                       float dLr, float realLabel, float instanceNoise, int evalEvery, boolean lrDecay, boolean resume,
                       float generatorAverage, LearningRateSchedule schedule) {
            this(epochs, batch, lr, beta1, k, seed, out, data, profile, dLr, realLabel, instanceNoise, evalEvery, lrDecay, resume,
                    generatorAverage, schedule, 0f, 1, 0f);
        }

        /** Options whose learning rates decay linearly or stay constant ({@code lrDecay}), with no warm-up. */
        public Options(int epochs, int batch, float lr, float beta1, int k, long seed, Path out, String data, boolean profile,
                       float dLr, float realLabel, float instanceNoise, int evalEvery, boolean lrDecay, boolean resume,
                       float generatorAverage) {
            this(epochs, batch, lr, beta1, k, seed, out, data, profile, dLr, realLabel, instanceNoise, evalEvery, lrDecay, resume,
                    generatorAverage, null);
        }

        /** Options without a generator average. */
        public Options(int epochs, int batch, float lr, float beta1, int k, long seed, Path out, String data, boolean profile,
                       float dLr, float realLabel, float instanceNoise, int evalEvery, boolean lrDecay, boolean resume) {
            this(epochs, batch, lr, beta1, k, seed, out, data, profile, dLr, realLabel, instanceNoise, evalEvery, lrDecay, resume, 0f);
        }

        /** The schedule's kind by name: constant, linear or cosine. */
        public String scheduleKind() {
            return schedule.kind().name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The schedule's warm-up in updates. */
        public int warmupSteps() {
            return schedule.warmupSteps();
        }

        /** The options of a run as state.safetensors records them, for resuming it from the command line. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("batch", batch);
            m.put("lr", (double) lr);
            m.put("beta1", (double) beta1);
            m.put("k", k);
            m.put("seed", Long.toString(seed));
            m.put("data", data);
            m.put("d_lr", (double) dLr);
            m.put("real_label", (double) realLabel);
            m.put("instance_noise", (double) instanceNoise);
            m.put("eval_every", evalEvery);
            m.put("lr_decay", lrDecay);
            m.put("g_ema", (double) generatorAverage);
            // Only a schedule that lr_decay cannot say is written, so that other runs' state files keep their bytes.
            if (schedule.kind() == LearningRateSchedule.Kind.COSINE || schedule.warmupSteps() > 0) {
                m.put("lr_schedule", schedule.kind().name().toLowerCase(java.util.Locale.ROOT));
                m.put("warmup_steps", schedule.warmupSteps());
            }
            if (r1 > 0f) {
                m.put("r1", (double) r1);
                m.put("r1_every", r1Every);
            }
            if (gradientPenalty > 0f) {
                m.put("gp", (double) gradientPenalty);
            }
            if (fakesPerReal > 1) {
                m.put("fakes_per_real", fakesPerReal);
            }
            return m;
        }

        /**
         * The options a run recorded (see {@link #toMap}), to continue it in {@code out} up to
         * {@code epochs}.
         */
        public static Options resumed(Map<?, ?> m, int epochs, Path out, boolean profile) {
            try {
                return new Options(epochs, num(m, "batch").intValue(), num(m, "lr").floatValue(), num(m, "beta1").floatValue(),
                        num(m, "k").intValue(), Long.parseLong((String) m.get("seed")), out, (String) m.get("data"), profile,
                        num(m, "d_lr").floatValue(), num(m, "real_label").floatValue(), num(m, "instance_noise").floatValue(),
                        num(m, "eval_every").intValue(), Boolean.TRUE.equals(m.get("lr_decay")) && m.get("lr_schedule") == null, true,
                        m.get("g_ema") == null ? 0f : num(m, "g_ema").floatValue(), m.get("lr_schedule") == null ? null
                        : LearningRateSchedule.of((String) m.get("lr_schedule"), num(m, "warmup_steps").intValue()),
                        m.get("r1") == null ? 0f : num(m, "r1").floatValue(), m.get("r1_every") == null ? 1 : num(m, "r1_every").intValue(),
                        m.get("gp") == null ? 0f : num(m, "gp").floatValue(),
                        m.get("fakes_per_real") == null ? 1 : num(m, "fakes_per_real").intValue());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cannot resume " + out + ": its training options are unreadable (" + e.getMessage() + ")");
            }
        }

        private static Double num(Map<?, ?> m, String key) {
            Object v = m.get(key);
            if (!(v instanceof Double d)) {
                throw new IllegalArgumentException(key + " is missing");
            }
            return d;
        }
    }

    /**
     * The options a GAN run directory recorded, to continue it up to {@code epochs} total epochs.
     *
     * @throws IllegalArgumentException when {@code dir} holds no GAN run that can be resumed
     */
    public static Options resumeOptions(Path dir, int epochs, boolean profile) {
        return Options.resumed(GanResume.options(dir), epochs, dir, profile);
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
        return train(List.of(gan), null, data, opt, listener);
    }

    /**
     * Trains the GAN {@code replicas.get(0)} data-parallel on the devices of all the replicas (one GAN
     * of the same configuration per device; the others take the first one's parameters and
     * spectral-norm vectors). Both networks' gradients are summed over the devices at every step.
     * Batch norm and the minibatch standard deviation see each device's shard only, as under
     * PyTorch's DataParallel. With one replica this trains as {@link #train(GanNetwork, DataSplit,
     * Options, RunListener)} does, bit for bit.
     */
    public static List<GanEpochStats> train(List<GanNetwork> replicas, ParallelOptions parallel, DataSplit data, Options opt,
                                            RunListener listener) throws IOException {
        return train(replicas, parallel, data, opt, listener, Keeping.NONE);
    }

    /** As above, keeping checkpoints and stopping early as {@code keeping} says. */
    public static List<GanEpochStats> train(List<GanNetwork> replicas, ParallelOptions parallel, DataSplit data, Options opt,
                                            RunListener listener, Keeping keeping) throws IOException {
        for (GanNetwork gan : replicas) {
            // A step's generated examples, batch x fakesPerReal, are the larger side the buffers hold.
            if (gan.maxBatch() < (long) opt.batch() * opt.fakesPerReal()) {
                throw new IllegalArgumentException("batch " + opt.batch() + (opt.fakesPerReal() > 1 ? " x " + opt.fakesPerReal()
                        + " generated examples per real one" : "") + " exceeds the GAN's maximum batch " + gan.maxBatch());
            }
            if (opt.fakesPerReal() > 1 && gan.config().conditional()) {
                throw new IllegalArgumentException(GanNetwork.CONDITIONAL_FAKES);
            }
            if (!gan.config().equals(replicas.get(0).config())) {
                throw new IllegalArgumentException("replicas of a data-parallel run must be alike");
            }
        }
        if (parallel != null && parallel.ids().size() != replicas.size()) {
            throw new IllegalArgumentException(replicas.size() + " replicas for " + parallel.ids().size() + " devices");
        }
        if (opt.out() == null && (opt.profile() || opt.resume())) {
            throw new IllegalArgumentException("resuming and profiling need a run directory");
        }
        try (Run run = new Run(replicas, parallel, data, opt, listener)) {
            run.keep(keeping);
            return run.epochs();
        }
    }

    /** A GAN's run in the skeleton: both optimizers, the judgments, the diversity baseline and the FID, its files. */
    private static final class Run extends TrainingRun<GanEpochStats> {
        private final List<GanNetwork> gans;
        private final List<org.latentcl.nn.Parameters> discParams;
        private final List<org.latentcl.nn.Parameters> genParams;
        private final GanNetwork gan;
        private final Dataset train;
        private final Options opt;
        private final List<Adam> adamsD = new ArrayList<>();
        private final List<Adam> adamsG = new ArrayList<>();
        private RandomStream rng;
        private GanResume.State resumed;
        private final int nDiv;
        private final double dataDiversity;
        private final List<Double> gLosses = new ArrayList<>();
        private final Dataset test;
        private final FeatureClassifiers.Trained classifier;
        private float[] testFeatures;
        /** The discriminator's judgments of each side so far this epoch, the generator's, and the real ones R1 penalized. */
        private long[] judged = new long[3];
        /** The fixed-noise samples of the last epoch measured, for its pictures. */
        private float[] fixed;
        /** The generator average, on the lead device; null without one. */
        private final GeneratorAverage average;

        Run(List<GanNetwork> gans, ParallelOptions parallelOptions, DataSplit split, Options opt, RunListener listener) {
            super("gan", gans.stream().map(GanNetwork::backend).toList(), parallelOptions, opt.epochs(), opt.batch(), opt.out(), opt.resume(),
                    opt.profile(), listener);
            this.gans = List.copyOf(gans);
            this.discParams = gans.stream().map(GanNetwork::discriminatorParameters).toList();
            this.genParams = gans.stream().map(GanNetwork::generatorParameters).toList();
            this.gan = gans.get(0);
            this.train = split.train();
            this.test = split.test();
            Dataset train = split.train();
            this.opt = opt;
            this.rng = new RandomStream(opt.seed(), 0);
            this.nDiv = Math.min(DIVERSITY_SAMPLES, train.rows());
            this.dataDiversity = GanWarnings.meanPairwiseDistance(train.values(), nDiv, train.cols());
            AdamConfig adamGen = new AdamConfig(opt.lr(), opt.beta1(), 0.999f, 1e-8f, 0f);
            AdamConfig adamDisc = new AdamConfig(opt.dLr(), opt.beta1(), 0.999f, 1e-8f, 0f);
            try {
                if ((opt.r1() > 0f || opt.gradientPenalty() > 0f) && gan.penaltyRefusal() != null) {
                    throw new IllegalArgumentException(gan.penaltyRefusal());
                }
                // A DCGAN trains on data scaled to its tanh's [-1, 1]; the samples it shows come back in [0, 1].
                Dataset scaled = gan.config().tanhOutput() ? train.withValues(GanSampling.toTanhRange(train.values())) : train;
                // A conditional GAN's rows carry their one-hot class, so it never parts from its example.
                Dataset rows = gan.config().conditional() ? scaled.withOneHot(gan.config().classes()) : scaled;
                for (GanNetwork g : gans) {
                    batches.add(made(new EpochBatches(g.backend(), rows, g.config().rowWidth(), opt.batch(), "GAN")));
                    adamsD.add(made(new Adam(g.discriminatorParameters(), adamDisc)));
                    adamsG.add(made(new Adam(g.generatorParameters(), adamGen)));
                    sums.add(made(g.backend().zeros(1, GanNetwork.STATS)));
                }
                if (gan.needsScaling()) {
                    // Networks that work in standardized units take the training data's moments once (a resumed run's from its checkpoint).
                    gan.adaptScaling(train.values());
                }
                GanConfig c = gan.config();
                // Boundaries where noise draws (z; instance noise on data) start a Philox block and packs stay whole.
                this.parallel = parallelOptions == null ? null
                        : parallel(parallelOptions, Shards.alignment(c.disc().pack(), c.noise(), c.data()), train.rows(), c.disc().pack(), "GAN");
                this.classifier = opt.evalEvery() > 0 ? made(FeatureClassifiers.forData(be, split, LOG::info)) : null;
                this.average = opt.generatorAverage() > 0f ? made(new GeneratorAverage(gan.generatorParameters(), opt.generatorAverage())) : null;
            } catch (RuntimeException e) {
                throw failedToStart(e);
            }
        }

        @Override
        protected int restore() throws IOException {
            resumed = GanResume.restore(gan, adamsD.get(0), adamsG.get(0), average, opt);
            rng = new RandomStream(opt.seed(), resumed.rngCounter());
            history.addAll(GanResume.readMetrics(opt.out().resolve(RunFiles.METRICS), resumed.epoch()));
            gLosses.addAll(resumed.gLosses());
            listener.info("resuming " + opt.out() + " after epoch " + resumed.epoch()
                    + (resumed.nextStep() > 0 ? ", step " + resumed.nextStep() : ""));
            return resumed.epoch();
        }

        /** (Batch norm's running statistics are the lead's own, from its shards; its buffers go to the replicas with the rest.) */
        @Override
        protected void copyLeadToReplicas() {
            if (gans.size() == 1) {
                return;
            }
            var d = gan.discriminatorParameters().toHost();
            var g = gan.generatorParameters().toHost();
            var buffers = gan.buffersToHost();
            float[][] md = adamsD.get(0).state();
            float[][] mg = adamsG.get(0).state();
            for (int i = 1; i < gans.size(); i++) {
                GanNetwork r = gans.get(i);
                r.discriminatorParameters().load(d);
                r.generatorParameters().load(g);
                r.loadBuffers(buffers);
                adamsD.get(i).restore(md[0], md[1], adamsD.get(0).steps());
                adamsG.get(i).restore(mg[0], mg[1], adamsG.get(0).steps());
            }
        }

        @Override
        protected double beginEpoch(int epoch, int[] firstStep) {
            for (int i = 0; i < gans.size(); i++) {
                batches.get(i).shuffle(opt.seed(), epoch);
                Elementwise.fill(gans.get(i).backend(), sums.get(i), 0f);
            }
            judged = new long[3];
            double earlier = 0;
            if (resumed != null && resumed.nextStep() > 0) {
                // Continue an epoch that was interrupted: its position, statistics, judgments and time so far.
                firstStep[0] = resumed.nextStep();
                be.write(sums.get(0), resumed.partialStats());
                judged = java.util.Arrays.copyOf(resumed.partialJudged(), 3);
                earlier = resumed.partialSeconds();
            }
            resumed = null;
            return earlier;
        }

        @Override
        protected void step(int epoch, int s, int steps) {
            if (parallel == null) {
                step(batches.get(0).batch(s), s, stepOptions(epoch, s, steps), rateFactor(epoch, s, steps));
            } else {
                parallelStep(s, stepOptions(epoch, s, steps), rateFactor(epoch, s, steps));
            }
        }

        /**
         * Algorithm 1's inner loop: a discriminator step on the batch x and fresh noise; after every
         * k of them, a generator step on the same noise. Counts the discriminator's judgments of each
         * side in judged[0] and the generator's in judged[1].
         */
        private void step(Tensor x, int s, GanNetwork.StepOptions step, float rate) {
            int m = gan.discriminatorGradients(x, rng, sums.get(0), step);
            if (m == 0) {
                return;
            }
            judged[0] += m;
            if (step.r1() > 0f) {
                judged[2] += m;
            }
            adamsD.get(0).step(opt.dLr() * rate);
            if ((s + 1) % opt.k() != 0) {
                return;
            }
            judged[1] += gan.generatorGradients(sums.get(0), rng, step);
            adamsG.get(0).step(opt.lr() * rate);
            averageGenerator();
        }

        /** After a generator update: the average moves (the Adam step count is the number of updates, resumed with it). */
        private void averageGenerator() {
            if (average != null) {
                average.update(adamsG.get(0).steps());
            }
        }

        /** The generator average's tensors for the checkpoint; none without one. */
        private List<org.latentcl.io.Safetensors.Entry> averageEntries() {
            return average == null ? List.of() : average.entries();
        }

        /** What sample returns from the generator the run shows: the average where there is one. */
        private <T> T shown(java.util.function.Supplier<T> sample) {
            return average == null ? sample.get() : average.sampling(sample);
        }

        /**
         * The same step over the devices: each computes the discriminator's gradients on its shard
         * (losses as means over the whole batch), the sums go everywhere, every device takes the same
         * update; then likewise for the generator.
         */
        private void parallelStep(int s, GanNetwork.StepOptions step, float rate) {
            int rows = batches.get(0).rowsOf(s);
            int pack = gan.config().disc().pack();
            int batchJudgments = rows / pack;
            if (batchJudgments == 0) {
                return;
            }
            // The rows D judges (a last batch that is not a multiple of the pack drops its rest, as on one device).
            Shards shards = parallel.shards(batchJudgments * pack);
            RandomStream[] streams = DataParallel.streams(rng, shards);
            int[] m = new int[shards.devices()];
            long[] compute = parallel.each(shards, i -> m[i] = gans.get(i).discriminatorGradients(
                    batches.get(i).batch(s, shards.first()[i], shards.rows()[i]), streams[i], sums.get(i), step, batchJudgments));
            parallel.sumGradients("discriminator", discParams, shards, compute);
            parallel.all(i -> adamsD.get(i).step(opt.dLr() * rate));
            judged[0] += batchJudgments;
            if (step.r1() > 0f) {
                judged[2] += batchJudgments;
            }
            if ((s + 1) % opt.k() == 0) {
                compute = parallel.each(shards, i -> {
                    if (m[i] > 0) {
                        gans.get(i).generatorGradients(sums.get(i), streams[i], step);
                    }
                });
                parallel.sumGradients("generator", genParams, shards, compute);
                parallel.all(i -> adamsG.get(i).step(opt.lr() * rate));
                averageGenerator();
                judged[1] += (long) batchJudgments * opt.fakesPerReal();
            }
            rng = DataParallel.after(rng, streams);
        }

        /** The learning rates' factor at step s of epoch {@code epoch}: the schedule's, over the run's epochs x steps updates. */
        private float rateFactor(int epoch, int s, int steps) {
            return (float) opt.schedule().factor((long) (epoch - 1) * steps + s, (long) opt.epochs() * steps);
        }

        /**
         * The real label, the instance noise annealed linearly from its start to 0 at the run's last step, and R1's
         * weight: gamma times the interval on every r1Every-th discriminator step of the run, else 0.
         */
        private GanNetwork.StepOptions stepOptions(int epoch, int s, int steps) {
            float sigma = opt.instanceNoise();
            if (sigma > 0f) {
                sigma *= (float) remaining(epoch, s, steps, opt.epochs());
            }
            long step = (long) (epoch - 1) * steps + s;
            float r1 = opt.r1() > 0f && step % opt.r1Every() == 0 ? opt.r1() * opt.r1Every() : 0f;
            return new GanNetwork.StepOptions(opt.realLabel(), sigma, r1, opt.gradientPenalty(), opt.fakesPerReal());
        }

        @Override
        protected java.util.function.DoubleSupplier runningLoss(int done) {
            int seen = Math.min(train.rows(), done * opt.batch());
            int judgedSoFar = Math.max(1, seen / gan.config().disc().pack());
            return () -> sumsOverDevices()[GanNetwork.D_LOSS] / (double) judgedSoFar;
        }

        @Override
        protected void saveInterrupted(int epoch, int done, double seconds) throws IOException {
            Map<String, String> meta = checkpointMetadata(epoch - 1, opt, train);
            meta.put("stopped_at_step", Integer.toString(done));
            Map<Path, byte[]> saved = new java.util.LinkedHashMap<>();
            saved.put(opt.out().resolve(RunFiles.CHECKPOINT), GanCheckpoint.encode(gan, meta, averageEntries()));
            saved.put(opt.out().resolve(RunFiles.STATE), GanResume.encodeState(opt, epoch - 1, new GanResume.State(epoch - 1,
                    rng.counter(), done, sumsOverDevices(), judged, seconds, gLosses), adamsD.get(0), adamsG.get(0)));
            AtomicFiles.writeAll(saved);
        }

        /** Whether this epoch measures the FID: every evalEvery epochs, and the last. */
        private boolean measuresFid(int epoch) {
            return classifier != null && (epoch % opt.evalEvery() == 0 || epoch == opt.epochs());
        }

        /** The FID of fresh samples (a seed of their own, so training's noise stream is untouched) against the test data. */
        private double fid() {
            if (testFeatures == null) {
                testFeatures = FeatureClassifiers.extract(classifier.network(), test.values(), test.rows()).features();
            }
            float[] samples = shown(() -> GanSampling.generate(gan, FID_SAMPLES, opt.seed() ^ 0xF1DL));
            float[] f = FeatureClassifiers.extract(classifier.network(), samples, FID_SAMPLES).features();
            return SampleMetrics.fid(f, FID_SAMPLES, testFeatures, test.rows(), ClassifierNetwork.FEATURES);
        }

        /** The epoch's mean losses and probabilities, the diversity of fixed-noise samples, the FID when due, and the failure-mode warnings. */
        @Override
        protected GanEpochStats measure(int epoch, float[] sum, double seconds) {
            fixed = shown(() -> GanSampling.generate(gan, nDiv, opt.seed() ^ PICTURE_KEY));
            double fid = measuresFid(epoch) ? fid() : Double.NaN;
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
            double r1 = judged[2] == 0 ? Double.NaN : sum[GanNetwork.R1_NORMS] / judged[2];
            double gp = opt.gradientPenalty() > 0f ? sum[GanNetwork.GP_TERMS] / dJudged : Double.NaN;
            return new GanEpochStats(epoch, dLoss, gLoss, sum[GanNetwork.D_REAL] / dJudged, dFake, diversity, fid, r1, gp, seconds, n / seconds,
                    deviceNames(), GanWarnings.check(dFake, diversity, history.isEmpty() ? Double.NaN : history.get(history.size() - 1).diversity(), gLosses), be.liveBuffers(),
                    devicePeakMib());
        }

        @Override
        protected void save(int epoch, GanEpochStats m) throws IOException {
            GanTraining.save(gan, averageEntries(), this::shown, epoch, opt, history, train, fixed, nDiv, m, GanResume.encodeState(opt, epoch,
                    new GanResume.State(epoch, rng.counter(), 0, null, null, 0, gLosses), adamsD.get(0), adamsG.get(0)));
        }

        @Override
        protected double score(GanEpochStats m) {
            return m.fid();
        }

        @Override
        protected String scoreName() {
            return "FID";
        }

        @Override
        protected void announce(GanEpochStats m) {
            listener.ganEpoch(m);
        }

        @Override
        public void close() {
            adamsG.forEach(Adam::close);
            adamsD.forEach(Adam::close);
            if (classifier != null) {
                classifier.close();
            }
            super.close();
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

    /** The epoch's files; {@code shown} draws the pictures' samples from the generator the run shows (its average, where it has one). */
    private static void save(GanNetwork gan, List<org.latentcl.io.Safetensors.Entry> average,
                             java.util.function.Function<java.util.function.Supplier<float[]>, float[]> shown, int epoch, Options opt,
                             List<GanEpochStats> history, Dataset train, float[] fixed, int nFixed, GanEpochStats m, byte[] state)
            throws IOException {
        Path dir = opt.out();
        // The checkpoint, the state that continues it and the epoch's metrics line change together or not at all.
        Map<Path, byte[]> files = new java.util.LinkedHashMap<>();
        files.put(dir.resolve(RunFiles.CHECKPOINT), GanCheckpoint.encode(gan, checkpointMetadata(epoch, opt, train), average));
        files.put(dir.resolve(RunFiles.STATE), state);
        files.put(dir.resolve(RunFiles.METRICS), AtomicFiles.withLine(dir.resolve(RunFiles.METRICS), m.toJson()));
        AtomicFiles.writeAll(files);
        Charts.write(() -> Charts.lines("GAN losses", "epoch", "loss", List.of(
                Charts.Line.perEpoch("discriminator", history.stream().mapToDouble(GanEpochStats::dLoss).toArray(), new Color(31, 119, 180)),
                Charts.Line.perEpoch("generator", history.stream().mapToDouble(GanEpochStats::gLoss).toArray(), new Color(255, 127, 14)))),
                dir.resolve("loss.png"));
        List<GanEpochStats> measured = history.stream().filter(h -> Double.isFinite(h.fid())).toList();
        if (!measured.isEmpty()) {
            Charts.write(() -> Charts.lines("FID of " + FID_SAMPLES + " samples against the test data", "epoch", "FID", List.of(
                    new Charts.Line("FID", measured.stream().mapToDouble(GanEpochStats::epoch).toArray(),
                            measured.stream().mapToDouble(GanEpochStats::fid).toArray(), new Color(44, 160, 44)))), dir.resolve("fid.png"));
        }
        if (train.isImage()) {
            int count = Math.min(64, nFixed);
            float[] pictured = fixed;
            if (gan.config().conditional()) {
                // One row of eight per class, every row from the same eight codes.
                count = 8 * gan.config().classes();
                pictured = shown.apply(() -> GanSampling.generateByClass(gan, 8, opt.seed() ^ PICTURE_KEY, OneHot.all(gan.config().classes())));
            }
            var grid = Images.grid(pictured, count, train.channels(), train.height(), train.width(), 8, 2);
            Images.writePng(grid, dir.resolve("samples.png"));
            Images.writePng(grid, dir.resolve("samples-epoch-" + epoch + ".png"));
        } else if (train.cols() == 2) {
            int nData = Math.min(train.rows(), 2000);
            float[] more = shown.apply(() -> GanSampling.generate(gan, 2000, opt.seed() ^ PICTURE_KEY));
            Charts.write(() -> Charts.scatter("generated points over the data, epoch " + epoch, train.values(), nData, more, 2000),
                    dir.resolve("scatter.png"));
        }
    }

    /**
     * The share of the run still ahead at step s (0-based) of epoch {@code epoch} (1-based), of
     * {@code epochs} epochs of {@code steps} steps: 1 at the first step, 1 / (epochs steps) at the
     * last. The linear schedules (the learning-rate decay and the instance noise) multiply by it.
     */
    static double remaining(int epoch, int s, int steps, int epochs) {
        long total = (long) epochs * steps;
        long done = (long) (epoch - 1) * steps + s;
        return 1.0 - (double) done / total;
    }
}
