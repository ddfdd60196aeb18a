package org.latentcl.backend.ops;

import java.util.List;
import org.latentcl.backend.Activation;
import org.latentcl.backend.Backend;
import org.latentcl.backend.ClBackend;
import org.latentcl.backend.JavaBackend;
import org.latentcl.backend.KernelBinding;
import org.latentcl.backend.Tensor;

/**
 * Matrix products with fused epilogues, kernel {@code gemm.cl: gemm}:
 * <ul>
 * <li>{@link #gemm}: C = act(alpha op(A) op(B) + beta C + bias);
 * <li>{@link #gemmGated}: C = (alpha op(A) op(B) + beta C) f'(y), a layer's input gradient carried
 *     through the previous layer's activation in the same launch;
 * <li>{@link #linearGradients}: a linear layer's dW = beta dW + dy^T x and db = beta db + column
 *     sums of dy, in one launch on OpenCL (the GEMM's first column tile also sums dy's columns).
 * </ul>
 * The fast Java path is {@link JavaGemm} (Vector API, packed operands, row blocks in parallel) with
 * the epilogue on the computing threads; the reference is the triple loop below.
 */
public final class Gemm {
    /** gemm's arguments. Unused optional tensors are passed as C, with their flag off. */
    record Args(int m, int n, int k, float alpha, Tensor a, Tensor b, float beta, Tensor c, Tensor bias, boolean hasBias, int act,
                float slope, Tensor sums, boolean hasSums, Tensor gate, boolean hasGate, int gateAct, float gateSlope) {
    }

    static final KernelBinding<Args> KERNEL = KernelBinding.of("gemm.cl", "gemm", Args.class);
    /** The GPU family: the same arguments, tiles staged in local memory. */
    static final KernelBinding<Args> LOCAL = KernelBinding.of("gemm_local.cl", "gemm_local", Args.class);

    /** gemm_split_sum's arguments: the S x M x N partials of a split-K product, then gemm's epilogue. */
    record SplitSumArgs(int mn, int n, int splits, Tensor partials, float alpha, float beta, Tensor c, Tensor bias, boolean hasBias,
                        int act, float slope, Tensor gate, boolean hasGate, int gateAct, float gateSlope) {
    }

    static final KernelBinding<SplitSumArgs> SPLIT_SUM = KernelBinding.of("gemm_local.cl", "gemm_split_sum", SplitSumArgs.class);

    /** The shortest run of K a split-K work-group takes: 16 of the tuned K-slices or more, so a partial is worth its store. */
    static final int SPLIT_MIN_K = 256;
    /** The most splits of K: the partials buffer and the second pass's reads grow with it. */
    static final int MAX_SPLITS = 64;

    /**
     * On CPU devices, A B^T with at least this long a K, at least 16 rows and no bias, activation or
     * gate is computed as a plain NN product after transposing its smaller operand into the backend's scratch memory:
     * the register tiles read B^T at a third of their speed on rows (54 against 158 GFLOP/s at 64 x 512 x 6272 on PoCL),
     * and the transpose costs less than the difference. When A is the smaller (a convolution's weight gradient dy' cols^T,
     * where cols is 8-16 times dy'), (B A^T)^T is computed instead ({@link #transposedProduct}).
     */
    static final int TRANSPOSE_B_MIN_K = 256;

