package org.panagrad.examples;

import org.panagrad.Autograd;
import org.panagrad.Panagrad;
import org.panagrad.Tensor;
import org.panagrad.loss.L1Loss;
import org.panagrad.loss.L2Loss;
import org.panagrad.loss.Loss;
import org.panagrad.loss.Reduction;
import org.panagrad.nn.Linear;
import org.panagrad.optim.Adam;
import org.panagrad.optim.Trainer;

/**
 * Tutorial 000 (MXNet Gluon, "components that are not in the network") retold with panagrad: a loss measures how
 * far a network's output is from the truth, autograd turns that loss into gradients, and a {@link Trainer} with
 * an optimizer turns the gradients into new weights.
 *
 * <ol>
 *   <li>A one-unit dense layer ({@link Linear}{@code (1, 1)}, Gluon's {@code Dense(1)}) maps five inputs to five
 *       outputs.</li>
 *   <li>Gluon's L2 loss, {@code ½·mean((pred − label)²)} per sample, written by hand and with {@link L2Loss}.</li>
 *   <li>A custom loss: a subclass of {@link Loss} that overrides only {@code forward}; autograd derives its
 *       backward. It reproduces {@link L1Loss}.</li>
 *   <li>Autograd on {@code y = 2x²}: {@code dy/dx = 4x}; then the gradient of the L2 loss with respect to the
 *       network's input.</li>
 *   <li>One {@code Trainer.step(batchSize)} with Adam (lr 0.1, weight decay 0.001). The gradient of a summed
 *       loss is divided by the batch size first, as in Gluon, and Adam's first step moves every weight by
 *       about the learning rate, whatever the size of its gradient.</li>
 * </ol>
 *
 * <pre>{@code
 * GluonLossesAndTrainer.Result r = GluonLossesAndTrainer.run(42);
 * r.weightAfter();   // ≈ weightBefore ∓ 0.1
 * }</pre>
 *
 * Run it: {@code java ... org.panagrad.examples.GluonLossesAndTrainer [seed]}.
 */
public final class GluonLossesAndTrainer {
    private GluonLossesAndTrainer() {}

    /** The five inputs of the tutorial (values "in millions"), one feature each. */
    static final float[] INPUT = {1.2f, 0.56f, 3.0f, 0.72f, 0.89f};
    /** The ground-truth labels of the tutorial. */
    static final float[] LABELS = {0.0083f, 0.00382f, 0.02061f, 0.00495f, 0.00639f};
    /** Adam's learning rate and weight decay, as in the tutorial's {@code gluon.Trainer}. */
    static final float LEARNING_RATE = 0.1f, WEIGHT_DECAY = 0.001f;

    /**
     * Everything the tutorial prints, as plain arrays.
     *
     * @param output      the network's output on the five inputs, [5]
     * @param l2ByHand    {@link #l2ByHand}, one value per sample
     * @param l2          {@link L2Loss} with {@link Reduction#NONE}, one value per sample
     * @param l1Custom    the custom {@link AbsoluteError} loss, one value per sample
     * @param l1          {@link L1Loss} with {@link Reduction#NONE}, flattened to one value per sample
     * @param x           the 2x2 input of the autograd demo, row-major
     * @param xGrad       gradient of {@code sum(2x²)} with respect to x (4x), row-major
     * @param inputGrad   gradient of the summed L2 loss with respect to the network's five inputs
     * @param weightBefore the layer's single weight before the trainer's step
     * @param biasBefore  the layer's bias before the step
     * @param weightGrad  the weight's gradient of the summed loss, before the trainer scales it
     * @param weightAfter the weight after one {@code Trainer.step(5)} with Adam
     */
    public record Result(float[] output, float[] l2ByHand, float[] l2, float[] l1Custom, float[] l1, float[] x, float[] xGrad,
                         float[] inputGrad, float weightBefore, float biasBefore, float weightGrad, float weightAfter) {}

    /**
     * Gluon's L2 loss written out: {@code ½ · mean over axis 1 of (output − label)²}, one value per row.
     * Autograd differentiates it like any other tensor expression.
     */
    public static Tensor l2ByHand(Tensor output, Tensor label) {
        return output.sub(label).pow(2f).mean(1).div(2f);
    }

