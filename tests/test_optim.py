"""Tests for gradlab.optim without PyTorch: every update recomputed inline from explicit state."""

from __future__ import annotations

import copy
import inspect
import math
import pickle
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gradlab import Parameter
from gradlab.optim import (
    SGD,
    Adadelta,
    AdadeltaState,
    Adagrad,
    AdagradState,
    Adam,
    AdamState,
    AdamW,
    ExponentialLR,
    MomentumState,
    NAdam,
    Optimizer,
    RMSprop,
    RMSpropState,
    StepLR,
    adadelta_rule,
    adagrad_rule,
    adam_rule,
    clip_grad_norm,
    clip_grad_value,
    momentum_rule,
    rmsprop_rule,
)

OPTIMIZERS = [SGD, Adagrad, RMSprop, Adadelta, Adam, AdamW, NAdam]
SHAPES = [(3, 2), (4,), ()]

# ----------------------------------------------------------------------------------------
# Reference updates, written straight from the formulas with explicit state dicts.
# Each takes (w, g, state, t) plus the optimizer's keyword arguments and returns the new w.
# ----------------------------------------------------------------------------------------


def ref_sgd(w, g, s, t, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False):
    g = g + weight_decay * w
    if momentum:
        s["b"] = g.copy() if t == 1 else momentum * s["b"] + (1 - dampening) * g
        g = g + momentum * s["b"] if nesterov else s["b"]
    return w - lr * g


def ref_adagrad(
    w, g, s, t, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10
):
    g = g + weight_decay * w
    s["G"] = s.get("G", initial_accumulator_value) + g**2
    return w - lr / (1 + (t - 1) * lr_decay) * g / (np.sqrt(s["G"]) + eps)


def ref_rmsprop(
    w, g, s, t, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False
):
    g = g + weight_decay * w
    s["v"] = alpha * s.get("v", 0.0) + (1 - alpha) * g**2
    if centered:
        s["gbar"] = alpha * s.get("gbar", 0.0) + (1 - alpha) * g
        denom = np.sqrt(s["v"] - s["gbar"] ** 2) + eps
    else:
        denom = np.sqrt(s["v"]) + eps
    if momentum:
        s["b"] = momentum * s.get("b", 0.0) + g / denom
        return w - lr * s["b"]
    return w - lr * g / denom


def ref_adadelta(w, g, s, t, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0):
    g = g + weight_decay * w
    s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g**2
    delta = np.sqrt(s.get("u", 0.0) + eps) / np.sqrt(s["v"] + eps) * g
    s["u"] = rho * s.get("u", 0.0) + (1 - rho) * delta**2
    return w - lr * delta


def ref_adam(
    w,
    g,
    s,
    t,
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    amsgrad=False,
    decoupled_weight_decay=False,
):
    b1, b2 = betas
    if decoupled_weight_decay:
        w = w * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * w
    s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g**2
    if amsgrad:
        s["vmax"] = np.maximum(s.get("vmax", 0.0), s["v"])
    v_hat = (s["vmax"] if amsgrad else s["v"]) / (1 - b2**t)
    return w - lr * (s["m"] / (1 - b1**t)) / (np.sqrt(v_hat) + eps)


def ref_adamw(w, g, s, t, weight_decay=1e-2, **kw):
    return ref_adam(w, g, s, t, weight_decay=weight_decay, decoupled_weight_decay=True, **kw)


def ref_nadam(
    w,
    g,
    s,
    t,
    lr=2e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.0,
    momentum_decay=4e-3,
    decoupled_weight_decay=False,
):
    b1, b2 = betas
    if decoupled_weight_decay:
        w = w * (1 - lr * weight_decay)
    else:
        g = g + weight_decay * w
    mu = b1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
    mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
    s["prod"] = s.get("prod", 1.0) * mu
    s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
    s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g**2
    denom = np.sqrt(s["v"] / (1 - b2**t)) + eps
    return (
        w
        - lr * (1 - mu) / (1 - s["prod"]) * g / denom
        - lr * mu_next / (1 - s["prod"] * mu_next) * s["m"] / denom
    )


