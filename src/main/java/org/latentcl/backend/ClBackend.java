package org.latentcl.backend;

import org.latentcl.opencl.ClBuffer;
import org.latentcl.opencl.ClContext;
import org.latentcl.opencl.ClDeviceInfo;
import org.latentcl.opencl.KernelLibrary;
import org.latentcl.opencl.LocalMemory;

/**
 * The OpenCL backend: every operation is one or two kernel launches from {@code kernels/*.cl},
 * queued without waiting. Launch geometry and build defines are chosen here from the device's
 * reported limits.
 */
public final class ClBackend extends Backend {
    /** Elementwise global sizes are rounded up to this; kernels check their bound. */
    private static final int ELEMENTWISE_ROUND = 64;
    /** Upper bound on stage-1 work-groups of a reduction (the size of the partials buffer). */
    private static final int MAX_GROUPS = 256;

    private final ClContext ctx;
    private final KernelLibrary kernels;
    private final int redWg;
    private final int maxGroups;
    /** A CPU device: reductions stream contiguous blocks; Adam and batch gathering take eight elements per work-item. */
    private final boolean contiguous;
    private final String reduceDefines;
    private final String randomDefines;
    private final GemmConfig gemmConfig;
    private final GemmConfig smallGemmConfig;
    private final ClBuffer partials;
    private final java.util.List<Pending> pending = new java.util.ArrayList<>();
    private long deviceToHost;

    /** A launch whose profiling event has not been read yet. */
    private record Pending(String name, org.jocl.cl_event event, double flops, double bytes) {
    }

    /**
     * Launch shape of the GEMM kernel.
     *
     * @param tm     rows of C per work-item (the TM define)
     * @param tn     columns of C per work-item, 8 or 16 (the TN define: one float8 or float16)
     * @param local  work-group size (x, y), or null to let the driver choose
     */
    public record GemmConfig(int tm, int tn, long[] local) {
        public GemmConfig {
            if (tn != 8 && tn != 16) {
                throw new IllegalArgumentException("GEMM tile width must be 8 or 16, got " + tn);
            }
        }
    }

    /** The backend for a device, with its stored GEMM tuning ({@code bench gemm --tune}) or the defaults. */
    public ClBackend(ClDeviceInfo device) {
        this(device, GemmTuning.load(device).orElse(GemmTuning.defaults(device)), 0);
    }

    /** The backend with explicit GEMM launch shapes, for outputs of at least 128 x 128 and for smaller ones. */
    public ClBackend(ClDeviceInfo device, GemmTuning tuning) {
        this(device, tuning, 0);
    }

    private ClBackend(ClDeviceInfo device, GemmTuning tuning, int maxWorkGroup) {
        this(device, tuning.large(), tuning.small(), maxWorkGroup);
    }

    /**
     * A backend with one GEMM launch shape for every size and, when {@code maxWorkGroup} is positive,
     * work-groups capped below the device's own limit, to test devices with small limits.
     *
     * @param device     the OpenCL device
     * @param gemmConfig GEMM launch shape
     * @param maxWorkGroup a cap on work-group sizes below the device's own (0 for none)
     */
    public ClBackend(ClDeviceInfo device, GemmConfig gemmConfig, int maxWorkGroup) {
        this(device, gemmConfig, gemmConfig, maxWorkGroup);
    }

    private ClBackend(ClDeviceInfo device, GemmConfig gemmConfig, GemmConfig smallConfig, int maxWorkGroup) {
        this.ctx = new ClContext(device);
        this.kernels = ctx.kernels();
        long limit = device.maxWorkGroupSize();
        if (maxWorkGroup > 0) {
            limit = Math.min(limit, maxWorkGroup);
        }
        // CPUs reduce best with one work-item per group, each summing a contiguous block (PoCL runs a
        // work-group's items as a loop, so a tree with barriers only adds passes); GPUs use wide groups.
        // A forced limit (tests of small devices) keeps the GPU-style strided path, so both are exercised.
        contiguous = !device.isGpu() && maxWorkGroup == 0;
        this.redWg = contiguous ? 1 : (int) Long.highestOneBit(Math.max(1, Math.min(256, limit)));
        this.maxGroups = Math.max(1, Math.min(MAX_GROUPS, 4 * device.computeUnits()));
        this.reduceDefines = "-DRED_WG=" + redWg + (contiguous ? " -DCONTIGUOUS=1" : "");
        // Identical random bits on every device need correctly rounded division and sqrt.
        this.randomDefines = device.correctlyRoundedDivSqrt() ? "-cl-fp32-correctly-rounded-divide-sqrt" : "";
        this.gemmConfig = gemmConfig;
        this.smallGemmConfig = smallConfig;
        this.partials = ctx.allocate((long) maxGroups * Float.BYTES);
    }

