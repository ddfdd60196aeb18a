package org.latentcl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.latentcl.model.GanConfig;
import org.latentcl.model.ImageShape;
import org.latentcl.train.GanSampling;

/**
 * A generative adversarial network (Goodfellow et al. 2014) on a device: a generator from noise
 * z ~ N(0, I) to data and a discriminator from data to the probability that the data are real,
 * both MLPs with LeakyReLU(0.2), or the convolutional DCGAN ({@link Builder#dcgan}). Build one with
 * {@link #builder()}, train it with a {@link Trainer}.
 *
 * <pre>{@code
 * try (Gan gan = Gan.builder().noise(64).generator(256, 512).discriminator(512, 256).build()) {
 *     float[][] fakes = gan.generate(16, 7);
 * }
 * }</pre>
 */
public final class Gan extends OnDevice<org.latentcl.model.GanNetwork> implements Model {
    /** The generator's objective. */
    public enum Loss {
        /** -log D(G(z)): strong gradients early in training (the paper's recommendation, the default). */
        NONSATURATING,
        /** log(1 - D(G(z))): the value function itself; its gradient vanishes while the discriminator wins. */
        MINIMAX,
        /**
         * The hinge loss (Lim &amp; Ye 2017; Miyato et al. 2018): the discriminator minimizes
         * max(0, 1 - D(x)) + max(0, 1 + D(G(z))) on its raw output, the generator -D(G(z)).
         */
        HINGE,
        /**
         * The Wasserstein loss (Arjovsky et al. 2017): the critic minimizes D(G(z)) - D(x) on its raw output, the
         * generator -D(G(z)); with WGAN-GP's gradient penalty ({@code GanTrainer.Builder.gradientPenalty}, Gulrajani
         * et al. 2017) in place of weight clipping.
         */
        WGAN
    }

    /** The generator's last layer. */
    public enum Output {
        /** A sigmoid, for data in [0, 1] such as images (the default). */
        SIGMOID,
        /** Linear, for data of any range. */
        LINEAR,
        /** tanh, the DCGAN's: the generator makes [-1, 1], which {@link #generate} maps back to the data's [0, 1]. */
        TANH
    }

    private final GanConfig config;

    /** A GAN on the device whose fresh parameters {@code init} sets (initializes or loads). */
    Gan(Device device, boolean ownsDevice, GanConfig config, int maxBatch, Consumer<org.latentcl.model.GanNetwork> init) {
        super(device, ownsDevice, "GAN", b -> new org.latentcl.model.GanNetwork(device.backend(), config, b),
                org.latentcl.model.GanNetwork::maxBatch, maxBatch, init);
        this.config = config;
    }

    /**
     * The discriminator's stabilizers in words, as the start line of {@code train gan} lists them: "spectral norm, pack 2,
     * minibatch std", empty for none.
     *
     * @return the list
     */
    public String discriminatorStabilizers() {
        return config.disc().equals(org.latentcl.model.GanConfig.Stabilizers.NONE) ? "" : config.disc().toString();
    }

    /**
     * Whether the DCGAN ({@link Builder#dcgan}) takes images of this size: square, of side 28, 16, 32, 64 or 128.
     *
     * @param height image height
     * @param width  image width
     * @return true when it does
     */
    public static boolean dcganTakes(int height, int width) {
        return org.latentcl.model.ConvArchitectures.dcganTakes(new org.latentcl.model.ImageShape(1, height, width));
    }

    /**
     * A builder whose defaults are those of {@code train gan}: 784 data features with a sigmoid
     * output, 64 noise dimensions, generator 256-512, discriminator 512-256, the non-saturating
     * loss, seed 1, on {@link Devices#auto()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Features per example of the data the generator makes.
     *
     * @return the data size
     */
    public int data() {
        return config.data();
    }

    /**
     * Noise dimensions.
     *
     * @return the size of z
     */
    public int noise() {
        return config.noise();
    }

