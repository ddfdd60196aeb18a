package org.latentcl;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;
import org.latentcl.data.Decoder;
import org.latentcl.model.VaeConfig;
import org.latentcl.train.OneHot;
import org.latentcl.train.VaeSampling;

/**
 * A variational autoencoder (Kingma &amp; Welling 2014) on a device: an MLP (or convolutional, see
 * {@link Builder#convolutional}) encoder to the posterior's mean and log-variance, the
 * reparameterization trick, and an MLP (or transposed-convolution) decoder. Build one
 * with {@link #builder()}, train it with a {@link Trainer}, save it with {@link Checkpoints}.
 *
 * <pre>{@code
 * try (Vae vae = Vae.builder().input(784).hidden(400).latent(20).decoder(Decoder.BERNOULLI).build()) {
 *     float[][] digits = vae.sample(16, 7);
 * }
 * }</pre>
 *
 * <p>Rows of data are {@code float[]} of {@link #input()} values; the methods take and return
 * arrays of rows and work in chunks, so any number of rows is fine.
 *
 * <p>A conditional VAE ({@link Builder#classes}, Sohn et al. 2015) sees each example's class in its
 * encoder and its decoder: its methods take a class per row ({@link #encode(float[][], int[])},
 * {@link #sample(int, int[], long)}), and training reads the labels of the data.
 */
public final class Vae extends OnDevice<org.latentcl.model.VaeNetwork> implements Model {
    /** Rows per chunk when the model is used outside training. */
    static final int DEFAULT_BATCH = 128;
    /** Rows per chunk of {@link #evaluate}: the float sums run chunk by chunk, so it is part of the figures' last bits. */
    static final int EVALUATION_BATCH = 1000;
    /** Rows per chunk of {@link #iwae} when k is small: whole examples of k rows each. */
    static final int IWAE_ROWS = 2048;

    private final VaeConfig config;

    /** A VAE on the device whose fresh parameters {@code init} sets (initializes or loads). */
    Vae(Device device, boolean ownsDevice, VaeConfig config, int maxBatch, Consumer<org.latentcl.model.VaeNetwork> init) {
        super(device, ownsDevice, "VAE", b -> new org.latentcl.model.VaeNetwork(device.backend(), config, b),
                org.latentcl.model.VaeNetwork::maxBatch, maxBatch, init);
        this.config = config;
    }

    /**
     * A builder whose defaults are those of {@code train vae}: 784 inputs, one hidden layer of 400,
     * 20 latent dimensions, a Bernoulli decoder, seed 1, on {@link Devices#auto()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Features per example.
     *
     * @return the input size
     */
    public int input() {
        return config.input();
    }

    /**
     * The encoder's hidden sizes (a convolutional VAE's channel widths), first to last; the decoder mirrors them.
     *
     * @return a copy of the sizes
     */
    public int[] hidden() {
        return config.hidden().clone();
    }

    /**
     * Whether the encoder and decoder are convolutional.
     *
     * @return true for a convolutional VAE
     */
    public boolean convolutional() {
        return config.convolutional();
    }

    /**
     * The latent size.
     *
     * @return latent dimensions
     */
    public int latent() {
        return config.latent();
    }

    /**
     * The decoder's likelihood.
     *
     * @return BERNOULLI or GAUSSIAN
     */
    public Decoder decoder() {
        return config.decoder();
    }

    /**
     * The Gaussian decoder's standard deviation (unused by a Bernoulli decoder).
     *
     * @return sigma
     */
    public float sigma() {
        return config.sigma();
    }

    /**
     * The classes of a conditional VAE.
     *
     * @return the number of classes, 0 for an unconditional VAE
     */
    public int classes() {
        return config.classes();
    }

    /**
     * The posterior q(z|x) of each row: its mean and log-variance.
     *
     * @param x rows of {@link #input()} values
     * @return mu and logvar, each with one row of {@link #latent()} values per row of x
     */
    public Encoding encode(float[][] x) {
        return encode(x, null);
    }

    /**
     * The posterior q(z|x, y) of each row of a conditional VAE, given its class.
     *
     * @param x       rows of {@link #input()} values
     * @param classes the class of each row (null for an unconditional VAE)
     * @return mu and logvar, each with one row of {@link #latent()} values per row of x
     */
    public Encoding encode(float[][] x, int[] classes) {
        org.latentcl.model.VaeNetwork v = live();
        float[][] both = VaeSampling.encode(v, OneHot.append(v.config().classes(), Rows.flatten(x, input(), "x"), x.length, input(), classes), x.length);
        return new Encoding(Rows.split(both[0], x.length, latent()), Rows.split(both[1], x.length, latent()));
    }

