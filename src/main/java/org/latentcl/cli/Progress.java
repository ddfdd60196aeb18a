package org.latentcl.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/**
 * Training progress for the command line. On a terminal: one live line per epoch, redrawn a few
 * times a second (step, samples/s, running loss, ETA). Otherwise: a plain line every few seconds.
 * {@code --quiet}: neither (the per-epoch lines remain). Also owns Ctrl-C: the first press asks the
 * run to stop after the current step and save; a second one exits at once.
 */
final class Progress {
    private static final long REDRAW_NS = 200_000_000L;
    private static final long PLAIN_NS = 5_000_000_000L;

    private final PrintWriter out;
    private final boolean terminal;
    private final boolean quiet;
    private final int batch;
    private final int epochs;
    private final String lossName;
    private final AtomicInteger interrupts = new AtomicInteger();
    private long epochStart;
    private int epochFirstStep;
    private long lastPrint;
    private int width;

    /** {@code lossName} labels the running loss ("loss" for a VAE, "d_loss" for a GAN). */
    Progress(PrintWriter out, boolean quiet, int batch, int epochs, String lossName) {
        this.out = out;
        this.lossName = lossName;
        this.terminal = System.console() != null;
        this.quiet = quiet;
        this.batch = batch;
        this.epochs = epochs;
    }

    /** Ctrl-C (SIGINT): the first asks for a clean stop, the second exits with 130. */
    void catchInterrupts() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> {
                if (interrupts.incrementAndGet() > 1) {
                    Runtime.getRuntime().halt(130);
                }
                clear();
                out.println("stopping after this step and saving (press Ctrl-C again to quit at once)");
                out.flush();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // No SIGINT on this platform: Ctrl-C then ends the process as usual.
        }
    }

    boolean stopRequested() {
        return interrupts.get() > 0;
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Progress.class);
    private boolean firstStepLogged;

    void step(int epoch, int step, int steps, DoubleSupplier runningLoss) {
        long now = System.nanoTime();
        if (!firstStepLogged) {
            // Start-up as the user feels it: from the command's start to the end of the first training step.
            firstStepLogged = true;
            log.debug("first training step done {} ms after the command started", System.currentTimeMillis() - SignalChaining.commandStartMillis());
        }
        if (step == 1 || epochStart == 0) {
            epochStart = now;
            epochFirstStep = step - 1;
            lastPrint = now;
        }
        if (quiet || now - lastPrint < (terminal ? REDRAW_NS : PLAIN_NS)) {
            return;
        }
        lastPrint = now;
        double elapsed = (now - epochStart) / 1e9;
        int done = step - epochFirstStep;
        double perStep = elapsed / Math.max(1, done);
        double eta = perStep * ((steps - step) + (long) steps * (epochs - epoch));
        String line = String.format(Locale.ROOT, "epoch %d/%d  step %d/%d  %.0f samples/s  %s %.2f  ETA %s", epoch, epochs, step, steps,
                done * batch / Math.max(elapsed, 1e-9), lossName, runningLoss.getAsDouble(), duration(eta));
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Call before printing an epoch line: removes the live line and restarts the epoch clock. */
    void epochDone() {
        clear();
        epochStart = 0;
    }

    private void clear() {
        if (terminal && width > 0) {
            out.print("\r" + " ".repeat(width) + "\r");
            width = 0;
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + " s";
    }

    /**
     * The listener a training command hands to the trainer: the progress line on every step, Ctrl-C
     * as a stop request, messages to the console, and {@code epochLine} for each epoch's summary.
     */
    org.latentcl.TrainingListener listener(PrintWriter console, java.util.function.Consumer<org.latentcl.EpochMetrics> vaeEpoch,
                                           java.util.function.Consumer<org.latentcl.GanEpochMetrics> ganEpoch) {
        return new org.latentcl.TrainingListener() {
            @Override
            public void step(int epoch, int step, int steps, DoubleSupplier runningLoss) {
                Progress.this.step(epoch, step, steps, runningLoss);
            }

            @Override
            public boolean stopRequested() {
                return Progress.this.stopRequested();
            }

            @Override
            public void epoch(org.latentcl.EpochMetrics m) {
                epochDone();
                vaeEpoch.accept(m);
            }

            @Override
            public void ganEpoch(org.latentcl.GanEpochMetrics m) {
                epochDone();
                ganEpoch.accept(m);
            }

            @Override
            public void info(String message) {
                console.println(message.stripTrailing());
            }
        };
    }
}
