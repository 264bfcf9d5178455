"""gradlab.optim against torch.optim 2.13 in float64, step by step."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
import torch

from gradlab import Parameter
from gradlab.optim import (
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    AdamW,
    ExponentialLR,
    NAdam,
    RMSprop,
    StepLR,
    clip_grad_norm,
    clip_grad_value,
)

STEPS = 120
RTOL = 1e-9


@pytest.fixture(autouse=True)
def torch_float64() -> Iterator[None]:
    # torch keeps optimizer scalars (NAdam's mu_product, the step counters) in the default
    # dtype; under float32 NAdam's mu_product alone is off by ~1e-8 relative.
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


_rng = np.random.default_rng(20240611)
X = _rng.normal(size=(16, 3))
Y = _rng.normal(size=(16, 4))
INITIAL = [
    _rng.normal(size=(3, 4)) * 0.5,  # W
    _rng.normal(size=4) * 0.5,  # b
    np.array([-1.2, 1.0]),  # Rosenbrock pair
    np.array(0.3),  # a 0-d scalar
]


def loss(W: torch.Tensor, b: torch.Tensor, c: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    """Log-cosh of a linear map plus a (softened) Rosenbrock valley: not quadratic."""
    z = torch.as_tensor(X) @ W + b + s * torch.tanh(c[0])
    fit = torch.log(torch.cosh(z - torch.as_tensor(Y))).mean()
    valley = (1 - c[0]) ** 2 + 5 * (c[1] - c[0] ** 2) ** 2
    return fit + 0.1 * valley + 0.05 * torch.log1p(s**2)


def gradients(values: list[np.ndarray]) -> list[np.ndarray]:
    """d loss / d values, by torch autograd at gradlab's current values."""
    ts = [torch.tensor(v, requires_grad=True) for v in values]
    loss(*ts).backward()
    return [t.grad.numpy() for t in ts]  # type: ignore[union-attr]


def rel_err(ours: np.ndarray, theirs: np.ndarray) -> float:
    scale = max(float(np.abs(theirs).max()), 1e-300)
    return float(np.abs(ours - theirs).max()) / scale


