package org.latentcl.model;

import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Activations;
import org.latentcl.backend.ops.BceWithLogits;
import org.latentcl.backend.ops.Elementwise;
import org.latentcl.backend.ops.RandomFill;
import org.latentcl.backend.ops.Sum;
import org.latentcl.backend.ops.Hinge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentcl.nn.ActivationLayer;
import org.latentcl.nn.Buffer;
import org.latentcl.nn.Gradient;
import org.latentcl.nn.Layer;
import org.latentcl.nn.Linear;
import org.latentcl.nn.MinibatchStdLayer;
import org.latentcl.nn.Parameters;
import org.latentcl.nn.Sequential;
import org.latentcl.nn.SpectralNorm;
import org.latentcl.nn.RandomStream;

/**
 * The generative adversarial network of Goodfellow et al. (2014). The generator G maps noise
 * z ~ N(0, I) to data (LeakyReLU 0.2 between layers, sigmoid or linear output); the discriminator
 * D maps data to one logit (LeakyReLU 0.2). D ascends the value function
 * V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))], i.e. minimizes BCE(D(x), 1) + BCE(D(G(z)), 0)
 * (batch means); G minimizes -log D(G(z)) (non-saturating) or log(1 - D(G(z))) (minimax).
 * Parameters are named gen.0.weight, ..., disc.0.weight, ... (PyTorch layout).
 *
 * <p>Statistics accumulate on the backend in a 1 x 4 tensor: sums over examples of the
 * discriminator's BCE terms, of the generator's loss terms, of D(x) and of D(G(z)).
 */
public final class GanNetwork implements AutoCloseable {
    public static final int D_LOSS = 0;
    public static final int G_LOSS = 1;
    public static final int D_REAL = 2;
    public static final int D_FAKE = 3;

    private final Backend be;
    private final GanConfig config;
    private final int maxBatch;
    private final Parameters genParams;
    private final Parameters discParams;
    private final Sequential gen;
    private final Sequential disc;
    private final Tensor z;
    private final Tensor prob;
    private final Tensor noisy;
    private final Tensor noise;
    private final int pack;
    private final SpectralNorm spectralNorm;
    private long normalizedVersion = -1;
    private Tensor fake;
    private int lastBatch;
    private int lastJudgments;

    public GanNetwork(Backend be, GanConfig config, int maxBatch) {
        this.be = be;
        this.config = config;
        this.maxBatch = maxBatch;
        this.pack = config.disc().pack();
        if (config.convolutional()) {
            gen = ConvArchitectures.dcganGenerator(config.image(), config.noise(), config.genHidden()[0], maxBatch);
            disc = ConvArchitectures.dcganDiscriminator(config.image(), config.discHidden()[0], pack, config.disc().minibatchStd(),
                    Math.max(1, maxBatch / pack));
        } else {
            Activation hidden = Activation.leakyRelu(GanConfig.SLOPE);
            gen = Sequential.mlp("gen", config.generatorSizes(), hidden, config.sigmoidOutput() ? Activation.SIGMOID : Activation.IDENTITY,
                    maxBatch);
            disc = mlpDiscriminator(config, Math.max(1, maxBatch / pack));
        }
        genParams = new Parameters(be, gen.specs());
        gen.bind(genParams);
        if (config.disc().spectralNorm()) {
            spectralNorm = new SpectralNorm(be, disc.specs());
            discParams = spectralNorm.trained();
            disc.bind(spectralNorm.effective());
        } else {
            spectralNorm = null;
            discParams = new Parameters(be, disc.specs());
            disc.bind(discParams);
        }
        z = be.zeros(maxBatch, config.noise());
        prob = be.zeros(maxBatch, 1);
        noisy = be.zeros(maxBatch, config.data());
        noise = be.zeros(maxBatch, config.data());
    }

