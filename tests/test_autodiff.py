"""Tests of gradlab.autodiff: finite differences, exact values, graph bookkeeping, errors."""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import BroadcastableShapes, mutually_broadcastable_shapes

from gradlab.autodiff import Tensor, topological_order

TensorFn = Callable[..., Tensor]


# ------------------------------------------------------------------------------------------
# Helpers


def numerical_grads(
    f: TensorFn, arrays: Sequence[np.ndarray], weight: np.ndarray, h: float = 1e-6
) -> list[np.ndarray]:
    """Central differences of ``sum(weight * f(*arrays))`` with respect to each array."""

    def loss(args: list[np.ndarray]) -> float:
        return float(np.sum(weight * f(*[Tensor(a) for a in args]).data))

    grads = []
    for k, a in enumerate(arrays):
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            plus = [b.copy() for b in arrays]
            minus = [b.copy() for b in arrays]
            plus[k][idx] += h
            minus[k][idx] -= h
            g[idx] = (loss(plus) - loss(minus)) / (2 * h)
        grads.append(g)
    return grads


def autodiff_grads(
    f: TensorFn, arrays: Sequence[np.ndarray], weight: np.ndarray
) -> tuple[Tensor, list[np.ndarray]]:
    """Output of ``f`` and the gradients of ``sum(weight * f(*arrays))`` by backward."""
    tensors = [Tensor(a) for a in arrays]
    out = f(*tensors)
    out.backward(weight)
    return out, [t.grad for t in tensors]


def check_gradients(f: TensorFn, arrays: Sequence[np.ndarray], seed: int = 0) -> None:
    """Backward agrees with central differences, and every grad has its operand's shape."""
    arrays = [np.asarray(a) for a in arrays]  # rng.normal(size=()) gives a NumPy scalar
    rng = np.random.default_rng(seed)
    out = f(*[Tensor(a) for a in arrays])
    weight = rng.normal(size=out.shape)
    _, grads = autodiff_grads(f, arrays, weight)
    expected = numerical_grads(f, arrays, weight)
    for a, g, e in zip(arrays, grads, expected, strict=True):
        assert g.shape == a.shape
        assert g.dtype == a.dtype
        np.testing.assert_allclose(g, e, rtol=1e-6, atol=1e-7)


def away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values with 0.5 <= |v| <= 2 (safe denominators, no kinks of relu)."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.5, 2.0, size=shape)


# ------------------------------------------------------------------------------------------
# Construction and attributes


def test_leaf_attributes() -> None:
    x = Tensor([[1, 2, 3]], name="x")
    assert x.data.dtype == np.float64
    np.testing.assert_array_equal(x.data, [[1.0, 2.0, 3.0]])
    assert x.shape == (1, 3)
    assert x.op == ""
    assert x.parents == ()
    assert x.name == "x"
    # grad is zeros (never None) until a backward pass, same shape and dtype as data
    assert isinstance(x.grad, np.ndarray)
    np.testing.assert_array_equal(x.grad, np.zeros((1, 3)))
    assert Tensor(2.0).shape == ()
    assert Tensor(2.0).name is None


def test_data_is_copied() -> None:
    a = np.array([1.0, 2.0])
    x = Tensor(a)
    a[0] = 100.0
    assert x.data[0] == 1.0


def test_float32_is_kept_and_python_scalars_do_not_promote() -> None:
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32))
    w = Tensor(np.ones((2, 2), dtype=np.float32))
    h = ((x * 2.0 + 1 - x / 4).exp().sigmoid().tanh().relu() ** 2 + 3) @ w
    y = (h.log().sum(axis=0, keepdims=True) + (2 - h).mean()).sum()
    for node in topological_order(y):
        assert node.data.dtype == np.float32, node.op
    y.backward()
    assert x.grad.dtype == np.float32
    assert w.grad.dtype == np.float32
    # a float64 seed or assigned gradient is cast to the tensor's dtype
    h.backward(np.ones(2))
    assert x.grad.dtype == np.float32
    x.grad = np.array([0.5, 0.25])
    assert x.grad.dtype == np.float32
    # NumPy's own promotion rules for arrays: float32 with float64 gives float64
    assert (x * np.array([1.0, 1.0])).data.dtype == np.float64
    assert Tensor([1, 2]).data.dtype == np.float64


def test_op_labels_and_ordered_parents() -> None:
    x, y = Tensor(2.0, name="x"), Tensor(3.0, name="y")
    assert (x + y).op == "+"
    assert (x * y).op == "*"
    assert (x**2).op == "**2"
    assert (x**-0.5).op == "**-0.5"
    assert (Tensor([1.0]) @ Tensor([2.0])).op == "@"
    for method in ("sum", "exp", "log", "sigmoid", "tanh", "relu"):
        z = getattr(x, method)()
        assert z.op == method
        assert z.parents[0] is x
    p = (x * y).parents
    assert isinstance(p, tuple)
    assert p[0] is x
    assert p[1] is y
    # a tensor used twice by one operation is listed twice
    sq = x * x
    assert len(sq.parents) == 2
    assert sq.parents[0] is x
    assert sq.parents[1] is x
    # a Python scalar becomes a constant leaf
    c = (x + 5).parents[1]
    assert c.op == ""
    assert c.data == 5.0


