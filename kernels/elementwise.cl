/*
 * elementwise.cl — activations forward and backward, fills, products, sums, gathers, transposes, biases.
 *
 * Math:   activate            y  = f(x)
 *         activate_backward   dx = dy * f'(x), f' from the forward output y
 *         fill                x  = value
 *         mul                 out = a * b
 *         axpy                out = a + alpha * b
 *         divide_by           out = x / s[k]
 *         spectral_norm_backward  out = g / sigma - (dot / sigma^2) u v^T, sigma = s[k], dot = s[k + 1] (2-D: columns, rows)
 *         mbstd_columns       mean[f], std[f] = sqrt(var_f + 1e-8) over the batch (one work-item per feature)
 *         mbstd_append        y[n] = (x[n], s[0] / F repeated P times)
 *         mbstd_extra_sums    g[n] = sum over p of dy[n][F + p]
 *         mbstd_backward      dx[n][f] = dy[n][f] + (s[1] / F) (x[n][f] - mean[f]) / (N std[f])
 *         mbstd_tangent_columns  ubar[f] = mean_n u[n][f], a[f] = sum_n u[n][f] (x[n][f] - mean[f]), t[f] = a[f] / (N std[f])
 *         mbstd_second        r[n][f] = (s[1] / (F N)) ((u[n][f] - ubar[f]) / std[f] - a[f] (x[n][f] - mean[f]) / (N std[f]^3))
 *         maxout_gather       out[r][u] = v[r][u k + p*], p* the first p with x[r][u k + p] largest (v = x: maxout itself)
 *         maxout_scatter      dx[r][u k + p] = p == p* ? dy[r][u] : 0
 *         column_sums         out[j] = beta * out[j] + sum_i a[i][j]
 *         row_sums            out[i] = beta * out[i] + alpha * sum_j x[i][j]   (row_sums_groups: the GPU style)
 *         gather_rows(8)      dst[r] = src[idx[r]]
 *         copy_columns        dst[r][dc + c] = src[r][sc + c] for c < width (concatenation and its split)
 *         scale_rows          y[r][c] = s[r] x[r][c] + beta y[r][c]
 *         transpose           out = a^T
 *         channel_bias        y[n][c][i] = x[n][c][i] + bias[c]   (NCHW)
 *         channel_bias_grad   db[c] = beta * db[c] + sum_{n,i} dy[n][c][i]   (channel_bias_grad_groups: the GPU style)
 * Launch: 1-D, one work-item per element (per column for column_sums); the global size is
 *         rounded up by the host, so every kernel checks its bound. Local size: driver's choice,
 *         except the *_groups kernels: one work-group per output, its size a power of two.
 * Every tensor argument is a buffer plus an element offset (tensors are views into buffers).
 * Defines: none.
 */

__kernel void activate(const int n, __global const float* x, const int xOff,
                       __global float* y, const int yOff, const int act, const float slope)
{
    const int i = get_global_id(0);
    if (i < n) {
        y[yOff + i] = act_apply(x[xOff + i], act, slope);
    }
}

__kernel void activate_backward(const int n, __global const float* y, const int yOff,
                                __global const float* dy, const int dyOff,
                                __global float* dx, const int dxOff, const int act, const float slope)
{
    const int i = get_global_id(0);
    if (i < n) {
        dx[dxOff + i] = dy[dyOff + i] * act_grad_from_output(y[yOff + i], act, slope);
    }
}

__kernel void fill(const int n, const float value, __global float* x, const int xOff)
{
    const int i = get_global_id(0);
    if (i < n) {
        x[xOff + i] = value;
    }
}

__kernel void mul(const int n, __global const float* a, const int aOff, __global const float* b, const int bOff,
                  __global float* out, const int outOff)
{
    const int i = get_global_id(0);
    if (i < n) {
        out[outOff + i] = a[aOff + i] * b[bOff + i];
    }
}

