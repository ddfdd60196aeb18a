/*
 * gemm_local.cl — C = act(alpha * op(A) * op(B) + beta * C + bias), GPU style: tiles in local memory; and at the end
 * of the file conv_local, conv_wgrad_local and conv_dgrad_local: a convolution's three passes as the same product,
 * their operands gathered while staged.
 *
 * The same operation, arguments and epilogues (bias, activation, has_sums, has_gate) as gemm.cl's
 * gemm; read that file's header for the math. This kernel is the GPU family (after Nugteren's
 * "OpenCL SGEMM tutorial" kernels 3-6 and CLBlast's xgemm):
 *
 *                 TSN columns of C
 *            +---------------------+
 *   TSM rows |  one work-group     |  the group stages a TSM x TSK tile of op(A) and a TSK x TSN
 *   of C     |  (TSN/WPTN) x       |  tile of op(B) in __local memory, one K-slice at a time,
 *            |  (TSM/WPTM) items   |  between two barriers; each work-item accumulates a WPTM x
 *            +---------------------+  WPTN register tile, its rows and columns strided by the
 *                                     group's size (so neighbouring items read neighbouring
 *                                     local words: no bank conflicts).
 * Loads into local memory are coalesced: consecutive work-items read consecutive addresses of A
 * and B in either layout. Outside the matrices the tiles hold zeros, so edges need no special
 * loop; only the stores check bounds. No early return: every work-item reaches every barrier.
 * Launch: 2-D, local = (TSN / WPTN, TSM / WPTM), global = (ceil(N / TSN) * TSN / WPTN,
 *         ceil(M / TSM) * TSM / WPTM).
 * Defines: TRANS_A, TRANS_B (0 or 1); TSM, TSN (rows and columns of C per work-group, default 64);
 *          TSK (the K-slice, default 16); WPTM, WPTN (rows and columns per work-item, default 4);
 *          VW (1, 2, 4 or 8, default 1: floats per global load when staging, a vloadVW along the stored
 *          matrix's rows; it must divide TSM, TSN and TSK). The work-group's items take the tiles' runs of
 *          VW in turn (item t the t-th run, then t + items, ...), so neighbours read neighbouring runs.
 *          Only the loads change with VW: the sums, their order and so the bits are those of VW = 1.
 * Local memory: (TSM + TSN) * TSK floats (8 KiB with the defaults).
 *
 * Split K (SPLIT_K=1), for products with few tiles of C and a long K (a convolution's weight gradient,
 * dW = dY X^T with K = batch x output pixels: one 32 x 32 tile of C would leave all but one compute unit
 * of a GPU idle): a third launch dimension of S work-groups cuts K into S chunks of whole K-slices, and
 * group z stores its raw partial product at c + z M N (c is then the S x M x N partials buffer; no
 * epilogue, no sums). gemm_split_sum adds the S partials of each element in the order of z and applies
 * the epilogue: a fixed order, so the result is the same on every run (no atomics).
 */
#ifndef TRANS_A
#define TRANS_A 0
#endif
#ifndef TRANS_B
#define TRANS_B 0
#endif
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
#ifndef SPLIT_K
#define SPLIT_K 0
#endif
#ifndef VW
#define VW 1
#endif
#define RTSM (TSM / WPTM)
#define RTSN (TSN / WPTN)
#define ITEMS (RTSM * RTSN)

#if VW == 2
#define VLOAD vload2
#define VSTORE vstore2
#elif VW == 4
#define VLOAD vload4
#define VSTORE vstore4
#elif VW == 8
#define VLOAD vload8
#define VSTORE vstore8
#endif

/* VW consecutive floats from p into run; those from index avail on (past the matrix) read as 0 and are not loaded. */
inline void load_run(__global const float* p, const int avail, float* run)
{
#if VW > 1
    if (avail >= VW) {
        VSTORE(VLOAD(0, p), 0, run);
        return;
    }
#endif
    for (int v = 0; v < VW; v++) {
        run[v] = v < avail ? p[v] : 0.0f;
    }
}

/* acc += the staged slice's product: each work-item's WPTM x WPTN outputs, rows and columns strided by the group's size,
   the slice's terms added in the order of k. */
inline void multiply_slice(__local const float a_tile[TSK][TSM], __local const float b_tile[TSK][TSN], const int tm, const int tn,
                           float acc[WPTM][WPTN])
{
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
}