    /**
     * A custom loss, as in the tutorial's {@code custom_L1_loss}: only {@code forward} is written, with tensor
     * ops, so autograd provides the backward pass. It returns {@code |label − prediction|}, one value per sample.
     */
    public static final class AbsoluteError extends Loss {
        /** One value per sample, like Gluon's losses. */
        public AbsoluteError() {
            super(Reduction.NONE);
        }

        /** {@code |target − prediction|} flattened to one value per sample. */
        @Override
        public Tensor forward(Tensor prediction, Tensor target) {
            checkSameShape(prediction, target);
            Tensor l = target.sub(prediction).abs();
            return l.reshape(l.shape(0));
        }
    }

    /** Runs the tutorial with the network initialised from {@code seed}. */
    public static Result run(long seed) {
        Panagrad.manualSeed(seed);
        Linear net = new Linear(1, 1);                     // Gluon: nn.Dense(1), then initialize()
        Tensor input = Tensor.of(INPUT).reshape(5, 1);
        Tensor label = Tensor.of(LABELS).reshape(5, 1);

        // 1. Losses. Outside any training step nothing needs recording, so the forward passes run under noGrad.
        float[] output, l2ByHand, l2, l1Custom, l1;
        try (var g = Autograd.noGrad()) {
            Tensor out = net.forward(input);
            output = out.toFloatArray();
            l2ByHand = l2ByHand(out, label).toFloatArray();
            l2 = new L2Loss(Reduction.NONE).forward(out, label).toFloatArray();
            l1Custom = new AbsoluteError().forward(out, label).toFloatArray();
            l1 = new L1Loss(Reduction.NONE).forward(out, label).toFloatArray();
        }

        // 2. Autograd: attachGrad() asks for a gradient; ops on it are recorded; backward() on a non-scalar
        //    sums it first (Gluon), so x.grad() holds d/dx sum(2x²) = 4x.
        Tensor x = Tensor.of(new float[][] {{1, 2}, {3, 4}}).attachGrad();
        Tensor y = x.mul(2f).mul(x);
        y.backward();
        float[] xGrad = x.grad().toFloatArray();

        // 3. Gradients through the network: of the per-sample L2 losses (summed by backward) with respect to its
        //    input, and, on the way, with respect to its weight and bias.
        input.attachGrad();
        Tensor l2Loss = new L2Loss(Reduction.NONE).forward(net.forward(input), label);
        l2Loss.backward();
        float[] inputGrad = input.grad().toFloatArray();

        // 4. Trainer: Gluon's step(batchSize) rescales the summed gradient by 1/batchSize, then lets Adam update.
        float weightBefore = net.weight().item(), biasBefore = net.bias().item(), weightGrad = net.weight().grad().item();
        Trainer trainer = new Trainer(net.parameters(), new Adam(net.parameters(), LEARNING_RATE).weightDecay(WEIGHT_DECAY));
        trainer.step(INPUT.length);
        float weightAfter = net.weight().item();

        return new Result(output, l2ByHand, l2, l1Custom, l1, x.toFloatArray(), xGrad, inputGrad, weightBefore, biasBefore,
                weightGrad, weightAfter);
    }

    /** Prints what the tutorial prints, cell by cell. Optional argument: the seed (default 42). */
    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 42;
        Result r = run(seed);
        System.out.println("backend: " + Panagrad.backend());
        System.out.println("nn_output:           " + Tensor.of(r.output()));
        System.out.println("L2 loss by hand:     " + Tensor.of(r.l2ByHand()));
        System.out.println("L2Loss (NONE):       " + Tensor.of(r.l2()));
        System.out.println("custom L1 loss:      " + Tensor.of(r.l1Custom()));
        System.out.println("L1Loss (NONE):       " + Tensor.of(r.l1()));
        System.out.println("x:                   " + Tensor.fromArray(r.x(), 2, 2));
        System.out.println("x.grad (4x):         " + Tensor.fromArray(r.xGrad(), 2, 2));
        System.out.println("nn_input.grad:       " + Tensor.fromArray(r.inputGrad(), 5, 1));
        System.out.println("weight before step:  " + r.weightBefore());
        System.out.println("weight after step:   " + r.weightAfter() + "   (Adam lr " + LEARNING_RATE + ", wd " + WEIGHT_DECAY + ")");
        System.out.println("weight - grad/5:     " + (r.weightBefore() - r.weightGrad() / INPUT.length)
                + "   (what plain SGD with lr 1 would have given)");
    }
}
