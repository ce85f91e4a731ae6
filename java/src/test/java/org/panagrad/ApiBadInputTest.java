package org.panagrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.panagrad.data.Blobs;
import org.panagrad.data.DataLoader;
import org.panagrad.data.Idx;
import org.panagrad.data.TensorDataset;
import org.panagrad.io.Checkpoint;
import org.panagrad.io.SafeTensors;
import org.panagrad.loss.BCELoss;
import org.panagrad.loss.BCEWithLogitsLoss;
import org.panagrad.loss.CrossEntropyLoss;
import org.panagrad.loss.HingeLoss;
import org.panagrad.loss.L1Loss;
import org.panagrad.loss.L2Loss;
import org.panagrad.loss.Loss;
import org.panagrad.loss.MSELoss;
import org.panagrad.loss.NLLLoss;
import org.panagrad.loss.Reduction;
import org.panagrad.nn.Block;
import org.panagrad.nn.Dropout;
import org.panagrad.nn.Linear;
import org.panagrad.nn.LogSoftmax;
import org.panagrad.nn.ReLU;
import org.panagrad.nn.Sequential;
import org.panagrad.nn.Softmax;
import org.panagrad.optim.Adam;
import org.panagrad.optim.AdamW;
import org.panagrad.optim.CosineAnnealingLR;
import org.panagrad.optim.Optimizer;
import org.panagrad.optim.RMSprop;
import org.panagrad.optim.SGD;
import org.panagrad.optim.StepLR;
import org.panagrad.optim.Trainer;
import org.panagrad.train.Accuracy;

/**
 * Bad input to the API above the core ops (blocks, losses, optimizers, schedulers, data, files), in the style of
 * {@link BadInputTest}: each row is (case, code, exception type, message pattern). Messages name the class or op and
 * the offending shape or value; checks run before any kernel, so a rejected call changes nothing
 * ({@link #rejectedCallsChangeNothing}).
 */
class ApiBadInputTest {

    private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;
    private static final Class<IllegalStateException> ISE = IllegalStateException.class;
    private static final Class<IOException> IOE = IOException.class;
    private static final String RELEASED = "was released \\(closed, or its MemoryScope ended\\).*";

    private static Arguments row(String name, Executable code, Class<? extends Throwable> type, String regex) {
        return Arguments.of(name, code, type, regex);
    }

    private static Tensor ones(int... shape) {
        return Tensor.ones(shape);
    }

    private static Tensor closed(int... shape) {
        Tensor t = Tensor.ones(shape);
        t.close();
        return t;
    }

    private static Tensor param(int... shape) {
        return Tensor.ones(shape).requiresGrad(true);
    }

    private static Tensor closedParam(int... shape) {
        Tensor t = param(shape);
        t.close();
        return t;
    }

    private static List<Tensor> params() {
        return List.of(param(2, 2));
    }

    // ---- blocks -------------------------------------------------------------------------------------

    static Stream<Arguments> blocks() {
        return Stream.of(
                row("Linear wrong in-features", () -> new Linear(4, 3).forward(ones(2, 5)), IAE,
                        "Linear\\(in_features=4, out_features=3\\): input of shape \\[2, 5\\] must have in_features=4 elements "
                                + "in its last axis \\(got 5\\)"),
                row("Linear 0-D input", () -> new Linear(4, 3).forward(Tensor.scalar(1f)), IAE,
                        "Linear\\(in_features=4, out_features=3\\): input of shape \\[\\] .*\\(got a 0-D tensor\\)"),
                row("Linear 3-D input, wrong last axis", () -> new Linear(4, 3).forward(ones(2, 4, 5)), IAE,
                        "Linear\\(in_features=4, out_features=3\\): input of shape \\[2, 4, 5\\] .*\\(got 5\\)"),
                row("Linear negative in", () -> new Linear(-1, 3), IAE,
                        "Linear: in_features and out_features must be >= 1, got in_features=-1, out_features=3"),
                row("Linear zero out", () -> new Linear(4, 0), IAE,
                        "Linear: in_features and out_features must be >= 1, got in_features=4, out_features=0"),
                row("Linear closed input", () -> new Linear(4, 3).forward(closed(2, 4)), ISE,
                        "Linear.forward: tensor of shape \\[2, 4\\] " + RELEASED),
                row("Linear closed weight", () -> {
                    Linear l = new Linear(4, 3);
                    l.weight().close();
                    l.forward(ones(2, 4));
                }, ISE, "linear: tensor of shape \\[3, 4\\] " + RELEASED),
                row("Dropout p = 1", () -> new Dropout(1.0), IAE, "Dropout: p must be in \\[0, 1\\), got 1.0"),
                row("Dropout p < 0", () -> new Dropout(-0.1), IAE, "Dropout: p must be in \\[0, 1\\), got -0.1"),
                row("Dropout p NaN", () -> new Dropout(Double.NaN), IAE, "Dropout: p must be in \\[0, 1\\), got NaN"),
                row("Dropout closed input", () -> new Dropout(0.5).forward(closed(4)), ISE,
                        "Dropout.forward: tensor of shape \\[4\\] " + RELEASED),
                row("Softmax dim out of range", () -> new Softmax(2).forward(ones(2, 3)), IAE,
                        "softmax: dim 2 is out of range for a tensor of shape \\[2, 3\\] \\(valid: -2 to 1\\)"),
                row("Softmax negative dim out of range", () -> new Softmax(-3).forward(ones(2, 3)), IAE,
                        "softmax: dim -3 is out of range for a tensor of shape \\[2, 3\\].*"),
                row("LogSoftmax dim out of range", () -> new LogSoftmax(1).forward(ones(3)), IAE,
                        "logSoftmax: dim 1 is out of range for a tensor of shape \\[3\\] \\(valid: -1 to 0\\)"),
                row("Softmax closed input", () -> new Softmax(1).forward(closed(2, 3)), ISE,
                        "softmax: tensor of shape \\[2, 3\\] " + RELEASED),
                row("ReLU closed input", () -> new ReLU().forward(closed(2)), ISE, "relu: tensor of shape \\[2\\] " + RELEASED),
                row("Sequential null block", () -> new Sequential(new ReLU(), null), IAE, "Sequential.add: block 1 is null"),
                row("Sequential null array", () -> new Sequential((Block[]) null), IAE,
                        "Sequential: blocks is null; pass the blocks, or none for an empty Sequential"),
                row("Sequential add null", () -> new Sequential().add(null), IAE, "Sequential.add: block 0 is null"),
                row("Sequential get out of range", () -> new Sequential(new ReLU()).get(1), IndexOutOfBoundsException.class,
                        "Sequential.get: index 1 is out of range for 1 blocks"),
                row("Sequential wrong shape inside", () -> new Sequential(new Linear(4, 3), new Linear(4, 2)).forward(ones(1, 4)), IAE,
                        "Linear\\(in_features=4, out_features=2\\): input of shape \\[1, 3\\] .*\\(got 3\\)"));
    }

