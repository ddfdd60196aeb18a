/*
 * conv.cl — the gathers that turn 2-D convolution into GEMM (im2col) and back (col2im), and the
 * permutation between example-major and channel-major image tensors.
 *
 * Shapes (NCHW, row-major): an image batch x is N x (C * H * W); a convolution with a kh x kw kernel,
 * stride s and zero padding p has Ho = (H + 2p - kh) / s + 1 and Wo = (W + 2p - kw) / s + 1 outputs.
 *   im2col       cols[(c*kh + i)*kw + j][(n*Ho + oy)*Wo + ox] = x[n][c][oy*s - p + i][ox*s - p + j]
 *                (0 outside the image): a (C*kh*kw) x (N*Ho*Wo) matrix, so that the convolution is
 *                W (O x C*kh*kw) times cols.
 *   col2im       x[n][c][y][x] = beta x + the sum of every cols element that im2col took from (y, x):
 *                the adjoint of im2col, computed as a gather (each input element sums its own
 *                kh*kw candidates in a fixed order): no atomics, deterministic.
 *   to_channel_major    out[o][n*P + q] = y[n][o*P + q]         (P = Ho*Wo: N x (O*P) -> O x (N*P))
 *   from_channel_major  y[n][o*P + q] = in[o][n*P + q] + bias[o]  (has_bias; the inverse, with a bias)
 * col2im and from_channel_major end with common.cl's conv_epilogue (bias, activation, gate), so that a
 * layer's bias and activation, or an input gradient's activation derivative, take no launch of their own.
 * Launch: 1-D, one work-item per output element, global size rounded up by the host (the GPU style:
 * neighbouring work-items touch neighbouring elements). The *_rows variants (the CPU style) give each
 * work-item a whole row or plane, so the index divisions happen once per row rather than once per
 * element, and sum in the same order (the same bits).
 * Defines: none.
 */

__kernel void im2col(const int n, const int channels, const int height, const int width, const int kh, const int kw,
                     const int stride, const int pad, const int out_h, const int out_w,
                     __global const float* x, const int xOff, __global float* cols, const int colsOff)
{
    const int total = channels * kh * kw * n * out_h * out_w;
    const int e = get_global_id(0);
    if (e >= total) {
        return;
    }
    const int ncols = n * out_h * out_w;
    const int row = e / ncols;
    const int col = e - row * ncols;
    const int j = row % kw;
    const int i = (row / kw) % kh;
    const int c = row / (kw * kh);
    const int ox = col % out_w;
    const int oy = (col / out_w) % out_h;
    const int b = col / (out_w * out_h);
    const int y = oy * stride - pad + i;
    const int xx = ox * stride - pad + j;
    cols[colsOff + e] = (y >= 0 && y < height && xx >= 0 && xx < width)
            ? x[xOff + ((b * channels + c) * height + y) * width + xx] : 0.0f;
}

__kernel void col2im(const int n, const int channels, const int height, const int width, const int kh, const int kw,
                     const int stride, const int pad, const int out_h, const int out_w,
                     __global const float* cols, const int colsOff, const float beta, __global float* x, const int xOff,
                     __global const float* bias, const int biasOff, const int has_bias, const int act, const float slope,
                     __global const float* gate, const int gateOff, const int has_gate, const int gate_act, const float gate_slope)
{
    const int total = n * channels * height * width;
    const int e = get_global_id(0);
    if (e >= total) {
        return;
    }
    const int xx = e % width;
    const int y = (e / width) % height;
    const int c = (e / (width * height)) % channels;
    const int b = e / (width * height * channels);
    const int ncols = n * out_h * out_w;
    float s = 0.0f;
    for (int i = 0; i < kh; i++) {
        const int ty = y + pad - i;            /* = oy * stride when (y, x) is tap (i, j) of output (oy, ox) */
        if (ty < 0 || ty % stride != 0 || ty / stride >= out_h) {
            continue;
        }
        const int oy = ty / stride;
        for (int j = 0; j < kw; j++) {
            const int tx = xx + pad - j;
            if (tx < 0 || tx % stride != 0 || tx / stride >= out_w) {
                continue;
            }
            const int ox = tx / stride;
            s += cols[colsOff + ((c * kh + i) * kw + j) * ncols + (b * out_h + oy) * out_w + ox];
        }
    }
    x[xOff + e] = conv_epilogue((beta == 0.0f ? 0.0f : beta * x[xOff + e]) + s, bias + biasOff, c, has_bias, act, slope,
                                gate + gateOff, e, has_gate, gate_act, gate_slope);
}

