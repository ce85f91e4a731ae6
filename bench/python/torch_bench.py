#!/usr/bin/python3
"""PyTorch side of panagrad's benchmark runner.

Times, with the same shapes and thread count as the JMH benchmarks, what panagrad times: the MLP training
step (zero-grad, forward, loss, backward, Adam step), GEMM shapes, elementwise and softmax forward+backward,
fused cross-entropy, optimizer updates over the MLP's parameters, and the autograd cost of one recorded
small op plus its backward. Prints one JSON document on stdout:

  {"torch": "1.13.0", "threads": 1, "results": [{"name": ..., "median_us": ..., "p10_us": ..., "p25_us": ...,
                                                  "p75_us": ..., "p90_us": ..., "n": ...}]}

Each sample is the mean of a batch of calls lasting >= ~2 ms, so the percentiles spread less than per-call ones.
With --quick: shorter runs and the shape subset the Java runner's --quick uses (GEMM squares up to 512 and the
MLP products at batch 64, elementwise at 1e3 and 1e6 elements).

Usage: torch_bench.py --threads 1 [--quick]
"""
import argparse
import json
import os
import statistics
import sys
import time


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    return ap.parse_args()


ARGS = parse_args()
# Debian's torch calls the system BLAS (OpenBLAS, its own pthread pool), which ignores torch.set_num_threads:
# pin every pool before torch loads, or a "1-thread" run silently uses all cores.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def measure(fn, target_seconds, min_reps=5):
    """Median and quartiles of per-call time in microseconds; calls are batched so each sample lasts >= ~2 ms."""
    for _ in range(3):
        fn()
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    inner = max(1, int(0.002 / one))
    samples = []
    deadline = time.perf_counter() + target_seconds
    while len(samples) < min_reps or time.perf_counter() < deadline:
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner * 1e6)
        if len(samples) >= 2000:
            break
    q = statistics.quantiles(samples, n=4) if len(samples) >= 2 else [samples[0]] * 3
    d = statistics.quantiles(samples, n=10) if len(samples) >= 2 else [samples[0]] * 9
    return {"median_us": statistics.median(samples), "p10_us": d[0], "p25_us": q[0], "p75_us": q[2], "p90_us": d[8],
            "n": len(samples) * inner}


def mlp():
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))


def main():
    args = ARGS
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    secs = 0.5 if args.quick else 2.0
    results = []

    def add(name, fn):
        r = measure(fn, secs)
        r["name"] = name
        results.append(r)
        print(f"  torch {name}: {r['median_us']:.1f} us", file=sys.stderr)

    # Full training step, as in the seed: zero_grad, forward, CrossEntropyLoss, backward, Adam step.
    for batch in (64, 256):
        model = mlp()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        crit = nn.CrossEntropyLoss()
        x = torch.randn(batch, 784)
        y = torch.randint(0, 10, (batch,))

        def step():
            opt.zero_grad()
            loss = crit(model(x), y)
            loss.backward()
            opt.step()

        add(f"train_step_mlp_b{batch}", step)

    # GEMM: square sizes and the MLP's forward and backward products.
    sizes = (128, 256, 512) if args.quick else (128, 256, 512, 1024)
    for n in sizes:
        a, b = torch.randn(n, n), torch.randn(n, n)
        add(f"gemm_{n}x{n}x{n}", lambda a=a, b=b: torch.mm(a, b))
    for batch in ((64,) if args.quick else (64, 256)):
        for (m, k, n, ta, tb, label) in mlp_gemm_shapes(batch):
            a = torch.randn(k, m) if ta else torch.randn(m, k)
            b = torch.randn(n, k) if tb else torch.randn(k, n)
            add(f"gemm_{label}", lambda a=a, b=b, ta=ta, tb=tb: torch.mm(a.t() if ta else a, b.t() if tb else b))

    # Elementwise forward + backward.
    for n in ((1_000, 1_000_000) if args.quick else (1_000, 100_000, 1_000_000)):
        a = torch.randn(n, requires_grad=True)
        b = torch.randn(n, requires_grad=True)
        g = torch.randn(n)
        for op, f in (("add", lambda: a + b), ("mul", lambda: a * b), ("relu", lambda: torch.relu(a)),
                      ("sigmoid", lambda: torch.sigmoid(a))):
            def fwd_bwd(f=f):
                out = f()
                a.grad = None
                b.grad = None
                out.backward(g)
            add(f"elementwise_{op}_{n}", fwd_bwd)

    # Softmax / log-softmax forward + backward.
    for rows, cols in ((256, 10), (4096, 1000)):
        x = torch.randn(rows, cols, requires_grad=True)
        g = torch.randn(rows, cols)
        for op, f in (("softmax", lambda x=x: torch.softmax(x, 1)), ("log_softmax", lambda x=x: torch.log_softmax(x, 1))):
            def fwd_bwd(f=f, x=x, g=g):
                out = f()
                x.grad = None
                out.backward(g)
            add(f"{op}_{rows}x{cols}", fwd_bwd)

    # Fused (mean) cross-entropy forward + backward at the MLP's output shapes.
    for rows, cols in ((64, 10), (256, 10)):
        x = torch.randn(rows, cols, requires_grad=True)
        labels = torch.randint(0, cols, (rows,))

        def ce(x=x, labels=labels):
            loss = F.cross_entropy(x, labels)
            x.grad = None
            loss.backward()
        add(f"cross_entropy_{rows}x{cols}", ce)

    # Optimizer updates over the MLP's 109,386 parameters.
    model = mlp()
    for p in model.parameters():
        p.grad = torch.randn_like(p)
    adam = torch.optim.Adam(model.parameters(), lr=1e-3)
    sgd = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
    add("optim_adam_mlp", adam.step)
    add("optim_sgd_momentum_mlp", sgd.step)

    # Tape overhead as panagrad's TapeBench measures it: one recorded a * b on 4-element leaves plus its backward.
    a4 = torch.randn(4, requires_grad=True)
    b4 = torch.randn(4, requires_grad=True)
    g4 = torch.ones(4)

    def mul_backward():
        a4.grad = None
        b4.grad = None
        (a4 * b4).backward(g4)
    add("autograd_mul_4", mul_backward)

    # Tape overhead: one recorded small op and its share of backward (a chain of 100 ops, one backward).
    x = torch.randn(4, requires_grad=True)

    def chain():
        y = x
        for _ in range(100):
            y = y * 1.0001
        y.sum().backward()
        x.grad = None
    r = measure(chain, secs)
    for key in ("median_us", "p10_us", "p25_us", "p75_us", "p90_us"):
        r[key] /= 100
    r["name"] = "autograd_small_op"
    results.append(r)
    print(f"  torch autograd_small_op: {r['median_us']:.2f} us", file=sys.stderr)

    json.dump({"torch": torch.__version__, "threads": args.threads, "results": results}, sys.stdout, indent=1)


def mlp_gemm_shapes(batch):
    """(m, k, n, transA, transB, label) of the 784-128-64-10 MLP's forward and backward GEMMs."""
    shapes = []
    for i, (fin, fout) in enumerate(((784, 128), (128, 64), (64, 10))):
        shapes.append((batch, fin, fout, False, True, f"mlp{i + 1}_fwd_b{batch}"))       # y = x W^T
        shapes.append((batch, fout, fin, False, False, f"mlp{i + 1}_dx_b{batch}"))      # dx = dy W
        shapes.append((fout, batch, fin, True, False, f"mlp{i + 1}_dw_b{batch}"))       # dW = dy^T x
    return shapes


if __name__ == "__main__":
    main()
