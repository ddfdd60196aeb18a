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

/*
 * The GEMM epilogue of one element of C, shared by gemm.cl and gemm_local.cl: from the product p and
 * C's old value, alpha p (+ beta c when beta is not 0, so C is never read otherwise) (+ bias[j]), the
 * activation, and with has_gate the derivative gate_act'(y) read from the forward output y.
 */
inline float gemm_epilogue(const float p, __global const float* c, const int at, const float alpha, const float beta,
                           __global const float* bias, const int j, const int has_bias, const int act, const float slope,
                           __global const float* gate, const int has_gate, const int gate_act, const float gate_slope)
{
    float x = alpha * p;
    if (beta != 0.0f) {
        x += beta * c[at];
    }
    if (has_bias) {
        x += bias[j];
    }
    x = act_apply(x, act, slope);
    if (has_gate) {
        x *= act_grad_from_output(gate[at], gate_act, gate_slope);
    }
    return x;
}

/*
 * The epilogue of a convolution's last gather or permutation (ConvEpilogue): v + bias[ch] (has_bias), the
 * activation, and with has_gate times gate_act'(gate[at]), the derivative read from a forward output: the
 * arithmetic of channel_bias, activate and activate_backward run one after another, in one pass.
 */
inline float conv_epilogue(float v, __global const float* bias, const int ch, const int has_bias, const int act, const float slope,
                           __global const float* gate, const int at, const int has_gate, const int gate_act, const float gate_slope)
{
    if (has_bias) {
        v += bias[ch];
    }
    v = act_apply(v, act, slope);
    if (has_gate) {
        v *= act_grad_from_output(gate[at], gate_act, gate_slope);
    }
    return v;
}

/*
 * conv_epilogue on count values of a plane in place (channel bias add, gate at g), as one pass per step with
 * the branches outside the loops, so that CPU compilers vectorize each: the same arithmetic per value.
 */
inline void conv_epilogue_plane(__global float* v, const int count, __global const float* bias, const int ch, const int has_bias,
                                const int act, const float slope, __global const float* g, const int has_gate, const int gate_act,
                                const float gate_slope)
{
    if (has_bias) {
        const float add = bias[ch];
        for (int q = 0; q < count; q++) {
            v[q] += add;
        }
    }
    if (act == ACT_RELU) {
        for (int q = 0; q < count; q++) {
            v[q] = v[q] > 0.0f ? v[q] : 0.0f;
        }
    } else if (act == ACT_LEAKY_RELU) {
        for (int q = 0; q < count; q++) {
            v[q] = v[q] > 0.0f ? v[q] : slope * v[q];
        }
    } else if (act != ACT_IDENTITY) {
        for (int q = 0; q < count; q++) {
            v[q] = act_apply(v[q], act, slope);
        }
    }
    if (has_gate && gate_act == ACT_RELU) {
        for (int q = 0; q < count; q++) {
            v[q] *= g[q] > 0.0f ? 1.0f : 0.0f;
        }
    } else if (has_gate && gate_act == ACT_LEAKY_RELU) {
        for (int q = 0; q < count; q++) {
            v[q] *= g[q] > 0.0f ? 1.0f : gate_slope;
        }
    } else if (has_gate) {
        for (int q = 0; q < count; q++) {
            v[q] *= act_grad_from_output(g[q], gate_act, gate_slope);
        }
    }
}

/*
 * exp and log1p for the loss kernels, written in plain arithmetic so that CPU drivers vectorize them
 * (PoCL runs its library exp and log1p one element at a time: about 23 ns per BCE term, measured).
 *
 * lcl_exp_nonpos(x), x <= 0: x = k ln2 + r with |r| <= ln2/2 (Cody-Waite split of ln2), e^r by its
 * Taylor polynomial to r^7 (relative error below 2e-8 + rounding), scaled by 2^k through the exponent
 * bits; 0 below -87 (where e^x is no longer a normal float).
 * lcl_log1p_unit(e), 0 <= e <= 1: log(1 + e) = 2 atanh(s), s = e / (2 + e) <= 1/3, odd series to s^11
 * (relative error below 1e-7), exact for tiny e, where log(1 + e) would cancel.
 */
float lcl_exp_nonpos(float x)
{
    /* Branch-free (so it vectorizes): compute on a clamped argument, then select. */
    const float xc = fmax(x, -87.0f);
    const float k = rint(xc * 1.44269504f);
    const float r = (xc - k * 0.693145752f) - k * 1.42860677e-6f;
    const float p = 1.0f + r * (1.0f + r * (0.5f + r * (1.66666667e-1f + r * (4.16666667e-2f
            + r * (8.33333333e-3f + r * (1.38888889e-3f + r * 1.98412698e-4f))))));
    const float v = p * as_float(((int)k + 127) << 23);
    return x < -87.0f ? 0.0f : v;
}

/* The same two functions on eight lanes at once, for the CPU reduction kernels that vectorize by hand. */
float8 lcl_exp_nonpos8(float8 x)
{
    const float8 xc = fmax(x, (float8)(-87.0f));
    const float8 k = rint(xc * 1.44269504f);
    const float8 r = (xc - k * 0.693145752f) - k * 1.42860677e-6f;
    const float8 p = 1.0f + r * (1.0f + r * (0.5f + r * (1.66666667e-1f + r * (4.16666667e-2f
            + r * (8.33333333e-3f + r * (1.38888889e-3f + r * 1.98412698e-4f))))));
    const float8 v = p * as_float8((convert_int8(k) + 127) << 23);
    return select(v, (float8)(0.0f), x < -87.0f);
}

float8 lcl_log1p_unit8(float8 e)
{
    const float8 s = e / (2.0f + e);
    const float8 z = s * s;
    return 2.0f * s * (1.0f + z * (3.33333333e-1f + z * (2.0e-1f + z * (1.42857143e-1f + z * (1.11111111e-1f
            + z * 9.09090909e-2f)))));
}

float lcl_log1p_unit(float e)
{
    const float s = e / (2.0f + e);
    const float z = s * s;
    return 2.0f * s * (1.0f + z * (3.33333333e-1f + z * (2.0e-1f + z * (1.42857143e-1f + z * (1.11111111e-1f
            + z * 9.09090909e-2f)))));
}

/* Compensated (Kahan) accumulation into acc: a work-item may add thousands of terms in a row. */
#define ACC_ADD_T(T, acc, comp, v) { const T y_ = (v) - comp; const T t_ = acc + y_; comp = (t_ - acc) - y_; acc = t_; }
#define ACC_ADD(acc, comp, v) ACC_ADD_T(float, acc, comp, v)

/* Tree reduction of one value per work-item over a work-group of a power-of-two size, in a fixed order.
   Every work-item must call it and gets the sum; the local memory is free again when it returns, so a
   kernel may reduce twice in a row. */
float group_sum(float v, __local float* scratch)
{
    const int lid = get_local_id(0);
    scratch[lid] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = get_local_size(0) / 2; stride > 0; stride >>= 1) {
        if (lid < stride) {
            scratch[lid] += scratch[lid + stride];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    const float total = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return total;
}

/* The index of value k (k < batch * plane) of channel c in an NCHW batch whose rows hold channels x plane values. */
#define CHANNEL_INDEX(k, channels, plane, c) ((((k) / (plane)) * (channels) + (c)) * (plane) + (k) % (plane))
