package org.latentcl.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.io.AtomicFiles;

/**
 * One training run, whichever the model: the skeleton that {@link VaeTraining} and {@link GanTraining}
 * fill in. It owns the run directory, the data on every device served in shuffled batches, the sums
 * each device's steps accumulate, the epoch loop (progress, stop requests, the end-of-epoch save) and
 * the replicas of a data-parallel run; a model plugs in its step, its resume, its measurements and
 * its files through the abstract methods.
 *
 * <p>Index 0 of every list is the lead device, whose model is measured and saved; without data
 * parallelism it is the only one.
 *
 * @param <S> what an epoch measures (one metrics.jsonl line)
 */
abstract class TrainingRun<S> implements AutoCloseable {
    /** Each device's batches of the training rows. */
    protected final List<EpochBatches> batches = new ArrayList<>();
    /** Each device's sums of the step statistics (losses), read at the end of an epoch. */
    protected final List<Tensor> sums = new ArrayList<>();
    /** The metrics of every epoch, earlier ones included when resuming. */
    protected final List<S> history = new ArrayList<>();
    protected final Backend be;
    protected final RunListener listener;
    /** The run directory, or null for a run that writes nothing. */
    protected final Path out;
    protected final boolean files;
    private final List<Backend> backends;
    private final String model;
    private final int totalEpochs;
    private final boolean profile;
    private final boolean resume;
    private final boolean balance;
    /** Other hosts train the rest of every batch: a stop on an epoch's last step leaves the epoch's end to the averaged model. */
    private final boolean sharedWithHosts;
    private final int batch;
    private final List<AutoCloseable> made = new ArrayList<>();
    /** The devices of a data-parallel run, or null for one device. */
    protected DataParallel parallel;
    /** Steps the host may queue before the lead device has finished them. */
    static final int STEPS_AHEAD = 2;
    /** The ends of the steps queued on the lead device and not yet waited for. */
    private final java.util.ArrayDeque<Backend.Fence> queued = new java.util.ArrayDeque<>();
    private Keeping keeping = Keeping.NONE;

    /**
     * @param model    "vae" or "gan", as profiles and the resume hint name it
     * @param backends each replica's backend, the lead's first
     * @param parallel the devices of a data-parallel run, or null
     */
    TrainingRun(String model, List<Backend> backends, ParallelOptions parallel, int epochs, int batch, Path out, boolean resume,
                boolean profile, RunListener listener) {
        this.model = model;
        this.backends = List.copyOf(backends);
        this.be = backends.get(0);
        this.totalEpochs = epochs;
        this.batch = batch;
        this.out = out;
        this.files = out != null;
        this.resume = resume;
        this.profile = profile;
        this.listener = listener;
        this.balance = parallel != null && parallel.balance();
        this.sharedWithHosts = parallel != null && parallel.sharedWithHosts();
    }

    /** What the run keeps beside its latest checkpoint, and when it stops early (before {@link #epochs}). */
    final void keep(Keeping k) {
        if (!files && (k.saveEvery() > 0 || k.keepBest())) {
            throw new IllegalArgumentException("keeping checkpoints needs a run directory");
        }
        keeping = k;
    }

    /**
     * The data-parallel part of the run, with its devices and (where several hosts share every batch)
     * this host's part checked: every step's rows ({@code examples} in batches of the run's size, each
     * cut to whole packs of {@code pack} rows, as the model's step does) must give every host rows.
     */
    protected final DataParallel parallel(ParallelOptions options, int align, int examples, int pack, String modelName) {
        DataParallel p = made(new DataParallel(options, align));
        int full = batch / pack * pack;
        int last = examples % batch / pack * pack;
        p.checkHostRows(modelName, last == 0 ? new int[] {full} : new int[] {full, last});
        return p;
    }

    /** Keeps something the run allocated, to release with it (or at once when setting the run up fails). */
    protected final <T extends AutoCloseable> T made(T thing) {
        made.add(thing);
        return thing;
    }

