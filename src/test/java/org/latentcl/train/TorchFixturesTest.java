package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;
import org.latentcl.io.Safetensors;
import org.latentcl.model.GanNetwork;
import org.latentcl.model.VaeNetwork;
import org.latentcl.nn.Buffer;
import org.latentcl.nn.Parameters;

/**
 * Checkpoints PyTorch wrote ({@code tools/torch-fixtures.py}), read through LatentCL's checkpoint code, give
 * PyTorch's outputs and gradients for the same inputs within 1e-5: Conv2d, ConvTranspose2d, Linear and the class
 * prior of a conditional conv VAE; ConvTranspose2d and BatchNorm2d in evaluation mode (the running statistics
 * loaded) and in training mode (the batch's statistics, the running ones after the step) in a DCGAN; spectral
 * norm (its loaded vectors and one power iteration), the projection's embedding and the auxiliary classifier
 * (AC-GAN) in a conditional MLP GAN. A
 * layout that LatentCL's writer and reader got wrong alike passes a round trip, not these.
 */
class TorchFixturesTest {
    private static Safetensors.Contents read(String name) throws URISyntaxException {
        return Safetensors.read(file(name));
    }

    private static Path file(String name) throws URISyntaxException {
        return Path.of(TorchFixturesTest.class.getResource("/torch/" + name).toURI());
    }

    private static float[] t(Safetensors.Contents c, String name) {
        Safetensors.Entry e = c.tensors().get(name);
        if (e == null) {
            throw new AssertionError("the fixture has no " + name);
        }
        return e.data();
    }

    /** Rows of {@code cols} values, each followed by the one-hot of its class (given as floats). */
    private static float[] withOneHot(float[] rows, int cols, float[] classes, int k) {
        int n = classes.length;
        float[] out = new float[n * (cols + k)];
        for (int r = 0; r < n; r++) {
            System.arraycopy(rows, r * cols, out, r * (cols + k), cols);
            out[r * (cols + k) + cols + (int) classes[r]] = 1f;
        }
        return out;
    }

