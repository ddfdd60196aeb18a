package org.latentcl.model;

import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Activations;
import org.latentcl.backend.ops.BceWithLogits;
import org.latentcl.backend.ops.CopyColumns;
import org.latentcl.backend.ops.Gemm;
import org.latentcl.backend.ops.SoftmaxCrossEntropy;
import org.latentcl.backend.ops.RowSums;
import org.latentcl.backend.ops.ScaleRows;
import org.latentcl.backend.ops.Elementwise;
import org.latentcl.backend.ops.RandomFill;
import org.latentcl.backend.ops.Sum;
import org.latentcl.backend.ops.Hinge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.latentcl.nn.ActivationLayer;
import org.latentcl.nn.BatchNorm2d;
import org.latentcl.nn.Buffer;
import org.latentcl.nn.Embedding;
import org.latentcl.nn.Gradient;
import org.latentcl.nn.Layer;
import org.latentcl.nn.Linear;
import org.latentcl.nn.MaxoutLayer;
import org.latentcl.nn.MinibatchStdLayer;
import org.latentcl.nn.ParamSpec;
import org.latentcl.nn.Parameters;
import org.latentcl.nn.Residual;
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
 * <p>A conditional GAN's rows end with the one-hot class, which the step splits off: the generator
 * reads [z, y], and the discriminator is a projection discriminator (Miyato &amp; Koyama 2018), its
 * body's features f(x) meeting the class's embedding (disc_embed) in logit = head(f(x)) + &lt;E y, f(x)&gt;,
 * or, with concatenation, an MLP reading [x, y].
 *
 * <p>Statistics accumulate on the backend in a 1 x 4 tensor: sums over examples of the
 * discriminator's BCE terms, of the generator's loss terms, of D(x) and of D(G(z)).
 */
public final class GanNetwork implements AutoCloseable {
    public static final int D_LOSS = 0;
    public static final int G_LOSS = 1;
    public static final int D_REAL = 2;
    public static final int D_FAKE = 3;
    /** The sum of ||dD/dx||^2 over the real rows R1 penalized (D's logit, the input as D judged it). */
    public static final int R1_NORMS = 4;
    /** The sum of WGAN-GP's terms lambda (||dD/dx||_2 - 1)^2 over the interpolated rows it penalized. */
    public static final int GP_TERMS = 5;
    /** Why a conditional GAN takes one generated example per real one, in one line. */
    public static final String CONDITIONAL_FAKES = "a class-conditional GAN takes one generated example per real one (its generated "
            + "examples take the classes of the batch's rows); more than one is built for unconditional GANs";
    /** The values a step's statistics tensor holds (1 x STATS). */
    public static final int STATS = 6;

    private final Backend be;
    private final GanConfig config;
    private final int maxBatch;
    private final Parameters genParams;
    private final Parameters discParams;
    private final Sequential gen;
    /** The discriminator; for a conditional GAN its body, up to the features the projection reads. */
    private final Sequential disc;
    /** A conditional GAN's last discriminator layer (features to the logit) and class embedding; null otherwise. */
    private final Sequential discHead;
    private final Sequential embed;
    /** The auxiliary classifier (AC-GAN) on the projection discriminator's features, its labels as class numbers and its losses; null without it. */
    private final Sequential aux;
    private final Tensor classNumbers;
    private final Tensor labels;
    private final Tensor auxLosses;
    private final Tensor z;
    /** A conditional GAN's buffers: the data and one-hot parts of a batch's rows, the generator's input [z, y], and the features times their class vectors. */
    private final Tensor data;
    private final Tensor onehot;
    private final Tensor codes;
    private final Tensor product;
    /** A discriminator that concatenates the class: its input rows [x, one-hot y], and dL/dx taken from dL/d(those rows). */
    private final Tensor joined;
    private final Tensor dData;
    private final Tensor prob;
    /** Instance noise's draws and the noisy input (and WGAN-GP's scratch), made on first use for the rows asked for. */
    private Tensor noisy;
    private Tensor noise;
    /** The largest batch the discriminator step has taken: what sampling chunks by ({@link #chunkRows}). */
    private int largestBatch;
    private final int pack;
    private final SpectralNorm spectralNorm;
    private long normalizedVersion = -1;
    private Tensor fake;
    /** A conditional discriminator's features and class vectors from its last forward pass, for the backward pass after it. */
    private Tensor lastFeatures;
    private Tensor lastEmbedded;
    private int lastBatch;
    private int lastJudgments;
    /** The generated side's statistics of a step with more generated examples than real ones; made on first use. */
    private Tensor sideStats;
    /** Each real row's first generated row, for WGAN-GP with more generated examples than real ones; made on first use. */
    private Tensor firstFakes;
    /** R1 and WGAN-GP on the discriminator, made on the first step that takes one. */
    private DiscriminatorPenalties penalties;
    /** A gradient penalty's tangent on the concatenated rows [u, 0] (concatenation only; made on first use). */
    private Tensor joinedTangent;
    /** The data's moments when the networks work in standardized units, and the real rows so scaled; null otherwise. */
    private final DataScaling scaling;
    private final Tensor scaledReal;