    /**
     * The generator's hidden sizes.
     *
     * @return a copy of the sizes
     */
    public int[] generatorHidden() {
        return config.genHidden().clone();
    }

    /**
     * The discriminator's hidden sizes.
     *
     * @return a copy of the sizes
     */
    public int[] discriminatorHidden() {
        return config.discHidden().clone();
    }

    /**
     * The generator's last layer.
     *
     * @return SIGMOID, LINEAR, or TANH for a DCGAN
     */
    public Output output() {
        return config.tanhOutput() ? Output.TANH : config.sigmoidOutput() ? Output.SIGMOID : Output.LINEAR;
    }

    /**
     * Whether this is a DCGAN (convolutional generator and discriminator with batch norm).
     *
     * @return true for a DCGAN
     */
    public boolean convolutional() {
        return config.convolutional();
    }

    /**
     * The generator's loss.
     *
     * @return NONSATURATING, MINIMAX or HINGE
     */
    public Loss loss() {
        return Loss.valueOf(config.loss().name());
    }

    /**
     * Whether the discriminator's weights are spectrally normalized.
     *
     * @return true with spectral normalization
     */
    public boolean spectralNorm() {
        return config.disc().spectralNorm();
    }

    /**
     * How many examples the discriminator judges at once (PacGAN).
     *
     * @return 1 for the plain discriminator
     */
    public int pack() {
        return config.disc().pack();
    }

    /**
     * Whether the discriminator has the minibatch standard-deviation feature.
     *
     * @return true with it
     */
    public boolean minibatchStd() {
        return config.disc().minibatchStd();
    }

    /**
     * The MLP discriminator's maxout pieces per hidden unit ({@link Builder#discriminatorMaxout}).
     *
     * @return 1 for LeakyReLU units (and for the DCGAN)
     */
    public int discriminatorMaxout() {
        return config.disc().maxout();
    }

    /**
     * Whether the MLP generator normalizes its hidden layers' batches ({@link Builder#generatorBatchNorm}); the DCGAN's
     * generator always does.
     *
     * @return true with BatchNorm1d in the MLP generator
     */
    public boolean generatorBatchNorm() {
        return config.genBatchNorm();
    }

    /**
     * Whether both networks work in the training data's standardized units ({@link Builder#standardize}).
     *
     * @return true when the GAN keeps the data's moments
     */
    public boolean standardized() {
        return config.standardized();
    }

    /**
     * Whether the generator is residual, G(z) = z + MLP(z) ({@link Builder#residualGenerator}).
     *
     * @return true for the residual generator
     */
    public boolean residualGenerator() {
        return config.residual();
    }

    /**
     * Generates G(z) for noise z ~ N(0, I); the same seed gives the same samples on every device. A
     * DCGAN's samples come in the data's [0, 1] ((tanh + 1) / 2), with batch norm in evaluation mode.
     *
     * @param n    how many
     * @param seed seeds the noise
     * @return n rows of {@link #data()} values
     */
    public float[][] generate(int n, long seed) {
        Rows.checkCount(n, "the number of samples");
        return Rows.split(GanSampling.generate(live(), n, seed), n, data());
    }

    /**
     * The classes of a conditional GAN.
     *
     * @return the number of classes, 0 for an unconditional GAN
     */
    public int classes() {
        return config.classes();
    }

    /**
     * Generates G(z, y) from a conditional GAN, each sample of the class given for it; the same seed
     * gives the same z whatever the classes. ({@link #generate(int, long)} on a conditional GAN draws
     * every class in turn.)
     *
     * @param n       how many
     * @param classes the class of each sample, n of them (null for an unconditional GAN)
     * @param seed    seeds the noise
     * @return n rows of {@link #data()} values
     */
    public float[][] generate(int n, int[] classes, long seed) {
        return generate(n, classes, seed, 1f);
    }

