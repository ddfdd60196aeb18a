package org.latentcl.backend;

/**
 * The tensor operations of MLP VAE and GAN training. The public methods check shapes and
 * ownership once, here, and hand over to the implementation's {@code do*} methods, so both
 * backends reject misuse with the same message.
 *
 * <p>Operations are asynchronous where the implementation allows (OpenCL queues them); only
 * {@link #read} and {@link #finish} wait. Losses are written into a tensor on the backend, not
 * returned, so a training step never waits for the device.
 */
public abstract class Backend implements AutoCloseable {
    /** The profiler receiving this backend's timings, or null when profiling is off. */
    protected Profiler profiler;

    /**
     * Starts recording every operation into {@code p} (null stops). The Java backend times each
     * operation on the host; the OpenCL backend records each kernel's profiling event, read back by
     * {@link #flushProfile}.
     */
    public void profile(Profiler p) {
        this.profiler = p;
    }

    /** Waits for queued work and hands every pending timing to the profiler. */
    public void flushProfile() {
        finish();
    }

    /** True when operations finish before they return, so host timing is the operation's time. */
    protected boolean synchronous() {
        return false;
    }

    /** Runs one operation, timing it when profiling is on and the backend is synchronous. */
    private void timed(String name, double flops, double bytes, Runnable r) {
        Profiler p = profiler;
        if (p == null || !synchronous()) {
            r.run();
            return;
        }
        long t0 = System.nanoTime();
        r.run();
        long t1 = System.nanoTime();
        p.add(new Profiler.Op(name, name.equals("write") || name.equals("read") ? "transfer" : "op", t0, t0, t0, t1, flops, bytes));
    }

    /** A short name for logs and metrics, e.g. {@code java (2 threads)} or {@code cl:0 NVIDIA ...}. */
    public abstract String name();

    // ---------------------------------------------------------------- memory

    /** A new tensor with every element zero. */
    public final Tensor zeros(int rows, int cols) {
        Tensor t = new Tensor(this, allocateStorage((long) rows * cols), 0, rows, cols, true);
        fill(t, 0f);
        return t;
    }

    /** A new tensor holding {@code data} (row-major, {@code rows * cols} values). */
    public final Tensor upload(float[] data, int rows, int cols) {
        if (data.length != rows * cols) {
            throw new IllegalArgumentException("upload: " + data.length + " values given for a " + rows + "x" + cols + " tensor");
        }
        Tensor t = new Tensor(this, allocateStorage((long) rows * cols), 0, rows, cols, true);
        write(t, data);
        return t;
    }

    /** Overwrites {@code dst} with {@code data}. */
    public final void write(Tensor dst, float[] data) {
        own(dst, "write");
        if (data.length != dst.size()) {
            throw new IllegalArgumentException("write: " + data.length + " values given for tensor " + dst.shape());
        }
        timed("write", 0, 4.0 * data.length, () -> doWrite(dst, data));
    }

    /** Copies a tensor to the host (waits for the work queued before it). */
    public final float[] read(Tensor src) {
        own(src, "read");
        float[] out = new float[src.size()];
        timed("read", 0, 4.0 * out.length, () -> doRead(src, out));
        return out;
    }

    /** Waits until all queued work is done. */
    public abstract void finish();

    /** Device buffers currently allocated, or -1 where the backend has none (Java arrays). */
    public int liveBuffers() {
        return -1;
    }

    protected abstract Object allocateStorage(long elements);

    protected abstract void release(Object storage);

    protected abstract void doWrite(Tensor dst, float[] data);

    protected abstract void doRead(Tensor src, float[] out);

    // ---------------------------------------------------------------- linear algebra