CONFIGS: list[tuple[str, type, Callable[..., Any], dict[str, Any]]] = [
    ("sgd", SGD, torch.optim.SGD, {"lr": 0.05}),
    ("sgd-momentum", SGD, torch.optim.SGD, {"lr": 0.01, "momentum": 0.9}),
    ("sgd-dampening", SGD, torch.optim.SGD, {"lr": 0.01, "momentum": 0.9, "dampening": 0.4}),
    ("sgd-nesterov", SGD, torch.optim.SGD, {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    ("sgd-weight_decay", SGD, torch.optim.SGD, {"lr": 0.05, "weight_decay": 0.1}),
    (
        "sgd-nesterov-weight_decay",
        SGD,
        torch.optim.SGD,
        {"lr": 0.01, "momentum": 0.8, "weight_decay": 0.1, "nesterov": True},
    ),
    ("adagrad", Adagrad, torch.optim.Adagrad, {"lr": 0.1}),
    ("adagrad-lr_decay", Adagrad, torch.optim.Adagrad, {"lr": 0.1, "lr_decay": 0.01}),
    (
        "adagrad-initial_accumulator_value",
        Adagrad,
        torch.optim.Adagrad,
        {"lr": 0.1, "initial_accumulator_value": 0.3, "eps": 1e-6},
    ),
    ("adagrad-weight_decay", Adagrad, torch.optim.Adagrad, {"lr": 0.1, "weight_decay": 0.1}),
    # RMSprop's learning rates are kept small enough for the trajectory to be well
    # conditioned: at lr=0.01 (or with alpha=0.9 and centered=True) torch disagrees with
    # itself by ~1e-8 after 120 steps when the start is perturbed by one ulp.
    ("rmsprop", RMSprop, torch.optim.RMSprop, {"lr": 0.005}),
    (
        "rmsprop-momentum",
        RMSprop,
        torch.optim.RMSprop,
        {"lr": 0.003, "alpha": 0.95, "momentum": 0.9},
    ),
    ("rmsprop-centered", RMSprop, torch.optim.RMSprop, {"lr": 0.005, "centered": True}),
    (
        "rmsprop-centered-momentum",
        RMSprop,
        torch.optim.RMSprop,
        {"lr": 0.002, "centered": True, "momentum": 0.8, "eps": 1e-6},
    ),
    ("rmsprop-weight_decay", RMSprop, torch.optim.RMSprop, {"lr": 0.005, "weight_decay": 0.1}),
    ("adadelta", Adadelta, torch.optim.Adadelta, {}),
    (
        "adadelta-lr-rho-eps",
        Adadelta,
        torch.optim.Adadelta,
        {"lr": 0.5, "rho": 0.8, "eps": 1e-4},
    ),
    ("adadelta-weight_decay", Adadelta, torch.optim.Adadelta, {"weight_decay": 0.1}),
    ("adam", Adam, torch.optim.Adam, {"lr": 0.01}),
    ("adam-amsgrad", Adam, torch.optim.Adam, {"lr": 0.01, "amsgrad": True}),
    ("adam-weight_decay", Adam, torch.optim.Adam, {"lr": 0.01, "weight_decay": 0.1}),
    (
        "adam-betas-eps",
        Adam,
        torch.optim.Adam,
        {"lr": 0.01, "betas": (0.8, 0.95), "eps": 1e-3},
    ),
    ("adamw", AdamW, torch.optim.AdamW, {"lr": 0.01}),
    ("adamw-amsgrad", AdamW, torch.optim.AdamW, {"lr": 0.01, "amsgrad": True}),
    ("adamw-weight_decay", AdamW, torch.optim.AdamW, {"lr": 0.01, "weight_decay": 0.3}),
    ("nadam", NAdam, torch.optim.NAdam, {"lr": 0.01}),
    ("nadam-weight_decay", NAdam, torch.optim.NAdam, {"lr": 0.01, "weight_decay": 0.1}),
    (
        "nadam-decoupled_weight_decay",
        NAdam,
        torch.optim.NAdam,
        {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True},
    ),
    (
        "nadam-momentum_decay",
        NAdam,
        torch.optim.NAdam,
        {"lr": 0.01, "betas": (0.8, 0.99), "momentum_decay": 0.05},
    ),
]


def run_side_by_side(ours_opt, torch_opt, ours, theirs, steps, after_step=None, dropped=()):
    """Step both; at odd steps the arrays at the indices ``dropped`` get ``grad = None``."""
    for t in range(steps):
        torch_opt.zero_grad()
        loss(*theirs).backward()
        for p, g in zip(ours, gradients([p.value for p in ours]), strict=True):
            p.grad = g
        if t % 2:
            for i in dropped:
                theirs[i].grad = None
                ours[i].grad = None
        torch_opt.step()
        ours_opt.step()
        if after_step is not None:
            after_step(t)
        for i, (p, q) in enumerate(zip(ours, theirs, strict=True)):
            q_np = q.detach().numpy()
            assert np.all(np.isfinite(p.value)), f"step {t + 1}, array {i} is not finite"
            err = rel_err(p.value, q_np)
            assert err <= RTOL, f"step {t + 1}, array {i}: relative error {err:.2e}"


def fresh() -> tuple[list[Parameter], list[torch.Tensor]]:
    ours = [Parameter(v) for v in INITIAL]
    theirs = [torch.tensor(v, requires_grad=True) for v in INITIAL]
    return ours, theirs


@pytest.mark.parametrize(
    ("ours_cls", "torch_cls", "kwargs"), [c[1:] for c in CONFIGS], ids=[c[0] for c in CONFIGS]
)
def test_optimizer_matches_torch_every_step(ours_cls, torch_cls, kwargs):
    ours, theirs = fresh()
    run_side_by_side(
        ours_cls(ours, **kwargs),
        torch_cls(theirs, **kwargs, foreach=False),
        ours,
        theirs,
        STEPS,
    )
    # the run actually went somewhere
    assert max(rel_err(p.value, v) for p, v in zip(ours, INITIAL, strict=True)) > 1e-3


@pytest.mark.parametrize(
    ("ours_cls", "torch_cls", "kwargs"), [c[1:] for c in CONFIGS], ids=[c[0] for c in CONFIGS]
)
def test_a_parameter_whose_grad_is_none_is_skipped_as_in_torch(ours_cls, torch_cls, kwargs):
    ours, theirs = fresh()
    kwargs = {**kwargs, "weight_decay": 0.1}  # the decay skips it too
    ours_opt, torch_opt = ours_cls(ours, **kwargs), torch_cls(theirs, **kwargs, foreach=False)
    run_side_by_side(ours_opt, torch_opt, ours, theirs, 40, dropped=(1, 3))
    step = getattr(ours_opt.state[ours[1]], "step", None)
    if step is not None:  # the per-parameter step counter counts only the steps taken
        assert step == int(torch_opt.state[theirs[1]]["step"]) == 20


def test_the_loss_is_not_quadratic():
    # for a quadratic loss the gradient is affine: g(2w) - g(0) = 2 (g(w) - g(0))
    g0 = gradients([np.zeros_like(v) for v in INITIAL])
    g1 = gradients(INITIAL)
    g2 = gradients([2 * v for v in INITIAL])
    errs = [rel_err(b - z, 2 * (a - z)) for z, a, b in zip(g0, g1, g2, strict=True)]
    assert min(errs) > 1e-2


@pytest.mark.parametrize(
    ("make_ours", "make_theirs"),
    [
        (
            lambda opt: StepLR(opt, step_size=4, gamma=0.5),
            lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=4, gamma=0.5),
        ),
        (
            lambda opt: StepLR(opt, step_size=7, gamma=0.3),
            lambda opt: torch.optim.lr_scheduler.StepLR(opt, step_size=7, gamma=0.3),
        ),
        (
            lambda opt: ExponentialLR(opt, gamma=0.9),
            lambda opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9),
        ),
    ],
    ids=["step-4-0.5", "step-7-0.3", "exponential-0.9"],
)
@pytest.mark.parametrize(
    ("ours_cls", "torch_cls", "kwargs"),
    [
        (SGD, torch.optim.SGD, {"lr": 0.05, "momentum": 0.9}),
        (Adam, torch.optim.Adam, {"lr": 0.05}),
    ],
    ids=["sgd-momentum", "adam"],
)
def test_schedules_match_torch(make_ours, make_theirs, ours_cls, torch_cls, kwargs):
    ours, theirs = fresh()
    ours_opt = ours_cls(ours, **kwargs)
    torch_opt = torch_cls(theirs, **kwargs, foreach=False)
    ours_sched, torch_sched = make_ours(ours_opt), make_theirs(torch_opt)
    assert ours_sched.get_last_lr() == torch_sched.get_last_lr()
    lrs = []

    def schedule(t: int) -> None:
        torch_sched.step()
        ours_sched.step()
        assert ours_sched.last_epoch == torch_sched.last_epoch == t + 1
        assert ours_sched.get_last_lr() == pytest.approx(torch_sched.get_last_lr(), rel=1e-14)
        assert ours_opt.lr == pytest.approx(torch_opt.param_groups[0]["lr"], rel=1e-14)
        lrs.append(ours_opt.lr)

    run_side_by_side(ours_opt, torch_opt, ours, theirs, 30, after_step=schedule)
    assert len(set(lrs)) > 3


