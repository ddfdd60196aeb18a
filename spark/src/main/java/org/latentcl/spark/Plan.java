package org.latentcl.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;

/**
 * A Spark training run as its command line asks for it: {@code train vae|gan [flags] --tasks N
 * --sync-every K --out DIR} or {@code --resume DIR}. The flags that are not Spark's go to the training
 * command of the first round; {@code --device} applies on every host.
 *
 * @param model        vae or gan
 * @param settings     the training flags, as {@code latentcl train MODEL} takes them
 * @param devices      --device's value, or null (auto on each host)
 * @param tasks        tasks per round, one per host
 * @param syncEvery    steps per round
 * @param out          the run directory on the driver
 * @param resume       whether to continue the run in {@code out}
 * @param roundRetries how many times a failed round runs again
 */
record Plan(String model, List<String> settings, String devices, int tasks, int syncEvery, Path out, boolean resume, int roundRetries) {
    static Plan parse(String[] args) {
        if (args.length < 2 || !args[0].equals("train") || !(args[1].equals("vae") || args[1].equals("gan"))) {
            throw new SparkTrain.UsageException("usage: train vae|gan [training flags] --tasks N --sync-every K (--out DIR | --resume DIR)");
        }
        List<String> settings = new ArrayList<>();
        String devices = null;
        Integer tasks = null;
        Integer syncEvery = null;
        Path out = null;
        boolean resume = false;
        int retries = 3;
        for (int i = 2; i < args.length; i++) {
            String a = args[i];
            String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            boolean spark = switch (flag) {
                case "--tasks", "--sync-every", "--out", "--resume", "--device", "--round-retries" -> true;
                default -> false;
            };
            if (flag.equals("--quiet")) {
                continue; // tasks always train quietly: the driver prints each round's epochs
            }
            if (flag.equals("--stop-after")) {
                throw new SparkTrain.UsageException("rounds stop after --sync-every steps themselves; leave out --stop-after");
            }
            if (flag.equals("--shard")) {
                throw new SparkTrain.UsageException("each task trains its part of every batch by itself (--tasks N); leave out --shard");
            }
            if (!spark) {
                settings.add(a);
                continue;
            }
            String value;
            if (a.contains("=")) {
                value = a.substring(a.indexOf('=') + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new SparkTrain.UsageException(flag + " needs a value");
            }
            switch (flag) {
                case "--tasks" -> tasks = count(flag, value, 1);
                case "--sync-every" -> syncEvery = count(flag, value, 1);
                case "--round-retries" -> retries = count(flag, value, 0);
                case "--device" -> devices = value;
                case "--out" -> out = Path.of(value);
                default -> {
                    out = Path.of(value);
                    resume = true;
                }
            }
        }
        if (tasks == null || syncEvery == null || out == null) {
            throw new SparkTrain.UsageException("give --tasks N (one per host), --sync-every K (steps per round) and --out DIR or --resume DIR");
        }
        if (resume && !settings.isEmpty()) {
            throw new SparkTrain.UsageException("--resume continues the run with its own settings; leave out " + String.join(" ", settings));
        }
        return new Plan(args[1], List.copyOf(settings), devices, tasks, syncEvery, out, resume, retries);
    }

    private static int count(String flag, String value, int least) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= least) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Refused below.
        }
        throw new SparkTrain.UsageException(flag + " must be a whole number of at least " + least + ", got '" + value + "'");
    }

    /**
     * A barrier stage needs all its slots at once; Spark checks every 15 s, 40 times (ten minutes) by
     * default. A run that cannot get them should say so within a minute: every 5 s, 10 times.
     */
    static void failFastOnMissingSlots(SparkConf conf) {
        conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "5s");
        conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "10");
    }
}
