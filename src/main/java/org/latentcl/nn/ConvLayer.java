package org.latentcl.nn;

import java.util.ArrayList;
import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.Workspace;
import org.latentcl.backend.ops.ConvEpilogue;
import org.latentcl.backend.ops.ConvShape;

/**
 * What {@link Conv2d} and {@link ConvTranspose2d} share: a weight (and a bias unless
 * {@linkplain #withoutBias dropped}, as before a batch norm) resolved when bound, the largest batch
 * they take, the shape of the convolution they compute for a given batch,
 * its transposed weight (remade once per optimizer step), what its backward reads of its forward pass
 * (the columns, or the input in channel-major order) when that is small ({@link #keeps}; larger, backward
 * gathers it again from the input), the matrices that live within one call in the backend's
 * {@link Workspace}, which all layers share, and a ReLU or LeakyReLU after them
 * {@linkplain #fuse fused} into their last gather or permutation ({@link ConvEpilogue}), as a Linear
 * fuses one into its GEMM; backward, each carries its input gradient through the activation that made
 * its input in its own last launch.
 */
public abstract class ConvLayer implements Layer {
    protected final String name;
    protected final int in;
    protected final int out;
    protected final int maxBatch;
    private boolean hasBias = true;
    /** The activation fused into this layer's output (the identity when none is). */
    protected Activation act = Activation.IDENTITY;
    protected Backend backend;
    protected Param weight;
    /** The bias, or null without one. */
    protected Param bias;
    private final List<Tensor> scratch = new ArrayList<>();
    private Workspace workspace;
    private Parameters params;
    private TransposedWeight weightT;

    protected ConvLayer(String name, int in, int out, int maxBatch) {
        this.name = name;
        this.in = in;
        this.out = out;
        this.maxBatch = maxBatch;
    }

    /** The weight as the layer multiplies it, with PyTorch's shape and fan-in. */
    protected abstract ParamSpec weightSpec();

    /** The convolution the layer's GEMMs run for its largest batch (for a transposed convolution, the adjoint one). */
    protected abstract ConvShape convolution();

    /** Drops the bias (PyTorch's {@code bias=False}, as before a batch norm); subclasses offer it as {@code withoutBias()}. */
    protected final void dropBias() {
        hasBias = false;
    }

    /** The same layer, unbound, with no activation (its bias kept or dropped as here). */
    protected abstract ConvLayer copy();

    @Override
    public final Activation activation() {
        return act;
    }

    /**
     * This layer with a ReLU or LeakyReLU applied in its last launch; null for other activations, whose
     * derivatives are not read from their outputs' signs alone (they stay layers of their own).
     */
    @Override
    public final Layer fuse(Activation a) {
        if (act.kind() != Activation.Kind.IDENTITY || !a.piecewiseLinear() || a.kind() == Activation.Kind.IDENTITY) {
            return null;
        }
        ConvLayer fused = copy();
        fused.hasBias = hasBias;
        fused.act = a;
        return fused;
    }

    /** The epilogue of this layer's forward pass: its bias (if it has one), then its activation. */
    protected final ConvEpilogue outputEpilogue() {
        return ConvEpilogue.biasThen(bias == null ? null : bias.value(), act);
    }

    @Override
    public final List<ParamSpec> specs() {
        ParamSpec w = weightSpec();
        return hasBias ? List.of(w, ParamSpec.bias(name + ".bias", out, w.fanIn())) : List.of(w);
    }

    @Override
    public final String label() {
        return name + " " + getClass().getSimpleName();
    }

    /** Resolves the parameters and takes a hold on the backend's shared scratch. */
    @Override
    public final void bind(Parameters p) {
        backend = p.backend();
        params = p;
        weightT = null;
        if (workspace != null) {
            workspace.close();
        }
        workspace = backend.workspace();
        List<ParamSpec> specs = specs();
        weight = p.param(specs.get(0));
        bias = hasBias ? p.param(specs.get(1)) : null;
    }

    /** A scratch buffer of the layer's, released when it closes. */
    protected final Tensor scratch(int rows, int cols) {
        Tensor t = backend.zeros(rows, cols);
        scratch.add(t);
        return t;
    }

    /**
     * What a layer keeps of its forward pass for its backward (at most this many bytes: {@link #keeps}); larger, backward
     * gathers it again from the input, one pass over it, rather than holding it between the passes: a 128x128 DCGAN's
     * discriminator would hold 532 MiB of columns, where the 28x28 models' largest take 12.25 MiB (docs/PERFORMANCE.md).
     */
    static final long KEEP_LIMIT_BYTES = 16L << 20;

    /** Whether a rows x cols matrix of the forward pass is kept for backward rather than gathered again there. */
    protected static boolean keeps(int rows, int cols) {
        return (long) rows * cols * Float.BYTES <= KEEP_LIMIT_BYTES;
    }

    /**
     * {@code held} when it has room for rows x cols values, else a new buffer of the layer's own in its place, made for
     * the batch that came (remade larger for a larger one), not for the largest batch the layer allows.
     */
    protected final Tensor held(Tensor held, int rows, int cols) {
        Tensor t = backend.atLeast(held, rows, cols);
        if (t != held) {
            scratch.remove(held);
            scratch.add(t);
        }
        return t;
    }

    /** A rows x cols matrix of convolution columns for use within one call (shared with the other layers). */
    protected final Tensor sharedColumns(int rows, int cols) {
        return workspace.tensor("conv.columns", rows, cols);
    }

    /** A channel-major rows x cols matrix for use within one call (shared with the other layers; never the columns' storage). */
    protected final Tensor sharedChannelMajor(int rows, int cols) {
        return workspace.tensor("conv.channel-major", rows, cols);
    }

    /**
     * W^T (the weight as stored, transposed; a {@link TransposedWeight} its parameters hold), refreshed when the
     * parameters changed since it was last made (once per optimizer step): the GEMMs that multiply by W^T (a
     * convolution's input gradient, a transposed convolution's forward pass) run as plain NN products, which CPU devices
     * run faster than a transposed read of A.
     */
    protected final Tensor weightT() {
        if (weightT == null) {
            weightT = params.transposedCopy(weight);
        }
        return weightT.current();
    }

    /** The convolution for a batch of {@code batch} examples. */
    protected final ConvShape shapeFor(int batch) {
        if (batch > maxBatch) {
            throw new IllegalArgumentException("batch of " + batch + " rows exceeds the " + maxBatch + " layer " + name + " was built for");
        }
        ConvShape s = convolution();
        return new ConvShape(batch, s.channels(), s.height(), s.width(), s.kh(), s.kw(), s.stride(), s.pad());
    }

    @Override
    public void close() {
        scratch.forEach(Tensor::close);
        scratch.clear();
        weightT = null;
        if (workspace != null) {
            workspace.close();
            workspace = null;
        }
    }
}
