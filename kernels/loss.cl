/*
 * loss.cl — losses with their gradients, reduced on the device in two stages.
 *
 * Math (every loss is a sum over all elements; the host scales gradients, e.g. by 1/batch):
 *   bce_logits    l = max(x, 0) - x t + log(1 + exp(-|x|))        dl/dx = sigmoid(x) - t
 *                 (t from a target tensor, or the constant `target` when has_targets is 0)
 *   gaussian_nll  l = 0.5 ((m - t) / sigma)^2 + log sigma + 0.5 log 2 pi    dl/dm = (m - t) / sigma^2
 *   kl_normal     l = -0.5 (1 + lv - mu^2 - exp(lv))               dl/dmu = mu, dl/dlv = 0.5 (exp(lv) - 1)
 *                 (the closed-form KL(N(mu, exp(lv)) || N(0, 1)) of Kingma & Welling, appendix B)
 *   sum_stage1    l = x
 *   dot_stage1    l = a b
 *   normalize_vector  s[k] = sum x^2, out = x / max(sqrt(s[k]), eps), s[dot_index] = sum out x (one work-group)
 *   gp_rows       terms = lambda (sqrt(s) - 1)^2, coeff = scale 2 lambda (sqrt(s) - 1) / sqrt(s) per row (WGAN-GP), unreduced
 *   hinge_logits  l = max(0, margin + s x) with dl/dx = s [margin + s x > 0], or (no margin) l = s x, dl/dx = s
 *                 (s = +-1: the hinge GAN losses of Lim & Ye 2017 / Miyato et al. 2018)
 * Stage 1: G work-groups of RED_WG work-items; work-item g visits elements g, g + G*RED_WG, ...,
 *          writes its gradients, adds its loss terms, and the group reduces them in local memory
 *          into partials[group].
 * Stage 2 (reduce_partials): one work-group of RED_WG sums the G partials into out[index],
 *          replacing or adding to it.
 * Defines: RED_WG, the work-group size of both stages (a power of two the device allows);
 *          CONTIGUOUS: 1 gives each work-item one contiguous run of elements instead of a stride of
 *          the global size. GPUs want the stride (neighbouring work-items read neighbouring elements);
 *          CPUs want runs (each core streams through its own block), used with RED_WG = 1.
 */
#ifndef RED_WG
#define RED_WG 64
#endif
#ifndef CONTIGUOUS
#define CONTIGUOUS 0
#endif

/* ACC_ADD (compensated sums) and group_sum (a work-group's tree sum) are in common.cl. */

/* This work-item's contiguous block [first, last) of n elements (the CONTIGUOUS layout). */
#define CONTIGUOUS_BLOCK(first, last, n) \
    const int per_item_ = ((n) + (int)get_global_size(0) - 1) / (int)get_global_size(0); \
    const int first = (int)get_global_id(0) * per_item_; \
    const int last = min((n), first + per_item_)

/* Adds the eight lanes of a float8 compensated sum into (acc, comp), lane 0 first. */
#define ADD_LANES(acc, comp, acc8) { \
    const float lanes_[8] = {acc8.s0, acc8.s1, acc8.s2, acc8.s3, acc8.s4, acc8.s5, acc8.s6, acc8.s7}; \
    for (int l_ = 0; l_ < 8; l_++) { ACC_ADD(acc, comp, lanes_[l_]); } }

#if CONTIGUOUS
#define FOR_EACH_ELEMENT(i, n) \
    CONTIGUOUS_BLOCK(first_, last_, n); \
    for (int i = first_; i < last_; i++)
#else
#define FOR_EACH_ELEMENT(i, n) for (int i = get_global_id(0); i < (n); i += get_global_size(0))
#endif

