package org.latentcl.train;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
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
import org.latentcl.io.Safetensors;
import org.latentcl.model.VaeConfig;
import org.latentcl.model.VaeNetwork;
import org.latentcl.nn.Adam;
import org.latentcl.nn.RandomStream;

/**
 * A VAE training run that writes a run directory: metrics.jsonl (one line per epoch),
 * checkpoint.safetensors (parameters, PyTorch layout), state.safetensors (Adam moments and the
 * random stream, for --resume), and for image data samples.png, reconstructions.png, loss.png and,
 * with a 2-D latent space, manifold.png.
 *
 * <p>The data stay on the backend ({@link EpochBatches}); losses accumulate on the backend and
 * are read once per epoch. The shuffle of epoch e depends only on (seed, e) and the random stream
 * is saved with the checkpoint, so a resumed run ends where an uninterrupted one would.
 */
public final class VaeTraining {
    /** Separate Philox keys for evaluation noise and picture noise, so neither disturbs training. */
    private static final long EVAL_KEY = 0x5EED_E7A1L;
    private static final long PICTURE_KEY = 0x5EED_B1C7L;

    /**
     * How to train.
     *
     * @param epochs total epochs (a resumed run continues up to this many)
     * @param batch  examples per step
     * @param lr     Adam learning rate
     * @param seed   seeds initialization, shuffling and noise
     * @param out    the run directory
     * @param resume continue from the checkpoint and state in {@code out}
     * @param data   the data specification, recorded in the checkpoint for eval and resume
     * @param profile record every kernel (or Java operation) and write profile.txt and trace.json
     */
    public record Options(int epochs, int batch, float lr, long seed, Path out, boolean resume, String data, boolean profile,
                          float klWeight, int klWarmup, LearningRateSchedule schedule) {
        /** Options at a constant learning rate. */
        public Options(int epochs, int batch, float lr, long seed, Path out, boolean resume, String data, boolean profile,
                       float klWeight, int klWarmup) {
            this(epochs, batch, lr, seed, out, resume, data, profile, klWeight, klWarmup, LearningRateSchedule.CONSTANT);
        }

        /** Options without profiling. */
        public Options(int epochs, int batch, float lr, long seed, Path out, boolean resume, String data) {
            this(epochs, batch, lr, seed, out, resume, data, false);
        }

        /** Options of the plain ELBO: KL weight 1, no warm-up. */
        public Options(int epochs, int batch, float lr, long seed, Path out, boolean resume, String data, boolean profile) {
            this(epochs, batch, lr, seed, out, resume, data, profile, 1f, 0);
        }

        public Options {
            schedule = schedule == null ? LearningRateSchedule.CONSTANT : schedule;
            if (!(klWeight >= 0f) || Float.isInfinite(klWeight)) {
                throw new IllegalArgumentException("the KL weight must be a number of at least 0, got " + klWeight);
            }
            if (klWarmup < 0) {
                throw new IllegalArgumentException("the KL warm-up must be 0 (none) or a number of steps, got " + klWarmup);
            }
        }

        /**
         * The KL's weight in the update after {@code updates} earlier ones: klWeight, reached linearly
         * over the first klWarmup updates (weight * (updates + 1) / klWarmup until then).
         */
        public float klWeightAt(long updates) {
            return klWarmup == 0 || updates + 1 >= klWarmup ? klWeight : (float) (klWeight * (double) (updates + 1) / klWarmup);
        }
    }

    private VaeTraining() {
    }

    /** The state metadata keys of the KL's weight and warm-up, recorded when they differ from 1 and 0. */
    static final String KL_WEIGHT_KEY = "kl_weight";
    static final String KL_WARMUP_KEY = "kl_warmup";
    /** The state metadata keys of the learning-rate schedule, recorded when it is not constant. */
    static final String LR_SCHEDULE_KEY = "lr_schedule";
    static final String WARMUP_STEPS_KEY = "warmup_steps";

    /** A learning-rate schedule by name (constant, linear or cosine) and its warm-up in steps, as a run records it. */
    public record ScheduleSetting(String kind, int warmupSteps) {
    }

