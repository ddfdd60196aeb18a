package org.latentcl.io;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Image grids of examples, written as PNG (plots: {@link Charts}). */
public final class Images {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Images() {
    }

    /** A grid of grey images: {@link #grid(float[], int, int, int, int, int, int)} with one channel. */
    public static BufferedImage grid(float[] values, int count, int h, int w, int columns, int scale) {
        return grid(values, count, 1, h, w, columns, scale);
    }

    /**
     * A grid of {@code count} images of {@code channels} x h x w values in [0, 1] (one per row of
     * {@code values}, channel planes one after another: grey for one channel, RGB for three),
     * {@code columns} per row, each pixel drawn {@code scale} x {@code scale}, with a one-pixel dark gap.
     */
    public static BufferedImage grid(float[] values, int count, int channels, int h, int w, int columns, int scale) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("image grids draw 1 (grey) or 3 (RGB) channels, not " + channels);
        }
        int rows = (count + columns - 1) / columns;
        int cell = w * scale + 1;
        int cellH = h * scale + 1;
        BufferedImage img = new BufferedImage(columns * cell + 1, rows * cellH + 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(40, 40, 48));
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.dispose();
        for (int n = 0; n < count; n++) {
            int x0 = 1 + (n % columns) * cell;
            int y0 = 1 + (n / columns) * cellH;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int base = n * channels * h * w + y * w + x;
                    int r = level(values[base]);
                    int rgb = channels == 1 ? (r << 16) | (r << 8) | r
                            : (r << 16) | (level(values[base + h * w]) << 8) | level(values[base + 2 * h * w]);
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            img.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, rgb);
                        }
                    }
                }
            }
        }
        return img;
    }

    /** A value in [0, 1] as a colour level 0..255. */
    private static int level(float v) {
        return Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
    }

    public static void writePng(BufferedImage img, Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        AtomicFiles.write(file, out.toByteArray());
    }
}
