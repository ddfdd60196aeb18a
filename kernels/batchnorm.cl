/*
 * batchnorm.cl — 2-D batch normalization (Ioffe & Szegedy 2015) over NCHW batches, as PyTorch's
 * BatchNorm2d computes it. Per channel c, over its M = N * P values (P = H * W):
 *   training:  mean = sum x / M;  var = sum (x - mean)^2 / M (biased, for normalizing);
 *              running_mean = (1 - m) running_mean + m mean;
 *              running_var  = (1 - m) running_var + m var M / (M - 1)   (unbiased)
 *   bn_apply:  y = act(gamma (x - mean) invstd + beta),  invstd = 1 / sqrt(var + eps)  (act: a fused activation)
 *              (in evaluation, mean and invstd come from the running statistics)
 *   backward:  xhat = (x - mean) invstd;  dgamma = sum dy xhat;  dbeta = sum dy;
 *              dx = gamma invstd (dy - dbeta / M - xhat dgamma / M)
 * Sums run in a fixed order, compensated (Kahan): one work-item per channel for the statistics and
 * the parameter gradients (the CPU style, in eight vector lanes), or one work-group per channel whose items stride through
 * the channel and then add in a fixed tree (the GPU style, *_groups); one work-item per element for
 * the rest. No atomics.
 * Defines: none.
 */

/*
 * Kahan-compensated sum of f(v) over channel c's values (batch rows of channels * plane), in eight lanes so
 * that a CPU runs eight independent chains in one vector register: each plane's values in groups of eight
 * (EXPR8, the group starting at index i) into lane k = position mod 8, the rest of each plane (EXPR1 at
 * index i) into a scalar sum, then the lanes added to it in order 0..7. A fixed order: deterministic.
 */
#define CHANNEL_SUM8(result, EXPR8, EXPR1) { \
    float8 acc8_ = 0.0f, comp8_ = 0.0f; \
    float acc_ = 0.0f, comp_ = 0.0f; \
    for (int b_ = 0; b_ < n; b_++) { \
        const int base_ = (b_ * channels + c) * plane; \
        int q_ = 0; \
        for (; q_ + 8 <= plane; q_ += 8) { \
            const int i = base_ + q_; \
            ACC_ADD_T(float8, acc8_, comp8_, (EXPR8)); \
        } \
        for (; q_ < plane; q_++) { \
            const int i = base_ + q_; \
            ACC_ADD(acc_, comp_, (EXPR1)); \
        } \
    } \
    ACC_ADD(acc_, comp_, acc8_.s0); ACC_ADD(acc_, comp_, acc8_.s1); ACC_ADD(acc_, comp_, acc8_.s2); ACC_ADD(acc_, comp_, acc8_.s3); \
    ACC_ADD(acc_, comp_, acc8_.s4); ACC_ADD(acc_, comp_, acc8_.s5); ACC_ADD(acc_, comp_, acc8_.s6); ACC_ADD(acc_, comp_, acc8_.s7); \
    result = acc_; }

/* Writes channel c's statistics from its mean and biased variance over count values (bn_stats and its GPU style). */
void bn_store_stats(const int c, const int channels, const float count, const float mean, const float var, const float eps,
                    const float momentum, __global float* stats, const int statsOff, __global float* running, const int runningOff)
{
    stats[statsOff + c] = mean;
    stats[statsOff + channels + c] = 1.0f / sqrt(var + eps);
    const float unbiased = count > 1.0f ? var * count / (count - 1.0f) : var;
    running[runningOff + c] = (1.0f - momentum) * running[runningOff + c] + momentum * mean;
    running[runningOff + channels + c] = (1.0f - momentum) * running[runningOff + channels + c] + momentum * unbiased;
}

/* Writes channel c's parameter-gradient sums (bn_param_grads and its GPU style). */
void bn_store_param_grads(const int c, const int channels, const float g, const float bsum, const int accumulate,
                          __global float* dgamma, const int dgammaOff, __global float* dbeta, const int dbetaOff,
                          __global float* sums, const int sumsOff)
{
    sums[sumsOff + c] = g;
    sums[sumsOff + channels + c] = bsum;
    dgamma[dgammaOff + c] = (accumulate ? dgamma[dgammaOff + c] : 0.0f) + g;
    dbeta[dbetaOff + c] = (accumulate ? dbeta[dbetaOff + c] : 0.0f) + bsum;
}