__kernel void to_channel_major(const int n, const int channels, const int plane, __global const float* y, const int yOff,
                               __global float* out, const int outOff)
{
    const int e = get_global_id(0);
    if (e >= n * channels * plane) {
        return;
    }
    /* e indexes out: channel o, then example b, then position q */
    const int q = e % plane;
    const int b = (e / plane) % n;
    const int o = e / (plane * n);
    out[outOff + e] = y[yOff + (b * channels + o) * plane + q];
}

__kernel void from_channel_major(const int n, const int channels, const int plane, __global const float* in, const int inOff,
                                 __global const float* bias, const int biasOff, const int has_bias,
                                 __global float* y, const int yOff, const int act, const float slope,
                                 __global const float* gate, const int gateOff, const int has_gate, const int gate_act, const float gate_slope)
{
    const int e = get_global_id(0);
    if (e >= n * channels * plane) {
        return;
    }
    /* e indexes y: example b, then channel o, then position q */
    const int q = e % plane;
    const int o = (e / plane) % channels;
    const int b = e / (plane * channels);
    y[yOff + e] = conv_epilogue(in[inOff + (o * n + b) * plane + q], bias + biasOff, o, has_bias, act, slope, gate + gateOff, e,
                                has_gate, gate_act, gate_slope);
}

/* CPU style: one work-item per (patch row, example), writing that example's Ho x Wo entries of the row. */
__kernel void im2col_rows(const int n, const int channels, const int height, const int width, const int kh, const int kw,
                          const int stride, const int pad, const int out_h, const int out_w,
                          __global const float* x, const int xOff, __global float* cols, const int colsOff)
{
    const int e = get_global_id(0);
    if (e >= channels * kh * kw * n) {
        return;
    }
    const int row = e / n;
    const int b = e - row * n;
    const int j = row % kw;
    const int i = (row / kw) % kh;
    const int c = row / (kw * kh);
    __global float* dst = cols + colsOff + (row * n + b) * out_h * out_w;
    __global const float* src = x + xOff + (b * channels + c) * height * width;
    /* Output columns whose image column ox stride - pad + j lies inside: [oxFrom, oxTo); zeros on either side. */
    const int oxFrom = pad - j > 0 ? (pad - j + stride - 1) / stride : 0;
    const int oxEnd = (width + pad - j + stride - 1) / stride;
    const int oxTo = oxEnd < out_w ? oxEnd : out_w;
    for (int oy = 0; oy < out_h; oy++) {
        const int y = oy * stride - pad + i;
        __global float* out = dst + oy * out_w;
        if (y < 0 || y >= height || oxFrom >= oxTo) {
            for (int ox = 0; ox < out_w; ox++) {
                out[ox] = 0.0f;
            }
            continue;
        }
        for (int ox = 0; ox < oxFrom; ox++) {
            out[ox] = 0.0f;
        }
        __global const float* in = src + y * width - pad + j;
        if (stride == 1) {
            for (int ox = oxFrom; ox < oxTo; ox++) {
                out[ox] = in[ox];
            }
        } else {
            for (int ox = oxFrom; ox < oxTo; ox++) {
                out[ox] = in[ox * stride];
            }
        }
        for (int ox = oxTo; ox < out_w; ox++) {
            out[ox] = 0.0f;
        }
    }
}

/* CPU style: one work-item per image row (example, channel, y), each element gathered as in col2im. */
__kernel void col2im_rows(const int n, const int channels, const int height, const int width, const int kh, const int kw,
                          const int stride, const int pad, const int out_h, const int out_w,
                          __global const float* cols, const int colsOff, const float beta, __global float* x, const int xOff,
                     __global const float* bias, const int biasOff, const int has_bias, const int act, const float slope,
                     __global const float* gate, const int gateOff, const int has_gate, const int gate_act, const float gate_slope)
{
    const int e = get_global_id(0);
    if (e >= n * channels * height) {
        return;
    }
    const int y = e % height;
    const int c = (e / height) % channels;
    const int b = e / (height * channels);
    const int ncols = n * out_h * out_w;
    __global float* dst = x + xOff + e * width;
    for (int xx = 0; xx < width; xx++) {
        /* Only the taps i = y + pad (mod stride), j = xx + pad (mod stride) land here: step over the rest, in ascending order. */
        float s = 0.0f;
        for (int i = (y + pad) % stride; i < kh; i += stride) {
            const int ty = y + pad - i;
            if (ty < 0) {
                break;
            }
            if (ty / stride >= out_h) {
                continue;
            }
            __global const float* base = cols + colsOff + (c * kh + i) * kw * ncols + (b * out_h + ty / stride) * out_w;
            for (int j = (xx + pad) % stride; j < kw; j += stride) {
                const int tx = xx + pad - j;
                if (tx < 0) {
                    break;
                }
                if (tx / stride < out_w) {
                    s += base[j * ncols + tx / stride];
                }
            }
        }
        dst[xx] = conv_epilogue((beta == 0.0f ? 0.0f : beta * dst[xx]) + s, bias + biasOff, c, has_bias, act, slope,
                                gate + gateOff, e * width + xx, has_gate, gate_act, gate_slope);
    }
}

