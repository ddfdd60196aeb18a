package org.latentcl;

import java.util.List;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Datasets;
import org.latentcl.data.Decoder;
import org.latentcl.model.VaeNetwork;
import org.latentcl.train.VaeTraining;

/**
 * Trains a {@link Vae}: Adam on the negative ELBO, the test set scored after every epoch. Its
 * settings are the ones every {@link Trainer} has, and the KL term's weight and warm-up; defaults:
 * 10 epochs, batch 128, learning rate 1e-3, seed 1, KL weight 1 without warm-up.
 */
public final class VaeTrainer extends Trainer<Vae, EpochMetrics> {
    private final float klWeight;
    private final int klWarmup;

    private VaeTrainer(Builder b) {
        super(b);
        klWeight = b.klWeight;
        klWarmup = b.klWarmup;
    }

    /**
     * A builder with the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    float defaultLearningRate() {
        return 1e-3f;
    }

    /**
     * The KL term's weight beta.
     *
     * @return beta (1: the ELBO)
     */
    public float klWeight() {
        return klWeight;
    }

    /**
     * Updates over which the KL's weight rises to {@link #klWeight()} (0: none).
     *
     * @return the warm-up in updates
     */
    public int klWarmup() {
        return klWarmup;
    }

    /**
     * A builder set up to continue the run a trainer with an output directory (or {@code train vae}) left in a directory,
     * as it was: its batch, learning rate and schedule, seed, KL weight and warm-up, and data name, writing into the
     * directory with resuming on, up to the run's own target of epochs unless {@link Builder#epochs} sets another total.
     * Devices, listeners, profiling and what to keep are set as for a fresh run. Load the model with
     * {@link Checkpoints#loadVae} from the directory's {@code checkpoint.safetensors}.
     *
     * @param runDirectory the run's directory
     * @return the builder
     * @throws IllegalArgumentException naming the directory when it holds no VAE run that can be continued
     */
    public static Builder resuming(java.nio.file.Path runDirectory) {
        org.latentcl.train.VaeTraining.Resumed r = org.latentcl.train.VaeTraining.resumed(runDirectory);
        Builder b = builder().batch(r.batch()).learningRate(r.lr()).seed(r.seed()).klWeight(r.klWeight()).klWarmup(r.klWarmup())
                .learningRateSchedule(Schedule.valueOf(r.schedule().kind().name())).warmupSteps(r.schedule().warmupSteps())
                .outputDirectory(runDirectory).resume(true);
        return r.data() == null ? b : b.dataName(r.data());
    }

    /**
     * Trains a VAE on data split as given: the test set is scored after every epoch.
     *
     * @param vae  the model; it keeps the trained weights
     * @param data training and test data with {@link Vae#input()} features
     * @return the metrics of each epoch, as in metrics.jsonl
     * @throws IllegalArgumentException  when the data do not fit the model (features, a Bernoulli
     *                                   decoder with data outside [0, 1], a batch larger than the data)
     * @throws TrainingDivergedException when the loss becomes NaN or infinite
     * @throws TrainingStoppedException  when a listener stopped a run that has an output directory (saved, resumable)
     */
    @Override
    public List<EpochMetrics> fit(Vae vae, DataSplit data) {
        checkFeatures(data, vae.input(), "the VAE");
        if (vae.decoder() == Decoder.BERNOULLI && !data.train().inUnitInterval()) {
            throw new IllegalArgumentException("the Bernoulli decoder needs data in [0, 1]; " + data.train().name()
                    + " has values outside it: build the VAE with Decoder.GAUSSIAN");
        }
        float lr = learningRate();
        VaeTraining.Options opt = new VaeTraining.Options(epochs, batch, lr, seed, outputDirectory(), resume, dataName(data), profile,
                klWeight, klWarmup, learningRateSchedule());
        VaeNetwork lead = vae.live(batch);
        return onDevices(lead, vae.device(), d -> new VaeNetwork(d.backend(), lead.config(), batch),
                replicas -> io(() -> VaeTraining.train(replicas, parallel(vae.device()), data, opt, listeners(), keeping()))).stream().map(EpochMetrics::of).toList();
    }

    /**
     * Trains a VAE, holding out a fixed 10% of the data (as {@link Datasets#holdOut(Dataset)} does) as its test set.
     *
     * @param vae  the model; it keeps the trained weights
     * @param data examples with {@link Vae#input()} features
     * @return the metrics of each epoch
     */
    @Override
    public List<EpochMetrics> fit(Vae vae, Dataset data) {
        return fit(vae, Datasets.holdOut(data));
    }

    /** Sets up a {@link VaeTrainer}: the settings of {@link Trainer.Builder}, which a VAE uses all of. */
    public static final class Builder extends Trainer.Builder<Builder, VaeTrainer> {
        private float klWeight = 1f;
        private int klWarmup;

        private Builder() {
        }

        /**
         * The KL term's weight beta in the objective reconstruction + beta * KL (Higgins et al.'s
         * beta-VAE; 1 is the ELBO). The reported losses stay the -ELBO and its two parts.
         *
         * @param beta a number of at least 0
         * @return this builder
         */
        public Builder klWeight(float beta) {
            if (!(beta >= 0f) || Float.isInfinite(beta)) {
                throw new IllegalArgumentException("the KL weight must be a number of at least 0, got " + beta);
            }
            klWeight = beta;
            return this;
        }

        /**
         * KL warm-up (Bowman et al. 2016): the KL's weight rises linearly from 1/steps of it at the
         * first update to all of it at update {@code steps}, so the decoder learns to use z before the
         * KL pulls the posterior to the prior.
         *
         * @param steps updates to reach the full weight (0: none)
         * @return this builder
         */
        public Builder klWarmup(int steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("the KL warm-up must be 0 (none) or a number of steps, got " + steps);
            }
            klWarmup = steps;
            return this;
        }

        @Override
        VaeTrainer create() {
            return new VaeTrainer(this);
        }
    }
}
