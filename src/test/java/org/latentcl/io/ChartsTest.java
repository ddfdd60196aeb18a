package org.latentcl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/** The XChart plots draw their series in their colours, and a NaN (a diverged epoch) leaves a gap instead of failing. */
class ChartsTest {
    /** Pixels within 40 of c in every channel (antialiasing blends the edges). */
    private static int pixels(BufferedImage img, Color c) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                Color p = new Color(img.getRGB(x, y));
                if (Math.abs(p.getRed() - c.getRed()) < 40 && Math.abs(p.getGreen() - c.getGreen()) < 40
                        && Math.abs(p.getBlue() - c.getBlue()) < 40) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void linesAndScatterDrawTheirSeries() {
        Color red = new Color(200, 10, 10);
        Color green = new Color(10, 160, 10);
        BufferedImage img = Charts.lines("losses", "epoch", "loss", List.of(
                Charts.Line.perEpoch("a", new double[] {258.9, 229.7, 200.5, Double.NaN, 190}, red),
                new Charts.Line("b", new double[] {1, 3, 5}, new double[] {210, 220, Double.POSITIVE_INFINITY}, green)));
        assertEquals(720, img.getWidth());
        assertTrue(pixels(img, red) > 50 && pixels(img, green) > 20, "both series drawn");
        BufferedImage scatter = Charts.scatter("points", new float[] {0, 0, 1, 1, 2, 0}, 3, new float[] {0.5f, 0.5f}, 1);
        assertEquals(600, scatter.getWidth());
        assertTrue(pixels(scatter, new Color(255, 127, 14)) > 5, "the generated point is drawn in orange");
    }

    /** A runtime without the font libraries (the GPU machine's jlink runtime lacked libharfbuzz) skips charts, not the run. */
    @Test
    void aRuntimeThatCannotDrawTextSkipsChartsWithItsReason() {
        assertNull(Charts.probe(() -> { }));
        String problem = Charts.probe(() -> {
            throw new UnsatisfiedLinkError("libfontmanager.so: libharfbuzz.so.0: cannot open shared object file");
        });
        assertTrue(problem.startsWith("UnsatisfiedLinkError: ") && problem.contains("libharfbuzz.so.0"), problem);
        assertTrue(Charts.probe(() -> {
            throw new InternalError(new RuntimeException("Fontconfig head is null, check your fonts or fonts configuration"));
        }).startsWith("InternalError: "), "what the GPU machine's runtime threw without fontconfig");
        assertThrows(OutOfMemoryError.class, () -> Charts.probe(() -> {
            throw new OutOfMemoryError("heap");
        }), "the JVM's own failures are not taken for a missing font");
    }

    @Test
    void writeDrawsTheChartWhereTextCanBeDrawn(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("loss.png");
        Charts.write(() -> Charts.lines("l", "x", "y", List.of(Charts.Line.perEpoch("a", new double[] {1, 2}, Color.RED))), png);
        assertEquals(720, javax.imageio.ImageIO.read(png.toFile()).getWidth());
    }

    /** One, two and three points get round bounds and round labels (one point alone once gave 1,521.9586468749999). */
    @Test
    void fewPointsGetRoundAxes() {
        double[][] cases = {{1521.9586468749999}, {1521.9586468749999, 1498.2}, {0.61, 0.72, 0.65}, {0}, {-3.5, -3.5}};
        for (double[] y : cases) {
            double min = java.util.Arrays.stream(y).min().orElseThrow();
            double max = java.util.Arrays.stream(y).max().orElseThrow();
            double[] a = Charts.niceAxis(min, max);
            assertTrue(a[0] <= min && a[1] >= max && a[1] > a[0], java.util.Arrays.toString(a));
            double steps = (a[1] - a[0]) / a[2];
            assertTrue(Math.abs(steps - Math.rint(steps)) < 1e-6 && steps >= 2 && steps <= 12, java.util.Arrays.toString(a) + " for "
                    + java.util.Arrays.toString(y));
            for (double v = a[0]; v <= a[1] + a[2] / 2; v += a[2]) {
                String label = Charts.tick(v, a[2]);
                assertTrue(label.matches("-?[0-9,]+(\\.[0-9]{1,3})?"), label + " for " + java.util.Arrays.toString(y));
            }
            // Drawn with any number of points.
            assertEquals(720, Charts.lines("t", "epoch", "v", List.of(Charts.Line.perEpoch("a", y, Color.RED))).getWidth());
        }
        // One value: a tenth of it either side, on a step of 100.
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1300, 1700, 100}, Charts.niceAxis(1521.9586468749999, 1521.9586468749999));
        assertEquals("1,500", Charts.tick(1500, 50));
        assertEquals("0.65", Charts.tick(0.65, 0.05));
        assertEquals("0.0", Charts.tick(-1e-17, 0.5), "no -0.0");
    }
}
