package org.latentcl.model;

import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Activations;
import org.latentcl.backend.ops.BceWithLogits;
import org.latentcl.backend.ops.Elementwise;
import org.latentcl.backend.ops.RandomFill;
import org.latentcl.backend.ops.Sum;
import org.latentcl.nn.Gradient;
import org.latentcl.nn.BatchNorm2d;
import org.latentcl.nn.Layer;
import org.latentcl.nn.Mlp;
import org.latentcl.nn.Network;
import org.latentcl.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import org.latentcl.nn.Parameters;
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
    private final Network gen;
    private final Network disc;
    private final Tensor z;
    private final Tensor prob;
    private Tensor fake;
    private int lastBatch;

    public GanNetwork(Backend be, GanConfig config, int maxBatch) {
        this.be = be;
        this.config = config;
        this.maxBatch = maxBatch;
        if (config.convolutional()) {
            gen = ConvArchitectures.dcganGenerator(config.image(), config.noise(), config.genHidden()[0], maxBatch);
            disc = ConvArchitectures.dcganDiscriminator(config.image(), config.discHidden()[0], maxBatch);
        } else {
            Activation hidden = Activation.leakyRelu(GanConfig.SLOPE);
            gen = new Mlp("gen", config.generatorSizes(), hidden, config.sigmoidOutput() ? Activation.SIGMOID : Activation.IDENTITY,
                    maxBatch);
            disc = new Mlp("disc", config.discriminatorSizes(), hidden, Activation.IDENTITY, maxBatch).inputFrom(gen.outputActivation());
        }
        genParams = new Parameters(be, gen.specs());
        discParams = new Parameters(be, disc.specs());
        gen.bind(genParams);
        disc.bind(discParams);
        z = be.zeros(maxBatch, config.noise());
        prob = be.zeros(maxBatch, 1);
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
            genParams.initializeNormal(seed, 0.02f, bnGammas(gen));
            discParams.initializeNormal(seed ^ 0x0D15C0L, 0.02f, bnGammas(disc));
            return;
        }
        genParams.initialize(seed);
        discParams.initialize(seed ^ 0x0D15C0L);
    }

    private static java.util.Set<String> bnGammas(Network net) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (BatchNorm2d bn : batchNorms(net)) {
            names.add(bn.name() + ".weight");
        }
        return names;
    }

    /** The batch-norm layers of a network, whose running statistics checkpoints carry. */
    static List<BatchNorm2d> batchNorms(Network net) {
        List<BatchNorm2d> out = new ArrayList<>();
        if (net instanceof Sequential seq) {
            for (Layer l : seq.layers()) {
                if (l instanceof BatchNorm2d bn) {
                    out.add(bn);
                }
            }
        }
        return out;
    }

    /** Batch norm's buffers of both networks by their state_dict names (none for the MLPs). */
    public java.util.Map<String, float[]> buffersToHost() {
        java.util.Map<String, float[]> out = new java.util.LinkedHashMap<>();
        generatorBatchNorms().forEach(bn -> out.putAll(bn.buffers()));
        discriminatorBatchNorms().forEach(bn -> out.putAll(bn.buffers()));
        return out;
    }

    /** Sets batch norm's buffers of both networks from values named as {@link #buffersToHost} names them. */
    public void loadBuffers(java.util.Map<String, float[]> byName) {
        generatorBatchNorms().forEach(bn -> bn.loadBuffers(byName));
        discriminatorBatchNorms().forEach(bn -> bn.loadBuffers(byName));
    }

    /** The generator's batch-norm layers. */
    public List<BatchNorm2d> generatorBatchNorms() {
        return batchNorms(gen);
    }

    /** The discriminator's batch-norm layers. */
    public List<BatchNorm2d> discriminatorBatchNorms() {
        return batchNorms(disc);
    }

    /**
     * The discriminator's gradients for one batch of real data x and as many fresh generated
     * examples: d/dθ_D of mean BCE(D(x), 1) + mean BCE(D(G(z)), 0). Draws z from rng and keeps
     * it (and G's activations) for the generator step that follows.
     */
    public void discriminatorGradients(Tensor x, RandomStream rng, Tensor stats) {
        int b = x.rows();
        if (b > maxBatch || x.cols() != config.data()) {
            throw new IllegalArgumentException("the GAN takes batches of at most " + maxBatch + " rows of " + config.data()
                    + " features, got " + x.shape());
        }
        Tensor zb = z.rowRange(0, b);
        RandomFill.normal(be, zb, rng.seed(), rng.take((long) b * config.noise()));
        fake = gen.forward(zb);
        lastBatch = b;
        float scale = 1f / b;
        Tensor logits = disc.forward(x);
        BceWithLogits.bceWithLogits(be, logits, null, 1f, scale, disc.outputGrad(b), stats, D_LOSS, true);
        meanProbability(logits, stats, D_REAL);
        disc.backward(x, disc.outputGradient(b), false, false);
        logits = disc.forward(fake);
        BceWithLogits.bceWithLogits(be, logits, null, 0f, scale, disc.outputGrad(b), stats, D_LOSS, true);
        meanProbability(logits, stats, D_FAKE);
        disc.backward(fake, disc.outputGradient(b), true, false);
    }

    /**
     * The generator's gradients on the noise of the last discriminator step, through the current
     * discriminator: d/dθ_G of mean -log D(G(z)) (non-saturating) or mean log(1 - D(G(z))) (minimax).
     */
    public void generatorGradients(Tensor stats) {
        if (fake == null) {
            throw new IllegalStateException("a generator step needs a discriminator step first (it reuses its noise)");
        }
        int b = lastBatch;
        Tensor logits = disc.forward(fake);
        if (config.loss() == GanConfig.Loss.NONSATURATING) {
            BceWithLogits.bceWithLogits(be, logits, null, 1f, 1f / b, disc.outputGrad(b), stats, G_LOSS, true);
        } else {
            // log(1 - D) = -BCE(logit, 0): the gradient is that of BCE(logit, 0), negated.
            BceWithLogits.bceWithLogits(be, logits, null, 0f, -1f / b, disc.outputGrad(b), stats, G_LOSS, true);
        }
        // dL/dG(z) through the fixed discriminator (its first GEMM carries it through G's output activation), then into G.
        Gradient dFake = disc.backwardInput(fake, disc.outputGradient(b));
        gen.backward(z.rowRange(0, b), dFake, false, false);
    }

    /** The per-example generator loss from the accumulated G_LOSS sum (minimax sums BCE(., 0), whose negation is the loss). */
    public double generatorLoss(double sum) {
        return config.loss() == GanConfig.Loss.NONSATURATING ? sum : -sum;
    }

    private void meanProbability(Tensor logits, Tensor stats, int index) {
        Tensor p = prob.rowRange(0, logits.rows());
        Activations.activate(be, Activation.SIGMOID, logits, p);
        Sum.sum(be, p, stats, index, true);
    }

    /** The discriminator's probabilities D(x) for the rows of x (at most maxBatch), into out (b x 1); batch norm in evaluation mode. */
    public void discriminate(Tensor x, Tensor out) {
        if (x.rows() > maxBatch || x.cols() != config.data()) {
            throw new IllegalArgumentException("the discriminator takes batches of at most " + maxBatch + " rows of " + config.data()
                    + " features, got " + x.shape());
        }
        Activations.activate(be, Activation.SIGMOID, disc.forward(x, false), out);
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
        genParams.close();
        discParams.close();
    }
}
