package org.latentcl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.cli.Main;

/**
 * Training in rounds on Spark's barrier mode, in local mode (the driver and two executor threads in this JVM): with one
 * task the run equals {@code latentcl train}'s to the bit for any round length, a failed round runs again from its
 * starting files to the same end, two tasks end alike through failures and a resumed driver, and bad command lines
 * are one line with exit 2.
 */
class SparkTrainTest {
    private static JavaSparkContext sc;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("SparkTrainTest").set("spark.ui.enabled", "false");
        Plan.failFastOnMissingSlots(conf);
        sc = new JavaSparkContext(conf);
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    private static final String[] VAE = {"--epochs", "2", "--batch", "500", "--hidden", "32", "--latent", "4", "--seed", "3"};
    private static final String[] GAN = {"--epochs", "2", "--batch", "500", "--g-hidden", "32", "--d-hidden", "32", "--seed", "4"};

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    private record Ran(int code, String out, String err) {
    }

    private static Ran spark(SparkTrain.Rounds rounds, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try {
            code = SparkTrain.run(Plan.parse(args), rounds, new PrintWriter(out, true), new PrintWriter(err, true));
        } catch (SparkTrain.UsageException e) {
            err.write("latentcl-spark: " + e.getMessage());
            code = SparkTrain.EXIT_USAGE;
        }
        return new Ran(code, out.toString(), err.toString());
    }

