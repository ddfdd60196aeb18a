package org.latentcl.model;

import java.util.ArrayList;
import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Activations;
import org.latentcl.backend.ops.BceWithLogits;
import org.latentcl.backend.ops.CopyColumns;
import org.latentcl.backend.ops.Elementwise;
import org.latentcl.backend.ops.GaussianNll;
import org.latentcl.backend.ops.KlStandardNormal;
import org.latentcl.backend.ops.Reparameterize;
import org.latentcl.data.Decoder;
import org.latentcl.nn.Adam;
import org.latentcl.nn.Gradient;
import org.latentcl.nn.ParamSpec;
import org.latentcl.nn.Parameters;
import org.latentcl.nn.RandomStream;
import org.latentcl.nn.Sequential;
import org.latentcl.nn.TwoHeads;

/**
 * The variational autoencoder of Kingma &amp; Welling (2014): an encoder MLP to (mu, log sigma^2),
 * the reparameterization z = mu + sigma * eps, and a decoder MLP to the parameters of p(x|z).
 * The loss of a batch is the negative ELBO summed over its examples, reconstruction + KL, with
 * the KL in closed form. Parameters are named as PyTorch would: enc.0.weight, ..., mu.*, logvar.*,
 * dec.0.*, ... The encoder and decoder are MLPs, or convolutional ({@link ConvArchitectures}) when
 * the configuration has an image shape.
 *
 * <p>A conditional VAE (Sohn et al. 2015) sees the class as a one-hot vector beside its input in
 * the encoder and beside the code in the decoder: its rows are the data followed by the one-hot
 * class ({@link VaeConfig#rowWidth}), so labels travel with their rows through every shuffle, split
 * and shard, and its codes are z followed by the one-hot class ({@link VaeConfig#codeWidth}). The
 * MLP's encoder reads the whole row (torch.cat([x, y], 1) into enc.0); the convolutional encoder
 * reads the image and the class joins its flattened features before the mu and log-variance heads.
 * Its prior is the class's: p(z | y) = N(m_y, I), with the means m_y a learned embedding
 * ({@code prior.weight}, [classes, latent], PyTorch's nn.Embedding layout) that starts at zero, the
 * standard prior (a conditional prior as in Sohn et al.'s CVAE, here depending on the class alone).
 * The KL term is then KL(q(z | x, y) || N(m_y, I)), and draws for class y are z = m_y + eps. Measured
 * on Fashion-MNIST (docs/VAE.md), it keeps the class out of z: samples drawn for a class look like it.
 *
 * <p>Loss sums are accumulated on the backend into a 1 x 2 tensor (reconstruction, KL), which the
 * caller reads when it wants to (once per epoch), so a step never waits for the device.
 */
public final class VaeNetwork implements AutoCloseable {
    /** Index of the reconstruction sum in a loss tensor. */
    public static final int RECON = 0;
    /** Index of the KL sum in a loss tensor. */
    public static final int KL = 1;

    private final Backend be;
    private final VaeConfig config;
    private final int maxBatch;
    private final Parameters params;
    private final Sequential encoder;
    private final TwoHeads heads;
    private final Sequential decoder;
    private final Tensor mu;
    private final Tensor logvar;
    private final Tensor eps;
    private final Tensor z;
    private final Tensor dmu;
    private final Tensor dlogvar;
    /** A conditional VAE's buffers: the data part of a batch's rows, the codes with their classes, dL/dz, and for the conv VAE the features with their classes and their gradient. */
    private final Tensor data;
    private final Tensor codes;
    private final Tensor dz;
    private final Tensor features;
    private final Tensor dFeatures;
    /** A conditional VAE's class prior: the means embedding, the rows' one-hot classes, and m_y - mu. */
    private final Sequential prior;
    private final Tensor onehot;
    private final Tensor offset;

