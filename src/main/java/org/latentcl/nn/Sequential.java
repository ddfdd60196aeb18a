package org.latentcl.nn;

import java.util.ArrayList;
import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;

/**
 * Layers run one after another, as PyTorch's nn.Sequential: each layer's output is the next one's
 * input, in buffers made once for the largest batch (smaller batches use views). The layers name
 * their own parameters, so a model can keep PyTorch's indices (activations count, without
 * parameters). Activations are layers of their own, so {@link #outputActivation} is the identity.
 */
public final class Sequential implements Network {
    private final List<Layer> layers;
    private final int maxBatch;
    private Backend backend;
    private LayerBuffers buffers;

    public Sequential(List<Layer> layers, int maxBatch) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        for (int i = 1; i < layers.size(); i++) {
            if (layers.get(i).inputSize() != layers.get(i - 1).outputSize()) {
                throw new IllegalArgumentException("layer " + i + " takes " + layers.get(i).inputSize() + " values, but layer " + (i - 1)
                        + " gives " + layers.get(i - 1).outputSize());
            }
        }
        this.layers = List.copyOf(layers);
        this.maxBatch = maxBatch;
    }

    public List<Layer> layers() {
        return layers;
    }

    @Override
    public List<ParamSpec> specs() {
        List<ParamSpec> all = new ArrayList<>();
        layers.forEach(l -> all.addAll(l.specs()));
        return all;
    }

    @Override
    public void bind(Parameters p) {
        backend = p.backend();
        for (Layer layer : layers) {
            layer.bind(p);
        }
        buffers = new LayerBuffers(backend, maxBatch, inputSize(), layers.stream().mapToInt(Layer::outputSize).toArray());
    }

    @Override
    public int inputSize() {
        return layers.get(0).inputSize();
    }

    @Override
    public int outputSize() {
        return layers.get(layers.size() - 1).outputSize();
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int b = x.rows();
        if (b > maxBatch || x.cols() != inputSize()) {
            throw new IllegalArgumentException("the network takes batches of at most " + maxBatch + " rows of " + inputSize()
                    + " values, got " + x.shape());
        }
        Tensor in = x;
        String outside = backend.layer();
        for (int i = 0; i < layers.size(); i++) {
            Tensor y = buffers.output(i, b);
            backend.layer(layers.get(i).label());
            layers.get(i).forward(in, y, training);
            in = y;
        }
        backend.layer(outside);
        return in;
    }

    @Override
    public Tensor outputGrad(int b) {
        return buffers.grad(layers.size() - 1, b);
    }

    @Override
    public Activation outputActivation() {
        return Activation.IDENTITY;
    }

    @Override
    public Gradient backward(Tensor x, Gradient dOut, boolean accumulate, boolean inputGradient) {
        return backward(x, dOut, accumulate, inputGradient, true);
    }

    @Override
    public Gradient backwardInput(Tensor x, Gradient dOut) {
        return backward(x, dOut, false, true, false);
    }

    private Gradient backward(Tensor x, Gradient dOut, boolean accumulate, boolean inputGradient, boolean parameters) {
        if (dOut.throughActivation()) {
            throw new IllegalArgumentException("a Sequential network's output has no fused activation to have carried a gradient through");
        }
        int b = x.rows();
        Tensor dy = dOut.value();
        String outside = backend.layer();
        for (int i = layers.size() - 1; i >= 0; i--) {
            Tensor in = i == 0 ? x : buffers.output(i - 1, b);
            Tensor dIn = i > 0 ? buffers.grad(i - 1, b) : inputGradient ? buffers.inputGrad(b) : null;
            backend.layer(layers.get(i).label() + " backward");
            layers.get(i).backward(in, buffers.output(i, b), dy, accumulate, parameters, dIn);
            dy = dIn;
        }
        backend.layer(outside);
        return dy == null ? null : Gradient.of(dy);
    }

    @Override
    public void close() {
        layers.forEach(Layer::close);
        if (buffers != null) {
            buffers.close();
        }
    }
}
