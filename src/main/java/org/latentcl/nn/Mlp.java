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
public final class Mlp implements AutoCloseable {
    private final List<Linear> layers = new ArrayList<>();
    private final int maxBatch;
    private Tensor[] outputs;
    private Tensor[] grads;
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

    public List<ParamSpec> specs() {
        List<ParamSpec> all = new ArrayList<>();
        layers.forEach(l -> all.addAll(l.specs()));
        return all;
    }

    /** Binds the layers to their parameters and allocates the activation buffers. */
    public void bind(Parameters p) {
        backend = p.backend();
        outputs = new Tensor[layers.size()];
        grads = new Tensor[layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).bind(p);
            outputs[i] = backend.zeros(maxBatch, layers.get(i).out());
            grads[i] = backend.zeros(maxBatch, layers.get(i).out());
        }
    }

    public int inputSize() {
        return layers.get(0).in();
    }

    public int outputSize() {
        return layers.get(layers.size() - 1).out();
    }

    public List<Linear> layers() {
        return layers;
    }

    /** Runs the stack on x (batch x in) and returns the output view (batch x out), valid until the next call. */
    public Tensor forward(Tensor x) {
        int b = x.rows();
        if (b > maxBatch) {
            throw new IllegalArgumentException("batch of " + b + " rows exceeds the " + maxBatch + " this network was built for");
        }
        Tensor in = x;
        for (int i = 0; i < layers.size(); i++) {
            Tensor y = outputs[i].rowRange(0, b);
            layers.get(i).forward(backend, in, y);
            in = y;
        }
        return in;
    }

    /** The gradient buffer of the output (batch rows): fill it with dL/dy before {@link #backward}. */
    public Tensor outputGrad(int batch) {
        return grads[layers.size() - 1].rowRange(0, batch);
    }

    /**
     * Backward through the stack after {@link #forward} on x, with dL/d(output) in
     * {@link #outputGrad}. Writes the parameter gradients (adding when {@code accumulate}) and,
     * when dx is not null, dL/dx into dx (adding when {@code accumulateDx}).
     */
    public void backward(Tensor x, Tensor dx, boolean accumulate, boolean accumulateDx) {
        backward(x, dx, accumulate, accumulateDx, false);
    }

    /**
     * As {@link #backward(Tensor, Tensor, boolean, boolean)}; with {@code outputGradIsPre} the output
     * gradient already went through the last layer's activation (the caller's GEMM applied
     * {@link #outputActivation}'s derivative, see {@link Linear#backward}).
     */
    public void backward(Tensor x, Tensor dx, boolean accumulate, boolean accumulateDx, boolean outputGradIsPre) {
        int b = x.rows();
        int last = layers.size() - 1;
        for (int i = last; i >= 0; i--) {
            Tensor in = i == 0 ? x : outputs[i - 1].rowRange(0, b);
            Tensor dIn = i == 0 ? dx : grads[i - 1].rowRange(0, b);
            boolean pre = i == last ? outputGradIsPre : gatedByNext(i);
            layers.get(i).backward(backend, in, outputs[i].rowRange(0, b), grads[i].rowRange(0, b), pre, dIn, accumulate,
                    i == 0 && accumulateDx, inputActivation(i));
        }
    }

    /** The last layer's activation. */
    public Activation outputActivation() {
        return layers.get(layers.size() - 1).activation();
    }

    /**
     * Backward to the input only, after {@link #forward} on b rows, with dL/d(output) in
     * {@link #outputGrad}: writes dL/dx into dx and leaves the parameter gradients untouched. A non-null
     * {@code xAct} carries dx through the activation whose output is this network's input x (another
     * network's output layer) in the first layer's GEMM: that network's backward then takes dx as its
     * output gradient with {@code outputGradIsPre}.
     */
    public void backwardInput(Tensor dx, Tensor x, Activation xAct) {
        int b = dx.rows();
        for (int i = layers.size() - 1; i >= 0; i--) {
            Tensor in = i == 0 ? x : outputs[i - 1].rowRange(0, b);
            Tensor dIn = i == 0 ? dx : grads[i - 1].rowRange(0, b);
            layers.get(i).backwardInput(backend, outputs[i].rowRange(0, b), grads[i].rowRange(0, b), gatedByNext(i), dIn, in,
                    i == 0 ? xAct : inputActivation(i));
        }
    }

    /**
     * The activation whose derivative layer i's input gradient takes in its own GEMM: the previous
     * layer's (which saves that layer an activate-backward launch), none for the first layer.
     */
    private Activation inputActivation(int i) {
        return i == 0 ? null : layers.get(i - 1).activation();
    }

    /** Whether layer i's output gradient already went through its activation (the next layer's GEMM did it). */
    private boolean gatedByNext(int i) {
        return i < layers.size() - 1 && layers.get(i).activation().kind() != Activation.Kind.IDENTITY;
    }

    @Override
    public void close() {
        layers.forEach(Linear::close);
        if (outputs != null) {
            for (int i = 0; i < outputs.length; i++) {
                outputs[i].close();
                grads[i].close();
            }
        }
    }
}
