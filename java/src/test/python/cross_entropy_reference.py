#!/usr/bin/python3
"""Reference numbers for cross-entropy with large logits (PyTorch 1.13; run: /usr/bin/python3 cross_entropy_reference.py).

Used by java/src/test/java/org/panagrad/loss/CrossEntropyLargeLogitsTest.java and test_cross_entropy_torch in
native/test/pg_test.c. For each base in BASES, float32 logits x[r, c] = float32(base + offset(r, c)) with
offset(r, c) = ((7 r + 3 c) % 17) * 0.37 - 4 (in double) (a formula both tests reproduce), and labels label(r) = (3 r) % cols,
in two shapes: [4, 5] (the short-row kernels) and [2, 70] (the long-row ones), plus the row [0, 1, 2] (label 0)
of the bug report. The script prints, as Java and as C array initialisers (paste between the BEGIN/END markers), torch.nn.functional.cross_entropy(x, labels, reduction="none") and the
gradient of its sum w.r.t. x, both computed by torch in float32 (its CPU kernels: log_softmax as
(x - max) - log(sum(exp(x - max))), backward exp(log_softmax) - onehot), and checks them against the same in
float64 from the same float32 inputs (the exact answer, to float32 precision).
"""
import torch
import torch.nn.functional as F

BASES = [1e4, 1e6, 1e7]
SHAPES = [(4, 5), (2, 70)]


def logits(base, rows, cols):
    off = torch.tensor([[((7 * r + 3 * c) % 17) * 0.37 - 4 for c in range(cols)] for r in range(rows)],
                       dtype=torch.float64)
    return (base + off).to(torch.float32)


def labels(rows, cols):
    return torch.tensor([(3 * r) % cols for r in range(rows)])


def loss_and_grad(x, y):
    x = x.clone().requires_grad_(True)
    loss = F.cross_entropy(x, y, reduction="none")
    loss.sum().backward()
    return loss.detach(), x.grad


def jf(v):
    return "%.9gf" % v


def jarr(t):
    return "{" + ", ".join(jf(v) for v in t.reshape(-1).tolist()) + "}"


if __name__ == "__main__":
    cases = [(base, r, c, logits(base, r, c), labels(r, c)) for base in BASES for (r, c) in SHAPES]
    cases += [(1e7, 1, 3, torch.tensor([[1e7, 1e7 + 1, 1e7 + 2]], dtype=torch.float32), torch.tensor([0]))]
    java_loss, java_grad, c_lines = [], [], []
    for i, (base, rows, cols, x, y) in enumerate(cases):
        loss, grad = loss_and_grad(x, y)
        loss64, grad64 = loss_and_grad(x.double(), y)
        # torch float32 agrees with the exact answer to float precision, whatever the base
        assert torch.allclose(loss.double(), loss64, rtol=1e-6, atol=1e-6), (base, rows, cols)
        assert torch.allclose(grad.double(), grad64, rtol=1e-5, atol=1e-6), (base, rows, cols)
        what = "base %g, [%d, %d]" % (base, rows, cols)
        java_loss.append("        %s, // %s" % (jarr(loss), what))
        java_grad.append("        %s, // %s" % (jarr(grad), what))
        c_lines.append("static const float ce_loss_%d[] = %s; /* %s */" % (i, jarr(loss), what))
        c_lines.append("static const float ce_grad_%d[] = %s;" % (i, jarr(grad)))
    print("// Java (torch %s)" % torch.__version__)
    print("    static final float[][] LOSS = {\n" + "\n".join(java_loss) + "\n    };")
    print("    static final float[][] GRAD = {\n" + "\n".join(java_grad) + "\n    };")
    print("/* C (torch %s) */" % torch.__version__)
    print("\n".join(c_lines))
    n = len(cases)
    print("static const float *const ce_loss[] = {" + ", ".join("ce_loss_%d" % i for i in range(n)) + "};")
    print("static const float *const ce_grad[] = {" + ", ".join("ce_grad_%d" % i for i in range(n)) + "};")
