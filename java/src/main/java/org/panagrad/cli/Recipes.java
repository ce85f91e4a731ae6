package org.panagrad.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.data.Blobs;
import org.panagrad.data.DataLoader;
import org.panagrad.data.FashionMnist;
import org.panagrad.data.Idx;
import org.panagrad.data.Split;
import org.panagrad.data.TensorDataset;
import org.panagrad.io.Checkpoint;
import org.panagrad.loss.BCELoss;
import org.panagrad.loss.CrossEntropyLoss;
import org.panagrad.loss.Loss;
import org.panagrad.nn.Block;
import org.panagrad.nn.Linear;
import org.panagrad.nn.ReLU;
import org.panagrad.nn.Sequential;
import org.panagrad.nn.Sigmoid;
import org.panagrad.optim.Adam;
import org.panagrad.optim.AdamW;
import org.panagrad.optim.Optimizer;
import org.panagrad.optim.RMSprop;
import org.panagrad.optim.SGD;
import org.panagrad.train.History;

/** The tutorials' models, data and optimizer settings, shared by the commands. */
final class Recipes {
    private Recipes() {
    }

    /** Optimizers the train command offers, with the settings of the tutorial that compares them. */
    enum OptimizerChoice {
        ADAM("Adam"), ADAMW("AdamW"), SGD("SGD"), RMSPROP("RMSprop");

        private final String label;

        OptimizerChoice(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /**
     * The optimizer for {@code choice}; {@code lr} null means the tutorial's setting (Adam 1e-3; SGD lr 0.01 with
     * momentum 0.9; RMSprop lr 0.01, alpha 0.9, eps 1e-8, weight decay 0.1, momentum 0.1, centered).
     */
    static Optimizer optimizer(OptimizerChoice choice, List<Tensor> params, Double lr) {
        return switch (choice) {
            case ADAM -> new Adam(params, lr != null ? lr : 1e-3);
            case ADAMW -> new AdamW(params, lr != null ? lr : 1e-3);
            case SGD -> new SGD(params, lr != null ? lr : 0.01).momentum(0.9);
            case RMSPROP -> new RMSprop(params, lr != null ? lr : 0.01).alpha(0.9).eps(1e-8).weightDecay(0.1)
                    .momentum(0.1).centered(true);
        };
    }

    static String describe(Optimizer opt) {
        return opt.name() + " lr " + opt.lr();
    }

    /** The 784-128-64-10 ReLU MLP of the PyTorch MNIST tutorial (outputs logits). */
    static Block mlp() {
        return new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 64), new ReLU(), new Linear(64, 10));
    }

    /** The 64-256-1024-1 sigmoid classifier of the blobs tutorial (outputs probabilities). */
    static Block blobsClassifier() {
        return new Sequential(new Linear(64, 256), new ReLU(), new Linear(256, 1024), new ReLU(), new Linear(1024, 1),
                new Sigmoid());
    }

    /** A data set, a model and a loss that belong together. */
    record Task(String name, String description, String modelName, TensorDataset train, TensorDataset test,
                java.util.function.Supplier<Block> models, Loss loss, int defaultEpochs, int defaultBatchSize) {
        Block newModel() {
            return models.get();
        }

        DataLoader trainLoader(int batchSize, long seed) {
            return DataLoader.builder(train).batchSize(batchSize).shuffle(true).seed(seed).build();
        }

        DataLoader testLoader(int batchSize) {
            return DataLoader.builder(test).batchSize(Math.max(batchSize, 1000)).build();
        }
    }

    /**
     * Fashion-MNIST when {@code blobs} is false, or null and the data set is installed; else the blobs task.
     * Fashion-MNIST images are scaled to [0, 1] and normalised with mean 0.5, std 0.5 as in the tutorial.
     */
    static Task task(Boolean blobs, Path dataDir, long seed) throws IOException {
        Path dir = dataDir != null ? dataDir : FashionMnist.DEFAULT_DIR;
        boolean useBlobs = blobs != null ? blobs : !FashionMnist.isAvailable(dir);
        if (!useBlobs) {
            TensorDataset train = FashionMnist.load(Split.TRAIN, dir, Idx.Normalization.HALF);
            TensorDataset test = FashionMnist.load(Split.TEST, dir, Idx.Normalization.HALF);
            return new Task("fashion-mnist", "Fashion-MNIST (" + dir + ")", "784-128-64-10 ReLU MLP, cross-entropy",
                    train, test, Recipes::mlp, new CrossEntropyLoss(), 5, 64);
        }
        if (blobs == null) {
            System.out.println("Fashion-MNIST is not installed in " + dir + " (apt-get install dataset-fashion-mnist);"
                    + " training on generated blobs instead.");
        }
        // The tutorial's data: 5000 samples in 2 blobs of 64 features, std 10, 80/20 split in order.
        TensorDataset all = Blobs.builder().samples(5000).features(64).centers(2).clusterStd(10).seed(seed).make().dataset();
        int[] trainIdx = new int[4000];
        int[] testIdx = new int[1000];
        for (int i = 0; i < 4000; i++) trainIdx[i] = i;
        for (int i = 0; i < 1000; i++) testIdx[i] = 4000 + i;
        return new Task("blobs", "blobs (5000 samples, 2 centers, 64 features, std 10)",
                "64-256-1024-1 ReLU MLP with sigmoid, binary cross-entropy",
                columnLabels(all.subset(trainIdx)), columnLabels(all.subset(testIdx)), Recipes::blobsClassifier,
                new BCELoss(), 10, 16);
    }

    /** Generated data shaped like MNIST (784 features, 10 classes), for commands that must not need a download. */
    static DataLoader syntheticMnistLike(int batchSize) {
        TensorDataset data = Blobs.builder().samples(4096).features(784).centers(10).centerBox(-1, 1).clusterStd(20).seed(11).make().dataset();
        return DataLoader.builder(data).batchSize(batchSize).shuffle(true).seed(3).dropLast(true).build();
    }

    /** Saves the model's parameters, the optimizer's state and what produced them in one safetensors file. */
    static void saveCheckpoint(Path file, Block model, Optimizer opt, Task task, History history) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("task", task.name());
        meta.put("model", task.modelName());
        meta.put("optimizer", describe(opt));
        meta.put("epochs", Integer.toString(history.epochs().size()));
        meta.put("test_accuracy", Double.toString(history.last().testAccuracy()));
        meta.put("backend", Panagrad.backend().toString());
        Checkpoint.save(file, model, opt, meta);
    }

    /** Labels as an [N, 1] column, the shape of the sigmoid output BCE compares them with. */
    private static TensorDataset columnLabels(TensorDataset d) {
        return new TensorDataset(d.features(), d.labels().reshape(d.size(), 1));
    }
}
