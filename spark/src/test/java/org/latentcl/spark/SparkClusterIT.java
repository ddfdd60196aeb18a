package org.latentcl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real standalone cluster on this machine (tools/spark-cluster.sh: a master and two workers, each its own JVM,
 * executors started by the workers) through Spark's own submit entry point (tools/spark-submit.sh): the submitted run
 * of one task equals the one-host run to the bit, two tasks train the VAE and the GAN, and an executor killed in the
 * middle of a round (its JVM, as a lost host would) costs a retried round, not a different result.
 */
class SparkClusterIT {
    private static final Path ROOT = Path.of(System.getProperty("latentcl.root", "..")).toAbsolutePath().normalize();
    private static final String JAR = Path.of(System.getProperty("latentcl.spark.jar", "target/latentcl-spark.jar")).toAbsolutePath().toString();
    private static final String CORE_JAR = Path.of(System.getProperty("latentcl.core.jar", "../target/latentcl.jar")).toAbsolutePath().toString();
    private static String master;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() throws Exception {
        Process p = new ProcessBuilder("bash", ROOT.resolve("tools/spark-cluster.sh").toString(), "start", "2")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES) && p.exitValue() == 0, "the cluster did not start: " + out);
        master = out.substring(out.lastIndexOf('\n') + 1);
        assertTrue(master.startsWith("spark://127.0.0.1:"), master);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        new ProcessBuilder("bash", ROOT.resolve("tools/spark-cluster.sh").toString(), "stop").inheritIO().start().waitFor(2, TimeUnit.MINUTES);
    }

    private static final String[] VAE = {"--epochs", "2", "--batch", "500", "--hidden", "32", "--latent", "4", "--seed", "3", "--device", "java"};

    private static Process submit(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("tools/spark-submit.sh").toString(), "--master", master,
                "--conf", "spark.executor.memory=768m", "--conf", "spark.ui.enabled=false", "--class", "org.latentcl.spark.SparkTrain", JAR));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** The same training on this host, as a user runs it: {@code java -jar latentcl.jar train vae ...}. */
    private Path oneHost() throws Exception {
        Path alone = dir.resolve("alone");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", CORE_JAR,
                "train", "vae"));
        cmd.addAll(List.of(VAE));
        cmd.addAll(List.of("--quiet", "--out", alone.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("alone.log").toFile()).start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES) && p.exitValue() == 0, Files.readString(dir.resolve("alone.log")));
        return alone;
    }

    private static void assertSameRun(Path expected, Path got) throws IOException {
        for (String file : new String[] {"checkpoint.safetensors", "state.safetensors"}) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(file)), Files.readAllBytes(got.resolve(file)), file);
        }
    }

    @Test
    void aSubmittedRunIsTheOneHostRun() throws Exception {
        Path out = dir.resolve("submitted");
        Path log = dir.resolve("submit.log");
        Process p = submit(log, concat(concat(new String[] {"train", "vae"}, VAE), "--tasks", "1", "--sync-every", "12", "--out", out.toString()));
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the job did not end");
        String text = Files.readString(log);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("round 3: 1 task(s)") && text.contains("done: " + out), text);
        assertSameRun(oneHost(), out);
    }

    /**
     * The round scratch directories in the temporary folder (the executors share it with this machine). A killed
     * executor leaves its own behind, so a kill must wait for one that is not among those of earlier runs: with an old
     * one taken as "at work", the executors were once killed between rounds, no task failed and no round ran again.
     */
    private static List<Path> roundScratch() throws IOException {
        try (var list = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return list.filter(p -> p.getFileName().toString().startsWith("latentcl-round-")).toList();
        }
    }

    /** Whether a round's task is at work: a scratch directory exists that was not there before the job. */
    private static boolean roundAtWork(List<Path> before) throws IOException {
        return roundScratch().stream().anyMatch(p -> !before.contains(p));
    }

    /** Removes the scratch directories the killed executors left behind, so later runs do not mistake them for work. */
    private static void removeLeftScratch(List<Path> before) throws IOException {
        for (Path left : roundScratch()) {
            if (!before.contains(left)) {
                try (var all = Files.walk(left)) {
                    all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    /**
     * A cluster the run cannot use is one line and exit 2 within a minute, with no run directory: a master that does not
     * answer, and a round whose tasks cannot all get a slot (executors of 2 cores on workers of 1: no slot at all; Spark's
     * own check shortened to 1 s, 3 times).
     */
    @Test
    void aClusterTheRunCannotUseIsOneLine() throws Exception {
        Path log = dir.resolve("refused.log");
        long t0 = System.nanoTime();
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("tools/spark-submit.sh").toString(), "--master", "spark://127.0.0.1:9",
                "--class", "org.latentcl.spark.SparkTrain", JAR, "train", "vae", "--tasks", "1", "--sync-every", "5", "--out",
                dir.resolve("nowhere").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), "refused within a minute");
        String text = Files.readString(log);
        assertEquals(2, p.exitValue(), text);
        assertTrue(text.contains("latentcl-spark: cannot reach the Spark master spark://127.0.0.1:9"), text);

        Process q = new ProcessBuilder(concatList(List.of("bash", ROOT.resolve("tools/spark-submit.sh").toString(), "--master", master,
                "--conf", "spark.executor.cores=2", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.scheduler.barrier.maxConcurrentTasksCheck.interval=1s",
                "--conf", "spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures=3", "--class", "org.latentcl.spark.SparkTrain", JAR),
                concat(new String[] {"train", "vae"}, VAE), "--tasks", "1", "--sync-every", "5", "--out", dir.resolve("noslots").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(q.waitFor(1, TimeUnit.MINUTES), "refused within a minute: " + Files.readString(log));
        text = Files.readString(log);
        assertEquals(2, q.exitValue(), text);
        assertTrue(text.contains("latentcl-spark: --tasks 1 needs"), text);
        assertTrue((System.nanoTime() - t0) / 1e9 < 120, "both within two minutes");
        assertFalse(Files.exists(dir.resolve("nowhere")) || Files.exists(dir.resolve("noslots")), "no run directory");
    }

    private static List<String> concatList(List<String> head, String[] middle, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(middle));
        all.addAll(List.of(tail));
        return all;
    }

    /** A submitted run of two tasks that must succeed; returns its log. */
    private static String submitted(Path log, String... args) throws Exception {
        Process p = submit(log, args);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the job did not end");
        String text = Files.readString(log);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    /**
     * Two tasks, one on each worker, each its half of every batch, train the VAE and the GAN; the executors' JVMs killed
     * while round 2 or later runs: the workers start new ones, the round runs again, and the run ends with the
     * parameters of the undisturbed run, to the bit.
     */
    @Test
    void twoTasksTrainTheVaeAndTheGanAndAKilledExecutorCostsARoundNotTheResult() throws Exception {
        String[] gan = {"train", "gan", "--epochs", "2", "--batch", "500", "--g-hidden", "32", "--d-hidden", "32", "--seed", "4", "--device", "java",
            "--tasks", "2", "--sync-every", "6", "--out", dir.resolve("gan").toString()};
        String text = submitted(dir.resolve("gan.log"), gan);
        assertTrue(text.contains("round 7: 2 task(s), ") && text.contains("the run's last") && text.contains("  epoch 2/2"), text);
        assertEquals(2, Files.readAllLines(dir.resolve("gan").resolve("metrics.jsonl")).size());
        Path steady = dir.resolve("steady");
        String[] vae = concat(concat(new String[] {"train", "vae"}, VAE), "--tasks", "2", "--sync-every", "6", "--out");
        text = submitted(dir.resolve("steady.log"), concat(vae, steady.toString()));
        assertTrue(text.contains("round 7: 2 task(s), ") && text.contains("  epoch 2/2"), text);

        Path out = dir.resolve("disturbed");
        Path log = dir.resolve("disturbed.log");
        List<Path> before = roundScratch();
        Process p = submit(log, concat(vae, out.toString()));
        // After round 2, as soon as a task of round 3 is at work (its scratch run directory exists on the executor;
        // round 2's are gone before its line is written).
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!(Files.readString(log).contains("round 2:") && roundAtWork(before)) && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(10);
        }
        assertTrue(p.isAlive(), "the run ended before an executor could be killed: " + Files.readString(log));
        // Only this cluster's executors: the children of the workers tools/spark-cluster.sh started.
        List<ProcessHandle> executors = Files.readAllLines(ROOT.resolve("spark/target/spark-cluster/pids")).stream()
                .map(pid -> ProcessHandle.of(Long.parseLong(pid.strip()))).flatMap(java.util.Optional::stream)
                .flatMap(ProcessHandle::descendants)
                .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).toList();
        assertFalse(executors.isEmpty(), "no executor JVM found");
        executors.forEach(ProcessHandle::destroyForcibly);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the job did not end");
        removeLeftScratch(before);
        text = Files.readString(log);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("failed") && text.contains("running it again from its starting files"), text);
        assertSameRun(steady, out);
    }
}
