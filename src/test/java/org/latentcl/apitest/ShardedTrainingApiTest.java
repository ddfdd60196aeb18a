package org.latentcl.apitest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.Checkpoints;
import org.latentcl.Device;
import org.latentcl.Devices;
import org.latentcl.Gan;
import org.latentcl.GanTrainer;
import org.latentcl.TrainingStoppedException;
import org.latentcl.Vae;
import org.latentcl.VaeTrainer;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Datasets;
import org.latentcl.io.Json;
import org.latentcl.io.Safetensors;

/**
 * {@code Trainer.Builder.shard(h, n)}, one host's part of every batch in a run across hosts: the parts see the whole
 * batch's examples and noise (their gradients and loss sums add up to the whole batch's), an epoch's end waits for the
 * continued run, and a batch that leaves a host no rows is refused before training.
 */
class ShardedTrainingApiTest {
    private static final Dataset DIGITS = Datasets.load("default").train().head(600);
    private static final DataSplit SPLIT = new DataSplit(DIGITS, DIGITS.head(50), "first 50");

    @TempDir
    Path dir;

    /** One step from the same start: the whole batch, then each of two hosts' halves of it; returns each one's training state. */
    private List<Safetensors.Contents> firstStepOfWholeAndHalves(boolean gan) {
        String[] names = {"whole", "half0", "half1"};
        int[][] shards = {{0, 1}, {0, 2}, {1, 2}};
        List<Safetensors.Contents> states = new java.util.ArrayList<>();
        try (Device device = Devices.java()) {
            for (int i = 0; i < 3; i++) {
                Path out = dir.resolve((gan ? "gan-" : "vae-") + names[i]);
                int h = shards[i][0];
                int n = shards[i][1];
                assertThrows(TrainingStoppedException.class, () -> {
                    if (gan) {
                        // k = 2: the first step updates the discriminator alone.
                        try (Gan g = Gan.builder().noise(4).generator(16).discriminator(16).seed(3).device(device).build()) {
                            GanTrainer.builder().epochs(1).batch(200).k(2).seed(5).outputDirectory(out).shard(h, n).stopAfterSteps(1).build().fit(g, SPLIT);
                        }
                    } else {
                        try (Vae v = Vae.builder().hidden(8).latent(2).seed(3).device(device).build()) {
                            VaeTrainer.builder().epochs(1).batch(200).seed(7).outputDirectory(out).shard(h, n).stopAfterSteps(1).build().fit(v, SPLIT);
                        }
                    }
                });
                states.add(Safetensors.read(out.resolve("state.safetensors")));
            }
        }
        return states;
    }

