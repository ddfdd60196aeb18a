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

    /** The profiler recording this run, or null without profiling. */
    Profiler profiler() {
        return profiler;
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

    /** One epoch of a run; false when the run ends after it (a stop request in a run that writes no files, or early stopping). */
    interface Epoch {
        boolean run(int epoch, RunProfile profile) throws IOException;
    }

    /**
     * Runs epochs {@code first..last} of a {@code model} ("vae" or "gan") run with profiling around them,
     * then hands the profile table to the listener. A fault in an epoch becomes one message saying what
     * is saved; interruptions and divergence pass as they are.
     */
    static void epochs(String model, Backend be, boolean on, int first, int last, Path out, RunListener listener, Epoch body)
            throws IOException {
        epochs(model, be, on, first, last, out, listener, body, null);
    }

    /**
     * As above; a data-parallel run's {@code devices} table (each device's compute and waiting, the
     * reduction) is appended to the profile. Only the lead device's operations are recorded.
     */
    static void epochs(String model, Backend be, boolean on, int first, int last, Path out, RunListener listener, Epoch body,
                       java.util.function.Supplier<String> devices) throws IOException {
        // An epoch that ends the run early (a stop request without files, early stopping) still gets the profile of what ran.
        RunProfile profile = new RunProfile(be, on);
        for (int epoch = first; epoch <= last; epoch++) {
            try {
                if (!body.run(epoch, profile)) {
                    break;
                }
            } catch (TrainingInterruptedException e) {
                // A stopped run (Ctrl-C, --stop-after) still gets the profile of what ran, as PyTorch's profiler writes its own on exit.
                if (profile.profiler != null) {
                    be.flushProfile();
                }
                report(profile, out, listener, devices);
                throw e;
            } catch (LossDivergedException e) {
                throw e;
            } catch (org.latentcl.io.OutputException e) {
                throw TrainingFaults.unwritten(model, e, epoch, out, last);
            } catch (RuntimeException e) {
                throw TrainingFaults.failed(model, e, epoch, out, last);
            }
        }
        report(profile, out, listener, devices);
    }

    /** Writes the profile into {@code out} (with the devices' table, if any) and hands its table to the listener. */
    private static void report(RunProfile profile, Path out, RunListener listener, java.util.function.Supplier<String> devices) throws IOException {
        String report = profile.finish(out);
        if (report != null && devices != null) {
            String table = devices.get();
            Path file = out.resolve(ProfileReport.TABLE);
            org.latentcl.io.AtomicFiles.write(file, (java.nio.file.Files.readString(file) + table).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            report = report + System.lineSeparator() + table;
        }
        if (report != null) {
            listener.info(report);
        }
    }

    /** Stops recording and writes the report into {@code out}; returns the table for the user, or null without profiling. */
    String finish(Path out) throws IOException {
        if (profiler == null) {
            return null;
        }
        be.profile(null);
        return ProfileReport.write(profiler, be.name(), org.latentcl.backend.ops.DevicePeak.of(be), out);
    }
}