    public static final OpSpec GEMM = new OpSpec("gemm", "C = act(alpha op(A) op(B) + beta C + bias); beta = 0 never reads C",
            "gemm.cl: gemm (CPUs), gemm_local.cl: gemm_local and gemm_split_sum (GPUs)", List.of(check("NN"), check("NT"), check("TN"),
            check("TT"), accumulatedWeightGradientCheck(), splitKCheck(), vectorLoadsCheck()));
    public static final OpSpec GATED = new OpSpec("gemmGated", "C = (alpha op(A) op(B) + beta C) f'(y), f' from the forward output y",
            "gemm.cl: gemm, gemm_local.cl: gemm_local (has_gate)", List.of(SelfCheck.matrix("gemmGated (LeakyReLU)", 1e-4, 1e-4, (be, a) ->
                    SelfCheck.out(be, a.rows(), a.rows(), t -> {
                        try (Tensor y = be.zeros(a.rows(), a.rows())) {
                            gemm(be, false, true, 1f, a, a, 0f, y, null, Activation.leakyRelu(0.2f));
                            gemmGated(be, false, true, 0.5f, a, a, 0f, t, Activation.leakyRelu(0.2f), y);
                        }
                    }))));
    public static final OpSpec LINEAR_GRADIENTS = new OpSpec("linearGradients",
            "dW = beta dW + dy^T x; db = beta db + column sums of dy (a linear layer's parameter gradients)",
            "gemm.cl: gemm, gemm_local.cl: gemm_local (has_sums)", List.of(SelfCheck.matrix("linearGradients", 1e-4, 1e-4, (be, a) -> {
                try (Tensor dw = be.zeros(a.cols(), a.cols()); Tensor db = be.zeros(1, a.cols())) {
                    linearGradients(be, a, a, 0f, dw, db);
                    return SelfCheck.concat(be.read(dw), be.read(db));
                }
            })));

    private Gemm() {
    }

    /**
     * C = act(alpha * op(A) * op(B) + beta * C + bias), where op(X) is X or its transpose,
     * op(A) is M x K, op(B) is K x N, C is M x N and bias (may be null) has N elements, added to
     * every row. With beta = 0, C is not read (it may hold anything, NaN included).
     */
    public static void gemm(Backend be, boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c,
                            Tensor bias, Activation act) {
        int[] mnk = shape(be, transA, transB, a, b, c);
        if (bias != null) {
            be.own(bias, "gemm bias");
            if (bias.size() != mnk[1]) {
                throw new IllegalArgumentException("gemm: bias must have " + mnk[1] + " elements, got " + bias.shape());
            }
        }
        Activation f = act == null ? Activation.IDENTITY : act;
        run(be, transA, transB, "", mnk, 0, new Epilogue(alpha, beta, bias, f, null, Activation.IDENTITY), a, b, c, null);
    }

    /**
     * C = (alpha op(A) op(B) + beta C) * f'(y), elementwise, with f' read from the forward output y
     * (M x N) as {@link Activations#activateBackward} reads it: the bits of {@link #gemm} then
     * {@code activateBackward}.
     */
    public static void gemmGated(Backend be, boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c,
                                 Activation f, Tensor y) {
        int[] mnk = shape(be, transA, transB, a, b, c);
        be.own(y, "gemmGated y");
        if (y.size() != c.size()) {
            throw new IllegalArgumentException("gemmGated: y must have C's " + c.size() + " elements, got " + y.shape());
        }
        run(be, transA, transB, " gated", mnk, (double) mnk[0] * mnk[1], new Epilogue(alpha, beta, null, Activation.IDENTITY, y, f),
                a, b, c, null);
    }

    /**
     * The gradients of a linear layer's weight and bias from a batch: dW = beta dW + dy^T x and
     * db = beta db + the column sums of dy (dy is batch x out, x batch x in, dW out x in, db has out
     * values).
     */
    public static void linearGradients(Backend be, Tensor dy, Tensor x, float beta, Tensor dW, Tensor db) {
        be.own(dy, "linearGradients dy");
        be.own(x, "linearGradients x");
        be.own(dW, "linearGradients dW");
        be.own(db, "linearGradients db");
        if (dy.rows() != x.rows() || dW.rows() != dy.cols() || dW.cols() != x.cols() || db.size() != dy.cols()) {
            throw new IllegalArgumentException("linearGradients: dy " + dy.shape() + " and x " + x.shape() + " need dW "
                    + dy.cols() + "x" + x.cols() + " and db of " + dy.cols() + ", got " + dW.shape() + " and " + db.shape());
        }
        if (dW.size() == 0) {
            return;
        }
        int[] mnk = {dy.cols(), x.cols(), dy.rows()};
        Epilogue plain = new Epilogue(1f, beta, null, Activation.IDENTITY, null, Activation.IDENTITY);
        double m = mnk[0];
        double n = mnk[1];
        double k = mnk[2];
        be.run(be.profiling() ? "gemm TN" : "gemm", 2.0 * m * n * k, 4.0 * (m * k + k * n + m * n),
                java -> {
                    javaGemm(java, true, false, mnk, plain, dy, x, dW);
                    ColumnSums.reference(dy, beta, db);
                },
                cl -> launch(cl, true, false, mnk, plain, dy, x, dW, db));
    }