/* A work-item's WPTM x WPTN sums, all 0. */
inline void zero_tile(float acc[WPTM][WPTN])
{
    for (int wm = 0; wm < WPTM; wm++) {
        for (int wn = 0; wn < WPTN; wn++) {
            acc[wm][wn] = 0.0f;
        }
    }
}

/* multiply_slice once the whole group has staged the slice, and a barrier before the tiles are staged again. Every
   work-item of the group calls it, so every one reaches both barriers. */
inline void multiply_staged(__local const float a_tile[TSK][TSM], __local const float b_tile[TSK][TSN], const int tm, const int tn,
                            float acc[WPTM][WPTN])
{
    barrier(CLK_LOCAL_MEM_FENCE);
    multiply_slice(a_tile, b_tile, tm, tn, acc);
    barrier(CLK_LOCAL_MEM_FENCE);
}

/* op(A)[i][k], for the fused bias gradient's row sums (the tiles are staged by load_run). */
#if TRANS_A
#define A_AT(i, k) a[(k) * lda + (i)]
#else
#define A_AT(i, k) a[(i) * lda + (k)]
#endif

__kernel __attribute__((reqd_work_group_size(RTSN, RTSM, 1)))
void gemm_local(const int M, const int N, const int K, const float alpha,
                __global const float* a, const int aOff, __global const float* b, const int bOff,
                const float beta, __global float* c, const int cOff,
                __global const float* bias, const int biasOff, const int has_bias,
                const int act, const float slope, __global float* sums, const int sumsOff, const int has_sums,
                __global const float* gate, const int gateOff, const int has_gate, const int gate_act, const float gate_slope)
{
    __local float a_tile[TSK][TSM];
    __local float b_tile[TSK][TSN];
    const int tn = get_local_id(0);
    const int tm = get_local_id(1);
    const int item = tm * RTSN + tn;
    const int i_base = get_group_id(1) * TSM;
    const int j_base = get_group_id(0) * TSN;
    a += aOff;
    b += bOff;
    c += cOff;
    const int lda = TRANS_A ? M : K;
    const int ldb = TRANS_B ? K : N;
#if SPLIT_K
    const int splits = get_num_groups(2);
    const int chunk = ((K + splits - 1) / splits + TSK - 1) / TSK * TSK;
    const int k_begin = get_group_id(2) * chunk;
    const int k_end = min(K, k_begin + chunk);
    c += get_group_id(2) * M * N;
#else
    const int k_begin = 0;
    const int k_end = K;
#endif

    float acc[WPTM][WPTN];
    zero_tile(acc);
    for (int k0 = k_begin; k0 < k_end; k0 += TSK) {
        /* Stage the slice in runs of VW along the stored matrix's rows: neighbouring work-items take
           neighbouring runs, so the loads coalesce in either layout. */
        float run[VW];
#if TRANS_A
        for (int e = item; e < TSK * (TSM / VW); e += ITEMS) {     /* A stored K x M: runs along i */
            const int q = e / (TSM / VW), r = e % (TSM / VW) * VW;
            const int i = i_base + r, k = k0 + q;
            load_run(a + k * lda + i, k < k_end ? clamp(M - i, 0, VW) : 0, run);
            for (int v = 0; v < VW; v++) {
                a_tile[q][r + v] = run[v];
            }
        }
#else
        for (int e = item; e < TSM * (TSK / VW); e += ITEMS) {     /* A stored M x K: runs along k */
            const int r = e / (TSK / VW), q = e % (TSK / VW) * VW;
            const int i = i_base + r, k = k0 + q;
            load_run(a + i * lda + k, i < M ? clamp(k_end - k, 0, VW) : 0, run);
            for (int v = 0; v < VW; v++) {
                a_tile[q + v][r] = run[v];
            }
        }
#endif
#if TRANS_B
        for (int e = item; e < TSN * (TSK / VW); e += ITEMS) {     /* B stored N x K: runs along k */
            const int t = e / (TSK / VW), q = e % (TSK / VW) * VW;
            const int j = j_base + t, k = k0 + q;
            load_run(b + j * ldb + k, j < N ? clamp(k_end - k, 0, VW) : 0, run);
            for (int v = 0; v < VW; v++) {
                b_tile[q + v][t] = run[v];
            }
        }
#else
        for (int e = item; e < TSK * (TSN / VW); e += ITEMS) {     /* B stored K x N: runs along j */
            const int q = e / (TSN / VW), t = e % (TSN / VW) * VW;
            const int j = j_base + t, k = k0 + q;
            load_run(b + k * ldb + j, k < k_end ? clamp(N - j, 0, VW) : 0, run);
            for (int v = 0; v < VW; v++) {
                b_tile[q][t + v] = run[v];
            }
        }
#endif
        multiply_staged(a_tile, b_tile, tm, tn, acc);
    }

#if !SPLIT_K
    /* The bias gradient beside dy^T x: the first column of work-groups sums its rows of op(A), each
       row by the one work-item of local column 0 that owns it (a fixed order: deterministic). */
    if (has_sums && get_group_id(0) == 0 && tn == 0) {
        for (int wm = 0; wm < WPTM; wm++) {
            const int i = i_base + tm + wm * RTSM;
            if (i < M) {
                float s = 0.0f;
                for (int kk = 0; kk < K; kk++) {
                    s += A_AT(i, kk);
                }
                sums[sumsOff + i] = (beta != 0.0f ? beta * sums[sumsOff + i] : 0.0f) + s;
            }
        }
    }

#endif

    for (int wm = 0; wm < WPTM; wm++) {
        const int i = i_base + tm + wm * RTSM;
        for (int wn = 0; wn < WPTN; wn++) {
            const int j = j_base + tn + wn * RTSN;
            if (i < M && j < N) {
#if SPLIT_K
                c[i * N + j] = acc[wm][wn];
#else
                c[i * N + j] = gemm_epilogue(acc[wm][wn], c, i * N + j, alpha, beta, bias + biasOff, j, has_bias, act, slope,
                                             gate + gateOff, has_gate, gate_act, gate_slope);
#endif
            }
        }
    }
}

