/*
 * gemm.cl — C = act(alpha * op(A) * op(B) + beta * C + bias)
 *
 * op(A) is M x K, op(B) is K x N, C is M x N, all row-major and contiguous, each starting at an
 * element offset inside its buffer. op(X) = X, or X^T when TRANS_X is 1 (then X is stored K x M
 * or N x K). bias (N values, added to every row) is used when has_bias is 1; beta = 0 never
 * reads C. act is an ACT_* code from common.cl, slope the LeakyReLU slope.
 *
 *          j0 .. j0+TN-1 (one floatN: float8 or float16)
 *        +-----------+
 *   i0   | acc[0]    |   each work-item keeps a TM x TN tile of C in registers,
 *   ..   | ...       |   walks K four at a time (float4 loads of A rows when A is not
 *  i0+TM | acc[TM-1] |   transposed; floatN loads of B rows, or float4 loads of B^T columns),
 *        +-----------+   and applies the epilogue (alpha, beta, bias, activation) once.
 *
 * TN = 16 fills 512-bit registers (AVX-512): on a 2-core AVX-512 VM under PoCL it doubled the
 * GFLOP/s of TN = 8 (docs/PERFORMANCE.md); bench gemm --tune picks TN per device.
 * A tile that crosses the right or bottom edge of a matrix at least one tile wide computes the last
 * full tile's rows or columns instead (so every tile runs the loop without index clamping) and
 * stores only its own; in a matrix narrower than a tile, loads clamp to the last row or column.
 * Tiles whose rows are all their own apply a piecewise-linear epilogue on vectors.
 * Launch: 2-D, global = (ceil(N / TN), ceil(M / TM)) rounded up to the local size; extra
 *         work-items return at once.
 * With has_sums, the work-items of the first column tile also write sums[i] = beta * sums[i] +
 * sum_k op(A)[i][k] for their rows: with TRANS_A that is a linear layer's bias gradient (the column
 * sums of dy) next to its weight gradient dy^T x, in the same launch.
 * With has_gate, every element is then multiplied by gate_act'(gate[i][j]), the derivative read from
 * a forward output as activate_backward does (gate is M x N at gateOff, gate_slope the LeakyReLU
 * slope): a layer's input gradient dy W times the previous layer's activation derivative, which
 * saves the activate_backward launch.
 * Defines: TRANS_A, TRANS_B (0 or 1), TM (rows of C per work-item, default 8), TN (8 or 16, default 8).
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
#ifndef TN
#define TN 8
#endif
#if TN == 16
#define floatN float16
#define vloadN vload16
#define vstoreN vstore16
#elif TN == 8
#define floatN float8
#define vloadN vload8
#define vstoreN vstore8
#else
#error "TN must be 8 or 16"
#endif

/* Element (i, k) of op(A) and (k, j) of op(B). */
#if TRANS_A
#define A_AT(i, k) a[(k) * lda + (i)]
#else
#define A_AT(i, k) a[(i) * lda + (k)]
#endif
#if TRANS_B
#define B_AT(k, j) b[(j) * ldb + (k)]
#else
#define B_AT(k, j) b[(k) * ldb + (j)]
#endif

/* Four consecutive k of each of the TN columns of B^T (B stored N x K), transposed into rows of op(B). */
#define GATHER8(f, o) (float8)(col[o].f, col[o + 1].f, col[o + 2].f, col[o + 3].f, col[o + 4].f, col[o + 5].f, col[o + 6].f, col[o + 7].f)
#if TN == 16
#define GATHER(f) (float16)(GATHER8(f, 0), GATHER8(f, 8))
#else
#define GATHER(f) GATHER8(f, 0)
#endif

/*
 * acc[r] += sum_k op(A)[i0 + r][k] * op(B)[k][j0 .. j0+TN-1]. With clamp = 0 the whole tile lies
 * inside the matrices; with clamp = 1 rows and columns past the edge read the last one instead.
 * Both calls are inlined with clamp a constant, so the interior loop carries no index arithmetic.
 */
