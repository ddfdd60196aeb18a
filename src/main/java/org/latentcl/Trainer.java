package org.latentcl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.train.GanEpochStats;
import org.latentcl.train.LossDivergedException;
import org.latentcl.train.ParallelOptions;
import org.latentcl.train.RunFailedException;
import org.latentcl.train.RunListener;
import org.latentcl.train.VaeEpochStats;

/**
 * Trains a model in place: the model keeps the trained weights. There is one trainer per kind of
 * model, {@link VaeTrainer} and {@link GanTrainer}, so that an option that does not apply to a model
 * cannot be given to it; what they share (epochs, batch, learning rate, seed, the run directory,
 * resuming, devices, listeners) is set on this class's {@link Builder}. The defaults are those of
 * the command line ({@code train vae}, {@code train gan}). Each call of {@code fit} starts a fresh
 * Adam optimizer; epochs are shuffled from the seed, so a run is reproducible on the same device.
 *
 * <pre>{@code
 * VaeTrainer trainer = VaeTrainer.builder().epochs(10).batch(128).learningRate(1e-3f).seed(1)
 *         .listener(new TrainingListener() {
 *             public void epoch(EpochMetrics m) { System.out.println(m.toJson()); }
 *         })
 *         .build();
 * List<EpochMetrics> history = trainer.fit(vae, Datasets.load("default"));
 * }</pre>
 *
 * <p>With an {@link Builder#outputDirectory(Path) output directory} a run writes what
 * {@code train} writes there (metrics.jsonl, checkpoint.safetensors, pictures, and with
 * profiling profile.txt and trace.json); without one it writes nothing.
 *
 * <p>With {@link Builder#devices several devices} a run is data-parallel: every device trains a
 * replica on its shard of each batch, the gradients are summed in device order, and every replica
 * takes the same step, so the model trains as on one device at the same batch (docs/MULTI-DEVICE.md).
 *
 * @param <M> the model it trains
 * @param <E> what it reports per epoch
 */
public abstract sealed class Trainer<M, E> permits VaeTrainer, GanTrainer {
    final int epochs;
    /** Epochs of a fresh run when none are set. */
    static final int DEFAULT_EPOCHS = 10;
    final int batch;
    final Float learningRate;
    final Schedule schedule;
    final int warmupSteps;
    private final int saveEvery;
    private final int patience;
    private final boolean keepBest;
    final long seed;
    final boolean profile;
    final boolean resume;
    private final Path out;
    private final boolean overwrite;
    private final String dataName;
    private final List<Device> devices;
    private final boolean balance;
    private final boolean tensorboard;
    private final int stopAfterSteps;
    private final int shard;
    private final int shards;
    private final List<TrainingListener> listeners;

    /** The learning rate's course over a run, after any warm-up. */
    public enum Schedule {
        /** The configured rate throughout (the default). */
        CONSTANT,
        /** Falling linearly from the rate towards 0 at the last update. */
        LINEAR,
        /** Half a cosine from the rate to 0 (Loshchilov &amp; Hutter 2017, without restarts). */
        COSINE
    }

    /** What the run keeps beside its latest checkpoint and when it stops early, as the training code takes it. */
    org.latentcl.train.Keeping keeping() {
        return new org.latentcl.train.Keeping(saveEvery, patience, keepBest || patience > 0);
    }

    /** The schedule and warm-up as the training code takes them. */
    org.latentcl.train.LearningRateSchedule learningRateSchedule() {
        return new org.latentcl.train.LearningRateSchedule(org.latentcl.train.LearningRateSchedule.Kind.valueOf(schedule.name()), warmupSteps);
    }