def test_composites_are_built_from_primitives() -> None:
    x, y = Tensor(2.0), Tensor(3.0)
    d = x - y
    assert d.op == "+"
    assert d.parents[0] is x
    assert d.parents[1].op == "*"  # -y is y * -1
    q = x / y
    assert q.op == "*"
    assert q.parents[1].op == "**-1"
    m = Tensor([1.0, 2.0]).mean()
    assert m.op == "*"
    assert m.parents[0].op == "sum"
    assert (-x).op == "*"
    assert x.neg().data == -2.0


def test_repr_shows_data_grad_op_and_name() -> None:
    x = Tensor(2.0, name="x")
    y = x * 3
    y.backward()
    assert repr(x) == "Tensor(2., grad=3., name='x')"
    assert repr(y) == "Tensor(6., grad=1., op='*')"
    r = repr(Tensor(np.zeros((2, 2), dtype=np.float32)))
    assert r == "Tensor([[0., 0.], [0., 0.]], dtype=float32, grad=[[0., 0.], [0., 0.]])"
    assert "..." in repr(Tensor(np.arange(1000.0)))


# ------------------------------------------------------------------------------------------
# Forward values


def test_forward_values_match_numpy() -> None:
    rng = np.random.default_rng(1)
    a = rng.uniform(0.5, 2.0, size=(3, 4))
    b = rng.normal(size=(1, 4))
    x, y = Tensor(a), Tensor(b)
    np.testing.assert_allclose((x + y).data, a + b, rtol=1e-15)
    np.testing.assert_allclose((x - y).data, a - b, rtol=1e-15)
    np.testing.assert_allclose((x * y).data, a * b, rtol=1e-15)
    np.testing.assert_allclose((x / y).data, a / b, rtol=1e-15)
    np.testing.assert_allclose((x**1.5).data, a**1.5, rtol=1e-15)
    np.testing.assert_allclose((x @ y.data.T).data, a @ b.T, rtol=1e-14)
    np.testing.assert_allclose(x.exp().data, np.exp(a), rtol=1e-15)
    np.testing.assert_allclose(x.log().data, np.log(a), rtol=1e-15)
    np.testing.assert_allclose(y.tanh().data, np.tanh(b), rtol=1e-15)
    np.testing.assert_allclose(y.sigmoid().data, 1 / (1 + np.exp(-b)), rtol=1e-15)
    np.testing.assert_array_equal(y.relu().data, np.maximum(b, 0))
    np.testing.assert_allclose(x.sum(axis=1).data, a.sum(axis=1), rtol=1e-15)
    np.testing.assert_allclose(
        x.mean(axis=(0, 1), keepdims=True).data, a.mean(keepdims=True), rtol=1e-15
    )
    np.testing.assert_array_equal((-x).data, -a)
    np.testing.assert_allclose((2 - x).data, 2 - a, rtol=1e-15)
    np.testing.assert_allclose((2 / x).data, 2 / a, rtol=1e-15)


def test_scalars_and_arrays_on_either_side() -> None:
    a = np.array([1.0, 2.0, 4.0])
    x = Tensor(a)
    cases = {
        "radd": (3 + x, 3 + a),
        "rsub": (3 - x, 3 - a),
        "rmul": (3 * x, 3 * a),
        "rdiv": (3 / x, 3 / a),
        "arr_add": (a + x, a + a),
        "arr_sub": (a - x, a - a),
        "arr_mul": (a * x, a * a),
        "arr_div": (a / x, a / a),
        "np_scalar": (np.float64(2.0) * x, 2.0 * a),
        "rmatmul": (np.eye(3) @ x, a),
        "matmul_arr": (x @ np.ones(3), np.array(7.0)),
    }
    for label, (got, want) in cases.items():
        assert isinstance(got, Tensor), label
        np.testing.assert_allclose(got.data, want, rtol=1e-15, err_msg=label)
    y = (3 - x) + (3 / x) + a * x + np.eye(3) @ x
    y.backward(np.ones(3))
    np.testing.assert_allclose(x.grad, -1 - 3 / a**2 + a + 1, rtol=1e-15)


def test_sigmoid_is_stable_at_extremes() -> None:
    # filterwarnings=error: an overflow warning from exp(1e4) would fail this test
    x = Tensor([-1e4, -800.0, 0.0, 800.0, 1e4])
    s = x.sigmoid()
    np.testing.assert_array_equal(s.data, [0.0, 0.0, 0.5, 1.0, 1.0])
    s.backward(np.ones(5))
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.25, 0.0, 0.0])
    f32 = Tensor(np.array([-1e4, 1e4], dtype=np.float32)).sigmoid()
    np.testing.assert_array_equal(f32.data, [0.0, 1.0])