/*
 * The second pass of a split-K product: C[at] = epilogue(sum over z of partials[z M N + at]), the
 * partials added in the order of z. One work-item per element of C (mn = M N of them).
 */
__kernel void gemm_split_sum(const int mn, const int N, const int splits, __global const float* partials, const int partialsOff,
                             const float alpha, const float beta, __global float* c, const int cOff,
                             __global const float* bias, const int biasOff, const int has_bias, const int act, const float slope,
                             __global const float* gate, const int gateOff, const int has_gate, const int gate_act, const float gate_slope)
{
    const int at = get_global_id(0);
    if (at >= mn) {
        return;
    }
    partials += partialsOff;
    c += cOff;
    float p = 0.0f;
    for (int z = 0; z < splits; z++) {
        p += partials[z * mn + at];
    }
    c[at] = gemm_epilogue(p, c, at, alpha, beta, bias + biasOff, at % N, has_bias, act, slope, gate + gateOff, has_gate, gate_act,
                          gate_slope);
}

/* im2col's cols[k][j] read from the images x: patch entry k = (c kh + i) kw + j' at position j = (e Ho + oy) Wo + ox is
   x[e][c][oy s - p + i][ox s - p + j'], 0 in the padding. */
inline float column_entry(__global const float* x, const int k, const int j, const int channels, const int height, const int width,
                          const int kw, const int taps, const int stride, const int pad, const int outW, const int plane)
{
    const int image = j / plane, pos = j % plane;
    const int c = k / taps, tap = k % taps;
    const int iy = pos / outW * stride - pad + tap / kw;
    const int ix = pos % outW * stride - pad + tap % kw;
    return iy >= 0 && iy < height && ix >= 0 && ix < width ? x[((image * channels + c) * height + iy) * width + ix] : 0.0f;
}

