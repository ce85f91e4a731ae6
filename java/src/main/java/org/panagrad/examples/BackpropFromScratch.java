package org.panagrad.examples;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.panagrad.Autograd;
import org.panagrad.MemoryScope;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.data.Batch;
import org.panagrad.data.DataLoader;
import org.panagrad.data.FashionMnist;
import org.panagrad.data.Idx;
import org.panagrad.data.Split;
import org.panagrad.data.TensorDataset;
import org.panagrad.loss.CrossEntropyLoss;
import org.panagrad.loss.Reduction;
import org.panagrad.nn.Init;
import org.panagrad.nn.Linear;

/**
 * Tutorial 004 (backpropagation and gradient descent, from scratch) retold with panagrad: what the loss is,
 * three ways to look for better weights of a one-layer classifier {@code Y' = X·Wᵀ + b} on 28x28 images, and
 * how the chain rule gives the gradients of deeper networks.
 *
 * <ol>
 *   <li>Softmax {@code e^{y_i} / Σ_j e^{y_j}} and cross-entropy {@code −Σ_i Y_i log F(Y')_i} written by hand,
 *       equal to {@code softmax(0)} and {@link CrossEntropyLoss} (0.4401897 for scores [1, 2, 3, 4] and
 *       class 3).</li>
 *   <li>Random search: draw whole weight matrices from N(0, 1), keep the one with the lowest test loss.
 *       Barely better than guessing.</li>
 *   <li>Iterative refinement: from the best of those, try small random steps ({@code 0.1·N(0, 1)}) and keep a
 *       step only if it lowers the loss; the loss creeps down.</li>
 *   <li>Gradients by hand: for softmax + cross-entropy averaged over a batch of n,
 *       {@code dL/dY' = (softmax(Y') − onehot(Y)) / n}; for the dense layer {@code dL/dW = (dL/dY')ᵀ·X} and
 *       {@code dL/db = Σ_rows dL/dY'}. They equal what autograd computes, and gradient descent with them (no
 *       autograd at all) trains the classifier far better than the random methods.</li>
 *   <li>The chain rule through two dense layers with a tanh between: the gradient flowing back into the hidden
 *       layer is {@code dL/dY'·W2}, times the activation's own derivative {@code 1 − h²}; again equal to
 *       autograd's.</li>
 * </ol>
 *
 * <p>Data: the tutorial uses MNIST, which is not installed here; Fashion-MNIST (same format, harder classes)
 * is read from {@link FashionMnist#DEFAULT_DIR} when present, otherwise random images stand in. Pixels are
 * scaled to [0, 1] as in the tutorial.
 *
 * <pre>{@code
 * var r = BackpropFromScratch.run(1, BackpropFromScratch.Settings.TUTORIAL);
 * r.trainedAccuracy();   // ≈ 0.8 on Fashion-MNIST, vs ≈ 0.1–0.3 for random search
 * }</pre>
 */
public final class BackpropFromScratch {
    private BackpropFromScratch() {}

    /** Batch size of the tutorial's data loaders. */
    public static final int BATCH_SIZE = 64;
    /** Learning rate of the gradient-descent loop. */
    public static final float LEARNING_RATE = 0.1f;
    /** Scale of the random steps tried by iterative refinement. */
    public static final float REFINE_STEP = 0.1f;
    static final int CLASSES = 10, PIXELS = 784;

    /**
     * How much work to do.
     *
     * @param trainSamples training images used (at most the dataset's size)
     * @param testSamples  test images used to score weights
     * @param searchTries  random weight matrices tried
     * @param refineSteps  random refinement steps tried
     * @param epochs       epochs of gradient descent with the hand-written gradients
     */
    public record Settings(int trainSamples, int testSamples, int searchTries, int refineSteps, int epochs) {
        /** The tutorial's sizes: all 60000 training and 10000 test images, 10 tries, 30 steps, 10 epochs. */
        public static final Settings TUTORIAL = new Settings(60000, 10000, 10, 30, 10);

