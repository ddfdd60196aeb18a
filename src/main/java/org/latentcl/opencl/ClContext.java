package org.latentcl.opencl;

import static org.jocl.CL.*;

import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_event;
import org.jocl.cl_kernel;

/**
 * One device's context and in-order command queue (profiling enabled), its device buffers, its
 * kernel programs, and the one launch path that every kernel goes through.
 */
public final class ClContext implements AutoCloseable {
    private final ClDeviceInfo device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final KernelLibrary kernels;
    private int liveBuffers;
    private long liveBytes;
    private long peakBytes;
    private long launches;
    private LaunchListener listener;
    private boolean closed;

    /** Receives every launch and transfer with its profiling event, when profiling is switched on. */
    public interface LaunchListener {
        /**
         * @param name  the kernel (file:function [defines]) or "transfer:write", "transfer:read", "transfer:copy"
         * @param event its profiling event, owned by the listener (it must release it)
         * @param flops floating-point operations the caller declared for it, 0 when unknown
         * @param bytes bytes it moves, 0 when unknown
         */
        void launched(String name, cl_event event, double flops, double bytes);
    }

    public ClContext(ClDeviceInfo device) {
        this.device = device;
        int[] err = new int[1];
        cl_context_properties props = new cl_context_properties();
        props.addProperty(CL_CONTEXT_PLATFORM, device.platform());
        context = clCreateContext(props, 1, new cl_device_id[] {device.device()}, null, null, err);
        ClCheck.check(err[0], "clCreateContext on " + device.describe());
        @SuppressWarnings("deprecation") // clCreateCommandQueue is the OpenCL 1.2 call every vendor ships
        cl_command_queue q = clCreateCommandQueue(context, device.device(), CL_QUEUE_PROFILING_ENABLE, err);
        if (err[0] != CL_SUCCESS) {
            clReleaseContext(context);
            ClCheck.check(err[0], "clCreateCommandQueue on " + device.describe());
        }
        queue = q;
        kernels = new KernelLibrary(this);
    }

    public ClDeviceInfo device() {
        return device;
    }

    cl_context context() {
        return context;
    }

    public KernelLibrary kernels() {
        return kernels;
    }

    /** Allocates an uninitialized device buffer (at least one byte: zero-size buffers are invalid). */
    public ClBuffer allocate(long bytes) {
        ensureOpen();
        long size = Math.max(bytes, 4);
        if (size > device.maxAllocBytes()) {
            throw new ClException(outOfMemory(size, "the largest single buffer it allows is " + mib(device.maxAllocBytes())));
        }
        if (liveBytes + size > device.globalMemBytes()) {
            throw new ClException(outOfMemory(size, "it has " + mib(device.globalMemBytes()) + " in all"));
        }
        int[] err = new int[1];
        var mem = clCreateBuffer(context, CL_MEM_READ_WRITE, size, null, err);
        if (err[0] == CL_MEM_OBJECT_ALLOCATION_FAILURE || err[0] == CL_OUT_OF_RESOURCES || err[0] == CL_OUT_OF_HOST_MEMORY) {
            throw new ClException(outOfMemory(size, "the driver refused (" + ClCheck.codeName(err[0]) + "); it has "
                    + mib(device.globalMemBytes()) + " in all"));
        }
        ClCheck.check(err[0], "clCreateBuffer(" + size + " bytes) on " + device.describe());
        liveBuffers++;
        liveBytes += size;
        peakBytes = Math.max(peakBytes, liveBytes);
        return new ClBuffer(this, mem, size);
    }

