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
    /** The environment variable that sets the seconds between plain progress lines (default 5; 0: every step). */
    static final String PLAIN_SECONDS_ENV = "LATENTCL_PROGRESS_SECONDS";

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
    private final long plainNs;

    /** {@code lossName} labels the running loss ("loss" for a VAE, "d_loss" for a GAN). */
    Progress(PrintWriter out, boolean quiet, int batch, int epochs, String lossName) {
        this.out = out;
        this.lossName = lossName;
        this.terminal = System.console() != null;
        this.quiet = quiet;
        this.batch = batch;
        this.epochs = epochs;
        this.plainNs = plainIntervalNs(System.getenv(PLAIN_SECONDS_ENV));
    }

    /** Nanoseconds between plain progress lines for the environment's setting (null: 5 s). */
    static long plainIntervalNs(String seconds) {
        if (seconds == null || seconds.isBlank()) {
            return 5_000_000_000L;
        }
        try {
            double s = Double.parseDouble(seconds.strip());
            if (s >= 0 && s <= 86_400) {
                return (long) (s * 1e9);
            }
        } catch (NumberFormatException e) {
            // Refused below.
        }
        throw new UsageException(PLAIN_SECONDS_ENV + " must be a number of seconds from 0 to 86400, got '" + seconds + "'");
    }

    /**
     * Ctrl-C (SIGINT) and SIGTERM: the first asks for a clean stop, the second exits with 130. A
     * signal within {@link #SAME_REQUEST_NS} of the first is the same request: a terminal's Ctrl-C
     * reaches this JVM and the launcher that re-launched it, which forwards it as SIGTERM.
     */
    void catchInterrupts() {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    if (request(System.nanoTime())) {
                        Runtime.getRuntime().halt(130);
                    }
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // No such signal on this platform: it then ends the process as usual.
            }
        }
    }

    /** Signals closer together than this are one stop request (a signal and its forwarded copy). */
    static final long SAME_REQUEST_NS = 1_000_000_000L;
    private long firstRequest;

    /**
     * A stop request at {@code now} (System.nanoTime): the first asks for a clean stop; true for a
     * later, distinct one, which means quit at once.
     */
    synchronized boolean request(long now) {
        if (interrupts.get() > 0) {
            return now - firstRequest >= SAME_REQUEST_NS;
        }
        firstRequest = now;
        interrupts.incrementAndGet();
        clear();
        out.println("stopping after this step and saving (press Ctrl-C again to quit at once)");
        out.flush();
        return false;
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
        if (quiet || now - lastPrint < (terminal ? REDRAW_NS : plainNs)) {
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
