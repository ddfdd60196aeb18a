package org.latentcl.nn;

import java.util.ArrayList;
import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;

/**
 * A stack of {@link Linear} layers named {@code NAME.0}, {@code NAME.1}, ...: sizes[0] -> sizes[1]
 * -> ... with {@code hidden} between layers and {@code output} after the last. Activation and
 * gradient buffers are allocated once, for {@code maxBatch} rows; smaller batches use views.
 */
public final class Mlp implements Network {
    private final List<Linear> layers = new ArrayList<>();
    private final int maxBatch;
    private LayerBuffers buffers;
    private Backend backend;

    public Mlp(String name, int[] sizes, Activation hidden, Activation output, int maxBatch) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least an input and an output size");
        }
        for (int i = 0; i + 1 < sizes.length; i++) {
            layers.add(new Linear(name + "." + i, sizes[i], sizes[i + 1], i + 2 == sizes.length ? output : hidden));
        }
        this.maxBatch = maxBatch;
    }

    @Override
    public List<ParamSpec> specs() {
        List<ParamSpec> all = new ArrayList<>();
        layers.forEach(l -> all.addAll(l.specs()));
        return all;
    }

    /** Binds the layers to their parameters and allocates the activation buffers. */
    @Override
    public void bind(Parameters p) {
        backend = p.backend();
        for (Linear layer : layers) {
            layer.bind(p);
        }
        buffers = new LayerBuffers(backend, maxBatch, inputSize(), layers.stream().mapToInt(Linear::out).toArray());
    }

    @Override
    public int inputSize() {
        return layers.get(0).in();
    }

    @Override
    public int outputSize() {
        return layers.get(layers.size() - 1).out();
    }

    public List<Linear> layers() {
        return layers;
    }

    /** Runs the stack on x (batch x in) and returns the output view (batch x out), valid until the next call. */
    @Override
    public Tensor forward(Tensor x) {
        int b = x.rows();
        if (b > maxBatch) {
            throw new IllegalArgumentException("batch of " + b + " rows exceeds the " + maxBatch + " this network was built for");
        }
        Tensor in = x;
        String outside = backend.layer();
        for (int i = 0; i < layers.size(); i++) {
            Tensor y = buffers.output(i, b);
            backend.layer(layers.get(i).name() + " Linear");
            layers.get(i).forward(backend, in, y);
            in = y;
        }
        backend.layer(outside);
        return in;
    }

    /** The same: an MLP has no batch statistics. */
    @Override
    public Tensor forward(Tensor x, boolean training) {
        return forward(x);
    }

    /** The buffer for dL/d(output) of b rows: a loss writes into it, then {@link #backward} reads it. */
    @Override
    public Tensor outputGrad(int b) {
        return buffers.grad(layers.size() - 1, b);
    }

    /** The last layer's activation. */
    @Override
    public Activation outputActivation() {
        return layers.get(layers.size() - 1).activation();
    }

    /**
     * Backward through the stack after {@link #forward} on x, from dL/d(output) {@code dOut}: writes
     * the parameter gradients (added to what is there when {@code accumulate}) and returns dL/dx
     * when {@code inputGradient}, else
     * null. The returned tensor is this network's, valid until its next backward pass.
     */
    @Override
    public Gradient backward(Tensor x, Gradient dOut, boolean accumulate, boolean inputGradient) {
        return backward(x, dOut, accumulate, inputGradient, true);
    }

    /**
     * Backward to the input only, leaving the parameter gradients alone (a network held fixed while
     * the gradient flows through it): returns dL/dx as {@link #backward} does.
     */
    @Override
    public Gradient backwardInput(Tensor x, Gradient dOut) {
        return backward(x, dOut, false, true, false);
    }

    private Gradient backward(Tensor x, Gradient dOut, boolean accumulate, boolean inputGradient, boolean parameters) {
        int b = x.rows();
        Tensor dx = inputGradient ? buffers.inputGrad(b) : null;
        Gradient dy = dOut;
        String outside = backend.layer();
        for (int i = layers.size() - 1; i >= 0; i--) {
            backend.layer(layers.get(i).name() + " Linear backward");
            Tensor in = i == 0 ? x : buffers.output(i - 1, b);
            Tensor dIn = i == 0 ? dx : buffers.grad(i - 1, b);
            // Layer i's input gradient goes through the activation that made its input, in the same GEMM.
            Activation inAct = i == 0 ? null : layers.get(i - 1).activation();
            if (parameters) {
                layers.get(i).backward(backend, in, buffers.output(i, b), dy, accumulate, dIn, 0f, inAct);
            } else {
                layers.get(i).backwardInput(backend, in, buffers.output(i, b), dy, dIn, inAct);
            }
            dy = new Gradient(dIn, inAct != null && inAct.kind() != Activation.Kind.IDENTITY);
        }
        backend.layer(outside);
        return dx == null ? null : dy;
    }

    @Override
    public void close() {
        layers.forEach(Linear::close);
        if (buffers != null) {
            buffers.close();
        }
    }
}
