package org.panagrad.optim;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.panagrad.Autograd;
import org.panagrad.MemoryScope;
import org.panagrad.Tensor;

/**
 * Updates a list of parameters from their gradients, the way {@code torch.optim} optimizers do.
 *
 * <pre>{@code
 * Optimizer opt = new Adam(model.parameters(), 1e-3);
 * for (Batch batch : loader) {
 *     try (var step = MemoryScope.open()) {
 *         opt.zeroGrad();
 *         criterion.forward(model.forward(batch.x()), batch.y()).backward();
 *         opt.step();
 *     }
 * }
 * }</pre>
 *
 * <p>Parameters are leaf tensors that require grad; {@link #step()} skips a parameter whose {@code grad()} is
 * null (it took no part in the loss), as torch does. Each parameter's update is one fused kernel call
 * ({@code Kernels.optimSgd/optimAdam/optimRmsprop}) run under {@link Autograd#noGrad()}.
 *
 * <p>State: per-parameter buffers (momentum, moment estimates) are created lazily at a parameter's first update,
 * outside any {@link MemoryScope}, and reused in place afterwards, so steady-state steps allocate no native
 * memory. {@link #stateDict()} snapshots them under stable keys ({@code "0.exp_avg"}, {@code "1.momentum_buffer"},
 * {@code "step"}) for checkpoints and {@link #loadStateDict(Map)} restores them.
 *
 * <p>Hyper-parameters are validated when set (constructor or fluent setter), before any native call, with a
 * message naming the optimizer, the argument and its value, e.g. {@code Adam: invalid beta1 1.5, must be in [0, 1)}.
 * Like torch, they may be changed between steps.
 */
public abstract class Optimizer {
    private final String name;
    private final List<Tensor> params;
    /** Names of the per-parameter state slots, indexed like {@link #state}'s second axis. */
    private final String[] slots;
    /** state[param][slot]: null until created; a slot the current options do not use may hold a stale buffer. */
    private final Tensor[][] state;
    /** Whether parameter i has been updated (or restored) at least once: its state exists. */
    private final boolean[] hasState;
    /** Updates applied to parameter i (torch's per-parameter {@code state["step"]}; differs when grads were null). */
    private final long[] paramSteps;
    private double lr;
    private long stepCount;

    /**
     * Checks the parameters and the learning rate; per-parameter state is created later, at each parameter's first update.
     *
     * @param name   the optimizer's name, used in messages
     * @param params the parameters to update: non-empty, leaf tensors that require grad, no duplicates
     * @param lr     the learning rate, finite and {@code >= 0}
     * @param slots  names of the per-parameter state buffers this optimizer may keep (each shaped like its parameter)
     */
    protected Optimizer(String name, List<Tensor> params, double lr, String... slots) {
        this.name = name;
        this.params = checkParams(name, params);
        this.slots = slots.clone();
        this.state = new Tensor[this.params.size()][slots.length];
        this.hasState = new boolean[this.params.size()];
        this.paramSteps = new long[this.params.size()];
        this.lr = checkNonNegative("lr", lr);
    }

