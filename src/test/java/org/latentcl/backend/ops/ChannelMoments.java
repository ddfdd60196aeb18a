package org.latentcl.backend.ops;

/** A channel's mean and biased variance over an NCHW batch, in double: what the batch-norm tests compare with. */
public record ChannelMoments(double mean, double variance, int count) {
    /** Channel c of x (batch rows of channels x plane values). */
    public static ChannelMoments of(double[] x, int batch, int channels, int plane, int c) {
        double mean = 0;
        for (int b = 0; b < batch; b++) {
            for (int q = 0; q < plane; q++) {
                mean += x[(b * channels + c) * plane + q];
            }
        }
        int count = batch * plane;
        mean /= count;
        double var = 0;
        for (int b = 0; b < batch; b++) {
            for (int q = 0; q < plane; q++) {
                var += Math.pow(x[(b * channels + c) * plane + q] - mean, 2);
            }
        }
        return new ChannelMoments(mean, var / count, count);
    }

    /** As {@link #of(double[], int, int, int, int)} for float values. */
    public static ChannelMoments of(float[] x, int batch, int channels, int plane, int c) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return of(d, batch, channels, plane, c);
    }

    /** The unbiased variance, as PyTorch's running variance takes it (the biased one for a single value). */
    public double unbiased() {
        return count > 1 ? variance * count / (count - 1) : variance;
    }
}
