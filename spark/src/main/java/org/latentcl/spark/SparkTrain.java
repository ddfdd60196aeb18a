package org.latentcl.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code spark-submit --class org.latentcl.spark.SparkTrain latentcl-spark.jar train vae|gan [flags]
 * --tasks N --sync-every K --out DIR} (or {@code --resume DIR}): training in synchronous rounds on
 * Spark's barrier execution mode (docs/SCALING.md). Each round runs one task per host, each training K
 * steps with the usual command and its host's devices; the driver keeps the run directory, which after
 * every round holds the checkpoint, state and metrics that {@code latentcl train}, {@code sample},
 * {@code eval} and PyTorch read. With {@code --tasks 1} the run is {@code latentcl train}'s to the bit,
 * for any K. A round that fails (an executor lost) is run again from the same files, up to
 * {@code --round-retries} times (default 3).
 */
public final class SparkTrain {
    /** Exit codes, as the core command's. */
    static final int EXIT_OK = 0;
    static final int EXIT_USAGE = 2;
    static final int EXIT_FAILED = 1;

    /** The files a task needs to continue a run: the others (pictures, kept copies) stay with the driver. */
    static final Set<String> RESUME_FILES = Set.of(RoundAverage.CHECKPOINT, RoundAverage.STATE, "metrics.jsonl");

    private SparkTrain() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code;
        try {
            Plan plan = Plan.parse(args);
            SparkConf conf = new SparkConf().setAppName("latentcl " + plan.model() + " on " + plan.tasks() + " task(s)");
            Plan.failFastOnMissingSlots(conf);
            ClusterChecks.check(conf);
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                code = run(plan, new BarrierRounds(sc), out, err);
            }
        } catch (UsageException e) {
            err.println("latentcl-spark: " + e.getMessage());
            code = EXIT_USAGE;
        }
        System.exit(code);
    }

    /** Where the rounds run: a barrier stage on a Spark context (or, in tests, anything that runs the tasks). */
    interface Rounds {
        /** Runs the tasks of one round together; throws when any failed. */
        List<RoundTask.Result> run(List<RoundTask> tasks);
    }

    /** The round loop; returns the exit code. */
    static int run(Plan plan, Rounds rounds, PrintWriter out, PrintWriter err) {
        try {
            Map<String, byte[]> files = plan.resume() ? startingFiles(plan.out()) : Map.of();
            if (!plan.resume()) {
                prepareFresh(plan.out());
            }
            for (int round = 1; ; round++) {
                long t0 = System.nanoTime();
                List<RoundTask.Result> results = withRetries(plan, rounds, tasksOf(plan, files), err, round);
                // Task 0's output and end stand for the round's: every task ends at the same position.
                RoundTask.Result lead = results.get(0);
                files = RoundAverage.merge(results.stream().map(RoundTask.Result::files).toList());
                write(plan.out(), files);
                out.printf(Locale.ROOT, "round %d: %d task(s), %.1f s%s%n", round, results.size(), (System.nanoTime() - t0) / 1e9,
                        lead.finished() ? ", the run's last" : "");
                for (String line : lead.output().split("\n")) {
                    if (line.startsWith("epoch ")) {
                        out.println("  " + line);
                    }
                }
                if (lead.finished()) {
                    out.println("done: " + plan.out());
                    return EXIT_OK;
                }
            }
        } catch (UsageException e) {
            err.println("latentcl-spark: " + e.getMessage());
            return EXIT_USAGE;
        } catch (RoundTask.RoundFailedException e) {
            err.println("latentcl-spark: " + e.line());
            return e.code();
        } catch (IOException e) {
            err.println("latentcl-spark: the run directory " + plan.out() + ": " + e.getMessage());
            return EXIT_USAGE;
        }
    }

    /** The round's tasks: each the run's files as they stand (see RoundAverage.forTask), the first round's flags, the round's steps and its part of every batch. */
    private static List<RoundTask> tasksOf(Plan plan, Map<String, byte[]> files) {
        Map<String, byte[]> needed = new TreeMap<>();
        files.forEach((name, bytes) -> {
            if (RESUME_FILES.contains(name)) {
                needed.put(name, bytes);
            }
        });
        List<RoundTask> tasks = new ArrayList<>();
        for (int i = 0; i < plan.tasks(); i++) {
            String shard = plan.tasks() == 1 ? null : i + "/" + plan.tasks();
            tasks.add(new RoundTask(plan.model(), plan.settings(), plan.devices(), RoundAverage.forTask(needed, i), plan.syncEvery(), shard));
        }
        return tasks;
    }

    /** Runs a round, again from the same files when it fails, up to --round-retries more times; a refusal of the command is not retried. */
    private static List<RoundTask.Result> withRetries(Plan plan, Rounds rounds, List<RoundTask> tasks, PrintWriter err, int round) {
        for (int attempt = 0; ; attempt++) {
            try {
                return rounds.run(tasks);
            } catch (Exception e) {
                // Spark's failures are checked exceptions thrown unchecked: every exception is a failed round.
                RoundTask.RoundFailedException refused = RoundTask.RoundFailedException.in(e);
                if (refused != null) {
                    throw refused;
                }
                String slots = ClusterChecks.missingSlots(e, plan.tasks());
                if (slots != null) {
                    throw new UsageException(slots);
                }
                if (attempt >= plan.roundRetries()) {
                    throw new RoundTask.RoundFailedException(EXIT_FAILED, "round " + round + " failed " + (attempt + 1) + " times; the last: "
                            + firstLine(e) + ". The run directory holds the rounds before it: continue with --resume " + plan.out());
                }
                err.println("latentcl-spark: round " + round + " failed (" + firstLine(e) + "); running it again from its starting files");
            }
        }
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** A fresh run's directory: made, or refused when it already holds a run. */
    private static void prepareFresh(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var list = Files.list(dir)) {
                if (list.findAny().isPresent()) {
                    throw new UsageException(dir + " already holds files; continue it with --resume " + dir + " or choose another --out");
                }
            }
        }
    }

    /** The files a resumed run continues from. */
    private static Map<String, byte[]> startingFiles(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve(RoundAverage.STATE))) {
            throw new UsageException("cannot resume " + dir + ": it holds no " + RoundAverage.STATE + " of a run");
        }
        return RoundTask.read(dir);
    }

    /** Writes the round's files into the run directory, each by a rename so that a killed driver leaves whole files. */
    private static void write(Path dir, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path tmp = dir.resolve("." + f.getKey() + ".part");
            Files.write(tmp, f.getValue());
            Files.move(tmp, dir.resolve(f.getKey()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** A bad command line: one line, exit 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
