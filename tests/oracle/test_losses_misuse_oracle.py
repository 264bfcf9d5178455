"""Losses and activations against PyTorch 2.13 where the edges are: saturated probabilities,
confident logits, logits at the ends of the float range, and float16/float32 inputs."""

import math

import mpmath  # a dependency of torch (through sympy)
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gradlab import activations, losses

TORCH_DTYPE = {np.float16: torch.float16, np.float32: torch.float32, np.float64: torch.float64}


def torch_loss_and_grad(fn, prediction, target):
    p = torch.tensor(prediction, requires_grad=True)
    value = fn(p, torch.as_tensor(target))
    value.backward()
    return value.item(), p.grad.numpy()


# --- binary cross-entropy at predictions of exactly 0 and 1 -----------------------------------
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_bce_on_saturated_probabilities(dtype):
    p = np.array([0.0, 1.0, 1.0, 0.0, 0.5, 0.25], dtype=dtype)
    t = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.5], dtype=dtype)
    value, grad = torch_loss_and_grad(F.binary_cross_entropy, p, t)
    ours = losses.binary_cross_entropy(p, t)
    assert ours == pytest.approx(value, rel=float(np.finfo(dtype).eps))
    assert losses.binary_cross_entropy(p[:1], t[:1]) == 100.0  # PyTorch's clamp, every dtype
    ours_grad = losses.binary_cross_entropy.derivative(p, t)
    assert ours_grad.dtype == dtype
    if dtype is np.float16:
        # PyTorch's 1e-12 floor underflows in float16: its gradient is inf and nan at 0 and 1
        # (and overflows where p(1 - p) is below 1 / 65504); ours stays finite there, with the
        # same sign, and agrees wherever PyTorch's is finite.
        assert np.all(np.isfinite(ours_grad))
        ok = np.isfinite(grad)
        assert not ok.all()
        np.testing.assert_allclose(ours_grad[ok], grad[ok], rtol=1e-3)
        assert np.all(np.sign(ours_grad[:2]) == np.sign(grad[:2]))
    else:
        np.testing.assert_allclose(ours_grad, grad, rtol=float(np.finfo(dtype).eps) * 4)


# --- binary cross-entropy from logits -------------------------------------------------------
def _exact_bce_logits(z, t):
    # mpmath at 50 digits: -log s(z) = log(1 + e^-z), -log(1 - s(z)) = log(1 + e^z), and
    # s(z) - t = (1 - t) s(z) - t s(-z) (the algebra is exact; the digits are mpmath's)
    with mpmath.workdps(50):
        z = mpmath.mpf(z)
        value = (1 - t) * mpmath.log1p(mpmath.exp(z)) + t * mpmath.log1p(mpmath.exp(-z))
        grad = (1 - t) / (1 + mpmath.exp(-z)) - t / (1 + mpmath.exp(z))
        return float(value), float(grad)


def test_bce_with_logits_float64_grid():
    z = np.concatenate([np.linspace(-40, 40, 161), [-700.0, 700.0]])
    for t_value in (0.0, 1.0, 0.3):
        for zi in z:
            p, t = np.array([zi]), np.array([t_value])  # one element: the loss, not a mean
            value, grad = torch_loss_and_grad(F.binary_cross_entropy_with_logits, p, t)
            exact_value, exact_grad = _exact_bce_logits(zi, t_value)
            ours = losses.binary_cross_entropy_with_logits(p, t)
            ours_grad = losses.binary_cross_entropy_with_logits.derivative(p, t)[0]
            # ours: full relative precision for labels 0 and 1 (a soft target's gradient
            # s(z) - t crosses 0, where only absolute precision is possible)
            soft = 0.0 < t_value < 1.0
            assert ours == pytest.approx(exact_value, rel=1e-15, abs=1e-300)
            assert ours_grad == pytest.approx(exact_grad, rel=1e-15, abs=5e-16 if soft else 0)
            # torch's: to its absolute rounding error, which grows like |z| eps (its form
            # (1 - t) z - logsigmoid(z) cancels: it gives 0 for t = 0, z = -35, where the
            # loss is 6.3e-16; its gradient s(z) - t rounds likewise)
            tol = 2 * np.finfo(np.float64).eps * max(1.0, abs(zi))
            assert ours == pytest.approx(value, rel=1e-14, abs=tol)
            assert ours_grad == pytest.approx(grad[0], rel=1e-14, abs=tol)


