/*
 * random.cl — Philox4x32-10 counter-based random numbers and the VAE reparameterization.
 *
 * Philox4x32-10 (Salmon et al., SC 2011, "Parallel Random Numbers: As Easy as 1, 2, 3"):
 * ten rounds of  (c0, c1, c2, c3) <- (hi(M1*c2) ^ c1 ^ k0, lo(M1*c2), hi(M0*c0) ^ c3 ^ k1, lo(M0*c0))
 * with the key bumped by the Weyl constants (W0, W1) between rounds.
 * Stream layout (identical to org.latentcl.backend.Philox): block b of (seed, counter) has the
 * counter (lo(counter + b), hi(counter + b), 0, 0) and key (lo(seed), hi(seed)); element i of a
 * fill comes from block counter + i / 4.
 *   uniform: word >> 8 scaled by 2^-24, in [0, 1).
 *   normal:  Box-Muller on words (0, 1) and (2, 3): r = sqrt(-2 ln u1), u1 in (0, 1];
 *            (r cos 2 pi u2, r sin 2 pi u2), with ln, sin and cos written out below in +, -, *, /
 *            and sqrt only, so that the Java reference gives the same bits. The host builds this
 *            file with -cl-fp32-correctly-rounded-divide-sqrt where the device supports it.
 * Reparameterization (Kingma & Welling 2014):  z = mu + exp(logvar / 2) * eps
 *   backward (accumulating): dmu += dz;  dlogvar += dz * eps * exp(logvar / 2) / 2.
 *   reparameterize_sample draws eps (as normal_fill) and computes z in the same launch.
 * Launch: 1-D; fills use one work-item per Philox block (four values), the rest one per element.
 * Defines: none.
 */
#pragma OPENCL FP_CONTRACT OFF

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u
#define TWO_POW_MINUS_24 5.9604645e-8f

uint4 philox4x32_10(uint4 c, uint2 k)
{
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k.x += PHILOX_W0;
            k.y += PHILOX_W1;
        }
        const uint hi0 = mul_hi(PHILOX_M0, c.x);
        const uint lo0 = PHILOX_M0 * c.x;
        const uint hi1 = mul_hi(PHILOX_M1, c.z);
        const uint lo1 = PHILOX_M1 * c.z;
        c = (uint4)(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    }
    return c;
}

uint4 philox_block(const ulong seed, const ulong block)
{
    return philox4x32_10((uint4)((uint)block, (uint)(block >> 32), 0u, 0u), (uint2)((uint)seed, (uint)(seed >> 32)));
}

/* ln x for a positive normal float: x = m 2^e, m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s). */
float philox_log(const float x)
{
    const uint bits = as_uint(x);
    int e = (int)((bits >> 23) & 0xFFu) - 127;
    float m = as_float((bits & 0x007FFFFFu) | 0x3F800000u);
    if (m > 1.4142135f) {
        m = m * 0.5f;
        e = e + 1;
    }
    const float f = m - 1.0f;
    const float s = f / (2.0f + f);
    const float z = s * s;
    const float series = 2.0f * s + 2.0f * s * z * (3.3333334e-1f + z * (2.0e-1f + z * (1.4285715e-1f
            + z * (1.1111111e-1f + z * 9.0909094e-2f))));
    return (float)e * 0.6931472f + series;
}

float2 box_muller(const uint w1, const uint w2)
{
    const float u1 = (float)((w1 >> 8) + 1u) * TWO_POW_MINUS_24;
    const float u2 = (float)(w2 >> 8) * TWO_POW_MINUS_24;
    const float r = sqrt(-2.0f * philox_log(u1));
    /* 2 pi u2 = (quadrant + f) pi/2 with quadrant = floor(4 u2), f in [0, 1): both exact. */
    const float t = 4.0f * u2;
    const int quadrant = (int)t;
    const float a = (t - (float)quadrant) * 1.5707964f;
    const float a2 = a * a;
    const float s = a * (1.0f + a2 * (-1.6666667e-1f + a2 * (8.333334e-3f + a2 * (-1.984127e-4f
            + a2 * (2.7557319e-6f + a2 * -2.5052108e-8f)))));
    const float c = 1.0f + a2 * (-0.5f + a2 * (4.1666668e-2f + a2 * (-1.3888889e-3f + a2 * (2.4801588e-5f
            + a2 * (-2.7557319e-7f + a2 * 2.0876756e-9f)))));
    float cs, sn;
    switch (quadrant) {
    case 0:  cs = c;  sn = s;  break;
    case 1:  cs = -s; sn = c;  break;
    case 2:  cs = -c; sn = -s; break;
    default: cs = s;  sn = -c; break;
    }
    return (float2)(r * cs, r * sn);
}

