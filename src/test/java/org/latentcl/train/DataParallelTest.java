package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.TestBackends;
import org.latentcl.data.DataSplit;
import org.latentcl.data.Dataset;
import org.latentcl.data.Decoder;
import org.latentcl.model.GanConfig;
import org.latentcl.model.GanNetwork;
import org.latentcl.model.ImageShape;
import org.latentcl.model.VaeConfig;
import org.latentcl.model.VaeNetwork;
import org.latentcl.nn.Parameters;

/**
 * Data parallelism is exact: one device through the parallel path is the plain path bit for bit,
 * two runs on two devices agree bit for bit, and two devices compute the gradients of one device at
 * the same global batch (up to the order of float sums). "cl" puts the two replicas on two
 * contexts of the test's OpenCL device; "mixed" puts one on it and one on the Java backend.
 */
class DataParallelTest {
    private static final VaeConfig MLP_VAE = new VaeConfig(12, new int[] {9}, 2, Decoder.BERNOULLI, 1f);
    private static final VaeConfig CONV_VAE = new VaeConfig(64, new int[] {3, 2}, 3, Decoder.BERNOULLI, 1f, new ImageShape(1, 8, 8));
    private static final GanConfig MLP_GAN = new GanConfig(12, 8, new int[] {10}, new int[] {11}, true, GanConfig.Loss.NONSATURATING)
            .with(new GanConfig.Stabilizers(true, 2, false));
    private static final GanConfig DCGAN = GanConfig.dcgan(new ImageShape(1, 16, 16), 3, 2, 2, GanConfig.Loss.NONSATURATING);

