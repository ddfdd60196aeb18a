package org.latentcl;

import java.util.List;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.model.GanNetwork;
import org.latentcl.train.GanTraining;

/**
 * Trains a {@link Gan} by Algorithm 1 of Goodfellow et al. (2014): {@link Builder#k(int) k}
 * discriminator steps per generator step, each network with its own Adam. Beside the settings
 * every {@link Trainer} has, it takes the GAN's own: Adam's beta1, k, the discriminator's learning
 * rate, label smoothing, instance noise, FID every few epochs, a learning-rate decay and a generator
 * average. Defaults:
 * 10 epochs, batch 128, learning rate 2e-4 for both networks, beta1 0.5, k = 1, seed 1.
 */
public final class GanTrainer extends Trainer<Gan, GanEpochMetrics> {
    private final float beta1;
    private final int k;
    private final Float discriminatorLearningRate;
    private final float realLabel;
    private final float instanceNoise;
    private final int evalEvery;
    private final boolean lrDecay;
    private final float generatorAverage;
    private final float r1;
    private final int r1Every;
    private final float gradientPenalty;
    private final int fakesPerReal;

    private GanTrainer(Builder b) {
        super(b);
        beta1 = b.beta1;
        k = b.k;
        discriminatorLearningRate = b.discriminatorLearningRate;
        realLabel = b.realLabel;
        instanceNoise = b.instanceNoise;
        evalEvery = b.evalEvery;
        lrDecay = b.lrDecay;
        generatorAverage = b.generatorAverage;
        r1 = b.r1;
        r1Every = b.r1Every;
        gradientPenalty = b.gradientPenalty;
        fakesPerReal = b.fakesPerReal;
    }

    /**
     * A builder with the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The samples whose FID against the test data {@link Builder#evalEvery} logs. */
    public static final int FID_SAMPLES = GanTraining.FID_SAMPLES;

    @Override
    float defaultLearningRate() {
        return 2e-4f;
    }

    /**
     * The discriminator's learning rate: the one set, else {@link #learningRate()}.
     *
     * @return the rate
     */
    public float discriminatorLearningRate() {
        return discriminatorLearningRate != null ? discriminatorLearningRate : learningRate();
    }

    /**
     * How often the FID of samples is logged, in epochs (0: never).
     *
     * @return the interval
     */
    public int evalEvery() {
        return evalEvery;
    }

    /**
     * R1's gamma (0: none).
     *
     * @return gamma
     */
    public float r1() {
        return r1;
    }

    /**
     * The discriminator steps between two R1 steps (1: every step).
     *
     * @return the interval
     */
    public int r1Every() {
        return r1Every;
    }

    /**
     * WGAN-GP's lambda (0: none).
     *
     * @return lambda
     */
    public float gradientPenalty() {
        return gradientPenalty;
    }

    /**
     * Generated examples per real one in each step ({@link Builder#fakesPerReal}).
     *
     * @return at least 1
     */
    public int fakesPerReal() {
        return fakesPerReal;
    }

    /**
     * A builder set up to continue the run a trainer with an output directory (or {@code train gan}) left in a directory,
     * as it was: every setting the run recorded (batch, both learning rates and their schedule, beta1, k, seed, the
     * stabilizers of training, the FID interval, the generator average and the data name), writing into the directory with
     * resuming on, up to the run's own target of epochs unless {@link Builder#epochs} sets another total. Devices,
     * listeners, profiling and what to keep are set as for a fresh run. Load the model with {@link Checkpoints#loadGan}
     * from the directory's {@code checkpoint.safetensors}.
     *
     * @param runDirectory the run's directory
     * @return the builder
     * @throws IllegalArgumentException naming the directory when it holds no GAN run that can be continued
     */
    public static Builder resuming(java.nio.file.Path runDirectory) {
        GanTraining.Options o = GanTraining.resumeOptions(runDirectory, 1, false);
        Builder b = builder().batch(o.batch()).learningRate(o.lr()).beta1(o.beta1()).k(o.k()).seed(o.seed()).discriminatorLearningRate(o.dLr())
                .realLabel(o.realLabel()).instanceNoise(o.instanceNoise()).evalEvery(o.evalEvery()).learningRateDecay(o.lrDecay())
                .generatorAverage(o.generatorAverage()).learningRateSchedule(Schedule.valueOf(o.schedule().kind().name()))
                .warmupSteps(o.schedule().warmupSteps()).r1(o.r1()).r1Every(o.r1Every()).gradientPenalty(o.gradientPenalty()).fakesPerReal(o.fakesPerReal()).outputDirectory(runDirectory).resume(true);
        return o.data() == null ? b : b.dataName(o.data());
    }