@pytest.mark.parametrize("z", [30.0, 36.0])
def test_bce_with_logits_confident_positive_exact(z):
    exact = math.log1p(math.exp(-z))
    value, _ = torch_loss_and_grad(
        F.binary_cross_entropy_with_logits, np.array([z]), np.array([1.0])
    )
    ours = losses.binary_cross_entropy_with_logits([z], [1.0])
    assert ours == pytest.approx(exact, rel=1e-15, abs=0)
    assert value == pytest.approx(exact, rel=1e-15, abs=0)
    grad = losses.binary_cross_entropy_with_logits.derivative([z], [1.0])
    assert grad[0] == pytest.approx(-math.exp(-z) / (1 + math.exp(-z)), rel=1e-15, abs=0)


# --- cross-entropy at the ends of the float range -------------------------------------------
@pytest.mark.parametrize("label", [0, 1])
def test_cross_entropy_of_logits_1e308(label):
    z = np.array([[1e308, -1e308]])
    value, grad = torch_loss_and_grad(F.cross_entropy, z, torch.tensor([label]))
    assert losses.cross_entropy(z, [label]) == value  # 0.0, and inf for the other class
    np.testing.assert_array_equal(losses.cross_entropy.derivative(z, [label]), grad)


def test_cross_entropy_probability_targets_float64():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(5, 4)) * 20
    t = rng.dirichlet(np.ones(4), size=5)
    value, grad = torch_loss_and_grad(F.cross_entropy, z, t)
    assert losses.cross_entropy(z, t) == pytest.approx(value, rel=1e-14)
    np.testing.assert_allclose(losses.cross_entropy.derivative(z, t), grad, rtol=1e-12, atol=1e-17)


# --- float32 in, float32 out, as PyTorch computes it -----------------------------------------
def _torch_losses():
    return {
        "mse": (F.mse_loss, "real"),
        "squared_error": (lambda p, t: 0.5 * ((p - t) ** 2).sum(), "real"),
        "binary_cross_entropy": (F.binary_cross_entropy, "prob"),
        "binary_cross_entropy_with_logits": (F.binary_cross_entropy_with_logits, "real"),
        "cross_entropy": (F.cross_entropy, "index"),
    }


@pytest.mark.parametrize("name", list(_torch_losses()))
def test_float32_losses_match_torch_float32(name):
    fn, kind = _torch_losses()[name]
    rng = np.random.default_rng(1)
    p = rng.normal(size=(8, 3)).astype(np.float32)
    t = rng.integers(0, 2, size=(8, 3)).astype(np.float32)
    if kind == "prob":
        p = (1 / (1 + np.exp(-p))).astype(np.float32)
    if kind == "index":
        t = rng.integers(0, 3, size=8)
    value, grad = torch_loss_and_grad(fn, p, t)
    assert losses.get(name)(p, t) == pytest.approx(value, rel=2e-6)
    ours = losses.get(name).derivative(p, t)
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours, grad, rtol=2e-6, atol=1e-8)


TORCH_ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda t: F.leaky_relu(t, 0.01),
    "elu": F.elu,
    "identity": lambda t: t * 1,
    "softmax": lambda t: torch.softmax(t, -1),
}


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
@pytest.mark.parametrize("name", TORCH_ACTIVATIONS)
def test_low_precision_activations_match_torch(name, dtype):
    rng = np.random.default_rng(2)
    z = (rng.normal(size=(6, 5)) * 4).astype(dtype)
    g = rng.normal(size=(6, 5)).astype(dtype)
    f = activations.get(name)
    zt = torch.tensor(z, requires_grad=True)
    out = TORCH_ACTIVATIONS[name](zt)
    out.backward(torch.tensor(g))
    eps = float(np.finfo(dtype).eps)
    a = f(z)
    assert a.dtype == dtype
    np.testing.assert_allclose(a, out.detach().numpy(), rtol=2 * eps, atol=2 * eps)
    grad = f.backward(a, g)
    assert grad.dtype == dtype
    np.testing.assert_allclose(grad, zt.grad.numpy(), rtol=8 * eps, atol=8 * eps)