__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void bce_logits(const int n, __global const float* logits, const int logitsOff,
                __global const float* targets, const int targetsOff, const int has_targets, const float target,
                const float grad_scale, __global float* grad, const int gradOff, const int has_grad,
                __global float* partials, __local float* scratch)
{
    float acc = 0.0f;
    float comp = 0.0f;
#if CONTIGUOUS
    /* A CPU work-item streams through its block eight elements at a time (explicit float8: the
       compensated sum would otherwise keep the compiler from vectorizing), then the rest one by one. */
    CONTIGUOUS_BLOCK(first, last, n);
    float8 acc8 = (float8)(0.0f);
    float8 comp8 = (float8)(0.0f);
    int i8 = first;
    for (; i8 + 8 <= last; i8 += 8) {
        const float8 x = vload8(0, logits + logitsOff + i8);
        const float8 t = has_targets ? vload8(0, targets + targetsOff + i8) : (float8)(target);
        const float8 e = lcl_exp_nonpos8(-fabs(x));
        ACC_ADD_T(float8, acc8, comp8, fmax(x, (float8)(0.0f)) - x * t + lcl_log1p_unit8(e));
        if (has_grad) {
            vstore8(grad_scale * (select(e, (float8)(1.0f), x >= 0.0f) / (1.0f + e) - t), 0, grad + gradOff + i8);
        }
    }
    ADD_LANES(acc, comp, acc8);
    for (int i = i8; i < last; i++) {
#else
    FOR_EACH_ELEMENT(i, n) {
#endif
        const float x = logits[logitsOff + i];
        const float t = has_targets ? targets[targetsOff + i] : target;
        /* One exponential, e = exp(-|x|) <= 1, serves the loss and the stable sigmoid. */
        const float e = lcl_exp_nonpos(-fabs(x));
        ACC_ADD(acc, comp, fmax(x, 0.0f) - x * t + lcl_log1p_unit(e));
        if (has_grad) {
            grad[gradOff + i] = grad_scale * ((x >= 0.0f ? 1.0f : e) / (1.0f + e) - t);
        }
    }
    const float total = group_sum(acc, scratch);
    if (get_local_id(0) == 0) {
        partials[get_group_id(0)] = total;
    }
}

__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void gaussian_nll(const int n, __global const float* mean, const int meanOff, __global const float* targets, const int targetsOff,
                  const float inv_sigma, const float log_norm, const float grad_factor,
                  __global float* grad, const int gradOff, const int has_grad,
                  __global float* partials, __local float* scratch)
{
    float acc = 0.0f;
    float comp = 0.0f;
    FOR_EACH_ELEMENT(i, n) {
        const float d = mean[meanOff + i] - targets[targetsOff + i];
        const float r = d * inv_sigma;
        ACC_ADD(acc, comp, 0.5f * r * r + log_norm);
        if (has_grad) {
            grad[gradOff + i] = grad_factor * d;
        }
    }
    const float total = group_sum(acc, scratch);
    if (get_local_id(0) == 0) {
        partials[get_group_id(0)] = total;
    }
}

__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void kl_normal(const int n, __global const float* mu, const int muOff, __global const float* logvar, const int logvarOff,
               const float grad_scale, __global float* dmu, const int dmuOff, __global float* dlogvar, const int dlogvarOff,
               const int has_grad, __global float* partials, __local float* scratch)
{
    float acc = 0.0f;
    float comp = 0.0f;
    FOR_EACH_ELEMENT(i, n) {
        const float m = mu[muOff + i];
        const float lv = logvar[logvarOff + i];
        const float e = exp(lv);
        ACC_ADD(acc, comp, -0.5f * (1.0f + lv - m * m - e));
        if (has_grad) {
            dmu[dmuOff + i] = grad_scale * m;
            dlogvar[dlogvarOff + i] = grad_scale * 0.5f * (e - 1.0f);
        }
    }
    const float total = group_sum(acc, scratch);
    if (get_local_id(0) == 0) {
        partials[get_group_id(0)] = total;
    }
}

__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void dot_stage1(const int n, __global const float* a, const int aOff, __global const float* b, const int bOff,
                __global float* partials, __local float* scratch)
{
    float acc = 0.0f;
    float comp = 0.0f;
#if CONTIGUOUS
    /* As bce_logits: eight lanes of compensated sums, so the CPU compiler vectorizes the stream. */
    CONTIGUOUS_BLOCK(first, last, n);
    float8 acc8 = (float8)(0.0f);
    float8 comp8 = (float8)(0.0f);
    int i8 = first;
    for (; i8 + 8 <= last; i8 += 8) {
        ACC_ADD_T(float8, acc8, comp8, vload8(0, a + aOff + i8) * vload8(0, b + bOff + i8));
    }
    ADD_LANES(acc, comp, acc8);
    for (int i = i8; i < last; i++) {
#else
    FOR_EACH_ELEMENT(i, n) {
#endif
        ACC_ADD(acc, comp, a[aOff + i] * b[bOff + i]);
    }
    const float total = group_sum(acc, scratch);
    if (get_local_id(0) == 0) {
        partials[get_group_id(0)] = total;
    }
}

__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void hinge_logits(const int n, __global const float* logits, const int logitsOff, const float sign, const float margin,
                  const int has_margin, const float grad_scale, __global float* grad, const int gradOff, const int has_grad,
                  __global float* partials, __local float* scratch)
{
    float acc = 0.0f;
    float comp = 0.0f;
    FOR_EACH_ELEMENT(i, n) {
        const float sx = sign * logits[logitsOff + i];
        const float m = margin + sx;
        ACC_ADD(acc, comp, has_margin ? fmax(m, 0.0f) : sx);
        if (has_grad) {
            grad[gradOff + i] = (!has_margin || m > 0.0f) ? grad_scale * sign : 0.0f;
        }
    }
    const float total = group_sum(acc, scratch);
    if (get_local_id(0) == 0) {
        partials[get_group_id(0)] = total;
    }
}

__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void sum_stage1(const int n, __global const float* x, const int xOff, __global float* partials, __local float* scratch)
{
    float acc = 0.0f;
    float comp = 0.0f;
    FOR_EACH_ELEMENT(i, n) {
        ACC_ADD(acc, comp, x[xOff + i]);
    }
    const float total = group_sum(acc, scratch);
    if (get_local_id(0) == 0) {
        partials[get_group_id(0)] = total;
    }
}

__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void reduce_partials(const int count, __global const float* partials, __global float* out, const int outOff,
                     const int index, const int accumulate, __local float* scratch)
{
    float acc = 0.0f;
    for (int i = get_local_id(0); i < count; i += RED_WG) {
        acc += partials[i];
    }
    const float total = group_sum(acc, scratch);
    if (get_local_id(0) == 0) {
        out[outOff + index] = accumulate ? out[outOff + index] + total : total;
    }
}

/* normalize_vector: one work-group normalizes a vector, as spectral normalization's power iteration
 * does, in one launch instead of a dot product's two and a normalization's one:
 *   s[k] = sum x^2, out = x / max(sqrt(s[k]), eps), and with dot_index >= 0 also
 *   s[dot_index] = sum out x (sigma = u^T W v, where x = W v and out = u).
 * Launch: global = local = RED_WG (the vectors are a weight's rows or columns: thousands at most). */
__kernel __attribute__((reqd_work_group_size(RED_WG, 1, 1)))
void normalize_vector(const int n, __global const float* x, const int xOff, __global float* out, const int outOff,
                      __global float* s, const int sOff, const int k, const int dot_index, const float eps,
                      __local float* scratch)
{
    float acc = 0.0f;
    float comp = 0.0f;
    for (int i = get_local_id(0); i < n; i += RED_WG) {
        const float v = x[xOff + i];
        ACC_ADD(acc, comp, v * v);
    }
    const float ss = group_sum(acc, scratch);
    const float norm = fmax(sqrt(ss), eps);
    float dot = 0.0f;
    float dcomp = 0.0f;
    for (int i = get_local_id(0); i < n; i += RED_WG) {
        const float v = x[xOff + i];
        const float o = v / norm;
        out[outOff + i] = o;
        ACC_ADD(dot, dcomp, o * v);
    }
    const float sigma = group_sum(dot, scratch);
    if (get_local_id(0) == 0) {
        s[sOff + k] = ss;
        if (dot_index >= 0) {
            s[sOff + dot_index] = sigma;
        }
    }
}

/* Per-element loss terms without reduction (for per-example sums, e.g. IWAE weights).
 * bce_terms: out = max(x, 0) - x t + log(1 + exp(-|x|)). Launch: 1-D, one work-item per element. */
__kernel void bce_terms(const int n, __global const float* logits, const int logitsOff, __global const float* targets,
                        const int targetsOff, __global float* out, const int outOff)
{
    const int i = get_global_id(0);
    if (i < n) {
        const float x = logits[logitsOff + i];
        out[outOff + i] = fmax(x, 0.0f) - x * targets[targetsOff + i] + lcl_log1p_unit(lcl_exp_nonpos(-fabs(x)));
    }
}

/* gp_rows: WGAN-GP's penalty per row from the squared norm s of the critic's input gradient: terms = lambda (sqrt(s) - 1)^2
 * and coeff = scale 2 lambda (sqrt(s) - 1) / sqrt(s), the factor that turns the row's gradient into the penalty's
 * gradient with respect to it (0 at s = 0). Launch: 1-D, one work-item per row. */
__kernel void gp_rows(const int n, __global const float* squares, const int squaresOff, const float lambda, const float scale,
                      __global float* coefficients, const int coefficientsOff, __global float* terms, const int termsOff)
{
    const int i = get_global_id(0);
    if (i < n) {
        const float norm = sqrt(squares[squaresOff + i]);
        terms[termsOff + i] = lambda * (norm - 1.0f) * (norm - 1.0f);
        coefficients[coefficientsOff + i] = norm == 0.0f ? 0.0f : scale * 2.0f * lambda * (norm - 1.0f) / norm;
    }
}

/* gaussian_nll_terms: out = 0.5 ((m - t) / sigma)^2 + log sigma + 0.5 log 2 pi. */
__kernel void gaussian_nll_terms(const int n, __global const float* mean, const int meanOff, __global const float* targets,
                                 const int targetsOff, const float inv_sigma, const float log_norm, __global float* out, const int outOff)
{
    const int i = get_global_id(0);
    if (i < n) {
        const float r = (mean[meanOff + i] - targets[targetsOff + i]) * inv_sigma;
        out[outOff + i] = 0.5f * r * r + log_norm;
    }
}

/* log_mean_exp_rows: out[i] = log((1/K) sum_k exp(x[i][k])), computed stably around the row maximum
 * (the IWAE estimate from K log-weights). Launch: 1-D, one work-item per row. */
__kernel void log_mean_exp_rows(const int rows, const int k, __global const float* x, const int xOff,
                                __global float* out, const int outOff)
{
    const int i = get_global_id(0);
    if (i < rows) {
        float m = -INFINITY;
        for (int j = 0; j < k; j++) {
            m = fmax(m, x[xOff + i * k + j]);
        }
        float s = 0.0f;
        for (int j = 0; j < k; j++) {
            s += exp(x[xOff + i * k + j] - m);
        }
        out[outOff + i] = m + log(s) - log((float)k);
    }
}

/* parzen_rows: the log-density of example i under a Gaussian kernel density (Parzen window) on n samples,
 *   out[i] = log((1/n) sum_j exp(-(xx[i] + ss[j] - 2 dots[i][j]) / (2 sigma^2))) + log_norm,
 * where dots = X S^T, xx and ss are the squared norms of the rows of X and S (so the bracket is
 * |x_i - s_j|^2), inv_two_var = 1 / (2 sigma^2) and log_norm = -(D/2) log(2 pi sigma^2).
 * Computed around the row maximum so nothing underflows. Launch: 1-D, one work-item per row. */
__kernel void parzen_rows(const int rows, const int n, __global const float* dots, const int dotsOff,
                          __global const float* xx, const int xxOff, __global const float* ss, const int ssOff,
                          const float inv_two_var, const float log_norm, __global float* out, const int outOff)
{
    const int i = get_global_id(0);
    if (i < rows) {
        const float xi = xx[xxOff + i];
        float m = -INFINITY;
        for (int j = 0; j < n; j++) {
            const float d2 = fmax(xi + ss[ssOff + j] - 2.0f * dots[dotsOff + i * n + j], 0.0f);
            m = fmax(m, -d2 * inv_two_var);
        }
        float s = 0.0f;
        for (int j = 0; j < n; j++) {
            const float d2 = fmax(xi + ss[ssOff + j] - 2.0f * dots[dotsOff + i * n + j], 0.0f);
            s += exp(-d2 * inv_two_var - m);
        }
        out[outOff + i] = m + log(s) - log((float)n) + log_norm;
    }
}

/* row_argmin: out[i] = the j minimizing ss[j] - 2 dots[i][j], i.e. the nearest row of T to row i of S when
 * dots = S T^T and ss holds the squared norms of T's rows (|s|^2 is the same for every j). The index is
 * stored as a float (exact below 2^24). Ties go to the lowest j. Launch: 1-D, one work-item per row. */
__kernel void row_argmin(const int rows, const int n, __global const float* dots, const int dotsOff,
                         __global const float* ss, const int ssOff, __global float* out, const int outOff)
{
    const int i = get_global_id(0);
    if (i < rows) {
        float best = INFINITY;
        int arg = 0;
        for (int j = 0; j < n; j++) {
            const float v = ss[ssOff + j] - 2.0f * dots[dotsOff + i * n + j];
            if (v < best) {
                best = v;
                arg = j;
            }
        }
        out[outOff + i] = (float)arg;
    }
}

/* softmax_xent_rows: for each row r of logits (rows x classes) and its class labels[r] (a float
 * holding an integer), losses[r] = log sum_j exp(l_rj) - l_r,label and, when has_grad,
 * grad[r][j] = scale (softmax_rj - [j == label]). softmax_rows: out[r][j] = softmax_rj.
 * Launch: 1-D, one work-item per row. */
/* The row's maximum into *m, and sum_j exp(l_j - m). */
float row_max_and_exp_sum(__global const float* l, const int classes, float* m)
{
    float mx = l[0];
    for (int j = 1; j < classes; j++) {
        mx = fmax(mx, l[j]);
    }
    float s = 0.0f;
    for (int j = 0; j < classes; j++) {
        s += exp(l[j] - mx);
    }
    *m = mx;
    return s;
}

__kernel void softmax_xent_rows(const int rows, const int classes, __global const float* logits, const int logitsOff,
                                __global const float* labels, const int labelsOff, const float scale, __global float* grad,
                                const int gradOff, const int has_grad, __global float* losses, const int lossesOff)
{
    const int r = get_global_id(0);
    if (r >= rows) {
        return;
    }
    __global const float* l = logits + logitsOff + r * classes;
    float m;
    const float s = row_max_and_exp_sum(l, classes, &m);
    const int label = (int)labels[labelsOff + r];
    losses[lossesOff + r] = m + log(s) - l[label];
    if (has_grad) {
        for (int j = 0; j < classes; j++) {
            grad[gradOff + r * classes + j] = scale * (exp(l[j] - m) / s - (j == label ? 1.0f : 0.0f));
        }
    }
}

__kernel void softmax_rows(const int rows, const int classes, __global const float* logits, const int logitsOff,
                           __global float* out, const int outOff)
{
    const int r = get_global_id(0);
    if (r >= rows) {
        return;
    }
    __global const float* l = logits + logitsOff + r * classes;
    float m;
    const float s = row_max_and_exp_sum(l, classes, &m);
    for (int j = 0; j < classes; j++) {
        out[outOff + r * classes + j] = exp(l[j] - m) / s;
    }
}
