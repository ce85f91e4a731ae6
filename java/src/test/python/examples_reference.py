"""Reference numbers for the examples' tests (org.panagrad.examples), computed with PyTorch 1.13 in float32.

Run: /usr/bin/python3 java/src/test/python/examples_reference.py
The printed literals are pasted into TorchBasicsAndBlobsTest and BackpropFromScratchTest.
"""
import numpy as np
import torch

torch.set_printoptions(precision=10)


def fl(values):
    return ", ".join(repr(float(v)) + "f" for v in values)


# 003: hand-written SGD on y = w*x, loss (w*x - y)^2, lr 0.01, w0 = 1 (the notebook's loop).
x_data = [11.0, 22.0, 33.0]
y_data = [21.0, 14.0, 64.0]
for zero in (True, False):
    w = torch.tensor([1.0], requires_grad=True)
    grads, losses, weights = [], [], []
    for epoch in range(2):
        for x, y in zip(x_data, y_data):
            l = (x * w - y) * (x * w - y)
            l.backward()
            grads.append(w.grad.item())
            losses.append(l.item())
            with torch.no_grad():
                w.data = w.data - 0.01 * w.grad
            weights.append(w.item())
            if zero:
                w.grad.zero_()
    print("zeroGrad=%s" % zero)
    print("  grads   {%s}" % fl(grads))
    print("  losses  {%s}" % fl(losses))
    print("  weights {%s}" % fl(weights))

# 003: the linear model on heights/weights, central finite differences with delta 0.1, lr 1e-2.
t_c = torch.tensor([58.0, 59.0, 60.0, 61.0, 62.0, 63.0, 64.0, 65.0, 66.0, 67.0, 68.0, 69.0, 70.0, 71.0, 72.0])
t_u = torch.tensor([115.0, 117.0, 120.0, 123.0, 126.0, 129.0, 132.0, 135.0, 139.0, 142.0, 146.0, 150.0, 154.0, 159.0, 164.0])
model = lambda t_u, w, b: w * t_u + b
loss_fn = lambda t_p, t_c: ((t_p - t_c) ** 2).mean()
w = torch.ones(1)
b = torch.zeros(1)
loss0 = loss_fn(model(t_u, w, b), t_c)
delta = 0.1
rate_w = (loss_fn(model(t_u, w + delta, b), t_c) - loss_fn(model(t_u, w - delta, b), t_c)) / (2.0 * delta)
w = w - 1e-2 * rate_w
rate_b = (loss_fn(model(t_u, w, b + delta), t_c) - loss_fn(model(t_u, w, b - delta), t_c)) / (2.0 * delta)
b = b - 1e-2 * rate_b
loss1 = loss_fn(model(t_u, w, b), t_c)
print("linear: loss0 %r rate_w %r w %r rate_b %r b %r loss1 %r" % (loss0.item(), rate_w.item(), w.item(), rate_b.item(), b.item(), loss1.item()))

# 004: softmax and cross-entropy of [1, 2, 3, 4] with label 3.
s = torch.softmax(torch.tensor([1.0, 2.0, 3.0, 4.0]), 0)
print("softmax {%s}" % fl(s))
print("ce %r" % torch.nn.functional.cross_entropy(torch.tensor([[1.0, 2.0, 3.0, 4.0]]), torch.tensor([3])).item())
