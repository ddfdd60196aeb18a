/*
 * elementwise.cl — activations forward and backward, axpy-style updates, bias gradients.
 *
 * Math:   activate            y  = f(x)
 *         activate_backward   dx = dy * f'(x), f' from the forward output y
 *         axpy                y += alpha * x
 *         scale               x *= alpha
 *         fill                x  = value
 *         mul                 out = a * b
 *         column_sums         out[j] = beta * out[j] + sum_i a[i][j]
 * Launch: 1-D, one work-item per element (per column for column_sums); the global size is
 *         rounded up by the host, so every kernel checks its bound. Local size: driver's choice.
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

__kernel void axpy(const int n, const float alpha, __global const float* x, const int xOff,
                   __global float* y, const int yOff)
{
    const int i = get_global_id(0);
    if (i < n) {
        y[yOff + i] += alpha * x[xOff + i];
    }
}

__kernel void scale(const int n, const float alpha, __global float* x, const int xOff)
{
    const int i = get_global_id(0);
    if (i < n) {
        x[xOff + i] *= alpha;
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