        /** Checks every count is positive. */
        public Settings {
            if (trainSamples < 1 || testSamples < 1 || searchTries < 1 || refineSteps < 1 || epochs < 1) {
                throw new IllegalArgumentException("BackpropFromScratch.Settings: every count must be >= 1, got " + trainSamples + ", "
                        + testSamples + ", " + searchTries + ", " + refineSteps + ", " + epochs);
            }
        }
    }

    /**
     * Max |hand − autograd| for each parameter of a network.
     *
     * @param weights one entry per layer's weight
     * @param biases  one entry per layer's bias
     */
    public record GradientCheck(float[] weights, float[] biases) {
        /** The largest difference of all. */
        public float max() {
            float m = 0;
            for (float v : weights) m = Math.max(m, v);
            for (float v : biases) m = Math.max(m, v);
            return m;
        }
    }

    /**
     * Everything the tutorial prints.
     *
     * @param softmax            softmax of [1, 2, 3, 4] by hand
     * @param softmaxBuiltin     {@code Tensor.softmax(0)} of the same
     * @param crossEntropy       cross-entropy of that softmax against one-hot class 3, by hand
     * @param crossEntropyBuiltin {@link CrossEntropyLoss} of the scores and class 3
     * @param fashionMnist       whether Fashion-MNIST was used (else random images)
     * @param initialAccuracy    test accuracy of the freshly initialised layer
     * @param searchLosses       test loss of each random weight matrix
     * @param searchBest         the lowest of them
     * @param searchAccuracy     test accuracy with the best random weights
     * @param refineLosses       test loss of each refinement try
     * @param refineBest         the best loss reached by refinement
     * @param refineAccuracy     test accuracy after refinement
     * @param handVsAutograd     hand-written dense-layer gradients vs autograd, on one batch
     * @param trainLosses        mean training loss of each epoch of hand-written gradient descent
     * @param trainedAccuracy    test accuracy after it
     * @param chainRule          two-layer hand-written backprop vs autograd, on one batch
     */
    public record Result(float[] softmax, float[] softmaxBuiltin, float crossEntropy, float crossEntropyBuiltin, boolean fashionMnist,
                         float initialAccuracy, float[] searchLosses, float searchBest, float searchAccuracy, float[] refineLosses,
                         float refineBest, float refineAccuracy, GradientCheck handVsAutograd, float[] trainLosses, float trainedAccuracy,
                         GradientCheck chainRule) {}

    // ---- the loss, by hand ----------------------------------------------------------------------------------------

    /** Softmax of a 1-D tensor written out: {@code exp(x) / sum(exp(x))}. */
    public static Tensor softmaxByHand(Tensor x) {
        Tensor e = x.exp();
        return e.div(e.sum());
    }

    /** Cross-entropy of probabilities against one-hot (or any distribution) labels: {@code −Σ labels·log(p)}. */
    public static Tensor crossEntropyByHand(Tensor probabilities, Tensor labels) {
        return labels.mul(probabilities.log()).sum().neg();
    }

    // ---- gradients, by hand ---------------------------------------------------------------------------------------

    /**
     * {@code dL/dY'} for softmax + cross-entropy averaged over the batch: {@code (softmax(Y') − onehot(y)) / n}.
     *
     * @param logits [n, classes], the dense layer's output
     * @param labels [n] class indices
     */
    public static Tensor deltaCrossEntropy(Tensor logits, Tensor labels) {
        int n = logits.shape(0);
        return logits.softmax(1).sub(Tensor.oneHot(labels, logits.shape(1))).div(n);
    }

    /** {@code dL/dW} of a dense layer {@code Y = X·Wᵀ + b}: {@code (dL/dY)ᵀ·X}, shaped like W ([out, in]). */
    public static Tensor deltaMatrixMul(Tensor gradOut, Tensor x) {
        return gradOut.t().matmul(x);
    }