__kernel void column_sums(const int rows, const int cols, __global const float* a, const int aOff,
                          const float beta, __global float* out, const int outOff)
{
    const int j = get_global_id(0);
    if (j < cols) {
        float s = 0.0f;
        for (int i = 0; i < rows; i++) {
            s += a[aOff + i * cols + j];
        }
        out[outOff + j] = (beta == 0.0f ? 0.0f : beta * out[outOff + j]) + s;
    }
}

/* copy_columns: dst[r][dstCol + c] = src[r][srcCol + c] for r < rows, c < width, where src has srcCols and
 * dst dstCols columns per row: one block of columns copied between two row-major matrices, which is
 * torch.cat along dimension 1 (one call per part) and its backward, the split.
 * Launch: 1-D over rows * width. */
__kernel void copy_columns(const int rows, const int width, __global const float* src, const int srcOff, const int srcCols,
                           const int srcCol, __global float* dst, const int dstOff, const int dstCols, const int dstCol)
{
    const int i = get_global_id(0);
    if (i < rows * width) {
        const int r = i / width;
        const int c = i - r * width;
        dst[dstOff + r * dstCols + dstCol + c] = src[srcOff + r * srcCols + srcCol + c];
    }
}

/* scale_rows: y[r][c] = s[r] * x[r][c] + beta * y[r][c] (beta 0: y is only written): each row of x times its
 * own scale, as a projection discriminator's backward pass needs. Launch: 1-D over rows * cols. */
__kernel void scale_rows(const int rows, const int cols, __global const float* s, const int sOff, __global const float* x,
                         const int xOff, const float beta, __global float* y, const int yOff)
{
    const int i = get_global_id(0);
    if (i < rows * cols) {
        const int r = i / cols;
        const float v = s[sOff + r] * x[xOff + i];
        y[yOff + i] = beta == 0.0f ? v : v + beta * y[yOff + i];
    }
}

/* gather_rows: dst[r][c] = src[idx[start + r]][c]; idx holds row numbers as floats (exact below 2^24).
 * Launch: 1-D over rows * cols. Used to assemble a shuffled batch from a dataset that stays on the device. */
__kernel void gather_rows(const int rows, const int cols, __global const float* src, const int srcOff,
                          __global const float* idx, const int idxOff, __global float* dst, const int dstOff)
{
    const int i = get_global_id(0);
    if (i < rows * cols) {
        const int r = i / cols;
        const int c = i - r * cols;
        const int from = (int)idx[idxOff + r];
        dst[dstOff + i] = src[srcOff + from * cols + c];
    }
}

/* gather_rows8: the same, eight consecutive columns of a row per work-item (float8 loads and stores),
 * for CPUs. Launch: 1-D over rows * ceil(cols / 8). */
__kernel void gather_rows8(const int rows, const int cols, __global const float* src, const int srcOff,
                           __global const float* idx, const int idxOff, __global float* dst, const int dstOff)
{
    const int per_row = (cols + 7) / 8;
    const int i = get_global_id(0);
    if (i < rows * per_row) {
        const int r = i / per_row;
        const int c0 = (i - r * per_row) * 8;
        const int from = (int)idx[idxOff + r];
        __global const float* s = src + srcOff + from * cols;
        __global float* d = dst + dstOff + r * cols;
        if (c0 + 8 <= cols) {
            vstore8(vload8(0, s + c0), 0, d + c0);
        } else {
            for (int c = c0; c < cols; c++) {
                d[c] = s[c];
            }
        }
    }
}

/* row_sums: out[i] = beta * out[i] + alpha * sum_j x[i][j]. Launch: 1-D, one work-item per row. */
__kernel void row_sums(const int rows, const int cols, __global const float* x, const int xOff, const float alpha,
                       const float beta, __global float* out, const int outOff)
{
    const int i = get_global_id(0);
    if (i < rows) {
        float s = 0.0f;
        for (int j = 0; j < cols; j++) {
            s += x[xOff + i * cols + j];
        }
        out[outOff + i] = (beta == 0.0f ? 0.0f : beta * out[outOff + i]) + alpha * s;
    }
}