    /**
     * Trains a GAN on the training part of the data.
     *
     * @param gan  the model; it keeps the trained weights
     * @param data data with {@link Gan#data()} features; the test part is used only by {@link Builder#evalEvery}
     * @return the metrics of each epoch, warnings included
     * @throws IllegalArgumentException  when the data do not fit the model, or the settings do not fit
     *                                   its loss or pack size
     * @throws TrainingDivergedException when a loss becomes NaN or infinite
     * @throws TrainingStoppedException  when a listener stopped a run that has an output directory (saved, resumable)
     */
    @Override
    public List<GanEpochMetrics> fit(Gan gan, DataSplit data) {
        checkFeatures(data, gan.data(), "the GAN");
        if (batch % gan.pack() != 0) {
            throw new IllegalArgumentException("the batch (" + batch + ") must be a multiple of the discriminator's pack size ("
                    + gan.pack() + ")");
        }
        if (realLabel != 1f && (gan.loss() == Gan.Loss.HINGE || gan.loss() == Gan.Loss.WGAN)) {
            throw new IllegalArgumentException("label smoothing changes the BCE targets; the " + gan.loss().name().toLowerCase(java.util.Locale.ROOT)
                    + " loss has none");
        }
        float lr = learningRate();
        float dLr = discriminatorLearningRate();
        if (evalEvery == 0 && (keeping().patience() > 0 || keeping().keepBest())) {
            throw new IllegalArgumentException("patience and keepBest go by the FID, which evalEvery measures; set evalEvery too");
        }
        // learningRateDecay is the LINEAR schedule: the options take both and refuse a COSINE one beside it.
        GanTraining.Options opt = new GanTraining.Options(epochs, batch, lr, beta1, k, seed, outputDirectory(), dataName(data), profile,
                dLr, realLabel, instanceNoise, evalEvery, lrDecay, resume, generatorAverage, learningRateSchedule(), r1, r1Every, gradientPenalty,
                fakesPerReal);
        // The networks' buffers hold a step's generated examples, the larger side.
        int rows = Math.multiplyExact(batch, fakesPerReal);
        GanNetwork lead = gan.live(rows);
        return onDevices(lead, gan.device(), d -> new GanNetwork(d.backend(), lead.config(), rows),
                replicas -> io(() -> GanTraining.train(replicas, parallel(gan.device()), data, opt, listeners(), keeping()))).stream().map(GanEpochMetrics::of)
                .toList();
    }

    /**
     * Trains a GAN on all of the data.
     *
     * @param gan  the model; it keeps the trained weights
     * @param data examples with {@link Gan#data()} features
     * @return the metrics of each epoch
     */
    @Override
    public List<GanEpochMetrics> fit(Gan gan, Dataset data) {
        return fit(gan, new DataSplit(data, data, "the training data"));
    }

    /** Sets up a {@link GanTrainer}: the settings of {@link Trainer.Builder} and the GAN's own. */
    public static final class Builder extends Trainer.Builder<Builder, GanTrainer> {
        private float beta1 = 0.5f;
        private int k = 1;
        private Float discriminatorLearningRate;
        private float realLabel = 1f;
        private float instanceNoise;
        private int evalEvery;
        private boolean lrDecay;
        private float generatorAverage;
        private float r1;
        private int r1Every = 1;
        private float gradientPenalty;
        private int fakesPerReal = 1;