__kernel void uniform_fill(const int n, __global float* out, const int outOff, const long seed, const long counter)
{
    const int b = get_global_id(0);
    if (4 * b < n) {
        const uint4 w = philox_block((ulong)seed, (ulong)counter + (ulong)b);
        const float v[4] = {(float)(w.x >> 8) * TWO_POW_MINUS_24, (float)(w.y >> 8) * TWO_POW_MINUS_24,
                            (float)(w.z >> 8) * TWO_POW_MINUS_24, (float)(w.w >> 8) * TWO_POW_MINUS_24};
        for (int j = 0; j < 4 && 4 * b + j < n; j++) {
            out[outOff + 4 * b + j] = v[j];
        }
    }
}

/* The four normals of block counter + b: Box-Muller on words (0, 1) and (2, 3). */
float4 normal_block(const long seed, const long counter, const int b)
{
    const uint4 w = philox_block((ulong)seed, (ulong)counter + (ulong)b);
    const float2 p = box_muller(w.x, w.y);
    const float2 q = box_muller(w.z, w.w);
    return (float4)(p.x, p.y, q.x, q.y);
}

__kernel void normal_fill(const int n, __global float* out, const int outOff, const long seed, const long counter)
{
    const int b = get_global_id(0);
    if (4 * b < n) {
        const float4 w = normal_block(seed, counter, b);
        const float v[4] = {w.x, w.y, w.z, w.w};
        for (int j = 0; j < 4 && 4 * b + j < n; j++) {
            out[outOff + 4 * b + j] = v[j];
        }
    }
}

/* normal_fill into eps and reparameterize into z in one launch: block b's four normals, the same bits. */
__kernel void reparameterize_sample(const int n, __global const float* mu, const int muOff,
                                    __global const float* logvar, const int logvarOff, __global float* eps, const int epsOff,
                                    __global float* z, const int zOff, const long seed, const long counter)
{
    const int b = get_global_id(0);
    if (4 * b < n) {
        const float4 w = normal_block(seed, counter, b);
        const float v[4] = {w.x, w.y, w.z, w.w};
        for (int j = 0; j < 4 && 4 * b + j < n; j++) {
            const int i = 4 * b + j;
            eps[epsOff + i] = v[j];
            z[zOff + i] = mu[muOff + i] + exp(0.5f * logvar[logvarOff + i]) * v[j];
        }
    }
}

__kernel void reparameterize_backward(const int n, __global const float* logvar, const int logvarOff,
                                      __global const float* eps, const int epsOff, __global const float* dz, const int dzOff,
                                      __global float* dmu, const int dmuOff, __global float* dlogvar, const int dlogvarOff)
{
    const int i = get_global_id(0);
    if (i < n) {
        const float d = dz[dzOff + i];
        dmu[dmuOff + i] += d;
        dlogvar[dlogvarOff + i] += d * eps[epsOff + i] * 0.5f * exp(0.5f * logvar[logvarOff + i]);
    }
}

/* One raw Philox4x32-10 block per work-item, for known-answer tests and selftest: counter and
 * key given in full; the four words are stored as float bit patterns (the host reads the bits). */
__kernel void philox_raw(const uint c0, const uint c1, const uint c2, const uint c3, const uint k0, const uint k1,
                         __global float* out, const int outOff)
{
    const uint4 w = philox4x32_10((uint4)(c0, c1, c2, c3), (uint2)(k0, k1));
    out[outOff + 0] = as_float(w.x);
    out[outOff + 1] = as_float(w.y);
    out[outOff + 2] = as_float(w.z);
    out[outOff + 3] = as_float(w.w);
}