/*
 * transpose: out (cols x rows) = a^T, a rows x cols. Each work-item moves one 8 x 8 block: eight
 * float8 row loads, eight float8 column stores; blocks on the right or bottom edge go one element
 * at a time. Launch: 2-D, (ceil(cols / 8), ceil(rows / 8)).
 */
#define LCL_TCOL(s) (float8)(v0.s, v1.s, v2.s, v3.s, v4.s, v5.s, v6.s, v7.s)
/* The 8 x 8 block at (r0, c0) of src (cols wide) as rows v0..v7, each row then passed through OP (empty: as loaded). */
#define LCL_LOAD_BLOCK(src, cols, OP) \
    const float8 v0 = vload8(0, src + (r0 + 0) * cols + c0) OP; \
    const float8 v1 = vload8(0, src + (r0 + 1) * cols + c0) OP; \
    const float8 v2 = vload8(0, src + (r0 + 2) * cols + c0) OP; \
    const float8 v3 = vload8(0, src + (r0 + 3) * cols + c0) OP; \
    const float8 v4 = vload8(0, src + (r0 + 4) * cols + c0) OP; \
    const float8 v5 = vload8(0, src + (r0 + 5) * cols + c0) OP; \
    const float8 v6 = vload8(0, src + (r0 + 6) * cols + c0) OP; \
    const float8 v7 = vload8(0, src + (r0 + 7) * cols + c0) OP;
/* v0..v7 stored as the columns c0..c0 + 7 of dst (rows wide): the block transposed. */
#define LCL_STORE_BLOCK_T(dst, rows) \
    vstore8(LCL_TCOL(s0), 0, dst + (c0 + 0) * rows + r0); \
    vstore8(LCL_TCOL(s1), 0, dst + (c0 + 1) * rows + r0); \
    vstore8(LCL_TCOL(s2), 0, dst + (c0 + 2) * rows + r0); \
    vstore8(LCL_TCOL(s3), 0, dst + (c0 + 3) * rows + r0); \
    vstore8(LCL_TCOL(s4), 0, dst + (c0 + 4) * rows + r0); \
    vstore8(LCL_TCOL(s5), 0, dst + (c0 + 5) * rows + r0); \
    vstore8(LCL_TCOL(s6), 0, dst + (c0 + 6) * rows + r0); \
    vstore8(LCL_TCOL(s7), 0, dst + (c0 + 7) * rows + r0);
__kernel void transpose(const int rows, const int cols, __global const float* a, const int aOff,
                        __global float* out, const int outOff)
{
    const int c0 = get_global_id(0) * 8;
    const int r0 = get_global_id(1) * 8;
    if (r0 >= rows || c0 >= cols) {
        return;
    }
    a += aOff;
    out += outOff;
    if (r0 + 8 <= rows && c0 + 8 <= cols) {
        LCL_LOAD_BLOCK(a, cols, )
        LCL_STORE_BLOCK_T(out, rows)
    } else {
        for (int r = r0; r < min(rows, r0 + 8); r++) {
            for (int c = c0; c < min(cols, c0 + 8); c++) {
                out[c * rows + r] = a[r * cols + c];
            }
        }
    }
}

/* channel_bias: y[n][c][i] = x[n][c][i] + bias[c] on NCHW tensors (plane = H * W values per channel).
 * Launch: 1-D, one work-item per element of x (n = batch * channels * plane). y may be x. */
__kernel void channel_bias(const int n, const int channels, const int plane, __global const float* x, const int xOff,
                           __global const float* bias, const int biasOff, __global float* y, const int yOff)
{
    const int i = get_global_id(0);
    if (i < n) {
        const int c = (i / plane) % channels;
        y[yOff + i] = x[xOff + i] + bias[biasOff + c];
    }
}

/* The CPU style of channel_bias: one work-item per plane (example, channel). */
__kernel void channel_bias_planes(const int n, const int channels, const int plane, __global const float* x, const int xOff,
                                  __global const float* bias, const int biasOff, __global float* y, const int yOff)
{
    const int p = get_global_id(0);
    if (p >= n / plane) {
        return;
    }
    const float b = bias[biasOff + p % channels];
    for (int q = 0; q < plane; q++) {
        y[yOff + p * plane + q] = x[xOff + p * plane + q] + b;
    }
}

