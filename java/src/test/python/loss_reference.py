"""Reference numbers for java/src/test/java/org/panagrad/loss/LossReferenceTest.java.

Run:  /usr/bin/python3 java/src/test/python/loss_reference.py   (PyTorch 1.13)
It prints Java source: the inputs, and for every loss x reduction (and a weighted MEAN case per loss) the
loss value (flattened) and its gradient w.r.t. the prediction. For a NONE reduction the gradient is that of
the sum of the outputs, which is what Tensor.backward() on a non-scalar computes. Paste the output into the
test between the BEGIN/END markers.

Torch losses use torch.nn.functional; Gluon's L2Loss and HingeLoss are written out from Gluon's definitions:
  L2Loss:    l_n = mean_j(0.5 * w_n * (pred_nj - label_nj)^2)
  HingeLoss: l_n = mean_j(w_n * max(0, margin - pred_nj * label_nj))
and the reduction (NONE / MEAN / SUM) is then applied across the batch. Sample weights w are per sample
(shape [batch]) and broadcast over the non-batch axes; a weighted MEAN is mean(w * l), as in torch and Gluon.
Computation is in float64 so the references are exact to float32 precision.
"""
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

# Regression: prediction and target [3, 2].
REG_PRED = [[0.5, -1.25], [2.0, 0.75], [-0.3, 1.6]]
REG_TARGET = [[1.0, -0.5], [1.5, 2.0], [0.4, 1.1]]
# Probabilities and 0/1 (and one soft) targets [3, 2].
PROB = [[0.8, 0.3], [0.55, 0.05], [0.9, 0.4]]
BIN_TARGET = [[1.0, 0.0], [0.0, 1.0], [1.0, 0.25]]
# Raw scores [3, 2] (one large enough to test the stable form).
LOGIT = [[1.5, -0.7], [0.2, -2.5], [3.0, 12.0]]
POS_WEIGHT = [2.0, 0.5]
# Classification: logits / log-probabilities [4, 3], class indices [4].
CLS_LOGITS = [[1.0, 2.0, 0.5], [-1.0, 0.3, 2.2], [0.1, 0.1, 0.4], [3.0, -2.0, 1.0]]
CLS_LABELS = [1.0, 2.0, 0.0, 0.0]
NLL_INPUT = [[-0.4, -1.3, -2.9], [-2.1, -0.2, -3.0], [-1.0, -1.5, -0.8], [-0.05, -4.0, -3.2]]
# Hinge: scores [3, 2] and labels of -1 and 1.
HINGE_PRED = [[0.5, -1.25], [2.0, 0.3], [-0.3, 1.6]]
HINGE_LABEL = [[1.0, -1.0], [-1.0, 1.0], [1.0, 1.0]]
HINGE_MARGIN = 0.8
# Per-sample weights.
W3 = [0.5, 2.0, 1.5]
W4 = [1.0, 0.5, 2.0, 0.25]

REDUCTIONS = ["NONE", "MEAN", "SUM"]


def reduce(l, reduction):
    return {"NONE": l, "MEAN": l.mean(), "SUM": l.sum()}[reduction]


def gluon(elementwise, w, reduction):
    l = elementwise if w is None else elementwise * torch.tensor(w).view(-1, 1)
    return reduce(l.mean(dim=1), reduction)


def torch_weighted(l, w, reduction):
    if w is not None:
        l = l * torch.tensor(w).view(-1, *([1] * (l.dim() - 1)))
    return reduce(l, reduction)


