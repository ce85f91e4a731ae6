package org.panagrad.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.panagrad.Autograd;
import org.panagrad.MemoryScope;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.data.Batch;
import org.panagrad.data.Blobs;
import org.panagrad.data.DataLoader;
import org.panagrad.data.TensorDataset;
import org.panagrad.loss.BCELoss;
import org.panagrad.loss.Loss;
import org.panagrad.loss.MSELoss;
import org.panagrad.nn.Block;
import org.panagrad.nn.Linear;
import org.panagrad.nn.ReLU;
import org.panagrad.nn.Sigmoid;
import org.panagrad.optim.Adam;
import org.panagrad.optim.Optimizer;
import org.panagrad.optim.RMSprop;
import org.panagrad.optim.SGD;

/**
 * Tutorial 003 (PyTorch snippets: gradients, sampling, losses, a feed-forward classifier and three optimizers)
 * retold with panagrad. Each part is its own public method:
 *
 * <ol>
 *   <li>{@link #handWrittenSgd}: fit {@code y = w·x} by hand, with {@code requiresGrad}, {@code backward()} and
 *       an update under {@link Autograd#noGrad()}. Gradients accumulate across {@code backward()} calls, so the
 *       loop zeroes them after each update; run it without zeroing to see the difference. (The tutorial's data
 *       and learning rate make the loop diverge: that is what it printed, and what this prints.)</li>
 *   <li>{@link #sampling}: {@code Tensor.bernoulli}, {@code Tensor.multinomial} (with and without replacement)
 *       and {@code Tensor.normal} with per-element or shared means.</li>
 *   <li>{@link #graph}: a small graph of three leaves; only the leaves that reach the output get a gradient.</li>
 *   <li>{@link #finiteDifferences}: one update of a linear model {@code w·t_u + b} from central finite
 *       differences of its mean squared error, next to the exact gradients autograd gives; then {@link MSELoss}
 *       and its backward.</li>
 *   <li>{@link #polynomialGradient}: {@code 2x² + 5x + 6} at 12.5, backward with a head gradient of ones: 55.</li>
 *   <li>{@link #trainBlobs}: the 64-256-1024-1 classifier ({@link NeuralNetwork}, a {@link Block} subclass)
 *       with sigmoid output and {@link BCELoss} on {@code make_blobs} data, trained in mini-batches of 16 with
 *       Adam, RMSprop or SGD; {@link #compareOptimizers} runs all three, as the tutorial does before plotting
 *       the losses (this example prints them as a table).</li>
 * </ol>
 *
 * <pre>{@code
 * TorchBasicsAndBlobs.Training adam = TorchBasicsAndBlobs.trainBlobs(TorchBasicsAndBlobs.Kind.ADAM, 5000, 10, 2020);
 * adam.testAccuracy();   // ≈ 1.0
 * }</pre>
 */
public final class TorchBasicsAndBlobs {
    private TorchBasicsAndBlobs() {}

    /** The tutorial's data for the hand-written loop. */
    static final float[] X_DATA = {11f, 22f, 33f}, Y_DATA = {21f, 14f, 64f};
    /** Heights (t_c) and weights (t_u) of fifteen people, the tutorial's linear-model data. */
    static final float[] T_C = {58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72};
    static final float[] T_U = {115, 117, 120, 123, 126, 129, 132, 135, 139, 142, 146, 150, 154, 159, 164};
    /** The tutorial's blobs: 5000 samples, 2 centers, 64 features, standard deviation 10; 10 epochs in batches of 16. */
    public static final int SAMPLES = 5000, FEATURES = 64, EPOCHS = 10, BATCH_SIZE = 16;
    /** The tutorial's {@code random_state} for make_blobs (also its torch seed for the network). */
    public static final long DATA_SEED = 2020;

    // ---- 1. a hand-written SGD loop --------------------------------------------------------------------------

    /**
     * The hand-written loop, one entry per update.
     *
     * @param grads   {@code w.grad()} after each {@code backward()}
     * @param losses  the loss of each step, {@code (w·x − y)²}
     * @param weights w after each update
     */
    public record SgdLoop(float[] grads, float[] losses, float[] weights) {}

