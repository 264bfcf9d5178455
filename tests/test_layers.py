"""Layers: explicit matrix formulas, gradients against autodiff and finite differences."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gradlab import Activation, BatchNorm, Dense, Parameter, Residual, Sequential, losses, mlp
from gradlab.autodiff import Tensor
from gradlab.diagnostics import gradcheck, layer_outputs

ACTS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "identity"]


def test_dense_shapes_and_defaults():
    layer = Dense(3, 2, rng=0)
    assert layer.W.shape == (3, 2)
    assert layer.b.shape == (2,)
    np.testing.assert_array_equal(layer.b.value, 0.0)  # Keras default: zero bias
    assert np.abs(layer.W.value).max() <= np.sqrt(6 / 5)  # Xavier uniform
    assert Dense(3, 2, bias=False).b is None
    assert Dense(3, 2, bias=False).parameters()[0] is not None


def test_dense_explicit_formulas():
    rng = np.random.default_rng(0)
    layer = Dense(3, 4, rng=1)
    X, delta = rng.normal(size=(5, 3)), rng.normal(size=(5, 4))
    np.testing.assert_allclose(layer.forward(X), X @ layer.W.value + layer.b.value)
    dX = layer.backward(delta)
    np.testing.assert_allclose(layer.W.grad, X.T @ delta)  # dW = h^T delta
    np.testing.assert_allclose(layer.b.grad, delta.sum(axis=0))
    np.testing.assert_allclose(dX, delta @ layer.W.value.T)  # delta W^T
    layer.forward(X)
    layer.backward(delta)  # accumulates, as PyTorch
    np.testing.assert_allclose(layer.W.grad, 2 * X.T @ delta)
    layer.zero_grad()
    np.testing.assert_array_equal(layer.W.grad, 0.0)


def test_delta_recursion_through_sigmoid():
    # delta_prev = (delta W^T) * sigma'(z_prev), as the lectures write it
    net = Sequential(Dense(2, 3, rng=0), Activation("sigmoid"), Dense(3, 1, rng=1))
    X = np.array([[0.5, -1.0], [2.0, 0.1]])
    z1 = X @ net[0].W.value + net[0].b.value
    a1 = 1 / (1 + np.exp(-z1))
    delta_out = np.array([[1.0], [-2.0]])
    net.forward(X)
    net.backward(delta_out)
    delta1 = (delta_out @ net[2].W.value.T) * a1 * (1 - a1)
    np.testing.assert_allclose(net[2].W.grad, a1.T @ delta_out, rtol=1e-14)
    np.testing.assert_allclose(net[0].W.grad, X.T @ delta1, rtol=1e-14)


def autodiff_gradients(net, X, y):
    """The same network evaluated with gradlab.autodiff: an independent gradient."""
    h = Tensor(X)
    leaves = []
    for layer in net:
        if isinstance(layer, Dense):
            W = Tensor(layer.W.value)
            leaves.append(W)
            h = h @ W
            if layer.b is not None:
                b = Tensor(layer.b.value)
                leaves.append(b)
                h = h + b
        else:
            h = getattr(h, layer.name)() if layer.name != "identity" else h
    loss = (((h - Tensor(y)) ** 2).sum()) * 0.5
    loss.backward()
    return [leaf.grad for leaf in leaves]


@settings(max_examples=25, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=2, max_size=5),
    act=st.sampled_from(["sigmoid", "tanh", "relu"]),
    seed=st.integers(0, 1000),
)
def test_backward_equals_autodiff(sizes, act, seed):
    rng = np.random.default_rng(seed)
    net = mlp(sizes, activation=act, rng=seed)
    X, y = rng.normal(size=(4, sizes[0])), rng.normal(size=(4, sizes[-1]))
    net.zero_grad()
    out = net.forward(X)
    net.backward(losses.squared_error.derivative(out, y))
    for p, g in zip(net.parameters(), autodiff_gradients(net, X, y), strict=True):
        np.testing.assert_allclose(p.grad, g, rtol=1e-10, atol=1e-14)


@settings(max_examples=20, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4),
    act=st.sampled_from(ACTS),
    seed=st.integers(0, 1000),
    loss=st.sampled_from(["squared_error", "mse"]),
)
def test_gradcheck_random_architectures(sizes, act, seed, loss):
    rng = np.random.default_rng(seed)
    net = mlp(sizes, activation=act, rng=seed)
    X, y = rng.normal(size=(3, sizes[0])), rng.normal(size=(3, sizes[-1]))
    if act in ("relu", "leaky_relu", "elu"):
        # Finite differences are meaningless at the kink at 0 (gradcheck's steps move a
        # pre-activation by about 1e-5): skip samples with a pre-activation near it.
        outputs = layer_outputs(net, X)
        pre = [z for layer, z in zip(net, outputs, strict=True) if isinstance(layer, Dense)]
        assume(all(np.abs(z).min() > 1e-3 for z in pre[:-1]))
    assert gradcheck(net, X, y, loss=loss) < 1e-6


def test_gradcheck_softmax_cross_entropy_and_batchnorm():
    rng = np.random.default_rng(0)
    net = Sequential(Dense(4, 6, rng=0), BatchNorm(6), Activation("tanh"), Dense(6, 3, rng=1))
    X = rng.normal(size=(8, 4))
    assert gradcheck(net, X, rng.integers(0, 3, size=8), loss="cross_entropy") < 1e-6
    probs = Sequential(Dense(4, 3, rng=0), Activation("softmax"))
    assert gradcheck(probs, X, rng.normal(size=(8, 3))) < 1e-6


def test_gradcheck_detects_a_wrong_backward():
    class Wrong(Activation):
        def _backward(self, g, cache, input_grad):
            return 1.1 * super()._backward(g, cache, input_grad)

    net = Sequential(Dense(3, 4, rng=0), Wrong("tanh"), Dense(4, 1, rng=1))
    rng = np.random.default_rng(0)
    assert gradcheck(net, rng.normal(size=(5, 3)), rng.normal(size=(5, 1))) > 0.05


def test_batchnorm_matches_definition_and_modes():
    rng = np.random.default_rng(0)
    bn = BatchNorm(3, momentum=0.1)
    X = rng.normal(2.0, 3.0, size=(10, 3))
    out = bn.forward(X)
    np.testing.assert_allclose(out, (X - X.mean(0)) / np.sqrt(X.var(0) + 1e-5))
    np.testing.assert_allclose(bn.running_mean, 0.1 * X.mean(0))
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * X.var(0, ddof=1))
    bn.eval()
    np.testing.assert_allclose(
        bn.forward(X), (X - bn.running_mean) / np.sqrt(bn.running_var + 1e-5)
    )
    with pytest.raises(ValueError, match="more than 1 sample"):
        BatchNorm(3).forward(X[:1])


def test_batchnorm_scale_invariance():
    # Ioffe & Szegedy 3.3: BN((aW)u) = BN(Wu); the gradient reaching u is unchanged
    rng = np.random.default_rng(0)
    u, g = rng.normal(size=(16, 4)), rng.normal(size=(16, 5))
    grads = []
    for a in (1.0, 10.0):
        net = Sequential(Dense(4, 5, rng=0), BatchNorm(5, eps=1e-12))  # eps breaks exactness
        net[0].W.value *= a
        net.forward(u)
        grads.append(net.backward(g))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6, atol=1e-10)


def test_residual_identity_path():
    block = Residual(Dense(3, 3, rng=0), Activation("tanh"), Dense(3, 3, init="zeros"))
    X = np.random.default_rng(0).normal(size=(2, 3))
    np.testing.assert_allclose(block.forward(X), X)
    np.testing.assert_allclose(block.backward(np.ones((2, 3))), np.ones((2, 3)))
    with pytest.raises(ValueError, match="keep the width"):
        Residual(Dense(3, 4))
    net = Sequential(
        Dense(2, 3, rng=0), Residual(Dense(3, 3, rng=1), Activation("relu")), Dense(3, 1)
    )
    rng = np.random.default_rng(1)
    assert gradcheck(net, rng.normal(size=(4, 2)), rng.normal(size=(4, 1))) < 1e-6


def test_sequential_container():
    net = mlp([4, 3, 2], activation="tanh", rng=0)
    assert len(net) == 3
    assert isinstance(net[0], Dense)
    assert isinstance(net[1:], Sequential)
    assert [type(x).__name__ for x in net] == ["Dense", "Activation", "Dense"]
    assert all(isinstance(p, Parameter) for p in net.parameters())
    assert len(net.parameters()) == 4
    assert net(np.zeros((1, 4))).shape == (1, 2)
    assert net.backward(np.zeros((1, 2)), input_grad=False) is None


def test_mlp_uses_one_generator():
    a, b = mlp([3, 4, 2], rng=5), mlp([3, 4, 2], rng=5)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(p.value, q.value)
    assert not np.array_equal(a[0].W.value[:, :2], a[2].W.value[:3].T[:2].T)


def test_float32_network():
    net = Sequential(Dense(2, 2, dtype=np.float32, rng=0), Activation("sigmoid"))
    out = net.forward(np.ones((1, 2), dtype=np.float32))
    assert out.dtype == np.float32


def test_bad_input():
    net = mlp([3, 4, 1], rng=0)
    with pytest.raises(
        ValueError, match=r"Sequential expected input with 3 features, got X of shape \(4, 5\)"
    ):
        net.forward(np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"2-D array .* got 1-D input of shape \(3,\)"):
        net.forward(np.zeros(3))
    with pytest.raises(ValueError, match="X contains 1 non-finite"):
        net.forward([[0.0, np.nan, 0.0]])
    with pytest.raises(ValueError, match=r"expects 5 input features but layer 0 \(Dense\(3, 4"):
        Sequential(Dense(3, 4), Activation("relu"), Dense(5, 1))
    with pytest.raises(TypeError, match="Sequential expects Layer objects, got ufunc at index 0"):
        Sequential(np.tanh)
    with pytest.raises(ValueError, match="at least one layer"):
        Sequential()
    with pytest.raises(ValueError, match="unknown activation 'relu6'; known:"):
        Activation("relu6")
    with pytest.raises(ValueError, match="fan_in must be a positive integer"):
        Dense(0, 3)
    with pytest.raises(ValueError, match="unknown initializer 'kaiming'"):
        Dense(2, 3, init="kaiming")
    with pytest.raises(TypeError, match="floating dtype"):
        Dense(2, 3, dtype=int)
    with pytest.raises(RuntimeError, match="without a forward pass"):
        Dense(2, 3).backward(np.zeros((1, 3)))
    layer = Dense(2, 3)
    layer.forward(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"expected grad_output of shape \(4, 3\)"):
        layer.backward(np.zeros((4, 2)))