    public VaeNetwork(Backend be, VaeConfig config, int maxBatch) {
        this.be = be;
        this.config = config;
        this.maxBatch = maxBatch;
        if (config.convolutional()) {
            encoder = ConvArchitectures.convEncoder(config.image(), config.hidden(), maxBatch);
            decoder = ConvArchitectures.convDecoder(config.image(), config.hidden(), config.codeWidth(), maxBatch);
        } else {
            encoder = Sequential.mlp("enc", config.encoderSizes(), Activation.RELU, Activation.RELU, maxBatch);
            decoder = Sequential.mlp("dec", config.decoderSizes(), Activation.RELU, Activation.IDENTITY, maxBatch);
        }
        int headInput = encoder.outputSize() + (config.convolutional() ? config.classes() : 0);
        heads = new TwoHeads("mu", "logvar", headInput, config.latent(), encoder.outputActivation(), maxBatch);
        List<ParamSpec> specs = new ArrayList<>(encoder.specs());
        specs.addAll(heads.specs());
        specs.addAll(decoder.specs());
        prior = config.conditional()
                ? new Sequential(List.of(new org.latentcl.nn.Embedding(PRIOR, config.classes(), config.latent())), maxBatch) : null;
        if (prior != null) {
            specs.addAll(prior.specs());
        }
        params = new Parameters(be, specs);
        encoder.bind(params);
        heads.bind(params);
        decoder.bind(params);
        if (prior != null) {
            prior.bind(params);
        }
        int l = config.latent();
        mu = be.zeros(maxBatch, l);
        logvar = be.zeros(maxBatch, l);
        eps = be.zeros(maxBatch, l);
        z = be.zeros(maxBatch, l);
        dmu = be.zeros(maxBatch, l);
        dlogvar = be.zeros(maxBatch, l);
        boolean cond = config.conditional();
        data = cond ? be.zeros(maxBatch, config.input()) : null;
        codes = cond ? be.zeros(maxBatch, config.codeWidth()) : null;
        dz = cond ? be.zeros(maxBatch, l) : null;
        features = cond && config.convolutional() ? be.zeros(maxBatch, headInput) : null;
        dFeatures = cond && config.convolutional() ? be.zeros(maxBatch, encoder.outputSize()) : null;
        onehot = cond ? be.zeros(maxBatch, config.classes()) : null;
        offset = cond ? be.zeros(maxBatch, l) : null;
    }

    /** The name of a conditional VAE's prior means embedding ({@code prior.weight}). */
    public static final String PRIOR = "prior";

    /** Initializes the parameters from a seed (as PyTorch's nn.Linear would); a class prior starts at zero, the standard prior. */
    public void initialize(long seed) {
        params.initialize(seed);
        if (prior != null) {
            java.util.Map<String, float[]> values = params.toHost();
            values.put(PRIOR + ".weight", new float[config.classes() * config.latent()]);
            params.load(values);
        }
    }

    /** The class prior's means, classes x latent row-major, or null for an unconditional VAE (whose prior is N(0, I)). */
    public float[] priorMeans() {
        return prior == null ? null : params.toHost().get(PRIOR + ".weight");
    }

    public VaeConfig config() {
        return config;
    }

    public Parameters parameters() {
        return params;
    }

    public Backend backend() {
        return be;
    }

    public int maxBatch() {
        return maxBatch;
    }

    /**
     * One training step on the batch x (rows = examples): forward, negative ELBO (summed over the
     * batch, as PyTorch's example does), backward, and one Adam update. Adds the batch's
     * reconstruction and KL sums to {@code losses}.
     */
    public void trainStep(Tensor x, RandomStream rng, Adam adam, Tensor losses) {
        trainStep(x, rng, adam, losses, 1f);
    }

    /** As {@link #trainStep(Tensor, RandomStream, Adam, Tensor)}, minimizing reconstruction + klWeight * KL (a beta-VAE's objective). */
    public void trainStep(Tensor x, RandomStream rng, Adam adam, Tensor losses, float klWeight) {
        computeGradients(x, rng, losses, klWeight);
        adam.step();
    }

    /**
     * Forward and backward without the update: leaves d(-ELBO)/d(parameters) in
     * {@code parameters().grads()}. The rows are the data, followed by the one-hot class when conditional.
     */
    public void computeGradients(Tensor xy, RandomStream rng, Tensor losses) {
        computeGradients(xy, rng, losses, 1f);
    }