/* channel_bias_grad: db[c] = beta * db[c] + sum over n and i of dy[n][c][i], summed in a fixed order
 * (no atomics). Launch: 1-D, one work-item per channel. */
__kernel void channel_bias_grad(const int batch, const int channels, const int plane, __global const float* dy, const int dyOff,
                                const float beta, __global float* db, const int dbOff)
{
    const int c = get_global_id(0);
    if (c < channels) {
        float s = 0.0f;
        for (int b = 0; b < batch; b++) {
            const int base = dyOff + (b * channels + c) * plane;
            for (int i = 0; i < plane; i++) {
                s += dy[base + i];
            }
        }
        db[dbOff + c] = (beta == 0.0f ? 0.0f : beta * db[dbOff + c]) + s;
    }
}

/* The GPU style of channel_bias_grad: one work-group per channel. Work-item l sums the channel's values
 * l, l + G, l + 2G, ... (G the group size; neighbours read neighbours), then the group adds its items in
 * a fixed tree. Launch: global = channels x G, local = G. */
__kernel void channel_bias_grad_groups(const int batch, const int channels, const int plane, __global const float* dy,
                                       const int dyOff, const float beta, __global float* db, const int dbOff,
                                       __local float* scratch)
{
    const int c = get_group_id(0);
    float acc = 0.0f;
    float comp = 0.0f;
    for (int k = get_local_id(0); k < batch * plane; k += get_local_size(0)) {
        ACC_ADD(acc, comp, dy[dyOff + CHANNEL_INDEX(k, channels, plane, c)]);
    }
    const float s = group_sum(acc, scratch);
    if (get_local_id(0) == 0) {
        db[dbOff + c] = (beta == 0.0f ? 0.0f : beta * db[dbOff + c]) + s;
    }
}

/* The GPU style of row_sums: one work-group per row, its items striding along the row, then a fixed tree.
 * Launch: global = rows x G, local = G. */
__kernel void row_sums_groups(const int rows, const int cols, __global const float* x, const int xOff, const float alpha,
                              const float beta, __global float* out, const int outOff, __local float* scratch)
{
    const int i = get_group_id(0);
    float acc = 0.0f;
    float comp = 0.0f;
    for (int j = get_local_id(0); j < cols; j += get_local_size(0)) {
        ACC_ADD(acc, comp, x[xOff + i * cols + j]);
    }
    const float s = group_sum(acc, scratch);
    if (get_local_id(0) == 0) {
        out[outOff + i] = (beta == 0.0f ? 0.0f : beta * out[outOff + i]) + alpha * s;
    }
}

__kernel void axpy(const int n, __global const float* a, const int aOff, const float alpha, __global const float* b,
                   const int bOff, __global float* out, const int outOff)
{
    const int i = get_global_id(0);
    if (i < n) {
        out[outOff + i] = a[aOff + i] + alpha * b[bOff + i];
    }
}

/* Spectral normalization (Miyato et al. 2018), the scalars in a small device tensor s so that the
 * power iteration never waits for the host. */
__kernel void divide_by(const int n, __global const float* x, const int xOff, __global const float* s, const int sOff,
                        const int k, __global float* out, const int outOff)
{
    const int i = get_global_id(0);
    if (i < n) {
        out[outOff + i] = x[xOff + i] / s[sOff + k];
    }
}

/*
 * divide_by_transposed: out = x / s[k] and outT = (x / s[k])^T in one pass, x rows x cols (spectral normalization's
 * W / sigma and the transposed copy its layer multiplies by). Each work-item one 8 x 8 block, as transpose; the same
 * quotients as divide_by. Launch: 2-D, (ceil(cols / 8), ceil(rows / 8)).
 */
