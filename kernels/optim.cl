/*
 * optim.cl — optimizer updates over one flat parameter buffer, so one launch updates every
 * parameter of a model.
 *
 * Adam (PyTorch semantics, Kingma & Ba 2015, eps added after the square root):
 *     g  = grad + weight_decay * p
 *     m  = beta1 * m + (1 - beta1) * g
 *     v  = beta2 * v + (1 - beta2) * g^2
 *     p -= step_size * m / (sqrt(v) / sqrt_c2 + eps),
 * with the bias corrections computed on the host for step t:
 *     step_size = lr / (1 - beta1^t),  sqrt_c2 = sqrt(1 - beta2^t).
 * Launch: 1-D, global size rounded up by the host: adam one work-item per parameter (GPUs),
 *         adam8 eight consecutive parameters per work-item (CPUs).
 * Defines: none.
 */

/* One parameter's update, shared by both Adam kernels. */
void adam_one(const int i, __global float* p, __global const float* grad, __global float* m, __global float* v,
              const float step_size, const float beta1, const float beta2, const float eps, const float weight_decay,
              const float sqrt_c2)
{
    const float g = grad[i] + weight_decay * p[i];
    const float mi = beta1 * m[i] + (1.0f - beta1) * g;
    const float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    p[i] -= step_size * mi / (sqrt(vi) / sqrt_c2 + eps);
}

__kernel void adam(const int n, __global float* p, const int pOff, __global const float* grad, const int gradOff,
                   __global float* m, const int mOff, __global float* v, const int vOff,
                   const float step_size, const float beta1, const float beta2, const float eps,
                   const float weight_decay, const float sqrt_c2)
{
    const int i = get_global_id(0);
    if (i < n) {
        adam_one(i, p + pOff, grad + gradOff, m + mOff, v + vOff, step_size, beta1, beta2, eps, weight_decay, sqrt_c2);
    }
}

/* adam on eight consecutive parameters per work-item (explicit float8), for CPUs; the last
   work-item takes the n % 8 left over one by one. Launch: 1-D, ceil(n / 8) work-items, rounded up. */
__kernel void adam8(const int n, __global float* p, const int pOff, __global const float* grad, const int gradOff,
                    __global float* m, const int mOff, __global float* v, const int vOff,
                    const float step_size, const float beta1, const float beta2, const float eps,
                    const float weight_decay, const float sqrt_c2)
{
    const int i = (int)get_global_id(0) * 8;
    if (i + 8 <= n) {
        const float8 pi = vload8(0, p + pOff + i);
        const float8 g = vload8(0, grad + gradOff + i) + weight_decay * pi;
        const float8 mi = beta1 * vload8(0, m + mOff + i) + (1.0f - beta1) * g;
        const float8 vi = beta2 * vload8(0, v + vOff + i) + (1.0f - beta2) * g * g;
        vstore8(mi, 0, m + mOff + i);
        vstore8(vi, 0, v + vOff + i);
        vstore8(pi - step_size * mi / (sqrt(vi) / sqrt_c2 + eps), 0, p + pOff + i);
    } else {
        for (int j = i; j < n; j++) {
            adam_one(j, p + pOff, grad + gradOff, m + mOff, v + vOff, step_size, beta1, beta2, eps, weight_decay, sqrt_c2);
        }
    }
}