/*
 * conv_local — a convolution's forward pass as an implicit GEMM, GPU style: tiles in local memory.
 *
 * y[e][o][oy][ox] = act(bias[o] + sum over k of W[o][k] * cols[k][(e Ho + oy) Wo + ox]), where k runs over the
 * patch (c kh + i) kw + j and cols is im2col's matrix (x at (oy s - p + i, ox s - p + j) of channel c of image e,
 * 0 outside the image). It is gemm_local's product W cols (M = out channels, N = n Ho Wo positions, K = the
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
 * Local memory: (TSM + TSN) * TSK floats.
 */
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
    zero_tile(acc);
    for (int k0 = 0; k0 < K; k0 += TSK) {
        for (int e = item; e < TSM * TSK; e += ITEMS) {            /* W stored M x K: neighbours read along k */
            const int r = e / TSK, q = e % TSK;
            const int i = i_base + r, k = k0 + q;
            a_tile[q][r] = i < M && k < K ? w[i * K + k] : 0.0f;
        }
        for (int e = item; e < TSK * TSN; e += ITEMS) {            /* cols gathered: neighbours take neighbouring positions */
            const int q = e / TSN, t = e % TSN;
            const int j = j_base + t, k = k0 + q;
            b_tile[q][t] = j < N && k < K ? column_entry(x, k, j, channels, height, width, kw, taps, stride, pad, outW, plane) : 0.0f;
        }
        multiply_staged(a_tile, b_tile, tm, tn, acc);
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

/*
 * conv_wgrad_local — a convolution's weight gradient as an implicit GEMM, GPU style: tiles in local memory.
 *
 * dW[o][k] = beta dW[o][k] + sum over positions j = (e Ho + oy) Wo + ox of dy[e][o][oy][ox] * cols[k][j], the
 * product dY cols^T (M = out channels, N = the patch, K = n Ho Wo positions: a long K) with dY read straight from
 * the images' NCHW order (no channel-major copy) and the tile of cols^T gathered from x as conv_local gathers it
 * (no column matrix). Neighbouring work-items stage neighbouring positions, so both loads run along the images'
 * rows. SPLIT_K=1 cuts the positions into get_num_groups(2) chunks of whole K-slices as gemm_local does, group z
 * storing its raw partial product at dw + z M N for gemm_split_sum, which adds them in the order of z and applies
 * beta (a fixed order: no atomics). Without it, each group stores beta dW + its sum.
 * Launch: local = (TSN / WPTN, TSM / WPTM[, 1]), global = (ceil(N / TSN) * TSN / WPTN, ceil(M / TSM) * TSM / WPTM[, S]).
 */
__kernel __attribute__((reqd_work_group_size(RTSN, RTSM, 1)))
void conv_wgrad_local(const int n, const int channels, const int height, const int width, const int kh, const int kw,
                      const int stride, const int pad, const int outH, const int outW, const int out, __global const float* dy,
                      const int dyOff, __global const float* x, const int xOff, const float beta, __global float* dw, const int dwOff)
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
    const int N = channels * taps;
    const int plane = outH * outW;
    const int K = n * plane;
    dy += dyOff;
    x += xOff;
    dw += dwOff;
#if SPLIT_K
    const int splits = get_num_groups(2);
    const int chunk = ((K + splits - 1) / splits + TSK - 1) / TSK * TSK;
    const int k_begin = get_group_id(2) * chunk;
    const int k_end = min(K, k_begin + chunk);
    dw += get_group_id(2) * M * N;
#else
    const int k_begin = 0;
    const int k_end = K;
#endif

    float acc[WPTM][WPTN];
    zero_tile(acc);
    for (int k0 = k_begin; k0 < k_end; k0 += TSK) {
        for (int e = item; e < TSM * TSK; e += ITEMS) {            /* dY in NCHW: neighbours read neighbouring positions */
            const int r = e / TSK, q = e % TSK;
            const int i = i_base + r, k = k0 + q;
            a_tile[q][r] = i < M && k < k_end ? dy[(k / plane * out + i) * plane + k % plane] : 0.0f;
        }
        for (int e = item; e < TSN * TSK; e += ITEMS) {            /* cols^T gathered: neighbours take neighbouring positions */
            const int t = e / TSK, q = e % TSK;
            const int j = j_base + t, k = k0 + q;
            b_tile[q][t] = j < N && k < k_end ? column_entry(x, j, k, channels, height, width, kw, taps, stride, pad, outW, plane) : 0.0f;
        }
        multiply_staged(a_tile, b_tile, tm, tn, acc);
    }

    for (int wm = 0; wm < WPTM; wm++) {
        const int i = i_base + tm + wm * RTSM;
        for (int wn = 0; wn < WPTN; wn++) {
            const int j = j_base + tn + wn * RTSN;
            if (i < M && j < N) {
#if SPLIT_K
                dw[i * N + j] = acc[wm][wn];
#else
                dw[i * N + j] = (beta != 0.0f ? beta * dw[i * N + j] : 0.0f) + acc[wm][wn];
#endif
            }
        }
    }
}