    private static Backend[] two(String kind) {
        return switch (kind) {
            case "java" -> new Backend[] {TestBackends.java(), TestBackends.named("java-plain")};
            case "cl" -> new Backend[] {TestBackends.cl(), TestBackends.secondCl()};
            case "mixed" -> new Backend[] {TestBackends.cl(), TestBackends.java()};
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static DataSplit data(int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        Dataset train = cols == 64 || cols == 256 ? new Dataset("t", v, rows, cols, null, 1, (int) Math.sqrt(cols), (int) Math.sqrt(cols))
                : Dataset.ofRows("t", v, rows, cols);
        return new DataSplit(train, train.head(Math.min(rows, 5)), "test");
    }

    private static VaeTraining.Options vaeOptions(int epochs, int batch) {
        return new VaeTraining.Options(epochs, batch, 1e-2f, 3, null, false, "t");
    }

    private static GanTraining.Options ganOptions(int epochs, int batch) {
        return new GanTraining.Options(epochs, batch, 2e-3f, 0.5f, 1, 3, null, "t", false, 4e-3f, 1f, 0.1f, 0, false, false);
    }

    /** Trains VAEs on the given backends (the plain path when {@code parallel} is false) and returns them, trained. */
    private static List<VaeNetwork> vaes(VaeConfig cfg, Backend[] on, boolean parallel, DataSplit data, VaeTraining.Options opt)
            throws IOException {
        List<VaeNetwork> replicas = new ArrayList<>();
        for (Backend be : on) {
            VaeNetwork v = new VaeNetwork(be, cfg, opt.batch());
            v.parameters().initialize(11);
            replicas.add(v);
        }
        if (parallel) {
            VaeTraining.train(replicas, new ParallelOptions(ids(on.length), false), data, opt, new RunListener() { });
        } else {
            VaeTraining.train(replicas.get(0), data, opt, new RunListener() { });
        }
        return replicas;
    }

    private static List<GanNetwork> gans(GanConfig cfg, Backend[] on, boolean parallel, DataSplit data, GanTraining.Options opt)
            throws IOException {
        List<GanNetwork> replicas = new ArrayList<>();
        for (Backend be : on) {
            GanNetwork g = new GanNetwork(be, cfg, opt.batch() * opt.fakesPerReal());
            g.initialize(11);
            replicas.add(g);
        }
        if (parallel) {
            GanTraining.train(replicas, new ParallelOptions(ids(on.length), false), data, opt, new RunListener() { });
        } else {
            GanTraining.train(replicas.get(0), data, opt, new RunListener() { });
        }
        return replicas;
    }

    private static List<String> ids(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("d" + i);
        }
        return out;
    }

    private static void closeAll(List<? extends AutoCloseable> models) throws Exception {
        for (AutoCloseable m : models) {
            m.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void oneDeviceThroughTheParallelPathIsThePlainPath(String kind) throws Exception {
        Backend be = two(kind)[0];
        DataSplit d = data(150, 12, 5);
        for (VaeConfig cfg : new VaeConfig[] {MLP_VAE, CONV_VAE}) {
            DataSplit dd = cfg == CONV_VAE ? data(150, 64, 5) : d;
            List<VaeNetwork> plain = vaes(cfg, new Backend[] {be}, false, dd, vaeOptions(2, 33));
            List<VaeNetwork> parallel = vaes(cfg, new Backend[] {be}, true, dd, vaeOptions(2, 33));
            assertArrayEquals(values(plain.get(0).parameters()), values(parallel.get(0).parameters()), cfg + " on one device");
            closeAll(plain);
            closeAll(parallel);
        }
        for (GanConfig cfg : new GanConfig[] {MLP_GAN, DCGAN}) {
            DataSplit dd = data(150, cfg.data(), 6);
            List<GanNetwork> plain = gans(cfg, new Backend[] {be}, false, dd, ganOptions(2, 34));
            List<GanNetwork> parallel = gans(cfg, new Backend[] {be}, true, dd, ganOptions(2, 34));
            assertArrayEquals(values(plain.get(0).discriminatorParameters()), values(parallel.get(0).discriminatorParameters()));
            assertArrayEquals(values(plain.get(0).generatorParameters()), values(parallel.get(0).generatorParameters()));
            closeAll(plain);
            closeAll(parallel);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void twoRunsOnTwoDevicesGiveTheSameBits(String kind) throws Exception {
        Backend[] on = two(kind);
        DataSplit d = data(100, 12, 7);
        List<VaeNetwork> a = vaes(MLP_VAE, on, true, d, vaeOptions(2, 33));
        List<VaeNetwork> b = vaes(MLP_VAE, on, true, d, vaeOptions(2, 33));
        assertArrayEquals(values(a.get(0).parameters()), values(b.get(0).parameters()));
        // The replicas end equal too: every device took the same steps.
        assertArrayEquals(values(a.get(0).parameters()), values(a.get(1).parameters()));
        closeAll(a);
        closeAll(b);
        DataSplit g = data(256, 256, 8);
        List<GanNetwork> ga = gans(DCGAN, on, true, g, ganOptions(1, 64));
        List<GanNetwork> gb = gans(DCGAN, on, true, g, ganOptions(1, 64));
        assertArrayEquals(values(ga.get(0).generatorParameters()), values(gb.get(0).generatorParameters()));
        assertArrayEquals(values(ga.get(0).discriminatorParameters()), values(gb.get(0).discriminatorParameters()));
        closeAll(ga);
        closeAll(gb);
    }

    /**
     * One step on two devices leaves the gradient of one step on one device at the same global
     * batch (the lead's gradient buffer holds the sum after the step), at batches that split evenly
     * and that do not (7 rows: 4 and 3).
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "cl", "mixed"})
    void twoDevicesComputeOneDevicesGradients(String kind) throws Exception {
        Backend[] on = two(kind);
        for (int batch : new int[] {7, 64}) {
            for (VaeConfig cfg : new VaeConfig[] {MLP_VAE, CONV_VAE}) {
                DataSplit d = data(batch, cfg.input(), batch);
                List<VaeNetwork> one = vaes(cfg, new Backend[] {on[0]}, false, d, vaeOptions(1, batch));
                List<VaeNetwork> both = vaes(cfg, on, true, d, vaeOptions(1, batch));
                assertClose(grads(one.get(0).parameters()), grads(both.get(0).parameters()), 1e-5, cfg + " batch " + batch);
                closeAll(one);
                closeAll(both);
            }
            DataSplit d = data(batch + 3, 12, batch);
            GanTraining.Options opt = ganOptions(1, batch + 3);
            List<GanNetwork> one = gans(MLP_GAN, new Backend[] {on[0]}, false, d, opt);
            List<GanNetwork> both = gans(MLP_GAN, on, true, d, opt);
            assertClose(grads(one.get(0).discriminatorParameters()), grads(both.get(0).discriminatorParameters()), 1e-5, "D, batch " + batch);
            assertClose(grads(one.get(0).generatorParameters()), grads(both.get(0).generatorParameters()), 1e-5, "G, batch " + batch);
            closeAll(one);
            closeAll(both);
        }
    }

    /**
     * The gradient penalties sharded over two devices, with packs of 2: R1 on each device's real rows, and WGAN-GP's
     * interpolates, whose uniform draws take one Philox block per example so each shard draws its own rows' values: two
     * devices compute one device's gradients, at an even and an uneven split.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "mixed"})
    void penalizedGansOnTwoDevicesComputeOneDevicesGradients(String kind) throws Exception {
        assertTwoDevicesComputeOnesGradients(MLP_GAN.with(new GanConfig.Stabilizers(false, 2, false)), two(kind),
                o -> new GanTraining.Options(o.epochs(), o.batch(), o.lr(), o.beta1(), o.k(), o.seed(), o.out(), o.data(),
                        false, o.dLr(), o.realLabel(), 0f, 0, false, false, 0f, null, 0.5f, 1, 2f));
    }

    /**
     * Two devices compute one device's gradients of both networks after an epoch, with the options {@code options} makes of
     * {@link #ganOptions}, at batches of 6 and 64 (of 9 and 67 rows: an even and an uneven split).
     */
    private static void assertTwoDevicesComputeOnesGradients(GanConfig gan, Backend[] on,
                                                             java.util.function.UnaryOperator<GanTraining.Options> options) throws Exception {
        for (int batch : new int[] {6, 64}) {
            DataSplit d = data(batch + 3, 12, batch);
            GanTraining.Options opt = options.apply(ganOptions(1, batch + 3));
            List<GanNetwork> one = gans(gan, new Backend[] {on[0]}, false, d, opt);
            List<GanNetwork> both = gans(gan, on, true, d, opt);
            assertClose(grads(one.get(0).discriminatorParameters()), grads(both.get(0).discriminatorParameters()), 1e-5, "D, batch " + batch);
            assertClose(grads(one.get(0).generatorParameters()), grads(both.get(0).generatorParameters()), 1e-5, "G, batch " + batch);
            closeAll(one);
            closeAll(both);
        }
    }

    /**
     * Three generated examples per real one, sharded over two devices with packs of 2, instance noise and WGAN-GP: each
     * device draws the noise of its own real rows' generated examples (three rows' worth per real row, on a Philox block)
     * and interpolates each real row with its own first generated one, so two devices compute one device's gradients, at
     * an even and an uneven split; and the step's losses are each side's mean, so the shards' gradients add up to the batch's.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "mixed"})
    void moreGeneratedExamplesOnTwoDevicesComputeOneDevicesGradients(String kind) throws Exception {
        assertTwoDevicesComputeOnesGradients(MLP_GAN, two(kind),
                o -> new GanTraining.Options(o.epochs(), o.batch(), o.lr(), o.beta1(), o.k(), o.seed(), o.out(), o.data(),
                        false, o.dLr(), o.realLabel(), o.instanceNoise(), 0, false, false, 0f, null, 0f, 1, 2f, 3));
    }

    /**
     * A GAN in the data's standardized units with the residual generator, sharded over two devices: the lead takes the
     * training data's moments and its replica gets them with the weights, so two devices compute one device's gradients.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "mixed"})
    void standardizedGansOnTwoDevicesComputeOneDevicesGradients(String kind) throws Exception {
        Backend[] on = two(kind);
        GanConfig gan = new GanConfig(12, 12, new int[] {10}, new int[] {11}, false, GanConfig.Loss.NONSATURATING).withScaling(true, true);
        for (int batch : new int[] {7, 64}) {
            DataSplit d = data(batch + 3, 12, batch);
            GanTraining.Options opt = ganOptions(1, batch + 3);
            List<GanNetwork> one = gans(gan, new Backend[] {on[0]}, false, d, opt);
            List<GanNetwork> both = gans(gan, on, true, d, opt);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(one.get(0).generatorBuffers().get(i).read(), both.get(1).generatorBuffers().get(i).read(), "the replica's moments");
            }
            assertClose(grads(one.get(0).discriminatorParameters()), grads(both.get(0).discriminatorParameters()), 1e-5, "D, batch " + batch);
            assertClose(grads(one.get(0).generatorParameters()), grads(both.get(0).generatorParameters()), 1e-5, "G, batch " + batch);
            closeAll(one);
            closeAll(both);
        }
    }

    /**
     * Conditional models sharded over two devices: each device's rows carry their own one-hot
     * classes (the label here is a function of the example, the largest of its first three values),
     * so two devices compute one device's gradients, at an even and an uneven split.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "mixed"})
    void conditionalModelsOnTwoDevicesComputeOneDevicesGradients(String kind) throws Exception {
        Backend[] on = two(kind);
        for (int batch : new int[] {7, 64}) {
            DataSplit plain = data(batch + 3, 12, batch);
            int[] labels = new int[plain.train().rows()];
            float[] v = plain.train().values();
            for (int r = 0; r < labels.length; r++) {
                labels[r] = v[r * 12] > v[r * 12 + 1] ? (v[r * 12] > v[r * 12 + 2] ? 0 : 2) : (v[r * 12 + 1] > v[r * 12 + 2] ? 1 : 2);
            }
            Dataset labelled = new Dataset("t", v, labels.length, 12, labels, 0, 0);
            DataSplit d = new DataSplit(labelled, labelled.head(5), "test");
            VaeConfig vae = MLP_VAE.conditional(3);
            List<VaeNetwork> one = vaes(vae, new Backend[] {on[0]}, false, d, vaeOptions(1, batch));
            List<VaeNetwork> both = vaes(vae, on, true, d, vaeOptions(1, batch));
            assertClose(grads(one.get(0).parameters()), grads(both.get(0).parameters()), 1e-5, "conditional VAE, batch " + batch);
            closeAll(one);
            closeAll(both);
            GanConfig gan = MLP_GAN.with(new GanConfig.Stabilizers(true, 1, false)).conditional(3);
            GanTraining.Options opt = ganOptions(1, batch + 3);
            List<GanNetwork> gOne = gans(gan, new Backend[] {on[0]}, false, d, opt);
            List<GanNetwork> gBoth = gans(gan, on, true, d, opt);
            assertClose(grads(gOne.get(0).discriminatorParameters()), grads(gBoth.get(0).discriminatorParameters()), 1e-5,
                    "conditional D, batch " + batch);
            assertClose(grads(gOne.get(0).generatorParameters()), grads(gBoth.get(0).generatorParameters()), 1e-5,
                    "conditional G, batch " + batch);
            closeAll(gOne);
            closeAll(gBoth);
        }
    }

    /**
     * --balance with known speeds 3 : 1 (measured speeds are timing, not testable to the row): after epoch 1's even
     * shards the run announces the new split of a batch of 64, 48 + 16, and epoch 2's uneven step sums to one device's
     * gradient within 1e-5, for the VAE and the GAN (whose pack of 2 keeps the boundary on a whole pack).
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "mixed"})
    void balancedShardsFollowTheSpeedsAndSumToOneDevicesGradient(String kind) throws Exception {
        Backend[] on = two(kind);
        ParallelOptions balanced = new ParallelOptions(ids(2), true, List.of(3.0, 1.0));
        DataSplit d = data(64, 12, 21);
        List<String> said = new ArrayList<>();
        RunListener log = new RunListener() {
            @Override
            public void info(String message) {
                said.add(message);
            }
        };
        List<VaeNetwork> one = vaes(MLP_VAE, new Backend[] {on[0]}, false, d, vaeOptions(2, 64));
        List<VaeNetwork> both = new ArrayList<>();
        for (Backend be : on) {
            VaeNetwork v = new VaeNetwork(be, MLP_VAE, 64);
            v.parameters().initialize(11);
            both.add(v);
        }
        VaeTraining.train(both, balanced, d, vaeOptions(2, 64), log);
        assertEquals(List.of("data parallel over 2 devices; a batch of 64 is split d0 32 + d1 32",
                "epoch 1 measured the devices' speed; a batch of 64 is now split d0 48 + d1 16"), said);
        assertClose(grads(one.get(0).parameters()), grads(both.get(0).parameters()), 1e-5, "VAE at 48 + 16");
        closeAll(one);
        closeAll(both);
        said.clear();
        List<GanNetwork> gOne = gans(MLP_GAN, new Backend[] {on[0]}, false, d, ganOptions(2, 64));
        List<GanNetwork> gBoth = new ArrayList<>();
        for (Backend be : on) {
            GanNetwork g = new GanNetwork(be, MLP_GAN, 64);
            g.initialize(11);
            gBoth.add(g);
        }
        GanTraining.train(gBoth, balanced, d, ganOptions(2, 64), log);
        assertEquals(List.of("data parallel over 2 devices; a batch of 64 is split d0 32 + d1 32",
                "epoch 1 measured the devices' speed; a batch of 64 is now split d0 48 + d1 16"), said);
        assertClose(grads(gOne.get(0).discriminatorParameters()), grads(gBoth.get(0).discriminatorParameters()), 1e-5, "D at 48 + 16");
        assertClose(grads(gOne.get(0).generatorParameters()), grads(gBoth.get(0).generatorParameters()), 1e-5, "G at 48 + 16");
        closeAll(gOne);
        closeAll(gBoth);
    }

    /** Twenty steps later the parameters of two devices still agree with one device's to 1e-4. */
    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void twentyStepsOnTwoDevicesTrackOneDevice(String kind) throws Exception {
        Backend[] on = two(kind);
        DataSplit d = data(20 * 33, 12, 9);
        List<VaeNetwork> one = vaes(MLP_VAE, new Backend[] {on[0]}, false, d, vaeOptions(1, 33));
        List<VaeNetwork> both = vaes(MLP_VAE, on, true, d, vaeOptions(1, 33));
        assertClose(values(one.get(0).parameters()), values(both.get(0).parameters()), 1e-4, "VAE after 20 steps");
        closeAll(one);
        closeAll(both);
        DataSplit g = data(20 * 34, 12, 10);
        List<GanNetwork> gOne = gans(MLP_GAN, new Backend[] {on[0]}, false, g, ganOptions(1, 34));
        List<GanNetwork> gBoth = gans(MLP_GAN, on, true, g, ganOptions(1, 34));
        assertClose(values(gOne.get(0).generatorParameters()), values(gBoth.get(0).generatorParameters()), 1e-4, "G after 20 steps");
        assertClose(values(gOne.get(0).discriminatorParameters()), values(gBoth.get(0).discriminatorParameters()), 1e-4, "D after 20 steps");
        closeAll(gOne);
        closeAll(gBoth);
    }

    /**
     * A device that fails in the middle of epoch 2 (here: its gradient buffer is gone) ends the run
     * with one message naming the cause, and the checkpoint of epoch 1 stays intact.
     */
    @org.junit.jupiter.api.Test
    void aDeviceFailingMidRunEndsTheRunWithTheLastCheckpointIntact(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Backend[] on = {TestBackends.java(), new org.latentcl.backend.JavaBackend(1, false)};
        List<VaeNetwork> replicas = new ArrayList<>();
        for (Backend be : on) {
            VaeNetwork v = new VaeNetwork(be, MLP_VAE, 32);
            v.parameters().initialize(11);
            replicas.add(v);
        }
        RunListener failSecondDevice = new RunListener() {
            @Override
            public void step(int epoch, int step, int steps, java.util.function.DoubleSupplier loss) {
                if (epoch == 2 && step == 2) {
                    replicas.get(1).parameters().grads().close();
                }
            }
        };
        VaeTraining.Options opt = new VaeTraining.Options(3, 32, 1e-2f, 3, dir, false, "t");
        RunFailedException e = org.junit.jupiter.api.Assertions.assertThrows(RunFailedException.class,
                () -> VaeTraining.train(replicas, new ParallelOptions(List.of("java", "java-1"), false), data(100, 12, 3), opt, failSecondDevice));
        assertTrue(e.getMessage().startsWith("training failed in epoch 2: java-1 failed: tensor 1x"), e.getMessage());
        assertTrue(e.getMessage().contains("is closed. The checkpoint from the end of epoch 1 is intact in " + dir), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
        var saved = org.latentcl.io.Safetensors.read(dir.resolve(RunFiles.CHECKPOINT));
        assertEquals("1", saved.metadata().get("epoch"));
        closeAll(replicas);
        on[1].close();
    }

    private static float[] values(Parameters p) {
        return p.backend().read(p.values());
    }

    private static float[] grads(Parameters p) {
        return p.backend().read(p.grads());
    }

    /** Relative error in the largest component: max |a - b| over max |a|. */
    private static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length);
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        assertTrue(scale > 0, what + ": the reference is all zeros");
        assertTrue(diff <= tolerance * scale, what + ": relative error " + diff / scale + " > " + tolerance);
    }

}