    /**
     * Decodes latent codes: probabilities (the sigmoid of the logits) for a Bernoulli decoder,
     * means for a Gaussian one.
     *
     * @param z rows of {@link #latent()} values
     * @return one row of {@link #input()} values per code
     */
    public float[][] decode(float[][] z) {
        return decode(z, null);
    }

    /**
     * Decodes latent codes of a conditional VAE, each as an example of the class given for it.
     *
     * @param z       rows of {@link #latent()} values
     * @param classes the class of each code (null for an unconditional VAE)
     * @return one row of {@link #input()} values per code
     */
    public float[][] decode(float[][] z, int[] classes) {
        org.latentcl.model.VaeNetwork v = live();
        return Rows.split(VaeSampling.decode(v, OneHot.append(v.config().classes(), Rows.flatten(z, latent(), "z"), z.length, latent(), classes),
                z.length), z.length, input());
    }

    /**
     * Reconstructs rows through the posterior means: decode(mu(x)).
     *
     * @param x rows of {@link #input()} values
     * @return the reconstructions, one per row
     */
    public float[][] reconstruct(float[][] x) {
        return reconstruct(x, null);
    }

    /**
     * Reconstructs rows of a conditional VAE through the posterior means, each with its class.
     *
     * @param x       rows of {@link #input()} values
     * @param classes the class of each row (null for an unconditional VAE)
     * @return the reconstructions, one per row
     */
    public float[][] reconstruct(float[][] x, int[] classes) {
        org.latentcl.model.VaeNetwork v = live();
        return Rows.split(VaeSampling.reconstruct(v, OneHot.append(v.config().classes(), Rows.flatten(x, input(), "x"), x.length, input(), classes),
                x.length), x.length, input());
    }

    /**
     * Draws from the model: codes from the prior N(0, I), decoded. The same seed gives the same
     * samples on every device. A conditional VAE draws the classes in order, as evenly as n allows
     * (draw i is of class i * classes() / n).
     *
     * @param n    how many
     * @param seed seeds the codes
     * @return n rows of {@link #input()} values
     */
    public float[][] sample(int n, long seed) {
        Rows.checkCount(n, "the number of samples");
        int[] each = null;
        if (classes() > 0) {
            each = new int[n];
            for (int i = 0; i < n; i++) {
                each[i] = (int) ((long) i * classes() / n);
            }
        }
        return sample(n, each, seed);
    }

    /**
     * Draws examples of the given classes from a conditional VAE: codes from the prior, decoded with
     * each one's class. The same seed gives the same codes whatever the classes.
     *
     * @param n       how many
     * @param classes the class of each draw, n of them (null for an unconditional VAE)
     * @param seed    seeds the codes
     * @return n rows of {@link #input()} values
     */
    public float[][] sample(int n, int[] classes, long seed) {
        return sample(n, classes, seed, 1f);
    }

    /**
     * Draws at a temperature: codes z = m + t eps from N(m, t^2 I), decoded. Below 1 the draws lie nearer the
     * prior's mode: each is more typical of its class and they vary less (Kingma &amp; Dhariwal's reduced
     * temperature); 1 is {@link #sample(int, int[], long)}, to the bit.
     *
     * @param n           how many
     * @param classes     the class of each draw, n of them (null for an unconditional VAE)
     * @param seed        seeds the codes
     * @param temperature t, above 0
     * @return n rows of {@link #input()} values
     */
    public float[][] sample(int n, int[] classes, long seed, float temperature) {
        Rows.checkCount(n, "the number of samples");
        return Rows.split(VaeSampling.sample(live(), n, seed, classes, temperature), n, input());
    }

