/*
 * common.cl — definitions shared by every LatentCL kernel file. The host prepends this file to
 * each source before building, so the activation codes and functions exist once.
 *
 * Activation codes match org.latentcl.backend.Activation.Kind (ordinal order). Each derivative is
 * written in terms of the forward output y: ReLU and LeakyReLU (slope > 0) keep the sign of x,
 * sigmoid' = y(1 - y), tanh' = 1 - y^2.
 */
#define ACT_IDENTITY   0
#define ACT_RELU       1
#define ACT_LEAKY_RELU 2
#define ACT_SIGMOID    3
#define ACT_TANH       4

float act_apply(float x, int act, float slope)
{
    switch (act) {
    case ACT_RELU:       return x > 0.0f ? x : 0.0f;
    case ACT_LEAKY_RELU: return x > 0.0f ? x : slope * x;
    case ACT_SIGMOID:    return 1.0f / (1.0f + exp(-x));
    case ACT_TANH:       return tanh(x);
    default:             return x;
    }
}

float act_grad_from_output(float y, int act, float slope)
{
    switch (act) {
    case ACT_RELU:       return y > 0.0f ? 1.0f : 0.0f;
    case ACT_LEAKY_RELU: return y > 0.0f ? 1.0f : slope;
    case ACT_SIGMOID:    return y * (1.0f - y);
    case ACT_TANH:       return 1.0f - y * y;
    default:             return 1.0f;
    }
}