    /**
     * Fits {@code y = w·x} to the tutorial's three points, starting at {@code w = 1}, with
     * {@code w ← w − 0.01·grad} after every point.
     *
     * @param epochs   passes over the three points
     * @param zeroGrad whether to zero the gradient after each update, as one should; without it each
     *                 {@code backward()} adds to the previous gradients
     */
    public static SgdLoop handWrittenSgd(int epochs, boolean zeroGrad) {
        if (epochs < 0) throw new IllegalArgumentException("handWrittenSgd: epochs must be >= 0, got " + epochs);
        Tensor w = Tensor.of(1f).requiresGrad(true);
        int n = epochs * X_DATA.length;
        float[] grads = new float[n], losses = new float[n], weights = new float[n];
        for (int epoch = 0, k = 0; epoch < epochs; epoch++) {
            for (int i = 0; i < X_DATA.length; i++, k++) {
                Tensor err = w.mul(X_DATA[i]).sub(Y_DATA[i]);   // forward(x) − y
                Tensor l = err.mul(err);
                l.backward();
                grads[k] = w.grad().item();
                losses[k] = l.item();
                try (var g = Autograd.noGrad()) {              // the update itself must not be recorded
                    w.set(w.sub(w.grad().mul(0.01f)));
                }
                if (zeroGrad) w.zeroGrad();
                weights[k] = w.item();
            }
        }
        return new SgdLoop(grads, losses, weights);
    }

    // ---- 2. random sampling ----------------------------------------------------------------------------------

    /**
     * Samples drawn as in the tutorial.
     *
     * @param probabilities         a 4x4 tensor of probabilities, uniform in [0, 1)
     * @param bernoulli             one Bernoulli draw per probability: 0 or 1
     * @param weights               the twelve unnormalised category weights
     * @param withoutReplacement    three distinct category indices drawn in proportion to the weights
     * @param withReplacement       five category indices, repeats allowed
     * @param normalPerElement      ten draws, the i-th from N(i + 1, (1 − 0.1·i)²)
     * @param normalSharedMean      five draws with mean 0.5 and standard deviations 1..5
     * @param normalSingle          one draw from N(0.5, 0.2²) ({@code arange(0.2, 0.6)} has one element)
     */
    public record Samples(float[] probabilities, float[] bernoulli, float[] weights, float[] withoutReplacement,
                          float[] withReplacement, float[] normalPerElement, float[] normalSharedMean, float[] normalSingle) {}

    /** The tutorial's sampling cells, from the global generator seeded with {@code seed}. */
    public static Samples sampling(long seed) {
        Panagrad.manualSeed(seed);
        Tensor p = Tensor.rand(4, 4);
        Tensor weights = Tensor.of(10, 10, 13, 10, 34, 45, 65, 67, 87, 89, 87, 34);
        return new Samples(p.toFloatArray(), Tensor.bernoulli(p).toFloatArray(), weights.toFloatArray(),
                Tensor.multinomial(weights, 3, false).toFloatArray(),
                Tensor.multinomial(weights, 5, true).toFloatArray(),
                Tensor.normal(Tensor.arange(1f, 11f, 1f), Tensor.arange(1f, 0f, -0.1f)).toFloatArray(),
                Tensor.normal(0.5f, Tensor.arange(1f, 6f, 1f)).toFloatArray(),
                Tensor.normal(0.5f, Tensor.arange(0.2f, 0.6f, 1f)).toFloatArray());
    }

    // ---- 3. a graph of three leaves --------------------------------------------------------------------------

    /**
     * The three-leaf graph {@code c = x1·x2}, {@code e = Σ(12 + x3)}.
     *
     * @param e          the output
     * @param sumX3      {@code Σ x3}, so that {@code e = 12·276 + Σ x3}
     * @param x3Grad     {@code de/dx3}: all ones
     * @param x1HasGrad  whether x1 received a gradient (it does not: c is not part of e)
     * @param eGradFn    the op that produced e
     */
    public record Graph(float e, float sumX3, float[] x3Grad, boolean x1HasGrad, String eGradFn) {}

