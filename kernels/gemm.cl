/*
 * gemm.cl — C = act(alpha * op(A) * op(B) + beta * C + bias)
 *
 * op(A) is M x K, op(B) is K x N, C is M x N, all row-major and contiguous, each starting at an
 * element offset inside its buffer. op(X) = X, or X^T when TRANS_X is 1 (then X is stored K x M
 * or N x K). bias (N values, added to every row) is used when has_bias is 1; beta = 0 never
 * reads C. act is an ACT_* code from common.cl, slope the LeakyReLU slope.
 *
 *          j0 .. j0+7 (TN = 8 columns, one float8)
 *        +-----------+
 *   i0   | acc[0]    |   each work-item keeps a TM x 8 tile of C in registers,
 *   ..   | ...       |   walks K four at a time (float4 loads of A rows when A is not
 *  i0+TM | acc[TM-1] |   transposed; float8 loads of B rows, or float4 loads of B^T columns),
 *        +-----------+   and applies the epilogue (alpha, beta, bias, activation) once.
 *
 * Tiles that cross the right or bottom edge clamp their load indices to the last row or column
 * (so every read is in bounds) and store only the elements inside C.
 * Launch: 2-D, global = (ceil(N / 8), ceil(M / TM)) rounded up to the local size; extra
 *         work-items return at once.
 * With has_sums, the work-items of the first column tile also write sums[i] = beta * sums[i] +
 * sum_k op(A)[i][k] for their rows: with TRANS_A that is a linear layer's bias gradient (the column
 * sums of dy) next to its weight gradient dy^T x, in the same launch.
 * Defines: TRANS_A, TRANS_B (0 or 1), TM (rows of C per work-item, default 8).
 */
#ifndef TRANS_A
#define TRANS_A 0
#endif
#ifndef TRANS_B
#define TRANS_B 0
#endif
#ifndef TM
#define TM 8
#endif
#define TN 8

/* Row k of op(B), columns j0 .. j0+7, clamped to column N-1 when the tile crosses the edge. */
float8 load_b_row(__global const float* b, const int ldb, const int k, const int j0, const int N, const int full)
{
#if TRANS_B
    int j[TN];
    for (int t = 0; t < TN; t++) {
        j[t] = min(j0 + t, N - 1);
    }
    return (float8)(b[j[0] * ldb + k], b[j[1] * ldb + k], b[j[2] * ldb + k], b[j[3] * ldb + k],
                    b[j[4] * ldb + k], b[j[5] * ldb + k], b[j[6] * ldb + k], b[j[7] * ldb + k]);
#else
    if (full) {
        return vload8(0, b + k * ldb + j0);
    }
    __global const float* row = b + k * ldb;
    return (float8)(row[min(j0, N - 1)], row[min(j0 + 1, N - 1)], row[min(j0 + 2, N - 1)], row[min(j0 + 3, N - 1)],
                    row[min(j0 + 4, N - 1)], row[min(j0 + 5, N - 1)], row[min(j0 + 6, N - 1)], row[min(j0 + 7, N - 1)]);
#endif
}

__kernel void gemm(const int M, const int N, const int K, const float alpha,
                   __global const float* a, const int aOff, __global const float* b, const int bOff,
                   const float beta, __global float* c, const int cOff,
                   __global const float* bias, const int biasOff, const int has_bias,
                   const int act, const float slope, __global float* sums, const int sumsOff, const int has_sums)
{
    const int j0 = get_global_id(0) * TN;
    const int i0 = get_global_id(1) * TM;
    if (i0 >= M || j0 >= N) {
        return;
    }
    a += aOff;
    b += bOff;
    c += cOff;
    const int lda = TRANS_A ? M : K;
    const int ldb = TRANS_B ? K : N;
    const int full = j0 + TN <= N;

    int row[TM];
    float8 acc[TM];
    for (int r = 0; r < TM; r++) {
        row[r] = min(i0 + r, M - 1);
        acc[r] = (float8)(0.0f);
    }

    int k = 0;
    for (; k + 4 <= K; k += 4) {
#if TRANS_B
        /* B is stored N x K: read four consecutive k of each of the 8 columns, then transpose. */
        float4 col[TN];
        for (int t = 0; t < TN; t++) {
            col[t] = vload4(0, b + min(j0 + t, N - 1) * ldb + k);
        }
        const float8 b0 = (float8)(col[0].x, col[1].x, col[2].x, col[3].x, col[4].x, col[5].x, col[6].x, col[7].x);
        const float8 b1 = (float8)(col[0].y, col[1].y, col[2].y, col[3].y, col[4].y, col[5].y, col[6].y, col[7].y);
        const float8 b2 = (float8)(col[0].z, col[1].z, col[2].z, col[3].z, col[4].z, col[5].z, col[6].z, col[7].z);
        const float8 b3 = (float8)(col[0].w, col[1].w, col[2].w, col[3].w, col[4].w, col[5].w, col[6].w, col[7].w);
#else
        const float8 b0 = load_b_row(b, ldb, k, j0, N, full);
        const float8 b1 = load_b_row(b, ldb, k + 1, j0, N, full);
        const float8 b2 = load_b_row(b, ldb, k + 2, j0, N, full);
        const float8 b3 = load_b_row(b, ldb, k + 3, j0, N, full);
#endif
        for (int r = 0; r < TM; r++) {
#if TRANS_A
            const float4 av = (float4)(a[k * lda + row[r]], a[(k + 1) * lda + row[r]],
                                       a[(k + 2) * lda + row[r]], a[(k + 3) * lda + row[r]]);
#else
            const float4 av = vload4(0, a + row[r] * lda + k);
#endif
            acc[r] += av.x * b0 + av.y * b1 + av.z * b2 + av.w * b3;
        }
    }
    for (; k < K; k++) {
        const float8 b0 = load_b_row(b, ldb, k, j0, N, full);
        for (int r = 0; r < TM; r++) {
#if TRANS_A
            acc[r] += a[k * lda + row[r]] * b0;
#else
            acc[r] += a[row[r] * lda + k] * b0;
#endif
        }
    }

    if (has_sums && j0 == 0) {
        for (int r = 0; r < TM && i0 + r < M; r++) {
            float s = 0.0f;
            for (int kk = 0; kk < K; kk++) {
#if TRANS_A
                s += a[kk * lda + i0 + r];
#else
                s += a[(i0 + r) * lda + kk];
#endif
            }
            sums[sumsOff + i0 + r] = (beta != 0.0f ? beta * sums[sumsOff + i0 + r] : 0.0f) + s;
        }
    }

    for (int r = 0; r < TM && i0 + r < M; r++) {
        const int i = i0 + r;
        float v[TN];
        vstore8(alpha * acc[r], 0, v);
        for (int t = 0; t < TN && j0 + t < N; t++) {
            const int j = j0 + t;
            float x = v[t];
            if (beta != 0.0f) {
                x += beta * c[i * N + j];
            }
            if (has_bias) {
                x += bias[biasOff + j];
            }
            c[i * N + j] = act_apply(x, act, slope);
        }
    }
}