    /**
     * The discriminator MLP: Linear layers disc.0, disc.1, ... with LeakyReLU between (as
     * {@link Sequential#mlp} names them), to one logit; with the minibatch std feature, a
     * {@link MinibatchStdLayer} before the last Linear, which then takes one more input.
     */
    private static Sequential mlpDiscriminator(GanConfig config, int maxRows) {
        int[] sizes = config.discriminatorSizes();
        Activation hidden = Activation.leakyRelu(GanConfig.SLOPE);
        if (!config.disc().minibatchStd()) {
            return Sequential.mlp("disc", sizes, hidden, Activation.IDENTITY, maxRows);
        }
        List<Layer> layers = new ArrayList<>();
        int hiddenLayers = sizes.length - 2;
        for (int i = 0; i < hiddenLayers; i++) {
            layers.add(new Linear("disc." + i, sizes[i], sizes[i + 1]));
            layers.add(new ActivationLayer("disc." + i + " act", hidden, sizes[i + 1]));
        }
        int last = sizes[hiddenLayers];
        layers.add(new MinibatchStdLayer("disc.std", last, 1, maxRows));
        layers.add(new Linear("disc." + hiddenLayers, last + 1, 1));
        return new Sequential(layers, maxRows);
    }

    public GanConfig config() {
        return config;
    }

