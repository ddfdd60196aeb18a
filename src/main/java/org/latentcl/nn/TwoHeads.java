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
        this.first = new Linear(name1, in, out, Activation.IDENTITY);
        this.second = new Linear(name2, in, out, Activation.IDENTITY);
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
        dh = backend.zeros(maxBatch, first.in());
    }

    /** a = h W1^T + b1 and b = h W2^T + b2. */
    public void forward(Tensor h, Tensor a, Tensor b) {
        String outside = backend.layer(first.name() + "/" + second.name() + " Linear");
        first.forward(backend, h, a);
        second.forward(backend, h, b);
        backend.layer(outside);
    }

    /** The parameter gradients from da and db, and dL/dh = da W1 + db W2 carried through the input's activation. */
    public Gradient backward(Tensor h, Tensor a, Tensor b, Tensor da, Tensor db) {
        Tensor out = dh.rowRange(0, h.rows());
        String outside = backend.layer(first.name() + "/" + second.name() + " Linear backward");
        first.backward(backend, h, a, Gradient.of(da), false, out, 0f, null);
        second.backward(backend, h, b, Gradient.of(db), false, out, 1f, inputFrom);
        backend.layer(outside);
        return new Gradient(out, inputFrom != null && inputFrom.kind() != Activation.Kind.IDENTITY);
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
