package org.panagrad.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Loss curves drawn to a PNG with XChart, one line per run, as the tutorial that compares Adam, RMSprop and SGD does.
 *
 * <pre>{@code
 * new LossPlot("Loss across epochs", "epoch", "training loss")
 *         .add("Adam", adamHistory.trainLosses())
 *         .add("SGD", sgdHistory.trainLosses())
 *         .save(Path.of("runs/losses.png"));
 * }</pre>
 */
public final class LossPlot {
    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final Map<String, double[]> series = new LinkedHashMap<>();
    private boolean logY;
    private int width = 800;
    private int height = 500;

    /** A plot with the given title and axis labels. */
    public LossPlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /**
     * Adds a curve; point i is drawn at x = i + 1 (epochs count from 1). Non-finite values (a diverged run) are
     * left out of the drawing.
     *
     * @throws IllegalArgumentException when the name or values are null, the series is empty or the name was added before
     */
    public LossPlot add(String name, double[] values) {
        if (name == null) throw new IllegalArgumentException("LossPlot: series name is null");
        if (values == null) throw new IllegalArgumentException("LossPlot: series '" + name + "' is null");
        if (values.length == 0) throw new IllegalArgumentException("LossPlot: series '" + name + "' is empty");
        if (series.containsKey(name)) throw new IllegalArgumentException("LossPlot: series '" + name + "' added twice");
        series.put(name, values.clone());
        return this;
    }

    /** Draws the y axis on a log scale (needs positive values). */
    public LossPlot logY(boolean log) {
        this.logY = log;
        return this;
    }

    /**
     * Sets the image size in pixels (default 800 x 500).
     *
     * @throws IllegalArgumentException unless both are in [16, 10000]
     */
    public LossPlot size(int width, int height) {
        if (width < 16 || height < 16 || width > 10_000 || height > 10_000) {
            throw new IllegalArgumentException("LossPlot: size " + width + " x " + height + " must be in [16, 10000] pixels each way");
        }
        this.width = width;
        this.height = height;
        return this;
    }

    /**
     * Writes the PNG atomically (a temp file renamed into place); creates parent directories.
     *
     * @throws IllegalStateException    when no series was added
     * @throws IllegalArgumentException on a log scale, when a series holds a value {@code <= 0}
     */
    public Path save(Path png) throws IOException {
        if (series.isEmpty()) throw new IllegalStateException("LossPlot: nothing to draw");
        if (logY) {
            for (var e : series.entrySet()) {
                for (int i = 0; i < e.getValue().length; i++) {
                    if (e.getValue()[i] <= 0) {
                        throw new IllegalArgumentException("LossPlot: series '" + e.getKey() + "' has " + e.getValue()[i]
                                + " at point " + i + "; a log-scale y axis needs positive values");
                    }
                }
            }
        }
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setYAxisLogarithmic(logY);
        for (var e : series.entrySet()) {
            double[] y = e.getValue().clone();
            double[] x = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                x[i] = i + 1;
                // A diverged run (inf or NaN loss) is drawn up to where it diverged: XChart rejects infinities
                // but leaves NaN points out.
                if (!Double.isFinite(y[i])) y[i] = Double.NaN;
            }
            chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        Path abs = png.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), ".plot", ".png");
        try {
            BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
            // createTempFile makes the file owner-only; a plot is for everyone who can read the directory.
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return abs;
    }
}
