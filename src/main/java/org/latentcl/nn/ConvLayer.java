package org.latentcl.nn;

import java.util.ArrayList;
import java.util.List;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.ConvShape;

/**
 * What {@link Conv2d} and {@link ConvTranspose2d} share: a weight (and a bias unless
 * {@linkplain #withoutBias dropped}, as before a batch norm) resolved when bound, the largest batch
 * their scratch buffers are made for, the shape of the convolution they compute for a given batch,
 * and the scratch buffers themselves, released with the layer.
 */
public abstract class ConvLayer implements Layer {
    protected final String name;
    protected final int in;
    protected final int out;
    protected final int maxBatch;
    private boolean hasBias = true;
    protected Backend backend;
    protected Param weight;
    /** The bias, or null without one. */
    protected Param bias;
    private final List<Tensor> scratch = new ArrayList<>();

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

    @Override
    public final List<ParamSpec> specs() {
        ParamSpec w = weightSpec();
        return hasBias ? List.of(w, ParamSpec.bias(name + ".bias", out, w.fanIn())) : List.of(w);
    }

    @Override
    public final String label() {
        return name + " " + getClass().getSimpleName();
    }

    /** Resolves the parameters, then makes the scratch buffers ({@link #allocate}). */
    @Override
    public final void bind(Parameters p) {
        backend = p.backend();
        List<ParamSpec> specs = specs();
        weight = p.param(specs.get(0));
        bias = hasBias ? p.param(specs.get(1)) : null;
        allocate();
    }

    /** Makes the scratch buffers the layer needs from the start. */
    protected abstract void allocate();

    /** A scratch buffer of the layer's, released when it closes. */
    protected final Tensor scratch(int rows, int cols) {
        Tensor t = backend.zeros(rows, cols);
        scratch.add(t);
        return t;
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
    }
}
