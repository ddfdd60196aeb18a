package org.latentcl.backend;

import org.latentcl.opencl.ClBuffer;
import org.latentcl.opencl.ClContext;
import org.latentcl.opencl.ClDeviceInfo;
import org.latentcl.opencl.KernelLibrary;

/**
 * The OpenCL backend: a device's context, queue and kernels, the launch shapes and build defines
 * chosen from its reported limits (CPU or GPU style), and the launch path every operation module
 * takes, through a typed {@link KernelBinding}. Work is queued without waiting.
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

    /** Rounds n up to a multiple. */
    public static long roundUp(long n, long multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    // ---------------------------------------------------------------- what the operations ask of the device

    /** A CPU device: reductions stream contiguous blocks; Adam and batch gathering take eight elements per work-item. */
    public boolean contiguous() {
        return contiguous;
    }

    /** Work-items per reduction work-group (the RED_WG define; 1 on CPUs). */
    public int reductionGroupSize() {
        return redWg;
    }

    /** The most stage-1 work-groups of a reduction (the size of {@link #partials()}). */
    public int maxReductionGroups() {
        return maxGroups;
    }

    /** The build defines of the reduction kernels. */
    public String reduceDefines() {
        return reduceDefines;
    }

    /** The build options of the random-number kernels (correctly rounded division and sqrt where the device has them). */
    public String randomDefines() {
        return randomDefines;
    }

    /** The partial sums of a reduction's first stage, one per work-group. */
    public ClBuffer partials() {
        return partials;
    }

    /** The GEMM launch shape for an M x N output. */
    public GemmConfig gemmConfig(int m, int n) {
        return m >= 128 && n >= 128 ? gemmConfig : smallGemmConfig;
    }

    /** Launches one work-item per element, n of them, in 1-D (the global size rounded up; kernels check their bound). */
    public <A extends Record> void elementwise(KernelBinding<A> kernel, String defines, int n, A args) {
        if (n == 0) {
            return;
        }
        launch(kernel, defines, new long[] {roundUp(n, ELEMENTWISE_ROUND)}, null, 0, 0, args);
    }

    /** Launches {@code kernel} built with {@code defines}, declaring its flops and bytes for the profile. */
    public <A extends Record> void launch(KernelBinding<A> kernel, String defines, long[] global, long[] local, double flops,
                                          double bytes, A args) {
        ctx.launchCounted(kernels.kernel(kernel.file(), defines, kernel.function()), global, local, flops, bytes, kernel.values(args));
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
    protected void clear(Tensor t) {
        ctx.zero(buf(t), t.offset(), t.size());
    }

    @Override
    protected void doWrite(Tensor dst, float[] data) {
        ctx.write(buf(dst), dst.offset(), data, 0, data.length);
    }

    /** dst = src, on the device. */
    public void copy(Tensor src, Tensor dst) {
        ctx.copy(buf(src), src.offset(), buf(dst), dst.offset(), src.size());
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

    @Override
    public void close() {
        if (profiler != null) {
            profile(null);
        }
        partials.close();
        ctx.close();
    }
}