__kernel void divide_by_transposed(const int rows, const int cols, __global const float* x, const int xOff,
                                   __global const float* s, const int sOff, const int k,
                                   __global float* out, const int outOff, __global float* outT, const int outTOff)
{
    const int c0 = get_global_id(0) * 8;
    const int r0 = get_global_id(1) * 8;
    if (r0 >= rows || c0 >= cols) {
        return;
    }
    const float d = s[sOff + k];
    x += xOff;
    out += outOff;
    outT += outTOff;
    if (r0 + 8 <= rows && c0 + 8 <= cols) {
        LCL_LOAD_BLOCK(x, cols, / d)
        vstore8(v0, 0, out + (r0 + 0) * cols + c0);
        vstore8(v1, 0, out + (r0 + 1) * cols + c0);
        vstore8(v2, 0, out + (r0 + 2) * cols + c0);
        vstore8(v3, 0, out + (r0 + 3) * cols + c0);
        vstore8(v4, 0, out + (r0 + 4) * cols + c0);
        vstore8(v5, 0, out + (r0 + 5) * cols + c0);
        vstore8(v6, 0, out + (r0 + 6) * cols + c0);
        vstore8(v7, 0, out + (r0 + 7) * cols + c0);
        LCL_STORE_BLOCK_T(outT, rows)
    } else {
        for (int r = r0; r < min(rows, r0 + 8); r++) {
            for (int c = c0; c < min(cols, c0 + 8); c++) {
                const float q = x[r * cols + c] / d;
                out[r * cols + c] = q;
                outT[c * rows + r] = q;
            }
        }
    }
}

/* dL/dW of W / sigma(W) with u, v held fixed: g / sigma - (<g, W> / sigma^2) u v^T. One work-item per element, 2-D. */
__kernel void spectral_norm_backward(const int rows, const int cols, __global const float* g, const int gOff,
                                     __global float* out, const int outOff,
                                     __global const float* u, const int uOff, __global const float* v, const int vOff,
                                     __global const float* s, const int sOff, const int k)
{
    /* 2-D: dimension 0 runs along a row, so neighbouring work-items touch neighbouring elements and no index is divided. */
    const int j = get_global_id(0);
    const int i = get_global_id(1);
    if (j < cols && i < rows) {
        const float sigma = s[sOff + k];
        const float c = s[sOff + k + 1] / (sigma * sigma);
        const int e = i * cols + j;
        out[outOff + e] = g[gOff + e] / sigma - c * u[uOff + i] * v[vOff + j];
    }
}

/* The minibatch standard deviation feature (Karras et al. 2018), over the whole batch. */
__kernel void mbstd_columns(const int batch, const int features, __global const float* x, const int xOff,
                            __global float* mean, const int meanOff, __global float* std, const int stdOff)
{
    const int f = get_global_id(0);
    if (f < features) {
        float m = 0.0f;
        for (int n = 0; n < batch; n++) {
            m += x[xOff + n * features + f];
        }
        m /= (float)batch;
        float v = 0.0f;
        for (int n = 0; n < batch; n++) {
            const float d = x[xOff + n * features + f] - m;
            v += d * d;
        }
        mean[meanOff + f] = m;
        std[stdOff + f] = sqrt(v / (float)batch + 1e-8f);
    }
}

__kernel void mbstd_append(const int batch, const int features, const int plane, __global const float* x, const int xOff,
                           __global const float* s, const int sOff, __global float* y, const int yOff)
{
    const int i = get_global_id(0);
    const int width = features + plane;
    if (i < batch * width) {
        const int n = i / width;
        const int j = i % width;
        y[yOff + i] = j < features ? x[xOff + n * features + j] : s[sOff] / (float)features;
    }
}

__kernel void mbstd_extra_sums(const int batch, const int features, const int plane, __global const float* dy, const int dyOff,
                               __global float* g, const int gOff)
{
    const int n = get_global_id(0);
    if (n < batch) {
        float t = 0.0f;
        for (int p = 0; p < plane; p++) {
            t += dy[dyOff + n * (features + plane) + features + p];
        }
        g[gOff + n] = t;
    }
}