    /** {@code dL/db} of a dense layer: the gradient summed over the rows of the batch. */
    public static Tensor deltaBias(Tensor gradOut) {
        return gradOut.sum(0);
    }

    // ---- scoring weights ------------------------------------------------------------------------------------------

    /** Share of samples whose highest score is the label. */
    public static float evaluateAccuracy(DataLoader data, Linear net) {
        double correct = 0;
        long seen = 0;
        try (var g = Autograd.noGrad()) {
            for (Batch b : data) {
                try (var scope = MemoryScope.open()) {
                    Tensor predicted = net.forward(b.x()).argmax(1);
                    // One-hot rows of the guess and of the label overlap (product 1) exactly when they agree.
                    correct += Tensor.oneHot(predicted, CLASSES).mul(Tensor.oneHot(b.y(), CLASSES)).sum().item();
                    seen += b.size();
                }
            }
        }
        return (float) (correct / seen);
    }

    /** Mean cross-entropy over the samples. */
    public static float evaluateLoss(DataLoader data, Linear net) {
        CrossEntropyLoss summed = new CrossEntropyLoss(Reduction.SUM);
        double total = 0;
        long seen = 0;
        try (var g = Autograd.noGrad()) {
            for (Batch b : data) {
                try (var scope = MemoryScope.open()) {
                    total += summed.forward(net.forward(b.x()), b.y()).item();
                    seen += b.size();
                }
            }
        }
        return (float) (total / seen);
    }

    // ---- the tutorial ---------------------------------------------------------------------------------------------

    /** Runs the tutorial on Fashion-MNIST from its default directory (random images when absent). */
    public static Result run(long seed, Settings settings) {
        return run(seed, settings, FashionMnist.DEFAULT_DIR);
    }

    /** Runs the tutorial on Fashion-MNIST from {@code dir} (random images when absent). */
    public static Result run(long seed, Settings settings, Path dir) {
        Panagrad.manualSeed(seed);

        // 1. Softmax and cross-entropy by hand, against the library.
        Tensor scores = Tensor.of(1, 2, 3, 4);
        Tensor probabilities = softmaxByHand(scores);
        float ce = crossEntropyByHand(probabilities, Tensor.of(0, 0, 0, 1)).item();
        float ceBuiltin = new CrossEntropyLoss().forward(scores.reshape(1, 4), Tensor.of(3)).item();

        // 2. Data and the one-layer network, initialised like Gluon's mx.init.Normal(): N(0, 0.01).
        boolean fashion = FashionMnist.isAvailable(dir);
        TensorDataset train = ExampleData.load(Split.TRAIN, settings.trainSamples(), dir, Idx.Normalization.NONE);
        TensorDataset test = ExampleData.load(Split.TEST, settings.testSamples(), dir, Idx.Normalization.NONE);
        DataLoader trainData = DataLoader.builder(train).batchSize(BATCH_SIZE).shuffle(true).seed(seed).build();
        DataLoader testData = new DataLoader(test, BATCH_SIZE);
        Linear net = new Linear(PIXELS, CLASSES);
        Init.normal(net.weight(), 0, 0.01);
        Init.normal(net.bias(), 0, 0.01);
        Tensor initialW = net.weight().detach().mul(1f), initialB = net.bias().detach().mul(1f);
        float initialAccuracy = evaluateAccuracy(testData, net);

        // 3. Random search: whole new weights each time; keep the best.
        float[] searchLosses = new float[settings.searchTries()];
        float bestLoss = Float.POSITIVE_INFINITY;
        Tensor bestW = null, bestB = null;
        for (int i = 0; i < searchLosses.length; i++) {
            Tensor w = Tensor.randn(CLASSES, PIXELS), b = Tensor.randn(CLASSES);
            net.weight().set(w);
            net.bias().set(b);
            searchLosses[i] = evaluateLoss(testData, net);
            if (searchLosses[i] < bestLoss) {
                bestLoss = searchLosses[i];
                bestW = w;
                bestB = b;
            }
        }
        net.weight().set(bestW);
        net.bias().set(bestB);
        float searchBest = bestLoss, searchAccuracy = evaluateAccuracy(testData, net);

        // 4. Iterative refinement: a small random step from the current weights, kept only if it helps.
        float[] refineLosses = new float[settings.refineSteps()];
        for (int i = 0; i < refineLosses.length; i++) {
            Tensor w = net.weight().detach().mul(1f), b = net.bias().detach().mul(1f);
            net.weight().set(w.add(Tensor.randn(CLASSES, PIXELS).mul(REFINE_STEP)));
            net.bias().set(b.add(Tensor.randn(CLASSES).mul(REFINE_STEP)));
            refineLosses[i] = evaluateLoss(testData, net);
            if (refineLosses[i] < bestLoss) {
                bestLoss = refineLosses[i];
            } else {                                   // not better: step back
                net.weight().set(w);
                net.bias().set(b);
            }
        }
        float refineBest = bestLoss, refineAccuracy = evaluateAccuracy(testData, net);

        // 5. Gradient descent with hand-written gradients, from the initial small weights. First check the
        //    gradients against autograd on one batch.
        net.weight().set(initialW);
        net.bias().set(initialB);
        GradientCheck check = checkDenseGradients(net, train.get(IntStream.range(0, Math.min(BATCH_SIZE, train.size())).toArray()));
        float[] trainLosses = customTrain(net, trainData, settings.epochs());
        float trainedAccuracy = evaluateAccuracy(testData, net);

        // 6. The chain rule through two layers.
        GradientCheck chain = checkTwoLayerGradients(train.get(IntStream.range(0, Math.min(BATCH_SIZE, train.size())).toArray()));

        return new Result(probabilities.toFloatArray(), scores.softmax(0).toFloatArray(), ce, ceBuiltin, fashion, initialAccuracy,
                searchLosses, searchBest, searchAccuracy, refineLosses, refineBest, refineAccuracy, check, trainLosses, trainedAccuracy,
                chain);
    }

