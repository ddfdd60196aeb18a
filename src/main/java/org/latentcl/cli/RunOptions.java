package org.latentcl.cli;

import org.latentcl.Devices;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import picocli.CommandLine.Option;

/** The flags every training command shares: data, device, seed and run directory. */
final class RunOptions {
    @Option(names = "--data", defaultValue = "default",
            description = "default (embedded MNIST digits), shapes (procedural colour shapes, 32x32), mnist, fashion-mnist, "
                    + "a directory of IDX files, of CIFAR-10 binary batches or of PNG/JPEG images (subdirectories as classes), "
                    + "or a .npy/.csv file.")
    String data;

    @Option(names = "--labels", paramLabel = "FILE.npy", description = "Class labels of a .npy data file: a .npy of shape [N] (whole numbers 0, 1, ...).")
    java.nio.file.Path labels;

    @Option(names = "--label-column", paramLabel = "NAME", description = "The column of a .csv data file (named in its header) that holds the class labels.")
    String labelColumn;

    /** The data with their labels, as Datasets.load takes them and checkpoints record them (x.npy#labels=y.npy, x.csv#label-column=NAME). */
    String dataSpec() {
        if (labels != null && labelColumn != null) {
            throw new UsageException("--labels is for .npy data and --label-column for .csv data; give one of them");
        }
        if (labels != null) {
            return data + org.latentcl.data.Datasets.LABELS + labels;
        }
        return labelColumn != null ? data + org.latentcl.data.Datasets.LABEL_COLUMN + labelColumn : data;
    }

    @Option(names = "--image-size", defaultValue = "0", paramLabel = "N",
            description = "Resize images so the shorter side is N and centre-crop them to NxN (0: keep their size; "
                    + "images of different sizes need it).")
    int imageSize;

    @Option(names = "--device", defaultValue = "auto", description = "auto, java, cl:N or part of a device name; several separated by "
            + "commas (cl:0,cl:1), or all (every GPU, else every OpenCL device), train data-parallel.")
    String device;

    @Option(names = "--balance", description = "With several devices: split each batch by the devices' measured speed (measured every "
            + "epoch) rather than evenly.")
    boolean balance;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of initialization, shuffling and noise.")
    long seed;

    @Option(names = "--out", description = "Run directory (default: runs/MODEL-YYYYmmdd-HHMMSS).")
    Path out;

    @Option(names = "--force", description = "Write into an existing, non-empty run directory.")
    boolean force;

    @Option(names = "--quiet", description = "No progress line (the per-epoch lines remain).")
    boolean quiet;

    @Option(names = "--profile", description = "Record every kernel launch (or Java operation): writes profile.txt and trace.json "
            + "into the run directory and prints the table at the end.")
    boolean profile;

    @Option(names = "--tensorboard", description = "Also write TensorBoard events (events.out.tfevents.*) into the run directory: "
            + "each epoch's metrics as scalars and its pictures as images; view them with tensorboard --logdir DIR.")
    boolean tensorboard;

    @Option(names = "--lr-schedule", defaultValue = "constant", paramLabel = "KIND", description = "The learning rate over the run's "
            + "updates after the warm-up: constant, linear (falling to 0 at the last update) or cosine (half a cosine to 0).")
    String lrSchedule;

    @Option(names = "--warmup-steps", defaultValue = "0", paramLabel = "N", description = "Raise the learning rate linearly from lr / N to "
            + "lr over the first N updates, before the schedule; 0: none.")
    int warmupSteps;

    @Option(names = "--save-every", defaultValue = "0", paramLabel = "N", description = "Also keep a copy of the checkpoint every N epochs, "
            + "checkpoint-epoch-N.safetensors; 0: only the latest.")
    int saveEvery;

    @Option(names = "--patience", defaultValue = "0", paramLabel = "N", description = "Stop early when the test loss (a GAN: the FID of "
            + "--eval-every) has not improved for N measured epochs; keeps best.safetensors. 0: never.")
    int patience;

    @Option(names = "--keep-best", description = "Keep best.safetensors, the checkpoint of the epoch with the lowest test loss (a GAN: "
            + "FID, with --eval-every).")
    boolean keepBest;

    @Option(names = "--stop-after", defaultValue = "0", paramLabel = "STEPS", description = "Stop after STEPS training steps of this "
            + "command, saving the position as Ctrl-C does (exit 0); --resume then continues exactly where an uninterrupted run would be. "
            + "For jobs given a slot of time. 0: run to the end.")
    int stopAfter;

