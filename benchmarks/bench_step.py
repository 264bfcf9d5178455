"""Time one training step (forward, backward, SGD update) in one process, float64, CPU.

Three implementations of the same math for each network:

- gradlab: ``zero_grad``, ``forward``, ``loss.derivative``, ``backward``, ``SGD.step``;
- the NumPy floor: the same matrix formulas written out by hand, no objects, no checks;
- PyTorch eager: ``zero_grad``, ``model(X)``, ``mse_loss``, ``backward``, ``SGD.step``.

Run with ``nox -s bench`` (or ``python benchmarks/bench_step.py`` with torch installed).
Prints the median time per step over repeated runs and the ratios gradlab/NumPy and
gradlab/PyTorch, with the project's targets.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import time
from collections.abc import Callable

import numpy as np

import gradlab
from gradlab import losses, mlp, optim

NETWORKS = {
    # name: (layer sizes, batch size, targets: max gradlab/numpy, max gradlab/torch)
    "2-32-32-1": ([2, 32, 32, 1], 32, 1.5, 0.35),
    "10x64 hidden": ([64] + [64] * 10 + [1], 64, 1.5, None),
    "784-512-512-10": ([784, 512, 512, 10], 256, None, 1.15),
}
LR = 1e-3


def gradlab_step(sizes: list[int], batch: int, rng: np.random.Generator) -> Callable[[], None]:
    net = mlp(sizes, activation="relu", init="he_uniform", rng=0)
    sgd = optim.SGD(net.parameters(), lr=LR)
    X, y = rng.normal(size=(batch, sizes[0])), rng.normal(size=(batch, sizes[-1]))

    def step() -> None:
        sgd.zero_grad()
        out = net.forward(X)
        net.backward(losses.mse.derivative(out, y), input_grad=False)
        sgd.step()

    return step


def numpy_step(sizes: list[int], batch: int, rng: np.random.Generator) -> Callable[[], None]:
    """The floor: the explicit formulas, preallocated nothing, no validation."""
    net = mlp(sizes, activation="relu", init="he_uniform", rng=0)
    Ws = [layer.W.value.copy() for layer in net if isinstance(layer, gradlab.Dense)]
    bs = [layer.b.value.copy() for layer in net if isinstance(layer, gradlab.Dense)]
    X, y = rng.normal(size=(batch, sizes[0])), rng.normal(size=(batch, sizes[-1]))
    last = len(Ws) - 1

    def step() -> None:
        hs, zs = [X], []
        for i, (W, b) in enumerate(zip(Ws, bs, strict=True)):
            z = hs[-1] @ W + b
            zs.append(z)
            hs.append(np.maximum(z, 0.0) if i < last else z)
        delta = 2.0 * (hs[-1] - y) / y.size
        for i in range(last, -1, -1):
            gW, gb = hs[i].T @ delta, delta.sum(axis=0)
            if i > 0:
                delta = (delta @ Ws[i].T) * (zs[i - 1] > 0)
            Ws[i] -= LR * gW
            bs[i] -= LR * gb

    return step


def torch_step(sizes: list[int], batch: int, rng: np.random.Generator) -> Callable[[], None]:
    import torch

    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    modules: list[torch.nn.Module] = []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        modules.append(torch.nn.Linear(a, b, dtype=torch.float64))
        if i < len(sizes) - 2:
            modules.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*modules)
    sgd = torch.optim.SGD(model.parameters(), lr=LR)
    X = torch.tensor(rng.normal(size=(batch, sizes[0])))
    y = torch.tensor(rng.normal(size=(batch, sizes[-1])))

    def step() -> None:
        sgd.zero_grad()
        loss = torch.nn.functional.mse_loss(model(X), y)
        loss.backward()
        sgd.step()

    return step


def median_time(step: Callable[[], None], min_time: float, repeats: int) -> float:
    """Median over ``repeats`` runs of the mean time per step, each run lasting >= min_time."""
    step()  # warm up caches and lazy initialization
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        if time.perf_counter() - t0 >= min_time / 4:
            break
        n *= 2
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        runs.append((time.perf_counter() - t0) / n)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-time", type=float, default=0.4, help="seconds per timed run")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        torch = None  # type: ignore[assignment]
    print(
        f"gradlab {gradlab.__version__}, NumPy {np.__version__}, "
        f"PyTorch {torch.__version__ if torch else 'not installed'}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}"
    )
    header = f"{'network':<16}{'batch':>6}{'gradlab':>12}{'NumPy':>12}{'PyTorch':>12}"
    print(header + f"{'gl/NumPy':>10}{'gl/torch':>10}  targets")
    missed = []
    for name, (sizes, batch, max_numpy, max_torch) in NETWORKS.items():
        times = {}
        for label, make in (
            ("gradlab", gradlab_step),
            ("numpy", numpy_step),
            ("torch", torch_step),
        ):
            if label == "torch" and torch is None:
                continue
            step = make(sizes, batch, np.random.default_rng(0))
            times[label] = median_time(step, args.min_time, args.repeats)
        r_np = times["gradlab"] / times["numpy"]
        r_t = times["gradlab"] / times["torch"] if "torch" in times else float("nan")
        targets = []
        if max_numpy is not None:
            targets.append(f"gl/NumPy <= {max_numpy}" + ("" if r_np <= max_numpy else " MISSED"))
            if r_np > max_numpy:
                missed.append(f"{name}: gradlab/NumPy {r_np:.2f} > {max_numpy}")
        if max_torch is not None and "torch" in times:
            targets.append(f"gl/torch <= {max_torch}" + ("" if r_t <= max_torch else " MISSED"))
            if r_t > max_torch:
                missed.append(f"{name}: gradlab/PyTorch {r_t:.2f} > {max_torch}")
        us = {k: f"{v * 1e6:10.1f}us" for k, v in times.items()}
        print(
            f"{name:<16}{batch:>6}{us['gradlab']:>12}{us['numpy']:>12}"
            f"{us.get('torch', 'n/a'):>12}"
            f"{r_np:>10.2f}{r_t:>10.2f}  {'; '.join(targets)}"
        )
    if missed:
        print("targets missed: " + "; ".join(missed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