def test_relu_derivative_at_zero_is_zero() -> None:
    x = Tensor([-1.0, 0.0, 2.0])
    x.relu().backward(np.ones(3))
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 1.0])


def test_pow_zero_exponent_has_zero_gradient_everywhere() -> None:
    x = Tensor([0.0, -2.0, 3.0])
    y = x**0
    np.testing.assert_array_equal(y.data, [1.0, 1.0, 1.0])
    y.backward(np.ones(3))
    np.testing.assert_array_equal(x.grad, [0.0, 0.0, 0.0])


def test_log_follows_numpy_semantics_with_numpy_warnings() -> None:
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        y = Tensor([0.0, 1.0]).log()
    np.testing.assert_array_equal(y.data, [-np.inf, 0.0])
    with pytest.warns(RuntimeWarning, match="invalid value"):
        z = Tensor([-1.0]).log()
    assert np.isnan(z.data[0])


# ------------------------------------------------------------------------------------------
# Gradients against central finite differences

UNARY: dict[str, tuple[TensorFn, str]] = {
    # name: (function, domain) with domain "any", "positive" or "nonzero"
    "neg": (lambda x: x.neg(), "any"),
    "unary_minus": (lambda x: -x, "any"),
    "exp": (lambda x: x.exp(), "any"),
    "log": (lambda x: x.log(), "positive"),
    "sigmoid": (lambda x: x.sigmoid(), "any"),
    "tanh": (lambda x: x.tanh(), "any"),
    "relu": (lambda x: x.relu(), "nonzero"),
    "pow2": (lambda x: x**2, "any"),
    "pow3": (lambda x: x**3, "any"),
    "pow1": (lambda x: x**1, "any"),
    "pow_half": (lambda x: x**0.5, "positive"),
    "pow_neg1": (lambda x: x**-1, "nonzero"),
    "pow_neg2.5": (lambda x: x**-2.5, "positive"),
    "sum": (lambda x: x.sum(), "any"),
    "sum_axis0": (lambda x: x.sum(axis=0), "any"),
    "sum_axis_neg1_keep": (lambda x: x.sum(axis=-1, keepdims=True), "any"),
    "sum_axes_tuple": (lambda x: x.sum(axis=(0, 2)), "any"),
    "sum_keep_all": (lambda x: x.sum(keepdims=True), "any"),
    "mean": (lambda x: x.mean(), "any"),
    "mean_axis1": (lambda x: x.mean(axis=1), "any"),
    "mean_axes_keep": (lambda x: x.mean(axis=(1, 2), keepdims=True), "any"),
    "rsub": (lambda x: 2.5 - x, "any"),
    "rdiv": (lambda x: 2.5 / x, "nonzero"),
    "div_scalar": (lambda x: x / 4, "any"),
    "scalar_mul": (lambda x: 3 * x * 0.5, "any"),
}


def draw_array(rng: np.random.Generator, shape: tuple[int, ...], domain: str) -> np.ndarray:
    if domain == "positive":
        return rng.uniform(0.5, 2.0, size=shape)
    if domain == "nonzero":
        return away_from_zero(rng, shape)
    return rng.normal(size=shape)


@pytest.mark.parametrize("name", list(UNARY))
def test_unary_gradients(name: str) -> None:
    f, domain = UNARY[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    check_gradients(f, [draw_array(rng, (2, 3, 4), domain)])


@pytest.mark.parametrize("name", ["exp", "log", "sigmoid", "tanh", "relu", "pow2", "sum", "mean"])
def test_unary_gradients_on_scalars(name: str) -> None:
    f, domain = UNARY[name]
    x = draw_array(np.random.default_rng(5), (), domain)
    check_gradients(f, [x])


BINARY: dict[str, tuple[TensorFn, bool]] = {
    # name: (function, needs a nonzero second operand)
    "add": (lambda a, b: a + b, False),
    "sub": (lambda a, b: a - b, False),
    "mul": (lambda a, b: a * b, False),
    "div": (lambda a, b: a / b, True),
    "same_operand_twice": (lambda a, b: a * a + b * b * b, False),
}


@pytest.mark.parametrize("name", list(BINARY))
@pytest.mark.parametrize(
    ("shape_a", "shape_b"),
    [
        ((3, 1), (1, 4)),
        ((5,), ()),
        ((), (5,)),
        ((2, 3), (3,)),
        ((4, 1, 3), (2, 1)),
        ((2, 3), (2, 3)),
    ],
)
def test_binary_gradients_with_broadcasting(
    name: str, shape_a: tuple[int, ...], shape_b: tuple[int, ...]
) -> None:
    f, nonzero = BINARY[name]
    rng = np.random.default_rng(7)
    a = rng.normal(size=shape_a)
    b = away_from_zero(rng, shape_b) if nonzero else rng.normal(size=shape_b)
    check_gradients(f, [a, b])


@settings(max_examples=40, deadline=None)
@given(
    shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
    name=st.sampled_from(list(BINARY)),
    seed=st.integers(0, 2**32 - 1),
)
def test_binary_gradients_hypothesis_shapes(
    shapes: BroadcastableShapes, name: str, seed: int
) -> None:
    f, nonzero = BINARY[name]
    rng = np.random.default_rng(seed)
    shape_a, shape_b = shapes.input_shapes
    a = rng.normal(size=shape_a)
    b = away_from_zero(rng, shape_b) if nonzero else rng.normal(size=shape_b)
    check_gradients(f, [a, b], seed=seed)


@pytest.mark.parametrize(
    ("shape_a", "shape_b"), [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((4,), (4,))]
)
def test_matmul_gradients(shape_a: tuple[int, ...], shape_b: tuple[int, ...]) -> None:
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=shape_a), rng.normal(size=shape_b)
    out = Tensor(a) @ Tensor(b)
    assert out.shape == (a @ b).shape
    check_gradients(lambda x, y: x @ y, [a, b])


