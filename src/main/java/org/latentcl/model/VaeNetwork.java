package org.latentcl.model;

import java.util.ArrayList;
import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Activations;
import org.latentcl.backend.ops.BceWithLogits;
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

    public VaeNetwork(Backend be, VaeConfig config, int maxBatch) {
        this.be = be;
        this.config = config;
        this.maxBatch = maxBatch;
        if (config.convolutional()) {
            encoder = ConvArchitectures.convEncoder(config.image(), config.hidden(), maxBatch);
            decoder = ConvArchitectures.convDecoder(config.image(), config.hidden(), config.latent(), maxBatch);
        } else {
            encoder = Sequential.mlp("enc", config.encoderSizes(), Activation.RELU, Activation.RELU, maxBatch);
            decoder = Sequential.mlp("dec", config.decoderSizes(), Activation.RELU, Activation.IDENTITY, maxBatch);
        }
        heads = new TwoHeads("mu", "logvar", encoder.outputSize(), config.latent(), encoder.outputActivation(), maxBatch);
        List<ParamSpec> specs = new ArrayList<>(encoder.specs());
        specs.addAll(heads.specs());
        specs.addAll(decoder.specs());
        params = new Parameters(be, specs);
        encoder.bind(params);
        heads.bind(params);
        decoder.bind(params);
        int l = config.latent();
        mu = be.zeros(maxBatch, l);
        logvar = be.zeros(maxBatch, l);
        eps = be.zeros(maxBatch, l);
        z = be.zeros(maxBatch, l);
        dmu = be.zeros(maxBatch, l);
        dlogvar = be.zeros(maxBatch, l);
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
        computeGradients(x, rng, losses);
        adam.step();
    }

    /** Forward and backward without the update: leaves d(-ELBO)/d(parameters) in {@code parameters().grads()}. */
    public void computeGradients(Tensor x, RandomStream rng, Tensor losses) {
        int b = x.rows();
        // Forward: q(z|x) = N(mu, sigma^2), z = mu + sigma eps, then the decoder's p(x|z).
        Tensor h = forward(x, rng, b);
        Tensor out = decoder.forward(rows(z, b));
        // Loss: -ELBO = reconstruction + KL, each with its gradient.
        reconstructionLoss(out, x, decoder.outputGrad(b), losses);
        KlStandardNormal.klStandardNormal(be, rows(mu, b), rows(logvar, b), 1f, rows(dmu, b), rows(dlogvar, b), losses, KL, true);
        // Backward: decoder, reparameterization (adding to the KL's gradients), heads, encoder.
        Gradient dz = decoder.backward(rows(z, b), decoder.outputGradient(b), false, true);
        Reparameterize.reparameterizeBackward(be, rows(logvar, b), rows(eps, b), dz.value(), rows(dmu, b), rows(dlogvar, b));
        Gradient dh = heads.backward(h, rows(dmu, b), rows(dlogvar, b));
        encoder.backward(x, dh, false, false);
    }

    /** The first b rows of a buffer sized for the largest batch. */
    private static Tensor rows(Tensor t, int b) {
        return t.rowRange(0, b);
    }

    /** The loss of the batch without training: adds its reconstruction and KL sums to {@code losses}. */
    public void evaluate(Tensor x, RandomStream rng, Tensor losses) {
        int b = x.rows();
        forward(x, rng, b);
        Tensor out = decoder.forward(z.rowRange(0, b));
        reconstructionLoss(out, x, null, losses);
        KlStandardNormal.klStandardNormal(be, mu.rowRange(0, b), logvar.rowRange(0, b), 1f, null, null, losses, KL, true);
    }

    /** Encoder and reparameterization for b rows; returns the last hidden activation. */
    private Tensor forward(Tensor x, RandomStream rng, int b) {
        checkBatch(x);
        Tensor h = encoder.forward(x);
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

    private void checkBatch(Tensor x) {
        if (x.cols() != config.input()) {
            throw new IllegalArgumentException("the VAE takes " + config.input() + " features per example, got " + x.cols());
        }
        if (x.rows() > maxBatch) {
            throw new IllegalArgumentException("batch of " + x.rows() + " exceeds the VAE's maximum batch " + maxBatch);
        }
    }

    /** Encodes x: writes the posterior means and log-variances (b x latent each). */
    public void encode(Tensor x, Tensor muOut, Tensor logvarOut) {
        checkBatch(x);
        Tensor h = encoder.forward(x);
        heads.forward(h, muOut, logvarOut);
    }

    /**
     * Decodes latent codes z (b x latent) into the data space: probabilities (sigmoid of the
     * logits) for a Bernoulli decoder, means for a Gaussian one.
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
     * The decoder's raw output (logits or means) and the per-example reconstruction term
     * -log p(x|z) for a batch; used by the IWAE estimate.
     */
    public void reconstructionTerms(Tensor zIn, Tensor x, Tensor terms) {
        Tensor raw = decoder.forward(zIn);
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
        for (Tensor t : new Tensor[] {mu, logvar, eps, z, dmu, dlogvar}) {
            t.close();
        }
        params.close();
    }
}