    // ---- losses -------------------------------------------------------------------------------------

    /** A loss on [2, 3] predictions: name, instance, valid target. */
    static Stream<Arguments> losses() {
        return Stream.of(
                row("L1Loss shapes", () -> new L1Loss().forward(ones(2, 3), ones(3, 2)), IAE,
                        "L1Loss: prediction \\[2, 3\\] and target \\[3, 2\\] must have the same shape \\(reshape the target to \\[2, 3\\]\\)"),
                row("L2Loss shapes", () -> new L2Loss().forward(ones(4), ones(4, 1)), IAE,
                        "L2Loss: prediction \\[4\\] and target \\[4, 1\\] must have the same shape.*"),
                row("MSELoss shapes", () -> new MSELoss().forward(ones(2, 3), ones(2)), IAE,
                        "MSELoss: prediction \\[2, 3\\] and target \\[2\\] must have the same shape.*"),
                row("MSELoss closed prediction", () -> new MSELoss().forward(closed(2), ones(2)), ISE,
                        "MSELoss: tensor of shape \\[2\\] " + RELEASED),
                row("L1Loss closed target", () -> new L1Loss().forward(ones(2), closed(2)), ISE,
                        "L1Loss: tensor of shape \\[2\\] " + RELEASED),
                row("BCELoss shapes", () -> new BCELoss().forward(Tensor.full(0.5f, 3), ones(3, 1)), IAE,
                        "BCELoss: prediction \\[3\\] and target \\[3, 1\\] must have the same shape.*"),
                row("BCELoss prediction above 1", () -> new BCELoss().forward(Tensor.of(0.2f, 1.5f), Tensor.of(0, 1)), IAE,
                        "BCELoss: bce: input values must be in \\[0.0, 1.0\\], element 1 is 1.5.*"),
                row("BCELoss prediction NaN", () -> new BCELoss().forward(Tensor.of(Float.NaN), Tensor.of(0)), IAE,
                        "BCELoss: bce: input values must be in \\[0.0, 1.0\\], element 0 is NaN.*"),
                row("BCELoss closed target", () -> new BCELoss().forward(Tensor.of(0.5f), closed(1)), ISE,
                        "BCELoss: tensor of shape \\[1\\] " + RELEASED),
                row("BCEWithLogitsLoss shapes", () -> new BCEWithLogitsLoss().forward(ones(2, 3), ones(3)), IAE,
                        "BCEWithLogitsLoss: prediction \\[2, 3\\] and target \\[3\\] must have the same shape.*"),
                row("BCEWithLogitsLoss posWeight NaN", () -> new BCEWithLogitsLoss(Reduction.MEAN, Tensor.of(1f, Float.NaN)), IAE,
                        "BCEWithLogitsLoss: posWeight must be finite, element 1 is NaN"),
                row("BCEWithLogitsLoss posWeight closed", () -> new BCEWithLogitsLoss(Reduction.MEAN, closed(3)), ISE,
                        "BCEWithLogitsLoss: tensor of shape \\[3\\] " + RELEASED),
                row("BCEWithLogitsLoss posWeight shape", () -> new BCEWithLogitsLoss(Reduction.MEAN, ones(2))
                        .forward(ones(4, 3), ones(4, 3)), IAE,
                        "BCEWithLogitsLoss: posWeight \\[2\\] must have one value or one per class \\[3\\].*\\[4, 3\\]"),
                row("BCEWithLogitsLoss posWeight released later", () -> {
                    Tensor pw = ones(3);
                    Loss l = new BCEWithLogitsLoss(Reduction.MEAN, pw);
                    pw.close();
                    l.forward(ones(4, 3), ones(4, 3));
                }, ISE, "BCEWithLogitsLoss: tensor of shape \\[3\\] " + RELEASED),
                row("CrossEntropyLoss 1-D logits", () -> new CrossEntropyLoss().forward(ones(3), Tensor.of(0)), IAE,
                        "CrossEntropyLoss: logits \\[3\\] and target \\[1\\]: need logits \\[batch, classes\\] .*reshape the logits to \\[1, 3\\]\\)"),
                row("CrossEntropyLoss 3-D logits", () -> new CrossEntropyLoss().forward(ones(2, 3, 4), Tensor.of(0, 1)), IAE,
                        "CrossEntropyLoss: logits \\[2, 3, 4\\] and target \\[2\\]: need logits \\[batch, classes\\].*"),
                row("CrossEntropyLoss 2-D target", () -> new CrossEntropyLoss().forward(ones(2, 3), ones(2, 1)), IAE,
                        "CrossEntropyLoss: logits \\[2, 3\\] and target \\[2, 1\\]: .*"),
                row("CrossEntropyLoss batch mismatch", () -> new CrossEntropyLoss().forward(ones(2, 3), Tensor.of(0, 1, 2)), IAE,
                        "CrossEntropyLoss: logits \\[2, 3\\] and target \\[3\\]: .*"),
                row("CrossEntropyLoss label = classes", () -> new CrossEntropyLoss().forward(ones(2, 3), Tensor.of(0, 3)), IAE,
                        "CrossEntropyLoss: crossEntropy: label 3.0 at index 1 is not a class index in \\[0, 3\\)"),
                row("CrossEntropyLoss negative label", () -> new CrossEntropyLoss().forward(ones(2, 3), Tensor.of(-1, 0)), IAE,
                        "CrossEntropyLoss: crossEntropy: label -1.0 at index 0 is not a class index in \\[0, 3\\)"),
                row("CrossEntropyLoss fractional label", () -> new CrossEntropyLoss().forward(ones(2, 3), Tensor.of(1, 1.5f)), IAE,
                        "CrossEntropyLoss: crossEntropy: label 1.5 at index 1 is not a class index in \\[0, 3\\)"),
                row("CrossEntropyLoss NaN label", () -> new CrossEntropyLoss().forward(ones(2, 3), Tensor.of(Float.NaN, 0)), IAE,
                        "CrossEntropyLoss: crossEntropy: label NaN at index 0 is not a class index in \\[0, 3\\)"),
                row("CrossEntropyLoss infinite label", () -> new CrossEntropyLoss().forward(ones(2, 3), Tensor.of(0, Float.POSITIVE_INFINITY)), IAE,
                        "CrossEntropyLoss: crossEntropy: label Infinity at index 1 is not a class index in \\[0, 3\\)"),
                row("CrossEntropyLoss -inf label", () -> new CrossEntropyLoss().forward(ones(1, 3), Tensor.of(Float.NEGATIVE_INFINITY)), IAE,
                        "CrossEntropyLoss: crossEntropy: label -Infinity at index 0 is not a class index in \\[0, 3\\)"),
                row("CrossEntropyLoss closed logits", () -> new CrossEntropyLoss().forward(closed(2, 3), Tensor.of(0, 1)), ISE,
                        "CrossEntropyLoss: tensor of shape \\[2, 3\\] " + RELEASED),
                row("CrossEntropyLoss closed target", () -> new CrossEntropyLoss().forward(ones(2, 3), closed(2)), ISE,
                        "CrossEntropyLoss: tensor of shape \\[2\\] " + RELEASED),
                row("NLLLoss 1-D input", () -> new NLLLoss().forward(ones(4), Tensor.of(0)), IAE,
                        "NLLLoss: log-probabilities \\[4\\] and target \\[1\\]: .*reshape the log-probabilities to \\[1, 4\\]\\)"),
                row("NLLLoss label out of range", () -> new NLLLoss().forward(ones(2, 4), Tensor.of(4, 0)), IAE,
                        "NLLLoss: nll: label 4.0 at index 0 is not a class index in \\[0, 4\\)"),
                row("NLLLoss fractional label", () -> new NLLLoss().forward(ones(1, 4), Tensor.of(0.25f)), IAE,
                        "NLLLoss: nll: label 0.25 at index 0 is not a class index in \\[0, 4\\)"),
                row("NLLLoss NaN label", () -> new NLLLoss().forward(ones(1, 4), Tensor.of(Float.NaN)), IAE,
                        "NLLLoss: nll: label NaN at index 0 is not a class index in \\[0, 4\\)"),
                row("NLLLoss infinite label", () -> new NLLLoss().forward(ones(1, 4), Tensor.of(Float.POSITIVE_INFINITY)), IAE,
                        "NLLLoss: nll: label Infinity at index 0 is not a class index in \\[0, 4\\)"),
                row("NLLLoss closed target", () -> new NLLLoss().forward(ones(2, 4), closed(2)), ISE,
                        "NLLLoss: tensor of shape \\[2\\] " + RELEASED),
                row("HingeLoss label 0", () -> new HingeLoss().forward(ones(3), Tensor.of(1, 0, -1)), IAE,
                        "HingeLoss: labels must be -1 or 1, element 1 is 0.0 \\(map 0/1 labels with label.mul\\(2\\).sub\\(1\\)\\)"),
                row("HingeLoss label NaN", () -> new HingeLoss().forward(ones(2), Tensor.of(1, Float.NaN)), IAE,
                        "HingeLoss: labels must be -1 or 1, element 1 is NaN.*"),
                row("HingeLoss shapes", () -> new HingeLoss().forward(ones(3), ones(3, 1)), IAE,
                        "HingeLoss: prediction \\[3\\] and target \\[3, 1\\] must have the same shape.*"),
                row("HingeLoss negative margin", () -> new HingeLoss(-1f, Reduction.MEAN), IAE,
                        "HingeLoss: margin must be finite and >= 0, got -1.0"),
                row("HingeLoss NaN margin", () -> new HingeLoss(Float.NaN, Reduction.MEAN), IAE,
                        "HingeLoss: margin must be finite and >= 0, got NaN"),
                row("HingeLoss closed target", () -> new HingeLoss().forward(ones(2), closed(2)), ISE,
                        "HingeLoss: tensor of shape \\[2\\] " + RELEASED),
                row("loss null reduction", () -> new MSELoss(null), IAE, "MSELoss: reduction is null; use Reduction.MEAN, SUM or NONE"),
                row("weight of the wrong shape", () -> new MSELoss().forward(ones(4, 3), ones(4, 3), ones(2)), IAE,
                        "MSELoss: weight of shape \\[2\\] does not broadcast to the unreduced loss of shape \\[4, 3\\] "
                                + "\\(give one weight per sample, \\[4\\], or a shape that broadcasts\\)"),
                row("weight larger than the loss", () -> new CrossEntropyLoss().forward(ones(2, 3), Tensor.of(0, 1), ones(2, 2)), IAE,
                        "CrossEntropyLoss: weight of shape \\[2, 2\\] does not broadcast to the unreduced loss of shape \\[2\\].*"),
                row("weight closed", () -> new L1Loss().forward(ones(2), ones(2), closed(2)), ISE,
                        "L1Loss: tensor of shape \\[2\\] " + RELEASED),
                row("weight on a forward-only custom loss", () -> new Loss() {
                    @Override
                    public Tensor forward(Tensor p, Tensor t) {
                        return p.sub(t).abs().mean();
                    }
                }.forward(ones(2), ones(2), ones(2)), UnsupportedOperationException.class,
                        "Loss: weights need unreduced\\(\\) to be implemented.*"));
    }