    /** "out of device memory" with what was asked, what is held, and the device's limit. */
    private String outOfMemory(long size, String limit) {
        return "out of device memory on " + device.describe() + ": a buffer of " + mib(size) + " was needed, " + mib(liveBytes)
                + " is already allocated, and " + limit + "; use a smaller --batch or smaller layers, or another device";
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    void released(ClBuffer buffer) {
        liveBuffers--;
        liveBytes -= buffer.bytes();
    }

    /** Device buffers allocated and not yet released. */
    public int liveBuffers() {
        return liveBuffers;
    }

    public long liveBytes() {
        return liveBytes;
    }

    /** The most bytes of device buffers held at once since the context was made (PyTorch's {@code max_memory_allocated}). */
    public long peakBytes() {
        return peakBytes;
    }

    /** Blocking copy of {@code count} floats from {@code src[srcIndex..]} into the buffer at float index {@code dstIndex}. */
    public void write(ClBuffer dst, long dstIndex, float[] src, int srcIndex, int count) {
        if (count == 0) {
            return;
        }
        cl_event event = listener == null ? null : new cl_event();
        ClCheck.check(clEnqueueWriteBuffer(queue, dst.mem(), CL_TRUE, dstIndex * Sizeof.cl_float,
                (long) count * Sizeof.cl_float, Pointer.to(src).withByteOffset((long) srcIndex * Sizeof.cl_float),
                0, null, event), "clEnqueueWriteBuffer");
        transferred("transfer:write", event, count);
    }

    /** Blocking copy of {@code count} floats from the buffer at float index {@code srcIndex} into {@code dst[dstIndex..]}. */
    public void read(ClBuffer src, long srcIndex, float[] dst, int dstIndex, int count) {
        if (count == 0) {
            return;
        }
        cl_event event = listener == null ? null : new cl_event();
        ClCheck.check(clEnqueueReadBuffer(queue, src.mem(), CL_TRUE, srcIndex * Sizeof.cl_float,
                (long) count * Sizeof.cl_float, Pointer.to(dst).withByteOffset((long) dstIndex * Sizeof.cl_float),
                0, null, event), "clEnqueueReadBuffer");
        transferred("transfer:read", event, count);
    }

    /** Copies {@code count} floats between device buffers without a host round trip (profiled as {@code copy:buffer}). */
    public void copy(ClBuffer src, long srcIndex, ClBuffer dst, long dstIndex, long count) {
        if (count == 0) {
            return;
        }
        cl_event event = listener == null ? null : new cl_event();
        ClCheck.check(clEnqueueCopyBuffer(queue, src.mem(), dst.mem(), srcIndex * Sizeof.cl_float,
                dstIndex * Sizeof.cl_float, count * Sizeof.cl_float, 0, null, event), "clEnqueueCopyBuffer");
        // Device work, not a host<->device transfer: profiled as an operation that reads and writes count floats.
        if (event != null) {
            listener.launched("copy:buffer", event, 0, 2.0 * count * Sizeof.cl_float);
        }
    }

    /**
     * Sets {@code count} floats of the buffer from float index {@code index} to zero. Written from a
     * zero array on the host rather than with clEnqueueFillBuffer: Oclgrind's uninitialized-value
     * checker does not count a fill as initializing memory, and reported every later read of it.
     */
    public void zero(ClBuffer dst, long index, long count) {
        float[] zeros = new float[(int) Math.min(count, 1 << 20)];
        for (long done = 0; done < count; done += zeros.length) {
            write(dst, index + done, zeros, 0, (int) Math.min(zeros.length, count - done));
        }
    }

    private void transferred(String name, cl_event event, long floats) {
        if (event != null) {
            listener.launched(name, event, 0, (double) floats * Sizeof.cl_float);
        }
    }

    /**
     * Sets the arguments and enqueues {@code kernel}. Arguments may be {@link ClBuffer},
     * {@link Integer}, {@link Float}, {@link Long} or {@link LocalMemory}. {@code local} may be
     * null to let the driver choose. Nothing waits: the queue is in order.
     */
    public void launch(KernelLibrary.Kernel kernel, long[] global, long[] local, Object... args) {
        launchCounted(kernel, global, local, 0, 0, args);
    }

    /** As {@link #launch}, declaring the kernel's floating-point operations and bytes moved for the profile. */
    public void launchCounted(KernelLibrary.Kernel kernel, long[] global, long[] local, double flops, double bytes, Object... args) {
        ensureOpen();
        cl_kernel k = kernel.handle();
        Object[] last = kernel.lastArgs;
        for (int i = 0; i < args.length; i++) {
            // Arguments keep their values between launches: set only those that changed (a native call each).
            Object a = args[i];
            if (i < last.length && (a == last[i] || (!(a instanceof ClBuffer) && a != null && a.equals(last[i])))) {
                continue;
            }
            setArg(kernel, k, i, a);
            if (i < last.length) {
                last[i] = a;
            }
        }
        cl_event event = listener == null ? null : new cl_event();
        int code = clEnqueueNDRangeKernel(queue, k, global.length, null, global, local, 0, null, event);
        if (code != CL_SUCCESS) {
            throw new ClException("clEnqueueNDRangeKernel(" + kernel.name() + ", global " + java.util.Arrays.toString(global)
                    + ", local " + (local == null ? "auto" : java.util.Arrays.toString(local)) + ") failed: "
                    + ClCheck.codeName(code) + " (" + code + ") on " + device.describe());
        }
        launches++;
        if (listener != null) {
            listener.launched(kernel.name(), event, flops, bytes);
        }
    }

    private static void setArg(KernelLibrary.Kernel kernel, cl_kernel k, int i, Object arg) {
        int code;
        if (arg instanceof ClBuffer b) {
            code = clSetKernelArg(k, i, Sizeof.cl_mem, Pointer.to(b.mem()));
        } else if (arg instanceof Integer v) {
            code = clSetKernelArg(k, i, Sizeof.cl_int, Pointer.to(new int[] {v}));
        } else if (arg instanceof Float v) {
            code = clSetKernelArg(k, i, Sizeof.cl_float, Pointer.to(new float[] {v}));
        } else if (arg instanceof Long v) {
            code = clSetKernelArg(k, i, Sizeof.cl_long, Pointer.to(new long[] {v}));
        } else if (arg instanceof LocalMemory m) {
            code = clSetKernelArg(k, i, m.bytes(), null);
        } else {
            throw new IllegalArgumentException("kernel " + kernel.name() + " argument " + i + ": unsupported type "
                    + (arg == null ? "null" : arg.getClass().getSimpleName()));
        }
        if (code != CL_SUCCESS) {
            throw new ClException("clSetKernelArg(" + kernel.name() + ", " + i + ") failed: " + ClCheck.codeName(code));
        }
    }

    /** Kernels enqueued so far through {@link #launch}. */
    public long launches() {
        return launches;
    }

    public void setLaunchListener(LaunchListener listener) {
        this.listener = listener;
    }

    /**
     * The offset from device profiling timestamps to {@link System#nanoTime}: a marker is
     * enqueued on the idle queue and its end is matched with the host clock after clFinish (good
     * to the cost of one clFinish, tens of microseconds).
     */
    public long deviceToHostOffsetNs() {
        finish();
        cl_event marker = new cl_event();
        ClCheck.check(clEnqueueMarkerWithWaitList(queue, 0, null, marker), "clEnqueueMarkerWithWaitList");
        long before = System.nanoTime();
        finish();
        long after = System.nanoTime();
        long end = profilingTime(marker, CL_PROFILING_COMMAND_END);
        clReleaseEvent(marker);
        return (before + after) / 2 - end;
    }

    /** One profiling timestamp of a finished command, in device nanoseconds. */
    public static long profilingTime(cl_event event, int which) {
        long[] v = new long[1];
        ClCheck.check(clGetEventProfilingInfo(event, which, Sizeof.cl_ulong, Pointer.to(v), null), "clGetEventProfilingInfo");
        return v[0];
    }

    /**
     * Enqueues a marker that completes once every command enqueued before it has, and flushes the
     * queue so that the device starts on them; {@link #await} waits for it, {@link #release} lets it go.
     */
    public cl_event marker() {
        ensureOpen();
        cl_event marker = new cl_event();
        ClCheck.check(clEnqueueMarkerWithWaitList(queue, 0, null, marker), "clEnqueueMarkerWithWaitList");
        ClCheck.check(clFlush(queue), "clFlush on " + device.describe());
        return marker;
    }

    /** Waits until a {@link #marker} has completed, then releases it. */
    public void await(cl_event marker) {
        try {
            ClCheck.check(clWaitForEvents(1, new cl_event[] {marker}), "clWaitForEvents on " + device.describe());
        } finally {
            clReleaseEvent(marker);
        }
    }

    /** Releases a {@link #marker} without waiting for it (the driver frees it when it completes). */
    public static void release(cl_event marker) {
        clReleaseEvent(marker);
    }

    /** Waits until every enqueued command has finished. */
    public void finish() {
        ensureOpen();
        ClCheck.check(clFinish(queue), "clFinish on " + device.describe());
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("OpenCL context for " + device.describe() + " is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            clFinish(queue);
            kernels.release();
            clReleaseCommandQueue(queue);
            clReleaseContext(context);
        }
    }
}
