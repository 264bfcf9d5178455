"""Layers used as PyTorch and NumPy users use them: reuse, in-place edits, dtypes, bad input."""

import numpy as np
import pytest

from gradlab import Activation, BatchNorm, Dense, Residual, Sequential, losses, mlp
from gradlab.diagnostics import gradcheck
from gradlab.layers import preserved_state


def data(n=6, d=3, k=1, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.normal(size=(n, k))


@pytest.mark.parametrize("name", ["tanh", "relu", "sigmoid", "leaky_relu"])
def test_one_activation_object_used_twice_passes_gradcheck(name):
    act = Activation(name)
    net = Sequential(Dense(3, 4, rng=0), act, Dense(4, 4, rng=1), act, Dense(4, 1, rng=2))
    X, y = data()
    assert gradcheck(net, X, y) < 1e-6


def test_reused_layer_gives_the_gradients_of_two_separate_layers():
    # weight tying: the shared W receives the sum of the gradients of both uses
    X, y = data(k=1, d=4)
    tied = Dense(4, 4, rng=0)
    net = Sequential(tied, Activation("tanh"), tied, Dense(4, 1, rng=1))
    a, b = Dense(4, 4, rng=0), Dense(4, 4, rng=0)
    twin = Sequential(a, Activation("tanh"), b, Dense(4, 1, rng=1))
    for model in (net, twin):
        model.backward(losses.mse.derivative(model.forward(X), y))
    np.testing.assert_allclose(tied.W.grad, a.W.grad + b.W.grad, rtol=1e-13)
    np.testing.assert_allclose(tied.b.grad, a.b.grad + b.b.grad, rtol=1e-13)
    assert len(net.parameters()) == 4  # tied W, b once; head W, b


def test_reused_residual_block_and_nested_reuse():
    block = Residual(Dense(3, 3, rng=0), Activation("tanh"))
    net = Sequential(block, block, Dense(3, 1, rng=1))
    X, y = data()
    assert gradcheck(net, X, y) < 1e-6


def test_output_edited_in_place_does_not_change_backward():
    X, y = data()
    net = mlp([3, 4, 1], activation="sigmoid", output_activation="sigmoid", rng=0)
    reference = mlp([3, 4, 1], activation="sigmoid", output_activation="sigmoid", rng=0)
    out = net.forward(X)
    expected = reference.forward(X)
    out -= y  # a NumPy idiom: the residual, in place
    net.backward(2 * out / out.size)
    reference.backward(losses.mse.derivative(expected, y))
    for p, q in zip(net.parameters(), reference.parameters(), strict=True):
        np.testing.assert_allclose(p.grad, q.grad, rtol=1e-14)


def test_forward_never_returns_the_callers_array():
    X = np.ones((2, 3))
    out = Activation("identity").forward(X)
    assert out is not X
    assert not np.shares_memory(out, X)
    out[...] = 5.0
    np.testing.assert_array_equal(X, 1.0)


def test_refilling_the_input_buffer_between_forward_and_backward_is_harmless():
    X, y = data()
    net, reference = mlp([3, 4, 1], rng=0), mlp([3, 4, 1], rng=0)
    buffer = X.copy()
    out = net.forward(buffer)
    buffer[...] = 0.0  # a data loader refilling its buffer
    net.backward(losses.mse.derivative(out, y))
    reference.backward(losses.mse.derivative(reference.forward(X), y))
    for p, q in zip(net.parameters(), reference.parameters(), strict=True):
        np.testing.assert_allclose(p.grad, q.grad, rtol=1e-14)


def test_each_forward_serves_one_backward_and_forward_only_keeps_nothing():
    X, y = data()
    net = mlp([3, 4, 1], rng=0)
    for _ in range(50):  # evaluation without backward must not accumulate caches
        out = net.forward(X)
    assert all(len(layer._pending()) <= 1 for layer in net.modules())
    net.backward(losses.mse.derivative(out, y))
    grads = [p.grad.copy() for p in net.parameters()]
    with pytest.raises(RuntimeError, match="without a forward pass"):
        net.backward(losses.mse.derivative(out, y))
    for p, g in zip(net.parameters(), grads, strict=True):
        np.testing.assert_array_equal(p.grad, g)


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_float32_network_stays_float32_through_batchnorm(dtype):
    net = Sequential(
        Dense(3, 4, rng=0, dtype=dtype), BatchNorm(4, dtype=dtype), Activation("relu"),
        Dense(4, 1, rng=1, dtype=dtype),
    )  # fmt: skip
    X = np.random.default_rng(0).normal(size=(8, 3)).astype(dtype)
    out = net.forward(X)
    assert out.dtype == dtype
    dX = net.backward(np.ones_like(out))
    assert dX.dtype == dtype
    for p in net.parameters():
        assert p.value.dtype == p.grad.dtype == dtype
    assert net[1].running_mean.dtype == net[1].running_var.dtype == dtype
    assert mlp([3, 2], dtype=np.float32)[0].W.value.dtype == np.float32


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: Dense(2, 3, bias="no"), TypeError, "bias must be True or False"),
        (lambda: mlp([2, 3, 1], bias="no"), TypeError, "bias must be True or False"),
        (lambda: mlp(3), TypeError, "sizes must be a sequence"),
        (lambda: mlp("23"), TypeError, "sizes must be a sequence"),
        (lambda: mlp([2, 0, 1]), ValueError, r"sizes\[1\]"),
        (lambda: mlp([2, True]), TypeError, r"sizes\[1\]"),
        (lambda: mlp([2, 3], activation="sigmod"), ValueError, "unknown activation 'sigmod'"),
        (lambda: mlp([2, 3], output_activation="sofmax"), ValueError, "unknown activation"),
        (lambda: mlp([2, 3], init="kaiming"), ValueError, "unknown initializer"),
        (lambda: mlp([2, 3], rng=-1), ValueError, "rng must be a non-negative"),
        (lambda: mlp([2, 3], dtype=np.int64), TypeError, "floating dtype"),
        (lambda: Dense(2, 3, dtype=None), TypeError, "floating dtype"),
        (lambda: Dense(2, 3, rng=-1), ValueError, "rng"),
        (lambda: Dense(2.5, 3), TypeError, "fan_in"),
        (lambda: Dense(2, -3), ValueError, "fan_out"),
        (lambda: BatchNorm(3, dtype="int32"), TypeError, "floating dtype"),
        (lambda: BatchNorm(0), ValueError, "features"),
        (lambda: BatchNorm(3, momentum=1.0), ValueError, "momentum"),
        (lambda: BatchNorm(3, eps=float("nan")), ValueError, "eps"),
        (lambda: Sequential(), ValueError, "at least one layer"),
        (lambda: Sequential([Dense(2, 3)]), TypeError, "Layer objects"),
        (lambda: Sequential(Dense(2, 3), Dense(4, 1)), ValueError, "expects 4 input features"),
        (lambda: Residual(Dense(2, 3)), ValueError, "keep the width"),
    ],
)
def test_bad_arguments_are_refused_by_name(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_bad_mode_and_input_grad_change_nothing():
    net = mlp([2, 3, 1], rng=0)
    with pytest.raises(TypeError, match="mode must be True or False"):
        net.train("False")
    assert all(layer.training for layer in net.modules())
    net[1].eval()
    with pytest.raises(TypeError, match="mode must be True or False"):
        net.train(0)
    assert not net[1].training
    out = net.forward(np.ones((4, 2)))
    with pytest.raises(TypeError, match="input_grad must be True or False"):
        net.backward(np.ones_like(out), input_grad="no")
    assert all(np.all(p.grad == 0) for p in net.parameters())
    assert net.backward(np.ones_like(out)).shape == (4, 2)  # the cache is still there


@pytest.mark.parametrize(
    ("x", "error", "match"),
    [
        (np.ones((4, 3)), ValueError, "with 2 features"),
        (np.ones(2), ValueError, "2-D"),
        ([[1.0, np.nan]], ValueError, "non-finite"),
        ([["a", "b"]], TypeError, "real numbers"),
        (None, TypeError, "real numbers"),
    ],
)
def test_bad_forward_input_refused_and_state_kept(x, error, match):
    net = Sequential(Dense(2, 3, rng=0), BatchNorm(3))
    out = net.forward(np.ones((4, 2)) * np.arange(4)[:, None])
    stats = net[1].running_mean.copy()
    with pytest.raises(error, match=match):
        net.forward(x)
    np.testing.assert_array_equal(net[1].running_mean, stats)
    assert net.backward(np.ones_like(out)).shape == (4, 2)  # the earlier pass is intact


def test_preserved_state_restores_everything_also_on_error():
    net = Sequential(Dense(2, 3, rng=0), BatchNorm(3), Activation("relu"), Dense(3, 1, rng=1))
    net[1].eval()
    net[0].W.grad[...] = 7.0
    W = net[0].W.value
    before = [p.value.copy() for p in net.parameters()]
    stats = net[1].running_mean.copy(), net[1].running_var.copy()

    def measure_then_fail():
        with preserved_state(net):
            net.train()
            net.forward(np.random.default_rng(0).normal(size=(5, 2)))
            net[0].W.value += 1.0
            net[0].W.grad = None
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        measure_then_fail()
    assert net[0].W.value is W  # restored in place: references stay valid
    for p, v in zip(net.parameters(), before, strict=True):
        np.testing.assert_array_equal(p.value, v)
    np.testing.assert_array_equal(net[0].W.grad, 7.0)
    np.testing.assert_array_equal(net[1].running_mean, stats[0])
    np.testing.assert_array_equal(net[1].running_var, stats[1])
    assert [layer.training for layer in net.modules()] == [True, True, False, True, True]


def test_networks_copy_and_pickle():
    import copy
    import pickle

    net = mlp([3, 4, 1], activation="leaky_relu", slope=0.2, rng=0)
    X = np.ones((2, 3))
    for clone in (copy.deepcopy(net), pickle.loads(pickle.dumps(net))):
        np.testing.assert_array_equal(clone.forward(X), net.forward(X))
        clone[0].W.value += 1.0  # independent parameters
        assert not np.array_equal(clone[0].W.value, net[0].W.value)
