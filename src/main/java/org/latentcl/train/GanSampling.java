package org.latentcl.train;

import org.latentcl.backend.Philox;
import org.latentcl.model.GanNetwork;

/**
 * Generating from a trained GAN into host arrays, in chunks of its training batch ({@link GanNetwork#chunkRows}). Samples and inputs are
 * in the data's range: a DCGAN's tanh output [-1, 1] is mapped to [0, 1] on the way out, and data to
 * [-1, 1] on the way in, as its training scales them.
 */
public final class GanSampling {
    private GanSampling() {
    }

    /**
     * n samples G(z), z ~ N(0, I) from the Philox stream of {@code seed}; n x data values. A
     * conditional GAN draws every class in turn (sample i of class i mod classes).
     */
    public static float[] generate(GanNetwork gan, int n, long seed) {
        int c = gan.config().classes();
        int[] classes = null;
        if (c > 0) {
            classes = new int[n];
            for (int i = 0; i < n; i++) {
                classes[i] = i % c;
            }
        }
        return generate(gan, n, seed, classes);
    }

    /**
     * n samples G(z, y): z from the Philox stream of {@code seed} (the same z for the same seed,
     * whatever the classes), sample i of class {@code classes[i]} (null for an unconditional GAN).
     */
    public static float[] generate(GanNetwork gan, int n, long seed, int[] classes) {
        return generate(gan, n, seed, classes, 1f);
    }

    /**
     * As {@link #generate(GanNetwork, int, long, int[])} with the noise at a temperature: z ~ N(0, t^2 I). Below 1
     * the samples trade variety for typicality, as BigGAN's truncation trick does (Brock et al. 2019, section 3.1,
     * which resamples instead of scaling); 1 is the noise the generator was trained on.
     */
    public static float[] generate(GanNetwork gan, int n, long seed, int[] classes, float temperature) {
        int zd = gan.config().noise();
        float[] noise = new float[n * zd];
        Philox.fillNormal(noise, 0, noise.length, seed, 0);
        Temperature.scale(noise, temperature);
        return fromNoise(gan, noise, n, classes);
    }

    /**
     * Interpolation: {@code walks} walks of {@code steps} noise vectors between two draws each ({@link LatentWalks}),
     * generated, walk after walk; walk w of class {@code classes[w]} for a conditional GAN (null for an unconditional one).
     */
    public static float[] interpolate(GanNetwork gan, int walks, int steps, long seed, int[] classes) {
        return fromNoise(gan, LatentWalks.walks(walks, steps, gan.config().noise(), seed), walks * steps,
                LatentWalks.eachPoint(classes, walks, steps));
    }

    /** G(z, y) for n noise rows, in the data's range. */
    private static float[] fromNoise(GanNetwork gan, float[] noise, int n, int[] classes) {
        int zd = gan.config().noise();
        float[] codes = OneHot.append(gan.config().classes(), noise, n, zd, classes);
        float[] out = Chunked.map(gan.backend(), codes, n, gan.config().codeWidth(), gan.config().data(), gan.chunkRows(), gan::generate);
        if (gan.config().tanhOutput()) {
            for (int i = 0; i < out.length; i++) {
                out[i] = (out[i] + 1f) * 0.5f;
            }
        }
        return out;
    }

    /** {@code per} samples of each class in {@code classes}, class by class from the same noise ({@code per} samples when classes is null). */
    public static float[] generateByClass(GanNetwork gan, int per, long seed, int[] classes) {
        return generateByClass(gan, per, seed, classes, 1f);
    }

    /** As {@link #generateByClass(GanNetwork, int, long, int[])} at a temperature. */
    public static float[] generateByClass(GanNetwork gan, int per, long seed, int[] classes, float temperature) {
        return OneHot.byClass((k, cls) -> generate(gan, k, seed, cls, temperature), classes, per, gan.config().data());
    }

    /**
     * The discriminator's probability D(x) for each of n rows of x (n x data values). A packing
     * discriminator judges consecutive groups of pack rows (n must divide): each row gets its group's.
     */
    public static float[] discriminate(GanNetwork gan, float[] x, int n) {
        return discriminate(gan, x, n, null);
    }

    /** As {@link #discriminate(GanNetwork, float[], int)}, row i judged as of class {@code classes[i]} by a conditional GAN (null otherwise). */
    public static float[] discriminate(GanNetwork gan, float[] x, int n, int[] classes) {
        float[] scaled = gan.config().tanhOutput() ? toTanhRange(x) : x;
        int pack = gan.config().disc().pack();
        int data = gan.config().rowWidth();
        float[] in = OneHot.append(gan.config().classes(), scaled, n, gan.config().data(), classes);
        if (n % pack != 0) {
            throw new IllegalArgumentException("this discriminator judges packs of " + pack + " examples; " + n + " is not a multiple");
        }
        float[] packs = Chunked.map(gan.backend(), in, n / pack, data * pack, 1, Math.max(1, gan.chunkRows() / pack),
                (rows, out) -> gan.discriminate(rows.reshape(rows.rows() * pack, data), out));
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = packs[i / pack];
        }
        return out;
    }

    /** 2x - 1: data in [0, 1] to the DCGAN's [-1, 1], as pytorch/examples normalizes them. */
    static float[] toTanhRange(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = 2f * x[i] - 1f;
        }
        return out;
    }
}