# name -> (prediction, target, per-sample weight, fn(pred, target, weight, reduction))
CASES = {
    "L1Loss": (REG_PRED, REG_TARGET, W3,
               lambda p, t, w, r: torch_weighted(F.l1_loss(p, t, reduction="none"), w, r)),
    "MSELoss": (REG_PRED, REG_TARGET, W3,
                lambda p, t, w, r: torch_weighted(F.mse_loss(p, t, reduction="none"), w, r)),
    "L2Loss": (REG_PRED, REG_TARGET, W3,
               lambda p, t, w, r: gluon(0.5 * (p - t) ** 2, w, r)),
    "BCELoss": (PROB, BIN_TARGET, W3,
                lambda p, t, w, r: torch_weighted(F.binary_cross_entropy(p, t, reduction="none"), w, r)),
    "BCEWithLogitsLoss": (LOGIT, BIN_TARGET, W3,
                          lambda p, t, w, r: torch_weighted(
                              F.binary_cross_entropy_with_logits(p, t, reduction="none"), w, r)),
    "BCEWithLogitsLossPosWeight": (LOGIT, BIN_TARGET, W3,
                                   lambda p, t, w, r: torch_weighted(F.binary_cross_entropy_with_logits(
                                       p, t, reduction="none", pos_weight=torch.tensor(POS_WEIGHT)), w, r)),
    "CrossEntropyLoss": (CLS_LOGITS, CLS_LABELS, W4,
                         lambda p, t, w, r: torch_weighted(F.cross_entropy(p, t.long(), reduction="none"), w, r)),
    "NLLLoss": (NLL_INPUT, CLS_LABELS, W4,
                lambda p, t, w, r: torch_weighted(F.nll_loss(p, t.long(), reduction="none"), w, r)),
    "HingeLoss": (HINGE_PRED, HINGE_LABEL, W3,
                  lambda p, t, w, r: gluon(torch.clamp(HINGE_MARGIN - p * t, min=0), w, r)),
}

# Cross-checks of the torch formulations used above against the torch modules' own reductions.
for name, fn, mod in [("L1Loss", F.l1_loss, None), ("MSELoss", F.mse_loss, None)]:
    p, t = torch.tensor(REG_PRED), torch.tensor(REG_TARGET)
    for r in ["mean", "sum"]:
        assert torch.allclose(fn(p, t, reduction=r), CASES[name][3](p, t, None, r.upper()))
assert torch.allclose(F.cross_entropy(torch.tensor(CLS_LOGITS), torch.tensor(CLS_LABELS).long()),
                      F.nll_loss(F.log_softmax(torch.tensor(CLS_LOGITS), dim=1), torch.tensor(CLS_LABELS).long()))


def jf(x):
    s = repr(float(x))
    return ("%.9g" % float(x)) + "f" if "e" in s or len(s) > 12 else s + "f"


def jarr(values):
    flat = torch.as_tensor(values).reshape(-1).tolist()
    return "new float[] {" + ", ".join(jf(v) for v in flat) + "}"


def j2d(rows):
    return "new float[][] {" + ", ".join("{" + ", ".join(jf(v) for v in r) + "}" for r in rows) + "}"


print("    // BEGIN generated by java/src/test/python/loss_reference.py (torch %s)" % torch.__version__)
for nm in ["REG_PRED", "REG_TARGET", "PROB", "BIN_TARGET", "LOGIT", "CLS_LOGITS", "NLL_INPUT", "HINGE_PRED", "HINGE_LABEL"]:
    print("    static final float[][] %s = %s;" % (nm, j2d(globals()[nm])))
for nm in ["CLS_LABELS", "W3", "W4", "POS_WEIGHT"]:
    print("    static final float[] %s = %s;" % (nm, jarr(globals()[nm])))
print("    static final float HINGE_MARGIN = %s;" % jf(HINGE_MARGIN))
print()
print("    static final Ref[] REFS = {")
for name, (pred, target, w, fn) in CASES.items():
    for weighted in [False, True]:
        for r in REDUCTIONS:
            if weighted and r != "MEAN":
                continue
            p = torch.tensor(pred, requires_grad=True)
            t = torch.tensor(target)
            out = fn(p, t, w if weighted else None, r)
            out.sum().backward()
            print("        new Ref(\"%s\", Reduction.%s, %s, %s, %s)," % (
                name, r, "true" if weighted else "false", jarr(out.detach()), jarr(p.grad)))
print("    };")
print("    // END generated")