def test_matmul_gradients_exact_formula() -> None:
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    g = rng.normal(size=(3, 2))
    x, w = Tensor(a), Tensor(b)
    (x @ w).backward(g)
    np.testing.assert_array_equal(x.grad, g @ b.T)
    np.testing.assert_array_equal(w.grad, a.T @ g)


COMPOSITES: dict[str, tuple[TensorFn, list[tuple[int, ...]]]] = {
    "mlp_mse": (
        lambda x, w1, b1, w2, b2, y: (((x @ w1 + b1).sigmoid() @ w2 + b2 - y) ** 2).mean(),
        [(5, 3), (3, 4), (4,), (4, 2), (1, 2), (5, 2)],
    ),
    "tanh_relu_layers": (
        lambda x, w1, w2: ((x @ w1).tanh() @ w2).relu().sum(axis=0),
        [(4, 3), (3, 3), (3, 2)],
    ),
    "log_softmax_like": (
        lambda z: z - z.exp().sum(axis=1, keepdims=True).log(),
        [(3, 4)],
    ),
    "ratio_and_powers": (
        lambda a, b: (a * a + 1.0) / (b.exp() + 1) - (a**3).mean(axis=0, keepdims=True) * b,
        [(2, 3), (1, 3)],
    ),
    "shared_subexpression": (
        lambda x, y: (lambda z: z * z.tanh() + z / (1 + z * z) + x * z)(x * y + x),
        [(3,), (3,)],
    ),
}


@pytest.mark.parametrize("name", list(COMPOSITES))
def test_composite_gradients(name: str) -> None:
    f, shapes = COMPOSITES[name]
    rng = np.random.default_rng(11)
    check_gradients(f, [rng.normal(size=s) for s in shapes])


@settings(max_examples=30, deadline=None)
@given(
    shapes=mutually_broadcastable_shapes(num_shapes=3, min_dims=1, max_dims=3, max_side=3),
    seed=st.integers(0, 2**32 - 1),
)
def test_composite_hypothesis_shapes(shapes: BroadcastableShapes, seed: int) -> None:
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(size=s) for s in shapes.input_shapes]
    arrays[2] = rng.uniform(0.5, 2.0, size=shapes.input_shapes[2])

    def f(a: Tensor, b: Tensor, c: Tensor) -> Tensor:
        h = (a * b + c.log()).tanh()
        return (h * h.sigmoid() - b / c).mean(axis=-1, keepdims=True) + (a - c) ** 2

    check_gradients(f, arrays, seed=seed)


# ------------------------------------------------------------------------------------------
# Exact values: shared nodes and accumulation


def test_shared_node_receives_the_sum_of_both_paths() -> None:
    x, y = Tensor(2.0), Tensor(3.0)
    z = x * y
    w = z + z * x  # w = xy + x^2 y
    w.backward()
    assert w.grad == 1.0
    assert z.grad == 3.0  # 1 + x
    assert x.grad == 15.0  # z + (1 + x) y = y + 2xy
    assert y.grad == 6.0  # (1 + x) x = x + x^2


def test_same_tensor_twice_in_one_op() -> None:
    x = Tensor([1.5, -2.0])
    (x * x).backward(np.ones(2))
    np.testing.assert_array_equal(x.grad, [3.0, -4.0])
    v = Tensor(3.0)
    (v + v).backward()
    assert v.grad == 2.0


