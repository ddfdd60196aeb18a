package org.latentcl.nn;

import org.latentcl.backend.AdamConfig;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.ops.AdamUpdate;

/** Adam over a model's flat parameters: one launch per step for the whole model. */
public final class Adam implements AutoCloseable {
    private final Parameters params;
    private final AdamConfig config;
    private final Tensor m;
    private final Tensor v;
    private int step;

    public Adam(Parameters params, AdamConfig config) {
        this.params = params;
        this.config = config;
        this.m = params.backend().zeros(1, params.size());
        this.v = params.backend().zeros(1, params.size());
    }

    public AdamConfig config() {
        return config;
    }

    /** Applies the gradients in {@code params.grads()}. */
    public void step() {
        step++;
        AdamUpdate.adam(params.backend(), params.values(), params.grads(), m, v, config, step);
        params.changed();
    }

    /** Applies the gradients with this step's learning rate in place of the configured one (a schedule). */
    public void step(float learningRate) {
        step++;
        AdamConfig c = new AdamConfig(learningRate, config.beta1(), config.beta2(), config.eps(), config.weightDecay());
        AdamUpdate.adam(params.backend(), params.values(), params.grads(), m, v, c, step);
        params.changed();
    }

    public int steps() {
        return step;
    }

    /** The moments and the step count, for checkpoints. */
    public float[][] state() {
        return new float[][] {params.backend().read(m), params.backend().read(v)};
    }

    public void restore(float[] firstMoment, float[] secondMoment, int steps) {
        params.backend().write(m, firstMoment);
        params.backend().write(v, secondMoment);
        this.step = steps;
    }

    @Override
    public void close() {
        m.close();
        v.close();
    }
}