    /**
     * As above for the objective reconstruction + klWeight * KL (beta-VAE, Higgins et al. 2017; a
     * weight rising from 0 is KL warm-up, Bowman et al. 2016): the KL's gradients are scaled by the
     * weight. The losses added are the unweighted reconstruction and KL, whose sum is the -ELBO.
     */
    public void computeGradients(Tensor xy, RandomStream rng, Tensor losses, float klWeight) {
        int b = xy.rows();
        // Forward: q(z|x) = N(mu, sigma^2), z = mu + sigma eps, then the decoder's p(x|z) (with the class, when conditional).
        Tensor x = dataPart(xy);
        Tensor h = forward(xy, x, rng, b);
        Tensor code = code(xy, b);
        Tensor out = decoder.forward(code);
        // Loss: -ELBO = reconstruction + KL, each with its gradient.
        reconstructionLoss(out, x, decoder.outputGrad(b), losses);
        if (prior == null) {
            KlStandardNormal.klStandardNormal(be, rows(mu, b), rows(logvar, b), klWeight, rows(dmu, b), rows(dlogvar, b), losses, KL, true);
        } else {
            // KL(N(mu, s^2) || N(m, I)) is the standard KL of m - mu, whose gradient g = w (m - mu) is dL/dm;
            // dL/dmu = -g, written as g - 2g (exact in floats).
            Tensor m = priorMean(xy, b);
            Tensor o = rows(offset, b);
            Elementwise.axpy(be, m, -1f, rows(mu, b), o);
            Tensor g = prior.outputGrad(b);
            KlStandardNormal.klStandardNormal(be, o, rows(logvar, b), klWeight, g, rows(dlogvar, b), losses, KL, true);
            Elementwise.axpy(be, g, -2f, g, rows(dmu, b));
            prior.backward(rows(onehot, b), prior.outputGradient(b), false, false);
        }
        // Backward: decoder, reparameterization (adding to the KL's gradients), heads, encoder.
        Tensor dCode = decoder.backward(code, decoder.outputGradient(b), false, true).value();
        Tensor dzb = dCode;
        if (config.conditional()) {
            dzb = rows(dz, b);
            CopyColumns.copyColumns(be, dCode, 0, dzb, 0, config.latent());
        }
        Reparameterize.reparameterizeBackward(be, rows(logvar, b), rows(eps, b), dzb, rows(dmu, b), rows(dlogvar, b));
        Gradient dh = heads.backward(h, rows(dmu, b), rows(dlogvar, b));
        if (features != null) {
            // The class's columns of the heads' input gradient lead nowhere: the encoder takes the features' part.
            Tensor df = rows(dFeatures, b);
            CopyColumns.copyColumns(be, dh.value(), 0, df, 0, df.cols());
            dh = new Gradient(df, dh.throughActivation());
        }
        encoder.backward(encoderInput(xy, x), dh, false, false);
    }

    /** The data part of a batch's rows (a conditional VAE's rows end with the one-hot class). */
    private Tensor dataPart(Tensor xy) {
        checkBatch(xy);
        if (!config.conditional()) {
            return xy;
        }
        Tensor x = rows(data, xy.rows());
        CopyColumns.copyColumns(be, xy, 0, x, 0, config.input());
        return x;
    }

    /** What the encoder reads: the whole row for an MLP (the class beside the data), the image for a conv encoder. */
    private Tensor encoderInput(Tensor xy, Tensor x) {
        return config.convolutional() ? x : xy;
    }

    /** The decoder's input for the codes z of b rows: z, followed by the rows' one-hot class when conditional. */
    private Tensor code(Tensor xy, int b) {
        if (!config.conditional()) {
            return rows(z, b);
        }
        Tensor c = rows(codes, b);
        CopyColumns.copyColumns(be, rows(z, b), 0, c, 0, config.latent());
        CopyColumns.copyColumns(be, xy, config.input(), c, config.latent(), config.classes());
        return c;
    }

    /** The class prior's means m_y of the first b rows' classes (b x latent); their one-hot classes are left in {@code onehot}. */
    private Tensor priorMean(Tensor xy, int b) {
        Tensor oh = rows(onehot, b);
        CopyColumns.copyColumns(be, xy, config.input(), oh, 0, config.classes());
        return prior.forward(oh);
    }

    /**
     * z - m_y for codes z (b x latent) and rows (whose one-hot classes give y): what the prior
     * N(m_y, I) sees as a standard normal (z itself for an unconditional VAE); written to out.
     */
    public void centredCodes(Tensor zIn, Tensor xy, Tensor out) {
        if (prior == null) {
            Elementwise.copy(be, zIn, out);
            return;
        }
        Elementwise.axpy(be, zIn, -1f, priorMean(xy, zIn.rows()), out);
    }

    /** The first b rows of a buffer sized for the largest batch. */
    private static Tensor rows(Tensor t, int b) {
        return t.rowRange(0, b);
    }

    /** The loss of the batch without training: adds its reconstruction and KL sums to {@code losses}. */
    public void evaluate(Tensor xy, RandomStream rng, Tensor losses) {
        int b = xy.rows();
        Tensor x = dataPart(xy);
        forward(xy, x, rng, b);
        Tensor out = decoder.forward(code(xy, b));
        reconstructionLoss(out, x, null, losses);
        Tensor centred = mu.rowRange(0, b);
        if (prior != null) {
            centred = rows(offset, b);
            Elementwise.axpy(be, priorMean(xy, b), -1f, mu.rowRange(0, b), centred);
        }
        KlStandardNormal.klStandardNormal(be, centred, logvar.rowRange(0, b), 1f, null, null, losses, KL, true);
    }