    /**
     * Samples with the noise at a temperature, z ~ N(0, t^2 I): below 1 they trade variety for typicality, as
     * BigGAN's truncation trick does; 1 is {@link #generate(int, int[], long)}, to the bit.
     *
     * @param n           how many
     * @param classes     the class of each sample, n of them (null for an unconditional GAN)
     * @param seed        seeds the noise
     * @param temperature t, above 0
     * @return n rows of {@link #data()} values
     */
    public float[][] generate(int n, int[] classes, long seed, float temperature) {
        Rows.checkCount(n, "the number of samples");
        return Rows.split(GanSampling.generate(live(), n, seed, classes, temperature), n, data());
    }

    /**
     * Interpolation: walks between two noise draws each, {@code steps} vectors along the arc from one to the
     * other (spherical interpolation: a straight line between Gaussian draws passes near the origin, where the
     * generator was never trained), generated. A conditional GAN's walk w is of class {@code classes[w]}.
     *
     * @param walks   how many walks
     * @param steps   points a walk, at least 2 (the first and last are the two draws)
     * @param classes the class of each walk, {@code walks} of them (null for an unconditional GAN)
     * @param seed    seeds the draws
     * @return walks x steps rows of {@link #data()} values, walk after walk
     */
    public float[][] interpolate(int walks, int steps, int[] classes, long seed) {
        Rows.checkCount(walks, "the number of walks");
        if (steps < 2) {
            throw new IllegalArgumentException("a walk has at least 2 points, got " + steps);
        }
        return Rows.split(GanSampling.interpolate(live(), walks, steps, seed, classes), walks * steps, data());
    }

    /**
     * A conditional GAN's probability D(x, y) that each row is real data of the class given for it.
     *
     * @param x       rows of {@link #data()} values
     * @param classes the class of each row (null for an unconditional GAN)
     * @return one probability per row
     */
    public float[] discriminate(float[][] x, int[] classes) {
        return GanSampling.discriminate(live(), Rows.flatten(x, data(), "x"), x.length, classes);
    }

    /**
     * The discriminator's probability D(x) that each row is real data. A packing discriminator
     * ({@link #pack()} &gt; 1) judges consecutive groups of pack rows, and each row gets its group's.
     *
     * @param x rows of {@link #data()} values (with packing, a multiple of the pack size)
     * @return one probability per row
     */
    public float[] discriminate(float[][] x) {
        return GanSampling.discriminate(live(), Rows.flatten(x, data(), "x"), x.length);
    }

    /**
     * {@inheritDoc} The generator's names start with {@code gen.}, the discriminator's with {@code disc.};
     * a DCGAN's include batch norm's running_mean, running_var and num_batches_tracked, and a
     * spectrally normalized discriminator's weights are NAME.weight_orig with NAME.weight_u and
     * NAME.weight_v, as PyTorch's state_dict has them.
     */
    @Override
    public Map<String, float[]> weights() {
        return hostWeights(live());
    }

    @Override
    public void loadWeights(Map<String, float[]> weights) {
        load(live(), weights);
    }

    /**
     * The architecture in words, as logs print it ("GAN z64 G[256, 512] D[512, 256] -> 784 sigmoid, ...",
     * "DCGAN z100 ngf 64 ndf 64 -> 1x28x28 tanh, ...").
     *
     * @return the description
     */
    public String architecture() {
        return config.toString();
    }

    @Override
    public String toString() {
        return config + " on " + device().id();
    }

    /** The model on the device, for batches of up to {@code batch} rows. */
    org.latentcl.model.GanNetwork live(int batch) {
        return live(batch, (from, to) -> load(to, hostWeights(from)));
    }

    private static Map<String, float[]> hostWeights(org.latentcl.model.GanNetwork g) {
        Map<String, float[]> all = new LinkedHashMap<>(g.generatorParameters().toHost());
        all.putAll(g.discriminatorParameters().toHost());
        all.putAll(g.buffersToHost());
        return all;
    }