    /** The learning-rate schedule the run in {@code dir} trains with (constant when its state records none), for continuing it as it was. */
    public static ScheduleSetting lrSchedule(Path dir) {
        if (!Files.exists(dir.resolve(RunFiles.STATE))) {
            return new ScheduleSetting("constant", 0);
        }
        Map<String, String> meta = Safetensors.read(dir.resolve(RunFiles.STATE)).metadata();
        try {
            LearningRateSchedule s = LearningRateSchedule.of(meta.getOrDefault(LR_SCHEDULE_KEY, "constant"),
                    Integer.parseInt(meta.getOrDefault(WARMUP_STEPS_KEY, "0")));
            return new ScheduleSetting(s.kind().name().toLowerCase(java.util.Locale.ROOT), s.warmupSteps());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot resume " + dir + ": its learning-rate schedule is unreadable (" + e.getMessage() + ")");
        }
    }

    /** The KL's weight and its warm-up in steps. */
    public record KlSchedule(float weight, int warmup) {
    }

    /**
     * The KL weight and warm-up steps the run in {@code dir} trains with (1 and 0 when its state records
     * none), for continuing it as it was.
     */
    public static KlSchedule klSchedule(Path dir) {
        if (!Files.exists(dir.resolve(RunFiles.STATE))) {
            return new KlSchedule(1f, 0);
        }
        Map<String, String> meta = Safetensors.read(dir.resolve(RunFiles.STATE)).metadata();
        try {
            return new KlSchedule(Float.parseFloat(meta.getOrDefault(KL_WEIGHT_KEY, "1")), Integer.parseInt(meta.getOrDefault(KL_WARMUP_KEY, "0")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cannot resume " + dir + ": its KL schedule is unreadable (" + e.getMessage() + ")");
        }
    }

    /**
     * The settings a VAE run directory recorded, for continuing it as it was (the defaults of {@code train vae} where a
     * checkpoint from an older LatentCL records none).
     *
     * @param batch     examples per step
     * @param lr        the learning rate
     * @param seed      the run's seed
     * @param data      the data's name, null when not recorded
     * @param klWeight  the KL's weight
     * @param klWarmup  its warm-up in updates
     * @param schedule  the learning-rate schedule
     */
    public record Resumed(int batch, float lr, long seed, String data, float klWeight, int klWarmup, LearningRateSchedule schedule) {
    }

    /**
     * Reads what the run in {@code dir} recorded; checks that its checkpoint holds a VAE.
     *
     * @throws IllegalArgumentException naming the directory or file when there is no VAE run to continue
     */
    public static Resumed resumed(Path dir) {
        Path ckpt = dir.resolve(RunFiles.CHECKPOINT);
        Safetensors.Contents c = Safetensors.read(ckpt);
        VaeCheckpoint.config(c, ckpt);
        Map<String, String> meta = c.metadata();
        KlSchedule kl = klSchedule(dir);
        ScheduleSetting lrs = lrSchedule(dir);
        try {
            return new Resumed(Integer.parseInt(meta.getOrDefault("batch", "128")), Float.parseFloat(meta.getOrDefault("lr", "1e-3")),
                    Long.parseLong(meta.getOrDefault("seed", "1")), meta.get("data"), kl.weight(), kl.warmup(),
                    LearningRateSchedule.of(lrs.kind(), lrs.warmupSteps()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cannot resume " + dir + ": its checkpoint's training settings are unreadable (" + e.getMessage() + ")");
        }
    }

    /** Trains a new VAE of the given shape, initialized from the seed (or restored, with --resume). */
    public static List<VaeEpochStats> run(Backend be, DataSplit data, VaeConfig config, Options opt, RunListener listener)
            throws IOException {
        try (VaeNetwork vae = new VaeNetwork(be, config, opt.batch())) {
            if (!opt.resume()) {
                vae.initialize(opt.seed());
            }
            return train(vae, data, opt, listener);
        }
    }

    /**
     * Trains an existing VAE from its parameters as they are (or as the run directory holds them,
     * with {@code resume}), with a fresh optimizer. With {@code opt.out()} null nothing is written:
     * a stop request then ends the run and returns the epochs done.
     */
    public static List<VaeEpochStats> train(VaeNetwork vae, DataSplit data, Options opt, RunListener listener) throws IOException {
        return train(List.of(vae), null, data, opt, listener);
    }

    /**
     * Trains the VAE {@code replicas.get(0)} data-parallel on the devices of all the replicas (one
     * VAE of the same configuration per device; the others take the first one's parameters). The
     * first replica ends with the trained parameters and is the one saved. With one replica this is
     * the data-parallel path on one device, which trains as {@link #train(VaeNetwork, DataSplit,
     * Options, RunListener)} does, bit for bit.
     */
    public static List<VaeEpochStats> train(List<VaeNetwork> replicas, ParallelOptions parallel, DataSplit data, Options opt,
                                            RunListener listener) throws IOException {
        return train(replicas, parallel, data, opt, listener, Keeping.NONE);
    }

    /** As above, keeping checkpoints and stopping early as {@code keeping} says. */
    public static List<VaeEpochStats> train(List<VaeNetwork> replicas, ParallelOptions parallel, DataSplit data, Options opt,
                                            RunListener listener, Keeping keeping) throws IOException {
        for (VaeNetwork vae : replicas) {
            if (vae.maxBatch() < opt.batch()) {
                throw new IllegalArgumentException("batch " + opt.batch() + " exceeds the VAE's maximum batch " + vae.maxBatch());
            }
            if (!vae.config().equals(replicas.get(0).config())) {
                throw new IllegalArgumentException("replicas of a data-parallel run must be alike: " + vae.config() + " and "
                        + replicas.get(0).config());
            }
        }
        if (parallel != null && parallel.ids().size() != replicas.size()) {
            throw new IllegalArgumentException(replicas.size() + " replicas for " + parallel.ids().size() + " devices");
        }
        if (opt.out() == null && (opt.resume() || opt.profile())) {
            throw new IllegalArgumentException("resuming and profiling need a run directory");
        }
        try (Run run = new Run(replicas, parallel, data, opt, listener)) {
            run.keep(keeping);
            return run.epochs();
        }
    }

    /** A VAE's run in the skeleton: its optimizers, its test data, its random stream, its files. */
    private static final class Run extends TrainingRun<VaeEpochStats> {
        private final List<VaeNetwork> vaes;
        private final List<org.latentcl.nn.Parameters> replicaParams;
        private final VaeNetwork vae;
        private final Dataset train;
        private final Dataset test;
        /** The test rows as the VAE reads them (followed by their one-hot class when conditional). */
        private final Dataset testRows;
        private final Options opt;
        private final List<Adam> adams = new ArrayList<>();
        private final Tensor testX;
        private RandomStream rng;
        private ResumeState resumed;

        Run(List<VaeNetwork> vaes, ParallelOptions parallelOptions, DataSplit data, Options opt, RunListener listener) {
            super("vae", vaes.stream().map(VaeNetwork::backend).toList(), parallelOptions, opt.epochs(), opt.batch(), opt.out(), opt.resume(),
                    opt.profile(), listener);
            this.vaes = List.copyOf(vaes);
            this.replicaParams = vaes.stream().map(VaeNetwork::parameters).toList();
            this.vae = vaes.get(0);
            this.train = data.train();
            this.test = data.test();
            VaeConfig config = vae.config();
            Dataset trainRows = config.conditional() ? train.withOneHot(config.classes()) : train;
            this.testRows = config.conditional() ? test.withOneHot(config.classes()) : test;
            this.opt = opt;
            this.rng = new RandomStream(opt.seed(), 0);
            try {
                for (VaeNetwork v : vaes) {
                    batches.add(made(new EpochBatches(v.backend(), trainRows, v.config().rowWidth(), opt.batch(), "VAE")));
                    adams.add(made(new Adam(v.parameters(), AdamConfig.of(opt.lr()))));
                    sums.add(made(v.backend().zeros(1, 2)));
                }
                this.testX = made(be.upload(testRows.values(), testRows.rows(), testRows.cols()));
                this.parallel = parallelOptions == null ? null
                        : parallel(parallelOptions, Shards.alignment(1, vae.config().latent()), train.rows(), 1, "VAE");
            } catch (RuntimeException e) {
                throw failedToStart(e);
            }
        }

        @Override
        protected int restore() throws IOException {
            resumed = VaeTraining.restore(vae, adams.get(0), opt.out(), opt);
            rng = new RandomStream(opt.seed(), resumed.rngCounter());
            history.addAll(readMetrics(opt.out().resolve(RunFiles.METRICS), resumed.epoch()));
            listener.info("resuming " + opt.out() + " after epoch " + resumed.epoch()
                    + (resumed.nextStep() > 0 ? ", step " + resumed.nextStep() : ""));
            return resumed.epoch();
        }

        @Override
        protected void copyLeadToReplicas() {
            if (vaes.size() == 1) {
                return;
            }
            var values = vae.parameters().toHost();
            float[][] moments = adams.get(0).state();
            for (int i = 1; i < vaes.size(); i++) {
                vaes.get(i).parameters().load(values);
                adams.get(i).restore(moments[0], moments[1], adams.get(0).steps());
            }
        }

        @Override
        protected double beginEpoch(int epoch, int[] firstStep) {
            for (EpochBatches b : batches) {
                b.shuffle(opt.seed(), epoch);
            }
            for (int i = 0; i < sums.size(); i++) {
                Elementwise.fill(vaes.get(i).backend(), sums.get(i), 0f);
            }
            double earlier = 0;
            if (resumed != null && resumed.nextStep() > 0) {
                // Continue an epoch that was interrupted: its order, losses so far and time so far.
                firstStep[0] = resumed.nextStep();
                earlier = resumed.partialSeconds();
                be.write(sums.get(0), resumed.partialLosses());
            }
            resumed = null;
            return earlier;
        }

        /** One step: on one device the plain step; on several, each its shard's gradients, their sum everywhere, then each the same Adam step. */
        @Override
        protected void step(int epoch, int s, int steps) {
            float rate = (float) opt.schedule().factor(adams.get(0).steps(), (long) opt.epochs() * steps);
            if (parallel == null) {
                vae.computeGradients(batches.get(0).batch(s), rng, sums.get(0), opt.klWeightAt(adams.get(0).steps()));
                update(adams.get(0), rate);
                return;
            }
            Shards shards = parallel.shards(batches.get(0).rowsOf(s));
            RandomStream[] streams = DataParallel.streams(rng, shards);
            float w = opt.klWeightAt(adams.get(0).steps());
            long[] compute = parallel.each(shards, i -> vaes.get(i).computeGradients(
                    batches.get(i).batch(s, shards.first()[i], shards.rows()[i]), streams[i], sums.get(i), w));
            parallel.sumGradients("vae", replicaParams, shards, compute);
            parallel.all(i -> update(adams.get(i), rate));
            rng = DataParallel.after(rng, streams);
        }

        /** An Adam update at the schedule's rate (the configured one itself when the factor is 1, so constant runs keep their bits). */
        private void update(Adam adam, float rate) {
            if (rate == 1f) {
                adam.step();
            } else {
                adam.step(opt.lr() * rate);
            }
        }

        @Override
        protected java.util.function.DoubleSupplier runningLoss(int done) {
            int examples = Math.min(train.rows(), done * opt.batch());
            return () -> {
                float[] l = sumsOverDevices();
                return (l[VaeNetwork.RECON] + l[VaeNetwork.KL]) / (double) examples;
            };
        }

        @Override
        protected void checkStep(int epoch, int done) {
            if (done % CHECK_EVERY == 0) {
                checkFinite(sumsOverDevices(), epoch, done, opt);
            }
        }

        @Override
        protected void checkEpoch(float[] total, int epoch, int steps) {
            checkFinite(total, epoch, steps, opt);
        }

        /** The epoch's training losses per example and the test set's -ELBO with fresh evaluation noise. */
        @Override
        protected VaeEpochStats measure(int epoch, float[] total, double seconds) {
            double recon = total[VaeNetwork.RECON] / (double) train.rows();
            double kl = total[VaeNetwork.KL] / (double) train.rows();
            double[] t = VaeEvaluation.elbo(vae, testX, new RandomStream(opt.seed() ^ EVAL_KEY, (long) epoch << 32));
            return new VaeEpochStats(epoch, recon + kl, t[0], recon, kl, t[1], t[2], seconds, train.rows() / seconds, deviceNames(),
                    be.liveBuffers(), devicePeakMib());
        }

        @Override
        protected void save(int epoch, VaeEpochStats m) throws IOException {
            VaeTraining.save(vae, adams.get(0), rng, epoch, opt, history, test, testRows, m);
        }

        @Override
        protected double score(VaeEpochStats m) {
            return m.testLoss();
        }

        @Override
        protected String scoreName() {
            return "test loss";
        }

        @Override
        protected void announce(VaeEpochStats m) {
            listener.vaeEpoch(m);
        }

        @Override
        protected void saveInterrupted(int epoch, int done, double seconds) throws IOException {
            VaeTraining.saveInterrupted(vae, adams.get(0), rng, epoch, done, sumsOverDevices(), seconds, opt, test);
        }

        @Override
        public void close() {
            testX.close();
            adams.forEach(Adam::close);
            super.close();
        }
    }

    /** Losses are read every this many steps to catch a NaN early (one short wait for the device). */
    static final int CHECK_EVERY = 50;

    private static void checkFinite(float[] sums, int epoch, int step, Options opt) {
        if (!Float.isFinite(sums[VaeNetwork.RECON]) || !Float.isFinite(sums[VaeNetwork.KL])) {
            throw new LossDivergedException("the loss became " + (sums[VaeNetwork.RECON] + sums[VaeNetwork.KL]) + " in epoch " + epoch + " by step "
                    + step + " (losses are checked every " + CHECK_EVERY + " steps); try a smaller learning rate (--lr, now "
                    + opt.lr() + ")" + (opt.out() == null ? "" : ". The last good checkpoint, from the end of epoch " + (epoch - 1) + ", is in "
                    + opt.out()));
        }
    }

    /** State in the middle of an epoch: parameters, optimizer, random stream, and the epoch's position and partial losses. */
    private static void saveInterrupted(VaeNetwork vae, Adam adam, RandomStream rng, int epoch, int nextStep, float[] partial, double seconds,
                                        Options opt, Dataset test) throws IOException {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("next_step", Integer.toString(nextStep));
        extra.put("partial_recon", Float.toString(partial[VaeNetwork.RECON]));
        extra.put("partial_kl", Float.toString(partial[VaeNetwork.KL]));
        extra.put("partial_seconds", Double.toString(seconds));
        AtomicFiles.writeAll(modelFiles(vae, adam, rng, epoch - 1, opt, test, extra));
    }

    private static void save(VaeNetwork vae, Adam adam, RandomStream rng, int epoch, Options opt, List<VaeEpochStats> history,
                             Dataset test, Dataset testRows, VaeEpochStats m) throws IOException {
        // The checkpoint, the state that continues it and the epoch's metrics line change together or not at all.
        Map<Path, byte[]> files = modelFiles(vae, adam, rng, epoch, opt, test, Map.of());
        files.put(opt.out().resolve(RunFiles.METRICS), AtomicFiles.withLine(opt.out().resolve(RunFiles.METRICS), m.toJson()));
        AtomicFiles.writeAll(files);
        writePictures(vae, opt, history, test, testRows, opt.out());
    }

    /** The bytes of checkpoint.safetensors and state.safetensors after {@code epoch} whole epochs (plus {@code extra} state). */
    private static Map<Path, byte[]> modelFiles(VaeNetwork vae, Adam adam, RandomStream rng, int epoch, Options opt, Dataset test,
                                                Map<String, String> extra) {
        Path dir = opt.out();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("epoch", Integer.toString(epoch));
        meta.put("data", opt.data());
        meta.put("batch", Integer.toString(opt.batch()));
        meta.put("lr", Float.toString(opt.lr()));
        meta.put("seed", Long.toString(opt.seed()));
        if (test.isImage()) {
            meta.put("image_channels", Integer.toString(test.channels()));
            meta.put("image_height", Integer.toString(test.height()));
            meta.put("image_width", Integer.toString(test.width()));
        }
        Map<Path, byte[]> files = new LinkedHashMap<>();
        files.put(dir.resolve(RunFiles.CHECKPOINT), VaeCheckpoint.encode(vae, meta));
        float[][] moments = adam.state();
        Map<String, String> state = new LinkedHashMap<>(meta);
        state.put(RunFiles.TARGET_EPOCHS_KEY, Integer.toString(opt.epochs()));
        if (opt.klWeight() != 1f || opt.klWarmup() != 0) {
            // Only when set, so that the files of a plain run stay as they were.
            state.put(KL_WEIGHT_KEY, Float.toString(opt.klWeight()));
            state.put(KL_WARMUP_KEY, Integer.toString(opt.klWarmup()));
        }
        if (!opt.schedule().isConstant()) {
            state.put(LR_SCHEDULE_KEY, opt.schedule().kind().name().toLowerCase(java.util.Locale.ROOT));
            state.put(WARMUP_STEPS_KEY, Integer.toString(opt.schedule().warmupSteps()));
        }
        state.put("adam_steps", Integer.toString(adam.steps()));
        state.put("rng_counter", Long.toString(rng.counter()));
        state.putAll(extra);
        files.put(dir.resolve(RunFiles.STATE), Safetensors.encode(state, List.of(
                new Safetensors.Entry("adam.m", new int[] {moments[0].length}, moments[0]),
                new Safetensors.Entry("adam.v", new int[] {moments[1].length}, moments[1]))));
        return files;
    }

    private static void writePictures(VaeNetwork vae, Options opt, List<VaeEpochStats> history, Dataset test, Dataset testRows, Path dir)
            throws IOException {
        double[] trainLoss = history.stream().mapToDouble(VaeEpochStats::trainLoss).toArray();
        double[] testLoss = history.stream().mapToDouble(VaeEpochStats::testLoss).toArray();
        Charts.write(() -> Charts.lines("VAE loss (-ELBO per example)", "epoch", "nats", List.of(
                Charts.Line.perEpoch("train", trainLoss, new Color(31, 119, 180)),
                Charts.Line.perEpoch("test", testLoss, new Color(255, 127, 14)))), dir.resolve("loss.png"));
        if (!test.isImage()) {
            return;
        }
        int h = test.height();
        int w = test.width();
        int ch = test.channels();
        // A conditional VAE's samples: one row of eight per class, the same eight codes in every row.
        int classes = vae.config().classes();
        int count = classes == 0 ? 64 : 8 * classes;
        float[] samples = VaeSampling.sampleByClass(vae, classes == 0 ? 64 : 8, opt.seed() ^ PICTURE_KEY,
                classes == 0 ? null : OneHot.all(classes));
        Images.writePng(Images.grid(samples, count, ch, h, w, 8, 2), dir.resolve("samples.png"));
        int n = Math.min(16, test.rows());
        float[] x = java.util.Arrays.copyOf(test.values(), n * test.cols());
        float[] r = VaeSampling.reconstruct(vae, java.util.Arrays.copyOf(testRows.values(), n * testRows.cols()), n);
        // Rows of eight: test images, then their reconstructions below them.
        float[] pairs = new float[4 * 8 * test.cols()];
        for (int row = 0; row < 2; row++) {
            for (int c = 0; c < 8; c++) {
                int i = row * 8 + c;
                if (i < n) {
                    System.arraycopy(x, i * test.cols(), pairs, ((2 * row) * 8 + c) * test.cols(), test.cols());
                    System.arraycopy(r, i * test.cols(), pairs, ((2 * row + 1) * 8 + c) * test.cols(), test.cols());
                }
            }
        }
        Images.writePng(Images.grid(pairs, n > 8 ? 32 : 16, ch, h, w, 8, 2), dir.resolve("reconstructions.png"));
        if (vae.config().latent() == 2 && !vae.config().conditional()) {
            Images.writePng(Images.grid(VaeSampling.manifold(vae, 15), 225, ch, h, w, 15, 1), dir.resolve("manifold.png"));
        }
    }

    /** Where a saved run stands: whole epochs done, the random stream, and a position inside the next epoch (0: none). */
    private record ResumeState(int epoch, long rngCounter, int nextStep, float[] partialLosses, double partialSeconds) {
    }

    private static ResumeState restore(VaeNetwork vae, Adam adam, Path dir, Options opt) {
        Path ckpt = dir.resolve(RunFiles.CHECKPOINT);
        Path statePath = dir.resolve(RunFiles.STATE);
        if (!Files.isRegularFile(ckpt) || !Files.isRegularFile(statePath)) {
            throw new IllegalArgumentException("cannot resume " + dir + ": it has no " + RunFiles.CHECKPOINT + " and " + RunFiles.STATE);
        }
        Safetensors.Contents c = Safetensors.read(ckpt);
        VaeConfig saved = VaeCheckpoint.config(c, ckpt);
        if (!saved.equals(vae.config())) {
            throw new IllegalArgumentException("cannot resume " + dir + ": its checkpoint is a " + saved + ", not a " + vae.config());
        }
        // The shuffle and the position inside an epoch are counted in batches: another batch size would not continue the run.
        String savedBatch = c.metadata().get("batch");
        if (savedBatch != null && !savedBatch.equals(Integer.toString(opt.batch()))) {
            throw new IllegalArgumentException("cannot resume " + dir + " with batch " + opt.batch() + ": the run was trained with batch "
                    + savedBatch);
        }
        Safetensors.Contents s = Safetensors.read(statePath);
        CheckpointFiles.sameSave(dir, c, s);
        VaeCheckpoint.load(vae, c, ckpt);
        try {
            Safetensors.Entry m = s.tensors().get("adam.m");
            Safetensors.Entry v = s.tensors().get("adam.v");
            if (m == null || v == null || m.data().length != vae.parameters().size() || v.data().length != vae.parameters().size()) {
                throw new IllegalArgumentException("optimizer moments missing or of the wrong size");
            }
            adam.restore(m.data(), v.data(), Integer.parseInt(s.metadata().get("adam_steps")));
            Map<String, String> meta = s.metadata();
            int next = Integer.parseInt(meta.getOrDefault("next_step", "0"));
            float[] partial = next == 0 ? null : new float[] {Float.parseFloat(meta.get("partial_recon")), Float.parseFloat(meta.get("partial_kl"))};
            return new ResumeState(Integer.parseInt(meta.get("epoch")), Long.parseLong(meta.get("rng_counter")), next, partial,
                    next == 0 ? 0 : Double.parseDouble(meta.get("partial_seconds")));
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException(statePath + ": unreadable training state (" + e.getMessage() + ")");
        }
    }

    /** The metrics of epochs 1..upTo already in metrics.jsonl (later lines, from an interrupted epoch, are dropped). */
    private static List<VaeEpochStats> readMetrics(Path file, int upTo) throws IOException {
        List<VaeEpochStats> out = new ArrayList<>();
        for (Map<?, ?> m : MetricsFile.keepEpochs(file, upTo)) {
            out.add(new VaeEpochStats(((Double) m.get("epoch")).intValue(), MetricsFile.num(m, "train_loss"), MetricsFile.num(m, "test_loss"),
                    MetricsFile.num(m, "recon"), MetricsFile.num(m, "kl"), MetricsFile.num(m, "test_recon"), MetricsFile.num(m, "test_kl"),
                    MetricsFile.num(m, "train_seconds"), MetricsFile.num(m, "samples_per_s"), String.valueOf(m.get("device")),
                    MetricsFile.buffers(m), MetricsFile.peakMib(m)));
        }
        return out;
    }
}
