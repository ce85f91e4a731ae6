package org.panagrad.examples;

import java.nio.file.Path;
import java.util.Arrays;
import org.panagrad.Autograd;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.data.Batch;
import org.panagrad.data.DataLoader;
import org.panagrad.data.FashionMnist;
import org.panagrad.data.Idx;
import org.panagrad.data.Split;
import org.panagrad.data.TensorDataset;
import org.panagrad.loss.CrossEntropyLoss;
import org.panagrad.loss.NLLLoss;
import org.panagrad.nn.Linear;
import org.panagrad.nn.LogSoftmax;
import org.panagrad.nn.ReLU;
import org.panagrad.nn.Sequential;
import org.panagrad.optim.SGD;

/**
 * Tutorial 002 (PyTorch, "training neural networks", part III) retold with panagrad: the loss of an untrained
 * 784-128-64-10 multilayer perceptron on one batch of 64 images, autograd, and one step of SGD.
 *
 * <ol>
 *   <li>A batch from a {@link DataLoader}: images {@code [64, 1, 28, 28]} flattened to {@code [64, 784]},
 *       labels {@code [64]}, pixels normalised to [-1, 1] ({@code (p − 0.5) / 0.5}).</li>
 *   <li>{@link CrossEntropyLoss} takes the raw scores (logits); it is {@link LogSoftmax} followed by
 *       {@link NLLLoss}, which the example shows by running the same layers with a LogSoftmax on top. An
 *       untrained network scores about {@code ln 10 ≈ 2.30}. {@code exp} of the log-softmax gives the
 *       probabilities, about 10% per class.</li>
 *   <li>Autograd on {@code z = mean(x²)}: {@code dz/dx = 2x / 4 = x / 2}.</li>
 *   <li>The first layer's weight has no gradient until {@code backward()}; then one {@link SGD} step with
 *       learning rate 0.1 moves it to {@code w − 0.1·grad}.</li>
 * </ol>
 *
 * <p>Data: the tutorial uses MNIST, which is not installed here; Fashion-MNIST has the same format and is used
 * when its files are in {@link FashionMnist#DEFAULT_DIR} (or the directory given), otherwise random images and
 * labels stand in, which is enough for everything this example shows.
 *
 * <pre>{@code
 * MnistMlpOneStep.Result r = MnistMlpOneStep.run(7);
 * r.crossEntropy() - r.logSoftmaxNll();   // 0 (up to rounding)
 * }</pre>
 */
public final class MnistMlpOneStep {
    private MnistMlpOneStep() {}

    /** Images per batch, as in the tutorial. */
    public static final int BATCH_SIZE = 64;
    /** The learning rate of the single SGD step. */
    public static final float LEARNING_RATE = 0.1f;

    /**
     * What the tutorial prints.
     *
     * @param fashionMnist    true when the images came from Fashion-MNIST, false for random stand-ins
     * @param imagesShape     a batch's images as they come, {@code [64, 1, 28, 28]}
     * @param labelsShape     its labels, {@code [64]}
     * @param flatShape       the images flattened, {@code [64, 784]}
     * @param scoresShape     the network's scores, {@code [64, 10]}
     * @param crossEntropy    {@link CrossEntropyLoss} of the scores (mean over the batch)
     * @param logSoftmaxNll   {@link NLLLoss} of the same layers followed by {@link LogSoftmax}, same batch
     * @param probabilities   the first image's class probabilities, {@code exp} of the log-softmax, [10]
     * @param x               the 2x2 input of the autograd demo
     * @param xGrad           {@code d mean(x²) / dx}
     * @param yGradFn         the op that made {@code y = x²}
     * @param zGradFn         the op that made {@code z = mean(y)}
     * @param gradBeforeBackward whether the first layer's weight had a gradient before {@code backward()}
     * @param weightBefore    {@code weight[0, :5]} of the first layer before the step
     * @param grad            {@code weight.grad[0, :5]}
     * @param weightAfter     {@code weight[0, :5]} after {@code optimizer.step()}
     * @param lossBefore      the NLL loss of the step's batch before the step
     * @param lossAfter       the NLL loss of the same batch after the step
     */
    public record Result(boolean fashionMnist, int[] imagesShape, int[] labelsShape, int[] flatShape, int[] scoresShape,
                         float crossEntropy, float logSoftmaxNll, float[] probabilities, float[] x, float[] xGrad, String yGradFn,
                         String zGradFn, boolean gradBeforeBackward, float[] weightBefore, float[] grad, float[] weightAfter,
                         float lossBefore, float lossAfter) {}

    /**
     * The training images: Fashion-MNIST from {@code dir}, pixels scaled to [-1, 1] ({@code (p − 0.5) / 0.5}, the
     * tutorial's {@code Normalize((0.5,), (0.5,))}), or random stand-ins when its files are not there.
     */
    public static TensorDataset trainingData(Path dir) {
        return ExampleData.load(Split.TRAIN, Integer.MAX_VALUE, dir, Idx.Normalization.HALF);
    }