    public Backend backend() {
        return be;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public Parameters generatorParameters() {
        return genParams;
    }

    public Parameters discriminatorParameters() {
        return discParams;
    }

    /**
     * Initializes both networks from one seed: as PyTorch's nn.Linear would for the MLPs; for the
     * DCGAN, convolution weights from N(0, 0.02), batch-norm gamma from N(1, 0.02) and beta 0
     * (Radford et al. 2016, as pytorch/examples does).
     */
    public void initialize(long seed) {
        if (config.convolutional()) {
            genParams.initializeNormal(seed, 0.02f);
            discParams.initializeNormal(seed ^ 0x0D15C0L, 0.02f);
        } else {
            genParams.initialize(seed);
            discParams.initialize(seed ^ 0x0D15C0L);
        }
        if (spectralNorm != null) {
            spectralNorm.initialize(seed ^ 0x5BEC7L);
        }
    }

    /** The discriminator's spectral normalization, or null without it. */
    public SpectralNorm spectralNorm() {
        return spectralNorm;
    }

    /**
     * Every buffer of both networks (batch norm's running statistics) and of the discriminator's
     * spectral normalization (u and v), under their state_dict names, in checkpoint order.
     */
    public List<Buffer> buffers() {
        List<Buffer> all = new ArrayList<>(generatorBuffers());
        all.addAll(discriminatorBuffers());
        return all;
    }

    /** The generator's buffers. */
    public List<Buffer> generatorBuffers() {
        return gen.buffers();
    }

    /** The discriminator's buffers, its spectral normalization's vectors last. */
    public List<Buffer> discriminatorBuffers() {
        List<Buffer> all = new ArrayList<>(disc.buffers());
        if (spectralNorm != null) {
            all.addAll(spectralNorm.buffers());
        }
        return all;
    }

    /** Every buffer's values by name (to copy them to a replica). */
    public Map<String, float[]> buffersToHost() {
        Map<String, float[]> out = new LinkedHashMap<>();
        buffers().forEach(b -> out.put(b.name(), b.read()));
        return out;
    }

    /** Sets every buffer from values named as {@link #buffersToHost} names them. */
    public void loadBuffers(Map<String, float[]> byName) {
        buffers().forEach(b -> b.write(byName.get(b.name())));
    }

    /**
     * How one step treats the discriminator's inputs and targets.
     *
     * @param realLabel     the target of real data in the BCE losses (1; 0.9 is one-sided label smoothing, Salimans et al. 2016)
     * @param instanceNoise the standard deviation of Gaussian noise added to every input of the discriminator, real and
     *                      generated (instance noise, Sønderby et al. 2017; 0 for none)
     */
    public record StepOptions(float realLabel, float instanceNoise) {
        /** The 2014 GAN's step. */
        public static final StepOptions PLAIN = new StepOptions(1f, 0f);
    }

    /**
     * The discriminator's gradients for one batch of real data x and as many fresh generated
     * examples: d/dθ_D of mean BCE(D(x), 1) + mean BCE(D(G(z)), 0), or of the hinge losses. Draws z
     * from rng and keeps it (and G's activations) for the generator step that follows. With packing,
     * uses the largest multiple of the pack size among x's rows. Returns how many judgments D made of
     * each kind (rows / pack), 0 when x has fewer rows than a pack.
     */
    public int discriminatorGradients(Tensor x, RandomStream rng, Tensor stats, StepOptions step) {
        return discriminatorGradients(x, rng, stats, step, x.rows() / pack);
    }

    /**
     * As above, for one device's shard of a batch in which D makes {@code batchJudgments}
     * judgments of each kind: the losses are means over the whole batch, so the shards' gradients
     * add up to the batch's.
     */
    public int discriminatorGradients(Tensor x, RandomStream rng, Tensor stats, StepOptions step, int batchJudgments) {
        int rows = x.rows();
        if (rows > maxBatch || x.cols() != config.data()) {
            throw new IllegalArgumentException("the GAN takes batches of at most " + maxBatch + " rows of " + config.data()
                    + " features, got " + x.shape());
        }
        int m = rows / pack;
        int b = m * pack;
        if (m == 0) {
            fake = null;
            return 0;
        }
        Tensor zb = z.rowRange(0, b);
        RandomFill.normal(be, zb, rng.seed(), rng.take((long) b * config.noise()));
        fake = gen.forward(zb);
        lastBatch = b;
        lastJudgments = batchJudgments;
        refreshNormalized(true);
        float scale = 1f / batchJudgments;
        Tensor real = judged(x.rowRange(0, b), rng, step.instanceNoise());
        Tensor logits = disc.forward(real);
        if (config.loss() == GanConfig.Loss.HINGE) {
            Hinge.hinge(be, logits, -1f, 1f, scale, disc.outputGrad(m), stats, D_LOSS, true);
        } else {
            BceWithLogits.bceWithLogits(be, logits, null, step.realLabel(), scale, disc.outputGrad(m), stats, D_LOSS, true);
        }
        meanProbability(logits, stats, D_REAL);
        disc.backward(real, disc.outputGradient(m), false, false);
        Tensor judgedFake = judged(fake, rng, step.instanceNoise());
        logits = disc.forward(judgedFake);
        if (config.loss() == GanConfig.Loss.HINGE) {
            Hinge.hinge(be, logits, 1f, 1f, scale, disc.outputGrad(m), stats, D_LOSS, true);
        } else {
            BceWithLogits.bceWithLogits(be, logits, null, 0f, scale, disc.outputGrad(m), stats, D_LOSS, true);
        }
        meanProbability(logits, stats, D_FAKE);
        disc.backward(judgedFake, disc.outputGradient(m), true, false);
        if (spectralNorm != null) {
            spectralNorm.backward();
        }
        return m;
    }

    /**
     * The generator's gradients on the noise of the last discriminator step, through the current
     * discriminator: d/dθ_G of mean -log D(G(z)) (non-saturating), mean log(1 - D(G(z))) (minimax)
     * or mean -D(G(z)) (hinge), the means over that step's batch (as it was given to it). Returns the judgments it was taken over (rows / pack).
     */
    public int generatorGradients(Tensor stats, RandomStream rng, StepOptions step) {
        if (fake == null) {
            throw new IllegalStateException("a generator step needs a discriminator step first (it reuses its noise)");
        }
        int b = lastBatch;
        int m = b / pack;
        float scale = 1f / lastJudgments;
        refreshNormalized(true);
        Tensor judgedFake = judged(fake, rng, step.instanceNoise());
        Tensor logits = disc.forward(judgedFake);
        switch (config.loss()) {
            case NONSATURATING -> BceWithLogits.bceWithLogits(be, logits, null, 1f, scale, disc.outputGrad(m), stats, G_LOSS, true);
            // log(1 - D) = -BCE(logit, 0): the gradient is that of BCE(logit, 0), negated.
            case MINIMAX -> BceWithLogits.bceWithLogits(be, logits, null, 0f, -scale, disc.outputGrad(m), stats, G_LOSS, true);
            case HINGE -> Hinge.linear(be, logits, -1f, scale, disc.outputGrad(m), stats, G_LOSS, true);
        }
        // dL/dG(z) through the fixed discriminator (instance noise adds, so passes gradients unchanged), then into G.
        Gradient dFake = disc.backwardInput(judgedFake, disc.outputGradient(m));
        gen.backward(z.rowRange(0, b), new Gradient(dFake.value().reshape(b, config.data()), dFake.throughActivation()), false, false);
        return m;
    }

    /**
     * What the discriminator sees of b examples: packed into b / pack rows of pack examples each
     * (a view: consecutive rows are consecutive in memory, so this concatenates features, or
     * channels of NCHW images), after adding instance noise when sigma &gt; 0.
     */
    private Tensor judged(Tensor x, RandomStream rng, float sigma) {
        Tensor in = x;
        if (sigma > 0f) {
            Tensor n = noise.rowRange(0, x.rows());
            RandomFill.normal(be, n, rng.seed(), rng.take((long) x.size()));
            in = noisy.rowRange(0, x.rows());
            Elementwise.axpy(be, x, sigma, n, in);
        }
        return in.reshape(x.rows() / pack, x.cols() * pack);
    }

    /** The discriminator's normalized weights from its trained ones: with a power iteration in training, else only when they changed. */
    private void refreshNormalized(boolean training) {
        if (spectralNorm == null || (!training && normalizedVersion == discParams.version())) {
            return;
        }
        spectralNorm.refresh(training);
        normalizedVersion = discParams.version();
    }

    /** The per-judgment generator loss from the accumulated G_LOSS sum (minimax sums BCE(., 0), whose negation is the loss). */
    public double generatorLoss(double sum) {
        return config.loss() == GanConfig.Loss.MINIMAX ? -sum : sum;
    }

    private void meanProbability(Tensor logits, Tensor stats, int index) {
        Tensor p = prob.rowRange(0, logits.rows());
        Activations.activate(be, Activation.SIGMOID, logits, p);
        Sum.sum(be, p, stats, index, true);
    }

    /**
     * The discriminator's probabilities D(x) for the rows of x (at most maxBatch; with packing, a
     * multiple of the pack size), into out (rows / pack x 1); batch norm in evaluation mode.
     */
    public void discriminate(Tensor x, Tensor out) {
        if (x.rows() > maxBatch || x.cols() != config.data() || x.rows() % pack != 0) {
            throw new IllegalArgumentException("the discriminator takes batches of at most " + maxBatch + " rows of " + config.data()
                    + " features" + (pack > 1 ? " in packs of " + pack : "") + ", got " + x.shape());
        }
        refreshNormalized(false);
        Activations.activate(be, Activation.SIGMOID, disc.forward(x.reshape(x.rows() / pack, x.cols() * pack), false), out);
    }

    /** Generates from codes z (b x noise, on this backend) into out (b x data); batch norm in evaluation mode, as after PyTorch's G.eval(). */
    public void generate(Tensor noise, Tensor out) {
        Elementwise.copy(be, gen.forward(noise, false), out);
    }

    @Override
    public void close() {
        gen.close();
        disc.close();
        z.close();
        prob.close();
        noisy.close();
        noise.close();
        genParams.close();
        if (spectralNorm != null) {
            spectralNorm.close();
        } else {
            discParams.close();
        }
    }
}
