package org.latentcl.train;

/**
 * The learning rate over a run, as a factor of the configured rate at each update: a linear warm-up over the
 * first {@code warmupSteps} updates ((u + 1) / warmupSteps, so the first update already moves), then
 * constant, falling linearly towards 0, or following half a cosine to 0 (Loshchilov &amp; Hutter 2017, without
 * restarts) over the updates after the warm-up, as PyTorch's LambdaLR, LinearLR and CosineAnnealingLR
 * schedules do per step.
 *
 * @param kind        the shape after the warm-up
 * @param warmupSteps updates of linear warm-up (0: none)
 */
public record LearningRateSchedule(Kind kind, int warmupSteps) {
    /** The shape of the schedule after its warm-up. */
    public enum Kind {
        /** The configured rate throughout. */
        CONSTANT,
        /** 1 - p, p the share of the updates after the warm-up already made: 1 at the first, 1 / n at the last of n. */
        LINEAR,
        /** (1 + cos(pi p)) / 2: slow at both ends, 0.5 half-way. */
        COSINE
    }

    /** The configured rate throughout. */
    public static final LearningRateSchedule CONSTANT = new LearningRateSchedule(Kind.CONSTANT, 0);

    public LearningRateSchedule {
        if (kind == null) {
            throw new IllegalArgumentException("a learning-rate schedule needs a kind: constant, linear or cosine");
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("the warm-up must be 0 (none) or a number of steps, got " + warmupSteps);
        }
    }

    /** The schedule named constant, linear or cosine (any case), with the warm-up. */
    public static LearningRateSchedule of(String kind, int warmupSteps) {
        try {
            return new LearningRateSchedule(Kind.valueOf(kind.toUpperCase(java.util.Locale.ROOT)), warmupSteps);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the learning-rate schedule must be constant, linear or cosine, got '" + kind + "'");
        }
    }

    /** Whether every update uses the configured rate (constant, no warm-up). */
    public boolean isConstant() {
        return kind == Kind.CONSTANT && warmupSteps == 0;
    }

    /**
     * The factor of update {@code u} (0-based) of a run of {@code total} updates. After the warm-up the share
     * p = (u - warmupSteps) / (total - warmupSteps) runs from 0 at the first update; the linear schedule
     * computes 1 - p exactly as the GAN's earlier {@code --lr-decay} did (1 - done / total), so those runs keep their bits.
     */
    public double factor(long u, long total) {
        if (u < warmupSteps) {
            return (double) (u + 1) / warmupSteps;
        }
        if (kind == Kind.CONSTANT) {
            return 1.0;
        }
        long span = Math.max(1, total - warmupSteps);
        double p = Math.min(1.0, (double) (u - warmupSteps) / span);
        return kind == Kind.LINEAR ? 1.0 - p : 0.5 * (1.0 + Math.cos(Math.PI * p));
    }

    /** "cosine, warm-up 500 steps", "linear", "constant". */
    @Override
    public String toString() {
        String name = kind.name().toLowerCase(java.util.Locale.ROOT);
        return warmupSteps > 0 ? name + ", warm-up " + warmupSteps + (warmupSteps == 1 ? " step" : " steps") : name;
    }
}