    private static void load(org.latentcl.model.GanNetwork g, Map<String, float[]> weights) {
        g.generatorParameters().load(weights);
        g.discriminatorParameters().load(weights);
        g.loadBuffers(weights);
    }

    /** Sets up a {@link Gan}; every setter returns the builder. */
    public static final class Builder {
        private int data = 784;
        private int noise = 64;
        private int[] generator = {256, 512};
        private int[] discriminator = {512, 256};
        private Output output = Output.SIGMOID;
        private Loss loss = Loss.NONSATURATING;
        private ImageShape image;
        private boolean spectralNorm;
        private int pack = 1;
        private boolean minibatchStd;
        private boolean discriminatorBatchNorm = true;
        private boolean generatorBatchNorm;
        private boolean standardize;
        private boolean residualGenerator;
        private int maxout = 1;
        private boolean noiseSet;
        private long seed = 1;
        private int classes;
        private boolean concatenate;
        private float auxWeight;
        private Device device;

        private Builder() {
        }

        /**
         * Features per example of the data (784 for 28x28 images).
         *
         * @param n the data size
         * @return this builder
         */
        public Builder data(int n) {
            data = n;
            return this;
        }

        /**
         * Noise dimensions.
         *
         * @param n the size of z
         * @return this builder
         */
        public Builder noise(int n) {
            noise = n;
            noiseSet = true;
            return this;
        }

        /**
         * The generator's hidden layer sizes, first to last.
         *
         * @param sizes one or more sizes
         * @return this builder
         */
        public Builder generator(int... sizes) {
            generator = sizes.clone();
            return this;
        }

        /**
         * The discriminator's hidden layer sizes, first to last.
         *
         * @param sizes one or more sizes
         * @return this builder
         */
        public Builder discriminator(int... sizes) {
            discriminator = sizes.clone();
            return this;
        }

        /**
         * The generator's last layer: SIGMOID for data in [0, 1], LINEAR otherwise.
         *
         * @param o the output layer
         * @return this builder
         */
        public Builder output(Output o) {
            output = o;
            return this;
        }

        /**
         * Makes a DCGAN (Radford et al. 2016, as pytorch/examples builds it) for images of the given
         * shape instead of MLPs: transposed convolutions, batch norm and ReLU in the generator, ending
         * in tanh; convolutions, batch norm and LeakyReLU(0.2) in the discriminator; no conv biases,
         * N(0, 0.02) weights; 100 noise dimensions unless {@link #noise} says otherwise. Sides 28 (the
         * MNIST DCGAN) or 16, 32, 64, 128 (the 64x64 DCGAN with one block per doubling). The data
         * stay in [0, 1]; training scales them to the generator's [-1, 1].
         *
         * @param channels 1 for grey, 3 for colour
         * @param height   image height
         * @param width    image width (equal to the height)
         * @param ngf      the generator's base width (64 in the paper)
         * @param ndf      the discriminator's base width (64)
         * @return this builder
         */
        public Builder dcgan(int channels, int height, int width, int ngf, int ndf) {
            image = new ImageShape(channels, height, width);
            generator = new int[] {ngf};
            discriminator = new int[] {ndf};
            data = image.size();
            if (!noiseSet) {
                noise = 100;
            }
            return this;
        }

        /**
         * The generator's loss.
         *
         * @param l NONSATURATING (default), MINIMAX or HINGE
         * @return this builder
         */
        public Builder loss(Loss l) {
            loss = l;
            return this;
        }

        /**
         * Spectral normalization of every discriminator weight (Miyato et al. 2018): one power
         * iteration per update, as {@code torch.nn.utils.spectral_norm}.
         *
         * @param on whether to normalize (default false)
         * @return this builder
         */
        public Builder spectralNorm(boolean on) {
            spectralNorm = on;
            return this;
        }