    /** alpha, beta, bias and act of the product, and the gate y with its activation f (gate null: none). */
    record Epilogue(float alpha, float beta, Tensor bias, Activation act, Tensor gate, Activation gateAct) {
        /** Whether the product is stored as it is. */
        boolean plain() {
            return alpha == 1f && beta == 0f && bias == null && act.kind() == Activation.Kind.IDENTITY && gate == null;
        }

        /** The epilogue of element (i, j) with the product p and C's element before it, c. */
        float apply(float p, float c, int i, int j, int n) {
            float v = alpha * p;
            if (beta != 0f) {
                v += beta * c;
            }
            if (bias != null) {
                v += bias.get(j);
            }
            v = act.apply(v);
            if (gate != null) {
                // As activateBackward: dx = dy * f'(y).
                v = v * gateAct.derivativeFromOutput(gate.get(i * n + j));
            }
            return v;
        }
    }

    /** {m, n, k} of C = op(A) op(B), after checking that the tensors are this backend's and the shapes agree. */
    private static int[] shape(Backend be, boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
        be.own(a, "gemm A");
        be.own(b, "gemm B");
        be.own(c, "gemm C");
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

    /** Runs a product (2MNK flops; the operands' bytes and any extra read), unless C is empty. */
    private static void run(Backend be, boolean transA, boolean transB, String suffix, int[] mnk, double extraElements, Epilogue e,
                            Tensor a, Tensor b, Tensor c, Tensor sums) {
        double m = mnk[0];
        double n = mnk[1];
        double k = mnk[2];
        if (m == 0 || n == 0) {
            return;
        }
        String name = be.profiling() ? "gemm " + (transA ? "T" : "N") + (transB ? "T" : "N") + suffix : "gemm";
        be.run(name, 2.0 * m * n * k, 4.0 * (m * k + k * n + m * n + extraElements),
                java -> javaGemm(java, transA, transB, mnk, e, a, b, c),
                cl -> launch(cl, transA, transB, mnk, e, a, b, c, sums));
    }

    private static void javaGemm(JavaBackend java, boolean transA, boolean transB, int[] mnk, Epilogue e, Tensor a, Tensor b,
                                 Tensor c) {
        if (java.plain()) {
            reference(transA, transB, mnk[0], mnk[1], mnk[2], e, a, b, c);
        } else {
            fast(java, transA, transB, mnk[0], mnk[1], mnk[2], e, a, b, c);
        }
    }

    /** The reference: each element of C is its dot product, accumulated in float in the order of k, then the epilogue. */
    static void reference(boolean transA, boolean transB, int m, int n, int k, Epilogue e, Tensor a, Tensor b, Tensor c) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float p = 0f;
                for (int l = 0; l < k; l++) {
                    float aik = transA ? a.get(l, i) : a.get(i, l);
                    float bkj = transB ? b.get(j, l) : b.get(l, j);
                    p += aik * bkj;
                }
                c.set(i * n + j, e.apply(p, e.beta() == 0f ? 0f : c.get(i * n + j), i, j, n));
            }
        }
    }

    /** The fast path: {@link JavaGemm}'s product, with the epilogue on the thread that computed each run of rows. */
    private static void fast(JavaBackend java, boolean transA, boolean transB, int m, int n, int k, Epilogue e, Tensor a, Tensor b,
                             Tensor c) {
        JavaGemm gemm = java.state(JavaGemm.class, j -> new JavaGemm(j.pool(), j.vectors()));
        float[] cs = JavaBackend.array(c);
        int co = (int) c.offset();
        boolean plain = e.plain();
        gemm.multiply(transA, transB, m, n, k, JavaBackend.array(a), (int) a.offset(), JavaBackend.array(b), (int) b.offset(),
                (acc, ldc, i0, i1) -> {
                    for (int i = i0; i < i1; i++) {
                        int ci = co + i * n;
                        if (plain) {
                            System.arraycopy(acc, i * ldc, cs, ci, n);
                            continue;
                        }
                        for (int j = 0; j < n; j++) {
                            cs[ci + j] = e.apply(acc[i * ldc + j], cs[ci + j], i, j, n);
                        }
                    }
                });
    }

    /**
     * C = alpha A B^T + beta C as (C^T = alpha B A^T + beta C^T)^T where A (m x k) is much smaller than B (n x k), as a
     * convolution's weight gradient dy' cols^T is: A and C are transposed into the scratch buffer and B is read as it is,
     * so the product is a plain NN one and the large operand is never copied. Each element sums the same products in the
     * same order as A B^T would (a b = b a exactly), so the bits are those of the other way.
     */
    private static void transposedProduct(ClBackend cl, int[] mnk, Epilogue e, Tensor a, Tensor b, Tensor c) {
        int m = mnk[0];
        int n = mnk[1];
        int k = mnk[2];
        Tensor both = cl.scratch(1, k * m + n * m);
        Tensor at = both.view(0, k, m);
        Tensor ct = both.view(k * m, n, m);
        Transpose.transpose(cl, a, at);
        if (e.beta() != 0f) {
            Transpose.transpose(cl, c, ct);
        }
        launch(cl, false, false, new int[] {n, m, k}, e, b, at, ct, null);
        Transpose.transpose(cl, ct, c);
    }

    /**
     * One launch in the device's GEMM family: register tiles (2-D, each work-item a TM x TN tile of C) or
     * local-memory tiles (each work-group a TSM x TSN tile), from the tuned or default launch shape.
     */
    private static void launch(ClBackend cl, boolean transA, boolean transB, int[] mnk, Epilogue e, Tensor a, Tensor b, Tensor c,
                               Tensor sums) {
        int m = mnk[0];
        int n = mnk[1];
        int k = mnk[2];
        if (cl.contiguous() && !transA && transB && k >= TRANSPOSE_B_MIN_K && m >= 16 && sums == null && e.bias() == null
                && e.gate() == null && e.act().kind() == Activation.Kind.IDENTITY) {
            // A B^T with a long K (a convolution's weight gradient) on a CPU: the smaller operand transposed first, then the
            // plain product. Not a layer's forward pass (bias, activation: a small Linear's weight, read transposed on purpose)
            // nor a matrix-vector product (spectral normalization's power iteration), where the transpose would cost more than
            // it saves.
            if ((long) m * k + 2L * m * n < (long) n * k) {
                transposedProduct(cl, mnk, e, a, b, c);
                return;
            }
            Tensor bt = cl.scratch(k, n);
            Transpose.transpose(cl, b, bt);
            b = bt;
            transB = false;
        }
        String trans = "-DTRANS_A=" + (transA ? 1 : 0) + " -DTRANS_B=" + (transB ? 1 : 0);
        ClBackend.GemmLaunch shape = cl.gemmConfig(m, n);
        if (shape instanceof ClBackend.LocalGemmConfig t) {
            int splits = sums == null ? splits(t, m, n, k, cl.device().computeUnits()) : 1;
            if (splits > 1) {
                launchSplit(cl, trans, t, splits, mnk, e, a, b, c);
            } else {
                launchLocal(cl, trans, t, mnk, e, a, b, c, sums);
            }
            return;
        }
        ClBackend.GemmConfig cfg = (ClBackend.GemmConfig) shape;
        long[] local = cfg.local();
        long gx = (n + cfg.tn() - 1) / cfg.tn();
        long gy = (m + cfg.tm() - 1) / cfg.tm();
        long[] global = local == null ? new long[] {gx, gy} : new long[] {ClBackend.roundUp(gx, local[0]), ClBackend.roundUp(gy, local[1])};
        // The work is the operation's (be.run's), the gate's and bias's reads included.
        cl.launch(KERNEL, trans + " -DTM=" + cfg.tm() + " -DTN=" + cfg.tn(), global, local, 0, 0, args(mnk, e, a, b, c, sums));
    }

    /** The GEMM kernels' arguments: the product, its epilogue and the optional bias, sums and gate (C stands in for each absent one). */
    private static Args args(int[] mnk, Epilogue e, Tensor a, Tensor b, Tensor c, Tensor sums) {
        Tensor bias = e.bias();
        Tensor gate = e.gate();
        return new Args(mnk[0], mnk[1], mnk[2], e.alpha(), a, b, e.beta(), c, bias == null ? c : bias, bias != null, e.act().code(),
                e.act().slope(), sums == null ? c : sums, sums != null, gate == null ? c : gate, gate != null, e.gateAct().code(),
                e.gateAct().slope());
    }

    /** One local-tile launch (gemm_local.cl) of the shape {@code t}, whole K in each work-group. */
    private static void launchLocal(ClBackend cl, String trans, ClBackend.LocalGemmConfig t, int[] mnk, Epilogue e, Tensor a, Tensor b,
                                    Tensor c, Tensor sums) {
        int m = mnk[0];
        int n = mnk[1];
        long[] local = {t.tsn() / t.wptn(), t.tsm() / t.wptm()};
        long[] global = {(n + t.tsn() - 1) / t.tsn() * local[0], (m + t.tsm() - 1) / t.tsm() * local[1]};
        cl.launch(LOCAL, trans + t.defines(), global, local, 0, 0, args(mnk, e, a, b, c, sums));
    }

    /**
     * How many chunks of K a local-tile product is cut into: where the tiles of C are fewer than the
     * compute units (a GPU's weight gradients have a tile or two of C and a K of tens of thousands), enough
     * chunks to give every unit two work-groups, each chunk at least {@link #SPLIT_MIN_K} long, at most
     * {@link #MAX_SPLITS}; 1 (no split) where the tiles already give every unit one or K is short. Fixed by the shape and the device, so a run is reproducible.
     */
    static int splits(ClBackend.LocalGemmConfig t, int m, int n, int k, int computeUnits) {
        long tiles = (long) ((m + t.tsm() - 1) / t.tsm()) * ((n + t.tsn() - 1) / t.tsn());
        int units = Math.max(1, computeUnits);
        if (tiles >= units) {
            return 1;
        }
        long wanted = (2L * units + tiles - 1) / tiles;
        return (int) Math.max(1, Math.min(Math.min(wanted, MAX_SPLITS), k / SPLIT_MIN_K));
    }

    /**
     * A split-K product: gemm_local with SPLIT_K=1 over S chunks of K into S x M x N partials (the backend's
     * scratch buffer), then gemm_split_sum adds them in a fixed order and applies the epilogue.
     */
    private static void launchSplit(ClBackend cl, String trans, ClBackend.LocalGemmConfig t, int splits, int[] mnk, Epilogue e,
                                    Tensor a, Tensor b, Tensor c) {
        int m = mnk[0];
        int n = mnk[1];
        int k = mnk[2];
        String defines = trans + t.defines() + " -DSPLIT_K=1";
        long[] local = {t.tsn() / t.wptn(), t.tsm() / t.wptm(), 1};
        long[] global = {(n + t.tsn() - 1) / t.tsn() * local[0], (m + t.tsm() - 1) / t.tsm() * local[1], splits};
        Tensor partials = cl.scratch(splits, m * n);
        cl.launch(LOCAL, defines, global, local, 2.0 * m * n * k,
                4.0 * ((double) m * k + (double) k * n + (double) splits * m * n),
                new Args(m, n, k, 1f, a, b, 0f, partials, c, false, 0, 0f, c, false, c, false, 0, 0f));
        Tensor bias = e.bias();
        Tensor gate = e.gate();
        cl.launch(SPLIT_SUM, defines, new long[] {ClBackend.roundUp((long) m * n, 64)}, null, (double) splits * m * n,
                4.0 * ((double) splits * m * n + 2.0 * m * n),
                new SplitSumArgs(m * n, n, splits, partials, e.alpha(), e.beta(), c, bias == null ? c : bias, bias != null,
                        e.act().code(), e.act().slope(), gate == null ? c : gate, gate != null, e.gateAct().code(), e.gateAct().slope()));
    }

    /**
     * {@link #gemm} with K cut into {@code splits} chunks wherever the device runs the local-tile GEMM, whatever
     * {@link #splits} would choose there (so that the split path is checked on every device, the simulator's
     * single compute unit included); elsewhere the plain {@link #gemm}.
     */
    static void gemmSplit(Backend be, boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c,
                          Tensor bias, Activation act, int splits) {
        gemmForcingLocal(be, "gemm split", transA, transB, alpha, a, b, beta, c, bias, act,
                (cl, trans, t, mnk, e) -> launchSplit(cl, trans, t, splits, mnk, e, a, b, c));
    }

    /**
     * {@link #gemm} with the tiles staged in loads of {@code vw} floats wherever the device runs the local-tile GEMM,
     * whatever its tuning says (so that the vector loads are checked on every device, the simulator included; whole K per
     * work-group); elsewhere the plain {@link #gemm}.
     */
    static void gemmVectorLoads(Backend be, boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c,
                                Tensor bias, Activation act, int vw) {
        gemmForcingLocal(be, "gemm vector loads", transA, transB, alpha, a, b, beta, c, bias, act, (cl, trans, t, mnk, e) -> launchLocal(cl,
                trans, new ClBackend.LocalGemmConfig(t.tsm(), t.tsn(), t.tsk(), t.wptm(), t.wptn(), vw), mnk, e, a, b, c, null));
    }

    /** A local-tile product launched another way than the tuning would (split, vector loads), given the device's tiles. */
    private interface LocalPath {
        void launch(ClBackend cl, String trans, ClBackend.LocalGemmConfig t, int[] mnk, Epilogue e);
    }

    /** {@link #gemm} through {@code path} where the device runs the local-tile GEMM for C's shape; elsewhere the plain {@link #gemm}. */
    private static void gemmForcingLocal(Backend be, String name, boolean transA, boolean transB, float alpha, Tensor a, Tensor b,
                                         float beta, Tensor c, Tensor bias, Activation act, LocalPath path) {
        int[] mnk = shape(be, transA, transB, a, b, c);
        if (!(be instanceof ClBackend cl && cl.gemmConfig(mnk[0], mnk[1]) instanceof ClBackend.LocalGemmConfig t) || c.size() == 0) {
            gemm(be, transA, transB, alpha, a, b, beta, c, bias, act);
            return;
        }
        Epilogue e = new Epilogue(alpha, beta, bias, act, null, Activation.IDENTITY);
        String trans = "-DTRANS_A=" + (transA ? 1 : 0) + " -DTRANS_B=" + (transB ? 1 : 0);
        be.run(name, 2.0 * mnk[0] * mnk[1] * mnk[2], 0, java -> javaGemm(java, transA, transB, mnk, e, a, b, c),
                ocl -> path.launch(ocl, trans, t, mnk, e));
    }

    /**
     * C = tanh(0.5 A B^T + C + bias) at n x cols, K = 40 + n, with K cut into 3 chunks on a GPU-style
     * device ({@link #gemmSplit}): the split-K pass and its epilogue, the last chunk short (K is forced
     * into chunks whatever its length, so a short K keeps the check quick under the simulator).
     */
    private static SelfCheck splitKCheck() {
        return longKCheck("gemm NT split K (3 chunks; bias, tanh)", 40, 37, 11, true);
    }

    /**
     * C = 0.5 A B^T + C at n x cols with K = 300 + n (a tail of K mod 16 that takes many values over
     * the sizes): a convolution's weight gradient, accumulated, with a long K.
     */
    private static SelfCheck accumulatedWeightGradientCheck() {
        return longKCheck("gemm NT long K (alpha, beta)", 300, 29, 5, false);
    }

    /** C = 0.5 A B^T + C at n x cols, K = k0 + n; {@code split}: + bias, tanh, K in 3 chunks. Data seeded n * a + b. */
    private static SelfCheck longKCheck(String name, int k0, long a, long b, boolean split) {
        return new SelfCheck(name, 1e-4, 1e-4, (n, sizes) -> {
            int at = java.util.Arrays.binarySearch(sizes, n);
            int cols = sizes[(at + 1) % sizes.length];
            int k = k0 + n;
            java.util.Random rnd = new java.util.Random(n * a + b);
            float[] x = SelfCheck.random(rnd, n * k, 1f / (float) Math.sqrt(k));
            float[] y = SelfCheck.random(rnd, cols * k, 1f);
            float[] c0 = SelfCheck.random(rnd, n * cols, 1f);
            float[] bias = SelfCheck.random(rnd, cols, 1f);
            return be -> {
                try (Tensor ta = be.upload(x, n, k); Tensor tb = be.upload(y, cols, k); Tensor c = be.upload(c0, n, cols);
                     Tensor tbias = be.upload(bias, 1, cols)) {
                    if (split) {
                        gemmSplit(be, false, true, 0.5f, ta, tb, 1f, c, tbias, Activation.TANH, 3);
                    } else {
                        gemm(be, false, true, 0.5f, ta, tb, 1f, c, null, Activation.IDENTITY);
                    }
                    return be.read(c);
                }
            };
        });
    }

    /**
     * NN with the tiles loaded 4 floats at a time and TT 2 at a time on a GPU-style device ({@link #gemmVectorLoads}):
     * all four staging loops (A and B, either layout) with runs cut by every edge of the matrices.
     */
    private static SelfCheck vectorLoadsCheck() {
        return new SelfCheck("gemm NN, TT loads of 4, 2 (bias, tanh)", 1e-4, 1e-4, (n, sizes) -> {
            int at = java.util.Arrays.binarySearch(sizes, n);
            int k = sizes[(at + 2) % sizes.length];
            int cols = sizes[(at + 1) % sizes.length];
            java.util.Random rnd = new java.util.Random(n * 17L + 3);
            float[] a = SelfCheck.random(rnd, n * k, 1f / (float) Math.sqrt(k));
            float[] b = SelfCheck.random(rnd, k * cols, 1f);
            float[] bias = SelfCheck.random(rnd, cols, 1f);
            return be -> {
                try (Tensor nnA = be.upload(a, n, k); Tensor nnB = be.upload(b, k, cols); Tensor ttA = be.upload(a, k, n);
                     Tensor ttB = be.upload(b, cols, k); Tensor nn = be.zeros(n, cols); Tensor tt = be.zeros(n, cols);
                     Tensor tbias = be.upload(bias, 1, cols)) {
                    gemmVectorLoads(be, false, false, 1f, nnA, nnB, 0f, nn, tbias, Activation.TANH, 4);
                    gemmVectorLoads(be, true, true, 1f, ttA, ttB, 0f, tt, tbias, Activation.TANH, 2);
                    return SelfCheck.concat(be.read(nn), be.read(tt));
                }
            };
        });
    }

    /** GEMM at n x k times k x cols with a bias and tanh, k and cols the next sizes of the run after n. */
    private static SelfCheck check(String trans) {
        boolean ta = trans.charAt(0) == 'T';
        boolean tb = trans.charAt(1) == 'T';
        // Relative to the result's scale: K float products carry about K * 2^-24 relative error.
        return new SelfCheck("gemm " + trans + " (bias, tanh)", 1e-4, 1e-4, (n, sizes) -> {
            int at = java.util.Arrays.binarySearch(sizes, n);
            int m = n;
            int k = sizes[(at + 2) % sizes.length];
            int cols = sizes[(at + 1) % sizes.length];
            java.util.Random rnd = new java.util.Random(n * 13L + trans.hashCode());
            float[] a = SelfCheck.random(rnd, m * k, 1f / (float) Math.sqrt(k));
            float[] b = SelfCheck.random(rnd, k * cols, 1f);
            float[] bias = SelfCheck.random(rnd, cols, 1f);
            return be -> {
                try (Tensor ta2 = be.upload(a, ta ? k : m, ta ? m : k); Tensor tb2 = be.upload(b, tb ? cols : k, tb ? k : cols);
                     Tensor c = be.zeros(m, cols); Tensor tbias = be.upload(bias, 1, cols)) {
                    gemm(be, ta, tb, 1f, ta2, tb2, 0f, c, tbias, Activation.TANH);
                    return be.read(c);
                }
            };
        });
    }
}