    /** Encoder and reparameterization for b rows (x their data part); returns the heads' input. */
    private Tensor forward(Tensor xy, Tensor x, RandomStream rng, int b) {
        Tensor h = headsInput(xy, encoder.forward(encoderInput(xy, x)));
        heads.forward(h, mu.rowRange(0, b), logvar.rowRange(0, b));
        long seed = rng.seed();
        long counter = rng.take((long) b * config.latent());
        Reparameterize.sampleReparameterized(be, mu.rowRange(0, b), logvar.rowRange(0, b), eps.rowRange(0, b), z.rowRange(0, b), seed, counter);
        return h;
    }

    private void reconstructionLoss(Tensor out, Tensor x, Tensor grad, Tensor losses) {
        if (config.decoder() == Decoder.BERNOULLI) {
            BceWithLogits.bceWithLogits(be, out, x, 0f, 1f, grad, losses, RECON, true);
        } else {
            GaussianNll.gaussianNll(be, out, x, config.sigma(), 1f, grad, losses, RECON, true);
        }
    }

    /** The mu and log-variance heads' input: the encoder's features, followed by the one-hot class for a conditional conv VAE. */
    private Tensor headsInput(Tensor xy, Tensor h) {
        if (features == null) {
            return h;
        }
        Tensor hc = rows(features, h.rows());
        CopyColumns.copyColumns(be, h, 0, hc, 0, h.cols());
        CopyColumns.copyColumns(be, xy, config.input(), hc, h.cols(), config.classes());
        return hc;
    }

    private void checkBatch(Tensor x) {
        if (x.cols() != config.rowWidth()) {
            throw new IllegalArgumentException("the VAE takes " + config.rowWidth() + " values per example"
                    + (config.conditional() ? " (" + config.input() + " features and a one-hot class of " + config.classes() + ")" : "")
                    + ", got " + x.cols());
        }
        if (x.rows() > maxBatch) {
            throw new IllegalArgumentException("batch of " + x.rows() + " exceeds the VAE's maximum batch " + maxBatch);
        }
    }

    /** Encodes rows (data, and a conditional VAE's one-hot class): writes the posterior means and log-variances (b x latent each). */
    public void encode(Tensor xy, Tensor muOut, Tensor logvarOut) {
        Tensor x = dataPart(xy);
        Tensor h = headsInput(xy, encoder.forward(encoderInput(xy, x)));
        heads.forward(h, muOut, logvarOut);
    }

    /**
     * Decodes codes (b x codeWidth: z, and a conditional VAE's one-hot class) into the data space:
     * probabilities (sigmoid of the logits) for a Bernoulli decoder, means for a Gaussian one.
     */
    public void decode(Tensor zIn, Tensor out) {
        Tensor raw = decoder.forward(zIn);
        if (config.decoder() == Decoder.BERNOULLI) {
            Activations.activate(be, Activation.SIGMOID, raw, out);
        } else {
            Elementwise.copy(be, raw, out);
        }
    }

    /**
     * The per-value reconstruction terms -log p(x|z) of a batch of codes z and rows (data, then a
     * conditional VAE's one-hot class, which the decoder reads beside z); used by the IWAE estimate.
     */
    public void reconstructionTerms(Tensor zIn, Tensor xy, Tensor terms) {
        Tensor x = dataPart(xy);
        Tensor code = zIn;
        if (config.conditional()) {
            // The codes with each row's class, as the decoder reads them.
            code = rows(codes, zIn.rows());
            CopyColumns.copyColumns(be, zIn, 0, code, 0, config.latent());
            CopyColumns.copyColumns(be, xy, config.input(), code, config.latent(), config.classes());
        }
        Tensor raw = decoder.forward(code);
        if (config.decoder() == Decoder.BERNOULLI) {
            BceWithLogits.bceTerms(be, raw, x, terms);
        } else {
            GaussianNll.gaussianNllTerms(be, raw, x, config.sigma(), terms);
        }
    }

    @Override
    public void close() {
        encoder.close();
        decoder.close();
        heads.close();
        if (prior != null) {
            prior.close();
        }
        for (Tensor t : new Tensor[] {mu, logvar, eps, z, dmu, dlogvar, data, codes, dz, features, dFeatures, onehot, offset}) {
            if (t != null) {
                t.close();
            }
        }
        params.close();
    }
}
