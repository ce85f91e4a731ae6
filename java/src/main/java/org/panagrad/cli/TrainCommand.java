package org.panagrad.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.panagrad.Backend;
import org.panagrad.Panagrad;
import org.panagrad.data.FashionMnist;
import org.panagrad.nn.Block;
import org.panagrad.optim.Optimizer;
import org.panagrad.train.EpochStats;
import org.panagrad.train.Fit;
import org.panagrad.train.History;
import org.panagrad.train.LossPlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code panagrad train}: the tutorials' two models, trained end to end. On Fashion-MNIST (when installed) the
 * 784-128-64-10 ReLU MLP with cross-entropy; otherwise the 64-256-1024-1 sigmoid classifier with binary cross-entropy
 * on generated blobs. Prints each epoch, writes a loss-curve PNG and a checkpoint.
 */
@Command(name = "train", mixinStandardHelpOptions = true, modelTransformer = CaseInsensitiveEnums.class,
        description = "Trains the tutorial MLP on Fashion-MNIST (when installed) or on generated blobs.")
final class TrainCommand implements Callable<Integer> {

    enum DatasetChoice { AUTO, FASHION_MNIST, BLOBS }

    @Option(names = "--dataset", defaultValue = "auto",
            description = "auto (Fashion-MNIST when installed, else blobs), fashion_mnist or blobs")
    DatasetChoice dataset;

    @Option(names = "--data-dir", description = "directory holding the four Fashion-MNIST IDX files "
            + "(default /usr/share/datasets/fashion-mnist)")
    Path dataDir;

    @Option(names = "--optimizer", defaultValue = "adam", description = "adam, adamw, sgd or rmsprop (default ${DEFAULT-VALUE})")
    Recipes.OptimizerChoice optimizer;

    @Option(names = "--lr", description = "learning rate (default: adam/adamw 1e-3, rmsprop 1e-2, sgd 1e-2)")
    Double lr;

    @Option(names = "--epochs", description = "epochs (default: 5 on Fashion-MNIST, 10 on blobs)")
    Integer epochs;

    @Option(names = "--batch-size", description = "batch size (default: 64 on Fashion-MNIST, 16 on blobs)")
    Integer batchSize;

    @Option(names = "--backend", description = "native or java (default: native when libpanagrad.so loads)")
    Backend backend;

    @Option(names = "--threads", description = "threads for GEMM (default: all cores)")
    Integer threads;

    @Option(names = "--seed", defaultValue = "2020", description = "seed for weights, shuffling and data (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", description = "output directory for the plot and checkpoint (default runs/<dataset>-<time>)")
    Path out;

    @Option(names = "--compare-optimizers", description = "train the same model with Adam, RMSprop and SGD and plot the three loss curves")
    boolean compare;

    @Option(names = "--progress", negatable = true, description = "draw a progress bar (default: when a console is attached)")
    Boolean progress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        validate();
        if (backend != null) Panagrad.setBackend(backend);
        if (threads != null) Panagrad.setThreads(threads);
        Recipes.Task task = Recipes.task(dataset == DatasetChoice.AUTO ? null : dataset == DatasetChoice.BLOBS, dataDir, seed);
        int ep = epochs != null ? epochs : task.defaultEpochs();
        int bs = batchSize != null ? batchSize : task.defaultBatchSize();
        Path dir = out != null ? out : Path.of("runs", task.name() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(dir);
        System.out.println(Panagrad.describe());
        System.out.printf("task: %s (%d train / %d test samples), model %s%n", task.description(),
                task.train().size(), task.test().size(), task.modelName());

        List<Recipes.OptimizerChoice> runs = compare
                ? List.of(Recipes.OptimizerChoice.ADAM, Recipes.OptimizerChoice.RMSPROP, Recipes.OptimizerChoice.SGD)
                : List.of(optimizer);
        Map<String, double[]> curves = new LinkedHashMap<>();
        for (Recipes.OptimizerChoice choice : runs) {
            Panagrad.manualSeed(seed);
            Block model = task.newModel();
            Optimizer opt = Recipes.optimizer(choice, model.parameters(), compare ? null : lr);
            System.out.printf("%s, batch %d, %d epochs%n", Recipes.describe(opt), bs, ep);
            Fit fit = Fit.of(model, task.loss(), opt).epochs(ep).validation(task.testLoader(bs))
                    .onEpoch((EpochStats s) -> System.out.println("  " + s));
            if (progress != null) fit.progressBar(progress);
            History history = fit.run(task.trainLoader(bs, seed));
            curves.put(choice.label(), history.trainLosses());
            Path ckpt = dir.resolve("checkpoint-" + choice.name().toLowerCase() + ".safetensors");
            Recipes.saveCheckpoint(ckpt, model, opt, task, history);
            System.out.printf("  final test accuracy %.2f%%, checkpoint %s%n", 100 * history.last().testAccuracy(), ckpt);
        }
        LossPlot plot = new LossPlot(compare ? "Training loss across epochs for different optimizers"
                : "Training loss, " + task.description(), "epoch", "mean training loss per sample");
        curves.forEach(plot::add);
        System.out.println("loss curve: " + plot.save(dir.resolve("loss.png")));
        return 0;
    }

    /** Rejects bad numbers before anything is loaded or written; picocli prints the message and the usage (exit 2). */
    private void validate() {
        if (epochs != null && epochs < 1) throw bad("--epochs must be >= 1, got " + epochs);
        if (batchSize != null && batchSize < 1) throw bad("--batch-size must be >= 1, got " + batchSize);
        if (lr != null && !(lr > 0 && Double.isFinite(lr))) throw bad("--lr must be positive and finite, got " + lr);
        if (threads != null && threads < 1) throw bad("--threads must be >= 1, got " + threads);
        if (out != null && Files.exists(out) && !Files.isDirectory(out)) throw bad("--out " + out + " is a file, not a directory");
        if (dataset == DatasetChoice.FASHION_MNIST) {
            Path dir = dataDir != null ? dataDir : FashionMnist.DEFAULT_DIR;
            if (!FashionMnist.isAvailable(dir)) {
                throw bad("--dataset fashion_mnist: the four Fashion-MNIST IDX files are not in " + dir
                        + " (apt-get install dataset-fashion-mnist, or pass --data-dir)");
            }
        }
        // --compare-optimizers trains Adam, RMSprop and SGD with the tutorial's settings: say so instead of ignoring these.
        if (compare && lr != null) {
            throw bad("--lr cannot be combined with --compare-optimizers (each optimizer uses the tutorial's rate)");
        }
        if (compare && spec.commandLine().getParseResult().hasMatchedOption("--optimizer")) {
            throw bad("--optimizer cannot be combined with --compare-optimizers (it trains Adam, RMSprop and SGD)");
        }
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), "train: " + message);
    }
}