    /**
     * The tutorial's {@code custom_train}: for every batch, the forward pass, the loss (kept for printing), the
     * hand-written gradients and the update {@code W ← W − lr·dL/dW}, all without autograd.
     *
     * @return the mean training loss of each epoch
     */
    public static float[] customTrain(Linear net, DataLoader trainData, int epochs) {
        CrossEntropyLoss summed = new CrossEntropyLoss(Reduction.SUM);
        float[] losses = new float[epochs];
        try (var g = Autograd.noGrad()) {
            for (int e = 0; e < epochs; e++) {
                double cumulative = 0;
                long seen = 0;
                for (Batch batch : trainData) {
                    try (var step = MemoryScope.open()) {
                        Tensor output = net.forward(batch.x());
                        cumulative += summed.forward(output, batch.y()).item();
                        seen += batch.size();
                        Tensor dOut = deltaCrossEntropy(output, batch.y());
                        net.weight().set(net.weight().sub(deltaMatrixMul(dOut, batch.x()).mul(LEARNING_RATE)));
                        net.bias().set(net.bias().sub(deltaBias(dOut).mul(LEARNING_RATE)));
                    }
                }
                losses[e] = (float) (cumulative / seen);
            }
        }
        return losses;
    }

    /** Hand-written gradients of the mean cross-entropy of {@code net} on {@code batch}, compared with autograd's. */
    public static GradientCheck checkDenseGradients(Linear net, Batch batch) {
        net.zeroGrad();
        Tensor logits = net.forward(batch.x());
        new CrossEntropyLoss().forward(logits, batch.y()).backward();
        try (var g = Autograd.noGrad()) {
            Tensor dOut = deltaCrossEntropy(logits, batch.y());
            float dw = maxAbsDiff(deltaMatrixMul(dOut, batch.x()), net.weight().grad());
            float db = maxAbsDiff(deltaBias(dOut), net.bias().grad());
            net.zeroGrad();
            return new GradientCheck(new float[] {dw}, new float[] {db});
        }
    }