    private static List<Tensor> checkParams(String name, List<Tensor> params) {
        if (params == null) throw new IllegalArgumentException(name + ": params is null; pass model.parameters() or a list of tensors");
        if (params.isEmpty()) {
            throw new IllegalArgumentException(name + ": got an empty parameter list; an optimizer needs at least one tensor to update");
        }
        IdentityHashMap<Tensor, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p == null) throw new IllegalArgumentException(name + ": parameter " + i + " is null");
            p.checkAlive(name);
            if (!p.requiresGrad()) {
                throw new IllegalArgumentException(name + ": parameter " + i + " of shape " + Arrays.toString(p.shape())
                        + " does not require grad; call requiresGrad(true) on it, or leave it out of the list");
            }
            if (!p.isLeaf()) {
                throw new IllegalArgumentException(name + ": parameter " + i + " of shape " + Arrays.toString(p.shape())
                        + " is not a leaf (it comes from " + p.gradFn() + "); optimize the tensor it was computed from");
            }
            Integer before = seen.put(p, i);
            if (before != null) {
                throw new IllegalArgumentException(name + ": parameters " + before + " and " + i
                        + " are the same tensor; list each parameter once");
            }
        }
        return Collections.unmodifiableList(new ArrayList<>(params));
    }

    // ---- the step -------------------------------------------------------------------------------

    /**
     * Applies one update to every parameter whose gradient is not null, then counts the step.
     *
     * @throws IllegalStateException if a parameter or its gradient was released
     */
    public final void step() {
        // All checks first, so a bad parameter late in the list leaves every parameter untouched.
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            p.checkAlive(name + ".step: parameter " + i);
            Tensor g = p.grad();
            if (g == null) continue;
            g.checkAlive(name + ".step: gradient of parameter " + i);
            if (g.numel() != p.numel()) {
                throw new IllegalStateException(name + ".step: gradient of parameter " + i + " has shape "
                        + Arrays.toString(g.shape()) + " but the parameter has shape " + Arrays.toString(p.shape()));
            }
        }
        try (var noGrad = Autograd.noGrad()) {
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                Tensor g = p.grad();
                if (g == null) continue;
                hasState[i] = true;
                paramSteps[i]++;
                update(i, p, g);
            }
        }
        stepCount++;
    }

    /**
     * Updates parameter {@code index} from its gradient with one kernel call, creating its state buffers with
     * {@link #slot(int, int, boolean)} on first use. Called under no-grad, after {@link #paramStep(int)} was
     * incremented; {@code param} and {@code grad} are alive and of the same size.
     */
    protected abstract void update(int index, Tensor param, Tensor grad);

    /** Whether the state slot {@code slot} (an index into the names given to the constructor) is used by the current options. */
    protected abstract boolean slotActive(int slot);

    /** Whether the per-parameter step count is part of the state (Adam's bias correction needs it; SGD's does not). */
    protected boolean hasParamStep() {
        return false;
    }

    /**
     * The state buffer {@code slot} of parameter {@code index}, created outside any scope when missing: zero-filled
     * when {@code zero}, else uninitialised (for buffers the kernel overwrites on a first step).
     */
    protected final Tensor slot(int index, int slot, boolean zero) {
        Tensor t = state[index][slot];
        if (t == null) {
            int[] shape = params.get(index).shape();
            t = MemoryScope.outside(() -> zero ? Tensor.zeros(shape) : Tensor.empty(shape));
            state[index][slot] = t;
        }
        return t;
    }

    /** Whether parameter {@code index} already has the buffer {@code slot}. */
    protected final boolean hasSlot(int index, int slot) {
        return state[index][slot] != null;
    }

    /** How many updates parameter {@code index} has received (torch's per-parameter {@code state["step"]}). */
    protected final long paramStep(int index) {
        return paramSteps[index];
    }

    /** The segment to pass a kernel for an optional buffer: the slot's data when active, else NULL. */
    protected final MemorySegment segmentOrNull(int index, int slot, boolean active, boolean zero) {
        return active ? slot(index, slot, zero).segment() : MemorySegment.NULL;
    }

    // ---- gradients and options ------------------------------------------------------------------

    /** Zeroes the gradient of every parameter that has one, keeping its memory (torch 1.13's {@code zero_grad()}). */
    public void zeroGrad() {
        for (Tensor p : params) {
            if (p.grad() != null) p.zeroGrad();
        }
    }

    /**
     * Zeroes the gradients, or with {@code setToNone} drops them so the next {@link #step()} skips parameters that
     * got no gradient (torch's {@code zero_grad(set_to_none=True)}). Dropping frees the memory, so the next backward
     * allocates it again.
     */
    public void zeroGrad(boolean setToNone) {
        if (!setToNone) {
            zeroGrad();
            return;
        }
        for (Tensor p : params) p.clearGrad();
    }

    /** The learning rate. */
    public double lr() {
        return lr;
    }

    /**
     * Sets the learning rate used by the following steps (what LR schedulers call).
     *
     * @param lr finite and {@code >= 0}
     */
    public void setLr(double lr) {
        this.lr = checkNonNegative("lr", lr);
    }

    /** Number of {@link #step()} calls so far (or as restored by {@link #loadStateDict(Map)}). */
    public long stepCount() {
        return stepCount;
    }

    /** The parameters this optimizer updates, in order (unmodifiable); index i is the {@code "i."} key prefix. */
    public List<Tensor> parameters() {
        return params;
    }

    /** The optimizer's name as used in messages, e.g. {@code "Adam"}. */
    public String name() {
        return name;
    }

    // ---- checkpoints ----------------------------------------------------------------------------

    /**
     * A snapshot of the optimizer's state: copies of every per-parameter buffer the current options use, keyed
     * {@code "<param index>.<buffer>"} (e.g. {@code "0.exp_avg"}, {@code "0.exp_avg_sq"}, {@code "2.momentum_buffer"},
     * and {@code "0.step"} for Adam), in parameter order, then {@code "step"}, the number of steps taken, as a
     * 1-element float tensor (exact up to 2^24 steps). Parameters that were never updated have no keys. Empty before
     * the first step.
     * Hyper-parameters are not included (like torch's {@code param_groups}, they belong to the code that builds
     * the optimizer). The copies belong to the caller's current {@link MemoryScope}, if any.
     */
    public LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        boolean any = stepCount > 0;
        for (int i = 0; i < params.size(); i++) {
            if (!hasState[i]) continue;
            any = true;
            for (int s = 0; s < slots.length; s++) {
                if (!slotActive(s)) continue;
                Tensor t = state[i][s];
                // A buffer switched on after this parameter's last update does not exist yet: export zeros.
                out.put(i + "." + slots[s], t == null ? Tensor.zeros(params.get(i).shape()) : Tensor.empty(t.shape()).set(t));
            }
            if (hasParamStep()) out.put(i + ".step", Tensor.of((float) paramSteps[i]));
        }
        if (any) out.put("step", Tensor.of((float) stepCount));
        return out;
    }

    /**
     * Restores a {@link #stateDict()} of an optimizer of the same kind, options and parameter shapes. Every key and
     * shape is checked before anything is copied, so a bad map changes nothing. An empty map resets the optimizer
     * to its freshly constructed state.
     *
     * @throws IllegalArgumentException naming the missing, unexpected and mis-shaped keys, or bad step values
     */
    public void loadStateDict(Map<String, Tensor> dict) {
        if (dict == null) throw new IllegalArgumentException(name + ".loadStateDict: the state dict is null");
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), misShaped = new ArrayList<>(),
                badValues = new ArrayList<>();
        // Per parameter: the tensors found for each slot, and its step.
        Tensor[][] found = new Tensor[params.size()][slots.length];
        long[] steps = new long[params.size()];
        boolean[] present = new boolean[params.size()];
        Long globalStep = null;
        List<Map.Entry<String, Tensor>> entries = new ArrayList<>(dict.entrySet());
        // Sorted, so messages list keys in a stable order whatever the map.
        entries.sort(Map.Entry.comparingByKey(Comparator.nullsFirst(Comparator.naturalOrder())));
        for (Map.Entry<String, Tensor> e : entries) {
            String key = e.getKey();
            Tensor t = e.getValue();
            if (key == null) {
                unexpected.add("null");
                continue;
            }
            if (key.equals("step")) {
                Long v = stepValue(key, t, 0, misShaped, badValues);
                if (v != null) globalStep = v;
                continue;
            }
            int dot = key.indexOf('.');
            int index = dot < 0 ? -1 : parseIndex(key.substring(0, dot));
            String slotName = dot < 0 ? "" : key.substring(dot + 1);
            int slot = slotIndex(slotName);
            boolean isStep = hasParamStep() && slotName.equals("step");
            if (index < 0 || index >= params.size() || (!isStep && (slot < 0 || !slotActive(slot)))) {
                unexpected.add(key);
                continue;
            }
            present[index] = true;
            if (isStep) {
                Long v = stepValue(key, t, 1, misShaped, badValues);
                if (v != null) steps[index] = v;
                continue;
            }
            int[] want = params.get(index).shape();
            if (t == null) {
                badValues.add(key + " is null");
            } else if (t.isReleased()) {
                badValues.add(key + " was released");
            } else if (!Arrays.equals(t.shape(), want)) {
                misShaped.add(key + " has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(want));
            } else {
                found[index][slot] = t;
            }
        }
        boolean anyParam = false;
        for (int i = 0; i < params.size(); i++) {
            if (!present[i]) continue;
            anyParam = true;
            for (int s = 0; s < slots.length; s++) {
                if (slotActive(s) && !dict.containsKey(i + "." + slots[s])) missing.add(i + "." + slots[s]);
            }
            if (hasParamStep() && !dict.containsKey(i + ".step")) missing.add(i + ".step");
        }
        if ((anyParam || !dict.isEmpty()) && !dict.containsKey("step")) missing.add(0, "step");
        if (!missing.isEmpty() || !unexpected.isEmpty() || !misShaped.isEmpty() || !badValues.isEmpty()) {
            StringBuilder m = new StringBuilder(name).append(".loadStateDict: state dict does not fit this optimizer (")
                    .append(params.size()).append(" parameters, state ").append(activeSlotNames()).append(")");
            if (!missing.isEmpty()) m.append("; missing keys ").append(missing);
            if (!unexpected.isEmpty()) m.append("; unexpected keys ").append(unexpected);
            if (!misShaped.isEmpty()) m.append("; mis-shaped: ").append(String.join(", ", misShaped));
            if (!badValues.isEmpty()) m.append("; bad values: ").append(String.join(", ", badValues));
            m.append("; nothing was loaded");
            throw new IllegalArgumentException(m.toString());
        }
        // Everything checked: copy.
        for (int i = 0; i < params.size(); i++) {
            if (!present[i]) {
                for (int s = 0; s < slots.length; s++) release(i, s);
                hasState[i] = false;
                paramSteps[i] = 0;
                continue;
            }
            for (int s = 0; s < slots.length; s++) {
                if (slotActive(s)) slot(i, s, false).set(found[i][s]);
                else release(i, s);
            }
            hasState[i] = true;
            paramSteps[i] = hasParamStep() ? steps[i] : 0;
        }
        stepCount = globalStep == null ? 0 : globalStep;
    }

    private void release(int index, int slot) {
        Tensor t = state[index][slot];
        if (t != null) t.close(); // never handed out (stateDict copies), so no one else holds it
        state[index][slot] = null;
    }

    private Long stepValue(String key, Tensor t, long min, List<String> misShaped, List<String> badValues) {
        if (t == null) {
            badValues.add(key + " is null");
            return null;
        }
        if (t.isReleased()) {
            badValues.add(key + " was released");
            return null;
        }
        if (t.numel() != 1) {
            misShaped.add(key + " has shape " + Arrays.toString(t.shape()) + ", expected one element");
            return null;
        }
        float v = t.toFloatArray()[0];
        if (!(v >= min) || !Float.isFinite(v) || v != Math.rint(v)) {
            badValues.add(key + " is " + v + ", expected a whole number >= " + min);
            return null;
        }
        return (long) v;
    }

    private static int parseIndex(String s) {
        if (s.isEmpty() || s.length() > 9 || (s.length() > 1 && s.charAt(0) == '0')) return -1;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return -1;
        return Integer.parseInt(s);
    }

    private int slotIndex(String slotName) {
        for (int s = 0; s < slots.length; s++) if (slots[s].equals(slotName)) return s;
        return -1;
    }

    private List<String> activeSlotNames() {
        List<String> names = new ArrayList<>();
        for (int s = 0; s < slots.length; s++) if (slotActive(s)) names.add(slots[s]);
        if (hasParamStep()) names.add("step");
        return names;
    }

    // ---- validation helpers ---------------------------------------------------------------------

    /** Returns {@code value} if finite and {@code >= 0}, else throws naming this optimizer, {@code arg} and the value. */
    protected final double checkNonNegative(String arg, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(name + ": invalid " + arg + " " + value + ", must be finite and >= 0");
        }
        if (value > Float.MAX_VALUE) { // the kernels take float32
            throw new IllegalArgumentException(name + ": invalid " + arg + " " + value + ", must be at most " + Float.MAX_VALUE);
        }
        return value;
    }

    /** Returns {@code value} if in [lo, hi) (or [lo, hi] when {@code closed}), else throws naming {@code arg} and the value. */
    protected final double checkRange(String arg, double value, double lo, double hi, boolean closed) {
        boolean ok = value >= lo && (closed ? value <= hi : value < hi); // false for NaN
        if (!ok) {
            throw new IllegalArgumentException(name + ": invalid " + arg + " " + value + ", must be in ["
                    + fmt(lo) + ", " + fmt(hi) + (closed ? "]" : ")"));
        }
        return value;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    @Override
    public String toString() {
        return name + "(lr=" + lr + ", " + params.size() + " parameters, " + stepCount + " steps)";
    }
}
