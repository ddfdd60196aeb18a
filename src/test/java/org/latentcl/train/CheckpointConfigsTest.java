package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.backend.TestBackends;
import org.latentcl.data.Decoder;
import org.latentcl.io.Safetensors;
import org.latentcl.model.GanConfig;
import org.latentcl.model.GanNetwork;
import org.latentcl.model.ImageShape;
import org.latentcl.model.VaeConfig;
import org.latentcl.model.VaeNetwork;

/**
 * Every configuration a checkpoint can hold comes back from its metadata as it was saved (the generator's batch norm,
 * maxout, a discriminator without batch norm, the conditional GANs with projection, the classifier head or
 * concatenation, the conditional and convolutional VAEs), and the optional keys stay out of checkpoints that do not
 * use them, so that other runs keep their bytes. metrics.jsonl is cut back to the epochs a resume keeps, and the GAN's
 * lines come back with their warnings.
 */
class CheckpointConfigsTest {
    @TempDir
    Path dir;

    private GanConfig savedAndRead(GanConfig cfg) throws IOException {
        Path f = dir.resolve("gan.safetensors");
        try (GanNetwork gan = new GanNetwork(TestBackends.java(), cfg, 4)) {
            gan.initialize(1);
            GanCheckpoint.save(gan, f, Map.of());
        }
        return GanCheckpoint.config(Safetensors.read(f), f);
    }

    @Test
    void ganConfigurationsComeBackFromTheirMetadata() throws IOException {
        GanConfig mlp = new GanConfig(6, 2, new int[] {8}, new int[] {8}, false, GanConfig.Loss.NONSATURATING);
        List<GanConfig> all = List.of(
                mlp,
                mlp.withGeneratorBatchNorm(true),
                mlp.with(GanConfig.Stabilizers.NONE.withMaxout(3)),
                mlp.conditional(4),
                mlp.conditional(4).withAuxClassifier(1.5f),
                mlp.conditional(4).concatenatingClasses(),
                mlp.withScaling(true, false),
                new GanConfig(2, 2, new int[] {8}, new int[] {8}, false, GanConfig.Loss.NONSATURATING).withScaling(true, true),
                new GanConfig(2, 2, new int[] {8}, new int[] {8}, false, GanConfig.Loss.NONSATURATING).withScaling(false, true),
                GanConfig.dcgan(new ImageShape(1, 16, 16), 5, 2, 2, GanConfig.Loss.HINGE).with(new GanConfig.Stabilizers(false, 1, false, false)));
        for (GanConfig cfg : all) {
            assertEquals(cfg, savedAndRead(cfg), cfg.toString());
        }
        Map<String, Object> plain = GanCheckpoint.configMap(mlp);
        for (String optional : new String[] {"gen_batch_norm", "disc_maxout", "disc_batch_norm", "classes", "conditioning", "aux_weight",
            "standardized", "gen_residual"}) {
            assertFalse(plain.containsKey(optional), optional + " is written only when used");
        }
        assertEquals(true, GanCheckpoint.configMap(mlp.withGeneratorBatchNorm(true)).get("gen_batch_norm"));
        assertEquals(3, GanCheckpoint.configMap(mlp.with(GanConfig.Stabilizers.NONE.withMaxout(3))).get("disc_maxout"));
        assertEquals("projection", GanCheckpoint.configMap(mlp.conditional(4)).get("conditioning"));
        assertFalse(GanCheckpoint.configMap(mlp.conditional(4)).containsKey("aux_weight"));
        assertEquals(1.5, GanCheckpoint.configMap(mlp.conditional(4).withAuxClassifier(1.5f)).get("aux_weight"));
        assertEquals("concat", GanCheckpoint.configMap(mlp.conditional(4).concatenatingClasses()).get("conditioning"));
    }

