"""gradlab.autodiff against torch.autograd in float64: gradients agree to rtol 1e-12."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import BroadcastableShapes, mutually_broadcastable_shapes

from gradlab.autodiff import Tensor

RTOL = 1e-12


def assert_close(mine: np.ndarray, ref: torch.Tensor, err_msg: str = "") -> None:
    """Elementwise ``rtol = 1e-12``, with an absolute floor of ``1e-12 * max|ref|``.

    The floor is for entries that are sums of cancelling terms (matrix products): NumPy's
    BLAS and torch add in different orders, so such an entry, tiny next to the rest of its
    array, can differ in relative terms by more than 1e-12 although it agrees to 1e-12 of
    the array's scale (seen for ~5% of random MLP draws; relative error up to 5e-11 on an
    entry ~1e-6 of its array's largest).
    """
    expected = ref.detach().numpy()
    scale = float(np.max(np.abs(expected))) if expected.size else 0.0
    np.testing.assert_allclose(mine, expected, rtol=RTOL, atol=RTOL * scale, err_msg=err_msg)


class GradlabOps:
    """The reductions and elementwise functions, spelled for gradlab.autodiff."""

    @staticmethod
    def sum(t: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        return t.sum(axis=axis, keepdims=keepdims)

    @staticmethod
    def mean(t: Tensor, axis: Any = None, keepdims: bool = False) -> Tensor:
        return t.mean(axis=axis, keepdims=keepdims)

    exp = staticmethod(Tensor.exp)
    log = staticmethod(Tensor.log)
    sigmoid = staticmethod(Tensor.sigmoid)
    tanh = staticmethod(Tensor.tanh)
    relu = staticmethod(Tensor.relu)


class TorchOps:
    """The same, spelled for torch."""

    @staticmethod
    def sum(t: torch.Tensor, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
        return torch.sum(t, dim=axis, keepdim=keepdims)

    @staticmethod
    def mean(t: torch.Tensor, axis: Any = None, keepdims: bool = False) -> torch.Tensor:
        return torch.mean(t, dim=axis, keepdim=keepdims)

    exp = staticmethod(torch.exp)
    log = staticmethod(torch.log)
    sigmoid = staticmethod(torch.sigmoid)
    tanh = staticmethod(torch.tanh)
    relu = staticmethod(torch.relu)


Expression = Callable[..., Any]


def mlp(o: Any, x: Any, w1: Any, b1: Any, w2: Any, b2: Any, y: Any) -> Any:
    h = o.sigmoid(x @ w1 + b1)
    out = o.tanh(h @ w2 + b2)
    return o.mean((out - y) ** 2)


def mlp_relu_logsumexp(o: Any, x: Any, w1: Any, b1: Any, w2: Any) -> Any:
    z = o.relu(x @ w1 + b1) @ w2
    lse = o.log(o.sum(o.exp(z), axis=1, keepdims=True))
    return o.mean(o.sum(z - lse, axis=1))


def reductions(o: Any, a: Any) -> Any:
    s = o.sum(a, axis=0, keepdims=True)  # (1, 4, 2)
    m = o.mean(a, axis=(0, 2), keepdims=True)  # (1, 4, 1)
    r = o.mean(a, axis=-1, keepdims=True) ** 2  # (3, 4, 1)
    return o.sum(s * m + r, axis=1) * 0.5 + o.sum(a, axis=(0, 1)) - o.mean(a)  # (3, 2)


def elementwise(o: Any, a: Any, p: Any) -> Any:
    return (o.exp(a) / (1 + p) + o.log(p) * o.tanh(a) - p**1.5 + 1 / (a * a + 1)) ** 3 - 2 / p


def broadcasting(o: Any, a: Any, b: Any, c: Any) -> Any:
    return o.sigmoid(a * b - c) / (1 + b * b) + (c - a) ** 2 * o.relu(b)


def shared_nodes(o: Any, x: Any, y: Any) -> Any:
    z = x * y
    w = z + z * x
    u = o.tanh(w) * z - w / (2 + z * z)
    return o.sum(u * u + u, axis=0)


def matvec(o: Any, v: Any, m: Any, u: Any) -> Any:
    return o.sigmoid(v @ m) @ u + (m @ u) @ (m @ u) * (v @ v)


CASES: dict[str, tuple[Expression, list[tuple[tuple[int, ...], str]]]] = {
    # name: (expression, [(shape, domain)]) with domain "any" or "positive"
    "mlp": (
        mlp,
        [
            ((8, 5), "any"),
            ((5, 6), "any"),
            ((6,), "any"),
            ((6, 3), "any"),
            ((1, 3), "any"),
            ((8, 3), "any"),
        ],
    ),
    "mlp_relu_logsumexp": (
        mlp_relu_logsumexp,
        [((7, 4), "any"), ((4, 5), "any"), ((1, 5), "any"), ((5, 3), "any")],
    ),
    "reductions_axes_keepdims": (reductions, [((3, 4, 2), "any")]),
    "elementwise_exp_log_tanh_pow_div": (elementwise, [((4, 3), "any"), ((4, 3), "positive")]),
    "broadcasting": (broadcasting, [((3, 1), "any"), ((1, 4), "any"), ((4,), "any")]),
    "broadcasting_scalar": (broadcasting, [((5,), "any"), ((), "any"), ((2, 5), "any")]),
    "shared_nodes": (shared_nodes, [((3, 2), "any"), ((2,), "any")]),
    "matvec": (matvec, [((4,), "any"), ((4, 3), "any"), ((3,), "any")]),
}


def draw(rng: np.random.Generator, shape: tuple[int, ...], domain: str) -> np.ndarray:
    if domain == "positive":
        return rng.uniform(0.5, 2.0, size=shape)
    return np.asarray(rng.normal(size=shape))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", list(CASES))
def test_gradients_match_torch(name: str, seed: int) -> None:
    expression, specs = CASES[name]
    rng = np.random.default_rng(seed)
    arrays = [draw(rng, shape, domain) for shape, domain in specs]

    ours = [Tensor(a) for a in arrays]
    out = expression(GradlabOps, *ours)
    seed_grad = rng.normal(size=out.shape)
    out.backward(seed_grad)

    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    ref = expression(TorchOps, *theirs)
    ref.backward(torch.tensor(seed_grad, dtype=torch.float64))

    assert_close(out.data, ref)
    for mine, t in zip(ours, theirs, strict=True):
        assert t.grad is not None
        assert mine.grad.shape == tuple(t.shape)
        assert_close(mine.grad, t.grad)


@settings(max_examples=40, deadline=None)
@given(
    shapes=mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=4),
    seed=st.integers(0, 2**32 - 1),
)
def test_broadcasting_matches_torch_hypothesis(shapes: BroadcastableShapes, seed: int) -> None:
    rng = np.random.default_rng(seed)
    arrays = [np.asarray(rng.normal(size=s)) for s in shapes.input_shapes]
    ours = [Tensor(a) for a in arrays]
    out = broadcasting(GradlabOps, *ours)
    assert out.shape == shapes.result_shape
    weight = rng.normal(size=out.shape)
    out.backward(weight)
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    ref = broadcasting(TorchOps, *theirs)
    ref.backward(torch.tensor(weight, dtype=torch.float64))
    assert_close(out.data, ref)
    for mine, t in zip(ours, theirs, strict=True):
        assert t.grad is not None
        assert mine.grad.shape == tuple(t.shape)
        assert_close(mine.grad, t.grad)


def test_scalar_loss_default_seed_matches_torch() -> None:
    rng = np.random.default_rng(42)
    arrays = [rng.normal(size=s) for s in [(6, 4), (4, 3), (3,), (3, 2), (1, 2), (6, 2)]]
    ours = [Tensor(a) for a in arrays]
    loss = mlp(GradlabOps, *ours)
    loss.backward()
    theirs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    ref = mlp(TorchOps, *theirs)
    ref.backward()
    assert float(loss.data) == pytest.approx(ref.item(), rel=RTOL)
    for mine, t in zip(ours, theirs, strict=True):
        assert t.grad is not None
        assert_close(mine.grad, t.grad)


def test_backward_twice_accumulates_like_torch() -> None:
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(3, 2)), rng.normal(size=(2,))
    x, y = Tensor(a), Tensor(b)
    loss = shared_nodes(GradlabOps, x, y).sum()
    loss.backward()
    loss.backward()
    tx = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    ref = shared_nodes(TorchOps, tx, ty).sum()
    ref.backward(retain_graph=True)
    ref.backward()
    assert tx.grad is not None
    assert ty.grad is not None
    assert_close(x.grad, tx.grad)
    assert_close(y.grad, ty.grad)


@pytest.mark.parametrize("values", [[-1e4, -30.0, -1.0, 0.0, 2.0, 40.0, 1e4]])
def test_activations_match_torch_including_extremes(values: list[float]) -> None:
    a = np.array(values)
    for name in ("sigmoid", "tanh", "relu"):
        x = Tensor(a)
        out = getattr(GradlabOps, name)(x)
        out.backward(np.ones_like(a))
        t = torch.tensor(a, dtype=torch.float64, requires_grad=True)
        ref = getattr(TorchOps, name)(t)
        ref.backward(torch.ones_like(t))
        assert t.grad is not None
        np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=RTOL, err_msg=name)
        np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=RTOL, atol=0, err_msg=name)


@pytest.mark.parametrize("name", ["mlp", "mlp_relu_logsumexp", "shared_nodes", "matvec"])
def test_float32_stays_float32_and_matches_torch_float32(name: str) -> None:
    expression, specs = CASES[name]
    rng = np.random.default_rng(5)
    arrays = [draw(rng, shape, domain).astype(np.float32) for shape, domain in specs]
    ours = [Tensor(a) for a in arrays]
    out = expression(GradlabOps, *ours)
    seed_grad = rng.normal(size=out.shape).astype(np.float32)
    out.backward(seed_grad)
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    ref = expression(TorchOps, *theirs)
    ref.backward(torch.tensor(seed_grad))
    assert ref.dtype == torch.float32
    assert out.data.dtype == np.float32
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-5, atol=1e-6)
    for mine, t in zip(ours, theirs, strict=True):
        assert t.grad is not None
        assert mine.grad.dtype == np.float32
        scale = float(t.grad.abs().max())
        np.testing.assert_allclose(mine.grad, t.grad.numpy(), rtol=1e-4, atol=1e-5 * scale)
