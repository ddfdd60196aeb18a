package org.latentcl.model;

import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.Gemm;
import org.latentcl.nn.Buffer;

/**
 * The training data's mean and standard deviation per feature, with which a GAN works in standardized units
 * ({@link GanConfig#standardized}): the discriminator reads (x - mean) / std, the generator's output h means
 * mean + std h. As Keras's Normalization layer, they are adapted to the data once before training ({@link #adapt})
 * and kept beside the weights as the buffers {@code data_mean} and {@code data_std}, so a checkpoint samples in the
 * data's units with nothing else. A feature that never varies keeps a standard deviation of 1 (as scikit-learn's
 * StandardScaler does), so it is only shifted.
 *
 * <p>Both maps are one GEMM each with a diagonal matrix and a bias (x diag(1/std) - mean/std, h diag(std) + mean):
 * no kernel of their own, for the few features of the data this is for.
 */
final class DataScaling implements AutoCloseable {
    static final String MEAN = "data_mean";
    static final String STD = "data_std";

    private final Backend be;
    private final int features;
    private final float[] mean;
    private final float[] std;
    private final Tensor toScaled;
    private final Tensor toScaledBias;
    private final Tensor fromScaled;
    private final Tensor fromScaledBias;
    private boolean adapted;

    /** The identity (mean 0, standard deviation 1) until adapted or loaded. */
    DataScaling(Backend be, int features) {
        this.be = be;
        this.features = features;
        mean = new float[features];
        std = new float[features];
        java.util.Arrays.fill(std, 1f);
        toScaled = be.zeros(features, features);
        toScaledBias = be.zeros(1, features);
        fromScaled = be.zeros(features, features);
        fromScaledBias = be.zeros(1, features);
        upload();
    }

    /** Whether the moments were set, by {@link #adapt} or from a checkpoint (then training must not change them). */
    boolean adapted() {
        return adapted;
    }

    /**
     * Sets the moments to those of {@code rows} (row-major, {@code features} values per row, at least one row): the mean
     * and the population standard deviation per feature (PyTorch's std(unbiased=False), Keras's), summed in double.
     */
    void adapt(float[] rows) {
        int n = rows.length / features;
        if (n < 1 || rows.length % features != 0) {
            throw new IllegalArgumentException("standardizing needs whole rows of " + features + " values, got " + rows.length + " values");
        }
        for (int c = 0; c < features; c++) {
            double sum = 0;
            for (int r = 0; r < n; r++) {
                sum += rows[r * features + c];
            }
            double m = sum / n;
            double squares = 0;
            for (int r = 0; r < n; r++) {
                double d = rows[r * features + c] - m;
                squares += d * d;
            }
            double s = Math.sqrt(squares / n);
            mean[c] = (float) m;
            std[c] = s > 0 && Double.isFinite(s) ? (float) s : 1f;
        }
        adapted = true;
        upload();
    }

    /** out = (x - mean) / std per feature, as x diag(1 / std) - mean / std. */
    void standardize(Tensor x, Tensor out) {
        Gemm.gemm(be, false, false, 1f, x, toScaled, 0f, out, toScaledBias, Activation.IDENTITY);
    }

    /** out = mean + std h per feature. */
    void restore(Tensor h, Tensor out) {
        Gemm.gemm(be, false, false, 1f, h, fromScaled, 0f, out, fromScaledBias, Activation.IDENTITY);
    }

    /** The moments as a checkpoint holds them; writing either marks them adapted. */
    List<Buffer> buffers() {
        return List.of(buffer(MEAN, mean), buffer(STD, std));
    }

    private Buffer buffer(String name, float[] values) {
        return new Buffer() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int[] shape() {
                return new int[] {features};
            }

            @Override
            public float[] read() {
                return values.clone();
            }

            @Override
            public void write(float[] v) {
                if (v.length != features) {
                    throw new IllegalArgumentException(name + " must have " + features + " values, got " + v.length);
                }
                System.arraycopy(v, 0, values, 0, features);
                adapted = true;
                upload();
            }
        };
    }

    /** The two maps' matrices and biases from the moments. */
    private void upload() {
        float[] to = new float[features * features];
        float[] from = new float[features * features];
        float[] toBias = new float[features];
        for (int c = 0; c < features; c++) {
            to[c * features + c] = 1f / std[c];
            from[c * features + c] = std[c];
            toBias[c] = -mean[c] / std[c];
        }
        be.write(toScaled, to);
        be.write(fromScaled, from);
        be.write(toScaledBias, toBias);
        be.write(fromScaledBias, mean.clone());
    }

    @Override
    public void close() {
        for (Tensor t : new Tensor[] {toScaled, toScaledBias, fromScaled, fromScaledBias}) {
            t.close();
        }
    }
}