    /** A checkpoint opened for sampling generates with its saved average (ema.gen.*), not the trained generator beside it. */
    @Test
    void samplingOpensTheSavedAverage() throws IOException {
        GanConfig mlp = new GanConfig(6, 2, new int[] {8}, new int[] {8}, false, GanConfig.Loss.NONSATURATING);
        Path f = dir.resolve("gan.safetensors");
        Map<String, float[]> trained;
        try (GanNetwork gan = new GanNetwork(TestBackends.java(), mlp, 4)) {
            gan.initialize(1);
            trained = gan.generatorParameters().toHost();
            List<Safetensors.Entry> average = new java.util.ArrayList<>();
            for (var spec : gan.generatorParameters().specs().values()) {
                float[] v = trained.get(spec.name()).clone();
                for (int i = 0; i < v.length; i++) {
                    v[i] = 0.5f * v[i] + 0.01f;
                }
                average.add(new Safetensors.Entry("ema." + spec.name(), spec.shape(), v));
            }
            Files.write(f, GanCheckpoint.encode(gan, Map.of(), average));
        }
        Safetensors.Contents c = Safetensors.read(f);
        try (GanNetwork opened = GanCheckpoint.open(TestBackends.java(), c, f, 4)) {
            Map<String, float[]> used = opened.generatorParameters().toHost();
            for (String name : trained.keySet()) {
                assertArrayEquals(c.tensors().get("ema." + name).data(), used.get(name), name + " is the average's");
            }
        }
    }

    @Test
    void vaeConfigurationsComeBackFromTheirMetadata() throws IOException {
        List<VaeConfig> all = List.of(
                new VaeConfig(12, new int[] {8}, 3, Decoder.BERNOULLI, 1f),
                new VaeConfig(12, new int[] {8}, 3, Decoder.GAUSSIAN, 0.5f).conditional(5),
                new VaeConfig(64, new int[] {4, 8}, 3, Decoder.BERNOULLI, 1f, new ImageShape(1, 8, 8)),
                new VaeConfig(64, new int[] {4, 8}, 3, Decoder.BERNOULLI, 1f, new ImageShape(1, 8, 8)).conditional(3));
        for (VaeConfig cfg : all) {
            Path f = dir.resolve("vae.safetensors");
            try (VaeNetwork vae = new VaeNetwork(TestBackends.java(), cfg, 4)) {
                vae.initialize(1);
                VaeCheckpoint.save(vae, f, Map.of());
            }
            assertEquals(cfg, VaeCheckpoint.config(Safetensors.read(f), f), cfg.toString());
        }
        Map<String, Object> plain = VaeCheckpoint.configMap(all.get(0));
        assertFalse(plain.containsKey("classes") || plain.containsKey("arch") || plain.containsKey("image"), String.valueOf(plain));
        assertEquals(5, VaeCheckpoint.configMap(all.get(1)).get("classes"));
        assertEquals("conv", VaeCheckpoint.configMap(all.get(2)).get("arch"));
    }

    @Test
    void metricsAreCutBackToTheEpochsKept() throws IOException {
        Path f = dir.resolve("metrics.jsonl");
        String one = "{\"epoch\":1,\"d_loss\":0.5,\"g_loss\":2.0,\"device_buffers\":12,\"warnings\":[\"possible mode collapse\"]}";
        String two = "{\"epoch\":2,\"d_loss\":0.25,\"device\":\"java\"}";
        String three = "{\"epoch\":3,\"d_loss\":0.125}";
        Files.writeString(f, one + "\n\n" + two + "\n" + three + "\n");
        List<Map<?, ?>> kept = MetricsFile.keepEpochs(f, 2);
        assertEquals(2, kept.size());
        assertEquals(one + "\n" + two + "\n", Files.readString(f, StandardCharsets.UTF_8), "the third epoch's line is dropped from the file");
        assertEquals(0.5, MetricsFile.num(kept.get(0), "d_loss"));
        assertTrue(Double.isNaN(MetricsFile.num(kept.get(1), "g_loss")), "absent: NaN");
        assertEquals(12, MetricsFile.buffers(kept.get(0)));
        assertEquals(-1, MetricsFile.buffers(kept.get(1)));
        Files.writeString(f, one + "\n" + two + "\n");
        List<GanEpochStats> stats = GanResume.readMetrics(f, 5);
        assertEquals(List.of("possible mode collapse"), stats.get(0).warnings());
        assertEquals(List.of(), stats.get(1).warnings());
        assertEquals(2.0, stats.get(0).gLoss());
        assertEquals("java", stats.get(1).device());
        assertEquals(0, MetricsFile.keepEpochs(f, 0).size());
        assertEquals("", Files.readString(f), "no epoch kept: an empty file");
        assertArrayEquals(new Object[0], MetricsFile.keepEpochs(dir.resolve("none.jsonl"), 3).toArray(), "no file: no lines");
    }
}
