package org.latentcl.io;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line and scatter plots drawn by XChart (round-number ticks, a legend), as images for {@link Images#writePng}. */
public final class Charts {
    private static final Color DATA_GREY = new Color(150, 150, 150);
    private static final Color GENERATED = new Color(255, 127, 14);

    private Charts() {
    }

    /** Whether this Java runtime can draw a chart's text; asked once (see {@link #write}). */
    private static final class TextSupport {
        static final String PROBLEM = probe(() -> lines("probe", "x", "y", List.of()));

        static {
            if (PROBLEM != null) {
                org.slf4j.LoggerFactory.getLogger(Charts.class).warn(
                        "charts (loss.png, fid.png, scatter.png) are skipped: this Java runtime cannot draw text ({})", PROBLEM);
            }
        }
    }

    /**
     * Writes a chart as a PNG, or skips it with one warning per run where the Java runtime cannot draw text: a
     * minimal runtime (as on GPU machines and in containers) may lack the font libraries, and a missing loss plot
     * must not end a training run whose checkpoint is already saved.
     */
    public static void write(Supplier<BufferedImage> chart, Path file) throws IOException {
        if (TextSupport.PROBLEM != null) {
            return;
        }
        Images.writePng(chart.get(), file);
    }

    /** Why {@code draw} cannot run in this Java runtime, or null when it can. */
    static String probe(Runnable draw) {
        try {
            draw.run();
            return null;
        } catch (OutOfMemoryError | StackOverflowError e) {
            throw e;
        } catch (Error e) { // UnsatisfiedLinkError for libfontmanager's libraries; InternalError for "Fontconfig head is null"
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** One named line: y against x. */
    public record Line(String name, double[] x, double[] y, Color color) {
        /** Values against epoch 1, 2, ... */
        public static Line perEpoch(String name, double[] y, Color color) {
            double[] x = new double[y.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
            }
            return new Line(name, x, y, color);
        }
    }

    /** Lines with markers against a shared x axis. */
    public static BufferedImage lines(String title, String xLabel, String yLabel, List<Line> lines) {
        XYChart chart = new XYChartBuilder().width(720).height(440).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        style(chart);
        // Below the plot, where it hides no point.
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        roundTicks(chart, lines);
        for (Line l : lines) {
            if (l.x().length == 0) {
                continue;
            }
            XYSeries s = chart.addSeries(l.name(), l.x(), finite(l.y()));
            s.setLineColor(l.color());
            s.setMarkerColor(l.color());
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * Axes on round numbers whatever the number of points (one point alone gave ticks such as
     * 1,521.9586468749999): y from a nice step (1, 2 or 5 times a power of ten) below its lowest
     * value to one above its highest, labels with the step's decimals; x labelled at whole numbers
     * only when every x is one (epochs).
     */
    private static void roundTicks(XYChart chart, List<Line> lines) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double xLo = Double.POSITIVE_INFINITY;
        double xHi = Double.NEGATIVE_INFINITY;
        boolean wholeX = true;
        for (Line l : lines) {
            for (int i = 0; i < l.y().length; i++) {
                if (Double.isFinite(l.y()[i])) {
                    lo = Math.min(lo, l.y()[i]);
                    hi = Math.max(hi, l.y()[i]);
                }
                xLo = Math.min(xLo, l.x()[i]);
                xHi = Math.max(xHi, l.x()[i]);
                wholeX &= l.x()[i] == Math.rint(l.x()[i]);
            }
        }
        if (lo > hi) {
            return;
        }
        double[] y = niceAxis(lo, hi);
        chart.getStyler().setYAxisMin(y[0]).setYAxisMax(y[1]);
        chart.getStyler().setyAxisTickLabelsFormattingFunction(v -> tick(v, y[2]));
        if (wholeX && xLo <= xHi) {
            if (xHi - xLo < 2) {
                // One or two epochs: one of room each side, so a lone point is not drawn on the frame and its epoch gets a tick.
                chart.getStyler().setXAxisMin(xLo - 1).setXAxisMax(xHi + 1);
            }
            chart.getStyler().setxAxisTickLabelsFormattingFunction(v -> Math.abs(v - Math.rint(v)) < 1e-6
                    ? String.format(java.util.Locale.ROOT, "%,d", Math.round(v)) : "");
        }
    }

    /** {lo, hi, step}: round bounds around [min, max] on a step of 1, 2 or 5 times a power of ten, about five steps. */
    static double[] niceAxis(double min, double max) {
        if (!(max > min)) {
            // One value (or all alike): a tenth of it either side, or 1 around zero.
            double half = min == 0 ? 1 : Math.abs(min) * 0.1;
            min -= half;
            max += half;
        }
        double raw = (max - min) / 5;
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / power;
        double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
        return new double[] {Math.floor(min / step) * step, Math.ceil(max / step) * step, step};
    }

    /** A tick label with as many decimals as the step has, and thousands grouped. */
    static String tick(double v, double step) {
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        double rounded = Math.abs(v) < step * 1e-6 ? 0 : v;
        return String.format(java.util.Locale.ROOT, "%,." + decimals + "f", rounded);
    }

    /** 2-D points: the data in grey, generated points in orange (rows of two values). */
    public static BufferedImage scatter(String title, float[] data, int nData, float[] generated, int nGenerated) {
        XYChart chart = new XYChartBuilder().width(600).height(600).title(title).xAxisTitle("x").yAxisTitle("y").build();
        style(chart);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(3);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        addPoints(chart, "data", data, nData, DATA_GREY);
        addPoints(chart, "generated", generated, nGenerated, GENERATED);
        return BitmapEncoder.getBufferedImage(chart);
    }

    private static void addPoints(XYChart chart, String name, float[] xy, int n, Color color) {
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = xy[2 * i];
            y[i] = xy[2 * i + 1];
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarkerColor(color);
        s.setMarker(SeriesMarkers.CIRCLE);
    }

    private static void style(XYChart chart) {
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendBorderColor(Color.LIGHT_GRAY);
        chart.getStyler().setPlotGridLinesColor(new Color(230, 230, 230));
        chart.getStyler().setAntiAlias(true);
    }

    /** NaN and infinities become gaps XChart can draw (it takes NaN as a gap, not infinities). */
    private static double[] finite(double[] y) {
        double[] out = y.clone();
        for (int i = 0; i < out.length; i++) {
            if (Double.isInfinite(out[i])) {
                out[i] = Double.NaN;
            }
        }
        return out;
    }
}