    /** Builds the graph from three random 12x23 leaves and backpropagates from e. */
    public static Graph graph(long seed) {
        Panagrad.manualSeed(seed);
        int a = 12, b = 23;
        Tensor x1 = Tensor.randn(a, b).requiresGrad(true);
        Tensor x2 = Tensor.randn(a, b).requiresGrad(true);
        Tensor x3 = Tensor.randn(a, b).requiresGrad(true);
        Tensor c = x1.mul(x2);            // recorded, but e does not depend on it
        Tensor d = x3.add(a);
        Tensor e = d.sum();
        e.backward();
        float sumX3;
        try (var g = Autograd.noGrad()) {
            sumX3 = x3.sum().item();
        }
        return new Graph(e.item(), sumX3, x3.grad().toFloatArray(), x1.grad() != null, e.gradFn());
    }

    // ---- 4. finite differences and MSELoss -------------------------------------------------------------------

    /**
     * One finite-difference update of {@code w·t_u + b} (starting at w = 1, b = 0, delta 0.1, learning rate
     * 0.01), then MSELoss on random 10x5 tensors.
     *
     * @param loss0      the mean squared error at the start (5259.7334)
     * @param rateW      {@code (L(w + δ) − L(w − δ)) / 2δ} at the start
     * @param gradW      autograd's {@code dL/dw} at the start
     * @param w          w after its update
     * @param rateB      the central difference for b, at the updated w
     * @param gradB      autograd's {@code dL/db} there
     * @param b          b after its update
     * @param loss1      the mean squared error after both updates (the step was far too large)
     * @param mse        {@link MSELoss} of the random input against the random target
     * @param mseByHand  {@code mean((input − target)²)}
     * @param mseGrad    the input's gradient from MSELoss's backward
     * @param mseGradByHand {@code 2·(input − target) / 50}
     * @param mseGradFn  the op that produced the MSELoss output
     */
    public record FiniteDifferences(float loss0, float rateW, float gradW, float w, float rateB, float gradB, float b, float loss1,
                                    float mse, float mseByHand, float[] mseGrad, float[] mseGradByHand, String mseGradFn) {}

    /** The linear model {@code w·t_u + b}. */
    static Tensor linearModel(Tensor tu, Tensor w, Tensor b) {
        return w.mul(tu).add(b);
    }

    /** The tutorial's loss: the mean of the squared differences. */
    static Tensor meanSquaredError(Tensor prediction, Tensor target) {
        return prediction.sub(target).pow(2f).mean();
    }

    /** Runs part 4; {@code seed} draws the random MSELoss tensors. */
    public static FiniteDifferences finiteDifferences(long seed) {
        Tensor tc = Tensor.of(T_C), tu = Tensor.of(T_U);
        float delta = 0.1f, learningRate = 1e-2f;
        Tensor w = Tensor.ones(1), b = Tensor.zeros(1);

        float loss0 = meanSquaredError(linearModel(tu, w, b), tc).item();
        Tensor rateW = meanSquaredError(linearModel(tu, w.add(delta), b), tc)
                .sub(meanSquaredError(linearModel(tu, w.sub(delta), b), tc)).div(2f * delta);
        float gradW = gradient(tu, tc, w, b, true);
        w = w.sub(rateW.mul(learningRate));

        Tensor rateB = meanSquaredError(linearModel(tu, w, b.add(delta)), tc)
                .sub(meanSquaredError(linearModel(tu, w, b.sub(delta)), tc)).div(2f * delta);
        float gradB = gradient(tu, tc, w, b, false);
        b = b.sub(rateB.mul(learningRate));
        float loss1 = meanSquaredError(linearModel(tu, w, b), tc).item();

        // MSELoss: torch's mean squared error as a loss object, and its backward.
        Panagrad.manualSeed(seed);
        Tensor input = Tensor.randn(10, 5).requiresGrad(true);
        Tensor target = Tensor.randn(10, 5);
        Tensor output = new MSELoss().forward(input, target);
        output.backward();
        float mseByHand;
        float[] gradByHand;
        try (var g = Autograd.noGrad()) {
            mseByHand = meanSquaredError(input, target).item();
            gradByHand = input.sub(target).mul(2f / 50).toFloatArray();
        }
        return new FiniteDifferences(loss0, rateW.item(), gradW, w.item(), rateB.item(), gradB, b.item(), loss1,
                output.item(), mseByHand, input.grad().toFloatArray(), gradByHand, output.gradFn());
    }