/* stats[c] = mean, stats[channels + c] = invstd; running statistics updated with momentum m. */
__kernel void bn_stats(const int n, const int channels, const int plane, __global const float* x, const int xOff,
                       const float eps, const float momentum, __global float* stats, const int statsOff,
                       __global float* running, const int runningOff)
{
    const int c = get_global_id(0);
    if (c >= channels) {
        return;
    }
    x += xOff;
    const float count = (float)(n * plane);
    float sum;
    CHANNEL_SUM8(sum, vload8(0, x + i), x[i]);
    const float mean = sum / count;
    float sq;
    CHANNEL_SUM8(sq, (vload8(0, x + i) - mean) * (vload8(0, x + i) - mean), (x[i] - mean) * (x[i] - mean));
    bn_store_stats(c, channels, count, mean, sq / count, eps, momentum, stats, statsOff, running, runningOff);
}

/* The GPU style of bn_stats: one work-group per channel. Launch: global = channels x G, local = G. */
__kernel void bn_stats_groups(const int n, const int channels, const int plane, __global const float* x, const int xOff,
                              const float eps, const float momentum, __global float* stats, const int statsOff,
                              __global float* running, const int runningOff, __local float* scratch)
{
    const int c = get_group_id(0);
    const int m = n * plane;
    x += xOff;
    float acc = 0.0f;
    float comp = 0.0f;
    for (int k = get_local_id(0); k < m; k += get_local_size(0)) {
        ACC_ADD(acc, comp, x[CHANNEL_INDEX(k, channels, plane, c)]);
    }
    const float mean = group_sum(acc, scratch) / (float)m;
    acc = 0.0f;
    comp = 0.0f;
    for (int k = get_local_id(0); k < m; k += get_local_size(0)) {
        const float d = x[CHANNEL_INDEX(k, channels, plane, c)] - mean;
        ACC_ADD(acc, comp, d * d);
    }
    const float var = group_sum(acc, scratch) / (float)m;
    if (get_local_id(0) == 0) {
        bn_store_stats(c, channels, (float)m, mean, var, eps, momentum, stats, statsOff, running, runningOff);
    }
}

/* Evaluation: stats from the running statistics. */
__kernel void bn_running_stats(const int channels, const float eps, __global const float* running, const int runningOff,
                               __global float* stats, const int statsOff)
{
    const int c = get_global_id(0);
    if (c < channels) {
        stats[statsOff + c] = running[runningOff + c];
        stats[statsOff + channels + c] = 1.0f / sqrt(running[runningOff + channels + c] + eps);
    }
}

__kernel void bn_apply(const int total, const int channels, const int plane, __global const float* x, const int xOff,
                       __global const float* stats, const int statsOff, __global const float* gamma, const int gammaOff,
                       __global const float* beta, const int betaOff, __global float* y, const int yOff, const int act, const float slope)
{
    const int e = get_global_id(0);
    if (e < total) {
        const int c = (e / plane) % channels;
        y[yOff + e] = act_apply(gamma[gammaOff + c] * ((x[xOff + e] - stats[statsOff + c]) * stats[statsOff + channels + c])
                + beta[betaOff + c], act, slope);
    }
}

/* This batch's sums[c] = sum dy xhat and sums[channels + c] = sum dy, for bn_input_grad, and the
   parameter gradients dgamma[c] (+)= sums[c], dbeta[c] (+)= sums[channels + c]. */
__kernel void bn_param_grads(const int n, const int channels, const int plane, __global const float* x, const int xOff,
                             __global const float* dy, const int dyOff, __global const float* stats, const int statsOff,
                             const int accumulate, __global float* dgamma, const int dgammaOff,
                             __global float* dbeta, const int dbetaOff, __global float* sums, const int sumsOff)
{
    const int c = get_global_id(0);
    if (c >= channels) {
        return;
    }
    x += xOff;
    dy += dyOff;
    const float mean = stats[statsOff + c];
    const float invstd = stats[statsOff + channels + c];
    float g;
    CHANNEL_SUM8(g, vload8(0, dy + i) * ((vload8(0, x + i) - mean) * invstd), dy[i] * ((x[i] - mean) * invstd));
    float bsum;
    CHANNEL_SUM8(bsum, vload8(0, dy + i), dy[i]);
    sums[sumsOff + c] = g;
    sums[sumsOff + channels + c] = bsum;
    dgamma[dgammaOff + c] = (accumulate ? dgamma[dgammaOff + c] : 0.0f) + g;
    dbeta[dbetaOff + c] = (accumulate ? dbeta[dbetaOff + c] : 0.0f) + bsum;
}

