package org.latentcl.nn;

/**
 * State that a layer keeps beside its parameters and that the optimizer does not step, such as
 * batch norm's running statistics or spectral normalization's vectors. A layer registers its
 * buffers; checkpoints save, load and check every buffer through this interface, under PyTorch's
 * state_dict name, with no code for any one kind of layer.
 */
public interface Buffer {
    /** The state_dict key, such as "gen.1.running_mean". */
    String name();

    /** PyTorch's shape: [C] for a vector, [] for a scalar. */
    int[] shape();

    /** Whether PyTorch keeps it as an int64 (a counter such as num_batches_tracked), not float32. */
    default boolean integer() {
        return false;
    }

    /** Values in the buffer. */
    default int size() {
        int n = 1;
        for (int d : shape()) {
            n *= d;
        }
        return n;
    }

    /** The values, copied to the host. */
    float[] read();

    /** Overwrites the values (exactly {@link #size} of them). */
    void write(float[] values);

    /** A buffer held in a tensor on the device (or a view of one), of PyTorch's shape {@code shape}. */
    static Buffer of(String name, org.latentcl.backend.Tensor tensor, int... shape) {
        int[] dims = shape.clone();
        return new Buffer() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int[] shape() {
                return dims.clone();
            }

            @Override
            public float[] read() {
                return tensor.backend().read(tensor);
            }

            @Override
            public void write(float[] values) {
                tensor.backend().write(tensor, values);
            }
        };
    }
}