def test_backward_twice_accumulates_like_pytorch() -> None:
    x = Tensor(2.0)
    h = x * x  # intermediate node
    y = h * 3.0
    y.backward()
    assert [float(t.grad) for t in (x, h, y)] == [12.0, 3.0, 1.0]
    y.backward()
    assert [float(t.grad) for t in (x, h, y)] == [24.0, 6.0, 2.0]


def test_two_roots_sharing_a_subgraph() -> None:
    x = Tensor(2.0)
    h = x * x
    a = h * 3.0
    b = h.exp()
    a.backward()
    b.backward()
    assert x.grad == pytest.approx(6.0 * 2.0 + np.exp(4.0) * 2.0 * 2.0, rel=1e-15)
    assert h.grad == pytest.approx(3.0 + np.exp(4.0), rel=1e-15)


def test_grad_array_identity_is_kept_across_backward() -> None:
    x = Tensor([1.0, 2.0])
    held = x.grad
    (x * 2).sum().backward()
    assert x.grad is held
    np.testing.assert_array_equal(held, [2.0, 2.0])


def test_zero_grad() -> None:
    x = Tensor([1.0, 2.0])
    y = (x * x).sum()
    y.backward()
    for node in topological_order(y):
        node.zero_grad()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])
    y.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])
    x.zero_grad()
    assert y.grad == 1.0  # only x was cleared


def test_backward_with_explicit_seed() -> None:
    x = Tensor([1.0, 2.0, 3.0])
    y = x * x
    y.backward([1.0, 0.0, 2.0])
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 12.0])
    np.testing.assert_array_equal(y.grad, [1.0, 0.0, 2.0])


def test_one_element_root_is_a_scalar() -> None:
    x = Tensor([[2.0]])
    (x * 3).backward()
    np.testing.assert_array_equal(x.grad, [[3.0]])


def test_failed_backward_leaves_grads_unchanged() -> None:
    x = Tensor(0.0)
    (x * 2).backward()
    assert x.grad == 2.0
    y = x**0.5  # d/dx x^0.5 at 0 divides by zero: NumPy warns, the warning is an error
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeWarning, match="divide by zero"):
            y.backward()
    assert x.grad == 2.0
    assert y.grad == 0.0


# ------------------------------------------------------------------------------------------
# Graph traversal: once per node, iterative, deterministic


def count_backward_calls(root: Tensor) -> dict[int, int]:
    """Wrap every node's backward closure with a call counter."""
    calls: dict[int, int] = {}
    for node in topological_order(root):
        calls[id(node)] = 0

        def counted(
            grad: np.ndarray, node: Tensor = node, inner: Callable[..., None] = node._backward
        ) -> None:
            calls[id(node)] += 1
            inner(grad)

        node._backward = counted
    return calls


def test_diamond_graph_visits_each_node_once() -> None:
    # x_{k+1} = 0.5 x_k + 0.5 x_k: 2^50 paths from the root to x, but 4 nodes per level
    x = Tensor(1.0)
    node = x
    for _ in range(50):
        node = node * 0.5 + node * 0.5
    order = topological_order(node)
    assert len(order) == 1 + 50 * 5  # per level: two constants, two products, one sum
    calls = count_backward_calls(node)
    node.backward()
    assert set(calls.values()) == {1}
    assert x.grad == 1.0


def test_long_chain_has_no_recursion_limit() -> None:
    n = 10_000
    assert n > sys.getrecursionlimit() // 2
    x = Tensor(1.0)
    y = x
    for _ in range(n):
        y = y + 1.0
    y.backward()
    assert y.data == n + 1
    assert x.grad == 1.0
    assert len(topological_order(y)) == 2 * n + 1
    z = x
    for _ in range(n):
        z = z.tanh()
    z.backward()
    assert 0.0 < z.data < 1.0
    assert np.isfinite(x.grad)


def test_topological_order_is_leaves_first_and_deterministic() -> None:
    def build() -> Tensor:
        a, b = Tensor(2.0, name="a"), Tensor(3.0, name="b")
        c = a * b
        c.name = "c"
        d = (c + a).exp()
        d.name = "d"
        return (d * c).sum()

    root = build()
    order = topological_order(root)
    labels = [t.name or t.op for t in order]
    assert labels == ["a", "b", "c", "+", "d", "*", "sum"]
    assert labels == [t.name or t.op for t in topological_order(build())]
    assert order[-1] is root
    assert order[0].parents == ()
    assert len({id(t) for t in order}) == len(order)
    position = {id(t): i for i, t in enumerate(order)}
    for t in order:
        for p in t.parents:
            assert position[id(p)] < position[id(t)]


def test_topological_order_of_a_leaf() -> None:
    x = Tensor(1.0)
    assert topological_order(x) == [x]
    x.backward()
    assert x.grad == 1.0


# ------------------------------------------------------------------------------------------
# Errors


@pytest.mark.parametrize("bad", [[1.0, np.nan], np.inf, [[0.0, -np.inf]]])
def test_non_finite_data_is_rejected(bad: object) -> None:
    with pytest.raises(ValueError, match="data"):
        Tensor(bad)  # type: ignore[arg-type]


