package org.latentcl.backend;

/**
 * Adam's hyperparameters, with PyTorch's defaults available through {@link #of(float)}.
 *
 * @param lr          learning rate
 * @param beta1       decay of the first moment
 * @param beta2       decay of the second moment
 * @param eps         added to the denominator after the square root
 * @param weightDecay L2 penalty added to the gradient (PyTorch's {@code weight_decay})
 */
public record AdamConfig(float lr, float beta1, float beta2, float eps, float weightDecay) {
    public AdamConfig {
        if (!(lr > 0f) || !(beta1 >= 0f && beta1 < 1f) || !(beta2 >= 0f && beta2 < 1f) || !(eps > 0f)
                || !(weightDecay >= 0f)) {
            throw new IllegalArgumentException("Adam needs lr > 0, 0 <= beta1, beta2 < 1, eps > 0, weight decay >= 0; got lr="
                    + lr + " beta1=" + beta1 + " beta2=" + beta2 + " eps=" + eps + " weightDecay=" + weightDecay);
        }
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public static AdamConfig of(float lr) {
        return new AdamConfig(lr, 0.9f, 0.999f, 1e-8f, 0f);
    }

    /** The step sizes both backends use for step t: lr / (1 - b1^t) and sqrt(1 - b2^t). */
    public float[] biasCorrections(int step) {
        double c1 = 1.0 - Math.pow(beta1, step);
        double c2 = 1.0 - Math.pow(beta2, step);
        return new float[] {(float) (lr / c1), (float) Math.sqrt(c2)};
    }
}
