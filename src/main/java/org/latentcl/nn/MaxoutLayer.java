package org.latentcl.nn;

import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Maxout;

/**
 * Maxout units (Goodfellow et al. 2013) after a Linear layer of {@code units * pieces} outputs: each unit is the
 * largest of its {@code pieces} consecutive values, as Blocks' LinearMaxout computes it for PacGAN's 2-D
 * discriminators (Lin et al. 2018: 200 units of 5 pieces). No parameters; PyTorch has no module for it, and
 * {@code tools/load_checkpoint.py} builds one from {@code x.view(-1, units, pieces).max(-1)}. Piecewise linear, so a
 * gradient penalty passes through it exactly: its Jacobian selects each unit's winning piece.
 */
public final class MaxoutLayer implements Layer {
    private final String name;
    private final int units;
    private final int pieces;
    private Backend backend;

    /** {@code units} maxout units of {@code pieces} pieces each, named as the Linear layer before it (such as "disc.0 maxout"). */
    public MaxoutLayer(String name, int units, int pieces) {
        if (units < 1 || pieces < 1) {
            throw new IllegalArgumentException("layer " + name + ": maxout needs at least one unit and one piece, got " + units
                    + " units of " + pieces);
        }
        this.name = name;
        this.units = units;
        this.pieces = pieces;
    }

    /** Values each unit is the maximum of. */
    public int pieces() {
        return pieces;
    }

    @Override
    public String label() {
        return name + " Maxout(" + pieces + ")";
    }

    @Override
    public void bind(Parameters p) {
        backend = p.backend();
    }

    @Override
    public int inputSize() {
        return units * pieces;
    }

    @Override
    public int outputSize() {
        return units;
    }

    @Override
    public void forward(Tensor x, Tensor y, boolean training) {
        Maxout.forward(backend, x, pieces, y);
    }

    /** dx = dy at each unit's winning piece of x, 0 elsewhere. */
    @Override
    public boolean backward(Tensor x, Tensor y, Tensor dy, boolean accumulate, boolean parameters, Tensor dx, Activation gate) {
        if (dx != null) {
            Maxout.backward(backend, x, pieces, dy, dx);
        }
        return false;
    }

    @Override
    public boolean takesPenalty() {
        return true;
    }

    /** No parameters; the tangent is uOut = u at each unit's winning piece of x. */
    @Override
    public void penaltyPass(Tensor u, Tensor x, Tensor y, Tensor dpre, Tensor uOut) {
        if (uOut != null) {
            Maxout.tangent(backend, x, pieces, u, uOut);
        }
    }

    @Override
    public void close() {
    }
}