    /**
     * C = act(alpha * op(A) * op(B) + beta * C + bias), where op(X) is X or its transpose,
     * op(A) is M x K, op(B) is K x N, C is M x N and bias (may be null) has N elements, added to
     * every row. With beta = 0, C is not read (it may hold anything, NaN included).
     */
    public final void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c,
                           Tensor bias, Activation act) {
        int[] mnk = gemmShape(transA, transB, a, b, c);
        if (bias != null) {
            own(bias, "gemm bias");
            if (bias.size() != mnk[1]) {
                throw new IllegalArgumentException("gemm: bias must have " + mnk[1] + " elements, got " + bias.shape());
            }
        }
        Activation f = act == null ? Activation.IDENTITY : act;
        timedGemm(transA, transB, "", mnk, 0, () -> doGemm(transA, transB, mnk[0], mnk[1], mnk[2], alpha, a, b, beta, c, bias, f,
                null, Activation.IDENTITY));
    }

    /**
     * C = (alpha op(A) op(B) + beta C) * f'(y), elementwise, with f' read from the forward output y
     * (M x N) as {@link #activateBackward} reads it: a layer's input gradient dy W carried through the
     * previous layer's activation in the same launch, with the bits of {@link #gemm} then
     * {@link #activateBackward}.
     */
    public final void gemmGated(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c,
                                Activation f, Tensor y) {
        int[] mnk = gemmShape(transA, transB, a, b, c);
        own(y, "gemmGated y");
        if (y.size() != c.size()) {
            throw new IllegalArgumentException("gemmGated: y must have C's " + c.size() + " elements, got " + y.shape());
        }
        timedGemm(transA, transB, " gated", mnk, (double) mnk[0] * mnk[1],
                () -> doGemm(transA, transB, mnk[0], mnk[1], mnk[2], alpha, a, b, beta, c, null, Activation.IDENTITY, y, f));
    }

    /** {m, n, k} of C = op(A) op(B), after checking that the tensors are this backend's and the shapes agree. */
    private int[] gemmShape(boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
        own(a, "gemm A");
        own(b, "gemm B");
        own(c, "gemm C");
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm: op(A) is " + m + "x" + k + ", op(B) is " + kb + "x" + n
                    + ", so C must be " + m + "x" + n + " with matching inner sizes; got C " + c.shape());
        }
        return new int[] {m, n, k};
    }

    /** Runs a GEMM under the profiler (2MNK flops; the operands' bytes and any extra read), unless C is empty. */
    private void timedGemm(boolean transA, boolean transB, String suffix, int[] mnk, double extraElements, Runnable body) {
        double m = mnk[0];
        double n = mnk[1];
        double k = mnk[2];
        if (m == 0 || n == 0) {
            return;
        }
        String opName = profiler == null ? "gemm" : "gemm " + (transA ? "T" : "N") + (transB ? "T" : "N") + suffix;
        timed(opName, 2.0 * m * n * k, 4.0 * (m * k + k * n + m * n + extraElements), body);
    }

    /** C = act(alpha op(A) op(B) + beta C + bias), then times gateAct'(gate) where gate is not null. */
    protected abstract void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a,
                                   Tensor b, float beta, Tensor c, Tensor bias, Activation act, Tensor gate, Activation gateAct);

    /**
     * The gradients of a linear layer's weight and bias from a batch: dW = beta dW + dy^T x and
     * db = beta db + the column sums of dy (dy is batch x out, x batch x in, dW out x in, db has out
     * values). The OpenCL backend does both in one launch; the reference is {@link #gemm} and
     * {@link #columnSums}.
     */
    public final void linearGradients(Tensor dy, Tensor x, float beta, Tensor dW, Tensor db) {
        own(dy, "linearGradients dy");
        own(x, "linearGradients x");
        own(dW, "linearGradients dW");
        own(db, "linearGradients db");
        if (dy.rows() != x.rows() || dW.rows() != dy.cols() || dW.cols() != x.cols() || db.size() != dy.cols()) {
            throw new IllegalArgumentException("linearGradients: dy " + dy.shape() + " and x " + x.shape() + " need dW "
                    + dy.cols() + "x" + x.cols() + " and db of " + dy.cols() + ", got " + dW.shape() + " and " + db.shape());
        }
        if (dW.size() == 0) {
            return;
        }
        int m = dy.cols();
        int n = x.cols();
        int k = dy.rows();
        timed(profiler == null ? "gemm" : "gemm TN", 2.0 * m * n * k, 4.0 * ((double) m * k + (double) k * n + (double) m * n),
                () -> doLinearGradients(dy, x, beta, dW, db));
    }

    /** Two operations by default: the TN GEMM, then the column sums. */
    protected void doLinearGradients(Tensor dy, Tensor x, float beta, Tensor dW, Tensor db) {
        doGemm(true, false, dy.cols(), x.cols(), dy.rows(), 1f, dy, x, beta, dW, null, Activation.IDENTITY, null, Activation.IDENTITY);
        doColumnSums(dy, beta, db);
    }

    /** out[j] = beta * out[j] + sum_i a[i][j]: the bias gradient of a batch. */
    public final void columnSums(Tensor a, float beta, Tensor out) {
        own(a, "columnSums input");
        own(out, "columnSums output");
        if (out.size() != a.cols()) {
            throw new IllegalArgumentException("columnSums: output must have " + a.cols() + " elements, got " + out.shape());
        }
        timed("columnSums", 0, 0, () -> doColumnSums(a, beta, out));
    }

    protected abstract void doColumnSums(Tensor a, float beta, Tensor out);

    // ---------------------------------------------------------------- elementwise

    /** y = f(x); x and y may be the same tensor. */
    public final void activate(Activation f, Tensor x, Tensor y) {
        sameSize("activate", x, y);
        timed("activate", 0, 0, () -> doActivate(f, x, y));
    }

    /** dx = dy * f'(x), with f' computed from the forward output y; dx may be dy. */
    public final void activateBackward(Activation f, Tensor y, Tensor dy, Tensor dx) {
        sameSize("activateBackward", y, dy, dx);
        timed("activateBackward", 0, 0, () -> doActivateBackward(f, y, dy, dx));
    }

    /** y += alpha * x. */
    public final void axpy(float alpha, Tensor x, Tensor y) {
        sameSize("axpy", x, y);
        timed("axpy", 0, 0, () -> doAxpy(alpha, x, y));
    }

    /** x *= alpha. */
    public final void scale(float alpha, Tensor x) {
        own(x, "scale");
        timed("scale", 0, 0, () -> doScale(alpha, x));
    }

    /** Every element of x becomes {@code value}. */
    public final void fill(Tensor x, float value) {
        own(x, "fill");
        timed("fill", 0, 0, () -> doFill(x, value));
    }

    /** dst = src. */
    public final void copy(Tensor src, Tensor dst) {
        sameSize("copy", src, dst);
        timed("copy", 0, 0, () -> doCopy(src, dst));
    }

    /** out (cols x rows) = a^T, for a rows x cols; out must not overlap a. */
    public final void transpose(Tensor a, Tensor out) {
        if (out.rows() != a.cols() || out.cols() != a.rows()) {
            throw new IllegalArgumentException("transpose: out must be " + a.cols() + "x" + a.rows() + " for a " + a.shape()
                    + ", got " + out.shape());
        }
        timed("transpose", 0, 8.0 * a.size(), () -> doTranspose(a, out));
    }

    /** out = a * b elementwise; out may be a or b. */
    public final void mul(Tensor a, Tensor b, Tensor out) {
        sameSize("mul", a, b, out);
        timed("mul", 0, 0, () -> doMul(a, b, out));
    }

    protected abstract void doActivate(Activation f, Tensor x, Tensor y);

    protected abstract void doActivateBackward(Activation f, Tensor y, Tensor dy, Tensor dx);

    protected abstract void doAxpy(float alpha, Tensor x, Tensor y);

    protected abstract void doScale(float alpha, Tensor x);

    protected abstract void doFill(Tensor x, float value);

    protected abstract void doCopy(Tensor src, Tensor dst);

    protected abstract void doMul(Tensor a, Tensor b, Tensor out);

    protected abstract void doTranspose(Tensor a, Tensor out);

    /**
     * dst row r = src row indices[start + r], for every row of dst. {@code indices} holds row numbers
     * as floats (exact below 2^24 rows); src stays where it is, so a dataset kept on the device is
     * batched without a host copy.
     */
    public final void gatherRows(Tensor src, Tensor indices, int start, Tensor dst) {
        own(src, "gatherRows source");
        own(indices, "gatherRows indices");
        own(dst, "gatherRows destination");
        if (dst.cols() != src.cols()) {
            throw new IllegalArgumentException("gatherRows: destination has " + dst.cols() + " columns, source " + src.cols());
        }
        if (start < 0 || (long) start + dst.rows() > indices.size()) {
            throw new IllegalArgumentException("gatherRows: rows " + start + ".." + (start + dst.rows()) + " of the index tensor "
                    + indices.shape() + " do not exist");
        }
        if (src.rows() > MAX_GATHER_ROWS) {
            throw new IllegalArgumentException("gatherRows: " + src.rows() + " rows exceed " + MAX_GATHER_ROWS + ", the largest float index");
        }
        timed("gatherRows", 0, 0, () -> doGatherRows(src, indices, start, dst));
    }

    /** Row numbers are carried as floats, which hold every integer up to 2^24 exactly. */
    public static final int MAX_GATHER_ROWS = 1 << 24;

    /** out[i] = beta * out[i] + alpha * sum_j x[i][j]; out has x.rows() elements. */
    public final void rowSums(Tensor x, float alpha, float beta, Tensor out) {
        own(x, "rowSums input");
        own(out, "rowSums output");
        if (out.size() != x.rows()) {
            throw new IllegalArgumentException("rowSums: output must have " + x.rows() + " elements, got " + out.shape());
        }
        timed("rowSums", 0, 0, () -> doRowSums(x, alpha, beta, out));
    }

    protected abstract void doGatherRows(Tensor src, Tensor indices, int start, Tensor dst);

    protected abstract void doRowSums(Tensor x, float alpha, float beta, Tensor out);

    // ---------------------------------------------------------------- random numbers

    /**
     * Fills {@code out} with uniform [0, 1) floats from the Philox4x32-10 stream of {@code seed},
     * starting at block {@code counter}; element i comes from word i % 4 of block counter + i / 4.
     * Uses {@link Philox#blocks(long)} blocks; both backends give identical bits.
     */
    public final void uniform(Tensor out, long seed, long counter) {
        own(out, "uniform");
        timed("uniform", 0, 0, () -> doUniform(out, seed, counter));
    }

    /** Fills {@code out} with standard normal floats (Box-Muller on Philox, see {@link Philox#normal}). */
    public final void normal(Tensor out, long seed, long counter) {
        own(out, "normal");
        timed("normal", 0, 0, () -> doNormal(out, seed, counter));
    }

    protected abstract void doUniform(Tensor out, long seed, long counter);

    protected abstract void doNormal(Tensor out, long seed, long counter);

    // ---------------------------------------------------------------- VAE pieces

    /** z = mu + exp(logvar / 2) * eps. */
    public final void reparameterize(Tensor mu, Tensor logvar, Tensor eps, Tensor z) {
        sameSize("reparameterize", mu, logvar, eps, z);
        timed("reparameterize", 0, 0, () -> doReparameterize(mu, logvar, eps, z));
    }

    /**
     * Draws eps as {@link #normal}(eps, seed, counter) does and then computes z as {@link #reparameterize}
     * does, with the same bits, in one launch where the backend can (a VAE step's sampling).
     */
    public final void sampleReparameterized(Tensor mu, Tensor logvar, Tensor eps, Tensor z, long seed, long counter) {
        sameSize("sampleReparameterized", mu, logvar, eps, z);
        timed("sampleReparameterized", 0, 0, () -> doSampleReparameterized(mu, logvar, eps, z, seed, counter));
    }

    /** The two operations in turn; a backend with a fused kernel overrides this. */
    protected void doSampleReparameterized(Tensor mu, Tensor logvar, Tensor eps, Tensor z, long seed, long counter) {
        doNormal(eps, seed, counter);
        doReparameterize(mu, logvar, eps, z);
    }

    /** dmu += dz and dlogvar += dz * eps * exp(logvar / 2) / 2 (accumulates, so the KL gradient can go first). */
    public final void reparameterizeBackward(Tensor logvar, Tensor eps, Tensor dz, Tensor dmu, Tensor dlogvar) {
        sameSize("reparameterizeBackward", logvar, eps, dz, dmu, dlogvar);
        timed("reparameterizeBackward", 0, 0, () -> doReparameterizeBackward(logvar, eps, dz, dmu, dlogvar));
    }

    protected abstract void doReparameterize(Tensor mu, Tensor logvar, Tensor eps, Tensor z);

    protected abstract void doReparameterizeBackward(Tensor logvar, Tensor eps, Tensor dz, Tensor dmu, Tensor dlogvar);

    // ---------------------------------------------------------------- losses (reduced on the backend)

    /**
     * Binary cross-entropy with logits, summed over every element:
     * loss = sum max(l, 0) - l * t + log(1 + exp(-|l|)), with t from {@code targets} or, when that
     * is null, the constant {@code target}. Writes grad = gradScale * (sigmoid(l) - t) when grad is
     * not null, and the loss into {@code out[index]} (added to it when {@code accumulate}).
     */
    public final void bceWithLogits(Tensor logits, Tensor targets, float target, float gradScale, Tensor grad,
                                    Tensor out, int index, boolean accumulate) {
        own(logits, "bceWithLogits logits");
        if (targets != null) {
            sameSize("bceWithLogits targets", logits, targets);
        }
        if (grad != null) {
            sameSize("bceWithLogits grad", logits, grad);
        }
        checkOut("bceWithLogits", out, index);
        timed("bceWithLogits", 0, 0, () -> doBceWithLogits(logits, targets, target, gradScale, grad, out, index, accumulate));
    }

    /**
     * Gaussian negative log-likelihood with fixed standard deviation sigma, summed:
     * loss = sum 0.5 * ((x - m) / sigma)^2 + log(sigma) + 0.5 * log(2 pi). Writes
     * grad = gradScale * (m - x) / sigma^2 for the mean m when grad is not null.
     */
    public final void gaussianNll(Tensor mean, Tensor targets, float sigma, float gradScale, Tensor grad, Tensor out,
                                  int index, boolean accumulate) {
        sameSize("gaussianNll", mean, targets);
        if (grad != null) {
            sameSize("gaussianNll grad", mean, grad);
        }
        if (!(sigma > 0f) || Float.isInfinite(sigma)) {
            throw new IllegalArgumentException("gaussianNll: sigma must be a positive finite number, got " + sigma);
        }
        checkOut("gaussianNll", out, index);
        timed("gaussianNll", 0, 0, () -> doGaussianNll(mean, targets, sigma, gradScale, grad, out, index, accumulate));
    }

    /**
     * KL(N(mu, exp(logvar)) || N(0, I)) = -0.5 * sum(1 + logvar - mu^2 - exp(logvar)), summed over
     * every element. Writes (overwrites) dmu = gradScale * mu and
     * dlogvar = gradScale * 0.5 * (exp(logvar) - 1) when they are not null.
     */
    public final void klStandardNormal(Tensor mu, Tensor logvar, float gradScale, Tensor dmu, Tensor dlogvar,
                                       Tensor out, int index, boolean accumulate) {
        sameSize("klStandardNormal", mu, logvar);
        if ((dmu == null) != (dlogvar == null)) {
            throw new IllegalArgumentException("klStandardNormal: give both gradients or neither");
        }
        if (dmu != null) {
            sameSize("klStandardNormal gradients", mu, dmu, dlogvar);
        }
        checkOut("klStandardNormal", out, index);
        timed("klStandardNormal", 0, 0, () -> doKlStandardNormal(mu, logvar, gradScale, dmu, dlogvar, out, index, accumulate));
    }

    /** out[index] (+)= the sum of every element of x. */
    public final void sum(Tensor x, Tensor out, int index, boolean accumulate) {
        own(x, "sum");
        checkOut("sum", out, index);
        timed("sum", 0, 0, () -> doSum(x, out, index, accumulate));
    }

    /** out = the unreduced BCE-with-logits terms max(l, 0) - l t + log(1 + exp(-|l|)). */
    public final void bceTerms(Tensor logits, Tensor targets, Tensor out) {
        sameSize("bceTerms", logits, targets, out);
        timed("bceTerms", 0, 0, () -> doBceTerms(logits, targets, out));
    }

    /** out = the unreduced Gaussian NLL terms 0.5 ((m - x) / sigma)^2 + log sigma + 0.5 log 2 pi. */
    public final void gaussianNllTerms(Tensor mean, Tensor targets, float sigma, Tensor out) {
        sameSize("gaussianNllTerms", mean, targets, out);
        timed("gaussianNllTerms", 0, 0, () -> doGaussianNllTerms(mean, targets, sigma, out));
    }

    /** out[i] = log((1/K) sum_k exp(x[i][k])) for each row i of the rows x K tensor x, computed stably. */
    public final void logMeanExpRows(Tensor x, Tensor out) {
        own(x, "logMeanExpRows input");
        own(out, "logMeanExpRows output");
        if (out.size() != x.rows() || x.cols() < 1) {
            throw new IllegalArgumentException("logMeanExpRows: output must have " + x.rows() + " elements, got " + out.shape());
        }
        timed("logMeanExpRows", 0, 0, () -> doLogMeanExpRows(x, out));
    }

    /**
     * Parzen-window log-densities: for each row i of dots = X S^T (rows x n),
     * out[i] = log((1/n) sum_j exp(-|x_i - s_j|^2 / (2 sigma^2))) - (dim/2) log(2 pi sigma^2),
     * with |x_i - s_j|^2 = xx[i] + ss[j] - 2 dots[i][j] (xx, ss: squared row norms).
     */
    public final void parzenRows(Tensor dots, Tensor xx, Tensor ss, float sigma, int dim, Tensor out) {
        own(dots, "parzenRows dots");
        own(xx, "parzenRows xx");
        own(ss, "parzenRows ss");
        own(out, "parzenRows output");
        if (xx.size() != dots.rows() || out.size() != dots.rows() || ss.size() != dots.cols()) {
            throw new IllegalArgumentException("parzenRows: dots " + dots.shape() + " needs " + dots.rows() + " norms and outputs and "
                    + dots.cols() + " sample norms; got " + xx.shape() + ", " + out.shape() + ", " + ss.shape());
        }
        if (!(sigma > 0f)) {
            throw new IllegalArgumentException("parzenRows: sigma must be positive, got " + sigma);
        }
        timed("parzenRows", 0, 0, () -> doParzenRows(dots, xx, ss, sigma, dim, out));
    }

    /** out[i] = argmin_j (ss[j] - 2 dots[i][j]) as a float: the nearest row of T when dots = S T^T and ss = |T rows|^2. */
    public final void rowArgmin(Tensor dots, Tensor ss, Tensor out) {
        own(dots, "rowArgmin dots");
        own(ss, "rowArgmin norms");
        own(out, "rowArgmin output");
        if (ss.size() != dots.cols() || out.size() != dots.rows()) {
            throw new IllegalArgumentException("rowArgmin: dots " + dots.shape() + " needs " + dots.cols() + " norms and "
                    + dots.rows() + " outputs");
        }
        timed("rowArgmin", 0, 0, () -> doRowArgmin(dots, ss, out));
    }

    protected abstract void doParzenRows(Tensor dots, Tensor xx, Tensor ss, float sigma, int dim, Tensor out);

    protected abstract void doRowArgmin(Tensor dots, Tensor ss, Tensor out);

    protected abstract void doBceTerms(Tensor logits, Tensor targets, Tensor out);

    protected abstract void doGaussianNllTerms(Tensor mean, Tensor targets, float sigma, Tensor out);

    protected abstract void doLogMeanExpRows(Tensor x, Tensor out);

    protected abstract void doBceWithLogits(Tensor logits, Tensor targets, float target, float gradScale, Tensor grad,
                                            Tensor out, int index, boolean accumulate);

    protected abstract void doGaussianNll(Tensor mean, Tensor targets, float sigma, float gradScale, Tensor grad,
                                          Tensor out, int index, boolean accumulate);

    protected abstract void doKlStandardNormal(Tensor mu, Tensor logvar, float gradScale, Tensor dmu, Tensor dlogvar,
                                               Tensor out, int index, boolean accumulate);

    protected abstract void doSum(Tensor x, Tensor out, int index, boolean accumulate);

    // ---------------------------------------------------------------- optimizers

    /**
     * One Adam step over a flat parameter buffer, with PyTorch's semantics: g += weightDecay * p;
     * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
     * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps), for step t &gt;= 1.
     */
    public final void adam(Tensor params, Tensor grads, Tensor m, Tensor v, AdamConfig config, int step) {
        sameSize("adam", params, grads, m, v);
        if (step < 1) {
            throw new IllegalArgumentException("adam: step counts from 1, got " + step);
        }
        timed("adam", 0, 0, () -> doAdam(params, grads, m, v, config, step));
    }

    /** SGD with momentum (PyTorch semantics): buf = momentum * buf + g; p -= lr * buf. */
    public final void sgd(Tensor params, Tensor grads, Tensor velocity, float lr, float momentum) {
        sameSize("sgd", params, grads, velocity);
        timed("sgd", 0, 0, () -> doSgd(params, grads, velocity, lr, momentum));
    }

    protected abstract void doAdam(Tensor params, Tensor grads, Tensor m, Tensor v, AdamConfig config, int step);

    protected abstract void doSgd(Tensor params, Tensor grads, Tensor velocity, float lr, float momentum);

    @Override
    public abstract void close();

    // ---------------------------------------------------------------- checks

    /** Throws unless {@code t} was made by this backend. */
    protected final void own(Tensor t, String what) {
        if (t == null) {
            throw new IllegalArgumentException(what + ": tensor is null");
        }
        if (t.backend() != this) {
            throw new IllegalArgumentException(what + ": tensor belongs to backend " + t.backend().name()
                    + ", not to " + name());
        }
    }

    private void sameSize(String op, Tensor first, Tensor... others) {
        own(first, op);
        for (Tensor t : others) {
            own(t, op);
            if (t.size() != first.size()) {
                throw new IllegalArgumentException(op + ": tensors must have the same number of elements, got "
                        + first.shape() + " and " + t.shape());
            }
        }
    }

    private void checkOut(String op, Tensor out, int index) {
        own(out, op + " output");
        if (index < 0 || index >= out.size()) {
            throw new IllegalArgumentException(op + ": output index " + index + " is outside tensor " + out.shape());
        }
    }
}