    /** Releases what the run allocated before {@code e} ended its setting up, then rethrows it. */
    protected final RuntimeException failedToStart(RuntimeException e) {
        for (AutoCloseable c : made) {
            try {
                c.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
        }
        return e;
    }

    /** Every epoch still to run, then the profile; returns the metrics of all epochs, earlier ones included. */
    final List<S> epochs() throws IOException {
        int done = start();
        if (parallel != null) {
            listener.info(parallel.describe(batch));
        }
        RunProfile.epochs(model, be, profile, done + 1, totalEpochs, out, listener, this::epoch, parallel == null ? null : parallel::timings);
        return history;
    }

    /** Prepares the run directory and, with resume, restores the run; returns the whole epochs already done. */
    private int start() throws IOException {
        if (files) {
            AtomicFiles.createDirectories(out);
            if (!resume) {
                // A fresh run into a directory that held another (--force): its metrics start anew.
                AtomicFiles.deleteIfExists(out.resolve(RunFiles.METRICS));
            }
        }
        int done = resume ? restore() : 0;
        copyLeadToReplicas();
        return done;
    }

    /** One epoch: its steps, then metrics, checkpoint and pictures. False when a stop request ended a run without files. */
    private boolean epoch(int epoch, RunProfile profile) throws IOException {
        if (parallel != null) {
            parallel.record(profile.profiler());
        }
        int[] first = new int[1];
        double earlierSeconds = beginEpoch(epoch, first);
        int steps = batches.get(0).steps();
        long t0 = System.nanoTime();
        for (int s = first[0]; s < steps; s++) {
            long s0 = System.nanoTime();
            step(epoch, s, steps);
            keepUpWithTheDevice();
            profile.span("step", s0);
            if (!afterStep(epoch, s + 1, steps, earlierSeconds + (System.nanoTime() - t0) / 1e9)) {
                return false;
            }
        }
        float[] total = sumsOverDevices();
        long t1 = System.nanoTime();
        profile.epoch(epoch, t0, t1);
        checkEpoch(total, epoch, steps);
        copyLeadToReplicas();
        if (balance && parallel != null && epoch < totalEpochs) {
            listener.info("epoch " + epoch + " measured the devices' speed; a batch of " + batch + " is now split "
                    + parallel.rebalance(batch));
        }
        S m = measure(epoch, total, earlierSeconds + (t1 - t0) / 1e9);
        history.add(m);
        double[] scores = history.stream().mapToDouble(this::score).toArray();
        if (files) {
            save(epoch, m);
            keepCopies(epoch, scores);
        }
        announce(m);
        if (epoch < totalEpochs && keeping.stops(scores)) {
            int best = Keeping.best(scores, scores.length);
            listener.info("stopping early after epoch " + epoch + ": the " + scoreName() + " has not improved for " + keeping.patience()
                    + (keeping.patience() == 1 ? " epoch" : " epochs") + " (best " + String.format(java.util.Locale.ROOT, "%.2f", scores[best]) + " after epoch " + (best + 1) + ")");
            return false;
        }
        if (epoch < totalEpochs && listener.stopRequested()) {
            if (!files) {
                return false;
            }
            throw new TrainingInterruptedException("stopped after epoch " + epoch + "; continue with: " + resumeCommand());
        }
        return true;
    }

    /** The copies of the checkpoint just saved: every saveEvery epochs, and as best.safetensors when its score is the lowest yet. */
    private void keepCopies(int epoch, double[] scores) throws IOException {
        Path checkpoint = out.resolve(RunFiles.CHECKPOINT);
        if (keeping.saveEvery() > 0 && epoch % keeping.saveEvery() == 0) {
            AtomicFiles.write(out.resolve(Keeping.epochCopy(epoch)), java.nio.file.Files.readAllBytes(checkpoint));
        }
        if (keeping.keepBest() && Keeping.best(scores, scores.length) == scores.length - 1) {
            AtomicFiles.write(out.resolve(Keeping.BEST), java.nio.file.Files.readAllBytes(checkpoint));
        }
    }

    /**
     * Progress, the model's checks and stop requests after step {@code done} of the epoch. False when
     * a stop request ends a run without files; with files, the position is saved and the run ends
     * with TrainingInterruptedException.
     */
    private boolean afterStep(int epoch, int done, int steps, double seconds) throws IOException {
        listener.step(epoch, done, steps, runningLoss(done));
        checkStep(epoch, done);
        // Where other hosts train the rest of every batch, the run stops after every epoch's last step: the hosts'
        // parameters are averaged first, and the epoch's end (its sums added over the hosts, its test and pictures) runs on
        // the average when the run continues with nothing left of the epoch but its end. Elsewhere a stop on the epoch's
        // last step ends after the epoch's files.
        boolean stop = done == steps ? sharedWithHosts : listener.stopRequested();
        if (!stop) {
            return true;
        }
        if (!files) {
            return false;
        }
        saveInterrupted(epoch, done, seconds);
        throw new TrainingInterruptedException("stopped in epoch " + epoch + " after step " + done + " of " + steps
                + "; saved " + out.resolve(RunFiles.STATE) + ". Continue with: " + resumeCommand());
    }

    /**
     * Marks the end of a step in the lead device's queue and waits for the step {@link #STEPS_AHEAD}
     * before it: the host stays that many steps ahead, enough to keep a GPU fed, while a stop request
     * still ends the run after the current step (a step that reads nothing back, as the GAN's, would
     * otherwise let the host queue a whole epoch).
     */
    private void keepUpWithTheDevice() {
        queued.addLast(be.fence());
        if (queued.size() > STEPS_AHEAD) {
            queued.removeFirst().await();
        }
    }

    private String resumeCommand() {
        return "train " + model + " --resume " + out + " --epochs " + totalEpochs;
    }

    /** The step statistics so far, added over the devices in device order. */
    protected final float[] sumsOverDevices() {
        float[] total = be.read(sums.get(0));
        for (int i = 1; i < sums.size(); i++) {
            float[] more = backends.get(i).read(sums.get(i));
            for (int j = 0; j < total.length; j++) {
                total[j] += more[j];
            }
        }
        return total;
    }

    /** The device names of the run, as the metrics record them. */
    protected final String deviceNames() {
        return parallel == null ? be.name() : DataParallel.names(backends.stream().map(Backend::name).toList());
    }

    /** The most device memory the lead device's buffers held at once so far, in MiB; -1 on the Java backend. */
    protected final double devicePeakMib() {
        long bytes = be.peakDeviceBytes();
        return bytes < 0 ? -1 : bytes / 1048576.0;
    }

    /** Restores a saved run into the lead (model, optimizers, random stream, history); returns the whole epochs it had done. */
    protected abstract int restore() throws IOException;

    /**
     * The lead's parameters, buffers and optimizer state on every other device: at the start, and
     * after each epoch, so that devices whose arithmetic differs in the last bits do not drift apart.
     */
    protected abstract void copyLeadToReplicas();

    /**
     * Shuffles the batches for the epoch and resets the step sums, or restores them where a stop
     * inside this epoch saved them; sets {@code firstStep[0]} and returns the seconds already spent on it.
     */
    protected abstract double beginEpoch(int epoch, int[] firstStep);

    /** Step s of the epoch, on every device. */
    protected abstract void step(int epoch, int s, int steps);

    /** The epoch's running loss per example after step {@code done}, read from the device only when called. */
    protected abstract DoubleSupplier runningLoss(int done);

    /** Checks after step {@code done} (a periodic look for a diverged loss); nothing by default. */
    protected void checkStep(int epoch, int done) {
    }

    /** Checks of the epoch's sums before anything is saved; nothing by default. */
    protected void checkEpoch(float[] total, int epoch, int steps) {
    }

    /** What the epoch measured. */
    protected abstract S measure(int epoch, float[] total, double seconds) throws IOException;

    /** The end-of-epoch files: checkpoint, state and metrics line together, then the pictures. */
    protected abstract void save(int epoch, S m) throws IOException;

    /** Tells the listener what the epoch measured. */
    protected abstract void announce(S m);

    /** The score the best checkpoint and early stopping go by, lower being better; NaN for an epoch that measured none. */
    protected abstract double score(S m);

    /** The score's name in messages ("test loss", "FID"). */
    protected abstract String scoreName();

    /** Saves the position inside epoch {@code epoch} after step {@code done}, so that a resume continues from it. */
    protected abstract void saveInterrupted(int epoch, int done, double seconds) throws IOException;

    @Override
    public void close() {
        queued.forEach(Backend.Fence::close);
        queued.clear();
        sums.forEach(Tensor::close);
        batches.forEach(EpochBatches::close);
        if (parallel != null) {
            parallel.close();
        }
    }
}