    /** Autograd's derivative of the mean squared error with respect to w (or b) at the given point. */
    private static float gradient(Tensor tu, Tensor tc, Tensor w, Tensor b, boolean ofW) {
        Tensor wl = w.detach().mul(1f).requiresGrad(ofW), bl = b.detach().mul(1f).requiresGrad(!ofW);
        meanSquaredError(linearModel(tu, wl, bl), tc).backward();
        return (ofW ? wl : bl).grad().item();
    }

    // ---- 5. a polynomial ---------------------------------------------------------------------------------------

    /** {@code fn = 2x² + 5x + 6} on a 4x4 tensor of 12.5, {@code fn.backward(ones)}: every gradient is 4·12.5 + 5 = 55. */
    public static float[] polynomialGradient() {
        Tensor x = Tensor.full(12.5f, 4, 4).requiresGrad(true);
        Tensor fn = x.mul(x).mul(2f).add(x.mul(5f)).add(6f);
        fn.backward(Tensor.ones(4, 4));
        return x.grad().toFloatArray();
    }

    // ---- 6. the blobs classifier ---------------------------------------------------------------------------------

    /**
     * The tutorial's network: 64 → 256 → 1024 → 1 with ReLUs and a sigmoid output, written as a {@link Block}
     * subclass whose layers are registered fields and whose {@code forward} wires them, like an
     * {@code nn.Module}. As in the tutorial, the constructor seeds the generator, so every instance starts from
     * the same weights.
     */
    public static final class NeuralNetwork extends Block {
        private final Linear fc1, fc2, out;
        private final ReLU relu1 = new ReLU(), relu2 = new ReLU();
        private final Sigmoid last = new Sigmoid();

        /** The network with weights drawn after {@code Panagrad.manualSeed(seed)}. */
        public NeuralNetwork(long seed) {
            Panagrad.manualSeed(seed);
            fc1 = register("fc1", new Linear(FEATURES, 256));
            register("relu1", relu1);
            fc2 = register("fc2", new Linear(256, 1024));
            register("relu2", relu2);
            out = register("out", new Linear(1024, 1));
            register("final", last);
        }

        /** The probability of class 1 for each row of {@code x} ([batch, 64] → [batch, 1]). */
        @Override
        public Tensor forward(Tensor x) {
            Tensor op = relu1.forward(fc1.forward(x));
            op = relu2.forward(fc2.forward(op));
            return last.forward(out.forward(op));
        }
    }

    /** The three optimizers of the tutorial with its hyper-parameters. */
    public enum Kind {
        /** {@code Adam(lr=0.001)}. */
        ADAM,
        /** {@code RMSprop(lr=0.01, alpha=0.9, eps=1e-8, weight_decay=0.1, momentum=0.1, centered=True)}. */
        RMSPROP,
        /** {@code SGD(lr=0.01, momentum=0.9)}. */
        SGD;

        /** This optimizer over {@code params}. */
        public Optimizer create(List<Tensor> params) {
            return switch (this) {
                case ADAM -> new Adam(params, 0.001);
                case RMSPROP -> new RMSprop(params, 0.01).alpha(0.9).eps(1e-8).weightDecay(0.1).momentum(0.1).centered(true);
                case SGD -> new org.panagrad.optim.SGD(params, 0.01).momentum(0.9);
            };
        }
    }