@pytest.mark.parametrize(
    ("ours_cls", "torch_cls", "kwargs"),
    [
        (SGD, torch.optim.SGD, {"lr": 0.05, "momentum": 0.9}),
        (Adam, torch.optim.Adam, {"lr": 0.05}),
        (AdamW, torch.optim.AdamW, {"lr": 0.05, "weight_decay": 0.5}),
    ],
    ids=["sgd-momentum", "adam", "adamw"],
)
def test_a_schedule_that_underflows_goes_on_with_lr_zero_as_in_torch(ours_cls, torch_cls, kwargs):
    ours, theirs = fresh()
    ours_opt = ours_cls(ours, **kwargs)
    torch_opt = torch_cls(theirs, **kwargs, foreach=False)
    ours_sched = ExponentialLR(ours_opt, gamma=0.1)
    torch_sched = torch.optim.lr_scheduler.ExponentialLR(torch_opt, gamma=0.1)
    lrs = []

    def schedule(t: int) -> None:
        torch_sched.step()
        ours_sched.step()
        assert ours_opt.lr == torch_opt.param_groups[0]["lr"]  # bit for bit, subnormals too
        assert ours_sched.get_last_lr() == torch_sched.get_last_lr()
        lrs.append(ours_opt.lr)

    run_side_by_side(ours_opt, torch_opt, ours, theirs, 340, after_step=schedule)
    assert lrs.index(0.0) == 322
    assert lrs[-1] == 0.0


GRADS = [
    np.array([[3.0, -4.0, 0.5], [1.0, 2.0, -7.0]]),
    np.array([0.25, -12.0]),
    np.array(2.5),
]


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf, 3.0])
@pytest.mark.parametrize("max_norm", [0.5, 5.0, 1e3])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    rng = np.random.default_rng(7)
    grads = [g * rng.uniform(0.5, 2.0) for g in GRADS]
    ours = [Parameter(np.zeros_like(g)) for g in grads]
    theirs = [torch.zeros(g.shape, requires_grad=True) for g in grads]
    for p, q, g in zip(ours, theirs, grads, strict=True):
        p.grad[...] = g
        q.grad = torch.tensor(g)
    total = clip_grad_norm(ours, max_norm, norm_type)
    total_torch = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type, foreach=False)
    assert total == pytest.approx(float(total_torch), rel=1e-13)
    for p, q in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(p.grad, q.grad.numpy(), rtol=1e-13, atol=0)


@pytest.mark.parametrize("clip_value", [0.3, 2.0, 100.0])
def test_clip_grad_value_matches_torch(clip_value):
    ours = [Parameter(np.zeros_like(g)) for g in GRADS]
    theirs = [torch.zeros(g.shape, requires_grad=True) for g in GRADS]
    for p, q, g in zip(ours, theirs, GRADS, strict=True):
        p.grad[...] = g
        q.grad = torch.tensor(g)
    clip_grad_value(ours, clip_value)
    torch.nn.utils.clip_grad_value_(theirs, clip_value, foreach=False)
    for p, q in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(p.grad, q.grad.numpy())