# One table: every optimizer configuration, its reference and its keyword arguments.
CASES: list[tuple[str, type, Callable[..., Any], dict[str, Any]]] = [
    ("sgd", SGD, ref_sgd, {"lr": 0.1}),
    ("sgd-momentum", SGD, ref_sgd, {"lr": 0.05, "momentum": 0.9}),
    ("sgd-dampening", SGD, ref_sgd, {"lr": 0.05, "momentum": 0.9, "dampening": 0.3}),
    ("sgd-nesterov", SGD, ref_sgd, {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("sgd-wd", SGD, ref_sgd, {"lr": 0.1, "weight_decay": 0.2}),
    (
        "sgd-all",
        SGD,
        ref_sgd,
        {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.1, "nesterov": True},
    ),
    ("adagrad", Adagrad, ref_adagrad, {"lr": 0.1}),
    ("adagrad-lr_decay", Adagrad, ref_adagrad, {"lr": 0.1, "lr_decay": 0.05}),
    (
        "adagrad-init-eps",
        Adagrad,
        ref_adagrad,
        {"lr": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-3},
    ),
    ("adagrad-wd", Adagrad, ref_adagrad, {"lr": 0.1, "weight_decay": 0.2}),
    ("rmsprop", RMSprop, ref_rmsprop, {"lr": 0.01}),
    ("rmsprop-momentum", RMSprop, ref_rmsprop, {"lr": 0.01, "alpha": 0.9, "momentum": 0.8}),
    ("rmsprop-centered", RMSprop, ref_rmsprop, {"lr": 0.01, "centered": True}),
    (
        "rmsprop-centered-momentum",
        RMSprop,
        ref_rmsprop,
        {"lr": 0.01, "centered": True, "momentum": 0.5, "eps": 1e-3},
    ),
    ("rmsprop-wd", RMSprop, ref_rmsprop, {"lr": 0.01, "weight_decay": 0.2}),
    ("adadelta", Adadelta, ref_adadelta, {}),
    ("adadelta-lr-rho-eps", Adadelta, ref_adadelta, {"lr": 0.5, "rho": 0.8, "eps": 1e-4}),
    ("adadelta-wd", Adadelta, ref_adadelta, {"weight_decay": 0.2}),
    ("adam", Adam, ref_adam, {"lr": 0.05}),
    ("adam-amsgrad", Adam, ref_adam, {"lr": 0.05, "amsgrad": True, "betas": (0.8, 0.9)}),
    ("adam-wd", Adam, ref_adam, {"lr": 0.05, "weight_decay": 0.2}),
    (
        "adam-decoupled",
        Adam,
        ref_adam,
        {"lr": 0.05, "weight_decay": 0.2, "decoupled_weight_decay": True},
    ),
    ("adamw", AdamW, ref_adamw, {"lr": 0.05}),
    ("adamw-amsgrad", AdamW, ref_adamw, {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
    ("nadam", NAdam, ref_nadam, {"lr": 0.05}),
    ("nadam-wd", NAdam, ref_nadam, {"lr": 0.05, "weight_decay": 0.2, "eps": 1e-3}),
    (
        "nadam-decoupled",
        NAdam,
        ref_nadam,
        {"lr": 0.05, "weight_decay": 0.2, "decoupled_weight_decay": True, "momentum_decay": 0.1},
    ),
]


def grad_fn(w: np.ndarray, t: int) -> np.ndarray:
    """A non-quadratic, time-varying gradient (log-cosh pull plus a shrinking wobble)."""
    return np.tanh(3.0 * w - 1.0) + np.sin(t + w) / t


def make_params(seed: int = 0) -> list[Parameter]:
    rng = np.random.default_rng(seed)
    return [Parameter(rng.normal(size=shape)) for shape in SHAPES]


@pytest.mark.parametrize(
    ("cls", "ref", "kwargs"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_update_matches_formula(cls, ref, kwargs):
    params = make_params()
    opt = cls(params, **kwargs)
    ws = [p.value.copy() for p in params]
    states: list[dict[str, Any]] = [{} for _ in params]
    for t in range(1, 8):
        for p in params:
            p.grad[...] = grad_fn(p.value, t)
        opt.step()
        ws = [ref(w, grad_fn(w, t), s, t, **kwargs) for w, s in zip(ws, states, strict=True)]
        for p, w in zip(params, ws, strict=True):
            np.testing.assert_allclose(p.value, w, rtol=1e-12, atol=1e-14)


def test_every_optimizer_is_in_the_table():
    assert {c[1] for c in CASES} == set(OPTIMIZERS)


@pytest.mark.parametrize("cls", OPTIMIZERS)
def test_updates_in_place(cls):
    params = make_params()
    arrays_before = [p.value for p in params]
    values_before = [p.value.copy() for p in params]
    opt = cls(params, lr=0.1)
    for p in params:
        p.grad[...] = 1.0
    opt.step()
    for p, a, v in zip(params, arrays_before, values_before, strict=True):
        assert p.value is a
        assert np.all(p.value < v)


# ----------------------------------------------------------------------------------------
# The PyTorch-shaped surface: signatures, lr, zero_grad, state
# ----------------------------------------------------------------------------------------

SIGNATURES = {
    SGD: {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False},
    Adagrad: {
        "lr": 1e-2,
        "lr_decay": 0.0,
        "weight_decay": 0.0,
        "initial_accumulator_value": 0.0,
        "eps": 1e-10,
    },
    RMSprop: {
        "lr": 1e-2,
        "alpha": 0.99,
        "eps": 1e-8,
        "weight_decay": 0.0,
        "momentum": 0.0,
        "centered": False,
    },
    Adadelta: {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0},
    Adam: {
        "lr": 1e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "amsgrad": False,
        "decoupled_weight_decay": False,
    },
    AdamW: {
        "lr": 1e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 1e-2,
        "amsgrad": False,
    },
    NAdam: {
        "lr": 2e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0.0,
        "momentum_decay": 4e-3,
        "decoupled_weight_decay": False,
    },
}


@pytest.mark.parametrize("cls", OPTIMIZERS)
def test_signature_names_and_defaults_are_pytorchs(cls):
    sig = inspect.signature(cls)
    assert next(iter(sig.parameters)) == "params"
    defaults = {n: p.default for n, p in sig.parameters.items() if n != "params"}
    assert defaults == SIGNATURES[cls]
    assert cls([Parameter([1.0])]).lr == SIGNATURES[cls]["lr"]


@pytest.mark.parametrize("cls", OPTIMIZERS)
def test_unknown_keyword_is_a_type_error(cls):
    with pytest.raises(TypeError, match="unexpected keyword argument 'foreach'"):
        cls([Parameter([1.0])], foreach=False)


@pytest.mark.parametrize("cls", OPTIMIZERS)
def test_lr_is_readable_settable_and_used_by_the_next_step(cls):
    p, q = Parameter([1.0, -1.0]), Parameter([1.0, -1.0])
    a, b = cls([p], lr=0.1), cls([q], lr=0.2)
    a.lr = 0.2
    assert a.lr == 0.2
    for param in (p, q):
        param.grad[:] = [0.5, 0.25]
    a.step()
    b.step()
    np.testing.assert_array_equal(p.value, q.value)
    assert a.hyperparameters["lr"] == 0.2


@pytest.mark.parametrize("bad", [0, 0.0, -1e-3, math.nan, math.inf])
def test_lr_setter_rejects_nonpositive(bad):
    opt = SGD([Parameter([1.0])], lr=0.1)
    with pytest.raises(ValueError, match="lr must be"):
        opt.lr = bad
    assert opt.lr == 0.1


@given(st.floats(max_value=0.0) | st.floats(allow_nan=True).filter(math.isnan))
def test_lr_setter_rejects_any_nonpositive_float(bad):
    opt = Adam([Parameter([1.0])])
    with pytest.raises(ValueError, match="lr must be"):
        opt.lr = bad


def test_lr_setter_rejects_non_numbers():
    opt = SGD([Parameter([1.0])])
    with pytest.raises(TypeError, match="lr must be a real number, got str"):
        opt.lr = "0.1"  # type: ignore[assignment]


@pytest.mark.parametrize("cls", OPTIMIZERS)
def test_zero_grad_zeros_every_grad_in_place(cls):
    params = make_params()
    grads = [p.grad for p in params]
    for p in params:
        p.grad[...] = 3.0
    cls(params).zero_grad()
    for p, g in zip(params, grads, strict=True):
        assert p.grad is g
        np.testing.assert_array_equal(p.grad, 0.0)


def test_params_is_a_list_and_state_is_keyed_by_parameter():
    params = make_params()
    opt = Adam(iter(params))
    assert opt.params == params
    assert isinstance(opt.params, list)
    assert set(opt.state) == set(params)
    for p in params:
        s = opt.state[p]
        assert isinstance(s, AdamState)
        assert s.step == 0
        assert s.exp_avg.shape == p.shape
        np.testing.assert_array_equal(s.exp_avg_sq, 0.0)


def test_state_is_readable_after_steps():
    w = Parameter([2.0, -1.0])
    opt = Adam([w], lr=0.1, betas=(0.5, 0.75), amsgrad=True)
    w.grad[:] = [1.0, -2.0]
    opt.step()
    s = opt.state[w]
    assert s.step == 1
    np.testing.assert_allclose(s.exp_avg, [0.5, -1.0])
    np.testing.assert_allclose(s.exp_avg_sq, [0.25, 1.0])
    np.testing.assert_allclose(s.max_exp_avg_sq, [0.25, 1.0])
    w.grad[:] = [0.0, 0.0]
    opt.step()
    np.testing.assert_allclose(opt.state[w].exp_avg_sq, [0.1875, 0.75])
    np.testing.assert_allclose(opt.state[w].max_exp_avg_sq, [0.25, 1.0])


def test_initial_states():
    w = Parameter(np.ones((2, 3)))
    ada_state = Adagrad([w], initial_accumulator_value=0.25).state[w]
    assert isinstance(ada_state, AdagradState)
    assert ada_state.step == 0
    np.testing.assert_array_equal(ada_state.sum, np.full((2, 3), 0.25))
    assert SGD([w], momentum=0.9).state[w] == MomentumState(None)
    rms = RMSprop([w], centered=True, momentum=0.5).state[w]
    assert isinstance(rms, RMSpropState)
    np.testing.assert_array_equal(rms.square_avg, np.zeros((2, 3)))
    ada = Adadelta([w]).state[w]
    assert isinstance(ada, AdadeltaState)
    np.testing.assert_array_equal(ada.acc_delta, np.zeros((2, 3)))
    assert NAdam([w]).state[w].mu_product == 1.0


def test_momentum_buffer_does_not_alias_grad():
    w = Parameter([1.0, 2.0])
    opt = SGD([w], lr=0.1, momentum=0.9)
    w.grad[:] = [3.0, 4.0]
    opt.step()
    opt.zero_grad()
    np.testing.assert_array_equal(opt.state[w].momentum_buffer, [3.0, 4.0])


def test_rules_are_pure():
    g = np.array([1.0, -2.0])
    state = AdamState(3, np.array([0.1, 0.2]), np.array([0.3, 0.4]), np.array([0.5, 0.6]), 0.2)
    copies = [g.copy(), *(a.copy() for a in state[1:4])]
    d1, s1 = adam_rule(g, state, betas=(0.9, 0.99), eps=1e-8, amsgrad=True, nesterov=True)
    d2, _ = adam_rule(g, state, betas=(0.9, 0.99), eps=1e-8, amsgrad=True, nesterov=True)
    np.testing.assert_array_equal(d1, d2)
    for a, b in zip([g, *state[1:4]], copies, strict=True):
        np.testing.assert_array_equal(a, b)
    assert s1.step == 4
    assert state.step == 3


def test_plain_sgd_fast_path_equals_the_rule():
    w1, w2 = Parameter([1.0, -3.0]), Parameter([1.0, -3.0])
    fast = SGD([w1], lr=0.3)
    shell = Optimizer(
        [w2],
        0.3,
        0.0,
        rule=lambda g, s: momentum_rule(g, s, momentum=0.0),
        init=lambda v: MomentumState(),
    )
    for p in (w1, w2):
        p.grad[:] = [0.5, 2.0]
    fast.step()
    shell.step()
    np.testing.assert_array_equal(w1.value, w2.value)
    np.testing.assert_allclose(w1.value, [0.85, -3.6])


def test_repr_and_hyperparameters():
    opt = NAdam([Parameter([0.0])], lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)
    hp = opt.hyperparameters
    assert hp["lr"] == 0.01
    assert hp["betas"] == (0.9, 0.999)
    assert hp["momentum_decay"] == 4e-3
    assert hp["decoupled_weight_decay"] is True
    assert repr(opt).startswith("NAdam(lr=0.01, betas=(0.9, 0.999)")
    hp["lr"] = 5.0
    assert opt.lr == 0.01


def test_adamw_is_adam_with_decoupled_decay():
    a, b = make_params(1), make_params(1)
    adamw = AdamW(a, lr=0.05, weight_decay=0.3, amsgrad=True)
    adam = Adam(b, lr=0.05, weight_decay=0.3, amsgrad=True, decoupled_weight_decay=True)
    assert isinstance(adamw, Adam)
    for t in range(1, 6):
        for p in (*a, *b):
            p.grad[...] = grad_fn(p.value, t)
        adamw.step()
        adam.step()
    for p, q in zip(a, b, strict=True):
        np.testing.assert_array_equal(p.value, q.value)


# ----------------------------------------------------------------------------------------
# The lecture's forms (docstring Notes), checked
# ----------------------------------------------------------------------------------------


def logcosh_grad(w: np.ndarray) -> np.ndarray:
    """Gradient of sum(log cosh(w - c)) + 0.1 * sum(w**4): not quadratic."""
    return np.tanh(w - np.array([0.5, -1.0, 2.0])) + 0.4 * w**3


@settings(max_examples=30, deadline=None)
@given(
    lr=st.floats(1e-3, 0.2),
    gamma=st.floats(0.0, 0.95),
    w0=arrays(np.float64, 3, elements=st.floats(-2, 2)),
)
def test_lecture_momentum_equals_pytorch_momentum_at_constant_lr(lr, gamma, w0):
    p = Parameter(w0)
    opt = SGD([p], lr=lr, momentum=gamma)
    w, v = w0.copy(), np.zeros(3)
    for _ in range(15):
        p.grad[:] = logcosh_grad(p.value)
        opt.step()
        v = gamma * v + lr * logcosh_grad(w)
        w = w - v
        np.testing.assert_allclose(p.value, w, rtol=1e-10, atol=1e-12)
    if gamma > 0:  # v_t = lr * b_t
        np.testing.assert_allclose(v, lr * opt.state[p].momentum_buffer, rtol=1e-10, atol=1e-12)


def test_lecture_momentum_and_pytorch_momentum_part_when_lr_changes():
    w0 = np.array([1.0, 2.0, -1.0])
    p = Parameter(w0)
    opt = SGD([p], lr=0.1, momentum=0.9)
    w, v = w0.copy(), np.zeros(3)
    for t in range(10):
        lr = 0.1 if t < 5 else 0.01
        opt.lr = lr
        p.grad[:] = logcosh_grad(p.value)
        b_prev = opt.state[p].momentum_buffer
        w_prev = p.value.copy()
        opt.step()
        b = p.grad if b_prev is None else 0.9 * b_prev + p.grad
        np.testing.assert_allclose(p.value, w_prev - lr * b)  # PyTorch: whole buffer rescaled
        v = 0.9 * v + lr * logcosh_grad(w)  # lecture: only the new gradient gets the new lr
        w = w - v
        if t < 5:
            np.testing.assert_allclose(p.value, w, rtol=1e-12)
    assert np.abs(p.value - w).max() > 1e-2


@settings(max_examples=30, deadline=None)
@given(
    lr=st.floats(1e-3, 0.2),
    gamma=st.floats(0.05, 0.95),
    w0=arrays(np.float64, 3, elements=st.floats(-2, 2)),
)
def test_lecture_nesterov_is_pytorch_nesterov_at_the_look_ahead_point(lr, gamma, w0):
    p = Parameter(w0)
    opt = SGD([p], lr=lr, momentum=gamma, nesterov=True)
    w, v = w0.copy(), np.zeros(3)
    for _ in range(15):
        p.grad[:] = logcosh_grad(p.value)
        opt.step()
        v = gamma * v + lr * logcosh_grad(w - gamma * v)  # gradient at the look-ahead point
        w = w - v
        np.testing.assert_allclose(p.value, w - gamma * v, rtol=1e-10, atol=1e-12)


def test_lecture_weight_decay_is_lr_times_weight_decay():
    w0 = np.array([1.0, -2.0, 0.5])
    p = Parameter(w0)
    lr, wd = 0.1, 0.3
    opt = SGD([p], lr=lr, weight_decay=wd)
    w = w0.copy()
    for _ in range(5):
        p.grad[:] = logcosh_grad(p.value)
        opt.step()
        w = (1 - lr * wd) * w - lr * logcosh_grad(w)
        np.testing.assert_allclose(p.value, w, rtol=1e-13)


def test_adamw_decay_alone_shrinks_by_one_minus_lr_times_weight_decay():
    p = Parameter([2.0, -4.0])
    opt = AdamW([p], lr=0.1, weight_decay=0.5)
    for _ in range(4):
        opt.step()  # zero gradient: only the decoupled decay acts
    np.testing.assert_allclose(p.value, (1 - 0.05) ** 4 * np.array([2.0, -4.0]), rtol=1e-14)


def test_adam_l2_decay_is_not_the_lecture_decay():
    p = Parameter([2.0, -4.0])
    Adam([p], lr=0.1, weight_decay=0.5).step()
    # L2: g = 0.5 w enters m and v, so the first step is lr * sign(w), not 5% of w
    np.testing.assert_allclose(p.value, [1.9, -3.9])


def test_lecture_adadelta_equals_pytorch_with_lr_one():
    rho, eps = 0.9, 1e-6
    w0 = np.array([1.0, -0.5, 3.0])
    p = Parameter(w0)
    opt = Adadelta([p], lr=1.0, rho=rho, eps=eps)
    w, eg2, edx2 = w0.copy(), np.zeros(3), np.zeros(3)
    for _ in range(20):
        p.grad[:] = logcosh_grad(p.value)
        opt.step()
        g = logcosh_grad(w)
        eg2 = rho * eg2 + (1 - rho) * g**2
        dw = -np.sqrt(edx2 + eps) / np.sqrt(eg2 + eps) * g
        edx2 = rho * edx2 + (1 - rho) * dw**2
        w = w + dw
        np.testing.assert_allclose(p.value, w, rtol=1e-12)


@pytest.mark.parametrize(
    ("g", "lo", "hi"),
    [(1.0, -1e-8, 1e-8), (1e-2, 4.8e-5, 5.1e-5), (1e-6, 0.98, 1.0)],
)
def test_epsilon_inside_or_outside_the_root(g, lo, hi):
    """First Adam step: lecture g/sqrt(g^2 + eps) vs PyTorch g/(|g| + eps), eps = 1e-8."""
    eps = 1e-8
    d, _ = adam_rule(
        np.array([g]), AdamState(0, np.zeros(1), np.zeros(1)), betas=(0.9, 0.999), eps=eps
    )
    lecture = g / math.sqrt(g * g + eps)
    assert lo <= 1 - lecture / d[0] <= hi


# ----------------------------------------------------------------------------------------
# Schedules
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("step_size", "gamma"), [(1, 0.5), (3, 0.1), (7, 0.9), (4, 2.0)])
def test_step_lr_is_the_lecture_staircase(step_size, gamma):
    opt = SGD([Parameter([1.0])], lr=0.4)
    sched = StepLR(opt, step_size, gamma)
    assert sched.last_epoch == 0
    assert sched.get_last_lr() == [0.4]
    for t in range(1, 31):
        opt.step()
        sched.step()
        expected = gamma ** (t // step_size) * 0.4
        assert sched.last_epoch == t
        assert opt.lr == pytest.approx(expected, rel=1e-13)
        assert sched.get_last_lr() == [opt.lr]


@pytest.mark.parametrize("gamma", [0.5, 0.95, 1.0, 1.1])
def test_exponential_lr(gamma):
    opt = Adam([Parameter([1.0])], lr=0.01)
    sched = ExponentialLR(opt, gamma)
    for t in range(1, 31):
        opt.step()
        sched.step()
        assert opt.lr == pytest.approx(0.01 * gamma**t, rel=1e-13)
        assert sched.get_last_lr() == [opt.lr]
        assert sched.last_epoch == t


def test_schedule_drives_the_parameter_updates():
    p = Parameter([0.0])
    opt = SGD([p], lr=1.0)
    sched = StepLR(opt, step_size=2, gamma=0.5)
    for _ in range(6):
        p.grad[:] = -1.0
        opt.step()
        sched.step()
    np.testing.assert_allclose(p.value, [1.0 + 1.0 + 0.5 + 0.5 + 0.25 + 0.25])


def test_schedules_chain_onto_external_lr_changes_like_pytorch():
    opt = SGD([Parameter([1.0])], lr=1.0)
    sched = StepLR(opt, step_size=2, gamma=0.5)
    sched.step()
    opt.lr = 3.0
    sched.step()
    assert opt.lr == 1.5
    assert sched.base_lrs == [1.0]


def test_get_last_lr_returns_a_copy():
    opt = SGD([Parameter([1.0])], lr=1.0)
    sched = ExponentialLR(opt, 0.5)
    sched.get_last_lr().append(99.0)
    assert sched.get_last_lr() == [1.0]


# ----------------------------------------------------------------------------------------
# Clipping
# ----------------------------------------------------------------------------------------

grad_arrays = arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e3, 1e3))


def with_grads(grads: list[np.ndarray]) -> list[Parameter]:
    params = [Parameter(np.zeros_like(g)) for g in grads]
    for p, g in zip(params, grads, strict=True):
        p.grad[...] = g
    return params


@settings(max_examples=60, deadline=None)
@given(
    grads=st.lists(grad_arrays, min_size=1, max_size=4),
    max_norm=st.floats(1e-3, 1e3),
    norm_type=st.sampled_from([1.0, 2.0, 3.0, math.inf]),
)
def test_clip_grad_norm_properties(grads, max_norm, norm_type):
    params = with_grads(grads)
    flat = np.concatenate([g.ravel() for g in grads])
    total = clip_grad_norm(params, max_norm, norm_type)
    assert isinstance(total, float)
    assert total == pytest.approx(np.linalg.norm(flat, ord=norm_type), rel=1e-12, abs=1e-300)
    after = np.concatenate([p.grad.ravel() for p in params])
    coef = min(1.0, max_norm / (total + 1e-6))
    np.testing.assert_allclose(after, coef * flat, rtol=1e-15, atol=0)  # direction unchanged
    if total + 1e-6 > max_norm:  # clipped: the norm lands a hair below max_norm
        clipped = np.linalg.norm(after, ord=norm_type)
        assert clipped == pytest.approx(max_norm * total / (total + 1e-6), rel=1e-12)
        assert clipped <= max_norm
    else:
        np.testing.assert_array_equal(after, flat)


@pytest.mark.parametrize("norm_type", [1, 2.0, math.inf])
def test_clip_grad_norm_worked_example(norm_type):
    params = with_grads([np.array([3.0, -4.0]), np.array([[12.0]])])
    expected = {1: 19.0, 2.0: 13.0, math.inf: 12.0}[norm_type]
    assert clip_grad_norm(params, 1.0, norm_type) == expected
    scaled = np.concatenate([p.grad.ravel() for p in params])
    np.testing.assert_allclose(scaled, np.array([3.0, -4.0, 12.0]) / (expected + 1e-6))
    assert np.linalg.norm(scaled, ord=norm_type) == pytest.approx(1.0, rel=1e-6)


def test_clip_grad_norm_leaves_small_gradients_alone():
    params = with_grads([np.array([0.3, 0.4])])
    assert clip_grad_norm(params, max_norm=1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(params[0].grad, [0.3, 0.4])


def test_clip_grad_norm_of_nothing_is_zero():
    assert clip_grad_norm([], 1.0) == 0.0


@settings(max_examples=40, deadline=None)
@given(grads=st.lists(grad_arrays, min_size=1, max_size=3), clip=st.floats(1e-3, 1e3))
def test_clip_grad_value(grads, clip):
    params = with_grads(grads)
    assert clip_grad_value(params, clip) is None
    for p, g in zip(params, grads, strict=True):
        np.testing.assert_array_equal(p.grad, np.minimum(np.maximum(g, -clip), clip))


# ----------------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------------


def one() -> list[Parameter]:
    return [Parameter([1.0, 2.0])]


BAD: list[tuple[str, Callable[[], object], type[Exception], str]] = [
    ("lr=0", lambda: SGD(one(), lr=0.0), ValueError, r"lr must be > 0, got 0\.0"),
    ("lr<0", lambda: Adam(one(), lr=-1e-3), ValueError, "lr must be > 0"),
    ("lr nan", lambda: RMSprop(one(), lr=math.nan), ValueError, "lr must be finite"),
    ("lr str", lambda: Adagrad(one(), lr="0.1"), TypeError, "lr must be a real number"),
    (
        "beta1=1",
        lambda: Adam(one(), betas=(1.0, 0.999)),
        ValueError,
        r"betas\[0\] must be in \[0, 1\)",
    ),
    (
        "beta2<0",
        lambda: AdamW(one(), betas=(0.9, -0.1)),
        ValueError,
        r"betas\[1\] must be in \[0, 1\)",
    ),
    ("nadam beta2=1", lambda: NAdam(one(), betas=(0.9, 1.0)), ValueError, r"betas\[1\] must be"),
    ("betas scalar", lambda: Adam(one(), betas=0.9), TypeError, r"betas must be a pair"),
    (
        "betas triple",
        lambda: NAdam(one(), betas=(0.9, 0.99, 0.9)),
        TypeError,
        "betas must be a pair",
    ),
    ("rho=1", lambda: Adadelta(one(), rho=1.0), ValueError, r"rho must be in \[0, 1\), got 1\.0"),
    ("rho<0", lambda: Adadelta(one(), rho=-0.1), ValueError, r"rho must be in \[0, 1\)"),
    ("alpha=1", lambda: RMSprop(one(), alpha=1.0), ValueError, r"alpha must be in \[0, 1\)"),
    ("alpha<0", lambda: RMSprop(one(), alpha=-0.5), ValueError, r"alpha must be in \[0, 1\)"),
    ("sgd momentum<0", lambda: SGD(one(), momentum=-0.1), ValueError, "momentum must be >= 0"),
    ("rms momentum<0", lambda: RMSprop(one(), momentum=-1.0), ValueError, "momentum must be >= 0"),
    ("dampening<0", lambda: SGD(one(), dampening=-0.1), ValueError, "dampening must be >= 0"),
    ("lr_decay<0", lambda: Adagrad(one(), lr_decay=-1.0), ValueError, "lr_decay must be >= 0"),
    (
        "initial_accumulator_value<0",
        lambda: Adagrad(one(), initial_accumulator_value=-1.0),
        ValueError,
        "initial_accumulator_value must be >= 0",
    ),
    (
        "momentum_decay<0",
        lambda: NAdam(one(), momentum_decay=-4e-3),
        ValueError,
        "momentum_decay must be >= 0",
    ),
    (
        "nesterov without momentum",
        lambda: SGD(one(), nesterov=True),
        ValueError,
        "nesterov=True requires momentum > 0 and dampening = 0",
    ),
    (
        "nesterov with dampening",
        lambda: SGD(one(), momentum=0.9, dampening=0.1, nesterov=True),
        ValueError,
        r"nesterov=True requires .* got momentum=0\.9, dampening=0\.1",
    ),
    (
        "nesterov=1",
        lambda: SGD(one(), momentum=0.9, nesterov=1),
        TypeError,
        "nesterov must be True or False",
    ),
    (
        "amsgrad str",
        lambda: Adam(one(), amsgrad="yes"),
        TypeError,
        "amsgrad must be True or False",
    ),
    (
        "centered=None",
        lambda: RMSprop(one(), centered=None),
        TypeError,
        "centered must be True or False",
    ),
    (
        "decoupled=0",
        lambda: NAdam(one(), decoupled_weight_decay=0),
        TypeError,
        "decoupled_weight_decay must be True or False",
    ),
    ("empty list", lambda: SGD([]), ValueError, "^SGD got an empty parameter list$"),
    (
        "empty generator",
        lambda: Adam(p for p in []),
        ValueError,
        "^Adam got an empty parameter list$",
    ),
    (
        "ndarray element",
        lambda: SGD([*one(), np.zeros(2)]),
        TypeError,
        "SGD expects Parameter objects, got ndarray at position 1",
    ),
    (
        "bare Parameter",
        lambda: RMSprop(Parameter([1.0])),
        TypeError,
        "RMSprop expects an iterable of Parameter objects",
    ),
    (
        "repeated Parameter",
        lambda: Adagrad(one() * 2),
        ValueError,
        "same Parameter more than once",
    ),
    ("max_norm=0", lambda: clip_grad_norm(one(), 0.0), ValueError, "max_norm must be > 0"),
    ("max_norm<0", lambda: clip_grad_norm(one(), -1.0), ValueError, "max_norm must be > 0"),
    (
        "norm_type=0",
        lambda: clip_grad_norm(one(), 1.0, 0.0),
        ValueError,
        "norm_type must be > 0 or inf",
    ),
    (
        "norm_type str",
        lambda: clip_grad_norm(one(), 1.0, "fro"),
        TypeError,
        "norm_type must be a real",
    ),
    (
        "norm_type -inf",
        lambda: clip_grad_norm(one(), 1.0, -math.inf),
        ValueError,
        "norm_type must be finite",
    ),
    (
        "clip ndarray",
        lambda: clip_grad_norm([np.ones(2)], 1.0),
        TypeError,
        "clip_grad_norm expects Parameter",
    ),
    ("clip_value=0", lambda: clip_grad_value(one(), 0.0), ValueError, "clip_value must be > 0"),
    ("clip_value<0", lambda: clip_grad_value(one(), -0.5), ValueError, "clip_value must be > 0"),
    (
        "step_size=0",
        lambda: StepLR(SGD(one()), 0),
        ValueError,
        r"step_size must be a positive integer \(>= 1\)",
    ),
    (
        "step_size float",
        lambda: StepLR(SGD(one()), 2.5),
        TypeError,
        "step_size must be a positive integer",
    ),
    ("StepLR gamma=0", lambda: StepLR(SGD(one()), 3, gamma=0.0), ValueError, "gamma must be > 0"),
    (
        "ExponentialLR gamma<0",
        lambda: ExponentialLR(SGD(one()), -0.5),
        ValueError,
        "gamma must be > 0",
    ),
    (
        "schedule of non-optimizer",
        lambda: StepLR(object(), 3),
        TypeError,
        "StepLR expects a gradlab optimizer",
    ),
]

WEIGHT_DECAY_AND_EPS = [
    pytest.param(cls, arg, id=f"{cls.__name__}-{arg}")
    for cls in OPTIMIZERS
    for arg in ("weight_decay", "eps")
    if arg in inspect.signature(cls).parameters
]


@pytest.mark.parametrize(("make", "exc", "match"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


@pytest.mark.parametrize(("cls", "arg"), WEIGHT_DECAY_AND_EPS)
def test_negative_weight_decay_and_eps(cls, arg):
    with pytest.raises(ValueError, match=rf"{arg} must be >= 0, got -0\.1"):
        cls(one(), **{arg: -0.1})


# ----------------------------------------------------------------------------------------
# Schedules past the smallest float: PyTorch goes on with lr 0.0
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_schedule",
    [lambda opt: ExponentialLR(opt, gamma=0.1), lambda opt: StepLR(opt, step_size=2, gamma=1e-3)],
    ids=["exponential", "step"],
)
@pytest.mark.parametrize("cls", [SGD, Adam, AdamW])
def test_a_schedule_may_underflow_the_learning_rate_to_zero(make_schedule, cls):
    p = Parameter([1.0, -2.0])
    opt = cls([p], lr=0.1)
    sched = make_schedule(opt)
    lrs = []
    for _ in range(400):  # ExponentialLR(gamma=0.1) used to raise at epoch 322
        p.grad = [0.5, 0.5]
        opt.step()
        before = opt.lr
        sched.step()
        assert opt.lr == before * sched._factor(sched.last_epoch)  # the chainable product
        lrs.append(opt.lr)
    assert lrs[-1] == 0.0
    assert sched.get_last_lr() == [0.0]
    assert sched.last_epoch == 400
    assert min(x for x in lrs if x > 0) < 1e-307  # it went through the subnormals
    frozen = p.value.copy()
    opt.step()  # lr 0: the parameters stay (AdamW's decay is lr * weight_decay: none)
    np.testing.assert_array_equal(p.value, frozen)
    with pytest.raises(ValueError, match=r"lr must be > 0, got 0\.0"):
        opt.lr = 0.0  # a user still may not set it


def test_exponential_lr_reaches_zero_at_pytorchs_epoch():
    opt = SGD([Parameter([1.0])], lr=0.1)
    sched = ExponentialLR(opt, gamma=0.1)
    epochs = 0
    while opt.lr > 0:
        sched.step()
        epochs += 1
    assert epochs == 323  # torch.optim.lr_scheduler.ExponentialLR 2.13 (tests/oracle)


@pytest.mark.parametrize(
    "make_schedule",
    [lambda opt: ExponentialLR(opt, gamma=10.0), lambda opt: StepLR(opt, 1, gamma=1e300)],
    ids=["exponential", "step"],
)
def test_a_schedule_refuses_to_overflow_and_changes_nothing(make_schedule):
    opt = Adam([Parameter([1.0])], lr=1.0)
    sched = make_schedule(opt)
    while math.isfinite(opt.lr * sched.gamma):
        sched.step()
    lr, epoch = opt.lr, sched.last_epoch
    assert lr >= 1e300
    for _ in range(2):
        with pytest.raises(
            ValueError, match=rf"would set the learning rate to inf at epoch {epoch + 1}"
        ):
            sched.step()
        assert (opt.lr, sched.last_epoch, sched.get_last_lr()) == (lr, epoch, [lr])


# ----------------------------------------------------------------------------------------
# p.grad = None: skipped by every step, as in PyTorch
# ----------------------------------------------------------------------------------------


def state_arrays(state: Any) -> list[Any]:
    return [v.copy() if isinstance(v, np.ndarray) else v for v in state]


@pytest.mark.parametrize(
    ("cls", "kwargs"), [(c[1], c[3]) for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_parameter_without_gradient_is_skipped(cls, kwargs):
    used, unused = Parameter([1.0, -2.0]), Parameter([[0.5], [3.0]])
    kwargs = {**kwargs, "weight_decay": 0.3}  # decay must skip it too
    opt = cls([used, unused], **kwargs)
    before = unused.value.copy()
    initial_state = state_arrays(opt.state[unused])
    for t in range(1, 4):
        used.grad = grad_fn(used.value, t)
        unused.grad = None
        opt.step()
    np.testing.assert_array_equal(unused.value, before)
    for a, b in zip(state_arrays(opt.state[unused]), initial_state, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(used.value, [1.0, -2.0])
    ref, w, s = dict((c[1], c[2]) for c in CASES)[cls], np.array([1.0, -2.0]), {}
    for t in range(1, 4):  # the parameter with a gradient moved as if alone
        w = ref(w, grad_fn(w, t), s, t, **kwargs)
    np.testing.assert_allclose(used.value, w, rtol=1e-12)


def test_plain_sgd_skips_a_parameter_without_gradient():
    a, b = Parameter([1.0]), Parameter([2.0])
    opt = SGD([a, b], lr=0.5)
    a.grad, b.grad = None, [1.0]
    opt.step()
    assert (a.value[0], b.value[0]) == (1.0, 1.5)


def test_zero_grad_and_clipping_leave_a_none_gradient_alone():
    a, b = Parameter([1.0]), Parameter([0.0, 0.0])
    a.grad, b.grad = None, [3.0, 4.0]
    SGD([a, b]).zero_grad()
    assert a.grad is None
    b.grad = [3.0, 4.0]
    assert clip_grad_norm([a, b], 1.0) == 5.0
    assert a.grad is None
    clip_grad_value([a, b], 0.1)
    assert a.grad is None
    np.testing.assert_allclose(b.grad, [0.1, 0.1])
    assert clip_grad_norm([a], 1.0) == 0.0


# ----------------------------------------------------------------------------------------
# A step that raises changes nothing
# ----------------------------------------------------------------------------------------


def second_call(bad: Callable[[np.ndarray], Any]) -> Callable[..., Any]:
    """A rule that returns ``(g, 1)`` for the first parameter and ``bad(g)`` for the second."""
    calls: list[int] = []

    def rule(g, s):
        calls.append(1)
        return (g if len(calls) == 1 else bad(g)), 1

    return rule


def fail(g: np.ndarray) -> Any:
    raise FloatingPointError("no")


@pytest.mark.parametrize(
    ("bad", "exc", "match"),
    [
        (fail, FloatingPointError, "no"),
        (lambda g: g[:1], ValueError, r"direction of shape \(2,\) for Parameter\('b'.* \(1,\)"),
        (lambda g: "up", ValueError, "rule must return a float direction"),
        (lambda g: g.astype(int), ValueError, "rule must return a float direction"),
        (lambda g: [1.0] * g.size, None, None),
    ],
    ids=["raises", "wrong shape", "string", "int", "list is fine"],
)
@pytest.mark.parametrize("decoupled", [False, True])
def test_a_failing_step_updates_no_parameter(bad, exc, match, decoupled):
    a, b = Parameter([1.0, 2.0], name="a"), Parameter([3.0, 4.0], name="b")
    opt = Optimizer(
        [a, b], 0.1, 0.5, second_call(bad), lambda v: None, decoupled_weight_decay=decoupled
    )
    a.grad, b.grad = [1.0, 1.0], [1.0, 1.0]
    if exc is None:
        opt.step()
        assert a.value[0] != 1.0
        assert b.value[0] != 3.0
        assert opt.state == {a: 1, b: 1}
        return
    with pytest.raises(exc, match=match):
        opt.step()
    np.testing.assert_array_equal(a.value, [1.0, 2.0])
    np.testing.assert_array_equal(b.value, [3.0, 4.0])
    assert opt.state == {a: None, b: None}


# ----------------------------------------------------------------------------------------
# float32 stays float32
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "ref", "kwargs"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_float32_parameters_stay_float32(cls, ref, kwargs):
    params = [Parameter(np.asarray(p.value, dtype=np.float32)) for p in make_params()]
    opt = cls(params, **kwargs)
    ws = [p.value.astype(np.float64) for p in params]
    states: list[dict[str, Any]] = [{} for _ in params]
    for t in range(1, 6):
        for p in params:
            p.grad = grad_fn(p.value.astype(np.float64), t)  # a float64 gradient, cast on entry
            assert p.grad.dtype == np.float32
        opt.step()
        ws = [ref(w, grad_fn(w, t), s, t, **kwargs) for w, s in zip(ws, states, strict=True)]
    for p, w in zip(params, ws, strict=True):
        assert p.value.dtype == np.float32
        assert p.grad.dtype == np.float32
        for v in opt.state[p]:
            assert not isinstance(v, np.ndarray) or v.dtype == np.float32
        np.testing.assert_allclose(p.value, w, rtol=2e-4, atol=2e-5)


def test_clipping_keeps_float32():
    p = Parameter(np.zeros(3, dtype=np.float32))
    p.grad = np.array([3.0, -4.0, 12.0])
    clip_grad_norm([p], 1.0)
    clip_grad_value([p], 0.5)
    assert p.grad.dtype == np.float32
    assert p.value.dtype == np.float32


# ----------------------------------------------------------------------------------------
# Parameter: value, grad and name are checked on the way in
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"value": [1.0], "name": 5}, TypeError, "name must be a str, got int"),
        ({"value": [1.0], "name": b"w"}, TypeError, "name must be a str, got bytes"),
        ({"value": []}, ValueError, r"value must not be empty, got shape \(0,\)"),
        ({"value": np.zeros((3, 0))}, ValueError, "value must not be empty"),
        ({"value": True}, TypeError, "value must contain real numbers, got booleans"),
        ({"value": [True, False]}, TypeError, "value must contain real numbers, got booleans"),
        ({"value": None}, TypeError, "value must contain real numbers"),
        ({"value": "abc"}, TypeError, "value must contain real numbers"),
        ({"value": [[1.0], [2.0, 3.0]]}, TypeError, "value must be array-like"),
        ({"value": [1.0, math.nan]}, ValueError, r"value contains 1 non-finite value"),
        ({"value": [math.inf]}, ValueError, "value contains 1 non-finite"),
        ({"value": [1j]}, TypeError, "value must contain real numbers"),
        ({"value": [1.0], "nme": "w"}, TypeError, "unexpected keyword argument 'nme'"),
    ],
)
def test_parameter_refuses_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        Parameter(**kwargs)


BAD_GRADS = [
    (np.zeros(3), ValueError, r"got shape \(3,\)"),
    (np.zeros((2, 1)), ValueError, r"got shape \(2, 1\)"),
    (1.0, ValueError, r"got shape \(\)"),
    ("ab", TypeError, "got str 'ab'"),
    (np.array([True, False]), TypeError, "got booleans"),
    ([object(), object()], TypeError, "must contain real numbers"),
    (np.array(["a", "b"]), TypeError, "must contain real numbers"),
    (np.broadcast_to(1.0, (2,)), ValueError, "must be a writeable array"),
]


@pytest.mark.parametrize(("bad", "exc", "match"), BAD_GRADS)
@pytest.mark.parametrize("attribute", ["grad", "value"])
def test_parameter_refuses_a_gradient_or_value_that_does_not_fit(attribute, bad, exc, match):
    p = Parameter([1.0, 2.0], name="W")
    p.grad = [0.5, 0.5]
    kept = getattr(p, attribute)
    with pytest.raises(exc, match=rf"^{attribute} of Parameter\('W', shape=\(2,\).*{match}"):
        setattr(p, attribute, bad)
    assert getattr(p, attribute) is kept
    np.testing.assert_array_equal(p.value, [1.0, 2.0])
    np.testing.assert_array_equal(p.grad, [0.5, 0.5])


def test_parameter_value_refuses_nonfinite_but_grad_allows_it():
    p = Parameter([1.0, 2.0])
    with pytest.raises(ValueError, match=r"value of Parameter.* contains 1 non-finite"):
        p.value = [1.0, math.nan]
    p.grad = [math.inf, math.nan]  # as PyTorch: a diverged gradient is data, not misuse
    assert np.isinf(p.grad[0])
    assert np.isnan(p.grad[1])


def test_parameter_assignments_keep_shape_dtype_and_identity():
    p = Parameter(np.ones((2, 2), dtype=np.float32), name="w")
    g = np.full((2, 2), 3.0, dtype=np.float32)
    p.grad = g
    assert p.grad is g  # same dtype: kept, as PyTorch keeps the assigned tensor
    p.grad = [[1, 2], [3, 4]]
    assert p.grad.dtype == np.float32
    np.testing.assert_array_equal(p.grad, [[1, 2], [3, 4]])
    p.value = np.zeros((2, 2))  # float64 in, float32 kept
    assert p.value.dtype == np.float32
    assert p.shape == (2, 2)
    p.grad = None
    assert p.grad is None
    p.name = "v"
    assert repr(p) == "Parameter('v', shape=(2, 2), dtype=float32)"
    with pytest.raises(TypeError, match="name must be a str, got int"):
        p.name = 3  # type: ignore[assignment]
    assert p.name == "v"


# ----------------------------------------------------------------------------------------
# Every public class and function of optim refuses bad input, naming the argument
# ----------------------------------------------------------------------------------------

BAD_REALS = [  # (value, exception, message fragment)
    (True, TypeError, "must be a real number, got bool"),
    ("0.1", TypeError, "must be a real number, got str"),
    (None, TypeError, "must be a real number, got NoneType"),
    (np.array([0.1]), TypeError, "must be a real number, got ndarray"),
    (math.nan, ValueError, "must be finite, got nan"),
    (math.inf, ValueError, "must be finite, got inf"),
    (-0.5, ValueError, "must be"),
]
BAD_FLAGS = [1, 0, "yes", "False", None, 1.0]
BAD_BETAS = [
    (0.9, TypeError, "betas must be a pair"),
    ("ab", TypeError, "betas must be a pair"),
    (None, TypeError, "betas must be a pair"),
    ((0.9,), TypeError, "betas must be a pair"),
    ((True, 0.9), TypeError, r"betas\[0\] must be a real number, got bool"),
    ((0.9, math.nan), ValueError, r"betas\[1\] must be finite"),
    ((0.9, "0.99"), TypeError, r"betas\[1\] must be a real number"),
    ((0.9, 1.0), ValueError, r"betas\[1\] must be in \[0, 1\)"),
]


def hyperparameter_cases() -> list[Any]:
    cases = []
    for cls, defaults in SIGNATURES.items():
        for arg, default in defaults.items():
            if isinstance(default, bool):
                bads = [(bad, TypeError, "must be True or False") for bad in BAD_FLAGS]
            elif isinstance(default, float):
                bads = BAD_REALS
            else:
                bads = BAD_BETAS
            for bad, exc, match in bads:
                cases.append(
                    pytest.param(cls, arg, bad, exc, match, id=f"{cls.__name__}-{arg}-{bad!r}")
                )
    return cases


@pytest.mark.parametrize(("cls", "arg", "bad", "exc", "match"), hyperparameter_cases())
def test_every_hyperparameter_refuses_bad_values(cls, arg, bad, exc, match):
    p = Parameter([1.0, 2.0])
    with pytest.raises(exc, match=match if arg == "betas" else rf"{re.escape(arg)} {match}"):
        cls([p], **{arg: bad})
    np.testing.assert_array_equal(p.value, [1.0, 2.0])


@pytest.mark.parametrize("cls", OPTIMIZERS)
@pytest.mark.parametrize(
    ("params", "exc", "match"),
    [
        ([], ValueError, "got an empty parameter list"),
        (iter(()), ValueError, "got an empty parameter list"),
        (None, TypeError, "expects an iterable of Parameter objects .* got NoneType"),
        (5, TypeError, "expects an iterable of Parameter objects .* got int"),
        ("ab", TypeError, "expects an iterable of Parameter objects .* got str"),
        (np.zeros(2), TypeError, "expects Parameter objects, got float64 at position 0"),
        ([np.zeros(2)], TypeError, "expects Parameter objects, got ndarray at position 0"),
        ([{"params": []}], TypeError, "expects Parameter objects, got dict at position 0"),
        ("same twice", ValueError, "got the same Parameter more than once"),
    ],
)
def test_every_optimizer_refuses_bad_parameter_lists(cls, params, exc, match):
    if isinstance(params, str) and params == "same twice":
        p = Parameter([1.0])
        params = [p, Parameter([2.0]), p]
    with pytest.raises(exc, match=rf"^{cls.__name__} {match}"):
        cls(params)


@pytest.mark.parametrize(
    "call",
    [
        lambda: SGD([Parameter([1.0])], lr=0.1, foreach=False),
        lambda: Optimizer([Parameter([1.0])], 0.1, 0.0, lambda g, s: (g, s), lambda v: 0, x=1),
        lambda: StepLR(SGD([Parameter([1.0])]), 2, last_epoch=-1),
        lambda: ExponentialLR(SGD([Parameter([1.0])]), 0.5, verbose=True),
        lambda: clip_grad_norm([Parameter([1.0])], 1.0, foreach=False),
        lambda: clip_grad_value([Parameter([1.0])], 1.0, foreach=False),
        lambda: momentum_rule(np.ones(1), MomentumState(), momentum=0.9, maximize=True),
        lambda: adam_rule(
            np.ones(1), AdamState(0, *np.ones((2, 1))), betas=(0, 0), eps=0, fused=1
        ),
        lambda: Parameter([1.0], requires_grad=True),
    ],
)
def test_unknown_keywords_are_refused_everywhere(call):
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        call()


def fresh_sgd() -> SGD:
    return SGD([Parameter([1.0])], lr=0.5)


@pytest.mark.parametrize(
    ("make", "exc", "match"),
    [
        (lambda opt: StepLR(opt, 0), ValueError, r"step_size must be a positive integer"),
        (lambda opt: StepLR(opt, -3), ValueError, r"step_size must be a positive integer"),
        (lambda opt: StepLR(opt, True), TypeError, "step_size must be a positive integer"),
        (lambda opt: StepLR(opt, "2"), TypeError, "step_size must be a positive integer"),
        (lambda opt: StepLR(opt, None), TypeError, "step_size must be a positive integer"),
        (lambda opt: StepLR(opt, 2.0), TypeError, "step_size must be a positive integer"),
        *[
            (lambda opt, bad=bad: StepLR(opt, 2, gamma=bad), exc, rf"gamma {match}")
            for bad, exc, match in BAD_REALS
        ],
        *[
            (lambda opt, bad=bad: ExponentialLR(opt, bad), exc, rf"gamma {match}")
            for bad, exc, match in BAD_REALS
        ],
        (lambda opt: ExponentialLR(opt, 0.0), ValueError, r"gamma must be > 0, got 0\.0"),
        (lambda opt: ExponentialLR(None, 0.5), TypeError, "expects a gradlab optimizer"),
        (lambda opt: StepLR("SGD", 2), TypeError, "StepLR expects a gradlab optimizer, got str"),
    ],
)
def test_schedules_refuse_bad_arguments_and_leave_the_optimizer_alone(make, exc, match):
    opt = fresh_sgd()
    with pytest.raises(exc, match=match):
        make(opt)
    assert opt.lr == 0.5


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        *[
            (lambda ps, bad=bad: clip_grad_norm(ps, bad), exc, rf"max_norm {match}")
            for bad, exc, match in BAD_REALS
        ],
        *[
            (lambda ps, bad=bad: clip_grad_value(ps, bad), exc, rf"clip_value {match}")
            for bad, exc, match in BAD_REALS
        ],
        (lambda ps: clip_grad_norm(ps, 0.0), ValueError, "max_norm must be > 0"),
        (lambda ps: clip_grad_value(ps, 0.0), ValueError, "clip_value must be > 0"),
        (lambda ps: clip_grad_norm(ps, 1.0, True), TypeError, "norm_type must be a real number"),
        (lambda ps: clip_grad_norm(ps, 1.0, "inf"), TypeError, "norm_type must be a real"),
        (lambda ps: clip_grad_norm(ps, 1.0, None), TypeError, "norm_type must be a real"),
        (lambda ps: clip_grad_norm(ps, 1.0, math.nan), ValueError, "norm_type must be finite"),
        (lambda ps: clip_grad_norm(ps, 1.0, -2.0), ValueError, "norm_type must be > 0 or inf"),
        (lambda ps: clip_grad_norm(ps[0], 1.0), TypeError, "clip_grad_norm expects an iterable"),
        (lambda ps: clip_grad_value(None, 1.0), TypeError, "clip_grad_value expects an iterable"),
        (lambda ps: clip_grad_norm([*ps, ps[0]], 1.0), ValueError, "the same Parameter"),
        (lambda ps: clip_grad_value([*ps, 3.0], 1.0), TypeError, "got float at position 2"),
    ],
)
def test_clipping_refuses_bad_arguments_and_leaves_gradients_alone(call, exc, match):
    params = with_grads([np.array([3.0, -4.0]), np.array([12.0])])
    with pytest.raises(exc, match=match):
        call(params)
    np.testing.assert_array_equal(params[0].grad, [3.0, -4.0])
    np.testing.assert_array_equal(params[1].grad, [12.0])


# the public rules, each with a valid call to break one argument at a time
RULES: dict[str, tuple[Callable[..., Any], Callable[[], Any], dict[str, Any]]] = {
    "momentum_rule": (momentum_rule, MomentumState, {"momentum": 0.9}),
    "adagrad_rule": (
        adagrad_rule,
        lambda: AdagradState(0, np.zeros(2)),
        {"lr_decay": 0.0, "eps": 1e-10},
    ),
    "rmsprop_rule": (rmsprop_rule, lambda: RMSpropState(np.zeros(2)), {"alpha": 0.9, "eps": 0.0}),
    "adadelta_rule": (
        adadelta_rule,
        lambda: AdadeltaState(np.zeros(2), np.zeros(2)),
        {"rho": 0.9, "eps": 1e-6},
    ),
    "adam_rule": (
        adam_rule,
        lambda: AdamState(0, np.zeros(2), np.zeros(2)),
        {"betas": (0.9, 0.999), "eps": 1e-8, "amsgrad": True, "nesterov": True},
    ),
}


def rule_cases() -> list[Any]:
    cases = []
    for name, (rule, state, hyper) in RULES.items():
        for arg, good in hyper.items():
            if isinstance(good, bool):
                bads = [(bad, TypeError, "must be True or False") for bad in BAD_FLAGS]
            elif isinstance(good, tuple):
                bads = BAD_BETAS
            else:
                bads = BAD_REALS
            for bad, exc, match in bads:
                case = (rule, state, {**hyper, arg: bad}, exc, match)
                cases.append(pytest.param(*case, id=f"{name}-{arg}-{bad!r}"))
        for label, kw, exc, match in [
            ("grad str", {"grad": "ab"}, TypeError, "grad must contain real numbers"),
            ("grad None", {"grad": None}, TypeError, "grad must contain real numbers"),
            ("grad bool", {"grad": [True, False]}, TypeError, "grad must contain real numbers"),
            ("state None", {"state": None}, TypeError, "state must be a .*State, got NoneType"),
            ("state tuple", {"state": ()}, TypeError, "state must be a .*State, got tuple"),
            ("grad shape", {"grad": np.ones(3)}, ValueError, r"of shape \(3,\), got shape \(2,\)"),
        ]:
            if name == "momentum_rule" and label == "grad shape":
                kw = {"grad": np.ones(3), "state": MomentumState(np.zeros(2))}
            cases.append(
                pytest.param(rule, state, {**hyper, **kw}, exc, match, id=f"{name}-{label}")
            )
    return cases


@pytest.mark.parametrize(("rule", "state", "kwargs", "exc", "match"), rule_cases())
def test_every_rule_refuses_bad_arguments(rule, state, kwargs, exc, match):
    kwargs = {"grad": np.ones(2), "state": state(), **kwargs}
    grad, st = kwargs.pop("grad"), kwargs.pop("state")
    with pytest.raises(exc, match=match):
        rule(grad, st, **kwargs)


@pytest.mark.parametrize(
    ("state", "exc", "match"),
    [
        (AdamState(-1, np.zeros(2), np.zeros(2)), TypeError, "state.step must be an int >= 0"),
        (AdamState(1.5, np.zeros(2), np.zeros(2)), TypeError, "state.step must be an int"),
        (AdamState(True, np.zeros(2), np.zeros(2)), TypeError, "state.step must be an int"),
        (AdamState(0, None, np.zeros(2)), ValueError, "state.exp_avg must be a float array"),
        (AdamState(0, [0.0, 0.0], np.zeros(2)), ValueError, "got list"),
        (AdamState(0, np.zeros(2, int), np.zeros(2)), ValueError, "state.exp_avg must be"),
        (AdamState(0, np.zeros(2), np.zeros(2), np.zeros(1)), ValueError, "max_exp_avg_sq"),
        (AdamState(0, np.zeros(2), np.zeros(2), None, "1"), TypeError, "state.mu_product"),
        (AdamState(0, np.zeros(2), np.zeros(2), None, math.nan), ValueError, "mu_product"),
    ],
)
def test_adam_rule_checks_its_state(state, exc, match):
    with pytest.raises(exc, match=match):
        adam_rule(np.ones(2), state, betas=(0.9, 0.99), eps=1e-8)


def test_public_rules_accept_lists_and_give_the_optimizers_numbers():
    d, s = rmsprop_rule([2.0, -1.0], RMSpropState(np.zeros(2)), alpha=0.75, eps=0.0)
    np.testing.assert_allclose(d, [2.0, -2.0])
    np.testing.assert_allclose(s.square_avg, [1.0, 0.25])
    d, _ = momentum_rule([1, 2], MomentumState(), momentum=0.9, nesterov=True)
    np.testing.assert_allclose(d, [1.9, 3.8])
    with pytest.raises(ValueError, match="nesterov=True requires momentum > 0"):
        momentum_rule([1.0], MomentumState(), momentum=0.0, nesterov=True)


def test_parameter_survives_copy_and_pickle_and_accumulates_in_place():
    p = Parameter(np.ones(3, dtype=np.float32), name="w")
    g = p.grad
    p.grad += np.array([1.0, 2.0, 3.0])  # the layers' += keeps the array and its dtype
    assert p.grad is g
    assert p.grad.dtype == np.float32
    for q in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert repr(q) == repr(p)
        np.testing.assert_array_equal(q.grad, [1.0, 2.0, 3.0])
        assert q.value is not p.value
        with pytest.raises(ValueError, match=r"grad of Parameter\('w'.* got shape \(2,\)"):
            q.grad = np.zeros(2)  # the copy checks its assignments too


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
        lambda ps: Adagrad(ps, lr=0.1),
        lambda ps: RMSprop(ps, lr=0.01, momentum=0.5, centered=True),
        lambda ps: Adadelta(ps, lr=1.0),
        lambda ps: Adam(ps, lr=0.01, amsgrad=True),
        lambda ps: AdamW(ps, lr=0.01),
        lambda ps: NAdam(ps, lr=0.01),
    ],
)
def test_optimizers_survive_pickle_and_deepcopy_mid_training(make):
    """A copy taken after two steps takes the same third step as the original (state copied)."""
    p = Parameter(np.array([1.0, -2.0, 3.0]))
    opt = make([p])
    for _ in range(2):
        p.grad[...] = 2 * p.value
        opt.step()
    stepped = []
    for clone in (pickle.loads(pickle.dumps(opt)), copy.deepcopy(opt)):
        (q,) = clone.params
        assert q is not p
        q.grad[...] = 2 * q.value
        clone.step()
        stepped.append(q.value)
    p.grad[...] = 2 * p.value
    opt.step()
    for value in stepped:
        np.testing.assert_array_equal(value, p.value)
    assert not np.array_equal(stepped[0], np.array([1.0, -2.0, 3.0]))


def test_schedules_survive_pickle():
    opt = SGD([Parameter(np.ones(2))], lr=1.0)
    for sched in (StepLR(opt, step_size=2, gamma=0.5), ExponentialLR(opt, gamma=0.9)):
        sched.step()
        clone = pickle.loads(pickle.dumps(sched))
        clone.step()
        assert clone.get_last_lr() == pytest.approx([sched.get_last_lr()[0] * sched.gamma])
