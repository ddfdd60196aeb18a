package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;
import org.latentcl.data.Decoder;
import org.latentcl.io.Safetensors;
import org.latentcl.model.GanConfig;
import org.latentcl.model.GanNetwork;
import org.latentcl.model.ImageShape;
import org.latentcl.model.VaeConfig;
import org.latentcl.model.VaeNetwork;
import org.latentcl.nn.RandomStream;

/** Safetensors writing and reading, VAE checkpoints, and every malformed file we can think of. */
class CheckpointFilesTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsNamesShapesValuesAndMetadata() throws IOException {
        Path f = dir.resolve("t.safetensors");
        Safetensors.write(f, Map.of("k", "v \"quoted\""), List.of(
                new Safetensors.Entry("a.weight", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, Float.NaN}),
                new Safetensors.Entry("a.bias", new int[] {2}, new float[] {-0f, 1e-30f})));
        Safetensors.Contents c = Safetensors.read(f);
        assertEquals("v \"quoted\"", c.metadata().get("k"));
        assertArrayEquals(new int[] {2, 3}, c.tensors().get("a.weight").shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, Float.NaN}, c.tensors().get("a.weight").data());
        assertArrayEquals(new float[] {-0f, 1e-30f}, c.tensors().get("a.bias").data());
        byte[] raw = Files.readAllBytes(f);
        long headerLen = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, headerLen % 8, "the header is padded to 8 bytes");
        assertEquals(8 + headerLen + 8 * 4, raw.length);
    }

    @Test
    void vaeCheckpointUsesPyTorchNamesAndShapes() throws IOException {
        VaeConfig cfg = new VaeConfig(12, new int[] {8, 6}, 3, Decoder.GAUSSIAN, 0.5f);
        Path f = dir.resolve("vae.safetensors");
        try (VaeNetwork vae = new VaeNetwork(TestBackends.java(), cfg, 4)) {
            vae.parameters().initialize(5);
            VaeCheckpoint.save(vae, f, Map.of());
            Safetensors.Contents c = Safetensors.read(f);
            assertEquals(List.of("enc.0.weight", "enc.0.bias", "enc.1.weight", "enc.1.bias", "mu.weight", "mu.bias",
                    "logvar.weight", "logvar.bias", "dec.0.weight", "dec.0.bias", "dec.1.weight", "dec.1.bias",
                    "dec.2.weight", "dec.2.bias"), List.copyOf(c.tensors().keySet()));
            assertArrayEquals(new int[] {8, 12}, c.tensors().get("enc.0.weight").shape());
            assertArrayEquals(new int[] {8}, c.tensors().get("enc.0.bias").shape());
            assertArrayEquals(new int[] {6, 3}, c.tensors().get("dec.0.weight").shape());
            assertArrayEquals(new int[] {12, 8}, c.tensors().get("dec.2.weight").shape());
            assertEquals("vae", c.metadata().get("model"));
            assertEquals(cfg, VaeCheckpoint.config(c, f));
            try (VaeNetwork copy = new VaeNetwork(TestBackends.java(), cfg, 4)) {
                VaeCheckpoint.load(copy, c, f);
                assertArrayEquals(TestBackends.java().read(vae.parameters().values()), TestBackends.java().read(copy.parameters().values()));
            }
        }
    }

    private String error(Path f) {
        return assertThrows(IllegalArgumentException.class, () -> Safetensors.read(f)).getMessage();
    }

    private Path raw(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = dir.resolve("bad-" + System.nanoTime() + ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    @Test
    void malformedFilesAreRejectedWithTheReason() throws IOException {
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertTrue(error(tiny).contains("not a safetensors file"));
        Path huge = dir.resolve("huge");
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        assertTrue(error(huge).contains("header length 1000 does not fit"));
        assertTrue(error(raw("{\"a\": ", 0)).contains("not valid JSON"));
        assertTrue(error(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", 8)).contains("outside the 8 data bytes"));
        assertTrue(error(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12)).contains("overlap"));
        assertTrue(error(raw("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4)).contains("dtype F16"));
        assertTrue(error(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8)).contains("needs 12 bytes"));
        assertTrue(error(dir.resolve("absent")).contains("no such file"));
    }

    @Test
    void checkpointsOfOtherModelsOrShapesAreRejected() throws IOException {
        Path gan = dir.resolve("gan.safetensors");
        Safetensors.write(gan, Map.of("model", "gan"), List.of(new Safetensors.Entry("gen.0.weight", new int[] {1}, new float[] {1})));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VaeCheckpoint.config(Safetensors.read(gan), gan));
        assertTrue(e.getMessage().contains("is a gan checkpoint, but a VAE checkpoint is needed"), e.getMessage());
        Path plain = dir.resolve("plain.safetensors");
        Safetensors.write(plain, Map.of(), List.of());
        e = assertThrows(IllegalArgumentException.class, () -> VaeCheckpoint.config(Safetensors.read(plain), plain));
        assertTrue(e.getMessage().contains("not a LatentCL checkpoint"), e.getMessage());
        VaeConfig small = new VaeConfig(12, new int[] {8}, 3, Decoder.BERNOULLI, 1f);
        VaeConfig wide = new VaeConfig(12, new int[] {9}, 3, Decoder.BERNOULLI, 1f);
        Path f = dir.resolve("small.safetensors");
        try (VaeNetwork a = new VaeNetwork(TestBackends.java(), small, 2); VaeNetwork b = new VaeNetwork(TestBackends.java(), wide, 2)) {
            VaeCheckpoint.save(a, f, Map.of());
            e = assertThrows(IllegalArgumentException.class, () -> VaeCheckpoint.load(b, Safetensors.read(f), f));
            assertTrue(e.getMessage().contains("tensor enc.0.weight has shape [8, 12], but the configuration needs 9x12"), e.getMessage());
        }
    }

    /** Convolution, transposed convolution and batch-norm parameters go to the file in PyTorch's shapes, and come back. */
    @Test
    void convolutionalParametersUsePyTorchShapes() throws IOException {
        org.latentcl.nn.Conv2d conv = new org.latentcl.nn.Conv2d("enc.0", 1, 32, 28, 28, 4, 2, 1, 2);
        org.latentcl.nn.ConvTranspose2d up = new org.latentcl.nn.ConvTranspose2d("dec.3", 64, 32, 7, 7, 4, 2, 1, 0, 2);
        org.latentcl.nn.BatchNorm2d bn = new org.latentcl.nn.BatchNorm2d("main.1", 32, 196);
        List<org.latentcl.nn.ParamSpec> specs = new java.util.ArrayList<>(conv.specs());
        specs.addAll(up.specs());
        specs.addAll(bn.specs());
        Path f = dir.resolve("conv.safetensors");
        try (org.latentcl.nn.Parameters p = new org.latentcl.nn.Parameters(TestBackends.java(), specs)) {
            p.initialize(4);
            Safetensors.write(f, Map.of(), CheckpointFiles.entries(p));
            Safetensors.Contents c = Safetensors.read(f);
            assertArrayEquals(new int[] {32, 1, 4, 4}, c.tensors().get("enc.0.weight").shape());
            assertArrayEquals(new int[] {32}, c.tensors().get("enc.0.bias").shape());
            assertArrayEquals(new int[] {64, 32, 4, 4}, c.tensors().get("dec.3.weight").shape());
            assertArrayEquals(new int[] {32}, c.tensors().get("dec.3.bias").shape());
            assertArrayEquals(new int[] {32}, c.tensors().get("main.1.weight").shape());
            try (org.latentcl.nn.Parameters q = new org.latentcl.nn.Parameters(TestBackends.java(), specs)) {
                CheckpointFiles.load(q, c, f);
                assertArrayEquals(TestBackends.java().read(p.values()), TestBackends.java().read(q.values()));
            }
            // The same number of values in another shape is not the same tensor.
            Path g = dir.resolve("flat.safetensors");
            List<Safetensors.Entry> flat = new java.util.ArrayList<>();
            for (Safetensors.Entry e : CheckpointFiles.entries(p)) {
                flat.add(e.name().equals("enc.0.weight") ? new Safetensors.Entry(e.name(), new int[] {32, 16}, e.data()) : e);
            }
            Safetensors.write(g, Map.of(), flat);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CheckpointFiles.load(p, Safetensors.read(g), g));
            assertTrue(e.getMessage().contains("tensor enc.0.weight has shape [32, 16], but the configuration needs 32x1x4x4"),
                    e.getMessage());
        }
    }

    /**
     * A DCGAN checkpoint holds what PyTorch's state_dict of torch_ref.py's modules holds: bias-free
     * convolution weights in PyTorch's shapes, batch norm's weight and bias, and its buffers
     * running_mean, running_var and num_batches_tracked (int64, a scalar); all come back on another
     * backend, and a conv VAE's configuration (image shape, widths) survives the metadata.
     */
    @Test
    void dcganCheckpointsCarryBatchNormBuffers() throws IOException {
        GanConfig cfg = GanConfig.dcgan(new ImageShape(1, 28, 28), 100, 4, 4, GanConfig.Loss.NONSATURATING);
        Path f = dir.resolve("dcgan.safetensors");
        float[] x = TestBackends.uniform(new java.util.Random(2), 8 * 784, -1, 1);
        Map<String, float[]> saved;
        try (GanNetwork gan = new GanNetwork(TestBackends.java(), cfg, 8); Tensor tx = TestBackends.java().upload(x, 8, 784);
             Tensor stats = TestBackends.java().zeros(1, 4)) {
            gan.initialize(3);
            gan.discriminatorGradients(tx, new RandomStream(1, 0), stats, GanNetwork.StepOptions.PLAIN);
            gan.generatorGradients(stats, null, GanNetwork.StepOptions.PLAIN);
            GanCheckpoint.save(gan, f, Map.of());
            saved = gan.buffersToHost();
        }
        Safetensors.Contents c = Safetensors.read(f);
        assertArrayEquals(new int[] {100, 16, 4, 4}, c.tensors().get("gen.0.weight").shape());
        assertTrue(!c.tensors().containsKey("gen.0.bias"), "the DCGAN's convolutions have no bias");
        assertArrayEquals(new int[] {16}, c.tensors().get("gen.1.running_var").shape());
        assertEquals("I64", c.tensors().get("gen.1.num_batches_tracked").dtype());
        assertArrayEquals(new int[0], c.tensors().get("gen.1.num_batches_tracked").shape());
        assertEquals(1f, c.tensors().get("gen.1.num_batches_tracked").data()[0]);
        // The discriminator ran twice in its step and once in the generator's.
        assertEquals(3f, c.tensors().get("disc.3.num_batches_tracked").data()[0]);
        assertArrayEquals(new int[] {1, 16, 3, 3}, c.tensors().get("disc.8.weight").shape());
        try (GanNetwork back = GanCheckpoint.open(TestBackends.cl(), c, f, 8)) {
            assertEquals(cfg, back.config());
            Map<String, float[]> loaded = back.buffersToHost();
            assertEquals(saved.keySet(), loaded.keySet());
            for (String k : saved.keySet()) {
                assertArrayEquals(saved.get(k), loaded.get(k), k);
            }
        }
        VaeConfig conv = new VaeConfig(3 * 32 * 32, new int[] {8, 16}, 5, Decoder.BERNOULLI, 1f, new ImageShape(3, 32, 32));
        Path v = dir.resolve("convvae.safetensors");
        try (VaeNetwork vae = new VaeNetwork(TestBackends.java(), conv, 2)) {
            vae.parameters().initialize(1);
            VaeCheckpoint.save(vae, v, Map.of());
        }
        Safetensors.Contents cv = Safetensors.read(v);
        assertEquals(conv, VaeCheckpoint.config(cv, v));
        assertArrayEquals(new int[] {8, 3, 4, 4}, cv.tensors().get("enc.0.weight").shape());
        assertArrayEquals(new int[] {5, 16 * 8 * 8}, cv.tensors().get("mu.weight").shape());
        assertArrayEquals(new int[] {16, 8, 4, 4}, cv.tensors().get("dec.3.weight").shape());
        assertArrayEquals(new int[] {8, 3, 4, 4}, cv.tensors().get("dec.5.weight").shape());
    }

    /** A conv VAE's tensors under a configuration that says MLP (an edited or foreign file) are refused, naming the tensor. */
    @Test
    void aConvCheckpointReadAsAnMlpIsRefusedNamingTheTensor() throws IOException {
        VaeConfig conv = new VaeConfig(784, new int[] {4, 8}, 3, Decoder.BERNOULLI, 1f, new ImageShape(1, 28, 28));
        Path f = dir.resolve("conv.safetensors");
        try (VaeNetwork vae = new VaeNetwork(TestBackends.java(), conv, 2)) {
            vae.parameters().initialize(1);
            VaeCheckpoint.save(vae, f, Map.of());
        }
        Safetensors.Contents c = Safetensors.read(f);
        Map<String, String> meta = new java.util.LinkedHashMap<>(c.metadata());
        meta.put(RunFiles.CONFIG_KEY, meta.get(RunFiles.CONFIG_KEY).replace(",\"arch\":\"conv\"", ""));
        Path mlp = dir.resolve("as-mlp.safetensors");
        Safetensors.write(mlp, meta, List.copyOf(c.tensors().values()));
        Safetensors.Contents edited = Safetensors.read(mlp);
        assertTrue(!VaeCheckpoint.config(edited, mlp).convolutional());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VaeCheckpoint.open(TestBackends.java(), edited, mlp, 2).close());
        assertTrue(e.getMessage().contains("tensor enc.0.weight has shape [4, 1, 4, 4], but the configuration needs"), e.getMessage());
    }
}
