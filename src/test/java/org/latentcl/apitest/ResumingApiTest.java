package org.latentcl.apitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.Checkpoints;
import org.latentcl.Device;
import org.latentcl.Devices;
import org.latentcl.Gan;
import org.latentcl.GanTrainer;
import org.latentcl.Trainer;
import org.latentcl.TrainingListener;
import org.latentcl.TrainingStoppedException;
import org.latentcl.Vae;
import org.latentcl.VaeTrainer;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Datasets;

/**
 * A stopped run continues through the public API as {@code train --resume} continues it: {@code resuming(dir)} gives a
 * builder with the run's own settings, and the continued run ends with the weights of a run that never stopped.
 */
class ResumingApiTest {
    private static final Dataset DIGITS = Datasets.load("default").train().head(600);
    private static final DataSplit SPLIT = new DataSplit(DIGITS, DIGITS.head(50), "first 50");

    @TempDir
    Path dir;

    /** Requests a stop after a number of steps. */
    private static TrainingListener stopAfter(int steps) {
        int[] seen = {0};
        return new TrainingListener() {
            @Override
            public void step(int epoch, int step, int stepsPerEpoch, DoubleSupplier loss) {
                seen[0]++;
            }

            @Override
            public boolean stopRequested() {
                return seen[0] == steps;
            }
        };
    }

    @Test
    void aVaeRunResumesWithItsOwnSettingsToTheWeightsOfAnUnbrokenRun() {
        Path whole = dir.resolve("whole");
        Path broken = dir.resolve("broken");
        VaeTrainer.Builder settings = VaeTrainer.builder().epochs(3).batch(200).learningRate(2e-3f).seed(7).klWeight(0.5f).klWarmup(4)
                .learningRateSchedule(Trainer.Schedule.COSINE).warmupSteps(2).dataName("digits");
        try (Device device = Devices.java();
             Vae a = Vae.builder().hidden(8).latent(2).seed(3).device(device).build();
             Vae b = Vae.builder().hidden(8).latent(2).seed(3).device(device).build()) {
            settings.outputDirectory(whole).build().fit(a, SPLIT);
            // 600 rows are 3 steps of 200: the stop comes after step 1 of epoch 2.
            assertThrows(TrainingStoppedException.class, () -> settings.outputDirectory(broken).listener(stopAfter(4)).build().fit(b, SPLIT));

            VaeTrainer resumed = VaeTrainer.resuming(broken).build();
            assertEquals(3, resumed.epochs(), "the run's own target");
            assertEquals(200, resumed.batch());
            assertEquals(2e-3f, resumed.learningRate());
            assertEquals(7, resumed.seed());
            assertEquals(0.5f, resumed.klWeight());
            assertEquals(4, resumed.klWarmup());
            assertEquals(Trainer.Schedule.COSINE, resumed.schedule());
            assertEquals(2, resumed.warmupSteps());
            try (Vae loaded = Checkpoints.loadVae(broken.resolve("checkpoint.safetensors"), device)) {
                assertEquals(3, resumed.fit(loaded, SPLIT).size());
                assertEquals(Checkpoints.inspect(whole.resolve("checkpoint.safetensors")).data(), "digits");
                Map<String, float[]> expected = a.weights();
                Map<String, float[]> got = loaded.weights();
                for (String name : expected.keySet()) {
                    assertArrayEquals(expected.get(name), got.get(name), name + " after the resumed run");
                }
            }
            assertEquals(5, VaeTrainer.resuming(broken).epochs(5).build().epochs(), "a total set beside the run's own");
        }
    }

    @Test
    void aGanRunResumesWithItsOwnSettingsToTheWeightsOfAnUnbrokenRun() {
        Path whole = dir.resolve("whole");
        Path broken = dir.resolve("broken");
        GanTrainer.Builder settings = GanTrainer.builder().epochs(2).batch(100).learningRate(3e-4f).discriminatorLearningRate(6e-4f)
                .beta1(0.4f).k(2).seed(5).realLabel(0.9f).instanceNoise(0.05f).generatorAverage(0.9f).fakesPerReal(2);
        try (Device device = Devices.java();
             Gan a = Gan.builder().noise(4).generator(16).discriminator(16).seed(3).device(device).build();
             Gan b = Gan.builder().noise(4).generator(16).discriminator(16).seed(3).device(device).build()) {
            settings.outputDirectory(whole).build().fit(a, SPLIT);
            assertThrows(TrainingStoppedException.class, () -> settings.outputDirectory(broken).listener(stopAfter(4)).build().fit(b, SPLIT));

            GanTrainer resumed = GanTrainer.resuming(broken).build();
            assertEquals(2, resumed.epochs());
            assertEquals(100, resumed.batch());
            assertEquals(3e-4f, resumed.learningRate());
            assertEquals(6e-4f, resumed.discriminatorLearningRate());
            assertEquals(5, resumed.seed());
            assertEquals(2, resumed.fakesPerReal());
            resumed.fit(b, SPLIT);
            // The checkpoints of both runs hold the same generator average and networks, to the bit.
            try (Gan x = Checkpoints.loadGan(whole.resolve("checkpoint.safetensors"), device);
                 Gan y = Checkpoints.loadGan(broken.resolve("checkpoint.safetensors"), device)) {
                Map<String, float[]> expected = x.weights();
                Map<String, float[]> got = y.weights();
                for (String name : expected.keySet()) {
                    assertArrayEquals(expected.get(name), got.get(name), name + " after the resumed run");
                }
            }
        }
    }

