package org.panagrad.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.panagrad.MemoryScope;
import org.panagrad.Tensor;

/**
 * A piece of a network (PyTorch's {@code nn.Module}, Gluon's {@code Block}): it owns parameters and child
 * blocks, and maps an input tensor to an output in {@link #forward(Tensor)}. Write a model by subclassing it
 * and registering children in field initialisers, in the order the names should appear:
 *
 * <pre>{@code
 * class NeuralNetwork extends Block {
 *     Linear fc1 = register("fc1", new Linear(784, 128));
 *     Linear fc2 = register("fc2", new Linear(128, 10));
 *
 *     @Override
 *     public Tensor forward(Tensor x) {
 *         return fc2.forward(fc1.forward(x).relu());
 *     }
 * }
 * NeuralNetwork net = new NeuralNetwork();
 * net.namedParameters().keySet();   // [fc1.weight, fc1.bias, fc2.weight, fc2.bias]
 * }</pre>
 *
 * <p>Parameters are leaf tensors that require grad; blocks create them outside any {@link MemoryScope} so they
 * survive training steps. A block starts in training mode; {@link #train()} and {@link #eval()} switch it and
 * every descendant (this matters for {@link Dropout}).
 */
public abstract class Block {
    // Initialised here, not in a constructor body, so subclasses' field initialisers can register into them.
    private final LinkedHashMap<String, Tensor> parameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, Block> children = new LinkedHashMap<>();
    private boolean training = true;

    /** For subclasses. */
    protected Block() {}

    /** Computes this block's output from {@code x}; recorded by autograd like any tensor op. */
    public abstract Tensor forward(Tensor x);

    /**
     * Registers {@code child} under {@code name} (no dots, unique within this block) so its parameters appear
     * in {@link #namedParameters()} as {@code name.<its names>} and mode changes reach it.
     *
     * @return child, so a field can be initialised in one line
     */
    protected final <B extends Block> B register(String name, B child) {
        if (child == null) throw new IllegalArgumentException(blockName() + ".register: child '" + name + "' is null");
        if (child == this) throw new IllegalArgumentException(blockName() + ".register: a block cannot be its own child ('" + name + "')");
        checkName("register", name);
        children.put(name, child);
        return child;
    }

    /**
     * Registers {@code parameter} under {@code name} and marks it as requiring grad. It must be a leaf (not the
     * result of a recorded op); create it inside {@link MemoryScope#outside} if a scope may be open.
     *
     * @return parameter
     */
    protected final Tensor registerParameter(String name, Tensor parameter) {
        if (parameter == null) throw new IllegalArgumentException(blockName() + ".registerParameter: parameter '" + name + "' is null");
        checkName("registerParameter", name);
        if (!parameter.isLeaf()) {
            throw new IllegalArgumentException(blockName() + ".registerParameter: '" + name + "' comes from " + parameter.gradFn()
                    + "; a parameter must be a leaf tensor (use detach())");
        }
        parameter.requiresGrad(true);
        parameters.put(name, parameter);
        return parameter;
    }

    private void checkName(String op, String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(blockName() + "." + op + ": name '" + name + "' must be non-empty and contain no '.'");
        }
        if (parameters.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(blockName() + "." + op + ": name '" + name + "' is already registered");
        }
    }

    /**
     * Every parameter of this block and its descendants under a dotted name, in registration order, own
     * parameters first (e.g. {@code "0.weight", "0.bias", "2.weight"} in a {@link Sequential}). A tensor shared
     * by several blocks is listed once, under its first name.
     */
    public LinkedHashMap<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, Collections.newSetFromMap(new IdentityHashMap<>()));
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, java.util.Set<Tensor> seen) {
        for (var e : parameters.entrySet()) {
            if (seen.add(e.getValue())) out.put(prefix + e.getKey(), e.getValue());
        }
        for (var e : children.entrySet()) e.getValue().collect(prefix + e.getKey() + ".", out, seen);
    }

    /** The parameters, in the order of {@link #namedParameters()}: what an optimizer takes. */
    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** The directly registered children, by name, in registration order (read-only). */
    public Map<String, Block> namedChildren() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * Calls {@code fn} on every descendant, then on this block (torch's {@code Module.apply}), typically to
     * initialise weights:
     * <pre>{@code
     * model.apply(b -> { if (b instanceof Linear l) Init.xavierUniform(l.weight(), 1.0); });
     * }</pre>
     *
     * @return this
     */
    public Block apply(java.util.function.Consumer<Block> fn) {
        for (Block c : children.values()) c.apply(fn);
        fn.accept(this);
        return this;
    }

    /** Total number of parameter elements, e.g. 784*128 + 128 for {@code Linear(784, 128)}. */
    public long numParameters() {
        long n = 0;
        for (Tensor p : namedParameters().values()) n += p.numel();
        return n;
    }

    /** Zeroes the gradient of every parameter, keeping its memory for the next backward pass. */
    public void zeroGrad() {
        for (Tensor p : namedParameters().values()) p.zeroGrad();
    }

    /** Training mode for this block and all descendants (dropout active). Returns this. */
    public Block train() {
        return train(true);
    }

    /** Sets training mode ({@code true}) or evaluation mode for this block and all descendants. Returns this. */
    public Block train(boolean mode) {
        training = mode;
        for (Block c : children.values()) c.train(mode);
        return this;
    }

    /** Evaluation mode for this block and all descendants (dropout is the identity). Returns this. */
    public Block eval() {
        return train(false);
    }

    /** Whether this block is in training mode. */
    public boolean isTraining() {
        return training;
    }

    /**
     * Extra text inside this block's parentheses in {@link #toString()}, e.g.
     * {@code in_features=784, out_features=128, bias=true} for {@link Linear}. Empty by default.
     */
    protected String extraRepr() {
        return "";
    }

    /** The class name, or "Block" for an anonymous subclass; used in printing and error messages. */
    protected String blockName() {
        String n = getClass().getSimpleName();
        return n.isEmpty() ? "Block" : n;
    }

    /**
     * The block tree the way torch prints modules:
     * <pre>
     * Sequential(
     *   (0): Linear(in_features=784, out_features=128, bias=true)
     *   (1): ReLU()
     * )
     * </pre>
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(blockName()).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            sb.append('\n');
            for (var e : children.entrySet()) {
                String child = e.getValue().toString().replace("\n", "\n  ");
                sb.append("  (").append(e.getKey()).append("): ").append(child).append('\n');
            }
        }
        return sb.append(')').toString();
    }
}
