package org.latentcl.model;

import org.latentcl.backend.Backend;
import org.latentcl.backend.Philox;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.CopyColumns;
import org.latentcl.backend.ops.Dot;
import org.latentcl.backend.ops.Elementwise;
import org.latentcl.backend.ops.GradientPenalty;
import org.latentcl.backend.ops.RandomFill;
import org.latentcl.backend.ops.RowSums;
import org.latentcl.backend.ops.ScaleRows;
import org.latentcl.backend.ops.Sum;
import org.latentcl.nn.RandomStream;
import org.latentcl.nn.Sequential;

/**
 * The gradient penalties of a discriminator: R1 (Mescheder et al. 2018) and WGAN-GP's (Gulrajani et al. 2017). Each
 * takes the input gradient g = dD/dx of D's logits and adds the penalty's gradient to D's parameter gradients through
 * the {@link Judge}, which runs {@link Sequential#penaltyBackward} over D's parts. Owns its per-row buffers, made on
 * first use.
 */
final class DiscriminatorPenalties implements AutoCloseable {
    /** The discriminator as the penalties see it: its logits, their input gradient, and that gradient's own gradient. */
    interface Judge {
        /** D's logits for the judged rows, in training mode, kept for the two calls below. */
        void forward(Tensor judged);

        /** g = dD/dx for each row of the last {@link #forward}, from dD/dlogit = 1; valid until the next call. */
        Tensor inputGradient(Tensor judged);

        /** Adds to D's parameter gradients the gradient of a penalty P(g), given u = dP/dg for the last {@link #inputGradient}. */
        void penaltyBackward(Tensor u);
    }

    private final Backend be;
    private final Judge disc;
    private final int maxRows;
    /** Per-row numbers: R1's weights or WGAN-GP's eps, then its coefficients; its squared norms; its terms (3 x maxRows). */
    private Tensor rows;
    /** WGAN-GP's uniform draws, one Philox block per example. */
    private Tensor draws;

    /** For {@code disc}, which judges at most {@code maxRows} rows at once. */
    DiscriminatorPenalties(Backend be, Judge disc, int maxRows) {
        this.be = be;
        this.disc = disc;
        this.maxRows = maxRows;
    }

    /**
     * R1 on the rows D just judged (their forward pass still in its buffers, its parameter gradients taken): ||g||^2
     * summed into stats[index], and the gradient of (weight / 2) sum ||g||^2 added to D's parameter gradients.
     */
    void r1(Tensor judged, float weight, Tensor stats, int index) {
        int m = judged.rows();
        Tensor g = disc.inputGradient(judged);
        Dot.dot(be, g, g, stats, index, true);
        // u = d/dg of (weight / 2) ||g||^2 = weight g, in place, each row scaled exactly.
        Tensor w = rowNumbers(0, m);
        Elementwise.fill(be, w, weight);
        ScaleRows.scaleRows(be, w, g, 0f, g);
        disc.penaltyBackward(g);
    }

    /**
     * WGAN-GP at x^ = x~ + eps (x - x~) for each of the m judged rows of real x and generated x~ (m x width, a pack
     * interpolated whole), eps ~ U[0, 1) from rng: the terms lambda (||g|| - 1)^2 summed into stats[index], and the
     * gradient of scale times their sum added to D's parameter gradients. {@code examples} is how many examples the m rows
     * hold (one Philox block is drawn per example, so that a device's shard starts on a block of its own; eps is each
     * pack's first value); {@code diff} and {@code hat} are scratch of x's shape.
     */
    void wganGp(Tensor real, Tensor generated, int examples, RandomStream rng, float lambda, float scale, Tensor diff, Tensor hat,
                Tensor stats, int index) {
        int m = real.rows();
        if (draws == null) {
            draws = be.zeros(maxRows * (examples / m), Philox.VALUES_PER_BLOCK);
        }
        Tensor eps = rowNumbers(0, m);
        Tensor squares = rowNumbers(1, m);
        Tensor terms = rowNumbers(2, m);
        Tensor u = draws.rowRange(0, examples);
        RandomFill.uniform(be, u, rng.seed(), rng.take((long) examples * Philox.VALUES_PER_BLOCK));
        CopyColumns.copyColumns(be, u.reshape(m, Philox.VALUES_PER_BLOCK * examples / m), 0, eps, 0, 1);
        Elementwise.axpy(be, real, -1f, generated, diff);
        Elementwise.copy(be, generated, hat);
        ScaleRows.scaleRows(be, eps, diff, 1f, hat);
        disc.forward(hat);
        Tensor g = disc.inputGradient(hat);
        Elementwise.mul(be, g, g, diff);
        RowSums.rowSums(be, diff, 1f, 0f, squares);
        // The coefficients overwrite eps, no longer needed.
        GradientPenalty.rows(be, squares, lambda, scale, eps, terms);
        Sum.sum(be, terms, stats, index, true);
        ScaleRows.scaleRows(be, eps, g, 0f, g);
        disc.penaltyBackward(g);
    }

    /** Per-row numbers of kind k (0, 1 or 2) for m rows, as an m x 1 column. */
    private Tensor rowNumbers(int k, int m) {
        if (rows == null) {
            rows = be.zeros(3, maxRows);
        }
        return rows.view(k * maxRows, m, 1);
    }

    @Override
    public void close() {
        if (rows != null) {
            rows.close();
        }
        if (draws != null) {
            draws.close();
        }
    }
}