/* The GPU style of bn_param_grads: one work-group per channel. Launch: global = channels x G, local = G. */
__kernel void bn_param_grads_groups(const int n, const int channels, const int plane, __global const float* x, const int xOff,
                                    __global const float* dy, const int dyOff, __global const float* stats, const int statsOff,
                                    const int accumulate, __global float* dgamma, const int dgammaOff,
                                    __global float* dbeta, const int dbetaOff, __global float* sums, const int sumsOff,
                                    __local float* scratch)
{
    const int c = get_group_id(0);
    const float mean = stats[statsOff + c];
    const float invstd = stats[statsOff + channels + c];
    float g = 0.0f;
    float gcomp = 0.0f;
    float b = 0.0f;
    float bcomp = 0.0f;
    for (int k = get_local_id(0); k < n * plane; k += get_local_size(0)) {
        const int i = CHANNEL_INDEX(k, channels, plane, c);
        const float d = dy[dyOff + i];
        ACC_ADD(g, gcomp, d * ((x[xOff + i] - mean) * invstd));
        ACC_ADD(b, bcomp, d);
    }
    const float gsum = group_sum(g, scratch);
    const float bsum = group_sum(b, scratch);
    if (get_local_id(0) == 0) {
        bn_store_param_grads(c, channels, gsum, bsum, accumulate, dgamma, dgammaOff, dbeta, dbetaOff, sums, sumsOff);
    }
}

/* dx from the batch statistics and this batch's dgamma and dbeta sums (sums holds them: [dgamma | dbeta]). */
__kernel void bn_input_grad(const int total, const int channels, const int plane, const float count,
                            __global const float* x, const int xOff, __global const float* dy, const int dyOff,
                            __global const float* stats, const int statsOff, __global const float* gamma, const int gammaOff,
                            __global const float* sums, const int sumsOff, __global float* dx, const int dxOff)
{
    const int e = get_global_id(0);
    if (e < total) {
        const int c = (e / plane) % channels;
        const float invstd = stats[statsOff + channels + c];
        const float xhat = (x[xOff + e] - stats[statsOff + c]) * invstd;
        dx[dxOff + e] = gamma[gammaOff + c] * invstd
                * (dy[dyOff + e] - sums[sumsOff + channels + c] / count - xhat * sums[sumsOff + c] / count);
    }
}

/* The CPU style of bn_apply: one work-item per plane (example, channel), the channel's constants loaded once. */
__kernel void bn_apply_planes(const int total, const int channels, const int plane, __global const float* x, const int xOff,
                              __global const float* stats, const int statsOff, __global const float* gamma, const int gammaOff,
                              __global const float* beta, const int betaOff, __global float* y, const int yOff, const int act,
                              const float slope)
{
    const int p = get_global_id(0);
    if (p >= total / plane) {
        return;
    }
    const int c = p % channels;
    const float mean = stats[statsOff + c];
    const float invstd = stats[statsOff + channels + c];
    const float g = gamma[gammaOff + c];
    const float b = beta[betaOff + c];
    __global const float* src = x + xOff + p * plane;
    __global float* dst = y + yOff + p * plane;
    for (int q = 0; q < plane; q++) {
        dst[q] = g * ((src[q] - mean) * invstd) + b;
    }
    /* The fused activation, a pass of its own over the plane so that each loop vectorizes. */
    conv_epilogue_plane(dst, plane, beta, 0, 0, act, slope, dst, 0, ACT_IDENTITY, 0.0f);
}

/* The CPU style of bn_input_grad: one work-item per plane, the same expression element by element. */
__kernel void bn_input_grad_planes(const int total, const int channels, const int plane, const float count,
                                   __global const float* x, const int xOff, __global const float* dy, const int dyOff,
                                   __global const float* stats, const int statsOff, __global const float* gamma, const int gammaOff,
                                   __global const float* sums, const int sumsOff, __global float* dx, const int dxOff)
{
    const int p = get_global_id(0);
    if (p >= total / plane) {
        return;
    }
    const int c = p % channels;
    const float mean = stats[statsOff + c];
    const float invstd = stats[statsOff + channels + c];
    const float scale = gamma[gammaOff + c] * invstd;
    const float sumDy = sums[sumsOff + channels + c];
    const float sumDyXhat = sums[sumsOff + c];
    const int at = p * plane;
    for (int q = 0; q < plane; q++) {
        const float xhat = (x[xOff + at + q] - mean) * invstd;
        dx[dxOff + at + q] = scale * (dy[dyOff + at + q] - sumDy / count - xhat * sumDyXhat / count);
    }
}