/*
 * conv_dgrad_local — a convolution's input gradient as an implicit GEMM, GPU style: tiles in local memory.
 *
 * dx[e][c][iy][ix] = gate(sum over o, i, j of W[o][(c kh + i) kw + j] * dy[e][o][oy][ox]), where (oy, ox) is the
 * output position whose tap (i, j) read (iy, ix): oy = (iy + p - i) / s when that divides and lies in the output,
 * else the term is 0. The product W' dY' (M = input channels, N = n H W pixels, K = out kh kw, k = o kh kw + tap),
 * both tiles gathered (W's columns regrouped by channel, dY's positions found from each pixel and tap), the result
 * stored in NCHW through the gate of the activation that made x (conv_epilogue's gate at the same index): col2im(W^T
 * dY') in one launch, with no column matrix and no scatter. With a stride above 1 most of dY's gathered terms are the
 * zeros of positions no tap reached (a GPU's price for a gather without atomics).
 * Launch: local = (TSN / WPTN, TSM / WPTM), global = (ceil(N / TSN) * TSN / WPTN, ceil(M / TSM) * TSM / WPTM).
 */
__kernel __attribute__((reqd_work_group_size(RTSN, RTSM, 1)))
void conv_dgrad_local(const int n, const int channels, const int height, const int width, const int kh, const int kw,
                      const int stride, const int pad, const int outH, const int outW, const int out, __global const float* w,
                      const int wOff, __global const float* dy, const int dyOff, __global float* dx, const int dxOff,
                      __global const float* gate, const int gateOff, const int has_gate, const int gate_act, const float gate_slope)
{
    __local float a_tile[TSK][TSM];
    __local float b_tile[TSK][TSN];
    const int tn = get_local_id(0);
    const int tm = get_local_id(1);
    const int item = tm * RTSN + tn;
    const int i_base = get_group_id(1) * TSM;
    const int j_base = get_group_id(0) * TSN;
    const int taps = kh * kw;
    const int M = channels;
    const int pixels = height * width;
    const int N = n * pixels;
    const int K = out * taps;
    w += wOff;
    dy += dyOff;
    dx += dxOff;

    float acc[WPTM][WPTN];
    zero_tile(acc);
    for (int k0 = 0; k0 < K; k0 += TSK) {
        for (int e = item; e < TSM * TSK; e += ITEMS) {            /* W regrouped: neighbours read neighbouring taps */
            const int r = e / TSK, q = e % TSK;
            const int i = i_base + r, k = k0 + q;
            a_tile[q][r] = i < M && k < K ? w[(k / taps * channels + i) * taps + k % taps] : 0.0f;
        }
        for (int e = item; e < TSK * TSN; e += ITEMS) {            /* dY' gathered: neighbours take neighbouring pixels */
            const int q = e / TSN, t = e % TSN;
            const int j = j_base + t, k = k0 + q;
            float v = 0.0f;
            if (j < N && k < K) {
                const int image = j / pixels, pixel = j % pixels;
                const int o = k / taps, tap = k % taps;
                const int ty = pixel / width + pad - tap / kw;
                const int tx = pixel % width + pad - tap % kw;
                if (ty >= 0 && tx >= 0 && ty % stride == 0 && tx % stride == 0 && ty / stride < outH && tx / stride < outW) {
                    v = dy[((image * out + o) * outH + ty / stride) * outW + tx / stride];
                }
            }
            b_tile[q][t] = v;
        }
        multiply_staged(a_tile, b_tile, tm, tn, acc);
    }

    for (int wm = 0; wm < WPTM; wm++) {
        const int i = i_base + tm + wm * RTSM;
        for (int wn = 0; wn < WPTN; wn++) {
            const int j = j_base + tn + wn * RTSN;
            if (i < M && j < N) {
                const int at = (j / pixels * channels + i) * pixels + j % pixels;
                dx[at] = conv_epilogue(acc[wm][wn], gate, i, 0, ACT_IDENTITY, 0.0f, gate + gateOff, at, has_gate, gate_act, gate_slope);
            }
        }
    }
}