    @Override
    public String name() {
        return ctx.device().id() + " " + ctx.device().name();
    }

    public ClDeviceInfo device() {
        return ctx.device();
    }

    /** The context, for profiling hooks and buffer counts. */
    public ClContext context() {
        return ctx;
    }

    private static ClBuffer buf(Tensor t) {
        return (ClBuffer) t.storage();
    }

    private static int off(Tensor t) {
        return (int) t.offset();
    }

    private static long roundUp(long n, long multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    // ---------------------------------------------------------------- memory

    @Override
    protected Object allocateStorage(long elements) {
        if (elements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a tensor holds at most 2^31 elements, asked for " + elements);
        }
        return ctx.allocate(elements * Float.BYTES);
    }

    @Override
    protected void release(Object storage) {
        ((ClBuffer) storage).close();
    }

    @Override
    protected void doWrite(Tensor dst, float[] data) {
        ctx.write(buf(dst), dst.offset(), data, 0, data.length);
    }

    @Override
    protected void doRead(Tensor src, float[] out) {
        ctx.read(buf(src), src.offset(), out, 0, out.length);
    }

    @Override
    public void finish() {
        ctx.finish();
    }

    @Override
    public int liveBuffers() {
        return ctx.liveBuffers();
    }

    @Override
    public void profile(Profiler p) {
        if (p == null) {
            flushProfile();
            ctx.setLaunchListener(null);
        } else {
            deviceToHost = ctx.deviceToHostOffsetNs();
            ctx.setLaunchListener((name, event, flops, bytes) -> pending.add(new Pending(name, event, flops, bytes)));
        }
        super.profile(p);
    }

    /** Waits for the queue, then reads every pending profiling event into the profiler (on the host clock). */
    @Override
    public void flushProfile() {
        ctx.finish();
        for (Pending e : pending) {
            long q = ClContext.profilingTime(e.event(), org.jocl.CL.CL_PROFILING_COMMAND_QUEUED);
            long sub = ClContext.profilingTime(e.event(), org.jocl.CL.CL_PROFILING_COMMAND_SUBMIT);
            long st = ClContext.profilingTime(e.event(), org.jocl.CL.CL_PROFILING_COMMAND_START);
            long en = ClContext.profilingTime(e.event(), org.jocl.CL.CL_PROFILING_COMMAND_END);
            org.jocl.CL.clReleaseEvent(e.event());
            if (profiler != null) {
                profiler.add(new Profiler.Op(e.name(), e.name().startsWith("transfer:") ? "transfer" : "kernel", q + deviceToHost,
                        sub + deviceToHost, st + deviceToHost, en + deviceToHost, e.flops(), e.bytes()));
            }
        }
        pending.clear();
    }

    // ---------------------------------------------------------------- launches

    private void elementwise(String file, String defines, String kernel, int n, Object... args) {
        if (n == 0) {
            return;
        }
        ctx.launch(kernels.kernel(file, defines, kernel), new long[] {roundUp(n, ELEMENTWISE_ROUND)}, null, args);
    }

    /** Stage 1 (the given loss kernel, writing partials) then stage 2 (partials into out[index]). */
    private void reduce(String kernel, int n, Tensor out, int index, boolean accumulate, Object... stage1Args) {
        // Enough work per group to pay for it: at least 64 elements per work-item.
        int groups = (int) Math.max(1, Math.min(maxGroups, (n + 64L * redWg - 1) / (64L * redWg)));
        Object[] args = new Object[stage1Args.length + 2];
        System.arraycopy(stage1Args, 0, args, 0, stage1Args.length);
        args[stage1Args.length] = partials;
        args[stage1Args.length + 1] = new LocalMemory((long) redWg * Float.BYTES);
        long[] local = {redWg};
        ctx.launch(kernels.kernel("loss.cl", reduceDefines, kernel), new long[] {(long) groups * redWg}, local, args);
        ctx.launch(kernels.kernel("loss.cl", reduceDefines, "reduce_partials"), new long[] {redWg}, local,
                groups, partials, buf(out), off(out), index, accumulate ? 1 : 0, new LocalMemory((long) redWg * Float.BYTES));
    }

    // ---------------------------------------------------------------- operations

    @Override
    protected void doGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b,
                          float beta, Tensor c, Tensor bias, Activation act, Tensor gate, Activation gateAct) {
        launchGemm(transA, transB, m, n, k, alpha, a, b, beta, c, bias, act, null, gate, gateAct);
    }

