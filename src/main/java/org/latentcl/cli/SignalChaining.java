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
 * (README, "Using OpenCL from your own JVM").
 */
final class SignalChaining {
    static final String GUARD = "LATENTCL_RELAUNCHED";

    private SignalChaining() {
    }

    /** The exit code of the re-launched process, or empty when this process should go on itself. */
    static Optional<Integer> relaunchIfNeeded() {
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
        command.addAll(List.of(info.arguments().get()));
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().put("LD_PRELOAD", preload.isEmpty() ? jsig.toString() : jsig + ":" + preload);
        pb.environment().put(GUARD, "1");
        try {
            Process child = pb.start();
            // Ctrl-C reaches the child too (same process group); wait for it to save and exit.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    child.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            return Optional.of(child.waitFor());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(Main.EXIT_INTERNAL);
        }
    }
}
