package org.latentcl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Datasets;
import org.latentcl.data.Decoder;
import org.latentcl.train.GanEpochStats;
import org.latentcl.train.GanTraining;
import org.latentcl.train.LossDivergedException;
import org.latentcl.train.ParallelOptions;
import org.latentcl.train.RunFailedException;
import org.latentcl.train.RunListener;
import org.latentcl.train.VaeEpochStats;
import org.latentcl.train.VaeTraining;

/**
 * Trains a {@link Vae} or a {@link Gan} in place: the model keeps the trained weights. The
 * defaults are those of the command line ({@code train vae}, {@code train gan}). Each call of
 * {@code fit} starts a fresh Adam optimizer; epochs are shuffled from the seed, so a run is
 * reproducible on the same device.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder().epochs(10).batch(128).learningRate(1e-3f).seed(1)
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
 */
public final class Trainer {
    private final int epochs;
    private final int batch;
    private final Float learningRate;
    private final float beta1;
    private final int k;
    private final Float discriminatorLearningRate;
    private final float realLabel;
    private final float instanceNoise;
    private final int evalEvery;
    private final boolean lrDecay;
    private final long seed;
    private final Path out;
    private final boolean profile;
    private final boolean resume;
    private final boolean overwrite;
    private final String dataName;
    private final List<Device> devices;
    private final boolean balance;
    private final List<TrainingListener> listeners;

    private Trainer(Builder b) {
        epochs = b.epochs;
        batch = b.batch;
        learningRate = b.learningRate;
        beta1 = b.beta1;
        k = b.k;
        discriminatorLearningRate = b.discriminatorLearningRate;
        realLabel = b.realLabel;
        instanceNoise = b.instanceNoise;
        evalEvery = b.evalEvery;
        lrDecay = b.lrDecay;
        seed = b.seed;
        out = b.out;
        profile = b.profile;
        resume = b.resume;
        overwrite = b.overwrite;
        dataName = b.dataName;
        devices = List.copyOf(b.devices);
        balance = b.balance;
        listeners = List.copyOf(b.listeners);
    }

    /**
     * A builder with the defaults: 10 epochs, batch 128, learning rate 1e-3 for a VAE and 2e-4
     * for a GAN, GAN beta1 0.5 and k = 1, seed 1, no output directory, no profiling.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains a VAE on data split as given: the test set is scored after every epoch.
     *
     * @param vae  the model; it keeps the trained weights
     * @param data training and test data with {@link Vae#input()} features
     * @return the metrics of each epoch, as in metrics.jsonl
     * @throws IllegalArgumentException when the data do not fit the model (features, a Bernoulli
     *                                  decoder with data outside [0, 1], a batch larger than the data)
     * @throws TrainingDivergedException when the loss becomes NaN or infinite
     */
    public List<EpochMetrics> fit(Vae vae, DataSplit data) {
        checkFeatures(data, vae.input(), "the VAE");
        if (vae.decoder() == Decoder.BERNOULLI && !data.train().inUnitInterval()) {
            throw new IllegalArgumentException("the Bernoulli decoder needs data in [0, 1]; " + data.train().name()
                    + " has values outside it: build the VAE with Decoder.GAUSSIAN");
        }
        float lr = learningRate == null ? 1e-3f : learningRate;
        VaeTraining.Options opt = new VaeTraining.Options(epochs, batch, lr, seed, outputDirectory(), resume, dataName(data), profile);
        org.latentcl.model.VaeNetwork lead = vae.live(batch);
        if (devices.isEmpty()) {
            return io(() -> VaeTraining.train(lead, data, opt, all())).stream().map(EpochMetrics::of).toList();
        }
        checkLead(vae.device());
        return onEveryDevice(lead, d -> new org.latentcl.model.VaeNetwork(d.backend(), lead.config(), batch),
                replicas -> io(() -> VaeTraining.train(replicas, parallel(), data, opt, all()))).stream().map(EpochMetrics::of).toList();
    }

