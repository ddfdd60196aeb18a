package org.latentcl.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.latentcl.Gan;

/**
 * The stabilizers of one {@code train gan} run: a preset ({@code default}, the combination
 * docs/GAN.md measured most stable; {@code paper}, the 2014 GAN), changed by the flags the user set.
 * Conflicting flags are refused with one line.
 *
 * @param loss          the loss
 * @param spectralNorm  spectral normalization of the discriminator
 * @param pack          PacGAN's pack size
 * @param minibatchStd  the minibatch standard-deviation feature
 * @param realLabel     the BCE target of real data
 * @param instanceNoise the starting standard deviation of instance noise
 * @param dLr           the discriminator's learning rate
 * @param lrDecay       both learning rates falling linearly to 0
 * @param generatorAverage the decay of the generator average (0: none)
 * @param r1            R1's gamma (0: none)
 * @param r1Every       the discriminator steps between two R1 steps
 * @param gradientPenalty WGAN-GP's lambda (0: none)
 * @param fakesPerReal  generated examples per real one in a step (1)
 */
record GanStabilizers(Gan.Loss loss, boolean spectralNorm, int pack, boolean minibatchStd, float realLabel, float instanceNoise,
                      float dLr, boolean lrDecay, float generatorAverage, float r1, int r1Every,
                      float gradientPenalty, int fakesPerReal) {
    /** The 2014 GAN: what {@code train gan} did before the stabilizers. */
    static GanStabilizers paper(float lr) {
        return new GanStabilizers(Gan.Loss.NONSATURATING, false, 1, false, 1f, 0f, lr, false, 0f, 0f, 1, 0f, 1);
    }

    /** The generator average's decay under the default presets for points and for images. */
    static final float DEFAULT_G_EMA = 0.999f;
    /** The instance noise under the default preset for points (in the data's standardized units), annealed to 0 over the run. */
    static final float POINTS_INSTANCE_NOISE = 0.14f;
    /** Generated examples per real one under the default preset for points (the 5x5 grid's modes, docs/GAN.md). */
    static final int POINTS_FAKES_PER_REAL = 4;
    /** R1's gamma under the default preset for the MLP GAN on images. */
    static final float IMAGES_R1 = 10f;

    /**
     * The default preset, measured in docs/GAN.md: for points, instance noise 0.14 (in standardized units), both rates
     * decaying to 0, the generator average and four generated examples per real one, without packing, R1 or spectral normalization, the learning rates equal; for the MLP GAN on images, conditional or not, R1 with the
     * generator average, the learning rates equal; the DCGAN keeps Radford et al.'s recipe but for the
     * rate (GanKind): spectral normalization made its batch-normalized discriminator worse.
     */
    static GanStabilizers defaults(GanKind kind, float lr) {
        if (kind == GanKind.DCGAN || kind == GanKind.DCGAN_PAPER) {
            return paper(lr);
        }
        if (kind == GanKind.POINTS) {
            return new GanStabilizers(Gan.Loss.NONSATURATING, false, 1, false, 1f, POINTS_INSTANCE_NOISE, lr, true, DEFAULT_G_EMA, 0f, 1, 0f,
                    POINTS_FAKES_PER_REAL);
        }
        return new GanStabilizers(Gan.Loss.NONSATURATING, false, 1, false, 1f, 0f, lr, false, DEFAULT_G_EMA, IMAGES_R1, 1, 0f, 1);
    }

    /** The preset named {@code preset} with the flags that are not null applied; a conflict is a {@link UsageException}. */
    static GanStabilizers resolve(String preset, GanKind kind, String loss, Boolean spectralNorm, Integer pack, Boolean minibatchStd,
                                  Float labelSmoothing, Float instanceNoise, Float dLr, Boolean lrDecay, Float generatorAverage,
                                  Float r1, Integer r1Every, Float gradientPenalty, Integer fakesPerReal, float lr, int batch) {
        GanStabilizers base = switch (preset.toLowerCase(Locale.ROOT)) {
            case "default" -> defaults(kind, lr);
            case "paper" -> paper(lr);
            default -> throw new UsageException("--preset must be default or paper, got '" + preset + "'");
        };
        boolean paper = preset.equalsIgnoreCase("paper");
        List<String> set = new ArrayList<>();
        Gan.Loss l = base.loss;
        if (loss != null) {
            try {
                l = Gan.Loss.valueOf(loss.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--loss must be nonsaturating, minimax, hinge or wgan, got '" + loss + "'");
            }
            if (l != Gan.Loss.NONSATURATING && l != Gan.Loss.MINIMAX) {
                set.add("--loss " + loss);
            }
        }
        if (spectralNorm != null && spectralNorm) {
            set.add("--spectral-norm");
        }
        if (pack != null) {
            Flags.positive("--pack", pack);
            if (batch % pack != 0) {
                throw new UsageException("--pack " + pack + " must divide the batch (" + batch + ")");
            }
            if (pack > 1) {
                set.add("--pack");
            }
        }
        if (minibatchStd != null && minibatchStd) {
            set.add("--minibatch-std");
        }
        if (labelSmoothing != null) {
            if (!(labelSmoothing > 0.5f && labelSmoothing <= 1f)) {
                throw new UsageException("--label-smoothing is the target of real data, in (0.5, 1], got " + labelSmoothing);
            }
            if (labelSmoothing != 1f) {
                set.add("--label-smoothing");
            }
        }
        if (instanceNoise != null) {
            if (!(instanceNoise >= 0f) || !Float.isFinite(instanceNoise)) {
                throw new UsageException("--instance-noise must be a standard deviation of at least 0, got " + instanceNoise);
            }
            if (instanceNoise > 0f) {
                set.add("--instance-noise");
            }
        }
        if (dLr != null) {
            Flags.positive("--d-lr", dLr);
            if (dLr != lr) {
                set.add("--d-lr");
            }
        }
        if (l == Gan.Loss.HINGE && labelSmoothing != null && labelSmoothing != 1f) {
            throw new UsageException("--label-smoothing " + labelSmoothing + " changes the BCE target of real data; --loss hinge has no targets");
        }
        if (lrDecay != null && lrDecay) {
            set.add("--lr-decay");
        }
        if (generatorAverage != null) {
            if (!(generatorAverage == 0f || (generatorAverage > 0f && generatorAverage < 1f))) {
                throw new UsageException("--g-ema is the generator average's decay per update, in (0, 1) such as 0.999 (0: none), got "
                        + generatorAverage);
            }
            if (generatorAverage > 0f) {
                set.add("--g-ema");
            }
        }
        if (r1 != null) {
            if (!(r1 >= 0f) || !Float.isFinite(r1)) {
                throw new UsageException("--r1 is the weight gamma of R1, a number of at least 0 such as 0.1 or 10 (0: none), got " + r1);
            }
            if (r1 > 0f) {
                set.add("--r1");
            }
        }
        if (r1Every != null) {
            Flags.positive("--r1-every", r1Every);
            if ((r1 != null ? r1 : base.r1) == 0f) {
                throw new UsageException("--r1-every says how often R1 is taken; add --r1 GAMMA");
            }
        }
        if (gradientPenalty != null) {
            if (!(gradientPenalty >= 0f) || !Float.isFinite(gradientPenalty)) {
                throw new UsageException("--gp is WGAN-GP's weight lambda, a number of at least 0 such as 10 (0: none), got " + gradientPenalty);
            }
            if (gradientPenalty > 0f) {
                set.add("--gp");
            }
        }
        if (fakesPerReal != null) {
            Flags.positive("--fakes-per-real", fakesPerReal);
            if (fakesPerReal > 1) {
                set.add("--fakes-per-real");
            }
        }
        if (paper && !set.isEmpty()) {
            throw new UsageException("--preset paper is the 2014 GAN without stabilizers; it conflicts with " + String.join(", ", set));
        }
        GanStabilizers st = new GanStabilizers(l, spectralNorm != null ? spectralNorm : base.spectralNorm, pack != null ? pack : base.pack,
                minibatchStd != null ? minibatchStd : base.minibatchStd, labelSmoothing != null ? labelSmoothing : base.realLabel,
                instanceNoise != null ? instanceNoise : base.instanceNoise, dLr != null ? dLr : base.dLr,
                lrDecay != null ? lrDecay : base.lrDecay, generatorAverage != null ? generatorAverage : base.generatorAverage,
                r1 != null ? r1 : base.r1, r1Every != null ? r1Every : base.r1Every,
                gradientPenalty != null ? gradientPenalty : base.gradientPenalty, fakesPerReal != null ? fakesPerReal : base.fakesPerReal);
        if ((st.loss == Gan.Loss.HINGE || st.loss == Gan.Loss.WGAN) && st.realLabel != 1f) {
            throw new UsageException("--label-smoothing " + st.realLabel + " changes the BCE target of real data; --loss "
                    + st.loss.name().toLowerCase(Locale.ROOT) + " has no targets");
        }
        if (st.loss == Gan.Loss.WGAN && st.gradientPenalty == 0f && !st.spectralNorm) {
            throw new UsageException("--loss wgan needs its critic kept near 1-Lipschitz: add --gp 10 (WGAN-GP) or --spectral-norm");
        }
        if (batch % st.pack != 0) {
            throw new UsageException("the batch (" + batch + ") must be a multiple of the pack size (" + st.pack + ")");
        }
        return st;
    }

    /** These stabilizers with {@code n} generated examples per real one. */
    GanStabilizers withFakesPerReal(int n) {
        return new GanStabilizers(loss, spectralNorm, pack, minibatchStd, realLabel, instanceNoise, dLr, lrDecay, generatorAverage, r1, r1Every,
                gradientPenalty, n);
    }

    /** The start line's list: the loss, the discriminator's stabilizers as the built GAN names them, and training's. */
    String describe(String discriminator) {
        List<String> parts = new ArrayList<>();
        parts.add(loss.name().toLowerCase(Locale.ROOT) + " loss");
        if (!discriminator.isEmpty()) {
            parts.add(discriminator);
        }
        if (realLabel != 1f) {
            parts.add("real label " + realLabel);
        }
        if (instanceNoise > 0f) {
            parts.add("instance noise " + instanceNoise + " annealed to 0");
        }
        if (lrDecay) {
            parts.add("learning rates decaying to 0");
        }
        if (generatorAverage > 0f) {
            parts.add("generator average " + generatorAverage);
        }
        if (r1 > 0f) {
            parts.add("R1 gamma " + Flags.number(r1) + (r1Every > 1 ? " every " + r1Every + " steps" : ""));
        }
        if (gradientPenalty > 0f) {
            parts.add("gradient penalty lambda " + Flags.number(gradientPenalty));
        }
        if (fakesPerReal > 1) {
            parts.add(fakesPerReal + " generated examples per real one");
        }
        return String.join(", ", parts);
    }
}