    // ---- optimizers, Trainer, schedulers ------------------------------------------------------------

    static Stream<Arguments> optimizers() {
        List<Arguments> rows = new ArrayList<>();
        Map<String, Function<List<Tensor>, Optimizer>> makers = new LinkedHashMap<>();
        makers.put("SGD", p -> new SGD(p, 0.1));
        makers.put("Adam", p -> new Adam(p, 0.1));
        makers.put("AdamW", p -> new AdamW(p, 0.1));
        makers.put("RMSprop", p -> new RMSprop(p, 0.1));
        // Every optimizer: the learning rate and the parameter list.
        for (var e : Map.of("NaN", Double.NaN, "negative", -0.1, "infinite", Double.POSITIVE_INFINITY).entrySet()) {
            double lr = e.getValue();
            rows.add(row("SGD lr " + e.getKey(), () -> new SGD(params(), lr), IAE, "SGD: invalid lr " + Pattern.quote(String.valueOf(lr))
                    + ", must be finite and >= 0"));
            rows.add(row("Adam lr " + e.getKey(), () -> new Adam(params(), lr), IAE, "Adam: invalid lr " + Pattern.quote(String.valueOf(lr)) + ".*"));
            rows.add(row("AdamW lr " + e.getKey(), () -> new AdamW(params(), lr), IAE, "AdamW: invalid lr " + Pattern.quote(String.valueOf(lr)) + ".*"));
            rows.add(row("RMSprop lr " + e.getKey(), () -> new RMSprop(params(), lr), IAE, "RMSprop: invalid lr " + Pattern.quote(String.valueOf(lr)) + ".*"));
            rows.add(row("setLr " + e.getKey(), () -> new SGD(params(), 0.1).setLr(lr), IAE, "SGD: invalid lr .*"));
        }
        for (var m : makers.entrySet()) {
            String n = m.getKey();
            var make = m.getValue();
            rows.add(row(n + " empty params", () -> make.apply(List.of()), IAE,
                    n + ": got an empty parameter list; an optimizer needs at least one tensor to update"));
            rows.add(row(n + " null params", () -> make.apply(null), IAE, n + ": params is null.*"));
            rows.add(row(n + " non-grad param", () -> make.apply(List.of(param(2), ones(3, 1))), IAE,
                    n + ": parameter 1 of shape \\[3, 1\\] does not require grad; call requiresGrad\\(true\\) on it, or leave it out of the list"));
            rows.add(row(n + " non-leaf param", () -> make.apply(List.of(param(2).mul(2f))), IAE,
                    n + ": parameter 0 of shape \\[2\\] is not a leaf \\(it comes from MulBackward\\).*"));
            rows.add(row(n + " duplicate param", () -> {
                Tensor p = param(2);
                make.apply(List.of(p, p));
            }, IAE, n + ": parameters 0 and 1 are the same tensor; list each parameter once"));
            rows.add(row(n + " closed param", () -> make.apply(List.of(closedParam(2))), ISE, n + ": tensor of shape \\[2\\] " + RELEASED));
            rows.add(row(n + " param released before step", () -> {
                Tensor p = param(2);
                Optimizer o = make.apply(List.of(p));
                p.sum().backward();
                p.close();
                o.step();
            }, ISE, n + ".step: parameter 0: tensor of shape \\[2\\] " + RELEASED));
        }
        rows.addAll(List.of(
                row("SGD momentum negative", () -> new SGD(params(), 0.1).momentum(-0.5), IAE, "SGD: invalid momentum -0.5, must be finite and >= 0"),
                row("SGD momentum NaN", () -> new SGD(params(), 0.1).momentum(Double.NaN), IAE, "SGD: invalid momentum NaN.*"),
                row("SGD weightDecay infinite", () -> new SGD(params(), 0.1).weightDecay(Double.POSITIVE_INFINITY), IAE,
                        "SGD: invalid weightDecay Infinity, must be finite and >= 0"),
                row("SGD nesterov without momentum", () -> new SGD(params(), 0.1).nesterov(true), IAE, "SGD: invalid nesterov true.*"),
                row("Adam beta1 = 1", () -> new Adam(params(), 0.1).betas(1.0, 0.999), IAE, "Adam: invalid beta1 1.0, must be in \\[0, 1\\)"),
                row("Adam beta2 negative", () -> new Adam(params(), 0.1).betas(0.9, -0.1), IAE, "Adam: invalid beta2 -0.1, must be in \\[0, 1\\)"),
                row("Adam beta1 NaN", () -> new Adam(params(), 0.1).betas(Double.NaN, 0.9), IAE, "Adam: invalid beta1 NaN.*"),
                row("Adam eps negative", () -> new Adam(params(), 0.1).eps(-1e-8), IAE, "Adam: invalid eps -1.0E-8, must be finite and >= 0"),
                row("Adam eps NaN", () -> new Adam(params(), 0.1).eps(Double.NaN), IAE, "Adam: invalid eps NaN.*"),
                row("Adam weightDecay NaN", () -> new Adam(params(), 0.1).weightDecay(Double.NaN), IAE, "Adam: invalid weightDecay NaN.*"),
                row("AdamW betas infinite", () -> new AdamW(params(), 0.1).betas(0.9, Double.POSITIVE_INFINITY), IAE,
                        "AdamW: invalid beta2 Infinity, must be in \\[0, 1\\)"),
                row("AdamW weightDecay negative", () -> new AdamW(params(), 0.1).weightDecay(-0.01), IAE,
                        "AdamW: invalid weightDecay -0.01, must be finite and >= 0"),
                row("RMSprop alpha negative", () -> new RMSprop(params(), 0.1).alpha(-0.9), IAE, "RMSprop: invalid alpha -0.9.*"),
                row("RMSprop eps infinite", () -> new RMSprop(params(), 0.1).eps(Double.POSITIVE_INFINITY), IAE, "RMSprop: invalid eps Infinity.*"),
                row("RMSprop momentum NaN", () -> new RMSprop(params(), 0.1).momentum(Double.NaN), IAE, "RMSprop: invalid momentum NaN.*"),
                row("lr above float range", () -> new SGD(params(), 1e300), IAE, "SGD: invalid lr 1.0E300, must be at most 3.4028235E38"),

                row("Trainer batch size 0", () -> {
                    List<Tensor> p = params();
                    new Trainer(p, new SGD(p, 0.1)).step(0);
                }, IAE, "Trainer.step: invalid batchSize 0, must be >= 1"),
                row("Trainer negative batch size", () -> {
                    List<Tensor> p = params();
                    new Trainer(p, new SGD(p, 0.1)).step(-64);
                }, IAE, "Trainer.step: invalid batchSize -64, must be >= 1"),
                row("Trainer null optimizer", () -> new Trainer(params(), null), IAE, "Trainer: optimizer is null"),
                row("Trainer empty params", () -> new Trainer(List.of(), new SGD(params(), 0.1)), IAE, "Trainer: got an empty list for params.*"),
                row("Trainer foreign param", () -> new Trainer(List.of(param(3)), new SGD(params(), 0.1)), IAE,
                        "Trainer: parameter 0 of shape \\[3\\] is not updated by the SGD optimizer.*"),
                row("Trainer param released", () -> {
                    List<Tensor> p = params();
                    Trainer t = new Trainer(p, new SGD(p, 0.1));
                    p.get(0).close();
                    t.step(8);
                }, ISE, "Trainer.step: parameter 0: tensor of shape \\[2, 2\\] " + RELEASED),

                row("StepLR stepSize 0", () -> new StepLR(new SGD(params(), 0.1), 0, 0.5), IAE, "StepLR: invalid stepSize 0, must be >= 1"),
                row("StepLR gamma negative", () -> new StepLR(new SGD(params(), 0.1), 1, -0.5), IAE,
                        "StepLR: invalid gamma -0.5, must be finite and >= 0"),
                row("StepLR gamma NaN", () -> new StepLR(new SGD(params(), 0.1), 1, Double.NaN), IAE, "StepLR: invalid gamma NaN.*"),
                row("StepLR gamma infinite", () -> new StepLR(new SGD(params(), 0.1), 1, Double.POSITIVE_INFINITY), IAE,
                        "StepLR: invalid gamma Infinity.*"),
                row("StepLR null optimizer", () -> new StepLR(null, 1, 0.5), IAE, "StepLR: optimizer is null"),
                row("CosineAnnealingLR tMax 0", () -> new CosineAnnealingLR(new SGD(params(), 0.1), 0, 0), IAE,
                        "CosineAnnealingLR: invalid tMax 0, must be >= 1"),
                row("CosineAnnealingLR etaMin negative", () -> new CosineAnnealingLR(new SGD(params(), 0.1), 10, -1e-3), IAE,
                        "CosineAnnealingLR: invalid etaMin -0.001, must be finite and >= 0"),
                row("CosineAnnealingLR etaMin NaN", () -> new CosineAnnealingLR(new SGD(params(), 0.1), 10, Double.NaN), IAE,
                        "CosineAnnealingLR: invalid etaMin NaN.*")));
        return rows.stream();
    }