    Trainer(Builder<?, ?> b) {
        epochs = b.epochs != null ? b.epochs : b.resume && b.out != null ? targetEpochs(b.out) : DEFAULT_EPOCHS;
        batch = b.batch;
        learningRate = b.learningRate;
        schedule = b.schedule;
        warmupSteps = b.warmupSteps;
        saveEvery = b.saveEvery;
        patience = b.patience;
        keepBest = b.keepBest;
        seed = b.seed;
        out = b.out;
        profile = b.profile;
        resume = b.resume;
        overwrite = b.overwrite;
        dataName = b.dataName;
        devices = List.copyOf(b.devices);
        balance = b.balance;
        tensorboard = b.tensorboard;
        stopAfterSteps = b.stopAfterSteps;
        shard = b.shard;
        shards = b.shards;
        listeners = List.copyOf(b.listeners);
    }

    /**
     * Passes over the training data this trainer runs to (when resuming without a number set: the run's own target).
     *
     * @return the epochs
     */
    public int epochs() {
        return epochs;
    }

    /**
     * Examples per step.
     *
     * @return the batch size
     */
    public int batch() {
        return batch;
    }

    /**
     * The learning rate: the one set, else the model's default (a VAE's 1e-3, a GAN's 2e-4).
     *
     * @return the rate at the peak of its schedule
     */
    public float learningRate() {
        return learningRate != null ? learningRate : defaultLearningRate();
    }

    /** The learning rate when none is set. */
    abstract float defaultLearningRate();

    /**
     * The learning rate's course after the warm-up.
     *
     * @return the schedule
     */
    public Schedule schedule() {
        return schedule;
    }

    /**
     * Updates over which the learning rate rises linearly from 0 before its schedule (0: none).
     *
     * @return the warm-up in updates
     */
    public int warmupSteps() {
        return warmupSteps;
    }

    /**
     * The seed of the shuffles and the noise (and of nothing about the model, which its builder seeds).
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * Trains the model on data split into a training and a test part.
     *
     * @param model the model; it keeps the trained weights
     * @param data  training and test data with as many features as the model takes
     * @return the metrics of each epoch, as in metrics.jsonl
     * @throws IllegalArgumentException  when the data do not fit the model
     * @throws TrainingDivergedException when a loss becomes NaN or infinite
     * @throws TrainingStoppedException  when a listener stopped a run that has an output directory (saved, resumable)
     */
    public abstract List<E> fit(M model, DataSplit data);

    /**
     * Trains the model on one dataset (a VAE holds a fixed 10% out as its test set; a GAN trains on all of it).
     *
     * @param model the model; it keeps the trained weights
     * @param data  examples with as many features as the model takes
     * @return the metrics of each epoch
     */
    public abstract List<E> fit(M model, Dataset data);

    /**
     * Runs {@code train} on the lead model alone or, with several devices, on it and a replica of it
     * on every other device, closing the replicas afterwards.
     */
    <N extends AutoCloseable, R> R onDevices(N lead, Device own, Function<Device, N> replica, Function<List<N>, R> train) {
        if (devices.isEmpty()) {
            return train.apply(List.of(lead));
        }
        checkLead(own);
        List<N> replicas = new ArrayList<>(List.of(lead));
        RuntimeException failure = null;
        try {
            for (Device d : devices.subList(1, devices.size())) {
                replicas.add(replica.apply(d));
            }
            return train.apply(replicas);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            closeReplicas(replicas.subList(1, replicas.size()), failure);
        }
    }

    /** Closes the replicas; a failure to do so is the error only when the run itself did not fail (a lost device's replica may not close). */
    private static void closeReplicas(List<? extends AutoCloseable> replicas, RuntimeException runFailure) {
        for (AutoCloseable m : replicas) {
            try {
                m.close();
            } catch (Exception e) {
                if (runFailure != null) {
                    runFailure.addSuppressed(e);
                } else {
                    throw new IllegalStateException("releasing a replica failed: " + e.getMessage(), e);
                }
            }
        }
    }