def test_bad_constructor_arguments() -> None:
    with pytest.raises(TypeError, match="data"):
        Tensor("abc")
    with pytest.raises(TypeError, match="data"):
        Tensor([[1.0], [2.0, 3.0]])
    with pytest.raises(TypeError, match="data must be an array or a number, not a Tensor"):
        Tensor(Tensor(1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="name"):
        Tensor(1.0, name=3)  # type: ignore[arg-type]


def test_non_finite_operands_are_rejected() -> None:
    x = Tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="other"):
        x + np.nan
    with pytest.raises(ValueError, match="other"):
        x * np.array([1.0, np.inf])
    with pytest.raises(ValueError, match="exponent"):
        x ** float("nan")
    with pytest.raises(TypeError, match="exponent"):
        x ** Tensor(2.0)  # type: ignore[operator]


def test_incompatible_broadcast_shapes() -> None:
    with pytest.raises(ValueError, match="broadcast"):
        Tensor(np.ones(3)) + Tensor(np.ones(4))


@pytest.mark.parametrize(
    ("shape_a", "shape_b"), [((3, 4), (5, 2)), ((3,), (4,)), ((2, 3), (2,)), ((4,), (3, 4))]
)
def test_matmul_inner_dimension_mismatch(
    shape_a: tuple[int, ...], shape_b: tuple[int, ...]
) -> None:
    with pytest.raises(ValueError, match="inner dimensions") as info:
        Tensor(np.ones(shape_a)) @ Tensor(np.ones(shape_b))
    assert str(shape_a) in str(info.value)
    assert str(shape_b) in str(info.value)


@pytest.mark.parametrize(("shape_a", "shape_b"), [((2, 3, 4), (4, 2)), ((3,), ()), ((), (3,))])
def test_matmul_needs_1d_or_2d(shape_a: tuple[int, ...], shape_b: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="1-D or 2-D") as info:
        Tensor(np.ones(shape_a)) @ Tensor(np.ones(shape_b))
    assert str(shape_a) in str(info.value)
    assert str(shape_b) in str(info.value)
    with pytest.raises(ValueError, match="1-D or 2-D"):
        2.0 @ Tensor(np.ones(3))


def test_backward_errors() -> None:
    x = Tensor([1.0, 2.0])
    with pytest.raises(ValueError, match=r"one-element tensor, got shape \(2,\)"):
        (x * 2).backward()
    with pytest.raises(ValueError, match="shape"):
        (x * 2).backward(np.ones(3))
    with pytest.raises(ValueError, match="grad"):
        (x * 2).backward([1.0, np.nan])
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


def test_axis_and_keepdims_errors() -> None:
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"^axis: axis 2 is out of bounds"):
        x.sum(axis=2)
    with pytest.raises(ValueError, match=r"^axis: axis -3 is out of bounds"):
        x.mean(axis=-3)
    with pytest.raises(ValueError, match="repeated axis in `axis`"):
        x.sum(axis=(1, -1))
    with pytest.raises(ValueError, match=r"^axis: axis 0 is out of bounds"):
        Tensor(1.0).sum(axis=0)
    with pytest.raises(TypeError, match="axis"):
        x.sum(axis=True)
    with pytest.raises(TypeError, match="axis"):
        x.mean(axis=(0, "1"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="axis"):
        x.sum(axis=1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="axis"):
        x.sum(axis=[0, 1])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="keepdims"):
        x.sum(keepdims=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no elements"):
        Tensor(np.ones((0, 3))).mean(axis=0)


def test_numpy_functions_do_not_silently_take_tensors() -> None:
    with pytest.raises(TypeError):
        np.exp(Tensor(1.0))  # type: ignore[call-overload]


def test_topological_order_needs_a_tensor() -> None:
    with pytest.raises(TypeError, match="root"):
        topological_order(np.ones(2))  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# Misuse: refused with an error naming the argument, and nothing changed first


def used_graph() -> tuple[Tensor, Tensor, Tensor]:
    """x, w and the loss sum((x w)^2), after one backward pass."""
    x, w = Tensor([1.0, 2.0]), Tensor([3.0, -1.0])
    loss = ((x * w) ** 2).sum()
    loss.backward()
    return x, w, loss


def snapshot(root: Tensor) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(node.data.copy(), node.grad.copy()) for node in topological_order(root)]


def assert_unchanged(root: Tensor, before: list[tuple[np.ndarray, np.ndarray]]) -> None:
    after = snapshot(root)
    assert len(after) == len(before)
    for (data, grad), (data0, grad0) in zip(after, before, strict=True):
        np.testing.assert_array_equal(data, data0)
        np.testing.assert_array_equal(grad, grad0)


