package org.latentcl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Keeps the JVM alive next to OpenCL drivers built on LLVM (PoCL among them). LLVM installs its
 * own SIGSEGV/SIGBUS handlers when the driver loads, replacing the JVM's, and the JVM uses SIGSEGV
 * internally (safepoint polls, null checks): the process then dies with "Segmentation fault" at
 * the next one. The JVM's signal-chaining library, libjsig, preloaded before the driver, keeps the
 * JVM's handlers first. The command line therefore re-launches itself once with
 * {@code LD_PRELOAD=$JAVA_HOME/lib/libjsig.so} on Linux; library users set it themselves
 * (README, "Using OpenCL from your own JVM"). The re-launch also adds
 * {@code --add-modules jdk.incubator.vector} (the Java backend's fast GEMM); {@link RelaunchedErrors}
 * copies the child's stderr.
 */
final class SignalChaining {
    static final String GUARD = "LATENTCL_RELAUNCHED";

    /** Milliseconds since the epoch at which the first JVM of this command started (set for the re-launched one). */
    static final String STARTED_ENV = "LATENTCL_STARTED_MS";

    /** When the command started: the first JVM's start, or this JVM's when it was not re-launched. */
    static long commandStartMillis() {
        String env = System.getenv(STARTED_ENV);
        if (env != null) {
            try {
                return Long.parseLong(env);
            } catch (NumberFormatException e) {
                // Fall through to this JVM's start.
            }
        }
        return thisProcessStartMillis();
    }

    /**
     * When this JVM started, in milliseconds since the epoch: from java.management when the runtime
     * has it (looked up by name, because the GPU bundle's runtime does not, and a direct reference
     * would fail there), else the process's start as the OS reports it (whole seconds on Linux).
     */
    private static long thisProcessStartMillis() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getRuntimeMXBean").invoke(null);
            return (Long) Class.forName("java.lang.management.RuntimeMXBean").getMethod("getStartTime").invoke(bean);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return ProcessHandle.current().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(System.currentTimeMillis());
        }
    }

    private SignalChaining() {
    }

    /** SIGINT and SIGTERM to this launcher go to the re-launched child as SIGTERM; this process waits for its exit code. */
    private static void forwardStopSignals(Process child) {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                // Through the ProcessHandle: Process.destroy would also close the pipe that copies the child's stderr.
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> child.toHandle().destroy());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // No such signal here: it ends this process as usual, and the shutdown hook waits for the child.
            }
        }
    }

    /** The exit code of the re-launched process, or empty when this process should go on itself. */
    static Optional<Integer> relaunchIfNeeded(java.util.Map<String, String> extraEnvironment) {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux") || System.getenv(GUARD) != null) {
            return Optional.empty();
        }
        String preload = System.getenv().getOrDefault("LD_PRELOAD", "");
        Path jsig = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        if (preload.contains("libjsig") || !Files.isRegularFile(jsig)) {
            return Optional.empty();
        }
        ProcessHandle.Info info = ProcessHandle.current().info();
        if (info.command().isEmpty() || info.arguments().isEmpty()) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>();
        command.add(info.command().get());
        List<String> args = List.of(info.arguments().get());
        if (!String.join(" ", args).contains("jdk.incubator.vector")) {
            // The Java backend's GEMM uses the Vector API, an incubator module the JVM loads only on request.
            command.add("--add-modules");
            command.add("jdk.incubator.vector");
        }
        ClassDataSharing cds = ClassDataSharing.forThisJar();
        if (cds != null) {
            command.addAll(cds.jvmOptions());
        }
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO().redirectError(ProcessBuilder.Redirect.PIPE);
        pb.environment().put("LD_PRELOAD", preload.isEmpty() ? jsig.toString() : jsig + ":" + preload);
        pb.environment().put(GUARD, "1");
        pb.environment().putAll(extraEnvironment);
        // When the user's command started, so the re-launched JVM can report its start-up time from there.
        pb.environment().put(STARTED_ENV, Long.toString(thisProcessStartMillis()));
        try {
            Process child = pb.start();
            RelaunchedErrors childErrors = new RelaunchedErrors();
            Thread errors = new Thread(() -> childErrors.copy(child.getErrorStream(), System.err), "latentcl-stderr");
            errors.setDaemon(true);
            errors.start();
            // Ctrl-C in a terminal reaches the child too (same process group), but a signal sent to this
            // process alone (kill PID, a scheduler's SIGTERM) would not: forward both as SIGTERM, which a
            // training child takes as its stop request (a copy arriving with the child's own counts once),
            // and wait for the child to save and exit.
            forwardStopSignals(child);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    child.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            int code = child.waitFor();
            errors.join(2000);
            if (cds != null) {
                // The JVM's own code: 1 when it failed to write the archive, which then must not be kept.
                cds.finish(code);
            }
            return Optional.of(childErrors.finish(code, System.err));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(Main.EXIT_INTERNAL);
        }
    }
}
