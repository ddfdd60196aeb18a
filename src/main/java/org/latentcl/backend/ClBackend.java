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
    private final GemmLaunch gemmConfig;
    private final GemmLaunch smallGemmConfig;
    private final ClBuffer partials;
    private final java.util.List<Pending> pending = new java.util.ArrayList<>();
    private long deviceToHost;

    /** A launch whose profiling event has not been read yet. */
    /** A launch whose profiling event is read at the next flush; {@code enqueuedNs}: the host clock when it was enqueued. */
    private record Pending(String name, org.jocl.cl_event event, double flops, double bytes, String layer, long enqueuedNs) {
    }

    /**
     * The kernel variants a device gets. CPU: one work-item streams a contiguous block (reductions in
     * groups of one, eight-wide Adam and row gathers) and GEMM on register tiles; PoCL runs a
     * work-group's items as a loop, so trees with barriers only add passes. GPU: one element per
     * work-item, tree reductions in local memory, GEMM on tiles staged in local memory.
     */
    public enum Style {
        CPU, GPU;

        /** The style a device gets by its type. */
        public static Style of(ClDeviceInfo device) {
            return device.isGpu() ? GPU : CPU;
        }
    }

    /** A GEMM launch shape: register tiles ({@code gemm.cl}) or tiles in local memory ({@code gemm_local.cl}). */
    public sealed interface GemmLaunch permits GemmConfig, LocalGemmConfig {
    }

    /**
     * Launch shape of the register-tile GEMM kernel ({@code gemm.cl}), the CPU family.
     *
     * @param tm     rows of C per work-item (the TM define)
     * @param tn     columns of C per work-item, 8 or 16 (the TN define: one float8 or float16)
     * @param local  work-group size (x, y), or null to let the driver choose
     */
    public record GemmConfig(int tm, int tn, long[] local) implements GemmLaunch {
        public GemmConfig {
            if (tn != 8 && tn != 16) {
                throw new IllegalArgumentException("GEMM tile width must be 8 or 16, got " + tn);
            }
        }
    }

    /**
     * Launch shape of the local-memory GEMM kernel ({@code gemm_local.cl}), the GPU family: a work-group
     * computes a tsm x tsn tile of C, staging K-slices of tsk in local memory; each work-item a wptm x
     * wptn register tile. Work-groups are (tsn / wptn) x (tsm / wptm).
     *
     * @param tsm  rows of C per work-group
     * @param tsn  columns of C per work-group
     * @param tsk  the K-slice staged per step
     * @param wptm rows per work-item
     * @param wptn columns per work-item
     * @param vw   floats per global load when staging the tiles (1, 2, 4 or 8; a vector load along the stored
     *             rows; it divides tsm, tsn and tsk): the same sums in the same order whatever it is
     */
    public record LocalGemmConfig(int tsm, int tsn, int tsk, int wptm, int wptn, int vw) implements GemmLaunch {
        public LocalGemmConfig {
            if (tsm < 1 || tsn < 1 || tsk < 1 || wptm < 1 || wptn < 1 || tsm % wptm != 0 || tsn % wptn != 0) {
                throw new IllegalArgumentException("local-memory GEMM tiles need positive sizes with wptm dividing tsm and wptn"
                        + " dividing tsn, got tsm=" + tsm + " tsn=" + tsn + " tsk=" + tsk + " wptm=" + wptm + " wptn=" + wptn);
            }
            if ((vw != 1 && vw != 2 && vw != 4 && vw != 8) || tsm % vw != 0 || tsn % vw != 0 || tsk % vw != 0) {
                throw new IllegalArgumentException("local-memory GEMM loads take 1, 2, 4 or 8 floats, dividing tsm, tsn and tsk; got vw="
                        + vw + " with tsm=" + tsm + " tsn=" + tsn + " tsk=" + tsk);
            }
        }

        /** Tiles staged one float per load. */
        public LocalGemmConfig(int tsm, int tsn, int tsk, int wptm, int wptn) {
            this(tsm, tsn, tsk, wptm, wptn, 1);
        }

        /** The kernel's defines for this shape. */
        public String defines() {
            return " -DTSM=" + tsm + " -DTSN=" + tsn + " -DTSK=" + tsk + " -DWPTM=" + wptm + " -DWPTN=" + wptn + " -DVW=" + vw;
        }

        /** Work-items per work-group. */
        public long groupSize() {
            return (long) (tsm / wptm) * (tsn / wptn);
        }

        /** Local memory the kernel declares, in bytes. */
        public long localBytes() {
            return ((long) tsm + tsn) * tsk * Float.BYTES;
        }
    }

    private final Style style;
    /** The convolutions that run as implicit GEMMs here ({@code bench conv --tune}); none but on a device's own style. */
    private ConvTuning convTuning = ConvTuning.NONE;

    /** The backend for a device in its own style, with its stored GEMM tuning ({@code bench gemm --tune}) or the defaults. */
    public ClBackend(ClDeviceInfo device) {
        this(device, Style.of(device));
    }

    /**
     * The backend for a device with the kernel variants of {@code style}: its own (with its tuning)
     * or the other one (with that style's default GEMM), to check every variant on one device.
     */
    public ClBackend(ClDeviceInfo device, Style style) {
        this(device, style, style == Style.of(device) ? GemmTuning.load(device).orElse(GemmTuning.defaults(device, style))
                : GemmTuning.defaults(device, style), 0);
        if (style == Style.of(device)) {
            convTuning = ConvTuning.load(device);
        }
    }

    /** The backend with explicit GEMM launch shapes, for outputs of at least 128 x 128 and for smaller ones. */
    public ClBackend(ClDeviceInfo device, GemmTuning tuning) {
        this(device, Style.of(device), tuning, 0);
    }

    private ClBackend(ClDeviceInfo device, Style style, GemmTuning tuning, int maxWorkGroup) {
        this(device, style, tuning.large(), tuning.small(), maxWorkGroup);
    }

    /**
     * A backend with one GEMM launch shape for every size and, when {@code maxWorkGroup} is positive,
     * work-groups capped below the device's own limit, to test devices with small limits; such a cap
     * selects the GPU style, so that its variants run here too.
     *
     * @param device     the OpenCL device
     * @param gemmConfig GEMM launch shape
     * @param maxWorkGroup a cap on work-group sizes below the device's own (0 for none)
     */
    public ClBackend(ClDeviceInfo device, GemmLaunch gemmConfig, int maxWorkGroup) {
        this(device, maxWorkGroup > 0 ? Style.GPU : Style.of(device), gemmConfig, gemmConfig, maxWorkGroup);
    }

    private ClBackend(ClDeviceInfo device, Style style, GemmLaunch gemmConfig, GemmLaunch smallConfig, int maxWorkGroup) {
        long limit = device.maxWorkGroupSize();
        if (maxWorkGroup > 0) {
            limit = Math.min(limit, maxWorkGroup);
        }
        for (GemmLaunch g : new GemmLaunch[] {gemmConfig, smallConfig}) {
            if (g instanceof LocalGemmConfig l && (l.groupSize() > limit || l.localBytes() > device.localMemBytes())) {
                throw new IllegalArgumentException("the local-memory GEMM " + l + " needs work-groups of " + l.groupSize() + " and "
                        + l.localBytes() + " bytes of local memory; " + device.describe() + " allows " + limit + " and "
                        + device.localMemBytes());
            }
        }
        this.ctx = new ClContext(device);
        this.kernels = ctx.kernels();
        this.style = style;
        contiguous = style == Style.CPU;
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
        String forced = style == Style.of(ctx.device()) ? "" : " [" + style.name().toLowerCase(java.util.Locale.ROOT) + " kernels]";
        return ctx.device().id() + " " + ctx.device().name() + forced;
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

    /** Device memory for an operation's intermediate result, grown to the largest size asked for and kept. */
    private ClBuffer scratch;
    private long scratchElements;

    /**
     * A rows x cols tensor over this backend's scratch buffer, for an operation's intermediate
     * result; valid until the next operation that asks for it (operations queue in order). A buffer
     * too small is replaced (the old one is released once the work queued on it is done). A new one
     * is zeroed from the host, as every tensor is: Oclgrind reports reads of a buffer that only
     * kernels ever wrote as uninitialized once its address had been used before. Closing the tensor
     * does nothing.
     */
    public Tensor scratch(int rows, int cols) {
        checkOpen();
        long elements = Math.max(1, (long) rows * cols);
        if (scratch == null || elements > scratchElements) {
            if (scratch != null) {
                scratch.close();
            }
            scratch = ctx.allocate(elements * Float.BYTES);
            scratchElements = elements;
            ctx.zero(scratch, 0, elements);
        }
        return new Tensor(this, scratch, 0, rows, cols, false);
    }

    /** The convolutions that run as one implicit-GEMM launch on this backend. */
    public ConvTuning convTuning() {
        return convTuning;
    }

    /** Runs the convolutions of {@code tuning} as implicit GEMMs from now on (tests; runs read the device's file). */
    public void useConvTuning(ConvTuning tuning) {
        this.convTuning = tuning;
    }

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
    public GemmLaunch gemmConfig(int m, int n) {
        return m >= 128 && n >= 128 ? gemmConfig : smallGemmConfig;
    }

    /** Launches one work-item per element, n of them, in 1-D (the global size rounded up; kernels check their bound). */
    public <A extends Record> void elementwise(KernelBinding<A> kernel, String defines, int n, A args) {
        if (n == 0) {
            return;
        }
        launch(kernel, defines, new long[] {roundUp(n, ELEMENTWISE_ROUND)}, null, 0, 0, args);
    }

    /**
     * Launches {@code kernel} built with {@code defines}, declaring its flops and bytes for the
     * profile. A launch that declares none (0 and 0) takes the work its operation declared, if no
     * earlier launch of that operation took it.
     */
    public <A extends Record> void launch(KernelBinding<A> kernel, String defines, long[] global, long[] local, double flops,
                                          double bytes, A args) {
        if (flops == 0 && bytes == 0 && opWork != null) {
            flops = opWork[0];
            bytes = opWork[1];
            opWork = null;
        }
        ctx.launchCounted(kernels.kernel(kernel.file(), defines, kernel.function()), global, local, flops, bytes, kernel.values(args));
    }

    /** The running operation's declared work (flops, bytes) until a launch takes it; null when none is waiting. */
    private double[] opWork;

    /** Runs an operation's OpenCL path with its declared work waiting for its first uncounted launch. */
    void runOp(double flops, double bytes, OnCl cl) {
        double[] outer = opWork;
        opWork = !profiling() || flops == 0 && bytes == 0 ? null : new double[] {flops, bytes};
        try {
            cl.run(this);
        } finally {
            opWork = outer;
        }
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
        checkOpen();
        ctx.copy(buf(src), src.offset(), buf(dst), dst.offset(), src.size());
    }

    @Override
    protected void doRead(Tensor src, float[] out) {
        ctx.read(buf(src), src.offset(), out, 0, out.length);
    }

    @Override
    public void finish() {
        checkOpen();
        ctx.finish();
    }

    @Override
    public Fence fence() {
        checkOpen();
        org.jocl.cl_event marker = ctx.marker();
        return new Fence() {
            private boolean released;

            @Override
            public void await() {
                if (!released) {
                    released = true;
                    ctx.await(marker);
                }
            }

            @Override
            public void close() {
                if (!released) {
                    released = true;
                    ClContext.release(marker);
                }
            }
        };
    }

    @Override
    public int liveBuffers() {
        return ctx.liveBuffers();
    }

    @Override
    public long peakDeviceBytes() {
        return ctx.peakBytes();
    }

    @Override
    public void profile(Profiler p) {
        if (p == null) {
            flushProfile();
            ctx.setLaunchListener(null);
        } else {
            deviceToHost = ctx.deviceToHostOffsetNs();
            ctx.setLaunchListener((name, event, flops, bytes) -> pending.add(new Pending(name, event, flops, bytes, layer(),
                    System.nanoTime())));
        }
        super.profile(p);
    }

    /** Waits for the queue, then reads every pending profiling event into the profiler (on the host clock). */
    @Override
    public void flushProfile() {
        checkOpen();
        ctx.finish();
        for (Pending e : pending) {
            long sub = ClContext.profilingTime(e.event(), org.jocl.CL.CL_PROFILING_COMMAND_SUBMIT);
            long st = ClContext.profilingTime(e.event(), org.jocl.CL.CL_PROFILING_COMMAND_START);
            long en = ClContext.profilingTime(e.event(), org.jocl.CL.CL_PROFILING_COMMAND_END);
            org.jocl.CL.clReleaseEvent(e.event());
            if (profiler != null) {
                // Queued: the host's own clock at the enqueue, exact, so a launch is counted in the step or epoch that made it
                // (the device's QUEUED, mapped onto the host clock, may be a few hundred microseconds off: a short step's
                // neighbours then fell inside it). The device's times keep the mapping.
                profiler.add(new Profiler.Op(e.name(), e.name().startsWith("transfer:") ? "transfer" : "kernel", e.enqueuedNs(),
                        sub + deviceToHost, st + deviceToHost, en + deviceToHost, e.flops(), e.bytes(), e.layer()));
            }
        }
        pending.clear();
    }

    @Override
    protected void shutdown() {
        if (profiler != null) {
            profile(null);
        }
        if (scratch != null) {
            scratch.close();
        }
        partials.close();
        ctx.close();
    }
}
