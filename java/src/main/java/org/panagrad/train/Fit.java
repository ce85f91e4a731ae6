package org.panagrad.train;

import java.util.Iterator;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.panagrad.Autograd;
import org.panagrad.MemoryScope;
import org.panagrad.Tensor;
import org.panagrad.data.Batch;
import org.panagrad.data.DataLoader;
import org.panagrad.loss.BCEWithLogitsLoss;
import org.panagrad.loss.HingeLoss;
import org.panagrad.loss.Loss;
import org.panagrad.nn.Block;
import org.panagrad.optim.Optimizer;

/**
 * The training loop every tutorial writes by hand, once: for each epoch, for each batch, zero the gradients, run the
 * model, compute the loss, back-propagate, step the optimizer; then evaluate on held-out data.
 *
 * <pre>{@code
 * History h = Fit.of(model, new CrossEntropyLoss(), new Adam(model.parameters(), 1e-3))
 *         .epochs(5)
 *         .validation(testLoader)
 *         .onEpoch(System.out::println)
 *         .run(trainLoader);
 * }</pre>
 *
 * <p>Each step runs in its own {@link MemoryScope}, so activations and intermediate gradients are released when the
 * step ends and steady-state training allocates no new native memory. A progress bar (loss and throughput) is drawn
 * on the console when there is one, or when asked with {@link #progressBar(boolean)}.
 */
public final class Fit {
    private final Block model;
    private final Loss loss;
    private final Optimizer optimizer;
    private int epochs = 1;
    private DataLoader validation;
    private boolean progressBar = System.console() != null;
    private Consumer<EpochStats> onEpoch = s -> { };

    private Fit(Block model, Loss loss, Optimizer optimizer) {
        if (model == null || loss == null || optimizer == null) {
            throw new IllegalArgumentException("Fit: model, loss and optimizer must not be null");
        }
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
    }

    /** A loop training {@code model} to minimise {@code loss} with {@code optimizer}. */
    public static Fit of(Block model, Loss loss, Optimizer optimizer) {
        return new Fit(model, loss, optimizer);
    }

    /** Number of passes over the training data (default 1). */
    public Fit epochs(int epochs) {
        if (epochs < 1) throw new IllegalArgumentException("Fit: epochs must be >= 1, got " + epochs);
        this.epochs = epochs;
        return this;
    }

    /** Held-out data evaluated after every epoch (loss and accuracy). */
    public Fit validation(DataLoader data) {
        this.validation = data;
        return this;
    }

    /** Draws (or not) a progress bar per epoch; by default only when a console is attached. */
    public Fit progressBar(boolean show) {
        this.progressBar = show;
        return this;
    }

    /** Called with each epoch's numbers as soon as it ends. */
    public Fit onEpoch(Consumer<EpochStats> listener) {
        this.onEpoch = listener == null ? s -> { } : listener;
        return this;
    }

    /** Trains for the configured epochs on {@code train} and returns what each epoch measured. */
    public History run(DataLoader train) {
        History history = new History();
        for (int e = 1; e <= epochs; e++) {
            EpochStats stats = epoch(e, train);
            history.add(stats);
            onEpoch.accept(stats);
        }
        return history;
    }

    private EpochStats epoch(int epoch, DataLoader train) {
        model.train();
        MeanLoss meanLoss = new MeanLoss();
        long start = System.nanoTime();
        try (ProgressBar bar = progressBar ? bar(epoch, train.numBatches()) : null) {
            Iterator<Batch> batches = train.iterator();
            while (true) {
                try (MemoryScope step = MemoryScope.open()) {
                    if (!batches.hasNext()) break;
                    Batch batch = batches.next();
                    float l = step(batch);
                    meanLoss.update(l, batch.size());
                    if (bar != null) {
                        bar.step();
                        bar.setExtraMessage(String.format(" loss %.4f", meanLoss.value()));
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double testLoss = Double.NaN;
        double testAccuracy = Double.NaN;
        if (validation != null) {
            Evaluation ev = evaluate(model, loss, validation);
            testLoss = ev.loss();
            testAccuracy = ev.accuracy();
        }
        return new EpochStats(epoch, meanLoss.value(), testLoss, testAccuracy, seconds, meanLoss.count() / seconds);
    }

    private ProgressBar bar(int epoch, long batches) {
        return new ProgressBarBuilder()
                .setTaskName(String.format("epoch %d/%d", epoch, epochs))
                .setInitialMax(batches)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setUnit(" batches", 1)
                .showSpeed()
                .clearDisplayOnFinish()
                .build();
    }

    /**
     * One optimisation step on one batch: zero gradients, forward, loss, backward, update. Call inside a
     * {@link MemoryScope} to release the step's intermediates; returns the batch's loss.
     */
    public float step(Batch batch) {
        optimizer.zeroGrad();
        Tensor l = loss.forward(model.forward(batch.x()), batch.y());
        if (l.numel() != 1) l = l.mean();
        l.backward();
        optimizer.step();
        return l.item();
    }

    /**
     * Mean loss and accuracy of {@code model} on {@code data}, in eval mode and without recording gradients; the
     * model's train/eval mode is restored afterwards. Single-output models are scored like {@link Accuracy} does,
     * with threshold 0.5 on probabilities, or 0 on raw scores when the loss takes scores
     * ({@link BCEWithLogitsLoss}, {@link HingeLoss}).
     */
    public static Evaluation evaluate(Block model, Loss loss, DataLoader data) {
        boolean wasTraining = model.isTraining();
        model.eval();
        MeanLoss meanLoss = new MeanLoss();
        // Losses on raw scores: the decision boundary is score 0 (sigmoid 0.5), not 0.5.
        Accuracy accuracy = new Accuracy(loss instanceof BCEWithLogitsLoss || loss instanceof HingeLoss ? 0f : 0.5f);
        try (var noGrad = Autograd.noGrad()) {
            Iterator<Batch> batches = data.iterator();
            while (true) {
                try (MemoryScope scope = MemoryScope.open()) {
                    if (!batches.hasNext()) break;
                    Batch batch = batches.next();
                    Tensor out = model.forward(batch.x());
                    Tensor l = loss.forward(out, batch.y());
                    meanLoss.update(l.numel() == 1 ? l.item() : l.mean().item(), batch.size());
                    accuracy.update(out, batch.y());
                }
            }
        } finally {
            if (wasTraining) model.train();
        }
        return new Evaluation(meanLoss.value(), accuracy.value(), accuracy.count());
    }
}