    /**
     * Interpolation: walks between two draws from the prior each, {@code steps} codes along the arc from one
     * to the other (spherical interpolation), decoded. A conditional VAE's walk w is of class {@code classes[w]}
     * and walks around that class's prior mean. The same seed gives the same walks on every device.
     *
     * @param walks   how many walks
     * @param steps   points a walk, at least 2 (the first and last are the two draws)
     * @param classes the class of each walk, {@code walks} of them (null for an unconditional VAE)
     * @param seed    seeds the draws
     * @return walks x steps rows of {@link #input()} values, walk after walk
     */
    public float[][] interpolate(int walks, int steps, int[] classes, long seed) {
        Rows.checkCount(walks, "the number of walks");
        if (steps < 2) {
            throw new IllegalArgumentException("a walk has at least 2 points, got " + steps);
        }
        return Rows.split(VaeSampling.interpolate(live(), walks, steps, seed, classes), walks * steps, input());
    }

    /**
     * The negative evidence lower bound of the rows, per example in nats, with its two terms (the test loss
     * {@code train} logs): one code z ~ q(z|x) a row, the KL in closed form. The same seed gives the same
     * figures on every device, to the last bits on each.
     *
     * @param x       rows of {@link #input()} values
     * @param classes the class of each row (null for an unconditional VAE)
     * @param seed    seeds the codes
     * @return -ELBO, reconstruction term and KL, each averaged over the rows
     */
    public Evaluation evaluate(float[][] x, int[] classes, long seed) {
        Rows.checkCount(x.length, "the number of rows");
        // Fewer rows than a chunk are one chunk whatever its size: no larger model is built for them.
        int chunk = Math.min(EVALUATION_BATCH, x.length);
        org.latentcl.model.VaeNetwork v = live(chunk);
        try (org.latentcl.backend.Tensor t = rowsAsRead(v, x, classes)) {
            double[] e = org.latentcl.train.VaeEvaluation.elbo(v, t, new org.latentcl.nn.RandomStream(seed, 0), chunk);
            return new Evaluation(e[0], e[1], e[2]);
        }
    }

    /**
     * The importance-weighted estimate of -log p(x) per example, in nats (Burda et al. 2016): with k codes
     * z_k ~ q(z|x) a row, -log (1/k) sum_k p(x|z_k) p(z_k) / q(z_k|x). It is at most the -ELBO and falls
     * towards -log p(x) as k grows; 1 is the -ELBO with one sampled KL.
     *
     * @param x       rows of {@link #input()} values
     * @param classes the class of each row (null for an unconditional VAE)
     * @param k       importance samples a row, at least 1
     * @param seed    seeds the codes
     * @return the estimate, averaged over the rows
     */
    public double iwae(float[][] x, int[] classes, int k, long seed) {
        Rows.checkCount(x.length, "the number of rows");
        if (k < 1) {
            throw new IllegalArgumentException("the IWAE estimate needs at least 1 importance sample, got " + k);
        }
        // Chunks of about IWAE_ROWS rows, whole examples of k rows each.
        int rows = (int) Math.min(Math.max(k, IWAE_ROWS / k * k), (long) x.length * k);
        org.latentcl.model.VaeNetwork v = live(rows);
        try (org.latentcl.backend.Tensor t = rowsAsRead(v, x, classes)) {
            return org.latentcl.train.VaeEvaluation.iwae(v, t, k, new org.latentcl.nn.RandomStream(seed, 1L << 40), rows);
        }
    }

    /** The rows on the device as the network reads them: a conditional VAE's followed by their one-hot classes. */
    private org.latentcl.backend.Tensor rowsAsRead(org.latentcl.model.VaeNetwork v, float[][] x, int[] classes) {
        float[] rows = OneHot.append(v.config().classes(), Rows.flatten(x, input(), "x"), x.length, input(), classes);
        return v.backend().upload(rows, x.length, v.config().rowWidth());
    }

    @Override
    public Map<String, float[]> weights() {
        return live().parameters().toHost();
    }

    @Override
    public void loadWeights(Map<String, float[]> weights) {
        live().parameters().load(weights);
    }

    /**
     * The architecture in words, as {@code train vae} prints it: "VAE 784-[400]-20 bernoulli", "conv VAE 3x32x32 channels
     * [32, 64] latent 32 bernoulli", with "conditional (10 classes)" before a conditional one.
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
    org.latentcl.model.VaeNetwork live(int batch) {
        return live(batch, (from, to) -> to.parameters().load(from.parameters().toHost()));
    }

    /**
     * A posterior: per row, the mean and the log-variance of q(z|x).
     *
     * @param mu     the means, one row of latent values per example
     * @param logvar the log-variances, likewise
     */
    public record Encoding(float[][] mu, float[][] logvar) {
    }

