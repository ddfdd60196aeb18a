package org.latentcl.train;

import java.io.IOException;
import java.nio.file.Path;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Profiler;

/**
 * Profiling around a training run, when asked for: every operation recorded, a span per step and
 * per epoch, and at the end profile.txt and trace.json in the run directory. Without profiling
 * every method does nothing.
 */
final class RunProfile {
    private final Backend be;
    private final Profiler profiler;

    RunProfile(Backend be, boolean on) {
        this.be = be;
        this.profiler = on ? new Profiler() : null;
        be.profile(profiler);
    }

    /** Marks a span from {@code start} (System.nanoTime) to now. */
    void span(String name, long start) {
        if (profiler != null) {
            profiler.span(name, start, System.nanoTime());
        }
    }

    /** Marks an epoch's span and reads the device's timings of it. */
    void epoch(int epoch, long start, long end) {
        if (profiler != null) {
            profiler.span("epoch " + epoch, start, end);
            be.flushProfile();
        }
    }

    /** Stops recording and writes the report into {@code out}; returns the table for the user, or null without profiling. */
    String finish(Path out) throws IOException {
        if (profiler == null) {
            return null;
        }
        be.profile(null);
        return ProfileReport.write(profiler, be.name(), out);
    }
}
