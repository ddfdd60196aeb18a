package org.latentcl.nn;

import java.util.ArrayList;
import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;

/**
 * Two linear layers that read the same input h, such as a VAE encoder's mu and log-variance
 * heads. Backward, both add their input gradients into one dL/dh, the second one carrying the sum
 * through the activation that made h (in its GEMM), so the network before takes it as it is.
 */
public final class TwoHeads implements AutoCloseable {
    private final Linear first;
    private final Linear second;
    private final Activation inputFrom;
    private final int maxBatch;
    private Backend backend;
    private Tensor dh;

    /** Heads {@code name1} and {@code name2} from {@code in} to {@code out} values each (no activation), reading the output of {@code inputFrom}. */
    public TwoHeads(String name1, String name2, int in, int out, Activation inputFrom, int maxBatch) {
        this.first = new Linear(name1, in, out);
        this.second = new Linear(name2, in, out);
        this.inputFrom = inputFrom;
        this.maxBatch = maxBatch;
    }

    public List<ParamSpec> specs() {
        List<ParamSpec> all = new ArrayList<>(first.specs());
        all.addAll(second.specs());
        return all;
    }

    public void bind(Parameters p) {
        backend = p.backend();
        first.bind(p);
        second.bind(p);
        dh = backend.zeros(maxBatch, first.inputSize());
    }

    /** a = h W1^T + b1 and b = h W2^T + b2. */
    public void forward(Tensor h, Tensor a, Tensor b) {
        String outside = backend.layer(first.name() + "/" + second.name() + " Linear");
        first.forward(h, a, true);
        second.forward(h, b, true);
        backend.layer(outside);
    }

    /** The parameter gradients from da and db, and dL/dh = da W1 + db W2 carried through the input's activation. */
    public Gradient backward(Tensor h, Tensor da, Tensor db) {
        Tensor out = dh.rowRange(0, h.rows());
        String outside = backend.layer(first.name() + "/" + second.name() + " Linear backward");
        first.parameterGradients(da, h, false);
        first.inputGradient(da, 0f, out, h, null);
        second.parameterGradients(db, h, false);
        boolean gated = second.inputGradient(db, 1f, out, h, inputFrom);
        backend.layer(outside);
        return new Gradient(out, gated);
    }

    @Override
    public void close() {
        first.close();
        second.close();
        if (dh != null) {
            dh.close();
        }
    }
}