NOT_REAL: list[object] = [True, np.bool_(False), [True, False], np.array([1, 0], dtype=bool)]
NOT_REAL += [None, "1.0", [1.0, None], 1j, {"a": 1.0}]

MISUSES: dict[str, tuple[Callable[..., object], type[Exception], str]] = {
    # name: (the misuse, error, the start of its message)
    "mul_nan": (lambda x, w, loss: x * np.nan, ValueError, "other contains 1 non-finite"),
    "pow_inf": (lambda x, w, loss: x ** float("inf"), ValueError, "exponent must be finite"),
    "pow_str": (lambda x, w, loss: x ** "2", TypeError, "exponent must be a real number"),
    "pow_bool": (lambda x, w, loss: x**True, TypeError, "exponent must be a real number"),
    "matmul_shapes": (lambda x, w, loss: x @ np.ones((3, 2)), ValueError, "@ needs matching"),
    "add_shapes": (lambda x, w, loss: x + np.ones(3), ValueError, "operands could not be"),
    "sum_axis": (lambda x, w, loss: x.sum(axis=1), ValueError, "axis: axis 1 is out of"),
    "sum_axis_float": (lambda x, w, loss: x.sum(axis=0.0), TypeError, "axis must be None"),
    "mean_axis_str": (lambda x, w, loss: x.mean(axis="0"), TypeError, "axis must be None"),
    "sum_keepdims_str": (lambda x, w, loss: x.sum(keepdims="no"), TypeError, "keepdims must"),
    "mean_keepdims_int": (lambda x, w, loss: x.mean(keepdims=1), TypeError, "keepdims must"),
    "backward_vector": (lambda x, w, loss: (x * w).backward(), ValueError, "backward() without"),
    "backward_shape": (lambda x, w, loss: (x * w).backward([1.0]), ValueError, "grad must have"),
    "backward_nan": (lambda x, w, loss: loss.backward(np.nan), ValueError, "grad contains 1"),
    "backward_bool": (lambda x, w, loss: loss.backward(True), TypeError, "grad must be real"),
    "backward_str": (lambda x, w, loss: loss.backward("1"), TypeError, "grad must be real"),
    "backward_tensor": (lambda x, w, loss: loss.backward(Tensor(1.0)), TypeError, "grad must"),
    "set_grad_none": (lambda x, w, loss: setattr(x, "grad", None), TypeError, "grad must be"),
    "set_grad_shape": (lambda x, w, loss: setattr(x, "grad", [1.0]), ValueError, "grad must"),
    "set_grad_nan": (lambda x, w, loss: setattr(x, "grad", [0, np.nan]), ValueError, "grad"),
    "set_data_shape": (lambda x, w, loss: setattr(x, "data", np.ones(3)), ValueError, "data"),
    "set_data_bool": (lambda x, w, loss: setattr(x, "data", [True, True]), TypeError, "data"),
    "set_data_inf": (lambda x, w, loss: setattr(x, "data", [1, np.inf]), ValueError, "data"),
    "edit_result": (lambda x, w, loss: loss.data.__isub__(1.0), ValueError, "output array is"),
    "order_of_array": (lambda x, w, loss: topological_order(x.data), TypeError, "root must"),
}


@pytest.mark.parametrize("name", list(MISUSES))
def test_misuse_is_refused_and_changes_nothing(name: str) -> None:
    misuse, error, message = MISUSES[name]
    x, w, loss = used_graph()
    before = snapshot(loss)
    with pytest.raises(error, match="^" + re.escape(message)):
        misuse(x, w, loss)
    assert_unchanged(loss, before)
    # the graph still works: one more pass adds the same gradients, 2 x w^2 and 2 w x^2
    loss.backward()
    np.testing.assert_array_equal(x.grad, 2 * 2 * x.data * w.data**2)
    np.testing.assert_array_equal(w.grad, 2 * 2 * w.data * x.data**2)