    /** After Adam's first step its first moment is (1 - beta1) g: the whole batch's is the halves' sum, to rounding. */
    private static void assertMomentIsTheSum(Safetensors.Contents whole, Safetensors.Contents a, Safetensors.Contents b, String name) {
        float[] w = whole.tensors().get(name).data();
        float[] x = a.tensors().get(name).data();
        float[] y = b.tensors().get(name).data();
        double scale = 0;
        for (float v : w) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 0, name + " moved");
        int differing = 0;
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], x[i] + y[i], 1e-4 * scale, name + "[" + i + "]");
            differing += x[i] == w[i] ? 0 : 1;
        }
        assertTrue(differing > w.length / 2, name + ": each half has a gradient of its own");
    }

    @Test
    void twoHostsHalvesOfAVaeBatchAddUpToTheWholeBatch() {
        List<Safetensors.Contents> s = firstStepOfWholeAndHalves(false);
        assertMomentIsTheSum(s.get(0), s.get(1), s.get(2), "adam.m");
        for (String sum : new String[] {"partial_recon", "partial_kl"}) {
            float whole = Float.parseFloat(s.get(0).metadata().get(sum));
            float halves = Float.parseFloat(s.get(1).metadata().get(sum)) + Float.parseFloat(s.get(2).metadata().get(sum));
            assertEquals(whole, halves, 1e-4 * Math.abs(whole), sum);
        }
        for (String same : new String[] {"rng_counter", "next_step", "adam_steps"}) {
            assertEquals(s.get(0).metadata().get(same), s.get(1).metadata().get(same), same);
            assertEquals(s.get(0).metadata().get(same), s.get(2).metadata().get(same), same);
        }
    }

    @Test
    void twoHostsHalvesOfAGanBatchAddUpToTheWholeBatch() {
        List<Safetensors.Contents> s = firstStepOfWholeAndHalves(true);
        assertMomentIsTheSum(s.get(0), s.get(1), s.get(2), "adam_d.m");
        // The discriminator's loss and its judgments of real and fake rows, summed over the rows it judged.
        List<?> whole = (List<?>) Json.parse(s.get(0).metadata().get("partial_stats"));
        List<?> a = (List<?>) Json.parse(s.get(1).metadata().get("partial_stats"));
        List<?> b = (List<?>) Json.parse(s.get(2).metadata().get("partial_stats"));
        for (int i : new int[] {0, 2, 3}) {
            float w = Float.parseFloat((String) whole.get(i));
            assertEquals(w, Float.parseFloat((String) a.get(i)) + Float.parseFloat((String) b.get(i)), 1e-4 * Math.abs(w), "partial_stats[" + i + "]");
        }
        assertEquals(s.get(0).metadata().get("partial_judged"), s.get(1).metadata().get("partial_judged"), "judgments count the whole batch");
        assertEquals(s.get(0).metadata().get("rng_counter"), s.get(2).metadata().get("rng_counter"));
    }

    /**
     * A round stops at an epoch's last step even before its count (5 steps asked, 3 in the epoch) and saves the position
     * before the epoch's end (no metrics line yet); the continued run starts with that end (the line of epoch 1), then
     * trains on.
     */
    @Test
    void anEpochsEndWaitsForTheContinuedRun() throws IOException {
        Path run = dir.resolve("run");
        try (Device device = Devices.java()) {
            try (Vae v = Vae.builder().hidden(8).latent(2).seed(3).device(device).build()) {
                TrainingStoppedException stop = assertThrows(TrainingStoppedException.class, () -> VaeTrainer.builder().epochs(2).batch(200)
                        .outputDirectory(run).shard(1, 2).stopAfterSteps(5).build().fit(v, SPLIT));
                assertTrue(stop.getMessage().contains("after step 3 of 3"), stop.getMessage());
            }
            assertFalse(Files.exists(run.resolve("metrics.jsonl")), "epoch 1 has not ended");
            Map<String, String> state = Safetensors.read(run.resolve("state.safetensors")).metadata();
            assertEquals("0", state.get("epoch"));
            assertEquals("3", state.get("next_step"));
            try (Vae loaded = Checkpoints.loadVae(run.resolve("checkpoint.safetensors"), device)) {
                assertThrows(TrainingStoppedException.class, () -> VaeTrainer.resuming(run).shard(1, 2).stopAfterSteps(1).build().fit(loaded, SPLIT));
            }
            assertEquals(1, Files.readAllLines(run.resolve("metrics.jsonl")).size(), "epoch 1's line, then a step of epoch 2");
            state = Safetensors.read(run.resolve("state.safetensors")).metadata();
            assertEquals("1", state.get("epoch"));
            assertEquals("1", state.get("next_step"));
        }
    }

    @Test
    void aBatchThatLeavesAHostNoRowsIsRefusedBeforeTraining() {
        assertThrows(IllegalArgumentException.class, () -> VaeTrainer.builder().shard(2, 2));
        assertThrows(IllegalArgumentException.class, () -> VaeTrainer.builder().shard(0, 0));
        IllegalArgumentException rounds = assertThrows(IllegalArgumentException.class,
                () -> VaeTrainer.builder().outputDirectory(dir.resolve("x")).shard(0, 2).build());
        assertTrue(rounds.getMessage().contains("stopAfterSteps"), rounds.getMessage());
        Path run = dir.resolve("refused");
        try (Device device = Devices.java(); Vae v = Vae.builder().hidden(8).latent(2).seed(3).device(device).build()) {
            // 600 rows in batches of 599: the last batch's one row cannot be split over two hosts.
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> VaeTrainer.builder().epochs(1).batch(599).outputDirectory(run).shard(0, 2).stopAfterSteps(1).build().fit(v, SPLIT));
            assertTrue(e.getMessage().contains("batch of 1 rows split over 2 hosts") && e.getMessage().contains("leaves host 1"), e.getMessage());
        }
        assertFalse(Files.exists(run.resolve("checkpoint.safetensors")));
    }
}