        private Builder() {
        }

        @Override
        GanTrainer create() {
            return new GanTrainer(this);
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
            k = Trainer.Builder.positive(steps, "k");
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
         * Keeps an exponential moving average of the generator's parameters (Yazıcı et al. 2019), with
         * the start-up ramp of Karras et al. 2020 (the average's half-life at most 5% of the generator
         * updates so far): the run's pictures, diversity, FID log and checkpoint samples come from it.
         * The checkpoint holds it beside the trained generator (as {@code ema.gen.*}); {@link Checkpoints}
         * loads it as the GAN's generator, while the {@link Gan} given to {@code fit} keeps the trained
         * weights. Default 0: none.
         *
         * @param decay the average's decay per generator update, in (0, 1) (0.999 is usual), or 0 for none
         * @return this builder
         */
        public Builder generatorAverage(float decay) {
            if (!(decay == 0f || (decay > 0f && decay < 1f))) {
                throw new IllegalArgumentException("the generator average's decay must be 0 (none) or in (0, 1), got " + decay);
            }
            generatorAverage = decay;
            return this;
        }

        /**
         * Adds R1 (Mescheder et al. 2018) to the discriminator's loss: gamma/2 E||dD/dx||^2, the squared gradient of its
         * logit with respect to real examples, which keeps it from pushing back at data it already judges right; its
         * gradient comes from a double backward written for Linear and convolution layers with ReLU-like activations, maxout
         * units and the minibatch std feature (a discriminator with batch norm is refused). Default 0: none.
         *
         * @param gamma the penalty's weight, &gt;= 0 (1 to 10 for images; about 0.1 for 2-D points)
         * @return this builder
         */
        public Builder r1(float gamma) {
            if (!(gamma >= 0f) || !Float.isFinite(gamma)) {
                throw new IllegalArgumentException("R1's gamma must be a finite number >= 0, got " + gamma);
            }
            r1 = gamma;
            return this;
        }

        /**
         * Takes R1 on every n-th discriminator step only, with n times its weight (lazy regularization, Karras et al.
         * 2020, who take n = 16): nearly the same effect at a fraction of the cost. Default 1.
         *
         * @param n the interval in discriminator steps, at least 1
         * @return this builder
         */
        public Builder r1Every(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("R1's interval must be at least 1 discriminator step, got " + n);
            }
            r1Every = n;
            return this;
        }

        /**
         * Adds WGAN-GP's gradient penalty (Gulrajani et al. 2017) to the discriminator's loss on every step: lambda
         * E(||dD/dx||_2 - 1)^2 at points drawn uniformly on the segments between real and generated examples, which
         * keeps the critic near 1-Lipschitz; for {@link Gan.Loss#WGAN} (other losses take it too). Its gradient comes
         * from the same double backward as {@link #r1}, with the same refusals. Default 0: none.
         *
         * @param lambda the penalty's weight, &gt;= 0 (the paper's is 10)
         * @return this builder
         */
        public Builder gradientPenalty(float lambda) {
            if (!(lambda >= 0f) || !Float.isFinite(lambda)) {
                throw new IllegalArgumentException("the gradient penalty's lambda must be a finite number >= 0, got " + lambda);
            }
            gradientPenalty = lambda;
            return this;
        }

        /**
         * Generated examples per real one in each step (default 1): the discriminator judges {@code batch x n} fresh
         * generated examples beside the batch's real ones, and the generator's step trains on them all. Generated examples
         * cost no data, so this gives both networks a larger sample of the generator's distribution without a larger
         * batch of data; each side's loss stays a mean over its own examples. docs/GAN.md measures it on the 5x5 grid.
         * Memory grows with the generated side: the networks' buffers hold {@code batch x n} rows.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder fakesPerReal(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("a step takes at least one generated example per real one, got " + n);
            }
            fakesPerReal = n;
            return this;
        }
    }
}