    /**
     * One training run.
     *
     * @param kind         the optimizer
     * @param epochLosses  per epoch, the sum over batches of {@code loss · batchSize} (the tutorial's number)
     * @param testAccuracy the share of test samples whose prediction {@code > 0.5} matches the label
     * @param trainSize    number of training samples
     * @param testSize     number of test samples
     */
    public record Training(Kind kind, float[] epochLosses, float testAccuracy, int trainSize, int testSize) {}

    /** The blobs split as in the tutorial: the first 80% of the (already shuffled) samples train, the rest test. */
    public static TensorDataset.TrainTest blobs(int samples, long seed) {
        TensorDataset all = Blobs.builder().samples(samples).features(FEATURES).centers(2).clusterStd(10).seed(seed).make().dataset();
        int nTrain = (int) (samples * 0.8);
        return new TensorDataset.TrainTest(all.subset(IntStream.range(0, nTrain).toArray()),
                all.subset(IntStream.range(nTrain, samples).toArray()));
    }

    /**
     * The tutorial's {@code train_network}: mini-batches in order, {@code zeroGrad → forward → loss → backward →
     * step}, each step in its own {@link MemoryScope} so its intermediates are released at once; then the test
     * accuracy in evaluation mode without recording.
     */
    public static Training trainNetwork(Block model, Optimizer optimizer, Loss lossFunction, int epochs, int batchSize,
                                        TensorDataset train, TensorDataset test, Kind kind) {
        model.train();
        DataLoader loader = new DataLoader(train, batchSize);      // in order, like X_train[i:i+batch_size]
        float[] epochLosses = new float[epochs];
        for (int epoch = 0; epoch < epochs; epoch++) {
            double trainLoss = 0;
            for (Batch batch : loader) {
                try (var step = MemoryScope.open()) {
                    optimizer.zeroGrad();
                    Tensor output = model.forward(batch.x());
                    Tensor loss = lossFunction.forward(output, batch.y().reshape(-1, 1));
                    loss.backward();
                    optimizer.step();
                    trainLoss += loss.item() * batchSize;
                }
            }
            epochLosses[epoch] = (float) trainLoss;
        }
        return new Training(kind, epochLosses, accuracy(model, test), train.size(), test.size());
    }

    /** Share of samples whose predicted probability is on the same side of 0.5 as the label. */
    public static float accuracy(Block model, TensorDataset data) {
        model.eval();
        try (var g = Autograd.noGrad(); var scope = MemoryScope.open()) {
            // One read of the predictions after training (not a per-step copy): np.where(pred > 0.5, 1, 0) in Java.
            float[] p = model.forward(data.features()).toFloatArray();
            float[] y = data.labels().toFloatArray();
            int correct = 0;
            for (int i = 0; i < p.length; i++) if ((p[i] > 0.5f ? 1f : 0f) == y[i]) correct++;
            return (float) correct / p.length;
        } finally {
            model.train();
        }
    }

    /** Trains a fresh {@link NeuralNetwork} (seed 2020) with {@code kind} on {@code samples} blobs for {@code epochs}. */
    public static Training trainBlobs(Kind kind, int samples, int epochs, long dataSeed) {
        TensorDataset.TrainTest data = blobs(samples, dataSeed);
        NeuralNetwork model = new NeuralNetwork(2020);
        return trainNetwork(model, kind.create(model.parameters()), new BCELoss(), epochs, BATCH_SIZE, data.train(), data.test(), kind);
    }

    /** RMSprop, Adam and SGD in the tutorial's order, each on a fresh network. */
    public static List<Training> compareOptimizers(int samples, int epochs) {
        List<Training> runs = new ArrayList<>();
        for (Kind k : new Kind[] {Kind.RMSPROP, Kind.ADAM, Kind.SGD}) runs.add(trainBlobs(k, samples, epochs, DATA_SEED));
        return runs;
    }

    // ---- everything ----------------------------------------------------------------------------------------------

    /** All parts of the tutorial. */
    public record Result(SgdLoop sgd, SgdLoop sgdWithoutZeroGrad, Samples samples, Graph graph, FiniteDifferences finiteDifferences,
                         float[] polynomialGradient, List<Training> trainings) {}

