package org.latentcl.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.backend.TestBackends;

/**
 * The built jar, stopped mid-epoch by a real signal as a user stops it, then resumed: every model
 * stops after the step it is on (not at the epoch's end), saves, prints how to continue and exits
 * 130 without a done: line; the resumed run, given no --epochs, trains to the run's own target and
 * ends with a checkpoint identical to the bit to that of a run never stopped. The signals come as a
 * terminal's Ctrl-C sends them (SIGINT to the launcher and to the JVM it re-launched) or as a
 * scheduler sends them (SIGTERM to the launcher alone, which forwards it).
 */
class StopAndResumeIT {
    @TempDir
    Path dir;

    /** How the signal reaches the command. */
    private enum Signal {
        /** Ctrl-C in a terminal: SIGINT to every process of the command. */
        CTRL_C,
        /** kill PID, or a scheduler's stop: SIGTERM to the launcher alone. */
        TERM_TO_LAUNCHER
    }

    private static final Pattern STEP = Pattern.compile("^epoch 1/\\d+  step (\\d+)/(\\d+) ");
    private static final Pattern STOPPED = Pattern.compile("stopped in epoch 1 after step (\\d+) of (\\d+); saved .*"
            + "Continue with: train (vae|gan) --resume ");

    @Test
    void theMlpVaeStopsOnCtrlCAndResumesToItsOwnTarget() throws Exception {
        stopResumeAndCompare(Signal.CTRL_C, "vae", cl(), "--epochs", "2", "--batch", "8");
    }

    @Test
    void theConvVaeStopsOnSigtermToTheLauncher() throws Exception {
        stopResumeAndCompare(Signal.TERM_TO_LAUNCHER, "vae", cl(), "--arch", "conv", "--channels", "4,8", "--latent", "4", "--epochs", "1",
                "--batch", "8");
    }

    /**
     * A progress line reads the running loss back, which waits for the device; with a line a second
     * and steps of 128 through wide networks (64 steps of 8,100 digits, each far more work for the
     * device than for the host) the host is left to queue steps between lines, as in a real run. Half a second after the
     * first line it must still stop after the step it is on: before the step fence it had queued
     * the whole epoch by then and stopped at its end.
     */
    @Test
    void theMlpGanStopsOnCtrlCMidEpoch() throws Exception {
        rows = 9000;
        progressSeconds = "1";
        signalDelayMs = 500;
        stopResumeAndCompare(Signal.CTRL_C, "gan", cl(), "--epochs", "1", "--batch", "128", "--g-hidden", "512,1024", "--d-hidden",
                "1024,512");
    }

    /** The digits the runs train on, and the seconds between progress lines (0: every step). */
    private int rows = 1200;
    private String progressSeconds = "0";
    /** How long after the progress line the signal is sent. */
    private long signalDelayMs;

    @Test
    void theDcganStopsOnCtrlCMidEpoch() throws Exception {
        stopResumeAndCompare(Signal.CTRL_C, "gan", cl(), "--arch", "dcgan", "--ngf", "4", "--ndf", "4", "--epochs", "1", "--batch", "8");
    }

    /**
     * Two PoCL devices (POCL_DEVICES gives one CPU as two): their replicas compute alike, so a stop
     * mid-epoch resumes to the bit. (Devices whose arithmetic differs in the last bits resync at
     * each epoch's end; a resume mid-epoch starts every replica from the lead's weights.)
     */
    @Test
    void aTwoDeviceGanStopsOnSigtermToTheLauncher() throws Exception {
        org.latentcl.opencl.ClDeviceInfo device = TestBackends.cl().device();
        org.junit.jupiter.api.Assumptions.assumeTrue(device.platformName().contains("Portable Computing Language"),
                "two devices from one are PoCL's; the test device is " + device.describe());
        int first = Integer.parseInt(device.id().substring("cl:".length()));
        environment.put("POCL_DEVICES", "pthread pthread");
        environment.put("POCL_MAX_PTHREAD_COUNT", "1");
        stopResumeAndCompare(Signal.TERM_TO_LAUNCHER, "gan", "cl:" + first + ",cl:" + (first + 1), "--epochs", "1", "--batch", "16");
    }

    /** More environment for the commands a test starts. */
    private final java.util.Map<String, String> environment = new java.util.HashMap<>();

    /** The commands' environment: a plain progress line every {@link #progressSeconds}, and what a test added. */
    private java.util.Map<String, String> environment() {
        java.util.Map<String, String> env = new java.util.HashMap<>(environment);
        env.put(Progress.PLAIN_SECONDS_ENV, progressSeconds);
        return env;
    }

    private JarProcess.Result run(List<String> args) throws Exception {
        return JarProcess.run(dir, environment(), args);
    }

