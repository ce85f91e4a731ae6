#!/usr/bin/python3
"""Reference numbers for org.panagrad.optim, from PyTorch 1.13 (run: /usr/bin/python3 optim_reference.py).

Two float32 parameters, a = [[1.0, -2.0], [0.5, 3.0]] and b = [0.25, -0.75, 1.5], receive a fixed sequence of
three gradients (literals below); after each optimizer step the script prints both parameters flattened
(a then b) as Java float literals, ready to paste into OptimizerReferenceTest.java. In case "adam_skip" b has
no gradient (grad None) at the first step, so torch skips it and its own step counter lags by one.
Then it prints the optimizer STATE after each step (TORCH_STATE in the test): one entry per case, step and
buffer (exp_avg, exp_avg_sq, max_exp_avg_sq, momentum_buffer, square_avg, grad_avg; not the step counters),
holding the buffer of a then that of b, flattened (b's part is missing while b has no state, as in adam_skip's
first step).
It also prints the learning rates StepLR and CosineAnnealingLR set over a few epochs.
"""
import math

import torch

A0 = [[1.0, -2.0], [0.5, 3.0]]
B0 = [0.25, -0.75, 1.5]
GRADS_A = [
    [[0.1, -0.2], [0.3, 0.0]],
    [[-0.5, 0.25], [0.05, -1.0]],
    [[0.2, 0.4], [-0.3, 0.6]],
]
GRADS_B = [
    [1.0, -0.5, 0.0],
    [0.3, 0.3, -0.2],
    [-0.7, 0.1, 0.9],
]

CASES = [
    ("sgd_plain", lambda p: torch.optim.SGD(p, lr=0.1)),
    ("sgd_momentum_dampening", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1)),
    ("sgd_nesterov", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
    ("sgd_weight_decay", lambda p: torch.optim.SGD(p, lr=0.1, weight_decay=0.01)),
    ("adam_default", lambda p: torch.optim.Adam(p)),
    ("adam_lr", lambda p: torch.optim.Adam(p, lr=0.1, betas=(0.8, 0.9), eps=1e-6)),
    ("adam_weight_decay", lambda p: torch.optim.Adam(p, lr=0.1, weight_decay=0.1)),
    ("adam_amsgrad", lambda p: torch.optim.Adam(p, lr=0.1, betas=(0.9, 0.5), amsgrad=True)),  # v shrinks: max matters
    ("adam_skip", lambda p: torch.optim.Adam(p, lr=0.1)),
    ("adamw", lambda p: torch.optim.AdamW(p, lr=0.1)),
    ("adamw_amsgrad", lambda p: torch.optim.AdamW(p, lr=0.1, betas=(0.9, 0.5), weight_decay=0.5, amsgrad=True)),
    ("rmsprop_plain", lambda p: torch.optim.RMSprop(p, lr=0.01)),
    ("rmsprop_centered_momentum_wd",
     lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.1, momentum=0.5, centered=True)),
]


def jfloat(x):
    # repr of the float32 value widened to double: enough digits to pin the float exactly
    return repr(float(x)) + "f"


def run(name, make):
    a = torch.tensor(A0, dtype=torch.float32, requires_grad=True)
    b = torch.tensor(B0, dtype=torch.float32, requires_grad=True)
    opt = make([a, b])
    rows, states = [], []
    for k in range(3):
        a.grad = torch.tensor(GRADS_A[k], dtype=torch.float32)
        b.grad = None if (name == "adam_skip" and k == 0) else torch.tensor(GRADS_B[k], dtype=torch.float32)
        opt.step()
        vals = a.detach().flatten().tolist() + b.detach().flatten().tolist()
        rows.append("{" + ", ".join(jfloat(torch.tensor(v, dtype=torch.float32).item()) for v in vals) + "}")
        for key in opt.state[a]:
            if key == "step" or opt.state[a][key] is None:  # plain SGD keeps momentum_buffer None
                continue
            vals = opt.state[a][key].flatten().tolist()
            if key in opt.state[b]:
                vals += opt.state[b][key].flatten().tolist()
            states.append('        "%s", %d, "%s", new float[] {%s},'
                          % (name, k + 1, key, ", ".join(jfloat(v) for v in vals)))
    print('        "%s", new float[][] {\n            %s},' % (name, ",\n            ".join(rows)))
    return states


def schedules():
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    lrs = []
    for _ in range(7):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr()[0])
    print("STEP_LR (SGD lr 0.1, stepSize 2, gamma 0.5), after each of 7 epochs:")
    print("    {" + ", ".join(repr(x) for x in lrs) + "}")

    opt = torch.optim.SGD([p], lr=0.1)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=5, eta_min=0.001)
    lrs = []
    for epoch in range(1, 13):
        opt.step()
        sched.step()
        lr = sched.get_last_lr()[0]
        closed = 0.001 + (0.1 - 0.001) * (1 + math.cos(math.pi * epoch / 5)) / 2
        assert abs(lr - closed) < 1e-12, (epoch, lr, closed)  # the recursive form equals the closed form
        lrs.append(lr)
    print("COSINE (SGD lr 0.1, tMax 5, etaMin 0.001), after each of 12 epochs:")
    print("    {" + ", ".join(repr(x) for x in lrs) + "}")


if __name__ == "__main__":
    print("torch", torch.__version__)
    states = []
    for name, make in CASES:
        states += run(name, make)
    print("TORCH_STATE (case, step, buffer, a then b flattened):")
    print("\n".join(states))
    schedules()
