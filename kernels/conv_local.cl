/*
 * conv_local.cl — a convolution's forward pass as an implicit GEMM, GPU style: tiles in local memory.
 *
 * y[e][o][oy][ox] = act(bias[o] + sum over k of W[o][k] * cols[k][(e Ho + oy) Wo + ox]), where k runs over the
 * patch (c kh + i) kw + j and cols is im2col's matrix (x at (oy s - p + i, ox s - p + j) of channel c of image e,
 * 0 outside the image). It is gemm_local.cl's product W cols (M = out channels, N = n Ho Wo positions, K = the
 * patch) with the tile of cols gathered from the images while it is staged, so the columns are never written to
 * memory and read back, and the result is stored straight in the images' NCHW order with the layer's bias and
 * activation (conv_epilogue), so the channel-major copy after im2col + GEMM goes too:
 *
 *              TSN positions (e, oy, ox)
 *            +---------------------+
 *   TSM      |  one work-group     |  stages a TSM x TSK tile of W and a TSK x TSN tile of cols, the
 *   output   |  (TSN/WPTN) x       |  latter gathered from x (each element: the image, channel and tap
 *   channels |  (TSM/WPTM) items   |  of its k, the pixel of its position); each work-item accumulates
 *            +---------------------+  WPTM x WPTN outputs, strided by the group's size, as gemm_local does.
 *
 * Every output's terms are added in the order of k, one K-slice after another, as gemm_local adds them: the same
 * tiles give the same sums as im2col + gemm_local (the bias and activation after them, as from_channel_major's
 * epilogue applies them). No early return: every work-item reaches every barrier.
 * Launch: 2-D, local = (TSN / WPTN, TSM / WPTM), global = (ceil(N / TSN) * TSN / WPTN, ceil(M / TSM) * TSM / WPTM).
 * Defines: TSM, TSN (default 64), TSK (default 16), WPTM, WPTN (default 4), as gemm_local's.
 * Local memory: (TSM + TSN) * TSK floats.
 */
#ifndef TSM
#define TSM 64
#endif
#ifndef TSN
#define TSN 64
#endif
#ifndef TSK
#define TSK 16
#endif
#ifndef WPTM
#define WPTM 4
#endif
#ifndef WPTN
#define WPTN 4
#endif
#define RTSM (TSM / WPTM)
#define RTSN (TSN / WPTN)
#define ITEMS (RTSM * RTSN)

__kernel __attribute__((reqd_work_group_size(RTSN, RTSM, 1)))
void conv_local(const int n, const int channels, const int height, const int width, const int kh, const int kw, const int stride,
                const int pad, const int outH, const int outW, const int out, __global const float* w, const int wOff,
                __global const float* x, const int xOff, __global float* y, const int yOff, __global const float* bias,
                const int biasOff, const int has_bias, const int act, const float slope)
{
    __local float a_tile[TSK][TSM];
    __local float b_tile[TSK][TSN];
    const int tn = get_local_id(0);
    const int tm = get_local_id(1);
    const int item = tm * RTSN + tn;
    const int i_base = get_group_id(1) * TSM;
    const int j_base = get_group_id(0) * TSN;
    const int taps = kh * kw;
    const int M = out;
    const int K = channels * taps;
    const int plane = outH * outW;
    const int N = n * plane;
    w += wOff;
    x += xOff;
    y += yOff;

    float acc[WPTM][WPTN];
    for (int wm = 0; wm < WPTM; wm++) {
        for (int wn = 0; wn < WPTN; wn++) {
            acc[wm][wn] = 0.0f;
        }
    }
    for (int k0 = 0; k0 < K; k0 += TSK) {
        for (int e = item; e < TSM * TSK; e += ITEMS) {            /* W stored M x K: neighbours read along k */
            const int r = e / TSK, q = e % TSK;
            const int i = i_base + r, k = k0 + q;
            a_tile[q][r] = i < M && k < K ? w[i * K + k] : 0.0f;
        }
        for (int e = item; e < TSK * TSN; e += ITEMS) {            /* cols gathered: neighbours take neighbouring positions */
            const int q = e / TSN, t = e % TSN;
            const int j = j_base + t, k = k0 + q;
            float v = 0.0f;
            if (j < N && k < K) {
                const int image = j / plane, pos = j % plane;
                const int c = k / taps, tap = k % taps;
                const int iy = pos / outW * stride - pad + tap / kw;
                const int ix = pos % outW * stride - pad + tap % kw;
                if (iy >= 0 && iy < height && ix >= 0 && ix < width) {
                    v = x[((image * channels + c) * height + iy) * width + ix];
                }
            }
            b_tile[q][t] = v;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int q = 0; q < TSK; q++) {
            float bv[WPTN];
            for (int wn = 0; wn < WPTN; wn++) {
                bv[wn] = b_tile[q][tn + wn * RTSN];
            }
            for (int wm = 0; wm < WPTM; wm++) {
                const float av = a_tile[q][tm + wm * RTSM];
                for (int wn = 0; wn < WPTN; wn++) {
                    acc[wm][wn] += av * bv[wn];
                }
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    for (int wm = 0; wm < WPTM; wm++) {
        const int i = i_base + tm + wm * RTSM;
        for (int wn = 0; wn < WPTN; wn++) {
            const int j = j_base + tn + wn * RTSN;
            if (i < M && j < N) {
                const int at = (j / plane * out + i) * plane + j % plane;
                y[at] = conv_epilogue(acc[wm][wn], bias + biasOff, i, has_bias, act, slope, y, at, 0, ACT_IDENTITY, 0.0f);
            }
        }
    }
}