        /**
         * PacGAN (Lin et al. 2018): the discriminator judges {@code m} examples at once, concatenated.
         * The batch must be a multiple of m.
         *
         * @param m examples per judgment (default 1)
         * @return this builder
         */
        public Builder pack(int m) {
            if (m < 1) {
                throw new IllegalArgumentException("pack must be at least 1, got " + m);
            }
            pack = m;
            return this;
        }

        /**
         * The minibatch standard-deviation feature before the discriminator's last layer (Karras et al. 2018).
         *
         * @param on whether to add it (default false)
         * @return this builder
         */
        public Builder minibatchStd(boolean on) {
            minibatchStd = on;
            return this;
        }

        /**
         * Whether the DCGAN's discriminator has Radford et al.'s batch norm (default true). Without it (its middle
         * convolutions then take a bias), as the discriminators of spectral normalization and R1 are, a gradient penalty
         * can differentiate it ({@code GanTrainer.Builder.r1}, {@code gradientPenalty}). The MLP discriminator has none.
         *
         * @param on whether the DCGAN discriminator normalizes its middle layers' batches
         * @return this builder
         */
        public Builder discriminatorBatchNorm(boolean on) {
            discriminatorBatchNorm = on;
            return this;
        }

        /**
         * Whether the MLP generator normalizes each hidden layer's batch before its activation (default false), as
         * PacGAN's generators for the 2-D mixtures do (Lin et al. 2018): Linear, BatchNorm1d (checkpoint names
         * {@code gen.bn.I.*} with running statistics; sampling uses them, as PyTorch's {@code eval()}), LeakyReLU. The
         * DCGAN's generator has batch norm always.
         *
         * @param on whether to add it
         * @return this builder
         */
        public Builder generatorBatchNorm(boolean on) {
            generatorBatchNorm = on;
            return this;
        }

        /**
         * Both networks work in the training data's standardized units, as Keras's Normalization layer would put them:
         * the discriminator reads (x - mean) / std per feature, and the generator's output h becomes mean + std h. The
         * moments are taken from the training data before the first step (double sums, the population standard
         * deviation; 1 for a feature that never varies) and kept in the checkpoint as {@code data_mean} and
         * {@code data_std}, so {@link #generate} and {@link #discriminate} take and give the data's units. Instance
         * noise and the gradient penalties then act in standardized units. For the MLP GAN with a linear output (data
         * outside [0, 1], such as points); default false.
         *
         * @param on whether to standardize
         * @return this builder
         */
        public Builder standardize(boolean on) {
            standardize = on;
            return this;
        }

        /**
         * A residual MLP generator, G(z) = z + MLP(z) (noise as wide as the data, unconditional, linear output): it
         * starts near the identity, so with {@link #standardize} near the data's Gaussian fit, and only has to move
         * each sample to a mode nearby (docs/GAN.md, the 5x5 grid). Default false.
         *
         * @param on whether the generator adds its noise to its output
         * @return this builder
         */
        public Builder residualGenerator(boolean on) {
            residualGenerator = on;
            return this;
        }

        /**
         * Maxout units in the MLP discriminator's hidden layers (Goodfellow et al. 2013): each hidden Linear layer gives
         * {@code pieces} values per unit and the unit keeps their maximum, in place of LeakyReLU; PacGAN's 2-D
         * discriminators use 200 units of 5 pieces. Default 1: LeakyReLU. Not for the DCGAN.
         *
         * @param pieces values per unit (at least 1; 1 for LeakyReLU)
         * @return this builder
         */
        public Builder discriminatorMaxout(int pieces) {
            if (pieces < 1) {
                throw new IllegalArgumentException("maxout needs at least one piece per unit, got " + pieces);
            }
            maxout = pieces;
            return this;
        }

        /**
         * Makes the GAN class-conditional: the generator takes the one-hot class beside the noise,
         * and the discriminator adds the projection of its last features onto the class's embedding
         * ({@code disc_embed.weight}, as nn.Embedding holds it) to its logit (Miyato &amp; Koyama 2018).
         * Not with packing. Default 0: unconditional.
         *
         * @param n the number of classes (at least 2), or 0
         * @return this builder
         */
        public Builder classes(int n) {
            if (n < 0 || n == 1) {
                throw new IllegalArgumentException("a conditional GAN needs at least two classes (0 for an unconditional one), got " + n);
            }
            classes = n;
            return this;
        }

