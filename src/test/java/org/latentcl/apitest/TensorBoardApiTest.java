package org.latentcl.apitest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.Device;
import org.latentcl.Devices;
import org.latentcl.EpochMetrics;
import org.latentcl.Gan;
import org.latentcl.GanEpochMetrics;
import org.latentcl.GanTrainer;
import org.latentcl.Vae;
import org.latentcl.VaeTrainer;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Datasets;
import org.latentcl.io.TensorBoardReader;

/** {@code tensorboard(true)}: every number of every epoch's metrics line and its pictures, read back by an independent reader. */
class TensorBoardApiTest {
    private static final Dataset DIGITS = Datasets.load("default").train().head(600);
    private static final DataSplit SPLIT = new DataSplit(DIGITS, DIGITS.head(50), "first 50");

    @TempDir
    Path dir;

    private static List<Path> eventFiles(Path run) throws Exception {
        try (Stream<Path> files = Files.list(run)) {
            return files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).sorted().toList();
        }
    }

    /** The scalar a file holds for a tag at a step. */
    private static float scalar(List<TensorBoardReader.Event> events, String tag, long step) {
        return events.stream().filter(e -> e.step() == step).flatMap(e -> e.values().stream())
                .filter(v -> v.tag().equals(tag) && v.scalar() != null).findFirst().orElseThrow(() -> new AssertionError(tag + " at " + step))
                .scalar();
    }

    @Test
    void aVaeRunWritesItsMetricsAndPicturesEveryEpochAndAResumeAFileOfItsOwn() throws Exception {
        Path run = dir.resolve("vae");
        double before = System.currentTimeMillis() / 1000.0;
        try (Device device = Devices.java(); Vae vae = Vae.builder().hidden(8).latent(2).device(device).build()) {
            List<EpochMetrics> history = VaeTrainer.builder().epochs(2).batch(200).outputDirectory(run).tensorboard(true).build().fit(vae, SPLIT);
            List<Path> files = eventFiles(run);
            assertEquals(1, files.size(), files.toString());
            List<TensorBoardReader.Event> events = TensorBoardReader.read(Files.readAllBytes(files.get(0)));
            assertEquals("brain.Event:2", events.get(0).fileVersion());
            double after = System.currentTimeMillis() / 1000.0;
            for (TensorBoardReader.Event e : events) {
                assertTrue(e.wallTime() >= before - 1 && e.wallTime() <= after + 1, "wall time in seconds since 1970: " + e.wallTime());
            }
            for (EpochMetrics m : history) {
                for (Map.Entry<String, Object> e : m.toMap().entrySet()) {
                    if (!e.getKey().equals("epoch") && e.getValue() instanceof Number n) {
                        assertEquals(n.floatValue(), scalar(events, e.getKey(), m.epoch()), e.getKey() + " of epoch " + m.epoch());
                    }
                }
            }
            TensorBoardReader.Value samples = events.stream().filter(e -> e.step() == 2).flatMap(e -> e.values().stream())
                    .filter(v -> v.tag().equals("samples")).findFirst().orElseThrow();
            assertArrayEquals(Files.readAllBytes(run.resolve("samples.png")), samples.png(), "the last epoch's samples.png");
            assertTrue(events.stream().anyMatch(e -> e.step() == 1 && e.values().stream().anyMatch(v -> v.tag().equals("reconstructions"))));

            VaeTrainer.builder().epochs(3).batch(200).outputDirectory(run).resume(true).tensorboard(true).build().fit(vae, SPLIT);
            assertEquals(2, eventFiles(run).size(), "the resumed part writes a file of its own");
        }
        assertThrows(IllegalArgumentException.class, () -> VaeTrainer.builder().tensorboard(true).build(), "no output directory");
    }

    @Test
    void aGanRunWritesItsLossesAndJudgments() throws Exception {
        Path run = dir.resolve("gan");
        try (Device device = Devices.java(); Gan gan = Gan.builder().noise(4).generator(16).discriminator(16).device(device).build()) {
            List<GanEpochMetrics> history = GanTrainer.builder().epochs(1).batch(100).outputDirectory(run).tensorboard(true).build().fit(gan, SPLIT);
            List<TensorBoardReader.Event> events = TensorBoardReader.read(Files.readAllBytes(eventFiles(run).get(0)));
            GanEpochMetrics m = history.get(0);
            assertEquals((float) m.dLoss(), scalar(events, "d_loss", 1), 1e-3f);
            assertEquals((float) m.dFake(), scalar(events, "d_fake", 1), 1e-3f);
            assertTrue(events.stream().anyMatch(e -> e.values().stream().anyMatch(v -> v.tag().equals("samples") && v.width() > 0)));
        }
    }
}
