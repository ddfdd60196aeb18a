package org.latentcl.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The shape and objective of a GAN (Goodfellow et al. 2014): MLPs (image null), or the DCGAN of
 * Radford et al. (2016) on images of the given shape ({@link ConvArchitectures}), whose generator
 * ends in tanh (data scaled to [-1, 1]) and whose widths are ngf = genHidden[0] and ndf = discHidden[0].
 *
 * @param data          features per example
 * @param noise         noise dimensions (z ~ N(0, I))
 * @param genHidden     generator hidden sizes
 * @param discHidden    discriminator hidden sizes
 * @param sigmoidOutput whether the generator ends in a sigmoid (data in [0, 1]) or is linear
 * @param loss          the generator's loss
 * @param image         the image shape of a DCGAN; null for the MLPs
 * @param disc          the discriminator's stabilizers
 * @param classes       the classes of a conditional GAN (0: unconditional)
 * @param concatenated  whether a conditional MLP discriminator reads the one-hot class beside its input
 *                      rather than projecting its features onto the class's embedding
 * @param auxWeight     the weight of the auxiliary classifier's loss (AC-GAN, Odena et al. 2017; 0: none): a
 *                      conditional projection discriminator gets a second head on its features, {@code disc_aux},
 *                      trained to classify real data, and the generator is trained to have its samples classified
 *                      as the class it was asked for; both losses are this weight times the mean cross-entropy
 * @param genBatchNorm  whether the MLP generator normalizes each hidden layer's batch before its activation (PacGAN's
 *                      generators for the 2-D mixtures, Lin et al. 2018: Linear, BatchNorm1d, activation); the DCGAN's
 *                      generator always does
 * @param standardized  whether both networks work in the training data's standardized units (an MLP GAN with a linear
 *                      output): D reads (x - mean) / std per feature, G's output h is read as mean + std h, the means
 *                      and standard deviations kept beside the weights as the buffers {@code data_mean} and {@code data_std}
 *                      (Keras's Normalization layer, adapted to the data before the first step)
 * @param residual      whether the MLP generator adds its noise to its output, G(z) = z + MLP(z) (noise as wide as the
 *                      data): with {@code standardized}, G starts near the data's Gaussian fit and only has to move each
 *                      sample to a mode nearby (docs/GAN.md, the 5x5 grid)
 */
public record GanConfig(int data, int noise, int[] genHidden, int[] discHidden, boolean sigmoidOutput, Loss loss, ImageShape image,
                        Stabilizers disc, int classes, boolean concatenated, float auxWeight, boolean genBatchNorm, boolean standardized,
                        boolean residual) {
    /** The generator's objective. */
    public enum Loss {
        /** -log D(G(z)): strong gradients early in training (the paper's recommendation, the default). */
        NONSATURATING,
        /** log(1 - D(G(z))): the value function itself; its gradient vanishes while D wins. */
        MINIMAX,
        /**
         * The hinge loss (Lim & Ye 2017; Miyato et al. 2018): D minimizes max(0, 1 - D(x)) + max(0, 1 + D(G(z))),
         * G minimizes -D(G(z)), with D's raw logit.
         */
        HINGE,
        /** The Wasserstein loss (Arjovsky et al. 2017): the critic minimizes D(G(z)) - D(x), G minimizes -D(G(z)), with D's raw output. */
        WGAN
    }

    /**
     * What changes the discriminator's architecture to steady training.
     *
     * @param spectralNorm every weight matrix divided by its largest singular value (Miyato et al. 2018)
     * @param pack         PacGAN (Lin et al. 2018): the discriminator judges {@code pack} examples at once, concatenated
     *                     (features of the MLP, channels of the DCGAN); 1 is the plain GAN
     * @param minibatchStd the minibatch standard-deviation feature before the last layer (Karras et al. 2018)
     * @param batchNorm    the DCGAN discriminator's batch norm (Radford et al.); without it, as the discriminators of
     *                     spectral normalization and R1 are, its middle convolutions take a bias. The MLP has none either way.
     * @param maxout       the MLP discriminator's hidden units as maxout units of this many pieces (Goodfellow et al. 2013;
     *                     PacGAN's 2-D discriminators use 5) instead of LeakyReLU; 1 for LeakyReLU
     */
    public record Stabilizers(boolean spectralNorm, int pack, boolean minibatchStd, boolean batchNorm, int maxout) {
        /** The 2014 discriminator. */
        public static final Stabilizers NONE = new Stabilizers(false, 1, false);

        public Stabilizers {
            if (pack < 1) {
                throw new IllegalArgumentException("pack must be at least 1, got " + pack);
            }
            if (maxout < 1) {
                throw new IllegalArgumentException("maxout needs at least one piece per unit, got " + maxout);
            }
        }

        /** With the architecture's own batch norm (the DCGAN discriminator's; the MLP has none). */
        public Stabilizers(boolean spectralNorm, int pack, boolean minibatchStd) {
            this(spectralNorm, pack, minibatchStd, true);
        }

        /** With LeakyReLU units (no maxout). */
        public Stabilizers(boolean spectralNorm, int pack, boolean minibatchStd, boolean batchNorm) {
            this(spectralNorm, pack, minibatchStd, batchNorm, 1);
        }

        /** These stabilizers with maxout units of {@code pieces} pieces in the MLP discriminator (1: LeakyReLU). */
        public Stabilizers withMaxout(int pieces) {
            return new Stabilizers(spectralNorm, pack, minibatchStd, batchNorm, pieces);
        }

        /** "spectral-norm, pack 2, minibatch-std", or "none" (the maxout units are named with the architecture). */
        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            if (spectralNorm) {
                parts.add("spectral norm");
            }
            if (pack > 1) {
                parts.add("pack " + pack);
            }
            if (minibatchStd) {
                parts.add("minibatch std");
            }
            if (!batchNorm) {
                parts.add("no batch norm");
            }
            return parts.isEmpty() ? "none" : String.join(", ", parts);
        }
    }

    /** LeakyReLU slope between layers, as in the reference. */
    public static final float SLOPE = 0.2f;

    /** MLP generator and discriminator. */
    public GanConfig(int data, int noise, int[] genHidden, int[] discHidden, boolean sigmoidOutput, Loss loss) {
        this(data, noise, genHidden, discHidden, sigmoidOutput, loss, null, Stabilizers.NONE, 0);
    }

    /** An unconditional GAN (MLP when image is null, else the DCGAN). */
    public GanConfig(int data, int noise, int[] genHidden, int[] discHidden, boolean sigmoidOutput, Loss loss, ImageShape image,
                     Stabilizers disc) {
        this(data, noise, genHidden, discHidden, sigmoidOutput, loss, image, disc, 0);
    }

    /**
     * The same GAN conditioned on {@code n} classes (Mirza &amp; Osindero 2014; Miyato &amp; Koyama 2018): the
     * generator takes the one-hot class beside the noise, and the discriminator adds the projection
     * of its last features onto the class's embedding to its logit.
     */
    public GanConfig conditional(int n) {
        return new GanConfig(data, noise, genHidden, discHidden, sigmoidOutput, loss, image, disc, n, concatenated, auxWeight, genBatchNorm, standardized, residual);
    }

    /** A conditional GAN, its classes projected or concatenated, without an auxiliary classifier. */
    public GanConfig(int data, int noise, int[] genHidden, int[] discHidden, boolean sigmoidOutput, Loss loss, ImageShape image,
                     Stabilizers disc, int classes, boolean concatenated) {
        this(data, noise, genHidden, discHidden, sigmoidOutput, loss, image, disc, classes, concatenated, 0f);
    }

    /** The same conditional GAN with an auxiliary classifier on the discriminator's features, its losses weighted by {@code weight}. */
    public GanConfig withAuxClassifier(float weight) {
        return new GanConfig(data, noise, genHidden, discHidden, sigmoidOutput, loss, image, disc, classes, concatenated, weight, genBatchNorm, standardized, residual);
    }

    /** Whether the discriminator has an auxiliary classifier head. */
    public boolean auxClassifier() {
        return auxWeight > 0f;
    }

    /** A GAN of these classes whose classes are not projected: {@code concatenated} gives the MLP discriminator the one-hot class beside its input. */
    public GanConfig(int data, int noise, int[] genHidden, int[] discHidden, boolean sigmoidOutput, Loss loss, ImageShape image,
                     Stabilizers disc, int classes) {
        this(data, noise, genHidden, discHidden, sigmoidOutput, loss, image, disc, classes, false);
    }

    /**
     * The same conditional GAN with the class concatenated to the discriminator's input (the MLP
     * discriminator reads torch.cat([x, one_hot(y)], 1), as Mirza &amp; Osindero's) instead of projected.
     */
    public GanConfig concatenatingClasses() {
        return new GanConfig(data, noise, genHidden, discHidden, sigmoidOutput, loss, image, disc, classes, true, auxWeight, genBatchNorm, standardized, residual);
    }

    /** Whether the GAN is class-conditional. */
    public boolean conditional() {
        return classes > 0;
    }

    /** Values per training row: the data, followed by the one-hot class when conditional. */
    public int rowWidth() {
        return data + classes;
    }

    /** Values per generator input: the noise, followed by the one-hot class when conditional. */
    public int codeWidth() {
        return noise + classes;
    }

    /** A DCGAN on images of the given shape, with widths ngf and ndf. */
    public static GanConfig dcgan(ImageShape image, int noise, int ngf, int ndf, Loss loss) {
        return new GanConfig(image.size(), noise, new int[] {ngf}, new int[] {ndf}, false, loss, image, Stabilizers.NONE, 0);
    }

    /** This configuration with the discriminator's stabilizers {@code disc}. */
    public GanConfig with(Stabilizers disc) {
        return new GanConfig(data, noise, genHidden, discHidden, sigmoidOutput, loss, image, disc, classes, concatenated, auxWeight, genBatchNorm, standardized, residual);
    }

    /** This MLP GAN with batch norm before each hidden activation of its generator (the DCGAN's generator has it already). */
    public GanConfig withGeneratorBatchNorm(boolean on) {
        return new GanConfig(data, noise, genHidden, discHidden, sigmoidOutput, loss, image, disc, classes, concatenated, auxWeight, on, standardized, residual);
    }

    /** Without the generator's batch norm in an MLP GAN. */
    public GanConfig(int data, int noise, int[] genHidden, int[] discHidden, boolean sigmoidOutput, Loss loss, ImageShape image,
                     Stabilizers disc, int classes, boolean concatenated, float auxWeight) {
        this(data, noise, genHidden, discHidden, sigmoidOutput, loss, image, disc, classes, concatenated, auxWeight, false);
    }

    /** In the data's own units, the generator without the skip from its noise. */
    public GanConfig(int data, int noise, int[] genHidden, int[] discHidden, boolean sigmoidOutput, Loss loss, ImageShape image,
                     Stabilizers disc, int classes, boolean concatenated, float auxWeight, boolean genBatchNorm) {
        this(data, noise, genHidden, discHidden, sigmoidOutput, loss, image, disc, classes, concatenated, auxWeight, genBatchNorm, false, false);
    }

    /** This MLP GAN working in the data's standardized units or not, its generator with the skip from its noise or not. */
    public GanConfig withScaling(boolean standardize, boolean residualGenerator) {
        return new GanConfig(data, noise, genHidden, discHidden, sigmoidOutput, loss, image, disc, classes, concatenated, auxWeight, genBatchNorm,
                standardize, residualGenerator);
    }

    public GanConfig {
        if (data < 1 || noise < 1) {
            throw new IllegalArgumentException("GAN sizes must be positive: data " + data + ", noise " + noise);
        }
        disc = disc == null ? Stabilizers.NONE : disc;
        if (classes < 0 || classes == 1) {
            throw new IllegalArgumentException("a conditional GAN needs at least two classes, got " + classes);
        }
        if (concatenated && (classes == 0 || image != null)) {
            throw new IllegalArgumentException(classes == 0 ? "only a conditional GAN has classes to concatenate"
                    : "the DCGAN's discriminator takes the class through the projection only (concatenation would need constant class planes)");
        }
        if (!(auxWeight >= 0f) || Float.isInfinite(auxWeight)) {
            throw new IllegalArgumentException("the auxiliary classifier's weight must be a number of at least 0, got " + auxWeight);
        }
        if (auxWeight > 0f && (classes == 0 || concatenated)) {
            throw new IllegalArgumentException(classes == 0 ? "an auxiliary classifier needs a conditional GAN (classes to learn)"
                    : "the auxiliary classifier reads the projection discriminator's features; a discriminator that concatenates the class has"
                    + " none apart");
        }
        if (classes > 0 && disc.pack() > 1) {
            throw new IllegalArgumentException("packing (PacGAN) judges several examples at once, which a class-conditional discriminator cannot;"
                    + " use one or the other");
        }
        genHidden = genHidden.clone();
        discHidden = discHidden.clone();
        for (int h : genHidden) {
            if (h < 1) {
                throw new IllegalArgumentException("generator hidden sizes must be positive, got " + Arrays.toString(genHidden));
            }
        }
        for (int h : discHidden) {
            if (h < 1) {
                throw new IllegalArgumentException("discriminator hidden sizes must be positive, got " + Arrays.toString(discHidden));
            }
        }
        if (image != null && (genBatchNorm || disc.maxout() > 1)) {
            throw new IllegalArgumentException(genBatchNorm ? "the DCGAN's generator has its batch norm already; the generator batch-norm option is"
                    + " for the MLP generator" : "maxout units are for the MLP discriminator; the DCGAN's discriminator is convolutional");
        }
        if (standardized && (image != null || sigmoidOutput)) {
            throw new IllegalArgumentException(image != null ? "standardizing the data is for the MLP GAN; the DCGAN's data are scaled to its tanh's"
                    + " [-1, 1]" : "standardized data cannot come from a sigmoid output in [0, 1]: standardize with a linear output");
        }
        if (residual && (image != null || noise != data || sigmoidOutput || classes > 0)) {
            throw new IllegalArgumentException(image != null ? "the residual generator is the MLP generator's"
                    : classes > 0 ? "the residual generator G(z) = z + MLP(z) is unconditional (a conditional generator reads its class too)"
                    : sigmoidOutput ? "the residual generator G(z) = z + MLP(z) needs a linear output, not a sigmoid"
                    : "the residual generator G(z) = z + MLP(z) needs noise as wide as the data (" + data + "), got " + noise);
        }
        if (image != null) {
            ConvArchitectures.checkDcgan(image);
            if (image.size() != data || genHidden.length != 1 || discHidden.length != 1 || sigmoidOutput) {
                throw new IllegalArgumentException("a DCGAN has one generator and one discriminator width, a tanh output and "
                        + image.size() + " values per " + image + " image");
            }
        }
    }

    /** Whether this is a DCGAN. */
    public boolean convolutional() {
        return image != null;
    }

    /** The range of the generator's output and of the data it is trained on: [-1, 1] for the DCGAN's tanh. */
    public boolean tanhOutput() {
        return image != null;
    }

    int[] generatorSizes() {
        int[] s = new int[genHidden.length + 2];
        s[0] = noise + classes;
        System.arraycopy(genHidden, 0, s, 1, genHidden.length);
        s[s.length - 1] = data;
        return s;
    }

    /** The discriminator MLP's sizes: packed input, hidden, one logit (the minibatch std feature not counted). */
    int[] discriminatorSizes() {
        int[] s = new int[discHidden.length + 2];
        s[0] = data * disc.pack() + (concatenated ? classes : 0);
        System.arraycopy(discHidden, 0, s, 1, discHidden.length);
        s[s.length - 1] = 1;
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GanConfig c && c.data == data && c.noise == noise && Arrays.equals(c.genHidden, genHidden)
                && Arrays.equals(c.discHidden, discHidden) && c.sigmoidOutput == sigmoidOutput && c.loss == loss
                && java.util.Objects.equals(c.image, image) && c.disc.equals(disc) && c.classes == classes && c.concatenated == concatenated
                && c.auxWeight == auxWeight && c.genBatchNorm == genBatchNorm && c.standardized == standardized && c.residual == residual;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(genHidden) * 31 + Arrays.hashCode(discHidden) + data * 17 + noise;
    }

    @Override
    public String toString() {
        String conditional = classes > 0 ? "conditional (" + classes + " classes" + (concatenated ? ", concatenated in D" : "")
                + (auxWeight > 0f ? ", auxiliary classifier " + auxWeight : "") + ") " : "";
        if (image != null) {
            return conditional + "DCGAN z" + noise + " ngf " + genHidden[0] + " ndf " + discHidden[0] + " -> " + image + " tanh, "
                    + loss.name().toLowerCase() + " loss" + stabilizerText();
        }
        return conditional + "GAN z" + noise + " G" + Arrays.toString(genHidden) + (genBatchNorm ? " with batch norm" : "")
                + (residual ? " residual" : "") + " D"
                + Arrays.toString(discHidden) + (disc.maxout() > 1 ? " maxout " + disc.maxout() : "") + " -> " + data
                + (sigmoidOutput ? " sigmoid" : " linear") + (standardized ? " (standardized data)" : "") + ", " + loss.name().toLowerCase()
                + " loss" + stabilizerText();
    }

    private String stabilizerText() {
        String named = disc.toString();
        return named.equals("none") ? "" : ", D with " + named;
    }
}