    /**
     * The chain rule written out for {@code Y2 = tanh(X·W1ᵀ + b1)·W2ᵀ + b2} with cross-entropy, compared with
     * autograd: {@code dW2 = dY2ᵀ·h}, {@code dh = dY2·W2}, {@code dZ1 = dh·(1 − h²)}, {@code dW1 = dZ1ᵀ·X}.
     */
    public static GradientCheck checkTwoLayerGradients(Batch batch) {
        Linear layer1 = new Linear(PIXELS, 32), layer2 = new Linear(32, CLASSES);
        Tensor h = layer1.forward(batch.x()).tanh();
        Tensor out = layer2.forward(h);
        new CrossEntropyLoss().forward(out, batch.y()).backward();
        try (var g = Autograd.noGrad()) {
            Tensor dOut = deltaCrossEntropy(out, batch.y());                 // dL/dY2
            Tensor dW2 = deltaMatrixMul(dOut, h), db2 = deltaBias(dOut);      // the layer nearest the loss
            Tensor dH = dOut.matmul(layer2.weight());                         // dL/dh: back through W2
            Tensor dZ1 = dH.mul(h.mul(h).rsub(1f));                           // through tanh: 1 − h²
            Tensor dW1 = deltaMatrixMul(dZ1, batch.x()), db1 = deltaBias(dZ1);
            return new GradientCheck(
                    new float[] {maxAbsDiff(dW1, layer1.weight().grad()), maxAbsDiff(dW2, layer2.weight().grad())},
                    new float[] {maxAbsDiff(db1, layer1.bias().grad()), maxAbsDiff(db2, layer2.bias().grad())});
        }
    }

    private static float maxAbsDiff(Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalStateException("BackpropFromScratch: gradient shapes differ, " + Arrays.toString(a.shape()) + " vs "
                    + Arrays.toString(b.shape()));
        }
        float[] x = a.toFloatArray(), y = b.toFloatArray();
        float m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
        return m;
    }

    /** Prints the tutorial's outputs. Optional arguments: train samples, test samples, epochs (default: the tutorial's). */
    public static void main(String[] args) {
        Settings t = Settings.TUTORIAL;
        Settings s = new Settings(args.length > 0 ? Integer.parseInt(args[0]) : t.trainSamples(),
                args.length > 1 ? Integer.parseInt(args[1]) : t.testSamples(), t.searchTries(), t.refineSteps(),
                args.length > 2 ? Integer.parseInt(args[2]) : t.epochs());
        Result r = run(1, s);
        System.out.println("softmax([1, 2, 3, 4]) by hand: " + Tensor.of(r.softmax()) + "   softmax(0): " + Tensor.of(r.softmaxBuiltin()));
        System.out.println("cross-entropy by hand: " + r.crossEntropy() + "   CrossEntropyLoss: " + r.crossEntropyBuiltin());
        System.out.println("data: " + (r.fashionMnist() ? "Fashion-MNIST" : "random images (Fashion-MNIST not installed)"));
        System.out.printf("accuracy of the initial network: %.4f%n", r.initialAccuracy());
        System.out.println("\nrandom search:");
        for (float l : r.searchLosses()) System.out.println(l);
        System.out.printf("best %s, accuracy %.4f%n", r.searchBest(), r.searchAccuracy());
        System.out.println("\niterative refinement:");
        for (float l : r.refineLosses()) System.out.println(l);
        System.out.printf("best %s, accuracy %.4f%n", r.refineBest(), r.refineAccuracy());
        System.out.println("\nhand-written vs autograd gradients, max |difference|: " + r.handVsAutograd().max());
        for (int e = 0; e < r.trainLosses().length; e++) System.out.println("Epoch " + e + ". Loss: " + r.trainLosses()[e]);
        System.out.printf("accuracy after gradient descent: %.4f%n", r.trainedAccuracy());
        System.out.println("\nchain rule through two layers vs autograd, max |difference|: " + r.chainRule().max());
    }
}
