package org.latentcl.nn;

import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.MinibatchStd;

/**
 * The minibatch standard-deviation layer of Karras et al. (2018): appends to every example the mean
 * over features of the batch's standard deviation, as one more channel of {@code plane} values (1
 * after a linear layer), so that the discriminator can see how varied a batch is and a generator
 * that collapses is easy to tell from the data. The statistic is over the whole batch (their group
 * size equal to the batch), in training and evaluation alike. No parameters.
 */
public final class MinibatchStdLayer implements Layer {
    private final String name;
    private final int features;
    private final int plane;
    private final int maxBatch;
    private Backend backend;
    private Tensor mean;
    private Tensor std;
    private Tensor scalars;
    private Tensor scratch;
    private Tensor columns;
    private Tensor second;
    private int lastRows;

    /** After {@code features} values per example, of which each channel has {@code plane} (so the new channel has plane values). */
    public MinibatchStdLayer(String name, int features, int plane, int maxBatch) {
        if (features < 1 || plane < 1 || features % plane != 0) {
            throw new IllegalArgumentException("minibatch std: " + features + " features do not form channels of " + plane);
        }
        this.name = name;
        this.features = features;
        this.plane = plane;
        this.maxBatch = maxBatch;
    }

    @Override
    public String label() {
        return name + " MinibatchStd";
    }

    @Override
    public void bind(Parameters p) {
        close();
        backend = p.backend();
        mean = backend.zeros(1, features);
        std = backend.zeros(1, features);
        scalars = backend.zeros(1, 2);
        scratch = backend.zeros(1, maxBatch);
    }

    /** Exact with its second-order term ({@link #penaltyInputTerm}): the batch's statistics make J depend on x. */
    @Override
    public boolean takesPenalty() {
        return true;
    }

    /** uOut = J u, and the term d/dx &lt;u, J(x)^T dpre&gt; for {@link #penaltyInputTerm} (MinibatchStd.penaltyTangent). */
    @Override
    public void penaltyPass(Tensor u, Tensor x, Tensor y, Tensor dpre, Tensor uOut) {
        if (columns == null) {
            columns = backend.zeros(3, features);
            second = backend.zeros(maxBatch, features);
        }
        MinibatchStd.penaltyTangent(backend, x, plane, mean, std, scalars, scratch, columns, u, dpre, uOut, second.rowRange(0, x.rows()));
        lastRows = x.rows();
    }

    @Override
    public Tensor penaltyInputTerm() {
        return second == null ? null : second.rowRange(0, lastRows);
    }

    @Override
    public int inputSize() {
        return features;
    }

    @Override
    public int outputSize() {
        return features + plane;
    }

    @Override
    public void forward(Tensor x, Tensor y, boolean training) {
        MinibatchStd.forward(backend, x, plane, mean, std, scalars, y);
    }

    @Override
    public boolean backward(Tensor x, Tensor y, Tensor dy, boolean accumulate, boolean parameters, Tensor dx, Activation gate) {
        if (dx != null) {
            MinibatchStd.backward(backend, x, plane, mean, std, scalars, scratch, dy, dx);
        }
        return false;
    }

    @Override
    public void close() {
        for (Tensor t : new Tensor[] {mean, std, scalars, scratch, columns, second}) {
            if (t != null) {
                t.close();
            }
        }
        mean = null;
        std = null;
        scalars = null;
        scratch = null;
        columns = null;
        second = null;
    }
}