inline void accumulate(floatN* acc, __global const float* a, const int lda, __global const float* b, const int ldb,
                       const int i0, const int j0, const int M, const int N, const int K, const int clamp)
{
/* Row r and column t of the tile; computed where used (a private index array is not folded away by PoCL). */
#define ROW(r) (clamp ? min(i0 + (r), M - 1) : i0 + (r))
#define COL(t) (clamp ? min(j0 + (t), N - 1) : j0 + (t))
    int k = 0;
    for (; k + 4 <= K; k += 4) {
        floatN b0, b1, b2, b3;
#if TRANS_B
        float4 col[TN];
        for (int t = 0; t < TN; t++) {
            col[t] = vload4(0, b + COL(t) * ldb + k);
        }
        b0 = GATHER(x);
        b1 = GATHER(y);
        b2 = GATHER(z);
        b3 = GATHER(w);
#else
        if (!clamp) {
            b0 = vloadN(0, b + k * ldb + j0);
            b1 = vloadN(0, b + (k + 1) * ldb + j0);
            b2 = vloadN(0, b + (k + 2) * ldb + j0);
            b3 = vloadN(0, b + (k + 3) * ldb + j0);
        } else {
            float v[4][TN];
            for (int t = 0; t < TN; t++) {
                for (int q = 0; q < 4; q++) {
                    v[q][t] = B_AT(k + q, COL(t));
                }
            }
            b0 = vloadN(0, v[0]);
            b1 = vloadN(0, v[1]);
            b2 = vloadN(0, v[2]);
            b3 = vloadN(0, v[3]);
        }
#endif
        for (int r = 0; r < TM; r++) {
#if TRANS_A
            const int i = ROW(r);
            const float4 av = (float4)(A_AT(i, k), A_AT(i, k + 1), A_AT(i, k + 2), A_AT(i, k + 3));
#else
            const float4 av = vload4(0, a + ROW(r) * lda + k);
#endif
            acc[r] += av.x * b0 + av.y * b1 + av.z * b2 + av.w * b3;
        }
    }
    for (; k < K; k++) {
        float v[TN];
        for (int t = 0; t < TN; t++) {
            v[t] = B_AT(k, COL(t));
        }
        const floatN b0 = vloadN(0, v);
        for (int r = 0; r < TM; r++) {
            acc[r] += A_AT(ROW(r), k) * b0;
        }
    }
#undef ROW
#undef COL
}

__kernel void gemm(const int M, const int N, const int K, const float alpha,
                   __global const float* a, const int aOff, __global const float* b, const int bOff,
                   const float beta, __global float* c, const int cOff,
                   __global const float* bias, const int biasOff, const int has_bias,
                   const int act, const float slope, __global float* sums, const int sumsOff, const int has_sums,
                   __global const float* gate, const int gateOff, const int has_gate, const int gate_act, const float gate_slope)
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

    /* A tile crossing an edge of a matrix at least one tile wide (tall) is moved back inside it:
       it computes from row il and column jl and stores only its own rows and columns (>= i0, j0). */
    const int inside = M >= TM && N >= TN;
    const int il = inside ? min(i0, M - TM) : i0;
    const int jl = inside ? min(j0, N - TN) : j0;
    floatN acc[TM];
    for (int r = 0; r < TM; r++) {
        acc[r] = (floatN)(0.0f);
    }
    if (inside) {
        accumulate(acc, a, lda, b, ldb, il, jl, M, N, K, 0);
    } else {
        accumulate(acc, a, lda, b, ldb, il, jl, M, N, K, 1);
    }

    if (has_sums && j0 == 0) {
        for (int r = 0; r < TM && i0 + r < M; r++) {
            float s = 0.0f;
            for (int kk = 0; kk < K; kk++) {
                s += A_AT(i0 + r, kk);
            }
            sums[sumsOff + i0 + r] = (beta != 0.0f ? beta * sums[sumsOff + i0 + r] : 0.0f) + s;
        }
    }

    /* Whole rows of the tile are this work-item's, and the activation is piecewise linear: the
       epilogue on vectors (a per-element switch cost as much as the loop over k when K is 128). */
    if (inside && j0 == jl && (act == ACT_IDENTITY || act == ACT_RELU || act == ACT_LEAKY_RELU)
            && (!has_gate || gate_act == ACT_IDENTITY || gate_act == ACT_RELU || gate_act == ACT_LEAKY_RELU)) {
        const floatN b = has_bias ? vloadN(0, bias + biasOff + jl) : (floatN)(0.0f);
        const float s = act == ACT_IDENTITY ? 1.0f : slope;
        /* The gate's derivative where its output is not positive (1 where it is), as act_grad_from_output. */
        const float gs = gate_act == ACT_IDENTITY ? 1.0f : gate_act == ACT_RELU ? 0.0f : gate_slope;
        for (int r = i0 - il; r < TM; r++) {
            __global float* crow = c + (il + r) * N + jl;
            floatN x = alpha * acc[r];
            if (beta != 0.0f) {
                x += beta * vloadN(0, crow);
            }
            x += b;
            /* As act_apply: x where x > 0, else 0 for ReLU (NaN included), slope * x for LeakyReLU and
               x itself (1 * x) for the identity. */
            const floatN below = act == ACT_RELU ? (floatN)(0.0f) : s * x;
            x = select(below, x, x > 0.0f);
            if (has_gate) {
                x *= select((floatN)(gs), (floatN)(1.0f), vloadN(0, gate + gateOff + (il + r) * N + jl) > 0.0f);
            }
            vstoreN(x, 0, crow);
        }
        return;
    }
    for (int r = i0 - il; r < TM && il + r < M; r++) {
        const int i = il + r;
        float v[TN];
        vstoreN(alpha * acc[r], 0, v);
        for (int t = j0 - jl; t < TN && jl + t < N; t++) {
            const int j = jl + t;
            c[i * N + j] = gemm_epilogue(v[t], c, i * N + j, 1.0f, beta, bias + biasOff, j, has_bias, act, slope,
                                         gate + gateOff, has_gate, gate_act, gate_slope);
        }
    }
}