/*
 * CPU style with beta = 0: one work-item per image plane (example, channel), which owns the plane, so it
 * can add the taps into it in place: tap by tap in (i, j) order, each element receives its candidates in
 * the gather's order, from 0 (the same bits as col2im), while reading the columns sequentially.
 */
__kernel void col2im_planes(const int n, const int channels, const int height, const int width, const int kh, const int kw,
                            const int stride, const int pad, const int out_h, const int out_w,
                            __global const float* cols, const int colsOff, const float beta, __global float* x, const int xOff,
                     __global const float* bias, const int biasOff, const int has_bias, const int act, const float slope,
                     __global const float* gate, const int gateOff, const int has_gate, const int gate_act, const float gate_slope)
{
    const int e = get_global_id(0);
    if (e >= n * channels) {
        return;
    }
    const int c = e % channels;
    const int b = e / channels;
    const int ncols = n * out_h * out_w;
    __global float* dst = x + xOff + e * height * width;
    for (int q = 0; q < height * width; q++) {
        dst[q] = 0.0f;
    }
    for (int i = 0; i < kh; i++) {
        for (int j = 0; j < kw; j++) {
            __global const float* src = cols + colsOff + ((c * kh + i) * kw + j) * ncols + b * out_h * out_w;
            /* Output columns whose image column ox stride - pad + j lies inside. */
            int oxFrom = pad - j > 0 ? (pad - j + stride - 1) / stride : 0;
            int oxTo = (width + pad - j + stride - 1) / stride;
            oxTo = oxTo < out_w ? oxTo : out_w;
            for (int oy = 0; oy < out_h; oy++) {
                const int y = oy * stride - pad + i;
                if (y < 0 || y >= height) {
                    continue;
                }
                __global float* row = dst + y * width - pad + j;
                for (int ox = oxFrom; ox < oxTo; ox++) {
                    row[ox * stride] += src[oy * out_w + ox];
                }
            }
        }
    }
    /* The epilogue once the plane is summed, while it is still in the cache. */
    conv_epilogue_plane(dst, height * width, bias + biasOff, c, has_bias, act, slope, gate + gateOff + e * height * width, has_gate,
                        gate_act, gate_slope);
}

/* CPU style: one work-item per (channel o, example b), copying its plane of P values. */
__kernel void to_channel_major_rows(const int n, const int channels, const int plane, __global const float* y, const int yOff,
                                    __global float* out, const int outOff)
{
    const int e = get_global_id(0);
    if (e >= n * channels) {
        return;
    }
    const int b = e % n;
    const int o = e / n;
    __global const float* src = y + yOff + (b * channels + o) * plane;
    __global float* dst = out + outOff + e * plane;
    for (int q = 0; q < plane; q++) {
        dst[q] = src[q];
    }
}

/* CPU style: one work-item per (example b, channel o), copying its plane and adding the bias. */
__kernel void from_channel_major_rows(const int n, const int channels, const int plane, __global const float* in, const int inOff,
                                      __global const float* bias, const int biasOff, const int has_bias,
                                      __global float* y, const int yOff, const int act, const float slope,
                                      __global const float* gate, const int gateOff, const int has_gate, const int gate_act,
                                      const float gate_slope)
{
    const int e = get_global_id(0);
    if (e >= n * channels) {
        return;
    }
    const int o = e % channels;
    const int b = e / channels;
    __global const float* src = in + inOff + (o * n + b) * plane;
    __global float* dst = y + yOff + e * plane;
    for (int q = 0; q < plane; q++) {
        dst[q] = src[q];
    }
    conv_epilogue_plane(dst, plane, bias + biasOff, o, has_bias, act, slope, gate + gateOff + e * plane, has_gate, gate_act, gate_slope);
}