    /** The weight gradient and the bias gradient in one launch: the GEMM's first column tile also sums dy's columns. */
    @Override
    protected void doLinearGradients(Tensor dy, Tensor x, float beta, Tensor dW, Tensor db) {
        launchGemm(true, false, dy.cols(), x.cols(), dy.rows(), 1f, dy, x, beta, dW, null, Activation.IDENTITY, db, null,
                Activation.IDENTITY);
    }

    private void launchGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Tensor a, Tensor b,
                            float beta, Tensor c, Tensor bias, Activation act, Tensor sums, Tensor gate, Activation gateAct) {
        GemmConfig cfg = m >= 128 && n >= 128 ? gemmConfig : smallGemmConfig;
        String defines = "-DTRANS_A=" + (transA ? 1 : 0) + " -DTRANS_B=" + (transB ? 1 : 0) + " -DTM=" + cfg.tm() + " -DTN=" + cfg.tn();
        long gx = (n + cfg.tn() - 1) / cfg.tn();
        long gy = (m + cfg.tm() - 1) / cfg.tm();
        long[] local = cfg.local();
        if (local != null) {
            gx = roundUp(gx, local[0]);
            gy = roundUp(gy, local[1]);
        }
        // Unused optional tensors are passed as C (any valid buffer), with their flag off.
        Tensor biasOrC = bias == null ? c : bias;
        Tensor sumsOrC = sums == null ? c : sums;
        Tensor gateOrC = gate == null ? c : gate;
        ctx.launchCounted(kernels.kernel("gemm.cl", defines, "gemm"), new long[] {gx, gy}, local,
                2.0 * m * n * k, 4.0 * ((double) m * k + (double) k * n + (double) m * n), m, n, k, alpha, buf(a), off(a), buf(b), off(b), beta, buf(c), off(c),
                buf(biasOrC), off(biasOrC), bias == null ? 0 : 1, act.code(), act.slope(), buf(sumsOrC), off(sumsOrC), sums == null ? 0 : 1,
                buf(gateOrC), off(gateOrC), gate == null ? 0 : 1, gateAct.code(), gateAct.slope());
    }

    @Override
    protected void doColumnSums(Tensor a, float beta, Tensor out) {
        elementwise("elementwise.cl", "", "column_sums", a.cols(), a.rows(), a.cols(), buf(a), off(a), beta, buf(out), off(out));
    }

    @Override
    protected void doActivate(Activation f, Tensor x, Tensor y) {
        elementwise("elementwise.cl", "", "activate", x.size(), x.size(), buf(x), off(x), buf(y), off(y), f.code(), f.slope());
    }

    @Override
    protected void doActivateBackward(Activation f, Tensor y, Tensor dy, Tensor dx) {
        elementwise("elementwise.cl", "", "activate_backward", y.size(), y.size(), buf(y), off(y), buf(dy), off(dy),
                buf(dx), off(dx), f.code(), f.slope());
    }

    @Override
    protected void doAxpy(float alpha, Tensor x, Tensor y) {
        elementwise("elementwise.cl", "", "axpy", x.size(), x.size(), alpha, buf(x), off(x), buf(y), off(y));
    }

    @Override
    protected void doScale(float alpha, Tensor x) {
        elementwise("elementwise.cl", "", "scale", x.size(), x.size(), alpha, buf(x), off(x));
    }

    @Override
    protected void doFill(Tensor x, float value) {
        elementwise("elementwise.cl", "", "fill", x.size(), x.size(), value, buf(x), off(x));
    }

    @Override
    protected void doCopy(Tensor src, Tensor dst) {
        ctx.copy(buf(src), src.offset(), buf(dst), dst.offset(), src.size());
    }

    @Override
    protected void doTranspose(Tensor a, Tensor out) {
        ctx.launch(kernels.kernel("elementwise.cl", "", "transpose"), new long[] {(a.cols() + 7) / 8, (a.rows() + 7) / 8}, null,
                a.rows(), a.cols(), buf(a), off(a), buf(out), off(out));
    }

    @Override
    protected void doMul(Tensor a, Tensor b, Tensor out) {
        elementwise("elementwise.cl", "", "mul", a.size(), a.size(), buf(a), off(a), buf(b), off(b), buf(out), off(out));
    }

    @Override
    protected void doGatherRows(Tensor src, Tensor indices, int start, Tensor dst) {
        int n = contiguous ? dst.rows() * ((dst.cols() + 7) / 8) : dst.size();
        elementwise("elementwise.cl", "", contiguous ? "gather_rows8" : "gather_rows", n, dst.rows(), dst.cols(), buf(src), off(src),
                buf(indices), off(indices) + start, buf(dst), off(dst));
    }

    @Override
    protected void doRowSums(Tensor x, float alpha, float beta, Tensor out) {
        elementwise("elementwise.cl", "", "row_sums", x.rows(), x.rows(), x.cols(), buf(x), off(x), alpha, beta, buf(out), off(out));
    }

    @Override
    protected void doUniform(Tensor out, long seed, long counter) {
        randomFill("uniform_fill", out, seed, counter);
    }

    @Override
    protected void doNormal(Tensor out, long seed, long counter) {
        randomFill("normal_fill", out, seed, counter);
    }

    private void randomFill(String kernel, Tensor out, long seed, long counter) {
        int n = out.size();
        if (n == 0) {
            return;
        }
        long blocks = Philox.blocks(n);
        ctx.launch(kernels.kernel("random.cl", randomDefines, kernel), new long[] {roundUp(blocks, ELEMENTWISE_ROUND)}, null,
                n, buf(out), off(out), seed, counter);
    }

    /**
     * One raw Philox4x32-10 block computed on the device, for known-answer checks: the kernel
     * stores the words as float bit patterns, which travel back unchanged.
     */
    public int[] philoxBlock(int[] counter, int[] key) {
        try (Tensor out = zeros(1, 4)) {
            ctx.launch(kernels.kernel("random.cl", randomDefines, "philox_raw"), new long[] {1}, null,
                    counter[0], counter[1], counter[2], counter[3], key[0], key[1], buf(out), off(out));
            float[] words = read(out);
            int[] bits = new int[4];
            for (int i = 0; i < 4; i++) {
                bits[i] = Float.floatToRawIntBits(words[i]);
            }
            return bits;
        }
    }

    @Override
    protected void doReparameterize(Tensor mu, Tensor logvar, Tensor eps, Tensor z) {
        elementwise("random.cl", randomDefines, "reparameterize", mu.size(), mu.size(), buf(mu), off(mu),
                buf(logvar), off(logvar), buf(eps), off(eps), buf(z), off(z));
    }

    @Override
    protected void doSampleReparameterized(Tensor mu, Tensor logvar, Tensor eps, Tensor z, long seed, long counter) {
        int n = mu.size();
        if (n == 0) {
            return;
        }
        ctx.launch(kernels.kernel("random.cl", randomDefines, "reparameterize_sample"),
                new long[] {roundUp(Philox.blocks(n), ELEMENTWISE_ROUND)}, null,
                n, buf(mu), off(mu), buf(logvar), off(logvar), buf(eps), off(eps), buf(z), off(z), seed, counter);
    }

    @Override
    protected void doReparameterizeBackward(Tensor logvar, Tensor eps, Tensor dz, Tensor dmu, Tensor dlogvar) {
        elementwise("random.cl", randomDefines, "reparameterize_backward", logvar.size(), logvar.size(),
                buf(logvar), off(logvar), buf(eps), off(eps), buf(dz), off(dz), buf(dmu), off(dmu), buf(dlogvar), off(dlogvar));
    }

    @Override
    protected void doBceWithLogits(Tensor logits, Tensor targets, float target, float gradScale, Tensor grad,
                                   Tensor out, int index, boolean accumulate) {
        Tensor t = targets == null ? logits : targets;
        Tensor g = grad == null ? logits : grad;
        reduce("bce_logits", logits.size(), out, index, accumulate, logits.size(), buf(logits), off(logits),
                buf(t), off(t), targets == null ? 0 : 1, target, gradScale, buf(g), off(g), grad == null ? 0 : 1);
    }

    @Override
    protected void doGaussianNll(Tensor mean, Tensor targets, float sigma, float gradScale, Tensor grad, Tensor out,
                                 int index, boolean accumulate) {
        Tensor g = grad == null ? mean : grad;
        float logNorm = (float) (Math.log(sigma) + 0.5 * Math.log(2 * Math.PI));
        float gradFactor = (float) (gradScale / ((double) sigma * sigma));
        reduce("gaussian_nll", mean.size(), out, index, accumulate, mean.size(), buf(mean), off(mean),
                buf(targets), off(targets), 1f / sigma, logNorm, gradFactor, buf(g), off(g), grad == null ? 0 : 1);
    }

    @Override
    protected void doKlStandardNormal(Tensor mu, Tensor logvar, float gradScale, Tensor dmu, Tensor dlogvar,
                                      Tensor out, int index, boolean accumulate) {
        Tensor gm = dmu == null ? mu : dmu;
        Tensor gl = dlogvar == null ? logvar : dlogvar;
        reduce("kl_normal", mu.size(), out, index, accumulate, mu.size(), buf(mu), off(mu), buf(logvar), off(logvar),
                gradScale, buf(gm), off(gm), buf(gl), off(gl), dmu == null ? 0 : 1);
    }

    @Override
    protected void doBceTerms(Tensor logits, Tensor targets, Tensor out) {
        elementwise("loss.cl", reduceDefines, "bce_terms", logits.size(), logits.size(), buf(logits), off(logits),
                buf(targets), off(targets), buf(out), off(out));
    }

    @Override
    protected void doGaussianNllTerms(Tensor mean, Tensor targets, float sigma, Tensor out) {
        float logNorm = (float) (Math.log(sigma) + 0.5 * Math.log(2 * Math.PI));
        elementwise("loss.cl", reduceDefines, "gaussian_nll_terms", mean.size(), mean.size(), buf(mean), off(mean),
                buf(targets), off(targets), 1f / sigma, logNorm, buf(out), off(out));
    }

    @Override
    protected void doLogMeanExpRows(Tensor x, Tensor out) {
        elementwise("loss.cl", reduceDefines, "log_mean_exp_rows", x.rows(), x.rows(), x.cols(), buf(x), off(x), buf(out), off(out));
    }

    @Override
    protected void doParzenRows(Tensor dots, Tensor xx, Tensor ss, float sigma, int dim, Tensor out) {
        float inv = (float) (1.0 / (2.0 * sigma * sigma));
        float logNorm = (float) (-0.5 * dim * Math.log(2 * Math.PI * sigma * sigma));
        elementwise("loss.cl", reduceDefines, "parzen_rows", dots.rows(), dots.rows(), dots.cols(), buf(dots), off(dots),
                buf(xx), off(xx), buf(ss), off(ss), inv, logNorm, buf(out), off(out));
    }

    @Override
    protected void doRowArgmin(Tensor dots, Tensor ss, Tensor out) {
        elementwise("loss.cl", reduceDefines, "row_argmin", dots.rows(), dots.rows(), dots.cols(), buf(dots), off(dots),
                buf(ss), off(ss), buf(out), off(out));
    }

    @Override
    protected void doSum(Tensor x, Tensor out, int index, boolean accumulate) {
        reduce("sum_stage1", x.size(), out, index, accumulate, x.size(), buf(x), off(x));
    }

    @Override
    protected void doAdam(Tensor params, Tensor grads, Tensor m, Tensor v, AdamConfig cfg, int step) {
        float[] corr = cfg.biasCorrections(step);
        int n = params.size();
        elementwise("optim.cl", "", contiguous ? "adam8" : "adam", contiguous ? (n + 7) / 8 : n, n, buf(params), off(params), buf(grads), off(grads),
                buf(m), off(m), buf(v), off(v), corr[0], cfg.beta1(), cfg.beta2(), cfg.eps(), cfg.weightDecay(), corr[1]);
    }

    @Override
    protected void doSgd(Tensor params, Tensor grads, Tensor velocity, float lr, float momentum) {
        elementwise("optim.cl", "", "sgd", params.size(), params.size(), buf(params), off(params), buf(grads), off(grads),
                buf(velocity), off(velocity), lr, momentum);
    }

    @Override
    public void close() {
        if (profiler != null) {
            profile(null);
        }
        partials.close();
        ctx.close();
    }
}