    @Option(names = "--shard", paramLabel = "I/N", description = "Train only part I (from 0) of N equal parts of every batch, as host I of N "
            + "that average their parameters every few steps (latentcl-spark's tasks; docs/SCALING.md): the run stops after --stop-after "
            + "steps (needed) or an epoch's last step, and leaves the epoch's end to the continued run.")
    String shard;

    /** --shard as the API takes it: {index, count}; {0, 1} without it. */
    int[] shardOfBatch() {
        if (shard == null) {
            return new int[] {0, 1};
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{1,9})\\s*").matcher(shard);
        if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(1)) >= Integer.parseInt(m.group(2))) {
            throw new UsageException("--shard takes I/N, part I (0 to N-1) of N parts of every batch, got '" + shard + "'");
        }
        if (stopAfter == 0 && Integer.parseInt(m.group(2)) > 1) {
            throw new UsageException("--shard trains in rounds that the hosts' average ends: give --stop-after STEPS");
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    /** --shard's part of every batch (from 0), checked. */
    int shardIndex() {
        return shardOfBatch()[0];
    }

    /** --shard's number of parts (1 without it), checked. */
    int shardCount() {
        return shardOfBatch()[1];
    }

    /** --stop-after checked: the steps for the API (0: none). */
    int stopAfterSteps() {
        if (stopAfter < 0) {
            throw new UsageException("--stop-after must be 0 (never) or a number of steps, got " + stopAfter);
        }
        return stopAfter;
    }

    /** Runs {@code fit}; a stop that --stop-after asked for (not Ctrl-C) ends the command normally, its resume line printed. */
    void fitUntilStop(java.io.PrintWriter console, Progress progress, Runnable fit) {
        try {
            fit.run();
        } catch (org.latentcl.TrainingStoppedException e) {
            if (stopAfter == 0 || progress.stopRequested()) {
                throw e;
            }
            console.println("stopped as --stop-after " + stopAfter + " asked: " + e.getMessage());
        }
    }

    /** --stop-after, --save-every, --patience and --keep-best checked; {@code scored} says whether the model measures a score every so often. */
    void checkKeeping(boolean scored) {
        stopAfterSteps();
        shardOfBatch();
        if (saveEvery < 0) {
            throw new UsageException("--save-every must be 0 (none) or a number of epochs, got " + saveEvery);
        }
        if (patience < 0) {
            throw new UsageException("--patience must be 0 (never) or a number of epochs, got " + patience);
        }
        if (!scored && (patience > 0 || keepBest)) {
            throw new UsageException((patience > 0 ? "--patience" : "--keep-best") + " goes by the FID, which --eval-every N measures; add it");
        }
    }

    /** --lr-schedule as the API names it, after checking it and --warmup-steps. */
    org.latentcl.Trainer.Schedule schedule() {
        if (warmupSteps < 0) {
            throw new UsageException("--warmup-steps must be 0 (none) or a number of updates, got " + warmupSteps);
        }
        try {
            return org.latentcl.Trainer.Schedule.valueOf(lrSchedule.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--lr-schedule must be constant, linear or cosine, got '" + lrSchedule + "'");
        }
    }

    /** The schedule for the start line: "" for a constant rate without warm-up, else ", cosine schedule, warm-up 500 steps". */
    static String scheduleText(String kind, int warmup) {
        return ("constant".equals(kind) ? "" : ", " + kind + " schedule") + (warmup > 0 ? ", warm-up " + Flags.count(warmup, "step") : "");
    }

    /** The devices --device names, opened. */
    TrainingDevices devices() {
        checkDevices();
        return new TrainingDevices(Devices.getAll(device));
    }

    /** The device list without opening a device: names that exist, each once; --balance only with several. */
    private void checkDevices() {
        Devices.check(device);
        if (balance && !device.contains(",") && !device.trim().equalsIgnoreCase("all")) {
            throw new UsageException("--balance splits batches among several devices; --device names one");
        }
    }

    /**
     * --out, or runs/MODEL-DATE-TIME; refused when it already holds files, unless --force. The
     * device list is checked first, so that a wrong --device leaves no run directory behind.
     */
    Path freshRunDirectory(String model) {
        checkDevices();
        Path dir = out != null ? out : Path.of("runs", model + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Flags.freshRunDirectory(dir, force);
        return dir;
    }
}
