package org.latentcl.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.AdamConfig;
import org.latentcl.backend.Backend;
import org.latentcl.backend.Tensor;
import org.latentcl.backend.TestBackends;
import org.latentcl.io.Safetensors;
import org.latentcl.nn.Adam;
import org.latentcl.nn.Buffer;

/**
 * The DCGAN against a PyTorch twin (issue 27, item 7): {@code tools/dcgan-trace.py} ran torch_ref.py's DCGAN
 * (small widths) for a few steps on given digits and noise and recorded its initial weights, every batch and
 * noise, its losses and D's mean outputs, and every parameter and batch-norm statistic after each step. Here the
 * same network takes the same steps from the same weights on each backend, and must follow: the losses to float
 * rounding, every parameter and statistic after every step within a few float roundings of the update. A
 * difference in the recipe (Adam's epsilon or bias correction, the batch-norm statistics or their momentum,
 * the generator step's reuse of G(z), the loss's means, the data's scale) moves them by a learning rate's order.
 */
class DcganTwinTest {
    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void theFirstStepsFollowPyTorchsStepForStep(String backend) throws URISyntaxException {
        Safetensors.Contents trace = Safetensors.read(Path.of(DcganTwinTest.class.getResource("/twin/dcgan-trace.safetensors").toURI()));
        Map<String, String> meta = trace.metadata();
        int batch = Integer.parseInt(meta.get("batch"));
        int steps = Integer.parseInt(meta.get("steps"));
        int noise = Integer.parseInt(meta.get("noise"));
        GanConfig cfg = GanConfig.dcgan(new ImageShape(1, 28, 28), noise, Integer.parseInt(meta.get("ngf")), Integer.parseInt(meta.get("ndf")),
                GanConfig.Loss.NONSATURATING);
        Backend be = TestBackends.named(backend);
        AdamConfig adam = new AdamConfig(2e-4f, 0.5f, 0.999f, 1e-8f, 0f);
        float[] stats = trace.tensors().get("stats").data();
        try (GanNetwork gan = new GanNetwork(be, cfg, batch); Adam ad = new Adam(gan.discriminatorParameters(), adam);
             Adam ag = new Adam(gan.generatorParameters(), adam)) {
            gan.generatorParameters().load(stage(trace, "init.", gan.generatorParameters().toHost()));
            gan.discriminatorParameters().load(stage(trace, "init.", gan.discriminatorParameters().toHost()));
            for (Buffer b : statistics(gan)) {
                b.write(trace.tensors().get("init." + b.name()).data());
            }
            for (int s = 0; s < steps; s++) {
                try (Tensor x = be.upload(trace.tensors().get("x" + s).data(), batch, 784);
                     Tensor z = be.upload(trace.tensors().get("z" + s).data(), batch, noise); Tensor st = be.zeros(1, 4)) {
                    int m = gan.discriminatorGradients(x, z, st);
                    ad.step();
                    gan.generatorGradients(st, null, GanNetwork.StepOptions.PLAIN);
                    ag.step();
                    float[] got = be.read(st);
                    String[] what = {"d_loss", "g_loss", "mean D(x)", "mean D(G(z))"};
                    int[] slot = {GanNetwork.D_LOSS, GanNetwork.G_LOSS, GanNetwork.D_REAL, GanNetwork.D_FAKE};
                    for (int i = 0; i < 4; i++) {
                        double want = stats[s * 4 + i];
                        assertEquals(want, got[slot[i]] / m, 2e-5 * Math.max(1, Math.abs(want)), backend + " step " + s + " " + what[i]);
                    }
                }
                Map<String, float[]> ours = new LinkedHashMap<>(gan.generatorParameters().toHost());
                ours.putAll(gan.discriminatorParameters().toHost());
                statistics(gan).forEach(b -> ours.put(b.name(), b.read()));
                assertFollows(backend, s, trace, ours);
            }
        }
    }

    /** Batch norm's running means and variances (num_batches_tracked, a count that no computation here reads, is left out of the trace). */
    static java.util.List<Buffer> statistics(GanNetwork gan) {
        return gan.buffers().stream().filter(b -> !b.name().endsWith("num_batches_tracked")).toList();
    }

    /** The trace's tensors of one stage ("init.", "step0.", ...) under the names of {@code like}. */
    static Map<String, float[]> stage(Safetensors.Contents trace, String prefix, Map<String, float[]> like) {
        Map<String, float[]> out = new LinkedHashMap<>();
        like.keySet().forEach(name -> out.put(name, trace.tensors().get(prefix + name).data()));
        return out;
    }

    /**
     * Every tensor after step s against PyTorch's: within 1e-5 plus 1e-4 of its size, except that an Adam update may
     * go the other way where a gradient is float noise around zero (its normalized step is then +-lr either way), so
     * up to 2 lr per step is allowed for at most 1% of a tensor's elements.
     */
    private static void assertFollows(String backend, int s, Safetensors.Contents trace, Map<String, float[]> ours) {
        int compared = 0;
        for (var e : ours.entrySet()) {
            Safetensors.Entry theirs = trace.tensors().get("step" + s + "." + e.getKey());
            if (theirs == null) {
                throw new AssertionError("the trace has no " + e.getKey());
            }
            float[] want = theirs.data();
            float[] got = e.getValue();
            assertEquals(want.length, got.length, e.getKey());
            int loose = 0;
            double worst = 0;
            for (int i = 0; i < want.length; i++) {
                double d = Math.abs(got[i] - want[i]);
                worst = Math.max(worst, d);
                if (d > 1e-5 + 1e-4 * Math.abs(want[i])) {
                    loose++;
                    assertTrue(d <= 2 * 2e-4 * (s + 1), backend + " step " + s + " " + e.getKey() + "[" + i + "] = " + got[i]
                            + ", PyTorch " + want[i]);
                }
            }
            assertTrue(loose <= want.length / 100, backend + " step " + s + " " + e.getKey() + ": " + loose + " of " + want.length
                    + " elements differ from PyTorch's beyond rounding (worst " + worst + ")");
            compared++;
        }
        assertTrue(compared > 20, "compared " + compared + " tensors");
    }
}