    public GanNetwork(Backend be, GanConfig config, int maxBatch) {
        this.be = be;
        this.config = config;
        this.maxBatch = maxBatch;
        this.pack = config.disc().pack();
        Sequential fullDisc;
        if (config.convolutional()) {
            gen = ConvArchitectures.dcganGenerator(config.image(), config.codeWidth(), config.genHidden()[0], maxBatch);
            fullDisc = ConvArchitectures.dcganDiscriminator(config.image(), config.discHidden()[0], pack, config.disc().minibatchStd(),
                    config.disc().batchNorm(),
                    Math.max(1, maxBatch / pack));
        } else {
            gen = mlpGenerator(config, maxBatch);
            fullDisc = mlpDiscriminator(config, Math.max(1, maxBatch / pack));
        }
        if (config.conditional() && !config.concatenated()) {
            // The projection discriminator (Miyato & Koyama 2018): logit = head(features) + <embed(y), features>.
            List<Layer> layers = fullDisc.layers();
            disc = new Sequential(layers.subList(0, layers.size() - 1), maxBatch);
            discHead = new Sequential(List.of(layers.get(layers.size() - 1)), maxBatch);
            embed = new Sequential(List.of(new Embedding("disc_embed", config.classes(), disc.outputSize())), maxBatch);
        } else {
            disc = fullDisc;
            discHead = null;
            embed = null;
        }
        aux = config.auxClassifier() ? new Sequential(List.of(new Linear("disc_aux", disc.outputSize(), config.classes())), maxBatch) : null;
        List<ParamSpec> discSpecs = new ArrayList<>(disc.specs());
        if (discHead != null) {
            discSpecs.addAll(discHead.specs());
            discSpecs.addAll(embed.specs());
        }
        if (aux != null) {
            discSpecs.addAll(aux.specs());
        }
        genParams = new Parameters(be, gen.specs());
        gen.bind(genParams);
        Parameters bound;
        if (config.disc().spectralNorm()) {
            spectralNorm = new SpectralNorm(be, discSpecs);
            discParams = spectralNorm.trained();
            bound = spectralNorm.effective();
        } else {
            spectralNorm = null;
            discParams = new Parameters(be, discSpecs);
            bound = discParams;
        }
        disc.bind(bound);
        if (discHead != null) {
            discHead.bind(bound);
            embed.bind(bound);
        }
        if (aux != null) {
            aux.bind(bound);
        }
        boolean cond = config.conditional();
        data = cond ? be.zeros(maxBatch, config.data()) : null;
        onehot = cond ? be.zeros(maxBatch, config.classes()) : null;
        codes = cond ? be.zeros(maxBatch, config.codeWidth()) : null;
        product = cond && discHead != null ? be.zeros(maxBatch, disc.outputSize()) : null;
        joined = config.concatenated() ? be.zeros(maxBatch, config.rowWidth()) : null;
        dData = config.concatenated() ? be.zeros(maxBatch, config.data()) : null;
        z = be.zeros(maxBatch, config.noise());
        prob = be.zeros(maxBatch, 1);
        scaling = config.standardized() ? new DataScaling(be, config.data()) : null;
        scaledReal = config.standardized() ? be.zeros(maxBatch, config.data()) : null;
        if (aux != null) {
            float[] numbers = new float[config.classes()];
            for (int k = 0; k < numbers.length; k++) {
                numbers[k] = k;
            }
            classNumbers = be.upload(numbers, config.classes(), 1);
            labels = be.zeros(maxBatch, 1);
            auxLosses = be.zeros(maxBatch, 1);
        } else {
            classNumbers = null;
            labels = null;
            auxLosses = null;
        }
    }