    private static void assertClose(float[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * Math.max(1, Math.abs(want[i])), what + "[" + i + "]");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void aConditionalConvVaeEncodesAndDecodesAsPyTorch(String backend) throws URISyntaxException {
        Backend be = TestBackends.named(backend);
        Safetensors.Contents e = read("cond-conv-vae.expected.safetensors");
        float[] y = t(e, "y");
        try (VaeNetwork vae = VaeCheckpoint.open(be, read("cond-conv-vae.safetensors"), file("cond-conv-vae.safetensors"), 8);
             Tensor xy = be.upload(withOneHot(t(e, "x"), 192, y, 3), 5, 195); Tensor mu = be.zeros(5, 2); Tensor logvar = be.zeros(5, 2);
             Tensor zy = be.upload(withOneHot(t(e, "z"), 2, y, 3), 5, 5); Tensor probs = be.zeros(5, 192)) {
            vae.encode(xy, mu, logvar);
            assertClose(t(e, "mu"), be.read(mu), 1e-5, "mu");
            assertClose(t(e, "logvar"), be.read(logvar), 1e-5, "logvar");
            vae.decode(zy, probs);
            assertClose(t(e, "probs"), be.read(probs), 1e-5, "probabilities");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void aDcganGeneratesAndJudgesAsPyTorch(String backend) throws URISyntaxException {
        Backend be = TestBackends.named(backend);
        Safetensors.Contents e = read("dcgan.expected.safetensors");
        try (GanNetwork gan = GanCheckpoint.open(be, read("dcgan.safetensors"), file("dcgan.safetensors"), 6);
             Tensor z = be.upload(t(e, "z"), 4, 5); Tensor out = be.zeros(4, 768);
             Tensor x = be.upload(t(e, "x"), 6, 768); Tensor z2 = be.upload(t(e, "z2"), 6, 5); Tensor stats = be.zeros(1, 4)) {
            // Evaluation mode: the loaded running statistics, not the batch's.
            gan.generate(z, out);
            assertClose(t(e, "generated"), be.read(out), 1e-5, "G.eval()(z)");
            int m = gan.discriminatorGradients(x, z2, stats);
            assertEquals(t(e, "d_loss")[0], be.read(stats)[GanNetwork.D_LOSS] / m, 1e-5, "the discriminator's loss");
            assertGradients(e, "grad.", gan.discriminatorParameters(), 1e-5);
            // Training mode moved every batch norm's running statistics, as PyTorch's did.
            for (Buffer b : gan.buffers()) {
                if (!b.name().endsWith("num_batches_tracked")) {
                    assertClose(t(e, "after." + b.name()), b.read(), 1e-5, b.name() + " after the step");
                }
            }
        }
    }

    /** The projection cGAN with spectral norm, and the same as an AC-GAN (the auxiliary classifier's loss in D's). */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"cond-mlp-gan-sn, java", "cond-mlp-gan-sn, cl", "cond-mlp-acgan, java", "cond-mlp-acgan, cl"})
    void aSpectrallyNormalizedProjectionGanJudgesAsPyTorch(String fixture, String backend) throws URISyntaxException {
        Backend be = TestBackends.named(backend);
        Safetensors.Contents e = read(fixture + ".expected.safetensors");
        float[] y = t(e, "y");
        try (GanNetwork gan = GanCheckpoint.open(be, read(fixture + ".safetensors"), file(fixture + ".safetensors"), 5);
             Tensor z = be.upload(withOneHot(t(e, "z"), 3, t(e, "yz"), 3), 4, 6); Tensor out = be.zeros(4, 6);
             Tensor x = be.upload(withOneHot(t(e, "x"), 6, y, 3), 5, 9); Tensor z2 = be.upload(t(e, "z2"), 5, 3);
             Tensor stats = be.zeros(1, 4)) {
            gan.generate(z, out);
            assertClose(t(e, "generated"), be.read(out), 1e-5, "G(z, y)");
            int m = gan.discriminatorGradients(x, z2, stats);
            assertEquals(t(e, "d_loss")[0], be.read(stats)[GanNetwork.D_LOSS] / m, 1e-5, "the discriminator's loss");
            assertGradients(e, "grad.", gan.discriminatorParameters(), 1e-5);
            int vectors = 0;
            for (Buffer b : gan.spectralNorm().buffers()) {
                assertClose(t(e, "after." + b.name()), b.read(), 1e-5, b.name() + " after the power iteration");
                vectors++;
            }
            assertEquals(fixture.contains("acgan") ? 10 : 8, vectors, "u and v of three Linear layers, the embedding and any auxiliary head");
        }
    }

    /**
     * PacGAN's nets for points: the generator's BatchNorm1d (gen.bn.I, loaded running statistics in evaluation mode, the
     * batch's in training mode and the running ones moved after it) and the discriminator's maxout units judging packs of 2.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void aBatchNormGeneratorAndAMaxoutDiscriminatorAreBuiltAsPyTorchs(String backend) throws URISyntaxException {
        Backend be = TestBackends.named(backend);
        Safetensors.Contents e = read("pacgan-mlp.expected.safetensors");
        try (GanNetwork gan = GanCheckpoint.open(be, read("pacgan-mlp.safetensors"), file("pacgan-mlp.safetensors"), 6);
             Tensor z = be.upload(t(e, "z"), 4, 2); Tensor out = be.zeros(4, 2);
             Tensor x = be.upload(t(e, "x"), 6, 2); Tensor z2 = be.upload(t(e, "z2"), 6, 2); Tensor stats = be.zeros(1, 4)) {
            assertTrue(gan.config().genBatchNorm() && gan.config().disc().maxout() == 3 && gan.config().disc().pack() == 2, gan.config().toString());
            gan.generate(z, out);
            assertClose(t(e, "generated"), be.read(out), 1e-5, "G.eval()(z)");
            int m = gan.discriminatorGradients(x, z2, stats);
            assertEquals(3, m, "judgments: 6 rows in packs of 2");
            assertEquals(t(e, "d_loss")[0], be.read(stats)[GanNetwork.D_LOSS] / m, 1e-5, "the discriminator's loss");
            assertGradients(e, "grad.", gan.discriminatorParameters(), 1e-5);
            int moved = 0;
            for (Buffer b : gan.generatorBuffers()) {
                if (!b.name().endsWith("num_batches_tracked")) {
                    assertClose(t(e, "after." + b.name()), b.read(), 1e-5, b.name() + " after the step");
                    moved++;
                }
            }
            assertEquals(4, moved, "running mean and variance of two batch norms");
        }
    }

    /** Every parameter's gradient against PyTorch's under its name (the fixture must hold one for each). */
    private static void assertGradients(Safetensors.Contents e, String prefix, Parameters p, double tol) {
        int compared = 0;
        for (String name : p.specs().keySet()) {
            float[] want = t(e, prefix + name);
            float[] got = p.backend().read(p.grad(name));
            double scale = 0;
            for (float v : want) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertTrue(scale > 0, name + ": PyTorch's gradient is all zeros");
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], tol * Math.max(1, scale), "d loss / d " + name + "[" + i + "]");
            }
            compared++;
        }
        assertTrue(compared >= 3, "compared " + compared + " gradients");
    }

    /** The fixtures' own shape: what the test compares exists and is not trivial. */
    @org.junit.jupiter.api.Test
    void theFixturesHoldWhatTheTestsCompare() throws URISyntaxException {
        Map<String, Safetensors.Entry> dcgan = read("dcgan.safetensors").tensors();
        float[] var = dcgan.get("gen.1.running_var").data();
        assertTrue(var[0] != 1f, "running statistics away from their start");
        assertTrue(read("cond-mlp-gan-sn.safetensors").tensors().containsKey("disc_embed.weight_u"));
    }
}
