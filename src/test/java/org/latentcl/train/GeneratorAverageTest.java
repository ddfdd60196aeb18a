package org.latentcl.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latentcl.backend.Backend;
import org.latentcl.backend.TestBackends;
import org.latentcl.io.Safetensors;
import org.latentcl.nn.ParamSpec;
import org.latentcl.nn.Parameters;

/** The generator average: its ramp at given updates, the average after n updates in closed form, sampling from it, and checkpoints. */
class GeneratorAverageTest {
    private static final List<ParamSpec> SPECS = List.of(ParamSpec.weight("gen.0.weight", 3, 7, 7, 3, 7), ParamSpec.bias("gen.0.bias", 3, 7));

    /** beta_t = min(decay, 0.5^(1 / (0.05 t))): half-life 5% of the updates so far, until the decay is reached. */
    @Test
    void theRampAtGivenUpdates() {
        assertEquals(0.0, GeneratorAverage.beta(0.999f, 0), 0);
        assertEquals(Math.pow(0.5, 20), GeneratorAverage.beta(0.999f, 1), 1e-15, "the first update nearly copies the weights");
        assertEquals(0.5, GeneratorAverage.beta(0.999f, 20), 1e-12, "after 20 updates the half-life is one update");
        assertEquals(Math.sqrt(0.5), GeneratorAverage.beta(0.999f, 40), 1e-12);
        assertEquals(0.999, GeneratorAverage.beta(0.999f, 20_000), 1e-7, "capped at the decay");
        assertEquals(0.9, GeneratorAverage.beta(0.9f, 1000), 1e-7);
    }

    /**
     * Started at theta_0 and moved towards a constant theta = c by updates t = 301..330, the average is
     * theta_0 prod beta_t + c (1 - prod beta_t), here 0.95^30; on every backend.
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "cl"})
    void theAverageAfterNUpdatesInClosedForm(String backend) {
        Backend be = TestBackends.named(backend);
        float[] start = new float[24];
        for (int i = 0; i < start.length; i++) {
            start[i] = (i % 5) - 2f;
        }
        try (Parameters g = new Parameters(be, SPECS)) {
            be.write(g.values(), start);
            float[] c = new float[24];
            Arrays.fill(c, 1.5f);
            float[] averaged;
            try (GeneratorAverage avg = new GeneratorAverage(g, 0.95f)) {
                be.write(g.values(), c);
                // Past the ramp (beta_t reaches 0.95 at t = 270), so that both terms stay visible.
                double prod = 1;
                for (int t = 301; t <= 330; t++) {
                    avg.update(t);
                    prod *= GeneratorAverage.beta(0.95f, t);
                }
                averaged = avg.sampling(() -> be.read(g.values()));
                assertArrayEquals(c, be.read(g.values()), "the generator gets its own weights back after sampling");
                for (int i = 0; i < start.length; i++) {
                    assertEquals(start[i] * prod + 1.5 * (1 - prod), averaged[i], 1e-5, "parameter " + i);
                }
                assertEquals(Math.pow(0.95f, 30), prod, 1e-9, "beta is the decay past the ramp");
            }
        }
    }

    /** A checkpoint's average replaces the generator for sampling; none leaves it; a partial or misshapen one is refused. */
    @Test
    void aCheckpointsAverageIsTheGeneratorThatSamples() {
        Backend be = TestBackends.java();
        try (Parameters g = new Parameters(be, SPECS)) {
            float[] own = new float[24];
            Arrays.fill(own, 2f);
            be.write(g.values(), own);
            Path file = Path.of("run/checkpoint.safetensors");
            GeneratorAverage.useSaved(g, new Safetensors.Contents(Map.of(), Map.of()), file);
            assertArrayEquals(own, be.read(g.values()));

            float[] w = new float[21];
            Arrays.fill(w, -1f);
            float[] b = {7f, 8f, 9f};
            Map<String, Safetensors.Entry> t = new LinkedHashMap<>();
            t.put("ema.gen.0.weight", new Safetensors.Entry("ema.gen.0.weight", new int[] {3, 7}, w));
            IllegalArgumentException partial = assertThrows(IllegalArgumentException.class,
                    () -> GeneratorAverage.useSaved(g, new Safetensors.Contents(Map.of(), t), file));
            assertTrue(partial.getMessage().contains("ema.gen.0.bias is missing"), partial.getMessage());
            t.put("ema.gen.0.bias", new Safetensors.Entry("ema.gen.0.bias", new int[] {3}, b));
            GeneratorAverage.useSaved(g, new Safetensors.Contents(Map.of(), t), file);
            float[] want = new float[24];
            Arrays.fill(want, 0, 21, -1f);
            System.arraycopy(b, 0, want, 21, 3);
            assertArrayEquals(want, be.read(g.values()));
        }
    }
}