    /**
     * The discriminator MLP: Linear layers disc.0, disc.1, ... with LeakyReLU between (as {@link Sequential#mlp} names
     * them), or maxout units, each hidden Linear then giving {@code pieces} values per unit; to one logit. With the
     * minibatch std feature, a {@link MinibatchStdLayer} before the last Linear, which then takes one more input.
     */
    private static Sequential mlpDiscriminator(GanConfig config, int maxRows) {
        int[] sizes = config.discriminatorSizes();
        int pieces = config.disc().maxout();
        List<Layer> layers = new ArrayList<>();
        int hiddenLayers = sizes.length - 2;
        for (int i = 0; i < hiddenLayers; i++) {
            layers.add(new Linear("disc." + i, sizes[i], sizes[i + 1] * pieces));
            layers.add(pieces > 1 ? new MaxoutLayer("disc." + i + " maxout", sizes[i + 1], pieces)
                    : new ActivationLayer("disc." + i + " act", Activation.leakyRelu(GanConfig.SLOPE), sizes[i + 1]));
        }
        int last = sizes[hiddenLayers];
        if (config.disc().minibatchStd()) {
            layers.add(new MinibatchStdLayer("disc.std", last, 1, maxRows));
        }
        layers.add(new Linear("disc." + hiddenLayers, last + (config.disc().minibatchStd() ? 1 : 0), 1));
        return new Sequential(layers, maxRows);
    }

    /**
     * The generator MLP: Linear layers gen.0, gen.1, ... with LeakyReLU between, to the data's width (a sigmoid on it
     * when the data are in [0, 1]); with batch norm, each hidden Linear followed by a BatchNorm1d named gen.bn.i (in
     * PyTorch's layout, a BatchNorm2d over 1 x 1 planes) before its activation; when residual, all of it inside a
     * {@link Residual} that adds the noise to its output.
     */
    private static Sequential mlpGenerator(GanConfig config, int maxBatch) {
        Sequential body = mlpGeneratorBody(config, maxBatch);
        return config.residual() ? new Sequential(List.of(new Residual("gen", body)), maxBatch) : body;
    }

