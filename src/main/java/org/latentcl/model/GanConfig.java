package org.latentcl.model;

import java.util.Arrays;

/**
 * The shape and objective of a GAN (Goodfellow et al. 2014).
 *
 * @param data          features per example
 * @param noise         noise dimensions (z ~ N(0, I))
 * @param genHidden     generator hidden sizes
 * @param discHidden    discriminator hidden sizes
 * @param sigmoidOutput whether the generator ends in a sigmoid (data in [0, 1]) or is linear
 * @param loss          the generator's loss
 */
public record GanConfig(int data, int noise, int[] genHidden, int[] discHidden, boolean sigmoidOutput, Loss loss) {
    /** The generator's objective. */
    public enum Loss {
        /** -log D(G(z)): strong gradients early in training (the paper's recommendation, the default). */
        NONSATURATING,
        /** log(1 - D(G(z))): the value function itself; its gradient vanishes while D wins. */
        MINIMAX
    }

    /** LeakyReLU slope between layers, as in the reference. */
    public static final float SLOPE = 0.2f;

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
                && Arrays.equals(c.discHidden, discHidden) && c.sigmoidOutput == sigmoidOutput && c.loss == loss;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(genHidden) * 31 + Arrays.hashCode(discHidden) + data * 17 + noise;
    }

    @Override
    public String toString() {
        return "GAN z" + noise + " G" + Arrays.toString(genHidden) + " D" + Arrays.toString(discHidden) + " -> " + data
                + (sigmoidOutput ? " sigmoid" : " linear") + ", " + loss.name().toLowerCase() + " loss";
    }
}
