package org.latentcl.backend;

/**
 * An elementwise activation. Every derivative is written in terms of the activation's output y,
 * so the backward pass needs only what the forward pass stored: ReLU and LeakyReLU (slope &gt; 0)
 * keep the sign of x, sigmoid' = y(1-y), tanh' = 1-y^2.
 *
 * @param kind  which function
 * @param slope the negative-side slope of LeakyReLU (ignored otherwise)
 */
public record Activation(Kind kind, float slope) {
    /** The functions; {@link #code()} numbers match the {@code ACT_*} constants in the kernels. */
    public enum Kind {
        IDENTITY, RELU, LEAKY_RELU, SIGMOID, TANH
    }

    public static final Activation IDENTITY = new Activation(Kind.IDENTITY, 0f);
    public static final Activation RELU = new Activation(Kind.RELU, 0f);
    public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0f);
    public static final Activation TANH = new Activation(Kind.TANH, 0f);

    public Activation {
        if (kind == Kind.LEAKY_RELU && !(slope > 0f && slope < 1f)) {
            throw new IllegalArgumentException("LeakyReLU slope must be in (0, 1), got " + slope);
        }
    }

    public static Activation leakyRelu(float slope) {
        return new Activation(Kind.LEAKY_RELU, slope);
    }

    /** The integer the kernels switch on. */
    public int code() {
        return kind.ordinal();
    }

    /** f(x), in float, exactly as the kernels compute it. */
    public float apply(float x) {
        return switch (kind) {
            case IDENTITY -> x;
            case RELU -> x > 0f ? x : 0f;
            case LEAKY_RELU -> x > 0f ? x : slope * x;
            case SIGMOID -> sigmoid(x);
            case TANH -> (float) Math.tanh(x);
        };
    }

    /** f'(x) expressed through y = f(x). */
    public float derivativeFromOutput(float y) {
        return switch (kind) {
            case IDENTITY -> 1f;
            case RELU -> y > 0f ? 1f : 0f;
            case LEAKY_RELU -> y > 0f ? 1f : slope;
            case SIGMOID -> y * (1f - y);
            case TANH -> 1f - y * y;
        };
    }

    /** A numerically stable logistic function. */
    public static float sigmoid(float x) {
        if (x >= 0f) {
            return (float) (1.0 / (1.0 + Math.exp(-x)));
        }
        double e = Math.exp(x);
        return (float) (e / (1.0 + e));
    }

    @Override
    public String toString() {
        return kind == Kind.LEAKY_RELU ? "leaky_relu(" + slope + ")" : kind.name().toLowerCase();
    }

    /**
     * Whether the derivative is piecewise constant (identity, ReLU, LeakyReLU): the double backward of a gradient
     * penalty then needs no second derivative of it.
     */
    public boolean piecewiseLinear() {
        return kind == Kind.IDENTITY || kind == Kind.RELU || kind == Kind.LEAKY_RELU;
    }
}