    /**
     * Test-set measures: the negative ELBO and its terms, per example in nats.
     *
     * @param loss           -ELBO = reconstruction + KL
     * @param reconstruction -log p(x|z) for one sampled z
     * @param kl             KL(q(z|x) || p(z)), in closed form
     */
    public record Evaluation(double loss, double reconstruction, double kl) {
    }

    /** Sets up a {@link Vae}; every setter returns the builder. */
    public static final class Builder {
        private int input = 784;
        private int[] hidden = {400};
        private int latent = 20;
        private Decoder decoder = Decoder.BERNOULLI;
        private float sigma = 1f;
        private long seed = 1;
        private int classes;
        private Device device;
        private org.latentcl.model.ImageShape image;

        private Builder() {
        }

        /**
         * Makes the encoder and decoder convolutional, for images of the given shape: per width a
         * Conv2d(kernel 4, stride 2, padding 1) and ReLU, the mu and log-variance heads from the last
         * feature map, and a mirrored decoder of ConvTranspose2d layers ({@code torch_ref.py convvae}
         * for 28x28x1 with widths 32, 64). Each width halves the image, so its sides must divide by
         * 2^widths. Sets {@link #input} to channels x height x width.
         *
         * @param channels 1 for grey, 3 for colour
         * @param height   image height
         * @param width    image width
         * @param widths   the convolutions' channel widths, first to last (32, 64 in the reference)
         * @return this builder
         */
        public Builder convolutional(int channels, int height, int width, int... widths) {
            image = new org.latentcl.model.ImageShape(channels, height, width);
            hidden = widths.clone();
            input = image.size();
            return this;
        }

        /**
         * Features per example (784 for 28x28 images).
         *
         * @param n the input size
         * @return this builder
         */
        public Builder input(int n) {
            input = n;
            return this;
        }

        /**
         * The encoder's hidden layer sizes, first to last (ReLU); the decoder mirrors them.
         *
         * @param sizes one or more sizes
         * @return this builder
         */
        public Builder hidden(int... sizes) {
            hidden = sizes.clone();
            return this;
        }

        /**
         * Makes the VAE class-conditional (Sohn et al. 2015): the one-hot class enters the encoder
         * beside the data (an MLP's first layer; a convolutional encoder's flattened features) and
         * the decoder beside the code. Default 0: unconditional.
         *
         * @param n the number of classes (at least 2), or 0
         * @return this builder
         */
        public Builder classes(int n) {
            if (n < 0 || n == 1) {
                throw new IllegalArgumentException("a conditional VAE needs at least two classes (0 for an unconditional one), got " + n);
            }
            classes = n;
            return this;
        }

        /**
         * Latent dimensions (default 20).
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder latent(int n) {
            latent = n;
            return this;
        }

        /**
         * The decoder's likelihood.
         *
         * @param d BERNOULLI (data in [0, 1]) or GAUSSIAN
         * @return this builder
         */
        public Builder decoder(Decoder d) {
            decoder = d;
            return this;
        }

        /**
         * The Gaussian decoder's standard deviation (default 1).
         *
         * @param s a positive number
         * @return this builder
         */
        public Builder sigma(float s) {
            sigma = s;
            return this;
        }

        /**
         * Seeds the initial weights (as PyTorch's nn.Linear initializes them; default 1).
         *
         * @param s the seed
         * @return this builder
         */
        public Builder seed(long s) {
            seed = s;
            return this;
        }

        /**
         * The device to build on; without one the VAE opens {@link Devices#auto()} and closes it
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
         * Builds the VAE and initializes its weights.
         *
         * @return the VAE, which holds device memory until closed
         * @throws IllegalArgumentException for sizes that are not positive, a sigma that is not a
         *                                  positive number, or a missing decoder
         */
        public Vae build() {
            if (decoder == null) {
                throw new IllegalArgumentException("the decoder must be BERNOULLI or GAUSSIAN, got null");
            }
            VaeConfig config = new VaeConfig(input, hidden, latent, decoder, sigma, image, classes);
            return Devices.buildOn(device, d -> new Vae(d, device == null, config, DEFAULT_BATCH, v -> v.initialize(seed)));
        }

        @Override
        public String toString() {
            return "Vae.Builder " + input + "-" + Arrays.toString(hidden) + "-" + latent;
        }
    }
}