    /**
     * {@code stopAfterSteps(K)} cuts a run into parts of K steps, each a fresh trainer and a model loaded from the
     * checkpoint, as a job with a time slot (or a round of training across hosts) runs it: for K that ends parts inside
     * epochs, on an epoch's last step and across an epoch's end, the parts end with the checkpoint and the state of a run
     * that never stopped, byte for byte.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void aRunCutIntoPartsOfKStepsEndsByteForByteAsAnUnbrokenOne(int k) throws IOException {
        Path whole = dir.resolve("whole");
        Path parts = dir.resolve("parts");
        VaeTrainer.Builder vae = VaeTrainer.builder().epochs(3).batch(200).learningRate(2e-3f).seed(7).learningRateSchedule(Trainer.Schedule.COSINE);
        GanTrainer.Builder gan = GanTrainer.builder().epochs(3).batch(200).learningRate(3e-4f).k(2).seed(5).generatorAverage(0.9f);
        try (Device device = Devices.java()) {
            try (Vae a = Vae.builder().hidden(8).latent(2).seed(3).device(device).build()) {
                vae.outputDirectory(whole.resolve("vae")).build().fit(a, SPLIT);
            }
            try (Gan a = Gan.builder().noise(4).generator(16).discriminator(16).seed(3).device(device).build()) {
                gan.outputDirectory(whole.resolve("gan")).build().fit(a, SPLIT);
            }
            // 3 epochs of 3 steps: 9 steps in parts of k; every part but the last ends with a stop.
            int expectedStops = (9 + k - 1) / k - 1;
            int vaeStops;
            try (Vae b = Vae.builder().hidden(8).latent(2).seed(3).device(device).build()) {
                vaeStops = stopped(() -> vae.outputDirectory(parts.resolve("vae")).stopAfterSteps(k).build().fit(b, SPLIT));
            }
            for (boolean more = vaeStops > 0; more; ) {
                try (Vae loaded = Checkpoints.loadVae(parts.resolve("vae").resolve("checkpoint.safetensors"), device)) {
                    int s = stopped(() -> VaeTrainer.resuming(parts.resolve("vae")).stopAfterSteps(k).build().fit(loaded, SPLIT));
                    vaeStops += s;
                    more = s > 0;
                }
            }
            int ganStops;
            try (Gan b = Gan.builder().noise(4).generator(16).discriminator(16).seed(3).device(device).build()) {
                ganStops = stopped(() -> gan.outputDirectory(parts.resolve("gan")).stopAfterSteps(k).build().fit(b, SPLIT));
            }
            for (boolean more = ganStops > 0; more; ) {
                try (Gan loaded = Checkpoints.loadGan(parts.resolve("gan").resolve("checkpoint.safetensors"), device)) {
                    int s = stopped(() -> GanTrainer.resuming(parts.resolve("gan")).stopAfterSteps(k).build().fit(loaded, SPLIT));
                    ganStops += s;
                    more = s > 0;
                }
            }
            assertEquals(expectedStops, vaeStops, "the VAE's stops");
            assertEquals(expectedStops, ganStops, "the GAN's stops");
        }
        for (String model : new String[] {"vae", "gan"}) {
            for (String file : new String[] {"checkpoint.safetensors", "state.safetensors"}) {
                assertArrayEquals(Files.readAllBytes(whole.resolve(model).resolve(file)), Files.readAllBytes(parts.resolve(model).resolve(file)),
                        model + " " + file + " after parts of " + k + " steps");
            }
        }
    }

    /** Runs one part: 1 when it ended with a stop, 0 when it finished the run. */
    private static int stopped(Runnable part) {
        try {
            part.run();
            return 0;
        } catch (TrainingStoppedException stopped) {
            assertTrue(stopped.getMessage().startsWith("stopped "), stopped.getMessage());
            return 1;
        }
    }

    @Test
    void stoppingAfterStepsNeedsARunDirectoryAndACount() {
        assertThrows(IllegalArgumentException.class, () -> VaeTrainer.builder().stopAfterSteps(-1));
        IllegalArgumentException noDir = assertThrows(IllegalArgumentException.class, () -> GanTrainer.builder().stopAfterSteps(5).build());
        assertTrue(noDir.getMessage().contains("output directory"), noDir.getMessage());
    }

    @Test
    void onlyARunOfTheModelCanBeResumed() {
        Path vaeRun = dir.resolve("vae");
        try (Device device = Devices.java(); Vae vae = Vae.builder().hidden(8).latent(2).device(device).build()) {
            VaeTrainer.builder().epochs(1).batch(200).outputDirectory(vaeRun).build().fit(vae, SPLIT);
        }
        IllegalArgumentException gan = assertThrows(IllegalArgumentException.class, () -> GanTrainer.resuming(vaeRun));
        assertTrue(gan.getMessage().contains(vaeRun.toString()), gan.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> VaeTrainer.resuming(dir.resolve("nothing")));
        assertTrue(none.getMessage().contains("nothing"), none.getMessage());
    }
}
