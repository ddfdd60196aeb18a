package org.latentcl.backend;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects what a backend did while profiling is on: one {@link Op} per kernel launch, transfer or
 * (on the Java backend) operation, and named {@link Span}s (steps, epochs) marked by the caller.
 * All times are nanoseconds on the host's {@link System#nanoTime} clock; the OpenCL backend maps
 * its device timestamps onto that clock.
 */
public final class Profiler {
    /**
     * One timed piece of work.
     *
     * @param name     kernel (with its build defines) or operation name
     * @param kind     "kernel", "transfer" or "op"
     * @param queued   when it was queued (OpenCL) or started (Java)
     * @param submit   when it was submitted to the device
     * @param start    when it started running
     * @param end      when it finished
     * @param flops    floating-point operations it performed, 0 when unknown
     * @param bytes    bytes it moved, 0 when unknown
     * @param layer    the network layer that ran it ("enc.0 Conv2d", "enc.0 Conv2d backward"), "" outside any
     */
    public record Op(String name, String kind, long queued, long submit, long start, long end, double flops, double bytes, String layer) {
        /** Work outside any layer. */
        public Op(String name, String kind, long queued, long submit, long start, long end, double flops, double bytes) {
            this(name, kind, queued, submit, start, end, flops, bytes, "");
        }

        public long durationNs() {
            return end - start;
        }
    }

    /**
     * A named interval on the host clock, such as "step" or "epoch 3", on a track of the trace
     * ({@link #HOST}, or one per device of a data-parallel run).
     */
    public record Span(String name, long start, long end, String track) {
        public Span(String name, long start, long end) {
            this(name, start, end, HOST);
        }
    }

    /** The track of the host's steps and epochs. */
    public static final String HOST = "host: steps and epochs";

    private final List<Op> ops = new ArrayList<>();
    private final List<Span> spans = new ArrayList<>();

    public synchronized void add(Op op) {
        ops.add(op);
    }

    public synchronized void span(String name, long start, long end) {
        spans.add(new Span(name, start, end));
    }

    public synchronized void span(String name, long start, long end, String track) {
        spans.add(new Span(name, start, end, track));
    }

    public synchronized List<Op> ops() {
        return List.copyOf(ops);
    }

    public synchronized List<Span> spans() {
        return List.copyOf(spans);
    }
}