    /**
     * Trains a VAE, holding out a fixed 10% of the data (as {@link Datasets#holdOut(Dataset)} does) as its test set.
     *
     * @param vae  the model; it keeps the trained weights
     * @param data examples with {@link Vae#input()} features
     * @return the metrics of each epoch
     */
    public List<EpochMetrics> fit(Vae vae, Dataset data) {
        return fit(vae, Datasets.holdOut(data));
    }

    /**
     * Trains a GAN on the training part of the data (Algorithm 1 of Goodfellow et al., with
     * {@link Builder#k(int) k} discriminator steps per generator step).
     *
     * @param gan  the model; it keeps the trained weights
     * @param data data with {@link Gan#data()} features; the test part is not used
     * @return the metrics of each epoch, warnings included
     * @throws IllegalArgumentException when the data do not fit the model
     * @throws TrainingDivergedException when a loss becomes NaN or infinite
     */
    public List<GanEpochMetrics> fit(Gan gan, DataSplit data) {
        checkFeatures(data, gan.data(), "the GAN");
        if (batch % gan.pack() != 0) {
            throw new IllegalArgumentException("the batch (" + batch + ") must be a multiple of the discriminator's pack size ("
                    + gan.pack() + ")");
        }
        if (realLabel != 1f && gan.loss() == Gan.Loss.HINGE) {
            throw new IllegalArgumentException("label smoothing changes the BCE targets; the hinge loss has none");
        }
        float lr = learningRate == null ? 2e-4f : learningRate;
        float dLr = discriminatorLearningRate == null ? lr : discriminatorLearningRate;
        GanTraining.Options opt = new GanTraining.Options(epochs, batch, lr, beta1, k, seed, outputDirectory(), dataName(data), profile,
                dLr, realLabel, instanceNoise, evalEvery, lrDecay, resume);
        org.latentcl.model.GanNetwork lead = gan.live(batch);
        if (devices.isEmpty()) {
            return io(() -> GanTraining.train(lead, data, opt, all())).stream().map(GanEpochMetrics::of).toList();
        }
        checkLead(gan.device());
        return onEveryDevice(lead, d -> new org.latentcl.model.GanNetwork(d.backend(), lead.config(), batch),
                replicas -> io(() -> GanTraining.train(replicas, parallel(), data, opt, all()))).stream().map(GanEpochMetrics::of).toList();
    }

    /**
     * Trains a GAN on all of the data.
     *
     * @param gan  the model; it keeps the trained weights
     * @param data examples with {@link Gan#data()} features
     * @return the metrics of each epoch
     */
    public List<GanEpochMetrics> fit(Gan gan, Dataset data) {
        return fit(gan, new DataSplit(data, data, "the training data"));
    }