@pytest.mark.parametrize("bad", NOT_REAL, ids=repr)
def test_booleans_strings_none_are_not_numbers(bad: object) -> None:
    x, _, loss = used_graph()
    before = snapshot(loss)
    with pytest.raises(TypeError, match=r"^data must be real numbers"):
        Tensor(bad)  # type: ignore[arg-type]
    for operation in (x.__add__, x.__rsub__, x.__mul__, x.__truediv__, x.__rmatmul__):
        with pytest.raises(TypeError, match=r"^other must be real numbers"):
            operation(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^grad must be real numbers"):
        x.grad = bad  # type: ignore[assignment]
    with pytest.raises(TypeError, match=r"^data must be real numbers"):
        x.data = bad  # type: ignore[assignment]
    assert_unchanged(loss, before)


def test_message_says_what_was_given() -> None:
    with pytest.raises(TypeError, match=r"^data must be real numbers \(int or float\), got bool"):
        Tensor(True)
    with pytest.raises(TypeError, match="got an array of dtype bool"):
        Tensor(np.zeros(2, dtype=bool))
    with pytest.raises(TypeError, match="got NoneType None"):
        Tensor(1.0) * None  # type: ignore[operator]


def test_failed_backward_after_a_pass_keeps_the_totals() -> None:
    x = Tensor(0.0)
    y = x * 2 + x**0.5  # d/dx x^0.5 at 0 divides by zero: NumPy warns, the warning is an error
    held = x.grad
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (x * 3).backward()
        with pytest.raises(RuntimeWarning, match="divide by zero"):
            y.backward()
    assert x.grad is held
    assert x.grad == 3.0
    assert all(node.grad == 0.0 for node in topological_order(y) if node is not x)


def test_empty_tensors() -> None:
    x = Tensor(np.ones((0, 3)))
    s = x.sum(axis=0)
    np.testing.assert_array_equal(s.data, [0.0, 0.0, 0.0])
    s.backward(np.ones(3))
    assert x.grad.shape == (0, 3)
    assert (Tensor(np.ones((2, 0))) @ Tensor(np.ones((0, 3)))).shape == (2, 3)


def test_a_chain_of_5000_nodes_is_differentiated_without_recursion() -> None:
    x = Tensor(0.5)
    y = x
    for _ in range(4999):
        y = y.sigmoid()
    order = topological_order(y)
    assert len(order) == 5000
    assert order[0] is x
    y.backward()
    # d sigma^(n)(x)/dx is the product of sigma' along the chain, recomputed here in NumPy
    values, product = 0.5, 1.0
    for _ in range(4999):
        values = 1 / (1 + np.exp(-values))
        product *= values * (1 - values)
    assert x.grad == pytest.approx(product, rel=1e-12)


# ------------------------------------------------------------------------------------------
# Editing .data: the contract in the module docstring


def test_result_data_is_read_only_so_backward_is_not_corrupted() -> None:
    x = Tensor([0.5, 1.0])
    y = x.exp()  # exp's backward reads its own output
    with pytest.raises(ValueError, match="read-only"):
        y.data -= 1.0
    with pytest.raises(ValueError, match="read-only"):
        y.data[0] = 0.0
    y.backward(np.ones(2))
    np.testing.assert_array_equal(x.grad, np.exp([0.5, 1.0]))
    # assigning a new array to a result keeps it read-only, and leaves the graph as it was
    y.data = [7.0, 8.0]
    assert not y.data.flags.writeable
    y.backward(np.ones(2))
    np.testing.assert_array_equal(x.grad, 2 * np.exp([0.5, 1.0]))


def test_leaf_data_assignment_copies_and_keeps_shape_and_dtype() -> None:
    w = Tensor(np.array([1.0, 2.0], dtype=np.float32))
    new = np.array([3.0, 4.0])
    w.data = new
    new[0] = 100.0
    np.testing.assert_array_equal(w.data, [3.0, 4.0])
    assert w.data.dtype == np.float32
    assert w.data.flags.writeable
    g = np.array([1.0, 1.0])
    w.grad = g
    g[0] = 100.0
    np.testing.assert_array_equal(w.grad, [1.0, 1.0])


def test_assigning_leaf_data_leaves_built_graphs_as_they_were() -> None:
    w = Tensor([1.0, 2.0])
    loss = (w * w * w).sum()  # d/dw = 3 w^2 at the values the graph saw
    w.data = w.data - 10.0
    loss.backward()
    np.testing.assert_array_equal(w.grad, [3.0, 12.0])


def test_editing_leaf_data_in_place_reaches_built_graphs() -> None:
    # the documented contract: in place, the graph's operations read the edited array
    w = Tensor([1.0, 2.0])
    loss = (w * 5.0).sum() + (w * w).sum()
    w.data += 1.0
    loss.backward()
    np.testing.assert_array_equal(w.grad, 5.0 + 2 * np.array([2.0, 3.0]))


def test_in_place_gradient_steps_between_graphs_are_exact() -> None:
    # micrograd's loop: build, backward, step in place, zero, rebuild
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(8, 3)), rng.normal(size=8)
    w_np = rng.normal(size=3)
    w = Tensor(w_np)
    for _ in range(5):
        loss = ((Tensor(X) @ w - y) ** 2).mean()
        loss.backward()
        grad_np = 2 * X.T @ (X @ w_np - y) / len(y)
        np.testing.assert_allclose(w.grad, grad_np, rtol=1e-13)
        w.data -= 0.1 * w.grad
        w_np = w_np - 0.1 * grad_np
        w.zero_grad()
    np.testing.assert_allclose(w.data, w_np, rtol=1e-13)


def test_operands_are_copied() -> None:
    x = Tensor([1.0, 2.0])
    a = np.array([3.0, 4.0])
    y = (x * a).sum()
    a[:] = 100.0
    y.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])
    np.testing.assert_array_equal(y.data, 11.0)