    private static Sequential mlpGeneratorBody(GanConfig config, int maxBatch) {
        int[] sizes = config.generatorSizes();
        Activation hidden = Activation.leakyRelu(GanConfig.SLOPE);
        Activation output = config.sigmoidOutput() ? Activation.SIGMOID : Activation.IDENTITY;
        if (!config.genBatchNorm()) {
            return Sequential.mlp("gen", sizes, hidden, output, maxBatch);
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            layers.add(new Linear("gen." + i, sizes[i], sizes[i + 1]));
            boolean last = i + 2 == sizes.length;
            if (!last) {
                layers.add(new BatchNorm2d("gen.bn." + i, sizes[i + 1], 1));
            }
            Activation act = last ? output : hidden;
            if (act.kind() != Activation.Kind.IDENTITY) {
                layers.add(new ActivationLayer("gen." + i + " act", act, sizes[i + 1]));
            }
        }
        return new Sequential(layers, maxBatch);
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

    /**
     * The rows to generate or judge at once: the largest training batch so far, so that the pictures and the FID between
     * epochs make no buffer larger than the training step did (the networks' buffers are made for the batches that come);
     * the largest batch before any training.
     */
    public int chunkRows() {
        return largestBatch > 0 ? largestBatch : maxBatch;
    }

    /** The first b rows of the instance-noise buffer, made larger first when it has fewer. */
    private Tensor noiseRows(int b) {
        noise = be.atLeast(noise, b, config.data());
        return noise.rowRange(0, b);
    }

    /** The first b rows of the noisy-input buffer, made larger first when it has fewer. */
    private Tensor noisyRows(int b) {
        noisy = be.atLeast(noisy, b, config.data());
        return noisy.rowRange(0, b);
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

    /** The generator's buffers, after them the data's moments when the networks work in standardized units. */
    public List<Buffer> generatorBuffers() {
        List<Buffer> all = new ArrayList<>(gen.buffers());
        if (scaling != null) {
            all.addAll(scaling.buffers());
        }
        return all;
    }

    /**
     * Whether the networks wait for the data's moments: they work in standardized units and have had none set, by
     * {@link #adaptScaling} or from a checkpoint.
     */
    public boolean needsScaling() {
        return scaling != null && !scaling.adapted();
    }

    /** Sets the data's moments, for networks that work in standardized units, to those of {@code rows} (data features each). */
    public void adaptScaling(float[] rows) {
        if (scaling == null) {
            throw new IllegalStateException("this GAN works in the data's own units; it has no moments to adapt");
        }
        scaling.adapt(rows);
    }

    /** The discriminator's buffers, its spectral normalization's vectors last. */
    public List<Buffer> discriminatorBuffers() {
        List<Buffer> all = new ArrayList<>(disc.buffers());
        if (discHead != null) {
            all.addAll(discHead.buffers());
            all.addAll(embed.buffers());
        }
        if (aux != null) {
            all.addAll(aux.buffers());
        }
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
     * @param r1 the weight of R1's gradient this step (Mescheder et al. 2018: gamma/2 E||dD/dx||^2 on real data, times
     *           the interval when it is taken lazily, as Karras et al. 2020 do); 0 for none
     * @param gradientPenalty WGAN-GP's lambda (Gulrajani et al. 2017: lambda E(||dD/dx||_2 - 1)^2 at random points
     *           between real and generated examples); 0 for none
     * @param instanceNoise the standard deviation of Gaussian noise added to every input of the discriminator, real and
     *                      generated (instance noise, Sønderby et al. 2017; 0 for none)
     * @param fakesPerReal  generated examples per real one in the step (1; more let both networks see more generated
     *                      examples a step, which cost no data); each side's loss is a mean over its own examples
     */
    public record StepOptions(float realLabel, float instanceNoise, float r1, float gradientPenalty, int fakesPerReal) {
        /** The 2014 GAN's step. */
        public static final StepOptions PLAIN = new StepOptions(1f, 0f);

        public StepOptions {
            if (fakesPerReal < 1) {
                throw new IllegalArgumentException("a step takes at least one generated example per real one, got " + fakesPerReal);
            }
        }

        /** A step with as many generated examples as real ones. */
        public StepOptions(float realLabel, float instanceNoise, float r1, float gradientPenalty) {
            this(realLabel, instanceNoise, r1, gradientPenalty, 1);
        }

        /** A step without gradient penalties. */
        public StepOptions(float realLabel, float instanceNoise) {
            this(realLabel, instanceNoise, 0f, 0f);
        }
    }

    /**
     * The discriminator's gradients for one batch of real data x and {@code step.fakesPerReal()} times as many
     * fresh generated examples: d/dθ_D of mean BCE(D(x), 1) + mean BCE(D(G(z)), 0), or of the hinge losses, each
     * mean over its own side. Draws z from rng and keeps it (and G's activations) for the generator step that
     * follows. With packing, uses the largest multiple of the pack size among x's rows. Returns how many judgments D
     * made of real data (rows / pack), 0 when x has fewer rows than a pack; the statistics' generated-side sums are
     * divided by the generated examples per real one, so that both sides' read per real judgment.
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
        return discriminatorGradients(x, null, rng, stats, step, batchJudgments);
    }

    /**
     * The discriminator's gradients as above, with the generator's noise given (as many rows of the noise's width as x
     * has rows) rather than drawn: to take the steps another implementation took (the PyTorch twin test). No
     * instance noise, which would need draws.
     */
    public int discriminatorGradients(Tensor x, Tensor givenNoise, Tensor stats) {
        if (givenNoise.rows() != x.rows() || givenNoise.cols() != config.noise()) {
            throw new IllegalArgumentException("the noise must be " + x.rows() + " x " + config.noise() + ", got " + givenNoise.shape());
        }
        return discriminatorGradients(x, givenNoise, null, stats, StepOptions.PLAIN, x.rows() / pack);
    }

    private int discriminatorGradients(Tensor x, Tensor givenNoise, RandomStream rng, Tensor stats, StepOptions step, int batchJudgments) {
        int rows = x.rows();
        if (rows > maxBatch || x.cols() != config.rowWidth()) {
            throw new IllegalArgumentException("the GAN takes batches of at most " + maxBatch + " rows of " + config.rowWidth()
                    + " values" + (config.conditional() ? " (" + config.data() + " features and a one-hot class of " + config.classes() + ")"
                    : "") + ", got " + x.shape());
        }
        int k = step.fakesPerReal();
        int m = rows / pack;
        int b = m * pack;
        if (m == 0) {
            fake = null;
            return 0;
        }
        // k generated examples per real one: f rows, judged in k m packs.
        int f = k * b;
        if (k > 1 && config.conditional()) {
            throw new IllegalArgumentException(CONDITIONAL_FAKES);
        }
        if (f > maxBatch) {
            throw new IllegalArgumentException("the GAN generates at most " + maxBatch + " examples a step, got " + b + " real rows x "
                    + k + " generated per real one");
        }
        Tensor xb = scaled(split(x.rowRange(0, b)));
        Tensor zb = z.rowRange(0, f);
        if (givenNoise == null) {
            RandomFill.normal(be, zb, rng.seed(), rng.take((long) f * config.noise()));
        } else {
            Elementwise.copy(be, givenNoise.rowRange(0, b), zb);
        }
        fake = gen.forward(generatorInput(f));
        lastBatch = f;
        largestBatch = Math.max(largestBatch, f);
        lastJudgments = k * batchJudgments;
        refreshNormalized(true);
        float scale = 1f / batchJudgments;
        Tensor real = judged(xb, rng, step.instanceNoise());
        Tensor logits = logits(real, true);
        if (config.loss() == GanConfig.Loss.HINGE) {
            Hinge.hinge(be, logits, -1f, 1f, scale, logitGrad(m), stats, D_LOSS, true);
        } else if (config.loss() == GanConfig.Loss.WGAN) {
            Hinge.linear(be, logits, -1f, scale, logitGrad(m), stats, D_LOSS, true);
        } else {
            BceWithLogits.bceWithLogits(be, logits, null, step.realLabel(), scale, logitGrad(m), stats, D_LOSS, true);
        }
        meanProbability(logits, stats, D_REAL);
        auxLoss(m, scale, stats, D_LOSS, 1f);
        discBackward(real, false, true, true);
        if (step.r1() > 0f) {
            penalties().r1(real, step.r1() * scale, stats, R1_NORMS);
        }
        // The generated side's loss is a mean over its k m judgments; its sums go into the statistics divided by k, so that
        // they read per real judgment as the real side's do.
        Tensor fakeStats = k == 1 ? stats : clearedSideStats();
        Tensor judgedFake = judged(fake, rng, step.instanceNoise());
        logits = logits(judgedFake, true);
        int mf = k * m;
        float fakeScale = 1f / (k * batchJudgments);
        if (config.loss() == GanConfig.Loss.HINGE) {
            Hinge.hinge(be, logits, 1f, 1f, fakeScale, logitGrad(mf), fakeStats, D_LOSS, true);
        } else if (config.loss() == GanConfig.Loss.WGAN) {
            Hinge.linear(be, logits, 1f, fakeScale, logitGrad(mf), fakeStats, D_LOSS, true);
        } else {
            BceWithLogits.bceWithLogits(be, logits, null, 0f, fakeScale, logitGrad(mf), fakeStats, D_LOSS, true);
        }
        meanProbability(logits, fakeStats, D_FAKE);
        if (k > 1) {
            Elementwise.axpy(be, stats, 1f / k, fakeStats, stats);
        }
        discBackward(judgedFake, true, true, false);
        if (step.gradientPenalty() > 0f) {
            // Between the real and generated rows as D judges them (without instance noise), in the noise buffers' space: each
            // real row with its own first generated one (row k r), so that a shard pairs the rows one device would.
            int width = config.data() * pack;
            penalties().wganGp(xb.reshape(m, width), firstGenerated(b, k).reshape(m, width), b, rng, step.gradientPenalty(), scale,
                    noiseRows(b).reshape(m, width), noisyRows(b).reshape(m, width), stats, GP_TERMS);
        }
        if (spectralNorm != null) {
            spectralNorm.backward();
        }
        return m;
    }

    /**
     * Generated rows 0, k, 2k, ... (each real row's first generated one) of the last step's k b: the generated rows
     * themselves for k = 1, else copied out of the rows seen k at a time (b x k features) into a buffer made on first use.
     */
    private Tensor firstGenerated(int b, int k) {
        if (k == 1) {
            return fake;
        }
        firstFakes = be.atLeast(firstFakes, b, config.data());
        Tensor out = firstFakes.rowRange(0, b);
        CopyColumns.copyColumns(be, fake.reshape(b, k * config.data()), 0, out, 0, config.data());
        return out;
    }

    /** The generated side's statistics when it has more rows than the real side (made on first use), zeroed. */
    private Tensor clearedSideStats() {
        if (sideStats == null) {
            sideStats = be.zeros(1, STATS);
        }
        Elementwise.fill(be, sideStats, 0f);
        return sideStats;
    }

    /**
     * Why this discriminator cannot take a gradient penalty (R1, WGAN-GP), in one line; null when it can. The penalty's
     * gradient is written for Linear and convolution layers with ReLU-like activations, maxout units and the minibatch std
     * feature ({@link Sequential#penaltyBackward}); batch norm is what a discriminator can still hold that it refuses.
     */
    public String penaltyRefusal() {
        Layer refusing = disc.refusingPenalty();
        return refusing == null ? null : "a gradient penalty (R1, WGAN-GP) cannot differentiate the discriminator's " + refusing.label()
                + (refusing instanceof BatchNorm2d ? " (the DCGAN's batch norm; drop it with --no-d-batch-norm, "
                + "Gan.Builder.discriminatorBatchNorm(false))" : "")
                + ": its gradient is written for Linear and convolution layers with ReLU-like activations, maxout and the minibatch std feature";
    }

    /** The discriminator's penalties, made on first use; refused (one line) for a discriminator they cannot differentiate. */
    private DiscriminatorPenalties penalties() {
        if (penalties == null) {
            String refusal = penaltyRefusal();
            if (refusal != null) {
                throw new IllegalStateException(refusal);
            }
            penalties = new DiscriminatorPenalties(be, new PenalizedJudge(), Math.max(1, maxBatch / pack));
        }
        return penalties;
    }

    /**
     * The discriminator's logits for the penalties: the body alone, or with the projection (Miyato &amp; Koyama 2018)
     * logit = head(h) + &lt;e(y), h&gt;, whose input gradient is J^T (w_head + e(y)) for the body's Jacobian J, so that
     * the penalty's gradient, given u, is the body's double backward (its tangent at the features u_h = J u), plus
     * 1^T u_h for the head's weight and onehot^T u_h for the embedding. A discriminator that reads the class beside
     * the data (concatenation) is differentiated by the data's columns only: g is the data's part of dD/d[x, y], and the
     * penalty's tangent on the class's columns is 0 (the one-hot is not an input the penalty moves).
     */
    private final class PenalizedJudge implements DiscriminatorPenalties.Judge {
        /** dD/dh, the body's output gradient, of the last input gradient (projection only). */
        private Gradient features;

        @Override
        public void forward(Tensor judged) {
            logits(judged, true);
        }

        @Override
        public Tensor inputGradient(Tensor judged) {
            int m = judged.rows();
            if (discHead == null) {
                Elementwise.fill(be, disc.outputGrad(m), 1f);
                if (joined == null) {
                    return disc.backwardInputForPenalty(judged, disc.outputGradient(m)).value();
                }
                Tensor dIn = disc.backwardInputForPenalty(joined.rowRange(0, m), disc.outputGradient(m)).value();
                Tensor dx = dData.rowRange(0, m);
                CopyColumns.copyColumns(be, dIn, 0, dx, 0, config.data());
                return dx;
            }
            Tensor ones = discHead.outputGrad(m);
            Elementwise.fill(be, ones, 1f);
            features = discHead.backwardInputForPenalty(lastFeatures, discHead.outputGradient(m));
            ScaleRows.scaleRows(be, ones, lastEmbedded, 1f, features.value());
            return disc.backwardInputForPenalty(judged, features).value();
        }

        @Override
        public void penaltyBackward(Tensor u) {
            int m = u.rows();
            if (discHead == null && joined == null) {
                disc.penaltyBackward(disc.outputGradient(m), u);
                return;
            }
            if (discHead == null) {
                if (joinedTangent == null) {
                    joinedTangent = be.zeros(joined.rows(), config.rowWidth());
                }
                Tensor full = joinedTangent.rowRange(0, m);
                CopyColumns.copyColumns(be, u, 0, full, 0, config.data());
                disc.penaltyBackward(disc.outputGradient(m), full);
                return;
            }
            Tensor uh = disc.penaltyBackward(features, u);
            discHead.penaltyBackward(discHead.outputGradient(m), uh);
            embed.backward(onehot.rowRange(0, m), new Gradient(uh, false), true, false);
        }
    }

    /**
     * The data part of a batch's rows, its one-hot part kept for the step (a conditional GAN's rows
     * end with the one-hot class); the rows as they are for an unconditional GAN.
     */
    private Tensor split(Tensor x) {
        if (!config.conditional()) {
            return x;
        }
        int b = x.rows();
        Tensor d = data.rowRange(0, b);
        CopyColumns.copyColumns(be, x, 0, d, 0, config.data());
        CopyColumns.copyColumns(be, x, config.data(), onehot.rowRange(0, b), 0, config.classes());
        if (aux != null) {
            // The class numbers the auxiliary classifier's loss takes, once a batch: one-hot x (0, 1, ..., C - 1), exact in float.
            Gemm.gemm(be, false, false, 1f, onehot.rowRange(0, b), classNumbers, 0f, labels.rowRange(0, b), null, Activation.IDENTITY);
        }
        return d;
    }

    /** The generator's input of the last discriminator step's b rows, as {@link #generatorInput} made it. */
    private Tensor generatorInputOf(int b) {
        return config.conditional() ? codes.rowRange(0, b) : z.rowRange(0, b);
    }

    /** The generator's input for b rows: the noise z, followed by the rows' one-hot class when conditional. */
    private Tensor generatorInput(int b) {
        if (!config.conditional()) {
            return z.rowRange(0, b);
        }
        Tensor c = codes.rowRange(0, b);
        CopyColumns.copyColumns(be, z.rowRange(0, b), 0, c, 0, config.noise());
        CopyColumns.copyColumns(be, onehot.rowRange(0, b), 0, c, config.noise(), config.classes());
        return c;
    }

    /**
     * The discriminator's logits for the judged rows; a conditional one adds to each the projection
     * of its features onto its class's embedding, with the classes of the last {@link #split}.
     */
    private Tensor logits(Tensor judged, boolean training) {
        if (discHead == null) {
            return disc.forward(discInput(judged), training);
        }
        int m = judged.rows();
        Tensor h = disc.forward(judged, training);
        Tensor logits = discHead.forward(h, training);
        Tensor e = embed.forward(onehot.rowRange(0, m), training);
        Tensor p = product.rowRange(0, m);
        Elementwise.mul(be, e, h, p);
        RowSums.rowSums(be, p, 1f, 1f, logits);
        lastFeatures = h;
        lastEmbedded = e;
        return logits;
    }

    /** What the discriminator reads of the judged rows: the rows, or with concatenation the rows beside their one-hot classes. */
    private Tensor discInput(Tensor judged) {
        if (joined == null) {
            return judged;
        }
        int m = judged.rows();
        Tensor in = joined.rowRange(0, m);
        CopyColumns.copyColumns(be, judged, 0, in, 0, config.data());
        CopyColumns.copyColumns(be, onehot.rowRange(0, m), 0, in, config.data(), config.classes());
        return in;
    }

    /** The buffer a loss writes dL/d(logits) of m judgments into. */
    private Tensor logitGrad(int m) {
        return discHead == null ? disc.outputGrad(m) : discHead.outputGrad(m);
    }

    /**
     * Backward through the discriminator after {@link #logits} on the judged rows: its parameter
     * gradients when {@code parameters} (added when {@code accumulate}) and, when not, dL/d(input).
     * The projection sends dlogit e(y) into the features and onehot^T (dlogit h) into the embedding;
     * {@code withAux}, the auxiliary classifier's gradient (written by {@link #auxLoss}) joins it there.
     */
    private Gradient discBackward(Tensor judged, boolean accumulate, boolean parameters, boolean withAux) {
        if (discHead == null) {
            int m = judged.rows();
            Tensor in = joined == null ? judged : joined.rowRange(0, m);
            if (parameters) {
                disc.backward(in, disc.outputGradient(m), accumulate, false);
                return null;
            }
            Gradient dIn = disc.backwardInput(in, disc.outputGradient(m));
            if (joined == null) {
                return dIn;
            }
            // The class's columns of the input gradient lead nowhere; the generator takes the data's.
            Tensor dx = dData.rowRange(0, m);
            CopyColumns.copyColumns(be, dIn.value(), 0, dx, 0, config.data());
            return new Gradient(dx, dIn.throughActivation());
        }
        int m = judged.rows();
        Tensor dLogit = discHead.outputGrad(m);
        Gradient dh = parameters ? discHead.backward(lastFeatures, discHead.outputGradient(m), accumulate, true)
                : discHead.backwardInput(lastFeatures, discHead.outputGradient(m));
        ScaleRows.scaleRows(be, dLogit, lastEmbedded, 1f, dh.value());
        if (aux != null && withAux) {
            // The classifier's cross-entropy, written into its output gradient by auxLoss, joins the projection's in dL/dh.
            Gradient da = parameters ? aux.backward(lastFeatures, aux.outputGradient(m), accumulate, true)
                    : aux.backwardInput(lastFeatures, aux.outputGradient(m));
            Elementwise.axpy(be, da.value(), 1f, dh.value(), dh.value());
        }
        if (parameters) {
            ScaleRows.scaleRows(be, dLogit, lastFeatures, 0f, embed.outputGrad(m));
            embed.backward(onehot.rowRange(0, m), embed.outputGradient(m), accumulate, false);
            disc.backward(judged, dh, accumulate, false);
            return null;
        }
        return disc.backwardInput(judged, dh);
    }

    /**
     * The generator's gradients on the noise of the last discriminator step, through the current
     * discriminator: d/dθ_G of mean -log D(G(z)) (non-saturating), mean log(1 - D(G(z))) (minimax)
     * or mean -D(G(z)) (hinge), the means over that step's generated examples (as its whole batch would have them), a
     * conditional GAN's with that step's classes. Returns the judgments it was taken over (generated rows / pack).
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
        Tensor logits = logits(judgedFake, true);
        switch (config.loss()) {
            case NONSATURATING -> BceWithLogits.bceWithLogits(be, logits, null, 1f, scale, logitGrad(m), stats, G_LOSS, true);
            // log(1 - D) = -BCE(logit, 0): the gradient is that of BCE(logit, 0), negated.
            case MINIMAX -> BceWithLogits.bceWithLogits(be, logits, null, 0f, -scale, logitGrad(m), stats, G_LOSS, true);
            case HINGE, WGAN -> Hinge.linear(be, logits, -1f, scale, logitGrad(m), stats, G_LOSS, true);
        }
        auxLoss(m, scale, stats, G_LOSS, config.loss() == GanConfig.Loss.MINIMAX ? -1f : 1f);
        // dL/dG(z) through the fixed discriminator (instance noise adds, so passes gradients unchanged), then into G.
        Gradient dFake = discBackward(judgedFake, false, false, true);
        gen.backward(generatorInputOf(b), new Gradient(dFake.value().reshape(b, config.data()), dFake.throughActivation()), false, false);
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
            Tensor n = noiseRows(x.rows());
            RandomFill.normal(be, n, rng.seed(), rng.take((long) x.size()));
            in = noisyRows(x.rows());
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

    /**
     * The auxiliary classifier's loss on the m rows just judged (its forward pass on their features, taken here, where
     * a loss needs it), for their classes: weight x cross-entropy added (times {@code sign}) to {@code stats[index]}
     * as the BCE terms are, and its gradient, weight x scale x (softmax - one-hot), into the classifier's output
     * gradient for {@link #discBackward}.
     */
    private void auxLoss(int m, float scale, Tensor stats, int index, float sign) {
        if (aux == null) {
            return;
        }
        float w = config.auxWeight();
        Tensor losses = auxLosses.rowRange(0, m);
        Tensor logits = aux.forward(lastFeatures, true);
        SoftmaxCrossEntropy.crossEntropy(be, logits, labels.rowRange(0, m), w * scale, aux.outputGrad(m), losses);
        Elementwise.axpy(be, losses, sign * w - 1f, losses, losses);
        Sum.sum(be, losses, stats, index, true);
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
     * multiple of the pack size; a conditional GAN's rows end with the one-hot class), into out
     * (rows / pack x 1); batch norm in evaluation mode.
     */
    public void discriminate(Tensor x, Tensor out) {
        if (x.rows() > maxBatch || x.cols() != config.rowWidth() || x.rows() % pack != 0) {
            throw new IllegalArgumentException("the discriminator takes batches of at most " + maxBatch + " rows of " + config.rowWidth()
                    + " values" + (pack > 1 ? " in packs of " + pack : "") + ", got " + x.shape());
        }
        refreshNormalized(false);
        Tensor judged = scaled(split(x));
        Activations.activate(be, Activation.SIGMOID, logits(judged.reshape(judged.rows() / pack, judged.cols() * pack), false), out);
    }

    /**
     * Generates from codes (b x codeWidth, on this backend: z, then a conditional GAN's one-hot class)
     * into out (b x data), in the data's units (mean + std G(z) where the networks work standardized); batch norm in
     * evaluation mode, as after PyTorch's G.eval().
     */
    public void generate(Tensor noise, Tensor out) {
        Tensor h = gen.forward(noise, false);
        if (scaling != null) {
            scaling.restore(h, out);
        } else {
            Elementwise.copy(be, h, out);
        }
    }

    /** Data rows as the discriminator reads them: standardized where the networks work so (into a buffer), else x itself. */
    private Tensor scaled(Tensor x) {
        if (scaling == null) {
            return x;
        }
        Tensor out = scaledReal.rowRange(0, x.rows());
        scaling.standardize(x, out);
        return out;
    }

    @Override
    public void close() {
        gen.close();
        disc.close();
        if (discHead != null) {
            discHead.close();
            embed.close();
        }
        if (aux != null) {
            aux.close();
        }
        for (Tensor t : new Tensor[] {data, onehot, codes, product, joined, dData, classNumbers, labels, auxLosses, joinedTangent, sideStats, firstFakes}) {
            if (t != null) {
                t.close();
            }
        }
        if (penalties != null) {
            penalties.close();
        }
        z.close();
        prob.close();
        if (scaling != null) {
            scaling.close();
            scaledReal.close();
        }
        if (noisy != null) {
            noisy.close();
        }
        if (noise != null) {
            noise.close();
        }
        genParams.close();
        if (spectralNorm != null) {
            spectralNorm.close();
        } else {
            discParams.close();
        }
    }
}