    /** Runs {@code train} on the lead model and a replica of it on every other device, which it closes afterwards. */
    private <M extends AutoCloseable, R> R onEveryDevice(M lead, java.util.function.Function<Device, M> replica,
                                                        java.util.function.Function<List<M>, R> train) {
        List<M> replicas = new ArrayList<>(List.of(lead));
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

    private ParallelOptions parallel() {
        return new ParallelOptions(devices.stream().map(Device::id).toList(), balance);
    }

    private static void checkFeatures(DataSplit data, int features, String model) {
        if (data.train().cols() != features) {
            throw new IllegalArgumentException(model + " takes " + features + " features per example, but " + data.train().name()
                    + " has " + data.train().cols());
        }
    }

    /**
     * The data's name as the checkpoint records it, for {@code eval --checkpoint} to find the test
     * set: "default/train" from {@code Datasets.load("default")} is recorded as "default".
     */
    private String dataName(DataSplit data) {
        if (dataName != null) {
            return dataName;
        }
        String name = data.train().name();
        return name.endsWith("/train") ? name.substring(0, name.length() - "/train".length()) : name;
    }

    /** The output directory, which must be new or empty (so that metrics.jsonl holds one run) unless resuming or overwriting. */
    private Path outputDirectory() {
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

    /** The training loop's listener: calls each of ours in order, with the public metrics, and stops when any asks to. */
    private RunListener all() {
        return new RunListener() {
            @Override
            public void step(int epoch, int step, int stepsPerEpoch, java.util.function.DoubleSupplier runningLoss) {
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
                return listeners.stream().anyMatch(TrainingListener::stopRequested);
            }
        };
    }

    private interface Run<T> {
        T call() throws IOException;
    }

    /** Runs a training loop, with its failures as the API's exceptions. */
    private static <T> T io(Run<T> run) {
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
        }
    }

    /** Sets up a {@link Trainer}; every setter returns the builder and checks its value. */
    public static final class Builder {
        private int epochs = 10;
        private int batch = 128;
        private Float learningRate;
        private float beta1 = 0.5f;
        private int k = 1;
        private Float discriminatorLearningRate;
        private float realLabel = 1f;
        private float instanceNoise;
        private int evalEvery;
        private boolean lrDecay;
        private long seed = 1;
        private Path out;
        private boolean profile;
        private boolean resume;
        private boolean overwrite;
        private String dataName;
        private final List<Device> devices = new ArrayList<>();
        private boolean balance;
        private final List<TrainingListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /**
         * Passes over the training data.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder epochs(int n) {
            epochs = positive(n, "epochs");
            return this;
        }

        /**
         * Examples per step.
         *
         * @param n at least 1, and at most the number of training examples
         * @return this builder
         */
        public Builder batch(int n) {
            batch = positive(n, "batch");
            return this;
        }

        /**
         * Adam's learning rate (default 1e-3 for a VAE, 2e-4 for a GAN).
         *
         * @param lr a positive number
         * @return this builder
         */
        public Builder learningRate(float lr) {
            if (!(lr > 0f) || Float.isInfinite(lr)) {
                throw new IllegalArgumentException("the learning rate must be a positive number, got " + lr);
            }
            learningRate = lr;
            return this;
        }

        /**
         * Adam's beta1 for both GAN networks (default 0.5, as in DCGAN); a VAE uses 0.9.
         *
         * @param b in [0, 1)
         * @return this builder
         */
        public Builder beta1(float b) {
            if (!(b >= 0f && b < 1f)) {
                throw new IllegalArgumentException("beta1 must be in [0, 1), got " + b);
            }
            beta1 = b;
            return this;
        }

        /**
         * GAN discriminator steps per generator step (default 1).
         *
         * @param steps at least 1
         * @return this builder
         */
        public Builder k(int steps) {
            k = positive(steps, "k");
            return this;
        }

        /**
         * The GAN discriminator's own Adam learning rate (default: the learning rate); a larger one
         * than the generator's is the two time-scale update rule of Heusel et al. (2017).
         *
         * @param lr positive
         * @return this builder
         */
        public Builder discriminatorLearningRate(float lr) {
            if (!(lr > 0f) || !Float.isFinite(lr)) {
                throw new IllegalArgumentException("the discriminator's learning rate must be positive, got " + lr);
            }
            discriminatorLearningRate = lr;
            return this;
        }

        /**
         * One-sided label smoothing (Salimans et al. 2016): the GAN discriminator's BCE target for
         * real data (default 1; 0.9 is the usual smoothing). Not with the hinge loss.
         *
         * @param target in (0.5, 1]
         * @return this builder
         */
        public Builder realLabel(float target) {
            if (!(target > 0.5f && target <= 1f)) {
                throw new IllegalArgumentException("the real label must be in (0.5, 1], got " + target);
            }
            realLabel = target;
            return this;
        }

        /**
         * Instance noise (Sønderby et al. 2017): Gaussian noise of this standard deviation added to
         * every input of the GAN discriminator, real and generated, annealed linearly to 0 over the
         * run (default 0, none). In the data's units (the DCGAN's [-1, 1]).
         *
         * @param sigma at least 0
         * @return this builder
         */
        public Builder instanceNoise(float sigma) {
            if (!(sigma >= 0f) || !Float.isFinite(sigma)) {
                throw new IllegalArgumentException("the instance noise must be a finite standard deviation of at least 0, got " + sigma);
            }
            instanceNoise = sigma;
            return this;
        }

        /**
         * Measures the GAN's FID (samples against the test data, on the features of LatentCL's classifier
         * for the data, trained and cached on first use) every {@code n} epochs and after the last:
         * in the epoch metrics, metrics.jsonl and fid.png. Needs labelled images.
         *
         * @param n epochs between measurements; 0 (the default) never
         * @return this builder
         */
        public Builder evalEvery(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("evalEvery must be 0 (never) or a number of epochs, got " + n);
            }
            evalEvery = n;
            return this;
        }

        /**
         * GAN learning rates (both networks') falling linearly from their set values to 0 over the run
         * (default false: constant).
         *
         * @param on whether to decay them
         * @return this builder
         */
        public Builder learningRateDecay(boolean on) {
            lrDecay = on;
            return this;
        }

        /**
         * Seeds the shuffling and the noise (default 1).
         *
         * @param s the seed
         * @return this builder
         */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /**
         * Writes a run directory as {@code train} does; it must be new or empty.
         *
         * @param dir the directory, created if needed
         * @return this builder
         */
        public Builder outputDirectory(Path dir) {
            out = dir;
            return this;
        }

        /**
         * Records every kernel (or Java operation) and writes profile.txt and trace.json into the
         * output directory, which profiling needs; the table also goes to the listeners' {@code info}.
         *
         * @param on whether to profile
         * @return this builder
         */
        public Builder profile(boolean on) {
            profile = on;
            return this;
        }

        /**
         * Continues the VAE or GAN run saved in the output directory (its checkpoint, optimizer
         * state and random stream) up to {@link #epochs(int)} epochs in all, exactly where it
         * stopped, even inside an epoch. The model must have the saved run's shape; its weights are
         * replaced by the saved ones. The batch must be the run's; the other settings are this
         * trainer's, so give the run's own to continue it exactly.
         *
         * @param on whether to resume
         * @return this builder
         */
        public Builder resume(boolean on) {
            resume = on;
            return this;
        }

        /**
         * Lets a fresh run write into an output directory that holds files already (its metrics
         * start anew; other files are replaced as the run writes them).
         *
         * @param on whether to overwrite
         * @return this builder
         */
        public Builder overwrite(boolean on) {
            overwrite = on;
            return this;
        }

        /**
         * The name of the data recorded in the checkpoint, so that {@code eval --checkpoint} finds
         * the test set: a name or path {@code Datasets.load} accepts. By default the dataset's own
         * name, which is right for data from {@code Datasets.load("default")} and the like.
         *
         * @param spec a data specification
         * @return this builder
         */
        public Builder dataName(String spec) {
            dataName = spec;
            return this;
        }

        /**
         * Trains data-parallel on these devices, the model's own device first: each holds a replica
         * of the model for the run, and the model keeps the trained weights. One device is the plain
         * run.
         *
         * @param list the devices, each once, in the order that fixes the shards and the sums
         * @return this builder
         */
        public Builder devices(List<Device> list) {
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
            return this;
        }

        /**
         * As {@link #devices(List)}.
         *
         * @param list the devices, the model's own first
         * @return this builder
         */
        public Builder devices(Device... list) {
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
        public Builder balance(boolean on) {
            balance = on;
            return this;
        }

        /**
         * Adds a listener; listeners are called in the order added.
         *
         * @param l the listener
         * @return this builder
         */
        public Builder listener(TrainingListener l) {
            if (l == null) {
                throw new IllegalArgumentException("the listener is null");
            }
            listeners.add(l);
            return this;
        }

        /**
         * The trainer.
         *
         * @return a trainer that can be used for any number of runs
         * @throws IllegalArgumentException when profiling is on without an output directory
         */
        public Trainer build() {
            if (profile && out == null) {
                throw new IllegalArgumentException("profiling writes profile.txt and trace.json, so it needs an output directory");
            }
            if (resume && out == null) {
                throw new IllegalArgumentException("resuming needs the output directory of the run to continue");
            }
            return new Trainer(this);
        }

        private static int positive(int n, String what) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be at least 1, got " + n);
            }
            return n;
        }
    }
}
