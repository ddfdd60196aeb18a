package org.latentcl.model;

import java.util.Arrays;
import org.latentcl.data.Decoder;

/**
 * The shape and likelihood of a VAE: fully connected (image null), or convolutional on images of
 * the given shape (the encoder's stride-2 convolutions halve the image once per width, so its sides
 * must divide by 2^widths).
 *
 * @param input   features per example (784 for 28x28 images)
 * @param hidden  encoder hidden sizes, first to last (the convolutions' channel widths when
 *                convolutional); the decoder mirrors them
 * @param latent  latent dimensions
 * @param decoder BERNOULLI (logits, binary cross-entropy) or GAUSSIAN (mean, fixed sigma)
 * @param sigma   the Gaussian decoder's standard deviation (1 for unit variance)
 * @param image   the image shape of a convolutional VAE; null for the MLP
 * @param classes the classes of a conditional VAE (Sohn et al. 2015), whose encoder and decoder both
 *                see the class as a one-hot vector; 0 for an unconditional one
 */
public record VaeConfig(int input, int[] hidden, int latent, Decoder decoder, float sigma, ImageShape image, int classes) {
    /** A fully connected VAE. */
    public VaeConfig(int input, int[] hidden, int latent, Decoder decoder, float sigma) {
        this(input, hidden, latent, decoder, sigma, null, 0);
    }

    /** An unconditional VAE, convolutional when {@code image} is not null. */
    public VaeConfig(int input, int[] hidden, int latent, Decoder decoder, float sigma, ImageShape image) {
        this(input, hidden, latent, decoder, sigma, image, 0);
    }

    /** The same VAE conditioned on {@code n} classes. */
    public VaeConfig conditional(int n) {
        return new VaeConfig(input, hidden, latent, decoder, sigma, image, n);
    }

    public VaeConfig {
        if (input < 1 || latent < 1) {
            throw new IllegalArgumentException("VAE sizes must be positive: input " + input + ", latent " + latent);
        }
        hidden = hidden.clone();
        for (int h : hidden) {
            if (h < 1) {
                throw new IllegalArgumentException("hidden sizes must be positive, got " + Arrays.toString(hidden));
            }
        }
        if (classes < 0 || classes == 1) {
            throw new IllegalArgumentException("a conditional VAE needs at least two classes, got " + classes);
        }
        if (!(sigma > 0f) || Float.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma must be a positive number, got " + sigma);
        }
        if (image != null) {
            ConvArchitectures.checkConvVae(image, hidden);
            if (image.size() != input) {
                throw new IllegalArgumentException("a " + image + " image has " + image.size() + " values, not " + input);
            }
        }
    }

    /** Whether the encoder and decoder are convolutional. */
    public boolean convolutional() {
        return image != null;
    }

    /** Whether the VAE is class-conditional. */
    public boolean conditional() {
        return classes > 0;
    }

    /**
     * Values per example that the VAE reads: the data's features, followed, for a conditional VAE,
     * by the one-hot class (the rows that training, evaluation and encoding take).
     */
    public int rowWidth() {
        return input + classes;
    }

    /** Values per code that the decoder reads: the latent code, followed, for a conditional VAE, by the one-hot class. */
    public int codeWidth() {
        return latent + classes;
    }

    /** Encoder sizes: input (with the one-hot class of a conditional MLP), hidden... */
    int[] encoderSizes() {
        int[] s = new int[hidden.length + 1];
        s[0] = input + classes;
        System.arraycopy(hidden, 0, s, 1, hidden.length);
        return s;
    }

    /** Decoder sizes: latent, hidden reversed..., input. */
    int[] decoderSizes() {
        int[] s = new int[hidden.length + 2];
        s[0] = latent + classes;
        for (int i = 0; i < hidden.length; i++) {
            s[i + 1] = hidden[hidden.length - 1 - i];
        }
        s[s.length - 1] = input;
        return s;
    }

    int lastHidden() {
        return hidden.length == 0 ? input : hidden[hidden.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VaeConfig c && c.input == input && Arrays.equals(c.hidden, hidden) && c.latent == latent
                && c.decoder == decoder && Float.compare(c.sigma, sigma) == 0 && java.util.Objects.equals(c.image, image)
                && c.classes == classes;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(hidden) * 31 + input * 17 + latent;
    }

    @Override
    public String toString() {
        String conditional = classes > 0 ? "conditional (" + classes + " classes) " : "";
        if (image != null) {
            return conditional + "conv VAE " + image + " channels " + Arrays.toString(hidden) + " latent " + latent + " " + decoder.name().toLowerCase()
                    + (decoder == Decoder.GAUSSIAN ? " sigma " + sigma : "");
        }
        return conditional + "VAE " + input + "-" + Arrays.toString(hidden) + "-" + latent + " " + decoder.name().toLowerCase()
                + (decoder == Decoder.GAUSSIAN ? " sigma " + sigma : "");
    }
}
