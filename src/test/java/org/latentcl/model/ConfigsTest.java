package org.latentcl.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.latentcl.data.Decoder;

/**
 * The model configurations as values: the smallest sizes they accept and the first they refuse, equality that sees
 * every field (a checkpoint's configuration is compared with a run's by it), hashes that differ with the sizes, and
 * the descriptions the logs print.
 */
class ConfigsTest {
    private static final GanConfig.Loss NS = GanConfig.Loss.NONSATURATING;

    @Test
    void theSmallestSizesAreTakenAndTheNextBelowRefused() {
        new GanConfig(1, 1, new int[] {1}, new int[] {1}, true, NS);
        refused(() -> new GanConfig(0, 1, new int[] {1}, new int[] {1}, true, NS), "GAN sizes must be positive");
        refused(() -> new GanConfig(1, 0, new int[] {1}, new int[] {1}, true, NS), "GAN sizes must be positive");
        refused(() -> new GanConfig(1, 1, new int[] {0}, new int[] {1}, true, NS), "generator hidden sizes must be positive");
        refused(() -> new GanConfig(1, 1, new int[] {1}, new int[] {0}, true, NS), "discriminator hidden sizes must be positive");
        GanConfig gan = new GanConfig(5, 3, new int[] {4}, new int[] {6}, true, NS);
        assertEquals(2, gan.conditional(2).classes());
        refused(() -> gan.conditional(1), "at least two classes");
        refused(() -> gan.conditional(-1), "at least two classes");
        // Standardized units need a linear output and an MLP; the residual generator noise as wide as the data, unconditional.
        GanConfig points = new GanConfig(2, 2, new int[] {4}, new int[] {4}, false, NS);
        assertTrue(points.withScaling(true, true).standardized() && points.withScaling(true, true).residual());
        refused(() -> gan.withScaling(true, false), "sigmoid output");
        refused(() -> new GanConfig(2, 3, new int[] {4}, new int[] {4}, false, NS).withScaling(false, true), "noise as wide as the data (2), got 3");
        refused(() -> points.withScaling(false, true).conditional(2), "the residual generator G(z) = z + MLP(z) is unconditional");
        refused(() -> points.withScaling(true, false).conditional(2).withScaling(true, true), "unconditional");
        refused(() -> GanConfig.dcgan(new ImageShape(1, 16, 16), 3, 2, 2, NS).withScaling(true, false), "for the MLP GAN");
        new VaeConfig(1, new int[] {1}, 1, Decoder.BERNOULLI, 1f);
        refused(() -> new VaeConfig(0, new int[] {1}, 1, Decoder.BERNOULLI, 1f), "VAE sizes must be positive");
        refused(() -> new VaeConfig(1, new int[] {1}, 0, Decoder.BERNOULLI, 1f), "VAE sizes must be positive");
        refused(() -> new VaeConfig(1, new int[] {0}, 1, Decoder.BERNOULLI, 1f), "hidden sizes must be positive");
        refused(() -> new VaeConfig(1, new int[] {1}, 1, Decoder.GAUSSIAN, 0f), "sigma must be a positive number");
        VaeConfig vae = new VaeConfig(4, new int[] {3}, 2, Decoder.BERNOULLI, 1f);
        assertEquals(2, vae.conditional(2).classes());
        refused(() -> vae.conditional(1), "at least two classes");
        refused(() -> new VaeConfig(5, new int[] {3}, 2, Decoder.BERNOULLI, 1f, new ImageShape(1, 2, 2)), "a 1x2x2 image has 4 values, not 5");
        assertEquals(1, new ImageShape(1, 1, 1).size());
        for (int[] d : new int[][] {{0, 1, 1}, {1, 0, 1}, {1, 1, 0}}) {
            refused(() -> new ImageShape(d[0], d[1], d[2]), "image dimensions must be positive");
        }
    }