    /**
     * Runs every part; the classifier on {@code samples} blobs for {@code epochs} (the tutorial: 5000 and 10).
     *
     * @param sgdEpochs epochs of the hand-written loop (it diverges; after about 6 epochs float32 overflows)
     */
    public static Result run(long seed, int sgdEpochs, int samples, int epochs) {
        return new Result(handWrittenSgd(sgdEpochs, true), handWrittenSgd(sgdEpochs, false), sampling(seed), graph(seed),
                finiteDifferences(seed), polynomialGradient(), compareOptimizers(samples, epochs));
    }

    /** Prints the tutorial's outputs. Optional arguments: samples (default 5000) and epochs (default 10). */
    public static void main(String[] args) {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : SAMPLES;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : EPOCHS;
        System.out.println("backend: " + Panagrad.backend());

        SgdLoop loop = handWrittenSgd(3, true);
        for (int k = 0; k < loop.grads().length; k++) {
            int i = k % X_DATA.length;
            System.out.printf("\tgrad:  %s %s %s%n", X_DATA[i], Y_DATA[i], loop.grads()[k]);
            System.out.printf("progress:  %d %s%n", k / X_DATA.length, loop.losses()[k]);
        }
        SgdLoop accumulating = handWrittenSgd(1, false);
        System.out.println("without zeroGrad the gradients pile up: " + Tensor.of(accumulating.grads())
                + " instead of " + Tensor.of(java.util.Arrays.copyOf(loop.grads(), 3)));

        Samples s = sampling(0);
        System.out.println("\nbernoulli:   " + Tensor.fromArray(s.bernoulli(), 4, 4));
        System.out.println("multinomial (3, no replacement): " + Tensor.of(s.withoutReplacement()));
        System.out.println("multinomial (5, replacement):    " + Tensor.of(s.withReplacement()));
        System.out.println("normal(arange(1, 11), arange(1, 0, -0.1)): " + Tensor.of(s.normalPerElement()));
        System.out.println("normal(0.5, arange(1, 6)):                 " + Tensor.of(s.normalSharedMean()));
        System.out.println("normal(0.5, arange(0.2, 0.6)):             " + Tensor.of(s.normalSingle()));

        Graph g = graph(0);
        System.out.println("\ne = sum(12 + x3) = " + g.e() + " (" + g.eGradFn() + "); x3.grad all ones; x1.grad "
                + (g.x1HasGrad() ? "set" : "null"));

        FiniteDifferences fd = finiteDifferences(0);
        System.out.println("\nloss at w=1, b=0:      " + fd.loss0());
        System.out.println("finite-difference dL/dw " + fd.rateW() + " (autograd " + fd.gradW() + "), w -> " + fd.w());
        System.out.println("finite-difference dL/db " + fd.rateB() + " (autograd " + fd.gradB() + "), b -> " + fd.b());
        System.out.println("loss after the update: " + fd.loss1() + "  (lr 1e-2 is far too large for inputs ~140)");
        System.out.println("MSELoss " + fd.mse() + " (" + fd.mseGradFn() + "), by hand " + fd.mseByHand());

        System.out.println("\nd(2x^2 + 5x + 6)/dx at 12.5: " + Tensor.fromArray(polynomialGradient(), 4, 4));

        System.out.println("\n" + new NeuralNetwork(DATA_SEED));
        System.out.println("blobs: " + samples + " samples, " + epochs + " epochs, batch " + BATCH_SIZE);
        for (Training t : compareOptimizers(samples, epochs)) {
            System.out.println(t.kind() + "...");
            for (int e = 0; e < t.epochLosses().length; e++) System.out.printf("Epoch: %d - Loss:%.4f%n", e + 1, t.epochLosses()[e]);
            System.out.printf("test accuracy: %.4f%n", t.testAccuracy());
        }
        System.out.println("(no loss plot: org.panagrad.train.LossPlot is not available in this build)");
    }
}
