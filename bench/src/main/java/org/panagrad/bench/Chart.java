package org.panagrad.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The runner's bar chart: per benchmark, the java/native, FFM/C and native/torch time ratios on a logarithmic
 * axis, as bars growing from parity (1x): down is faster than the denominator, up slower. XChart's own log axis
 * rejects missing values, so bars are log10 of the ratio on a linear axis whose labels show the ratio.
 */
final class Chart {
    private Chart() {}

    /**
     * Writes {@code file} (PNG) for the rows that have at least one ratio.
     *
     * @param jmh   row -> backend -> stat
     * @param c     row -> C harness stat
     * @param torch row -> PyTorch stat
     */
    static void write(Path file, List<String> rows, Map<String, Map<String, Runner.Stat>> jmh,
                      Map<String, Runner.Stat> c, Map<String, Runner.Stat> torch) throws IOException {
        List<String> names = new ArrayList<>();
        List<Double> javaNative = new ArrayList<>(), ffmC = new ArrayList<>(), nativeTorch = new ArrayList<>();
        for (String row : rows) {
            Map<String, Runner.Stat> b = jmh.getOrDefault(row, Map.of());
            Double jn = ratio(b.get("java"), b.get("native")), fc = ratio(b.get("native"), c.get(row)),
                    nt = ratio(b.get("native"), torch.get(row));
            if (jn == null && fc == null && nt == null) continue;
            names.add(row);
            javaNative.add(jn);
            ffmC.add(fc);
            nativeTorch.add(nt);
        }
        if (names.isEmpty()) throw new IllegalStateException("Chart: no ratios to plot (only one side of every comparison was measured)");
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(900, 38 * names.size() + 200)).height(650)
                .title("panagrad: time ratios (lower is faster for the numerator; 1 = parity)")
                .xAxisTitle("benchmark").yAxisTitle("time ratio (log scale; below 1 = numerator faster)").build();
        chart.setCustomYAxisTickLabelsFormatter(v -> String.format(java.util.Locale.ROOT, "%.2gx", Math.pow(10, v)));
        chart.getStyler().setXAxisLabelRotation(70);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setAvailableSpaceFill(0.8);
        addSeries(chart, "java / native", names, javaNative);
        addSeries(chart, "native (FFM) / C", names, ffmC);
        addSeries(chart, "native / torch", names, nativeTorch);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void addSeries(CategoryChart chart, String name, List<String> names, List<Double> values) {
        if (values.stream().allMatch(v -> v == null)) return;
        chart.addSeries(name, names, values);
    }

    /** log10 of the ratio of medians, or null when either side is missing. */
    private static Double ratio(Runner.Stat num, Runner.Stat den) {
        if (num == null || den == null || !(num.median() > 0) || !(den.median() > 0)) return null;
        return Math.log10(num.median() / den.median());
    }
}
