package org.panagrad.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.panagrad.data.DataLoader;
import org.panagrad.io.Checkpoint;
import org.panagrad.nn.Block;
import org.panagrad.optim.Optimizer;
import org.panagrad.train.Evaluation;
import org.panagrad.train.Fit;
import picocli.CommandLine;

/** The command line, run in-process through picocli (Main.main would System.exit). */
class CliTest {
    static {
        System.setProperty("java.awt.headless", "true"); // before XChart loads: no display on build machines
    }

    @TempDir
    Path dir;

    /** Exit code and what the command printed to picocli's err stream. */
    record Run(int exitCode, String err) {}

    static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, err.toString());
    }

    static List<String> files(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void trainOnBlobsWritesPlotAndARestorableCheckpoint() throws IOException {
        Path out = dir.resolve("run");
        Run r = run("train", "--dataset", "blobs", "--epochs", "1", "--out", out.toString(), "--no-progress");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(List.of("checkpoint-adam.safetensors", "loss.png"), files(out));
        BufferedImage png = ImageIO.read(out.resolve("loss.png").toFile());
        assertEquals(800, png.getWidth());
        assertEquals(500, png.getHeight());

        Block model = Recipes.blobsClassifier();
        Optimizer opt = Recipes.optimizer(Recipes.OptimizerChoice.ADAM, model.parameters(), null);
        Map<String, String> meta = Checkpoint.restore(out.resolve("checkpoint-adam.safetensors"), model, opt);
        assertEquals("blobs", meta.get("task"));
        assertEquals("1", meta.get("epochs"));
        assertEquals("Adam lr 0.001", meta.get("optimizer"));
        assertEquals(4000 / 16, opt.stepCount(), "one epoch of 4000 samples in batches of 16");
        // The restored model is the trained one: it scores exactly the accuracy the command recorded.
        Recipes.Task task = Recipes.task(true, null, 2020);
        DataLoader test = task.testLoader(16);
        Evaluation ev = Fit.evaluate(model, task.loss(), test);
        assertEquals(Double.parseDouble(meta.get("test_accuracy")), ev.accuracy(), 0);
        assertTrue(ev.accuracy() >= 0.99, "blobs after one epoch: " + ev.accuracy());
    }

    @Test
    void compareOptimizersWritesOnePlotAndThreeCheckpoints() throws IOException {
        Path out = dir.resolve("cmp");
        Run r = run("train", "--dataset", "BLOBS", "--epochs", "1", "--out", out.toString(), "--no-progress",
                "--compare-optimizers");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(List.of("checkpoint-adam.safetensors", "checkpoint-rmsprop.safetensors", "checkpoint-sgd.safetensors",
                "loss.png"), files(out));
        for (var choice : List.of(Recipes.OptimizerChoice.ADAM, Recipes.OptimizerChoice.RMSPROP, Recipes.OptimizerChoice.SGD)) {
            Block model = Recipes.blobsClassifier();
            Optimizer opt = Recipes.optimizer(choice, model.parameters(), null);
            Map<String, String> meta = Checkpoint.restore(
                    out.resolve("checkpoint-" + choice.name().toLowerCase() + ".safetensors"), model, opt);
            assertEquals(opt.name() + " lr " + opt.lr(), meta.get("optimizer"));
            assertEquals(250, opt.stepCount());
        }
        byte[] sig = Arrays.copyOf(Files.readAllBytes(out.resolve("loss.png")), 4);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, sig);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--epochs|0|--epochs must be >= 1, got 0",
            "--batch-size|0|--batch-size must be >= 1, got 0",
            "--lr|-1|--lr must be positive and finite, got -1.0",
            "--lr|0|--lr must be positive and finite, got 0.0",
            "--lr|NaN|--lr must be positive and finite, got NaN",
            "--lr|Infinity|--lr must be positive and finite, got Infinity",
            "--threads|0|--threads must be >= 1, got 0",
            "--optimizer|nope|'nope'",
            "--epochs|two|'two'"})
    void badOptionsExitNonZeroWithAMessageAndWriteNothing(String option, String value, String expected) throws IOException {
        Path out = dir.resolve("bad");
        Run r = run("train", "--dataset", "blobs", "--out", out.toString(), "--no-progress", option, value);
        assertNotEquals(0, r.exitCode());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in:\n" + r.err());
        assertTrue(r.err().contains(option), r.err());
        assertTrue(Files.notExists(out), "nothing written for rejected options");
    }

    @Test
    void compareOptimizersRejectsOptionsItWouldIgnore() {
        Path out = dir.resolve("bad");
        Run lr = run("train", "--dataset", "blobs", "--out", out.toString(), "--compare-optimizers", "--lr", "0.1");
        assertEquals(2, lr.exitCode());
        assertTrue(lr.err().contains("--lr cannot be combined with --compare-optimizers"), lr.err());
        Run opt = run("train", "--dataset", "blobs", "--out", out.toString(), "--compare-optimizers", "--optimizer", "sgd");
        assertEquals(2, opt.exitCode());
        assertTrue(opt.err().contains("--optimizer cannot be combined with --compare-optimizers"), opt.err());
        assertTrue(Files.notExists(out));
    }

    @Test
    void missingDataAndAFileAsOutputAreRejectedUpFront() throws IOException {
        Path out = dir.resolve("out");
        Run r = run("train", "--dataset", "fashion_mnist", "--data-dir", dir.resolve("nowhere").toString(), "--out", out.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Fashion-MNIST IDX files are not in " + dir.resolve("nowhere")), r.err());
        assertTrue(Files.notExists(out));
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Run f = run("train", "--dataset", "blobs", "--out", file.toString());
        assertEquals(2, f.exitCode());
        assertTrue(f.err().contains("--out " + file + " is a file, not a directory"), f.err());
    }

    @Test
    void memoryCommandReachesSteadyState() {
        Run r = run("memory", "300", "--points", "3");
        assertEquals(0, r.exitCode(), "fresh native allocations after warm-up, or growth in use:\n" + r.err());
        Run bad = run("memory", "0");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("memory: steps must be >= 1, got 0"), bad.err());
        Run badPoints = run("memory", "10", "--points", "0");
        assertEquals(2, badPoints.exitCode());
        assertTrue(badPoints.err().contains("--points must be >= 1, got 0"), badPoints.err());
    }

    @Test
    void noSubcommandPrintsUsage() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("--help"));
        assertTrue(out.toString().contains("train") && out.toString().contains("memory"), out.toString());
    }
}
