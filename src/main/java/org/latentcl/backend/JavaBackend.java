package org.latentcl.backend;

import java.util.concurrent.ForkJoinPool;

/**
 * The pure-Java backend: runs anywhere, multithreaded where it pays (GEMM), and serves as the
 * reference implementation every OpenCL kernel is tested against. Reductions sum in double.
 */
public class JavaBackend extends Backend {
    private final int threads;
    private final ForkJoinPool pool;
    /** Whether GEMM, Adam and the BCE loss run on the Vector API (present and not switched off). */
    private final boolean gemmUsesVectors;
    private final JavaGemm gemm;
    private float[] scratch = new float[0];

    /** A backend using every available core. */
    public JavaBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public JavaBackend(int threads) {
        this(threads, true);
    }

    /**
     * @param threads   worker threads for GEMM
     * @param vectorApi use the Vector API GEMM when the module is present; false forces plain loops
     */
    public JavaBackend(int threads, boolean vectorApi) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.pool = new ForkJoinPool(threads);
        this.gemm = new JavaGemm(pool, vectorApi);
        this.gemmUsesVectors = vectorApi && JavaGemm.VECTOR;
    }

    @Override
    public String name() {
        return "java (" + threads + (threads == 1 ? " thread)" : " threads)");
    }

    public int threads() {
        return threads;
    }

    private static float[] arr(Tensor t) {
        return (float[]) t.storage();
    }

    private static int off(Tensor t) {
        return (int) t.offset();
    }

    @Override
    protected Object allocateStorage(long elements) {
        if (elements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the Java backend holds at most 2^31 elements per tensor, asked for " + elements);
        }
        try {
            return new float[(int) elements];
        } catch (OutOfMemoryError e) {
            // A large request that the heap cannot hold: say so in numbers instead of letting the JVM die.
            throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                    "out of Java heap memory: a tensor of %.1f MiB was needed and the heap may grow to %.1f MiB;"
                            + " use a smaller --batch or smaller layers, or give Java more memory (-Xmx)",
                    elements * 4 / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576.0), e);
        }
    }

    @Override
    protected void release(Object storage) {
        // Garbage collected.
    }

    @Override
    protected void doWrite(Tensor dst, float[] data) {
        System.arraycopy(data, 0, arr(dst), off(dst), data.length);
    }

    @Override
    protected void doRead(Tensor src, float[] out) {
        System.arraycopy(arr(src), off(src), out, 0, out.length);
    }

    @Override
    protected boolean synchronous() {
        return true;
    }

    @Override
    public void finish() {
        // Every operation has completed when it returns.
    }

    @Override
    protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b,
                          float beta, Tensor c, Tensor bias, Activation act, Tensor gate, Activation gateAct) {
        float[] cs = arr(c);
        int co = off(c);
        boolean plain = alpha == 1f && beta == 0f && bias == null && act.kind() == Activation.Kind.IDENTITY && gate == null;
        float[] bs = bias == null ? null : arr(bias);
        int bo = bias == null ? 0 : off(bias);
        float[] gs = gate == null ? null : arr(gate);
        int go = gate == null ? 0 : off(gate);
        // The epilogue runs on the thread that computed the rows.
        gemm.multiply(transA, transB, m, n, k, arr(a), off(a), arr(b), off(b), (acc, ldc, i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                int ci = co + i * n;
                if (plain) {
                    System.arraycopy(acc, i * ldc, cs, ci, n);
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    float v = alpha * acc[i * ldc + j];
                    if (beta != 0f) {
                        v += beta * cs[ci + j];
                    }
                    if (bs != null) {
                        v += bs[bo + j];
                    }
                    v = act.apply(v);
                    if (gs != null) {
                        // As activateBackward: dx = dy * f'(y).
                        v = v * gateAct.derivativeFromOutput(gs[go + i * n + j]);
                    }
                    cs[ci + j] = v;
                }
            }
        });
    }

    @Override
    protected void doColumnSums(Tensor a, float beta, Tensor out) {
        float[] as = arr(a);
        float[] os = arr(out);
        int n = a.cols();
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < a.rows(); i++) {
                s += as[off(a) + i * n + j];
            }
            float prev = beta == 0f ? 0f : beta * os[off(out) + j];
            os[off(out) + j] = prev + (float) s;
        }
    }

    @Override
    protected void doActivate(Activation f, Tensor x, Tensor y) {
        float[] xs = arr(x);
        float[] ys = arr(y);
        for (int i = 0; i < x.size(); i++) {
            ys[off(y) + i] = f.apply(xs[off(x) + i]);
        }
    }

    @Override
    protected void doActivateBackward(Activation f, Tensor y, Tensor dy, Tensor dx) {
        float[] ys = arr(y);
        float[] dys = arr(dy);
        float[] dxs = arr(dx);
        int start = 0;
        Activation.Kind kind = f.kind();
        if (gemmUsesVectors && (kind == Activation.Kind.RELU || kind == Activation.Kind.LEAKY_RELU)) {
            // Where y <= 0 this computes dy * slope, and the plain loop dy * 0f for ReLU: the same bits.
            start = VectorElementwise.reluBackward(0, y.size(), ys, off(y), dys, off(dy), dxs, off(dx),
                    kind == Activation.Kind.RELU ? 0f : f.slope());
        }
        for (int i = start; i < y.size(); i++) {
            dxs[off(dx) + i] = dys[off(dy) + i] * f.derivativeFromOutput(ys[off(y) + i]);
        }
    }

    @Override
    protected void doAxpy(float alpha, Tensor x, Tensor y) {
        float[] xs = arr(x);
        float[] ys = arr(y);
        for (int i = 0; i < x.size(); i++) {
            ys[off(y) + i] += alpha * xs[off(x) + i];
        }
    }

    @Override
    protected void doScale(float alpha, Tensor x) {
        float[] xs = arr(x);
        for (int i = 0; i < x.size(); i++) {
            xs[off(x) + i] *= alpha;
        }
    }

    @Override
    protected void doFill(Tensor x, float value) {
        java.util.Arrays.fill(arr(x), off(x), off(x) + x.size(), value);
    }

    @Override
    protected void doCopy(Tensor src, Tensor dst) {
        System.arraycopy(arr(src), off(src), arr(dst), off(dst), src.size());
    }

    @Override
    protected void doTranspose(Tensor a, Tensor out) {
        int rows = a.rows();
        int cols = a.cols();
        int blocks = (rows + JavaGemm.TRANSPOSE_BLOCK - 1) / JavaGemm.TRANSPOSE_BLOCK;
        // Row blocks write disjoint columns of the result, so they run in parallel.
        java.util.function.IntConsumer block = b -> JavaGemm.transposeRows(arr(a), off(a), rows, cols, arr(out), off(out), rows,
                b * JavaGemm.TRANSPOSE_BLOCK, Math.min(rows, (b + 1) * JavaGemm.TRANSPOSE_BLOCK));
        if (a.size() < CHUNK * 4 || threads == 1) {
            for (int b = 0; b < blocks; b++) {
                block.accept(b);
            }
        } else {
            pool.submit(() -> java.util.stream.IntStream.range(0, blocks).parallel().forEach(block)).join();
        }
    }

    @Override
    protected void doMul(Tensor a, Tensor b, Tensor out) {
        float[] as = arr(a);
        float[] bs = arr(b);
        float[] os = arr(out);
        for (int i = 0; i < a.size(); i++) {
            os[off(out) + i] = as[off(a) + i] * bs[off(b) + i];
        }
    }

    @Override
    protected void doGatherRows(Tensor src, Tensor indices, int start, Tensor dst) {
        float[] s = arr(src);
        float[] idx = arr(indices);
        float[] d = arr(dst);
        int cols = src.cols();
        for (int r = 0; r < dst.rows(); r++) {
            int from = (int) idx[off(indices) + start + r];
            if (from < 0 || from >= src.rows()) {
                throw new IllegalArgumentException("gatherRows: index " + from + " is outside the " + src.rows() + " source rows");
            }
            System.arraycopy(s, off(src) + from * cols, d, off(dst) + r * cols, cols);
        }
    }

    @Override
    protected void doRowSums(Tensor x, float alpha, float beta, Tensor out) {
        float[] xs = arr(x);
        float[] os = arr(out);
        int cols = x.cols();
        for (int i = 0; i < x.rows(); i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += xs[off(x) + i * cols + j];
            }
            float prev = beta == 0f ? 0f : beta * os[off(out) + i];
            os[off(out) + i] = prev + alpha * (float) s;
        }
    }

    @Override
    protected void doUniform(Tensor out, long seed, long counter) {
        Philox.fillUniform(arr(out), off(out), out.size(), seed, counter);
    }

    @Override
    protected void doNormal(Tensor out, long seed, long counter) {
        Philox.fillNormal(arr(out), off(out), out.size(), seed, counter);
    }

    @Override
    protected void doReparameterize(Tensor mu, Tensor logvar, Tensor eps, Tensor z) {
        float[] m = arr(mu);
        float[] lv = arr(logvar);
        float[] e = arr(eps);
        float[] zs = arr(z);
        for (int i = 0; i < mu.size(); i++) {
            zs[off(z) + i] = m[off(mu) + i] + (float) Math.exp(0.5f * lv[off(logvar) + i]) * e[off(eps) + i];
        }
    }

    @Override
    protected void doReparameterizeBackward(Tensor logvar, Tensor eps, Tensor dz, Tensor dmu, Tensor dlogvar) {
        float[] lv = arr(logvar);
        float[] e = arr(eps);
        float[] g = arr(dz);
        float[] gm = arr(dmu);
        float[] gl = arr(dlogvar);
        for (int i = 0; i < logvar.size(); i++) {
            float d = g[off(dz) + i];
            gm[off(dmu) + i] += d;
            gl[off(dlogvar) + i] += d * e[off(eps) + i] * 0.5f * (float) Math.exp(0.5f * lv[off(logvar) + i]);
        }
    }

    @Override
    protected void doBceWithLogits(Tensor logits, Tensor targets, float target, float gradScale, Tensor grad,
                                   Tensor out, int index, boolean accumulate) {
        float[] l = arr(logits);
        float[] t = targets == null ? null : arr(targets);
        float[] g = grad == null ? null : arr(grad);
        int lo = off(logits);
        int to = targets == null ? 0 : off(targets);
        int go = grad == null ? 0 : off(grad);
        double total = chunkSums(logits.size(), (from, to1) -> {
            double sum = 0;
            int start = from;
            if (gemmUsesVectors) {
                start = VectorLoss.vectorEnd(from, to1);
                sum = VectorLoss.lossSum(from, start, l, lo, t, to, target);
                if (g != null) {
                    VectorLoss.gradient(from, start, l, lo, t, to, target, g, go, gradScale);
                }
            }
            for (int i = start; i < to1; i++) {
                double x = l[lo + i];
                double y = t == null ? target : t[to + i];
                // One exponential, e = exp(-|x|), serves the loss and the sigmoid (as Activation.sigmoid computes it).
                double e = Math.exp(-Math.abs(x));
                sum += Math.max(x, 0) - x * y + log1pSmall(e);
                if (g != null) {
                    float sig = (float) (x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e));
                    g[go + i] = gradScale * (sig - (float) y);
                }
            }
            return sum;
        });
        store(out, index, total, accumulate);
    }

    /**
     * log(1 + e) for e in [0, 1], to double precision, from the intrinsic Math.log: with u = 1 + e
     * rounded, log(u) * e / (u - 1) cancels the rounding of u (Goldberg, "What every computer scientist
     * should know about floating-point arithmetic", 1991, theorem 4). Math.log1p is a pure-Java fdlibm
     * port, and was 80% of the loss's time here.
     */
    static double log1pSmall(double e) {
        double u = 1.0 + e;
        return u == 1.0 ? e : Math.log(u) * e / (u - 1.0);
    }

    /** Elements per chunk of the parallel elementwise loops and sums: fixed, so a sum adds in the same order for any thread count. */
    private static final int CHUNK = 8192;

    /** A loop body over elements [from, to) that returns their sum. */
    private interface ChunkSum {
        double apply(int from, int to);
    }

    /** The sum over n elements, chunk by chunk on the pool, the chunk sums added in order. */
    private double chunkSums(int n, ChunkSum body) {
        int chunks = (n + CHUNK - 1) / CHUNK;
        if (chunks <= 1 || threads == 1) {
            double total = 0;
            for (int c = 0; c < chunks; c++) {
                total += body.apply(c * CHUNK, Math.min(n, c * CHUNK + CHUNK));
            }
            return total;
        }
        double[] partial = new double[chunks];
        pool.submit(() -> java.util.stream.IntStream.range(0, chunks).parallel()
                .forEach(c -> partial[c] = body.apply(c * CHUNK, Math.min(n, c * CHUNK + CHUNK)))).join();
        double total = 0;
        for (double v : partial) {
            total += v;
        }
        return total;
    }

    /** An elementwise loop over n elements, chunk by chunk on the pool. */
    private void chunks(int n, java.util.function.BiConsumer<Integer, Integer> body) {
        chunkSums(n, (from, to) -> {
            body.accept(from, to);
            return 0;
        });
    }

    @Override
    protected void doGaussianNll(Tensor mean, Tensor targets, float sigma, float gradScale, Tensor grad, Tensor out,
                                 int index, boolean accumulate) {
        float[] m = arr(mean);
        float[] t = arr(targets);
        float[] g = grad == null ? null : arr(grad);
        double constant = Math.log(sigma) + 0.5 * Math.log(2 * Math.PI);
        double total = 0;
        for (int i = 0; i < mean.size(); i++) {
            double d = (double) m[off(mean) + i] - t[off(targets) + i];
            total += 0.5 * (d / sigma) * (d / sigma) + constant;
            if (g != null) {
                g[off(grad) + i] = (float) (gradScale * d / ((double) sigma * sigma));
            }
        }
        store(out, index, total, accumulate);
    }

    @Override
    protected void doKlStandardNormal(Tensor mu, Tensor logvar, float gradScale, Tensor dmu, Tensor dlogvar,
                                      Tensor out, int index, boolean accumulate) {
        float[] m = arr(mu);
        float[] lv = arr(logvar);
        double total = 0;
        for (int i = 0; i < mu.size(); i++) {
            double mi = m[off(mu) + i];
            double li = lv[off(logvar) + i];
            double e = Math.exp(li);
            total += -0.5 * (1 + li - mi * mi - e);
            if (dmu != null) {
                arr(dmu)[off(dmu) + i] = (float) (gradScale * mi);
                arr(dlogvar)[off(dlogvar) + i] = (float) (gradScale * 0.5 * (e - 1));
            }
        }
        store(out, index, total, accumulate);
    }

    @Override
    protected void doBceTerms(Tensor logits, Tensor targets, Tensor out) {
        float[] l = arr(logits);
        float[] t = arr(targets);
        float[] o = arr(out);
        for (int i = 0; i < logits.size(); i++) {
            double x = l[off(logits) + i];
            o[off(out) + i] = (float) (Math.max(x, 0) - x * t[off(targets) + i] + log1pSmall(Math.exp(-Math.abs(x))));
        }
    }

    @Override
    protected void doGaussianNllTerms(Tensor mean, Tensor targets, float sigma, Tensor out) {
        float[] m = arr(mean);
        float[] t = arr(targets);
        float[] o = arr(out);
        double constant = Math.log(sigma) + 0.5 * Math.log(2 * Math.PI);
        for (int i = 0; i < mean.size(); i++) {
            double r = ((double) m[off(mean) + i] - t[off(targets) + i]) / sigma;
            o[off(out) + i] = (float) (0.5 * r * r + constant);
        }
    }

    @Override
    protected void doLogMeanExpRows(Tensor x, Tensor out) {
        float[] xs = arr(x);
        float[] o = arr(out);
        int k = x.cols();
        for (int i = 0; i < x.rows(); i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, xs[off(x) + i * k + j]);
            }
            double s = 0;
            for (int j = 0; j < k; j++) {
                s += Math.exp(xs[off(x) + i * k + j] - max);
            }
            o[off(out) + i] = (float) (max + Math.log(s / k));
        }
    }

    @Override
    protected void doParzenRows(Tensor dots, Tensor xx, Tensor ss, float sigma, int dim, Tensor out) {
        float[] g = arr(dots);
        float[] x = arr(xx);
        float[] sq = arr(ss);
        float[] o = arr(out);
        int n = dots.cols();
        double inv = 1.0 / (2.0 * sigma * sigma);
        double logNorm = -0.5 * dim * Math.log(2 * Math.PI * sigma * sigma);
        double[] e = new double[n];
        for (int i = 0; i < dots.rows(); i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                double d2 = Math.max(0, (double) x[off(xx) + i] + sq[off(ss) + j] - 2.0 * g[off(dots) + i * n + j]);
                e[j] = -d2 * inv;
                max = Math.max(max, e[j]);
            }
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += Math.exp(e[j] - max);
            }
            o[off(out) + i] = (float) (max + Math.log(s / n) + logNorm);
        }
    }

    @Override
    protected void doRowArgmin(Tensor dots, Tensor ss, Tensor out) {
        float[] g = arr(dots);
        float[] sq = arr(ss);
        float[] o = arr(out);
        int n = dots.cols();
        for (int i = 0; i < dots.rows(); i++) {
            float best = Float.POSITIVE_INFINITY;
            int arg = 0;
            for (int j = 0; j < n; j++) {
                float v = sq[off(ss) + j] - 2.0f * g[off(dots) + i * n + j];
                if (v < best) {
                    best = v;
                    arg = j;
                }
            }
            o[off(out) + i] = arg;
        }
    }

    @Override
    protected void doSum(Tensor x, Tensor out, int index, boolean accumulate) {
        float[] xs = arr(x);
        double total = 0;
        for (int i = 0; i < x.size(); i++) {
            total += xs[off(x) + i];
        }
        store(out, index, total, accumulate);
    }

    private static void store(Tensor out, int index, double value, boolean accumulate) {
        float[] os = arr(out);
        int i = off(out) + index;
        os[i] = accumulate ? os[i] + (float) value : (float) value;
    }

    @Override
    protected void doAdam(Tensor params, Tensor grads, Tensor m, Tensor v, AdamConfig cfg, int step) {
        float[] corr = cfg.biasCorrections(step);
        float stepSize = corr[0];
        float sqrtC2 = corr[1];
        float beta1 = cfg.beta1();
        float beta2 = cfg.beta2();
        float eps = cfg.eps();
        float decay = cfg.weightDecay();
        float[] p = arr(params);
        float[] g = arr(grads);
        float[] ms = arr(m);
        float[] vs = arr(v);
        int po = off(params);
        int go = off(grads);
        int mo = off(m);
        int vo = off(v);
        chunks(params.size(), (from, to) -> {
            int start = gemmUsesVectors ? VectorAdam.update(from, to, p, po, g, go, ms, mo, vs, vo, beta1, beta2, eps, decay,
                    stepSize, sqrtC2) : from;
            for (int i = start; i < to; i++) {
                float gi = g[go + i] + decay * p[po + i];
                float mi = beta1 * ms[mo + i] + (1f - beta1) * gi;
                float vi = beta2 * vs[vo + i] + (1f - beta2) * gi * gi;
                ms[mo + i] = mi;
                vs[vo + i] = vi;
                p[po + i] -= stepSize * mi / ((float) Math.sqrt(vi) / sqrtC2 + eps);
            }
        });
    }

    @Override
    protected void doSgd(Tensor params, Tensor grads, Tensor velocity, float lr, float momentum) {
        float[] p = arr(params);
        float[] g = arr(grads);
        float[] buf = arr(velocity);
        for (int i = 0; i < params.size(); i++) {
            float b = momentum * buf[off(velocity) + i] + g[off(grads) + i];
            buf[off(velocity) + i] = b;
            p[off(params) + i] -= lr * b;
        }
    }

    @Override
    public void close() {
        pool.shutdown();
    }
}
