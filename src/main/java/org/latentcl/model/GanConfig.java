package org.latentcl.model;

import java.util.Arrays;

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
 */
public record GanConfig(int data, int noise, int[] genHidden, int[] discHidden, boolean sigmoidOutput, Loss loss, ImageShape image) {
    /** The generator's objective. */
    public enum Loss {
        /** -log D(G(z)): strong gradients early in training (the paper's recommendation, the default). */
        NONSATURATING,
        /** log(1 - D(G(z))): the value function itself; its gradient vanishes while D wins. */
        MINIMAX
    }

    /** LeakyReLU slope between layers, as in the reference. */
    public static final float SLOPE = 0.2f;

    /** MLP generator and discriminator. */
    public GanConfig(int data, int noise, int[] genHidden, int[] discHidden, boolean sigmoidOutput, Loss loss) {
        this(data, noise, genHidden, discHidden, sigmoidOutput, loss, null);
    }

    /** A DCGAN on images of the given shape, with widths ngf and ndf. */
    public static GanConfig dcgan(ImageShape image, int noise, int ngf, int ndf, Loss loss) {
        return new GanConfig(image.size(), noise, new int[] {ngf}, new int[] {ndf}, false, loss, image);
    }

    public GanConfig {
        if (data < 1 || noise < 1) {
            throw new IllegalArgumentException("GAN sizes must be positive: data " + data + ", noise " + noise);
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
        s[0] = noise;
        System.arraycopy(genHidden, 0, s, 1, genHidden.length);
        s[s.length - 1] = data;
        return s;
    }

    int[] discriminatorSizes() {
        int[] s = new int[discHidden.length + 2];
        s[0] = data;
        System.arraycopy(discHidden, 0, s, 1, discHidden.length);
        s[s.length - 1] = 1;
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GanConfig c && c.data == data && c.noise == noise && Arrays.equals(c.genHidden, genHidden)
                && Arrays.equals(c.discHidden, discHidden) && c.sigmoidOutput == sigmoidOutput && c.loss == loss
                && java.util.Objects.equals(c.image, image);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(genHidden) * 31 + Arrays.hashCode(discHidden) + data * 17 + noise;
    }

    @Override
    public String toString() {
        if (image != null) {
            return "DCGAN z" + noise + " ngf " + genHidden[0] + " ndf " + discHidden[0] + " -> " + image + " tanh, "
                    + loss.name().toLowerCase() + " loss";
        }
        return "GAN z" + noise + " G" + Arrays.toString(genHidden) + " D" + Arrays.toString(discHidden) + " -> " + data
                + (sigmoidOutput ? " sigmoid" : " linear") + ", " + loss.name().toLowerCase() + " loss";
    }
}