    private static String cl() {
        return TestBackends.cl().device().id();
    }

    /**
     * A straight run, and a run stopped by {@code signal} a few steps into epoch 1 and then resumed
     * without --epochs: both on the embedded digits with {@code flags}, ending with the same checkpoint.
     */
    private void stopResumeAndCompare(Signal signal, String model, String devices, String... flags) throws Exception {
        Path straight = dir.resolve("straight");
        Path stopped = dir.resolve("stopped");
        JarProcess.Result r = run(command(model, devices, straight, true, flags));
        assertEquals(Main.EXIT_OK, r.code(), r.err());

        JarProcess p = JarProcess.start(dir, environment(), command(model, devices, stopped, false, flags));
        List<String> lines = new ArrayList<>();
        int steps = waitForStep(p.out, lines, 1);
        Thread.sleep(signalDelayMs);
        send(signal, p.process);
        JarProcess.Result s = p.finish(lines);
        assertEquals(130, s.code(), "a stopped run exits 130: " + s.err());
        Matcher m = STOPPED.matcher(s.err());
        assertTrue(m.find(), "one line saying where it stopped and how to continue: " + s.err());
        int at = Integer.parseInt(m.group(1));
        assertEquals(steps, Integer.parseInt(m.group(2)));
        assertTrue(at < steps, "stopped after step " + at + " of " + steps + ", not at the epoch's end");
        assertTrue(s.out().stream().anyMatch(l -> l.startsWith("stopping after this step")), String.join("\n", s.out()));
        assertFalse(s.out().stream().anyMatch(l -> l.startsWith("done:")), "no done: line: " + s.out());
        assertEquals(1, s.err().lines().filter(l -> l.startsWith("latentcl: ")).count(), "one message (the forwarded copy is no second press): "
                + s.err());

        List<String> resume = new ArrayList<>(List.of("train", model, "--resume", stopped.toString(), "--device", devices, "--quiet"));
        JarProcess.Result resumed = run(resume);
        assertEquals(Main.EXIT_OK, resumed.code(), resumed.err());
        assertTrue(resumed.out().stream().anyMatch(l -> l.startsWith("resuming " + stopped + " after epoch 0, step " + at)), resumed.out().toString());
        assertArrayEquals(Files.readAllBytes(straight.resolve("checkpoint.safetensors")), Files.readAllBytes(stopped.resolve("checkpoint.safetensors")),
                "the resumed run's checkpoint is the straight run's, to the bit");
        assertEquals(Files.readAllLines(straight.resolve("metrics.jsonl")).size(), Files.readAllLines(stopped.resolve("metrics.jsonl")).size(),
                "the resumed run reached the run's own target");
    }

    /** The first {@link #rows} embedded digits as 28x28 images in a .npy file (1,200: 135 VAE steps of 8 an epoch, 150 GAN steps). */
    private Path digits() throws IOException {
        Path file = dir.resolve("digits.npy");
        if (!Files.exists(file)) {
            int n = rows;
            float[] values = java.util.Arrays.copyOf(org.latentcl.data.Datasets.embeddedDefault().train().values(), n * 784);
            Files.write(file, org.latentcl.data.Npy.encode(values, new int[] {n, 28, 28}));
        }
        return file;
    }

    private List<String> command(String model, String devices, Path out, boolean quiet, String... flags) throws IOException {
        List<String> args = new ArrayList<>(List.of("train", model, "--data", digits().toString(), "--device", devices, "--seed", "3",
                "--out", out.toString()));
        if (quiet) {
            args.add("--quiet");
        }
        args.addAll(List.of(flags));
        return args;
    }

    /** Reads progress lines until epoch 1 has done at least {@code step} steps; returns the epoch's steps. */
    private static int waitForStep(BufferedReader out, List<String> lines, int step) throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            lines.add(line);
            Matcher m = STEP.matcher(line);
            if (m.find() && Integer.parseInt(m.group(1)) >= step) {
                return Integer.parseInt(m.group(2));
            }
        }
        throw new AssertionError("the run ended before step " + step + ": " + lines);
    }

    private static void send(Signal signal, Process launcher) throws Exception {
        List<String> kill = new ArrayList<>(List.of("kill", signal == Signal.CTRL_C ? "-INT" : "-TERM", Long.toString(launcher.pid())));
        if (signal == Signal.CTRL_C) {
            launcher.toHandle().descendants().forEach(h -> kill.add(Long.toString(h.pid())));
            assertTrue(kill.size() > 3, "the launcher re-launched the JVM that trains");
        }
        assertEquals(0, new ProcessBuilder(kill).inheritIO().start().waitFor());
    }
}