    // ---- data ---------------------------------------------------------------------------------------

    static Stream<Arguments> data() {
        return Stream.of(
                row("DataLoader batch size 0", () -> new DataLoader(TensorDataset.of(new float[][] {{1}}, new float[] {0}), 0), IAE,
                        "DataLoader: batchSize must be >= 1, got 0"),
                row("DataLoader negative batch size", () -> DataLoader.builder(TensorDataset.of(new float[][] {{1}}, new float[] {0}))
                        .batchSize(-3), IAE, "DataLoader: batchSize must be >= 1, got -3"),
                row("DataLoader null dataset", () -> new DataLoader(null, 32), IAE, "DataLoader: dataset is null"),
                row("DataLoader over released data", () -> {
                    TensorDataset d = TensorDataset.of(new float[][] {{1, 2}, {3, 4}}, new float[] {0, 1});
                    DataLoader loader = new DataLoader(d, 2);
                    d.close();
                    loader.iterator().next();
                }, ISE, "TensorDataset.gather: tensor of shape \\[2, 2\\] " + RELEASED),
                row("TensorDataset mismatched sizes", () -> new TensorDataset(ones(5, 3), ones(4)), IAE,
                        "TensorDataset: features \\[5, 3\\] and labels \\[4\\] must have the same first axis \\(the number of samples\\)"),
                row("TensorDataset 0-D labels", () -> new TensorDataset(ones(5, 3), Tensor.scalar(1f)), IAE,
                        "TensorDataset: features \\[5, 3\\] and labels \\[\\] must have the same first axis.*"),
                row("TensorDataset.of rows vs labels", () -> TensorDataset.of(new float[][] {{1}, {2}}, new float[] {0}), IAE,
                        "TensorDataset.of: 2 rows but 1 labels"),
                row("TensorDataset.of ragged rows", () -> TensorDataset.of(new float[][] {{1, 2}, {3}}, new float[] {0, 1}), IAE,
                        "of: row 1 has 1 values, row 0 has 2"),
                row("TensorDataset.of features vs labels", () -> TensorDataset.of(new float[5], new int[] {2}, new float[] {0, 1}), IAE,
                        "TensorDataset.of: 5 feature values do not fill 2 samples of shape \\[2\\] \\(need 4\\)"),
                row("TensorDataset.of negative feature size", () -> TensorDataset.of(new float[0], new int[] {-2}, new float[] {0}), IAE,
                        "TensorDataset.of: featureShape \\[-2\\] has a negative size"),
                row("Accuracy NaN threshold", () -> new Accuracy(Float.NaN), IAE, "Accuracy: threshold must be finite, got NaN"),
                row("TensorDataset closed features", () -> new TensorDataset(closed(2, 3), ones(2)), ISE,
                        "TensorDataset: tensor of shape \\[2, 3\\] " + RELEASED),
                row("TensorDataset closed labels", () -> new TensorDataset(ones(2, 3), closed(2)), ISE,
                        "TensorDataset: tensor of shape \\[2\\] " + RELEASED),
                row("trainTestSplit fraction 1", () -> TensorDataset.of(new float[][] {{1}, {2}}, new float[] {0, 1}).trainTestSplit(1.0, 0), IAE,
                        "trainTestSplit: testFraction must be in \\(0, 1\\), got 1.0"),
                row("Blobs 0 samples", () -> Blobs.builder().samples(0), IAE, "Blobs: samples must be >= 1, got 0"),
                row("Blobs negative features", () -> Blobs.builder().features(-2), IAE, "Blobs: features must be >= 1, got -2"),
                row("Blobs 0 centers", () -> Blobs.make(10, 2, 0, 1), IAE, "Blobs: centers must be >= 1, got 0"),
                row("Blobs NaN std", () -> Blobs.builder().clusterStd(Double.NaN), IAE, "Blobs: clusterStd must be finite and >= 0, got NaN"),
                row("Blobs negative std", () -> Blobs.builder().clusterStd(-1), IAE, "Blobs: clusterStd must be finite and >= 0, got -1.0"),
                row("Blobs empty box", () -> Blobs.builder().centerBox(3, 3), IAE, "Blobs: centerBox needs finite low < high, got \\(3.0, 3.0\\)"),
                row("Blobs infinite box", () -> Blobs.builder().centerBox(0, Double.POSITIVE_INFINITY), IAE,
                        "Blobs: centerBox needs finite low < high, got \\(0.0, Infinity\\)"),
                row("Blobs ragged centers", () -> Blobs.builder().centers(new float[][] {{1, 2}, {3}}), IAE,
                        "Blobs: center 1 has 1 coordinates, center 0 has 2 \\(need equal, non-zero lengths\\)"),
                row("Blobs NaN center", () -> Blobs.builder().centers(new float[][] {{1, Float.NaN}}), IAE,
                        "Blobs: center 0 has a non-finite coordinate NaN"),
                row("Blobs no centers", () -> Blobs.builder().centers(new float[0][]), IAE, "Blobs: centers must hold at least one row"),
                row("Blobs null centers", () -> Blobs.builder().centers((float[][]) null), IAE, "Blobs: centers is null"),
                row("DataLoader negative epoch", () -> new DataLoader(TensorDataset.of(new float[][] {{1}}, new float[] {0}), 1).setEpoch(-1), IAE,
                        "DataLoader.setEpoch: epoch must be >= 0, got -1"),
                row("Fit null model", () -> org.panagrad.train.Fit.of(null, new MSELoss(), new SGD(params(), 0.1)), IAE,
                        "Fit: model, loss and optimizer must not be null"),
                row("Fit 0 epochs", () -> org.panagrad.train.Fit.of(new Linear(2, 2), new MSELoss(), new SGD(params(), 0.1)).epochs(0), IAE,
                        "Fit: epochs must be >= 1, got 0"),
                row("loadStateDict null", () -> new Adam(params(), 0.1).loadStateDict(null), IAE, "Adam.loadStateDict: the state dict is null"),
                row("loadStateDict mis-shaped", () -> {
                    Adam a = new Adam(params(), 0.1);
                    a.loadStateDict(Map.of("step", Tensor.of(1), "0.exp_avg", ones(3), "0.exp_avg_sq", ones(2, 2)));
                }, IAE, "Adam.loadStateDict: state dict does not fit this optimizer .*0.exp_avg has shape \\[3\\], expected \\[2, 2\\].*"),
                row("Accuracy sample count", () -> new Accuracy().update(ones(4, 3), ones(3)), IAE,
                        "Accuracy: output \\[4, 3\\] and labels \\[3\\] hold different numbers of samples"),
                row("Accuracy closed output", () -> new Accuracy().update(closed(4, 3), ones(4)), ISE,
                        "Accuracy.update: tensor of shape \\[4, 3\\] " + RELEASED),
                row("Accuracy closed labels", () -> new Accuracy().update(ones(4, 3), closed(4)), ISE,
                        "Accuracy.update: tensor of shape \\[4\\] " + RELEASED));
    }