    /** The model trains on its own device, which leads the data-parallel run. */
    private void checkLead(Device own) {
        if (devices.get(0) != own) {
            throw new IllegalArgumentException("the model lives on " + own.id() + ", so the device list must start with it (it starts with "
                    + devices.get(0).id() + ")");
        }
        for (Device d : devices) {
            d.backend();
        }
    }

    /** The devices of the run (and its part of every batch where several hosts share them), or none for the model's own device alone. */
    ParallelOptions parallel(Device own) {
        if (devices.isEmpty() && shards == 1) {
            return null;
        }
        List<Device> all = devices.isEmpty() ? List.of(own) : devices;
        return new ParallelOptions(all.stream().map(Device::id).toList(), balance, null, shard, shards);
    }

    static void checkFeatures(DataSplit data, int features, String model) {
        if (data.train().cols() != features) {
            throw new IllegalArgumentException(model + " takes " + features + " features per example, but " + data.train().name()
                    + " has " + data.train().cols());
        }
    }

    /**
     * The data's name as the checkpoint records it, for {@code eval --checkpoint} to find the test
     * set: "default/train" from {@code Datasets.load("default")} is recorded as "default".
     */
    String dataName(DataSplit data) {
        if (dataName != null) {
            return dataName;
        }
        String name = data.train().name();
        return name.endsWith("/train") ? name.substring(0, name.length() - "/train".length()) : name;
    }

    /** The epochs the run in {@code dir} was asked to reach, for a resume that sets none. */
    private static int targetEpochs(Path dir) {
        return Checkpoints.targetEpochs(dir).orElseThrow(() -> new IllegalArgumentException("the run in " + dir
                + " records no epoch target (it has no state.safetensors, or an older LatentCL wrote it): set the epochs to reach"));
    }

