package org.latentcl.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latentcl.EpochMetrics;
import org.latentcl.GanEpochMetrics;

/** Runs the examples of docs/API.md, and checks that every Java block there is code from them, so the guide cannot go stale. */
class ExamplesTest {
    private static final Path EXAMPLES = Path.of("src/test/java/org/latentcl/examples");

    @TempDir
    Path dir;

    @Test
    void theVaeExampleTrainsAndWritesItsFiles() {
        EpochMetrics last = TrainVaeExample.run(dir, 1);
        assertEquals(1, last.epoch());
        // An untrained VAE scores about 543 nats; one epoch on the digits brings it well under 250.
        assertTrue(last.testLoss() < 250, "test -ELBO after one epoch: " + last.testLoss());
        for (String f : new String[] {"samples.png", "reconstructions.png", "vae.safetensors"}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        float[][] drawn = LoadCheckpointExample.run(dir.resolve("vae.safetensors"), 3);
        assertEquals(3, drawn.length);
        assertEquals(784, drawn[0].length);
        // The evaluation example scores the saved VAE as train scored it: the same test split, another draw of the codes.
        String scores = EvaluateCheckpointExample.run(dir.resolve("vae.safetensors"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-ELBO ([0-9.]+) nats .* IWAE\\(50\\) ([0-9.]+)").matcher(scores);
        assertTrue(m.find(), scores);
        double elbo = Double.parseDouble(m.group(1));
        double iwae = Double.parseDouble(m.group(2));
        assertEquals(last.testLoss(), elbo, 1.0, scores);
        assertTrue(iwae < elbo && iwae > elbo - 30, "IWAE(50) tightens the bound by a few nats: " + scores);
    }

    @Test
    void theDevicesExampleOpensTheJavaBackend() {
        assertTrue(DevicesExample.run("java").startsWith("opened java"));
    }

    @Test
    void theGanExampleTrainsAndWritesItsPicture() {
        List<GanEpochMetrics> history = TrainGanExample.run(dir, 1);
        assertEquals(1, history.size());
        GanEpochMetrics m = history.get(0);
        assertTrue(Double.isFinite(m.dLoss()) && Double.isFinite(m.gLoss()), m.toString());
        // After an epoch the discriminator tells the digits from the generator's drawings (both start at 0.5).
        assertTrue(m.dReal() > m.dFake(), "D(x) " + m.dReal() + " against D(G(z)) " + m.dFake());
        java.awt.image.BufferedImage picture = readPng(dir.resolve("generated.png"));
        assertEquals(8 * 28 * 2 + 9, picture.getWidth(), "64 digits, eight a row, drawn at scale 2 with 1-pixel gaps");
        java.util.Set<Integer> shades = new java.util.HashSet<>();
        for (int y = 0; y < picture.getHeight(); y++) {
            for (int x = 0; x < picture.getWidth(); x++) {
                shades.add(picture.getRGB(x, y) & 0xff);
            }
        }
        assertTrue(shades.size() > 32, "the generated digits have many shades, not one flat colour: " + shades.size());
    }

    /** The conv VAE and the DCGAN train through the public API on a few hundred colour shapes, and the DCGAN's grid is drawn. */
    @Test
    void theConvModelsExampleTrainsBothAndDrawsInColour() {
        org.latentcl.data.DataSplit all = org.latentcl.data.Datasets.load("shapes");
        org.latentcl.data.DataSplit few = new org.latentcl.data.DataSplit(all.train().head(192), all.test().head(64), "first 64");
        float[][] fakes = ConvModelsExample.run(few, dir, 1);
        assertEquals(16, fakes.length);
        assertEquals(3 * 32 * 32, fakes[0].length);
        assertTrue(Files.isRegularFile(dir.resolve("dcgan.png")));
    }

    @Test
    void theMetricsExampleMeasuresSamplesBesideTheFloor() {
        try (org.latentcl.metrics.TempCache cache = org.latentcl.metrics.TempCache.at(dir.resolve("cache"))) {
            org.latentcl.data.DataSplit shapes = new org.latentcl.data.DataSplit(
                    org.latentcl.metrics.FeatureClassifiersTest.shapes("shapes/train", 150, 1),
                    org.latentcl.metrics.FeatureClassifiersTest.shapes("shapes/test", 30, 2), "generated");
            org.latentcl.SampleQuality.Measured m = MetricsExample.run(shapes, 1, 60);
            // Real against real agrees far better than a GAN after one epoch; every field is a number.
            assertTrue(m.floor().fid() < m.samples().fid(), m.toString());
            // The floor (real against real) covers the classes and lies on the real manifold; one epoch's samples do not.
            assertTrue(m.classifierAccuracy() > 0.8, m.toString());
            assertTrue(m.floor().precision() >= 0.7 && m.floor().recall() >= 0.5 && m.floor().classesCovered() == 3, m.toString());
            assertTrue(m.samples().recall() < m.floor().recall() && m.samples().classesCovered() < 3, m.toString());
        }
    }

    @Test
    void theMultiDeviceExampleTrainsOnTwoDevices() {
        String list = org.latentcl.backend.TestBackends.cl().device().id() + ",java";
        List<org.latentcl.EpochMetrics> history = MultiDeviceExample.run(list, 1);
        assertEquals(1, history.size());
        assertTrue(history.get(0).device().contains(" + java"), history.get(0).device());
        assertTrue(history.get(0).testLoss() < 250, "one epoch of the default VAE on two devices (untrained: about 543): test -ELBO " + history.get(0).testLoss());
    }

    @Test
    void everyJavaBlockInTheGuideAndReadmeIsInAnExample() throws IOException {
        String guide = Files.readString(Path.of("docs/API.md"), StandardCharsets.UTF_8)
                + Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        String sources;
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            sources = normalize(files.filter(p -> p.toString().endsWith("Example.java")).sorted().map(ExamplesTest::read)
                    .collect(Collectors.joining("\n")));
        }
        List<String> blocks = javaBlocks(guide);
        assertTrue(blocks.size() >= 3, "docs/API.md and README.md have their examples");
        for (String block : blocks) {
            if (!sources.contains(normalize(block))) {
                fail("this block of docs/API.md or README.md is not code from " + EXAMPLES + ":\n" + block);
            }
        }
    }

    private static java.awt.image.BufferedImage readPng(Path png) {
        try {
            return javax.imageio.ImageIO.read(png.toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> javaBlocks(String markdown) {
        List<String> out = new ArrayList<>();
        int at = 0;
        while ((at = markdown.indexOf("```java\n", at)) >= 0) {
            int end = markdown.indexOf("```", at + 8);
            out.add(markdown.substring(at + 8, end));
            at = end + 3;
        }
        return out;
    }

    /** Each line trimmed, blank lines dropped: indentation may differ between the guide and the sources. */
    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