    @Test
    void equalityTakesEveryFieldAndTheHashTheSizes() {
        GanConfig base = new GanConfig(5, 3, new int[] {4}, new int[] {6}, true, NS);
        assertEquals(base, new GanConfig(5, 3, new int[] {4}, new int[] {6}, true, NS));
        assertEquals(base.hashCode(), new GanConfig(5, 3, new int[] {4}, new int[] {6}, true, NS).hashCode());
        List<GanConfig> others = List.of(new GanConfig(6, 3, new int[] {4}, new int[] {6}, true, NS),
                new GanConfig(5, 4, new int[] {4}, new int[] {6}, true, NS), new GanConfig(5, 3, new int[] {5}, new int[] {6}, true, NS),
                new GanConfig(5, 3, new int[] {4}, new int[] {7}, true, NS), new GanConfig(5, 3, new int[] {4}, new int[] {6}, false, NS),
                new GanConfig(5, 3, new int[] {4}, new int[] {6}, true, GanConfig.Loss.HINGE), base.with(new GanConfig.Stabilizers(true, 1, false)),
                base.conditional(2), base.conditional(2).concatenatingClasses(), base.conditional(2).withAuxClassifier(0.5f));
        for (GanConfig other : others) {
            assertNotEquals(base, other, other.toString());
        }
        for (GanConfig sized : others.subList(0, 4)) {
            assertNotEquals(base.hashCode(), sized.hashCode(), "a different size hashes differently: " + sized);
        }
        GanConfig dcgan = GanConfig.dcgan(new ImageShape(1, 16, 16), 3, 2, 2, NS);
        assertNotEquals(dcgan, GanConfig.dcgan(new ImageShape(3, 16, 16), 3, 2, 2, NS));
        assertNotEquals(base, "a string");

        VaeConfig vae = new VaeConfig(4, new int[] {3}, 2, Decoder.GAUSSIAN, 0.5f);
        assertEquals(vae, new VaeConfig(4, new int[] {3}, 2, Decoder.GAUSSIAN, 0.5f));
        assertEquals(vae.hashCode(), new VaeConfig(4, new int[] {3}, 2, Decoder.GAUSSIAN, 0.5f).hashCode());
        List<VaeConfig> vaes = List.of(new VaeConfig(5, new int[] {3}, 2, Decoder.GAUSSIAN, 0.5f),
                new VaeConfig(4, new int[] {4}, 2, Decoder.GAUSSIAN, 0.5f), new VaeConfig(4, new int[] {3}, 3, Decoder.GAUSSIAN, 0.5f),
                new VaeConfig(4, new int[] {3}, 2, Decoder.BERNOULLI, 0.5f), new VaeConfig(4, new int[] {3}, 2, Decoder.GAUSSIAN, 0.25f),
                vae.conditional(2), new VaeConfig(4, new int[] {2}, 2, Decoder.GAUSSIAN, 0.5f, new ImageShape(1, 2, 2)));
        for (VaeConfig other : vaes) {
            assertNotEquals(vae, other, other.toString());
        }
        for (VaeConfig sized : vaes.subList(0, 3)) {
            assertNotEquals(vae.hashCode(), sized.hashCode(), "a different size hashes differently: " + sized);
        }
        assertNotEquals(vae, "a string");
    }

    @Test
    void theDescriptionsTheLogsPrint() {
        GanConfig gan = new GanConfig(5, 3, new int[] {4}, new int[] {6}, true, NS);
        assertEquals("GAN z3 G[4] D[6] -> 5 sigmoid, nonsaturating loss", gan.toString());
        assertEquals("GAN z3 G[4] D[6] -> 5 linear, hinge loss, D with spectral norm, pack 2, minibatch std",
                new GanConfig(5, 3, new int[] {4}, new int[] {6}, false, GanConfig.Loss.HINGE)
                        .with(new GanConfig.Stabilizers(true, 2, true)).toString());
        assertEquals("conditional (3 classes, concatenated in D) GAN z3 G[4] D[6] -> 5 sigmoid, nonsaturating loss",
                gan.conditional(3).concatenatingClasses().toString());
        assertEquals("conditional (3 classes, auxiliary classifier 0.5) GAN z3 G[4] D[6] -> 5 sigmoid, nonsaturating loss",
                gan.conditional(3).withAuxClassifier(0.5f).toString());
        GanConfig dcgan = GanConfig.dcgan(new ImageShape(1, 16, 16), 3, 2, 2, NS);
        assertEquals("DCGAN z3 ngf 2 ndf 2 -> 1x16x16 tanh, nonsaturating loss", dcgan.toString());
        assertEquals("DCGAN z3 ngf 2 ndf 2 -> 1x16x16 tanh, wgan loss, D with no batch norm",
                GanConfig.dcgan(new ImageShape(1, 16, 16), 3, 2, 2, GanConfig.Loss.WGAN).with(new GanConfig.Stabilizers(false, 1, false, false))
                        .toString());
        assertTrue(dcgan.tanhOutput() && dcgan.convolutional());
        assertFalse(gan.tanhOutput() || gan.convolutional());
        assertEquals("VAE 4-[3]-2 bernoulli", new VaeConfig(4, new int[] {3}, 2, Decoder.BERNOULLI, 1f).toString());
        assertEquals("conditional (2 classes) VAE 4-[3]-2 gaussian sigma 0.5",
                new VaeConfig(4, new int[] {3}, 2, Decoder.GAUSSIAN, 0.5f).conditional(2).toString());
        assertEquals("conv VAE 1x4x4 channels [2] latent 2 gaussian sigma 0.5",
                new VaeConfig(16, new int[] {2}, 2, Decoder.GAUSSIAN, 0.5f, new ImageShape(1, 4, 4)).toString());
        assertEquals("conv VAE 1x4x4 channels [2] latent 2 bernoulli",
                new VaeConfig(16, new int[] {2}, 2, Decoder.BERNOULLI, 1f, new ImageShape(1, 4, 4)).toString());
        assertEquals(4, new VaeConfig(4, new int[0], 2, Decoder.BERNOULLI, 1f).lastHidden());
        assertEquals(3, new VaeConfig(4, new int[] {5, 3}, 2, Decoder.BERNOULLI, 1f).lastHidden());
    }

    @Test
    void theDcganTakesSquareImagesOfItsSides() {
        for (int side : new int[] {16, 28, 32, 64, 128}) {
            assertTrue(ConvArchitectures.dcganTakes(new ImageShape(1, side, side)), "side " + side);
        }
        for (int[] hw : new int[][] {{24, 24}, {8, 8}, {256, 256}, {28, 32}, {32, 28}}) {
            assertFalse(ConvArchitectures.dcganTakes(new ImageShape(3, hw[0], hw[1])), hw[0] + "x" + hw[1]);
        }
    }

    private static void refused(Supplier<?> make, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::get);
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    private static void refused(Runnable make, String reason) {
        refused(() -> {
            make.run();
            return null;
        }, reason);
    }
}