    private void assertSameRun(Path expected, Path got) throws IOException {
        for (String file : new String[] {"checkpoint.safetensors", "state.safetensors"}) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(file)), Files.readAllBytes(got.resolve(file)), file);
        }
        assertEquals(Files.readAllLines(expected.resolve("metrics.jsonl")).size(), Files.readAllLines(got.resolve("metrics.jsonl")).size());
    }

    /** The embedded digits' 9,000 training rows are 18 steps of 500 an epoch; rounds of 7 end inside epochs and across their end. */
    @Test
    void oneTaskInRoundsIsTheOneHostRunToTheBit() throws IOException {
        for (String model : new String[] {"vae", "gan"}) {
            String[] flags = model.equals("vae") ? VAE : GAN;
            Path alone = dir.resolve(model + "-alone");
            assertEquals(0, Main.run(concat(new String[] {"train", model}, flags, new String[] {"--device", "java", "--quiet", "--out",
                    alone.toString()}), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
            Path rounds = dir.resolve(model + "-rounds");
            Ran r = spark(new BarrierRounds(sc), concat(new String[] {"train", model}, flags, new String[] {"--device", "java", "--quiet", "--tasks",
                    "1", "--sync-every", "7", "--out", rounds.toString()}));
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("round 6: 1 task(s)") && r.out().contains("the run's last") && !r.out().contains("round 7"), r.out());
            assertSameRun(alone, rounds);
            assertTrue(Files.exists(rounds.resolve("samples.png")), "the pictures come back too");
        }
    }

    /** A round whose stage fails (as when an executor is lost) runs again from its starting files: the same end. */
    @Test
    void aFailedRoundRunsAgainToTheSameEnd() throws IOException {
        Path steady = dir.resolve("steady");
        assertEquals(0, spark(new BarrierRounds(sc), concat(new String[] {"train", "vae"}, VAE, new String[] {"--device", "java", "--tasks",
                "1", "--sync-every", "10", "--out", steady.toString()})).code());
        BarrierRounds real = new BarrierRounds(sc);
        int[] calls = {0};
        SparkTrain.Rounds flaky = tasks -> {
            calls[0]++;
            if (calls[0] == 2 || calls[0] == 4) {
                // The round's work is done and lost, as when an executor dies before its result arrives.
                real.run(tasks);
                throw new IllegalStateException("Could not recover from a failed barrier ResultStage (lost executor 1)");
            }
            return real.run(tasks);
        };
        Path disturbed = dir.resolve("disturbed");
        Ran r = spark(flaky, concat(new String[] {"train", "vae"}, VAE, new String[] {"--device", "java", "--tasks", "1", "--sync-every", "10",
                "--out", disturbed.toString()}));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("round 2 failed (Could not recover from a failed barrier ResultStage (lost executor 1)); running it again"),
                r.err());
        assertSameRun(steady, disturbed);
    }

    /** The driver killed after some rounds: --resume continues from the last round's files to the undisturbed end. */
    @Test
    void aResumedDriverEndsWhereAnUndisturbedOneEnds() throws IOException {
        Path steady = dir.resolve("steady");
        assertEquals(0, spark(new BarrierRounds(sc), concat(new String[] {"train", "gan"}, GAN, new String[] {"--device", "java", "--tasks",
                "1", "--sync-every", "11", "--out", steady.toString()})).code());
        BarrierRounds real = new BarrierRounds(sc);
        int[] calls = {0};
        SparkTrain.Rounds killedAfterTwo = tasks -> {
            if (++calls[0] > 2) {
                throw new DriverKilled();
            }
            return real.run(tasks);
        };
        Path cut = dir.resolve("cut");
        assertThrows(DriverKilled.class, () -> spark(killedAfterTwo, concat(new String[] {"train", "gan"}, GAN, new String[] {"--device", "java",
                "--tasks", "1", "--sync-every", "11", "--out", cut.toString()})));
        Ran r = spark(new BarrierRounds(sc), "train", "gan", "--device", "java", "--tasks", "1", "--sync-every", "11", "--resume",
                cut.toString());
        assertEquals(0, r.code(), r.err());
        assertSameRun(steady, cut);
    }

    /**
     * Two tasks, each its half of every batch, averaged after every round (at most 7 steps, and each epoch's last): a
     * round that fails after its work and a driver killed after the fourth round, resumed, end where an undisturbed run
     * ends, to the bit; each epoch is measured once, after the average.
     */
    @Test
    void twoTasksEndAlikeThroughAFailedRoundAndAResumedDriver() throws IOException {
        for (String model : new String[] {"vae", "gan"}) {
            String[] flags = concat(new String[] {"train", model}, model.equals("vae") ? VAE : GAN, new String[] {"--device", "java", "--tasks", "2",
                "--sync-every", "7"});
            Path steady = dir.resolve(model + "-steady");
            Ran r = spark(new BarrierRounds(sc), concat(flags, new String[] {"--out", steady.toString()}));
            assertEquals(0, r.code(), r.err());
            // 18 steps an epoch: rounds of 7, 7 and 4 steps, twice, then the last epoch's end.
            assertTrue(r.out().contains("round 7: 2 task(s)") && r.out().contains("the run's last") && !r.out().contains("round 8"), r.out());
            assertEquals(2, Files.readAllLines(steady.resolve("metrics.jsonl")).size(), r.out());
            assertEquals(2, r.out().lines().filter(l -> l.startsWith("  epoch ")).count(), r.out());
            BarrierRounds real = new BarrierRounds(sc);
            int[] calls = {0};
            SparkTrain.Rounds flakyThenKilled = tasks -> {
                calls[0]++;
                if (calls[0] == 2) {
                    real.run(tasks);
                    throw new IllegalStateException("Could not recover from a failed barrier ResultStage (lost executor 0)");
                }
                if (calls[0] > 5) {
                    throw new DriverKilled();
                }
                return real.run(tasks);
            };
            Path cut = dir.resolve(model + "-cut");
            assertThrows(DriverKilled.class, () -> spark(flakyThenKilled, concat(flags, new String[] {"--out", cut.toString()})));
            r = spark(new BarrierRounds(sc), "train", model, "--device", "java", "--tasks", "2", "--sync-every", "7", "--resume", cut.toString());
            assertEquals(0, r.code(), r.err());
            assertSameRun(steady, cut);
        }
    }

    /** The driver's process ending in the middle of a round: nothing of the program runs after it. */
    private static final class DriverKilled extends Error {
    }

    @Test
    void badCommandLinesAreOneLineAndExit2() throws IOException {
        Path used = Files.createDirectories(dir.resolve("used"));
        Files.writeString(used.resolve("metrics.jsonl"), "{}\n");
        String[][] bad = {
            {"train", "vae", "--tasks", "1", "--out", dir.resolve("a").toString()},
            {"train", "vae", "--tasks", "0", "--sync-every", "5", "--out", dir.resolve("b").toString()},
            {"train", "mlp", "--tasks", "1", "--sync-every", "5", "--out", dir.resolve("c").toString()},
            {"train", "vae", "--tasks", "1", "--sync-every", "5", "--out", used.toString()},
            {"train", "vae", "--lr", "0.01", "--tasks", "1", "--sync-every", "5", "--resume", used.toString()},
            {"train", "vae", "--tasks", "1", "--sync-every", "5", "--resume", dir.resolve("nothing").toString()},
            {"train", "vae", "--epochs", "-3", "--tasks", "1", "--sync-every", "5", "--out", dir.resolve("d").toString()},
            {"train", "vae", "--stop-after", "3", "--tasks", "1", "--sync-every", "5", "--out", dir.resolve("e").toString()},
            {"train", "vae", "--shard", "0/2", "--tasks", "2", "--sync-every", "5", "--out", dir.resolve("f").toString()},
        };
        for (String[] args : bad) {
            Ran r = spark(new BarrierRounds(sc), args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("latentcl-spark: "), r.err());
        }
        for (String d : new String[] {"a", "b", "c", "d", "e", "f"}) {
            assertFalse(Files.exists(dir.resolve(d)), d);
        }
        // A data path the executors cannot read: the task's refusal, naming its host and the path, not retried.
        Path missing = dir.resolve("not-mounted").resolve("digits.npy");
        Ran r = spark(new BarrierRounds(sc), "train", "vae", "--data", missing.toString(), "--device", "java", "--tasks", "2", "--sync-every", "5",
                "--out", dir.resolve("g").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("latentcl-spark: on " + RoundTask.host() + ": ") && r.err().contains(missing.toString()), r.err());
        assertFalse(Files.exists(dir.resolve("g")), "no run directory");
    }
}