    // ---- files --------------------------------------------------------------------------------------

    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("panagrad-bad-files");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path file(String name, byte[] bytes) {
        try {
            Path p = DIR.resolve(name);
            Files.write(p, bytes);
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytesOf(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path validIdx() {
        try {
            Path p = DIR.resolve("valid-" + System.nanoTime() + ".idx");
            Idx.write(p, new int[] {3, 2, 2}, new byte[12], false);
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path validCheckpoint() {
        try {
            Path p = DIR.resolve("valid-" + System.nanoTime() + ".safetensors");
            Checkpoint.save(p, Map.of("w", Tensor.ones(4, 3)));
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] truncated(byte[] b, int drop) {
        return Arrays.copyOf(b, b.length - drop);
    }

    private static final byte[] GARBAGE = "this is not a tensor file, just some text...".getBytes();

    static Stream<Arguments> files() {
        Path missing = DIR.resolve("no-such-file.bin");
        byte[] idx = bytesOf(validIdx());
        byte[] ckpt = bytesOf(validCheckpoint());
        Path idxShort = file("short.idx", truncated(idx, 5));
        Path idxHeader = file("header.idx", Arrays.copyOf(idx, 6));
        Path idxGarbage = file("garbage.idx", GARBAGE);
        Path idxEmpty = file("empty.idx", new byte[0]);
        Path stShort = file("short.safetensors", truncated(ckpt, 4));
        Path stHeader = file("header.safetensors", Arrays.copyOf(ckpt, 20));
        Path stGarbage = file("garbage.safetensors", GARBAGE);
        Path stTiny = file("tiny.safetensors", new byte[] {1, 2, 3});
        Path plainSt = DIR.resolve("plain.safetensors");
        try {
            SafeTensors.write(plainSt, Map.of("w", Tensor.ones(2)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String q = Pattern.quote(DIR.toString());
        return Stream.of(
                row("Idx missing", () -> Idx.read(missing, 3), NoSuchFileException.class, ".*no-such-file.bin.*IDX file not found"),
                row("Idx empty", () -> Idx.read(idxEmpty, 3), IOE, "IDX file " + q + ".*empty.idx: file is empty"),
                row("Idx truncated data", () -> Idx.read(idxShort, 3), IOE,
                        "IDX file " + q + ".*short.idx: truncated: sizes \\[3, 2, 2\\] need 28 bytes but the file has 23"),
                row("Idx truncated header", () -> Idx.read(idxHeader, 3), IOE, "IDX file " + q + ".*header.idx: truncated: 6 bytes, shorter than the 16-byte header of a 3-dimensional file"),
                row("Idx garbage", () -> Idx.read(idxGarbage, 3), IOE, "IDX file " + q + ".*garbage.idx: bad magic number 0x74686973, expected 0x00000803 .*not an IDX file.*"),
                row("Idx wrong rank", () -> Idx.read(validIdx(), 1), IOE, "IDX file .*valid-.*: bad magic number 0x00000803, expected 0x00000801 "
                        + "\\(unsigned bytes, 1 dimension\\); the file has 3 dimensions"),
                row("Idx.readLabels of images", () -> Idx.readLabels(validIdx()), IOE, "IDX file .*valid-.*: bad magic number 0x00000803, .*the file has 3 dimensions"),
                row("Idx.write bad rank", () -> Idx.write(DIR.resolve("x.idx"), new int[0], new byte[0], false), IAE,
                        "Idx.write: need 1 to 255 dimensions, got 0"),
                row("SafeTensors missing", () -> SafeTensors.read(missing), NoSuchFileException.class,
                        ".*no-such-file.bin.*safetensors: file not found"),
                row("SafeTensors tiny", () -> SafeTensors.read(stTiny), IOE,
                        "safetensors: " + q + ".*tiny.safetensors: file is 3 bytes, too short for the 8-byte header length"),
                row("SafeTensors truncated data", () -> SafeTensors.read(stShort), IOE,
                        "safetensors: " + q + ".*short.safetensors: tensor 'model.w' data_offsets \\[0, 48\\] go past the end of the 44-byte data section \\(truncated file\\?\\)"),
                row("SafeTensors truncated header", () -> SafeTensors.read(stHeader), IOE,
                        "safetensors: " + q + ".*header.safetensors: header length \\d+ exceeds the 12 bytes after the length field \\(truncated file\\?\\)"),
                row("SafeTensors garbage", () -> SafeTensors.read(stGarbage), IOE, "safetensors: " + q + ".*garbage.safetensors: header length \\d+ is larger than the 104857600-byte limit \\(corrupt or not a safetensors file\\)"),
                row("SafeTensors.write closed tensor", () -> SafeTensors.write(DIR.resolve("c.safetensors"), Map.of("w", closed(2))), ISE,
                        "SafeTensors.write \\(tensor 'w'\\): tensor of shape \\[2\\] " + RELEASED),
                row("SafeTensors.write null tensor", () -> {
                    Map<String, Tensor> m = new LinkedHashMap<>();
                    m.put("w", null);
                    SafeTensors.write(DIR.resolve("n.safetensors"), m);
                }, IAE, "safetensors: .*n.safetensors: tensor 'w' is null"),
                row("Checkpoint.load missing", () -> Checkpoint.load(missing), NoSuchFileException.class, ".*no-such-file.bin: safetensors: file not found"),
                row("Checkpoint.load truncated", () -> Checkpoint.load(stShort), IOE, "safetensors: .*short.safetensors: tensor 'model.w' data_offsets \\[0, 48\\] go past the end .*"),
                row("Checkpoint.load garbage", () -> Checkpoint.load(stGarbage), IOE, "safetensors: .*garbage.safetensors: header length \\d+ is larger than .*"),
                row("Checkpoint.load plain safetensors", () -> Checkpoint.load(plainSt), IOE,
                        "Checkpoint: .*plain.safetensors: tensor 'w' has neither the 'model.' nor the 'optim.' prefix.*"),
                row("Checkpoint.loadInto missing", () -> Checkpoint.loadInto(missing, Map.of("w", ones(4, 3))), NoSuchFileException.class,
                        ".*no-such-file.bin.*"),
                row("Checkpoint.loadInto truncated", () -> Checkpoint.loadInto(stShort, Map.of("w", ones(4, 3))), IOE,
                        "safetensors: .*short.safetensors: tensor 'model.w' data_offsets \\[0, 48\\] go past the end .*"),
                row("Checkpoint.loadInto wrong shape", () -> Checkpoint.loadInto(validCheckpoint(), Map.of("w", ones(3, 4))), IAE,
                        "Checkpoint.loadInto: .* does not match the target; nothing was loaded: model.w: file has shape \\[4, 3\\], target has \\[3, 4\\]"),
                row("Checkpoint.loadInto closed target", () -> Checkpoint.loadInto(validCheckpoint(), Map.of("w", closed(4, 3))), IAE,
                        "Checkpoint.loadInto: .*nothing was loaded: model.w was released in the target"),
                row("Checkpoint.restore wrong model", () -> {
                    Path p = DIR.resolve("model-" + System.nanoTime() + ".safetensors");
                    p.toFile().deleteOnExit();
                    Checkpoint.save(p, new Linear(4, 3), null, Map.of());
                    Checkpoint.restore(p, new Linear(4, 2), null);
                }, IAE, "Checkpoint.restore: .*weight: file has shape \\[3, 4\\], model has \\[2, 4\\].*"),
                row("Checkpoint.save closed tensor", () -> Checkpoint.save(DIR.resolve("c2.safetensors"), Map.of("w", closed(2))), ISE,
                        "SafeTensors.write \\(tensor 'model.w'\\): tensor of shape \\[2\\] " + RELEASED));
    }

    static Stream<Arguments> cases() {
        return Stream.of(blocks(), losses(), optimizers(), data(), files()).flatMap(s -> s);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputThrowsAClearException(String name, Executable code, Class<? extends Throwable> type, String regex) {
        Throwable e = assertThrows(type, code, name);
        assertTrue(type.isInstance(e), name + ": exception type " + e.getClass());
        if (type != IOE) assertEquals(type, e.getClass(), name + ": exact exception type");
        assertNotNull(e.getMessage(), name + ": message");
        assertTrue(Pattern.compile(regex, Pattern.DOTALL).matcher(e.getMessage()).matches(),
                name + ": message\n  " + e.getMessage() + "\ndoes not match\n  " + regex);
    }

    @Test
    void rejectedCallsChangeNothing() throws IOException {
        // A rejected optimizer step leaves every parameter (and its state) as it was.
        Tensor a = Tensor.of(1, 2).requiresGrad(true), b = Tensor.of(3, 4).requiresGrad(true);
        Adam adam = new Adam(List.of(a, b), 0.1);
        a.mul(b).sum().backward();
        b.close();
        assertThrows(ISE, adam::step);
        assertArrayEquals(new float[] {1, 2}, a.toFloatArray());
        assertEquals(0, adam.stepCount());
        // A rejected loadInto writes nothing into the targets that did match.
        Path p = DIR.resolve("two.safetensors");
        Checkpoint.save(p, Map.of("x", Tensor.of(7, 7), "y", Tensor.of(8, 8)));
        Tensor x = Tensor.of(0, 0);
        assertThrows(IAE, () -> Checkpoint.loadInto(p, Map.of("x", x, "y", Tensor.zeros(3))));
        assertArrayEquals(new float[] {0, 0}, x.toFloatArray());
        // A rejected loss leaves the target as given (labels are read, never written, before the kernel).
        Tensor labels = Tensor.of(0, 5);
        assertThrows(IAE, () -> new CrossEntropyLoss().forward(Tensor.ones(2, 3), labels));
        assertArrayEquals(new float[] {0, 5}, labels.toFloatArray());
        // A failed save leaves no file behind.
        Path target = DIR.resolve("never.safetensors");
        assertThrows(ISE, () -> Checkpoint.save(target, Map.of("w", closed(2))));
        assertFalse(Files.exists(target));
    }

    /** Bad class labels for the fused losses: NaN, infinities, fractions, negatives, out of range. */
    static Stream<Arguments> badLabels() {
        return Stream.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.5f, 2.9999998f, -1f, 3f, -0f - 1e-30f)
                .map(v -> Arguments.of(v));
    }

    @ParameterizedTest(name = "label {0}")
    @MethodSource("badLabels")
    void badLabelsAreRejectedBeforeAnyKernelRuns(float bad) {
        // The fused ops allocate their output before calling the kernel; a rejection with no allocation at all shows
        // the label check ran first, so no kernel ever indexed with the bad label.
        Tensor logits = TestSupport.random(5, 2f, 4, 3).requiresGrad(true);
        Tensor labels = Tensor.of(0, 2, bad, 1);
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("crossEntropy", () -> org.panagrad.ops.Loss.crossEntropy(logits, labels));
        calls.put("nll", () -> org.panagrad.ops.Loss.nll(logits, labels));
        calls.put("oneHot", () -> Tensor.oneHot(labels, 3));
        calls.put("CrossEntropyLoss", () -> new CrossEntropyLoss(Reduction.NONE).forward(logits, labels));
        calls.put("NLLLoss", () -> new NLLLoss(Reduction.SUM).forward(logits, labels));
        for (var c : calls.entrySet()) {
            MemoryStats before = Memory.stats();
            IllegalArgumentException e = assertThrows(IAE, c.getValue(), c.getKey());
            MemoryStats after = Memory.stats();
            assertTrue(e.getMessage().matches("(CrossEntropyLoss: |NLLLoss: )?(crossEntropy|nll|oneHot): label " + Pattern.quote(String.valueOf(bad))
                    + " at index 2 is not a class index in \\[0, 3\\)"), c.getKey() + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith(c.getKey()), c.getKey() + " names itself first: " + e.getMessage());
            assertEquals(before.freshAllocations() + before.reusedAllocations(), after.freshAllocations() + after.reusedAllocations(),
                    c.getKey() + ": nothing may be allocated (or computed) before the labels are checked");
        }
        assertEquals(null, logits.grad(), "nothing was recorded or back-propagated");
    }

    @Test
    void emptyAndEdgeInputsThatAreValid() {
        // An empty Sequential is the identity (as torch's nn.Sequential()); Dropout(0) and eval-mode Dropout pass x through.
        Tensor x = Tensor.of(1, 2, 3);
        assertArrayEquals(new float[] {1, 2, 3}, new Sequential().forward(x).toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3}, new Dropout(0).forward(x).toFloatArray());
        // Linear works on any rank with the right last axis.
        Linear l = new Linear(3, 2);
        assertArrayEquals(new int[] {4, 5, 2}, l.forward(Tensor.ones(4, 5, 3)).shape());
        // lr = 0 and gamma = 0 are allowed (a frozen optimizer, a one-epoch schedule).
        assertEquals(0.0, new SGD(params(), 0).lr());
        StepLR s = new StepLR(new SGD(params(), 0.5), 1, 0);
        s.step();
        assertEquals(0.0, s.lrAt(1));
    }
}