__kernel void mbstd_backward(const int batch, const int features, const int plane, __global const float* x, const int xOff,
                             __global const float* mean, const int meanOff, __global const float* std, const int stdOff,
                             __global const float* dy, const int dyOff, __global const float* s, const int sOff,
                             __global float* dx, const int dxOff)
{
    const int i = get_global_id(0);
    if (i < batch * features) {
        const int n = i / features;
        const int f = i % features;
        const float c = s[sOff + 1] / (float)features;
        dx[dxOff + i] = dy[dyOff + n * (features + plane) + f]
                + c * (x[xOff + i] - mean[meanOff + f]) / ((float)batch * std[stdOff + f]);
    }
}

/* The first of the k pieces x[base .. base + k) holding their maximum (Goodfellow et al. 2013's maxout unit). */
int maxout_piece(__global const float* x, const int base, const int k)
{
    int best = 0;
    for (int p = 1; p < k; p++) {
        if (x[base + p] > x[base + best]) {
            best = p;
        }
    }
    return best;
}

/* One work-item per output value: out[r][u] = v[r][u k + p*(x)]. */
__kernel void maxout_gather(const int n, const int k, __global const float* x, const int xOff, __global const float* v, const int vOff,
                            __global float* out, const int outOff)
{
    const int i = get_global_id(0);
    if (i < n) {
        out[outOff + i] = v[vOff + i * k + maxout_piece(x, xOff + i * k, k)];
    }
}

/* One work-item per input value: dx = dy where the piece is its unit's maximum, else 0 (no two work-items write one value). */
__kernel void maxout_scatter(const int n, const int k, __global const float* x, const int xOff, __global const float* dy, const int dyOff,
                             __global float* dx, const int dxOff)
{
    const int i = get_global_id(0);
    if (i < n) {
        const int unit = i / k;
        dx[dxOff + i] = maxout_piece(x, xOff + unit * k, k) == i - unit * k ? dy[dyOff + unit] : 0.0f;
    }
}

/* A gradient penalty's pass through the minibatch std layer (MinibatchStd.penaltyTangent): per feature, one work-item
 * looping over the batch, the tangent u's column mean, its products with x's deviations, and their share of the
 * tangent of the appended value. */
__kernel void mbstd_tangent_columns(const int batch, const int features, __global const float* x, const int xOff,
                                    __global const float* mean, const int meanOff, __global const float* std, const int stdOff,
                                    __global const float* u, const int uOff, __global float* ubar, const int ubarOff,
                                    __global float* a, const int aOff, __global float* t, const int tOff)
{
    const int f = get_global_id(0);
    if (f < features) {
        float su = 0.0f;
        float sa = 0.0f;
        for (int n = 0; n < batch; n++) {
            const float un = u[uOff + n * features + f];
            su += un;
            sa += un * (x[xOff + n * features + f] - mean[meanOff + f]);
        }
        ubar[ubarOff + f] = su / (float)batch;
        a[aOff + f] = sa;
        t[tOff + f] = sa / ((float)batch * std[stdOff + f]);
    }
}

/* The second-order term of the same pass, d/dx of <u, dx>, one work-item per element; s[1] holds G. */
__kernel void mbstd_second(const int batch, const int features, __global const float* x, const int xOff,
                           __global const float* mean, const int meanOff, __global const float* std, const int stdOff,
                           __global const float* u, const int uOff, __global const float* ubar, const int ubarOff,
                           __global const float* a, const int aOff, __global const float* s, const int sOff,
                           __global float* r, const int rOff)
{
    const int i = get_global_id(0);
    if (i < batch * features) {
        const int f = i % features;
        const float sd = std[stdOff + f];
        const float c = s[sOff + 1] / ((float)features * (float)batch);
        r[rOff + i] = c * ((u[uOff + i] - ubar[ubarOff + f]) / sd
                - a[aOff + f] * (x[xOff + i] - mean[meanOff + f]) / ((float)batch * sd * sd * sd));
    }
}
