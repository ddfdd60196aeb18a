package org.latentcl.io;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Image grids of examples and line plots of losses, written as PNG. */
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

    /** One named line of a plot. */
    public record Series(String name, double[] values, Color color) {
    }

    /** A line plot of values against epoch 1, 2, ... with axes, ticks and a legend. */
    public static BufferedImage plot(String title, String yLabel, List<Series> series) {
        int width = 720;
        int height = 440;
        int left = 80;
        int right = 20;
        int top = 40;
        int bottom = 50;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int n = 0;
        for (Series s : series) {
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            n = Math.max(n, s.values().length);
        }
        if (!(hi >= lo)) {
            lo = 0;
            hi = 1;
        }
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        double pad = (hi - lo) * 0.05;
        lo -= pad;
        hi += pad;
        int plotW = width - left - right;
        int plotH = height - top - bottom;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(225, 225, 225));
        for (int t = 0; t <= 5; t++) {
            int y = top + plotH - t * plotH / 5;
            g.drawLine(left, y, left + plotW, y);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(left, top, plotW, plotH);
        for (int t = 0; t <= 5; t++) {
            double v = lo + (hi - lo) * t / 5;
            int y = top + plotH - t * plotH / 5;
            g.drawString(String.format(Locale.ROOT, "%.4g", v), 8, y + 4);
        }
        int ticks = Math.min(n, 10);
        for (int t = 0; t < ticks; t++) {
            int epoch = n <= 1 ? 1 : 1 + (int) Math.round((double) t * (n - 1) / Math.max(1, ticks - 1));
            int x = left + (n <= 1 ? plotW / 2 : (epoch - 1) * plotW / (n - 1));
            g.drawString(Integer.toString(epoch), x - 4, top + plotH + 18);
        }
        g.drawString("epoch", left + plotW / 2 - 15, height - 10);
        g.drawString(yLabel, left, top - 8);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left + plotW / 2 - g.getFontMetrics().stringWidth(title) / 2, 22);
        g.setStroke(new BasicStroke(2f));
        int legendY = top + 16;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (Series s : series) {
            g.setColor(s.color());
            double[] v = s.values();
            int px = -1;
            int py = -1;
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) {
                    continue;
                }
                int x = left + (n <= 1 ? plotW / 2 : i * plotW / (n - 1));
                int y = top + plotH - (int) Math.round((v[i] - lo) / (hi - lo) * plotH);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fillOval(x - 3, y - 3, 6, 6);
                px = x;
                py = y;
            }
            g.drawLine(left + plotW - 150, legendY - 4, left + plotW - 125, legendY - 4);
            g.drawString(s.name(), left + plotW - 118, legendY);
            legendY += 18;
        }
        g.dispose();
        return img;
    }

    /** A scatter plot of 2-D points: the data in grey, generated points in orange. */
    public static BufferedImage scatter(String title, float[] data, int nData, float[] generated, int nGen) {
        int size = 560;
        int pad = 40;
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, size, size);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < 2 * nData; i++) {
            lo = Math.min(lo, data[i]);
            hi = Math.max(hi, data[i]);
        }
        double margin = (hi - lo) * 0.15 + 1e-6;
        lo -= margin;
        hi += margin;
        int span = size - 2 * pad;
        g.setColor(Color.DARK_GRAY);
        g.drawRect(pad, pad, span, span);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, pad, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(String.format(Locale.ROOT, "%.3g", lo), pad - 4, size - pad + 16);
        g.drawString(String.format(Locale.ROOT, "%.3g", hi), size - pad - 30, size - pad + 16);
        drawPoints(g, data, nData, lo, hi, pad, span, new Color(120, 120, 120, 90));
        drawPoints(g, generated, nGen, lo, hi, pad, span, new Color(255, 127, 14, 150));
        g.setColor(new Color(120, 120, 120));
        g.drawString("data", size - pad - 80, pad + 16);
        g.setColor(new Color(255, 127, 14));
        g.drawString("generated", size - pad - 80, pad + 32);
        g.dispose();
        return img;
    }

    private static void drawPoints(Graphics2D g, float[] p, int n, double lo, double hi, int pad, int span, Color c) {
        g.setColor(c);
        for (int i = 0; i < n; i++) {
            double x = (p[2 * i] - lo) / (hi - lo);
            double y = (p[2 * i + 1] - lo) / (hi - lo);
            if (x >= 0 && x <= 1 && y >= 0 && y <= 1) {
                g.fillOval(pad + (int) (x * span) - 2, pad + span - (int) (y * span) - 2, 4, 4);
            }
        }
    }

    public static void writePng(BufferedImage img, Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        AtomicFiles.write(file, out.toByteArray());
    }
}
