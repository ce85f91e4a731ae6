package org.panagrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LossPlot writes a real PNG of the asked size and rejects what it cannot draw. */
class LossPlotTest {
    static {
        // Before XChart (and AWT) load: the build machines have no display.
        System.setProperty("java.awt.headless", "true");
    }

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    @Test
    void writesAReadablePngOfTheGivenSize() throws IOException {
        Path out = dir.resolve("sub/dir/loss.png");
        Path written = new LossPlot("Loss across epochs", "epoch", "loss").size(640, 360)
                .add("Adam", new double[] {0.9, 0.5, 0.3, 0.2})
                .add("SGD", new double[] {1.0, 0.8, 0.7, 0.65})
                .save(out);
        assertEquals(out.toAbsolutePath(), written);
        byte[] bytes = Files.readAllBytes(out);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, 8), "PNG signature");
        BufferedImage img = ImageIO.read(out.toFile());
        assertEquals(640, img.getWidth());
        assertEquals(360, img.getHeight());
        Set<Integer> colors = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) for (int x = 0; x < img.getWidth(); x += 2) colors.add(img.getRGB(x, y));
        assertTrue(colors.size() > 10, "something was drawn: " + colors.size() + " colours");
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertEquals(List.of(out.toAbsolutePath()), files.map(Path::toAbsolutePath).toList(), "no temp file left behind");
        }
    }

    @Test
    void defaultSizeLogScaleAndOverwrite() throws IOException {
        Path out = dir.resolve("loss.png");
        Files.writeString(out, "not a png");
        new LossPlot("t", "x", "y").logY(true).add("one", new double[] {2.0}).save(out);
        BufferedImage img = ImageIO.read(out.toFile());
        assertEquals(800, img.getWidth());
        assertEquals(500, img.getHeight());
    }

    @Test
    void aDivergedRunStillPlots() throws IOException {
        // SGD blowing up mid-run gives NaN or infinite losses; the other curves must still be drawn.
        Path out = dir.resolve("diverged.png");
        new LossPlot("t", "x", "y").add("Adam", new double[] {0.5, 0.3, 0.2})
                .add("SGD", new double[] {0.7, Double.POSITIVE_INFINITY, Double.NaN})
                .add("RMSprop", new double[] {Double.NaN, Double.NEGATIVE_INFINITY, Double.NaN}).save(out);
        assertEquals(800, ImageIO.read(out.toFile()).getWidth());
        new LossPlot("t", "x", "y").logY(true).add("SGD", new double[] {0.7, Double.NaN}).save(out);
        assertEquals(500, ImageIO.read(out.toFile()).getHeight());
    }

    @Test
    void rejectsWhatItCannotDraw() {
        var plot = new LossPlot("t", "x", "y");
        var empty = assertThrows(IllegalArgumentException.class, () -> plot.add("Adam", new double[0]));
        assertTrue(empty.getMessage().contains("LossPlot") && empty.getMessage().contains("'Adam' is empty"), empty.getMessage());
        plot.add("Adam", new double[] {1});
        var dup = assertThrows(IllegalArgumentException.class, () -> plot.add("Adam", new double[] {2}));
        assertTrue(dup.getMessage().contains("'Adam' added twice"), dup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> plot.add(null, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> plot.add("b", null));
        var size = assertThrows(IllegalArgumentException.class, () -> plot.size(0, 100));
        assertTrue(size.getMessage().contains("0 x 100"), size.getMessage());

        Path out = dir.resolve("never.png");
        var none = assertThrows(IllegalStateException.class, () -> new LossPlot("t", "x", "y").save(out));
        assertTrue(none.getMessage().contains("nothing to draw"));
        var log = assertThrows(IllegalArgumentException.class,
                () -> new LossPlot("t", "x", "y").logY(true).add("SGD", new double[] {1, 0}).save(out));
        assertTrue(log.getMessage().contains("'SGD'") && log.getMessage().contains("0.0"), log.getMessage());
        assertTrue(Files.notExists(out), "nothing written on failure");
    }
}