        /**
         * A conditional MLP GAN's discriminator reads the one-hot class beside its input,
         * torch.cat([x, one_hot(y)], 1) (Mirza &amp; Osindero 2014), instead of the projection (default
         * false). Not for the DCGAN.
         *
         * @param on whether to concatenate the class
         * @return this builder
         */
        public Builder concatenateClasses(boolean on) {
            concatenate = on;
            return this;
        }

        /**
         * An auxiliary classifier (AC-GAN, Odena et al. 2017) on a conditional projection discriminator's
         * features: the discriminator also learns to classify real data, the generator to have its samples
         * classified as the class asked for, each loss {@code weight} times the mean cross-entropy (default 0:
         * none). Needs {@link #classes}; not with {@link #concatenateClasses}.
         *
         * @param weight the weight of the classifier's losses, 0 for none
         * @return this builder
         */
        public Builder auxClassifier(float weight) {
            auxWeight = weight;
            return this;
        }

        /**
         * Seeds the initial weights of both networks (default 1).
         *
         * @param s the seed
         * @return this builder
         */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /**
         * The device to build on; without one the GAN opens {@link Devices#auto()} and closes it
         * when it is closed.
         *
         * @param d an open device
         * @return this builder
         */
        public Builder device(Device d) {
            device = d;
            return this;
        }

        /**
         * Builds the GAN and initializes its weights.
         *
         * @return the GAN, which holds device memory until closed
         * @throws IllegalArgumentException for sizes that are not positive or a missing output or loss
         */
        public Gan build() {
            if (output == null || loss == null) {
                throw new IllegalArgumentException("the output (SIGMOID or LINEAR) and the loss (NONSATURATING, MINIMAX or HINGE) must be set");
            }
            GanConfig.Loss l = GanConfig.Loss.valueOf(loss.name());
            GanConfig config;
            if (image != null) {
                if (data != image.size()) {
                    throw new IllegalArgumentException("a DCGAN on " + image + " images makes " + image.size() + " values, not " + data);
                }
                if (generatorBatchNorm || maxout > 1 || standardize || residualGenerator) {
                    throw new IllegalArgumentException(generatorBatchNorm ? "the DCGAN's generator has batch norm already;"
                            + " generatorBatchNorm is the MLP generator's" : maxout > 1 ? "maxout units are the MLP discriminator's, not the DCGAN's"
                            : "standardize and residualGenerator are for the MLP GAN; the DCGAN's data are scaled to its tanh's [-1, 1]");
                }
                config = GanConfig.dcgan(image, noise, generator[0], discriminator[0], l);
            } else {
                if (output == Output.TANH) {
                    throw new IllegalArgumentException("a tanh output is the DCGAN's; set dcgan(...) for it");
                }
                if (!discriminatorBatchNorm) {
                    throw new IllegalArgumentException("the MLP discriminator has no batch norm to drop; discriminatorBatchNorm is the DCGAN's");
                }
                config = new GanConfig(data, noise, generator, discriminator, output == Output.SIGMOID, l).withGeneratorBatchNorm(generatorBatchNorm)
                        .withScaling(standardize, residualGenerator);
            }
            GanConfig conditioned = config.with(new GanConfig.Stabilizers(spectralNorm, pack, minibatchStd, discriminatorBatchNorm, maxout))
                    .conditional(classes);
            GanConfig withStabilizers = (concatenate ? conditioned.concatenatingClasses() : conditioned).withAuxClassifier(auxWeight);
            return Devices.buildOn(device, d -> new Gan(d, device == null, withStabilizers, Vae.DEFAULT_BATCH,
                    g -> g.initialize(seed)));
        }
    }
}
