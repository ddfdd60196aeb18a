package org.latentcl.nn;

import java.util.ArrayList;
import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Activations;

/**
 * Layers run one after another, as PyTorch's nn.Sequential: each layer's output is the next one's
 * input, in buffers made once for the largest batch (smaller batches use views). The layers name
 * their own parameters, so a model keeps PyTorch's indices (activations count, without parameters).
 *
 * <p>An activation that follows a layer able to take it ({@link Layer#fuse}: a {@link Linear}) is
 * fused into that layer's GEMM epilogue, and backward each such layer's input gradient is carried
 * through the activation before it in the same GEMM, so an MLP costs one launch per layer each way.
 * {@link #outputActivation} is then the last layer's fused activation, which a consumer may carry
 * the incoming gradient through itself (a {@link Gradient} says whether it did).
 */
public final class Sequential implements AutoCloseable {
    private final List<Layer> layers;
    /** The first layer that cannot pass a gradient penalty's gradient, or null; the layers never change. */
    private final Layer refusingPenalty;
    private final int maxBatch;
    private Backend backend;
    private LayerBuffers buffers;
    /** The input of the last forward pass (the caller's tensor), which a penalty's pass reads again for layers whose Jacobian depends on it. */
    private Tensor lastInput;
    /** Whether the last backward pass kept each layer's gradient in its own buffer, as {@link #penaltyBackward} needs. */
    private boolean keptGradients;

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
        this.layers = List.copyOf(fused(layers));
        this.refusingPenalty = this.layers.stream().filter(l -> !l.takesPenalty()).findFirst().orElse(null);
        this.maxBatch = maxBatch;
    }

    /** The layers with every activation that follows a layer able to take it folded into that layer. */
    private static List<Layer> fused(List<Layer> layers) {
        List<Layer> out = new ArrayList<>();
        for (Layer layer : layers) {
            Layer last = out.isEmpty() ? null : out.get(out.size() - 1);
            Layer merged = layer instanceof ActivationLayer a && last != null ? last.fuse(a.function()) : null;
            if (merged != null) {
                out.set(out.size() - 1, merged);
            } else {
                out.add(layer);
            }
        }
        return out;
    }

    /**
     * A multilayer perceptron: Linear layers {@code NAME.0}, {@code NAME.1}, ... (the names of a
     * PyTorch ModuleList of Linears) from sizes[0] through sizes[1], ... with {@code hidden} after
     * every layer but the last and {@code output} after the last, each fused into its layer.
     */
    public static Sequential mlp(String name, int[] sizes, Activation hidden, Activation output, int maxBatch) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least an input and an output size");
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            layers.add(new Linear(name + "." + i, sizes[i], sizes[i + 1]));
            Activation act = i + 2 == sizes.length ? output : hidden;
            if (act.kind() != Activation.Kind.IDENTITY) {
                layers.add(new ActivationLayer(name + "." + i + " act", act, sizes[i + 1]));
            }
        }
        return new Sequential(layers, maxBatch);
    }

    /** The layers as they run (activations fused into the layer before them where they could be). */
    public List<Layer> layers() {
        return layers;
    }

    public List<ParamSpec> specs() {
        List<ParamSpec> all = new ArrayList<>();
        layers.forEach(l -> all.addAll(l.specs()));
        return all;
    }

    /** Every layer's buffers, in layer order (valid once bound). */
    public List<Buffer> buffers() {
        List<Buffer> all = new ArrayList<>();
        layers.forEach(l -> all.addAll(l.buffers()));
        return all;
    }

    /** Binds the layers to their parameters and allocates the buffers. */
    public void bind(Parameters p) {
        backend = p.backend();
        for (Layer layer : layers) {
            layer.bind(p);
        }
        buffers = new LayerBuffers(backend, maxBatch, inputSize(), layers.stream().mapToInt(Layer::outputSize).toArray());
    }

    public int inputSize() {
        return layers.get(0).inputSize();
    }

    public int outputSize() {
        return layers.get(layers.size() - 1).outputSize();
    }

    /** The training forward pass (batch statistics where there is batch norm); the output view is valid until the next call. */
    public Tensor forward(Tensor x) {
        return forward(x, true);
    }

    /** The forward pass; {@code training} false uses batch norm's running statistics. */
    public Tensor forward(Tensor x, boolean training) {
        int b = x.rows();
        if (b > maxBatch || x.cols() != inputSize()) {
            throw new IllegalArgumentException("the network takes batches of at most " + maxBatch + " rows of " + inputSize()
                    + " values, got " + x.shape());
        }
        lastInput = x;
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

    /** The buffer for dL/d(output) of b rows: a loss writes into it, then {@link #backward} reads it. */
    public Tensor outputGrad(int b) {
        return buffers.grad(layers.size() - 1, b, true);
    }

    /** dL/d(output) in {@link #outputGrad}, as a gradient to pass to {@link #backward}. */
    public Gradient outputGradient(int b) {
        return Gradient.of(outputGrad(b));
    }

    /** The activation fused into the last layer (the identity when there is none). */
    public Activation outputActivation() {
        return layers.get(layers.size() - 1).activation();
    }

    /**
     * Backward after the training {@link #forward} on x, from dOut: the parameter gradients (added to
     * what is there when {@code accumulate}) and, when {@code inputGradient}, dL/dx (null otherwise),
     * valid until the next backward pass.
     */
    public Gradient backward(Tensor x, Gradient dOut, boolean accumulate, boolean inputGradient) {
        return backward(x, dOut, accumulate, inputGradient, true);
    }

    /** Backward to the input only, leaving the parameter gradients alone (a network held fixed while the gradient flows through it). */
    public Gradient backwardInput(Tensor x, Gradient dOut) {
        return backward(layers.size() - 1, x, dOut, false, true, false, false);
    }

    /** {@link #backwardInput}, keeping every layer's gradient for the {@link #penaltyBackward} that follows it. */
    public Gradient backwardInputForPenalty(Tensor x, Gradient dOut) {
        return backward(layers.size() - 1, x, dOut, false, true, false, true);
    }

    private Gradient backward(Tensor x, Gradient dOut, boolean accumulate, boolean inputGradient, boolean parameters) {
        return backward(layers.size() - 1, x, dOut, accumulate, inputGradient, parameters, false);
    }

    /**
     * Backward from layer {@code top}'s output (dOut) down to the input; x is the network's input of the last forward pass.
     * With {@code keep}, each layer's output gradient stays in a buffer of its own (else two buffers take turns).
     */
    private Gradient backward(int top, Tensor x, Gradient dOut, boolean accumulate, boolean inputGradient, boolean parameters, boolean keep) {
        int b = x.rows();
        keptGradients = keep;
        Gradient dy = dOut;
        String outside = backend.layer();
        for (int i = top; i >= 0; i--) {
            Layer layer = layers.get(i);
            Tensor in = i == 0 ? x : buffers.output(i - 1, b);
            Tensor y = buffers.output(i, b);
            Tensor dIn = i > 0 ? buffers.grad(i - 1, b, keep) : inputGradient ? buffers.inputGrad(b) : null;
            backend.layer(layer.label() + " backward");
            // dL/d(pre-activation), in place, unless the layer after carried it through already.
            Tensor dpre = dy.value();
            if (!dy.throughActivation() && layer.activation().kind() != Activation.Kind.IDENTITY) {
                Activations.activateBackward(backend, layer.activation(), y, dpre, dpre);
            }
            boolean gated = layer.backward(in, y, dpre, accumulate, parameters, dIn, i == 0 ? null : layers.get(i - 1).activation());
            dy = dIn == null ? null : new Gradient(dIn, gated);
        }
        backend.layer(outside);
        return dy;
    }

    /** The first layer that cannot pass a gradient penalty's gradient ({@link Layer#takesPenalty}), or null when all can. */
    public Layer refusingPenalty() {
        return refusingPenalty;
    }

    /**
     * The gradient of a penalty on the input gradient (R1, WGAN-GP: P(dL/dx) for the dL/dx that
     * {@link #backwardInput} just gave from a dOut that does not depend on the parameters), given u = dP/d(dL/dx):
     * added to the parameter gradients. The input-gradient pass is linear in dOut and bilinear in each layer's weight,
     * its activations' derivatives piecewise constant ({@link #refusingPenalty} names a layer for which that fails),
     * so its gradient is a forward pass of the tangent u through the layers' Jacobians, each layer adding
     * d&lt;u, J^T dpre&gt;/dW (Pearlmutter's double backward, written out); a layer whose Jacobian depends on its input
     * (the minibatch std layer) adds d&lt;u, J^T dpre&gt;/dx, carried back through the layers below it. Returns the tangent at the output, J u,
     * valid until the next call. {@code dOut} is the gradient that pass started from (after it, it holds the last
     * layer's dL/d(pre-activation)); the Jacobians are those of the last forward pass, whose input must still hold its
     * values.
     */
    public Tensor penaltyBackward(Gradient dOut, Tensor u) {
        int b = u.rows();
        if (u.cols() != inputSize()) {
            throw new IllegalArgumentException("the penalty's gradient must have the input's " + inputSize() + " columns, got " + u.shape());
        }
        if (refusingPenalty != null) {
            throw new UnsupportedOperationException(refusingPenalty.label() + " cannot pass a gradient penalty's gradient");
        }
        if (!keptGradients) {
            throw new IllegalStateException("penaltyBackward reads each layer's gradient of the pass before it: take that pass"
                    + " with backwardInputForPenalty");
        }
        Tensor in = u;
        String outside = backend.layer();
        for (int i = 0; i < layers.size(); i++) {
            Tensor uOut = buffers.tangent(i, b);
            backend.layer(layers.get(i).label() + " penalty");
            Tensor dpre = i == layers.size() - 1 ? dOut.value() : buffers.grad(i, b, true);
            Tensor x = i == 0 ? lastInput : buffers.output(i - 1, b);
            layers.get(i).penaltyPass(in, x, buffers.output(i, b), dpre, uOut);
            // A Jacobian that depends on its input (the minibatch std layer's) adds a term at that input, carried back to
            // the parameters below as an ordinary gradient (the buffers it overwrites were read by their layers' passes).
            Tensor second = layers.get(i).penaltyInputTerm();
            if (second != null && i > 0) {
                backward(i - 1, lastInput, new Gradient(second, false), true, false, true, true);
            }
            in = uOut;
        }
        backend.layer(outside);
        return in;
    }

    public void close() {
        layers.forEach(Layer::close);
        if (buffers != null) {
            buffers.close();
        }
    }
}