    /** The tutorial's network: 784 → 128 → 64 → 10 with ReLUs and no output activation (it returns logits). */
    public static Sequential model() {
        return new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 64), new ReLU(), new Linear(64, 10));
    }

    /** Runs the tutorial on Fashion-MNIST from its default directory (or random images), seeding everything with {@code seed}. */
    public static Result run(long seed) {
        return run(seed, FashionMnist.DEFAULT_DIR);
    }

    /** Runs the tutorial on Fashion-MNIST from {@code dir} (random images when absent). */
    public static Result run(long seed, Path dir) {
        Panagrad.manualSeed(seed);
        boolean fashion = FashionMnist.isAvailable(dir);
        TensorDataset train = trainingData(dir);
        DataLoader trainLoader = DataLoader.builder(train).batchSize(BATCH_SIZE).shuffle(true).seed(seed).build();

        // 1. One batch; the dataset stores flattened images, shown here with torchvision's [N, C, H, W] shape first.
        Batch batch = nextBatch(trainLoader);
        Tensor images = batch.x().reshape(-1, 1, 28, 28);
        Tensor labels = batch.y();
        Tensor flat = images.reshape(images.shape(0), -1);

        // 2. Cross-entropy on the logits, and the same layers with LogSoftmax on top scored by NLLLoss. The two
        //    Sequentials share their Linear blocks, hence their weights: the losses must agree.
        Sequential model = model();
        Sequential withLogSoftmax = new Sequential(model.get(0), model.get(1), model.get(2), model.get(3), model.get(4),
                new LogSoftmax(1));
        float ce, nll;
        int[] scoresShape;
        float[] probabilities;
        try (var g = Autograd.noGrad()) {
            Tensor scores = model.forward(flat);
            scoresShape = scores.shape();
            ce = new CrossEntropyLoss().forward(scores, labels).item();
            Tensor logProbs = withLogSoftmax.forward(flat);
            nll = new NLLLoss().forward(logProbs, labels).item();
            probabilities = logProbs.get(0).exp().toFloatArray();
        }

        // 3. Autograd: y = x², z = mean(y); dz/dx = x/2.
        Tensor x = Tensor.randn(2, 2).requiresGrad(true);
        Tensor y = x.pow(2f);
        Tensor z = y.mean();
        z.backward();

        // 4. One SGD step on a fresh batch. Gradients accumulate across backward calls, so zero them first.
        Linear first = (Linear) model.get(0);
        boolean gradBefore = first.weight().grad() != null;
        SGD optimizer = new SGD(withLogSoftmax.parameters(), LEARNING_RATE);
        NLLLoss criterion = new NLLLoss();
        Batch stepBatch = nextBatch(trainLoader);
        Tensor stepImages = stepBatch.x();
        float[] weightBefore = firstFive(first.weight());
        optimizer.zeroGrad();
        Tensor loss = criterion.forward(withLogSoftmax.forward(stepImages), stepBatch.y());
        loss.backward();
        float[] grad = firstFive(first.weight().grad());
        optimizer.step();
        float[] weightAfter = firstFive(first.weight());
        float lossAfter;
        try (var g = Autograd.noGrad()) {
            lossAfter = criterion.forward(withLogSoftmax.forward(stepImages), stepBatch.y()).item();
        }

        return new Result(fashion, images.shape(), labels.shape(),
                flat.shape(), scoresShape, ce, nll, probabilities, x.toFloatArray(), x.grad().toFloatArray(), y.gradFn(),
                z.gradFn(), gradBefore, weightBefore, grad, weightAfter, loss.item(), lossAfter);
    }

    /** The first batch of a new pass over the data: torch's {@code next(iter(trainloader))}. */
    private static Batch nextBatch(DataLoader loader) {
        return loader.iterator().next();
    }

    /** {@code t[0, :5]} as an array (a read, not recorded). */
    private static float[] firstFive(Tensor t) {
        try (var g = Autograd.noGrad()) {
            return Arrays.copyOf(t.get(0).toFloatArray(), 5);
        }
    }

    /** Prints what the tutorial prints. Optional arguments: seed (default 7) and the Fashion-MNIST directory. */
    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 7;
        Path dir = args.length > 1 ? Path.of(args[1]) : FashionMnist.DEFAULT_DIR;
        Result r = run(seed, dir);
        System.out.println("data: " + (r.fashionMnist() ? "Fashion-MNIST from " + dir : "random images (Fashion-MNIST not found in " + dir + ")"));
        System.out.println("Shape of images:   " + Arrays.toString(r.imagesShape()));
        System.out.println("Shape of labels:   " + Arrays.toString(r.labelsShape()));
        System.out.println("Reshaped images:   " + Arrays.toString(r.flatShape()));
        System.out.println("Shape of scores:   " + Arrays.toString(r.scoresShape()));
        System.out.printf("CrossEntropyLoss:        %.4f%n", r.crossEntropy());
        System.out.printf("LogSoftmax + NLLLoss:    %.4f%n", r.logSoftmaxNll());
        System.out.println("Probabilities of the first image:");
        for (int i = 0; i < r.probabilities().length; i++) System.out.printf("%d: %.4f%%%n", i, r.probabilities()[i] * 100);
        System.out.println("\nx:       " + Tensor.fromArray(r.x(), 2, 2));
        System.out.println("y = x^2 came from " + r.yGradFn() + ", z = mean(y) from " + r.zGradFn());
        System.out.println("x.grad:  " + Tensor.fromArray(r.xGrad(), 2, 2) + "   (= x / 2)");
        System.out.println("\nfirst layer weight grad before backward: " + (r.gradBeforeBackward() ? "set" : "null"));
        System.out.println("Initial weights:      " + Tensor.of(r.weightBefore()));
        System.out.println("gradients:            " + Tensor.of(r.grad()));
        System.out.println("gradients*learnrate:  " + Tensor.of(r.grad()).mul(LEARNING_RATE));
        System.out.println("New weights:          " + Tensor.of(r.weightAfter()));
        System.out.printf("loss on that batch: %.4f before the step, %.4f after%n", r.lossBefore(), r.lossAfter());
    }
}