    /** The output directory, which must be new or empty (so that metrics.jsonl holds one run) unless resuming or overwriting. */
    Path outputDirectory() {
        if (out == null) {
            return null;
        }
        if (Files.isDirectory(out) && !resume && !overwrite) {
            try (Stream<Path> entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException("the output directory " + out + " is not empty (resume it, or overwrite it)");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + out + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * The training loop's listener: calls each of ours in order, with the public metrics, and stops when any asks to;
     * with {@link Builder#tensorboard} a TensorBoard writer first, one new event file a run.
     */
    RunListener listeners() {
        List<TrainingListener> listeners = new ArrayList<>();
        if (tensorboard) {
            listeners.add(new TensorBoardListener(out));
        }
        listeners.addAll(this.listeners);
        long[] steps = {0};
        return new RunListener() {
            @Override
            public void step(int epoch, int step, int stepsPerEpoch, java.util.function.DoubleSupplier runningLoss) {
                steps[0]++;
                listeners.forEach(l -> l.step(epoch, step, stepsPerEpoch, runningLoss));
            }

            @Override
            public void vaeEpoch(VaeEpochStats stats) {
                EpochMetrics m = EpochMetrics.of(stats);
                listeners.forEach(l -> l.epoch(m));
            }

            @Override
            public void ganEpoch(GanEpochStats stats) {
                GanEpochMetrics m = GanEpochMetrics.of(stats);
                listeners.forEach(l -> l.ganEpoch(m));
            }

            @Override
            public void info(String message) {
                listeners.forEach(l -> l.info(message));
            }

            @Override
            public boolean stopRequested() {
                return stopAfterSteps > 0 && steps[0] >= stopAfterSteps || listeners.stream().anyMatch(TrainingListener::stopRequested);
            }
        };
    }

    /** A training loop that may fail writing its run directory. */
    interface Run<T> {
        T call() throws IOException;
    }

    /** Runs a training loop, with its failures as the API's exceptions. */
    static <T> T io(Run<T> run) {
        try {
            return run.call();
        } catch (IOException e) {
            throw new UncheckedIOException("writing the run directory failed: " + e.getMessage(), e);
        } catch (LossDivergedException e) {
            TrainingDivergedException diverged = new TrainingDivergedException(e.getMessage());
            diverged.initCause(e);
            throw diverged;
        } catch (RunFailedException e) {
            throw new TrainingFailedException(e.getMessage(), e.getCause());
        } catch (org.latentcl.train.TrainingInterruptedException e) {
            throw new TrainingStoppedException(e.getMessage(), e);
        }
    }

    /**
     * The settings every trainer has; {@link VaeTrainer.Builder} and {@link GanTrainer.Builder} add
     * their model's own. Every setter returns the builder and checks its value.
     *
     * @param <B> the builder's own type, which the setters return
     * @param <T> the trainer it builds
     */
    public abstract static sealed class Builder<B extends Builder<B, T>, T extends Trainer<?, ?>>
            permits VaeTrainer.Builder, GanTrainer.Builder {
        /** Null until set: a resumed run then continues to its own target. */
        private Integer epochs;
        private int batch = 128;
        private Float learningRate;
        private Schedule schedule = Schedule.CONSTANT;
        private int warmupSteps;
        private int saveEvery;
        private int patience;
        private boolean keepBest;
        private long seed = 1;
        private Path out;
        private boolean profile;
        private boolean resume;
        private boolean overwrite;
        private String dataName;
        private final List<Device> devices = new ArrayList<>();
        private boolean balance;
        private boolean tensorboard;
        private int stopAfterSteps;
        private int shard;
        private int shards = 1;
        private final List<TrainingListener> listeners = new ArrayList<>();

        Builder() {
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }

        /**
         * Passes over the training data (default 10; when resuming, the run's own target).
         *
         * @param n at least 1
         * @return this builder
         */
        public B epochs(int n) {
            epochs = positive(n, "epochs");
            return self();
        }

        /**
         * Examples per step.
         *
         * @param n at least 1, and at most the number of training examples
         * @return this builder
         */
        public B batch(int n) {
            batch = positive(n, "batch");
            return self();
        }

        /**
         * Adam's learning rate (default 1e-3 for a VAE, 2e-4 for a GAN).
         *
         * @param lr a positive number
         * @return this builder
         */
        public B learningRate(float lr) {
            if (!(lr > 0f) || Float.isInfinite(lr)) {
                throw new IllegalArgumentException("the learning rate must be a positive number, got " + lr);
            }
            learningRate = lr;
            return self();
        }

        /**
         * How the learning rate moves over the run's updates after the warm-up (default {@link Schedule#CONSTANT}),
         * as PyTorch's per-step LinearLR and CosineAnnealingLR schedules do; a GAN's applies to both networks.
         *
         * @param s the schedule
         * @return this builder
         */
        public B learningRateSchedule(Schedule s) {
            if (s == null) {
                throw new IllegalArgumentException("the learning-rate schedule must be CONSTANT, LINEAR or COSINE");
            }
            schedule = s;
            return self();
        }

        /**
         * A linear warm-up of the learning rate over the first {@code n} updates, from lr / n at the first to lr at the
         * n-th (default 0: none), before the schedule.
         *
         * @param n updates of warm-up, at least 0
         * @return this builder
         */
        public B warmupSteps(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("the warm-up must be 0 (none) or a number of steps, got " + n);
            }
            warmupSteps = n;
            return self();
        }

        /**
         * Keeps a copy of the checkpoint every {@code n} epochs, {@code checkpoint-epoch-N.safetensors} in the run
         * directory (default 0: only the latest, {@code checkpoint.safetensors}).
         *
         * @param n epochs between copies, at least 0
         * @return this builder
         */
        public B saveEvery(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("save-every must be 0 (none) or a number of epochs, got " + n);
            }
            saveEvery = n;
            return self();
        }

        /**
         * Stops early when the score (a VAE's test loss; a GAN's FID, measured with {@code evalEvery}) has not improved
         * for {@code n} scored epochs, as Keras's EarlyStopping does; the run then ends normally, and
         * {@code best.safetensors} holds the best epoch's checkpoint (default 0: never).
         *
         * @param n scored epochs without improvement, at least 0
         * @return this builder
         */
        public B patience(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("patience must be 0 (none) or a number of epochs, got " + n);
            }
            patience = n;
            return self();
        }

        /**
         * Keeps {@code best.safetensors} in the run directory: a copy of the checkpoint of the epoch with the lowest
         * score so far (a VAE's test loss; a GAN's FID, with {@code evalEvery}); on with {@link #patience}.
         *
         * @param on whether to keep it
         * @return this builder
         */
        public B keepBest(boolean on) {
            keepBest = on;
            return self();
        }

        /**
         * Seeds the shuffling and the noise (default 1).
         *
         * @param s the seed
         * @return this builder
         */
        public B seed(long s) {
            seed = s;
            return self();
        }

        /**
         * Writes a run directory as {@code train} does; it must be new or empty.
         *
         * @param dir the directory, created if needed
         * @return this builder
         */
        public B outputDirectory(Path dir) {
            out = dir;
            return self();
        }

        /**
         * Records every kernel (or Java operation) and writes profile.txt and trace.json into the
         * output directory, which profiling needs; the table also goes to the listeners' {@code info}.
         *
         * @param on whether to profile
         * @return this builder
         */
        public B profile(boolean on) {
            profile = on;
            return self();
        }

        /**
         * Continues the run saved in the output directory (its checkpoint, optimizer state and
         * random stream) up to {@link #epochs(int)} epochs in all (without it, to the epochs the run
         * was started with), exactly where it stopped, even inside an epoch. The model must have the saved run's shape; its weights are replaced by
         * the saved ones. The batch must be the run's; the other settings are this trainer's, so
         * give the run's own to continue it exactly.
         *
         * @param on whether to resume
         * @return this builder
         */
        public B resume(boolean on) {
            resume = on;
            return self();
        }

        /**
         * Lets a fresh run write into an output directory that holds files already (its metrics
         * start anew; other files are replaced as the run writes them).
         *
         * @param on whether to overwrite
         * @return this builder
         */
        public B overwrite(boolean on) {
            overwrite = on;
            return self();
        }

        /**
         * The name of the data recorded in the checkpoint, so that {@code eval --checkpoint} finds
         * the test set: a name or path {@code Datasets.load} accepts. By default the dataset's own
         * name, which is right for data from {@code Datasets.load("default")} and the like.
         *
         * @param spec a data specification
         * @return this builder
         */
        public B dataName(String spec) {
            dataName = spec;
            return self();
        }

        /**
         * Trains data-parallel on these devices, the model's own device first: each holds a replica
         * of the model for the run, and the model keeps the trained weights. One device is the plain
         * run.
         *
         * @param list the devices, each once, in the order that fixes the shards and the sums
         * @return this builder
         */
        public B devices(List<Device> list) {
            if (list == null || list.isEmpty()) {
                throw new IllegalArgumentException("the device list is empty");
            }
            for (int i = 0; i < list.size(); i++) {
                for (int j = 0; j < i; j++) {
                    if (list.get(i) == list.get(j) || list.get(i).id().equals(list.get(j).id())) {
                        throw new IllegalArgumentException("device " + list.get(i).id() + " is listed twice");
                    }
                }
            }
            devices.clear();
            devices.addAll(list);
            return self();
        }

        /**
         * As {@link #devices(List)}.
         *
         * @param list the devices, the model's own first
         * @return this builder
         */
        public B devices(Device... list) {
            return devices(java.util.Arrays.asList(list));
        }

        /**
         * Splits each batch by the devices' measured speed, measured anew every epoch, rather than
         * evenly (with several devices). The split then depends on timing, so two runs agree to
         * rounding rather than bit for bit.
         *
         * @param on whether to balance
         * @return this builder
         */
        public B balance(boolean on) {
            balance = on;
            return self();
        }

        /**
         * Writes TensorBoard events beside metrics.jsonl in the output directory ({@code events.out.tfevents.*}): each
         * epoch's metrics as scalars under their metrics.jsonl names, and its samples (and a VAE's reconstructions) as
         * images, the epoch as the step; {@code tensorboard --logdir runs} shows them. Each run, and each resumed part of
         * one, writes a file of its own, as PyTorch's SummaryWriter does. Needs an output directory.
         *
         * @param on whether to write them
         * @return this builder
         */
        public B tensorboard(boolean on) {
            tensorboard = on;
            return self();
        }

        /**
         * Stops the run after {@code n} training steps of this call to {@code fit} (counted from where a
         * resumed run continues), saving its position as a stop request does: {@code fit} then throws
         * {@link TrainingStoppedException}, and a trainer with {@link #resume} continues the run exactly
         * where an uninterrupted one would be (the same checkpoint, bit for bit, at its end). For jobs
         * given a slot of time, and for training in rounds. A stop that falls on an epoch's last step
         * ends after that epoch's files. Needs an output directory.
         *
         * @param n steps, at least 1; 0 (the default) runs to the last epoch
         * @return this builder
         */
        public B stopAfterSteps(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("the steps to stop after must be 0 (never) or more, got " + n);
            }
            stopAfterSteps = n;
            return self();
        }

        /**
         * Trains only part {@code index} of {@code count} equal parts of every batch, as one of
         * {@code count} hosts that average their parameters every few steps (the Spark module does;
         * docs/SCALING.md): the same examples and noise as the whole batch's rows, split into
         * contiguous parts in host order, with the gradient of this part alone. Its losses are sums over
         * its rows. It trains in rounds: it stops after {@link #stopAfterSteps} steps (needed) or after an
         * epoch's last step, whichever comes first, saving the position before the epoch's end, which the
         * continued run does once the hosts' states are merged, so that the epoch is measured on the
         * average. Each part must get rows of every batch.
         *
         * @param index which part, from 0
         * @param count how many hosts share every batch; 1 (the default) trains all of it
         * @return this builder
         */
        public B shard(int index, int count) {
            if (count < 1 || index < 0 || index >= count) {
                throw new IllegalArgumentException("shard " + index + " of " + count + " is not a part of a batch (0 <= index < count)");
            }
            shard = index;
            shards = count;
            return self();
        }

        /**
         * Adds a listener; listeners are called in the order added.
         *
         * @param l the listener
         * @return this builder
         */
        public B listener(TrainingListener l) {
            if (l == null) {
                throw new IllegalArgumentException("the listener is null");
            }
            listeners.add(l);
            return self();
        }

        /**
         * The trainer.
         *
         * @return a trainer that can be used for any number of runs
         * @throws IllegalArgumentException when profiling, resuming, TensorBoard events or a stop after some steps are asked
         *                                  for without an output directory
         */
        public final T build() {
            if (profile && out == null) {
                throw new IllegalArgumentException("profiling writes profile.txt and trace.json, so it needs an output directory");
            }
            if (resume && out == null) {
                throw new IllegalArgumentException("resuming needs the output directory of the run to continue");
            }
            if (tensorboard && out == null) {
                throw new IllegalArgumentException("TensorBoard events are written beside metrics.jsonl, so they need an output directory");
            }
            if (stopAfterSteps > 0 && out == null) {
                throw new IllegalArgumentException("stopping after a number of steps saves the position to resume from, so it needs an output directory");
            }
            if (shards > 1 && stopAfterSteps == 0) {
                throw new IllegalArgumentException("a host's part of every batch trains in rounds that its hosts' average ends: give stopAfterSteps");
            }
            return create();
        }

        /** The trainer of these settings, already checked. */
        abstract T create();

        static int positive(int n, String what) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be at least 1, got " + n);
            }
            return n;
        }
    }
}
