"""Diagnostics: gradient norms, saturation, dead units, Jacobians, gradcheck."""

import numpy as np
import pytest

from gradlab import Activation, Dense, Sequential, mlp
from gradlab.diagnostics import (
    dead_fraction,
    dense_layers,
    gradcheck,
    gradient_norms,
    input_jacobian,
    layer_outputs,
    saturated_fraction,
)


def test_gradient_norms_are_the_norms_of_the_weight_gradients():
    net = mlp([3, 4, 4, 2], activation="tanh", rng=0)
    net.forward(np.ones((5, 3)))
    net.backward(np.ones((5, 2)))
    expected = [np.linalg.norm(layer.W.grad) for layer in dense_layers(net)]
    np.testing.assert_allclose(gradient_norms(net), expected, rtol=1e-15)
    np.testing.assert_allclose(
        gradient_norms(net, which="b"),
        [np.linalg.norm(layer.b.grad) for layer in dense_layers(net)],
        rtol=1e-15,
    )


def test_deep_sigmoid_gradients_shrink_toward_the_input():
    rng = np.random.default_rng(0)
    net = mlp([20] + [20] * 8 + [1], activation="sigmoid", init="lecun_normal", rng=0)
    net.forward(rng.normal(size=(64, 20)))
    net.backward(np.ones((64, 1)))
    norms = gradient_norms(net)
    assert np.all(np.diff(norms) > 0)  # strictly growing toward the output
    assert norms[0] < 1e-3 * norms[-1]


def test_saturated_fraction_definition():
    net = Sequential(Dense(1, 3, bias=False, init="zeros"), Activation("sigmoid"))
    net[0].W.value[...] = [[0.0, 4.0, 10.0]]  # z = 0, 4, 10 for x = 1
    # sigmoid'(4) = 0.0177 > 0.05/4 = 0.0125 (not saturated); sigmoid'(10) = 4.5e-5 (saturated)
    assert saturated_fraction(net, np.ones((2, 1)))[0] == pytest.approx(1 / 3)
    tanh_net = Sequential(Dense(1, 2, bias=False, init="zeros"), Activation("tanh"))
    tanh_net[0].W.value[...] = [[2.0, 2.5]]  # tanh'(2) = 0.07, tanh'(2.5) = 0.0266
    assert saturated_fraction(tanh_net, np.ones((1, 1)))[0] == 0.5
    with pytest.raises(ValueError, match=r"threshold must be in \[0, 1\)"):
        saturated_fraction(net, np.ones((1, 1)), threshold=2.0)


def test_dead_fraction():
    net = Sequential(Dense(2, 4, init="zeros"), Activation("relu"))
    net[0].W.value[...] = [[1.0, -1.0, 1.0, -1.0], [1.0, -1.0, -1.0, 1.0]]
    X = np.array([[1.0, 1.0], [2.0, 0.5]])
    # unit 0 fires, unit 1 never, unit 2 fires on row 2, unit 3 never (0 and -1.5)
    np.testing.assert_array_equal(dead_fraction(net, X), [0.5])
    assert dead_fraction(mlp([2, 3, 1], activation="tanh", rng=0), X).shape == (0,)


def test_layer_outputs_match_forward():
    net = mlp([2, 3, 1], activation="elu", rng=0)
    X = np.random.default_rng(0).normal(size=(4, 2))
    outs = layer_outputs(net, X)
    np.testing.assert_array_equal(outs[-1], net.forward(X))
    np.testing.assert_allclose(
        outs[1], np.where(outs[0] > 0, outs[0], np.expm1(np.minimum(outs[0], 0)))
    )


def test_input_jacobian_against_finite_differences():
    net = mlp([3, 5, 5, 2], activation="tanh", rng=0)
    x = np.array([0.3, -0.2, 0.9])
    J = input_jacobian(net, x)
    h = 1e-6
    numeric = np.stack(
        [
            (net.forward((x + h * e)[None]) - net.forward((x - h * e)[None]))[0] / (2 * h)
            for e in np.eye(3)
        ],
        axis=1,
    )
    np.testing.assert_allclose(J, numeric, atol=1e-9)
    assert all(np.all(p.grad == 0) for p in net.parameters())  # gradients untouched


def test_gradcheck_returns_small_error_for_correct_backward_and_restores_grads():
    net = mlp([2, 3, 1], activation="sigmoid", rng=0)
    for p in net.parameters():
        p.grad[...] = 7.0
    rng = np.random.default_rng(0)
    assert gradcheck(net, rng.normal(size=(4, 2)), rng.normal(size=(4, 1))) < 1e-8
    assert all(np.all(p.grad == 7.0) for p in net.parameters())


def test_bad_input():
    with pytest.raises(TypeError, match="model must be a gradlab Sequential, got Dense"):
        gradient_norms(Dense(2, 2))
    with pytest.raises(ValueError, match="which must be 'W' or 'b'"):
        gradient_norms(mlp([2, 2], rng=0), which="c")
    with pytest.raises(ValueError, match="gradcheck expected input with 2 features"):
        gradcheck(mlp([2, 1], rng=0), np.ones((1, 3)), np.ones((1, 1)))
    with pytest.raises(ValueError, match="eps must be > 0"):
        gradcheck(mlp([2, 1], rng=0), np.ones((1, 2)), np.ones((1, 1)), eps=0)


def test_norm_is_exact_for_tiny_and_huge_gradients():
    from gradlab.diagnostics import norm

    assert norm(np.array([3e-30, 4e-30], dtype=np.float32)) == pytest.approx(5e-30, rel=1e-6)
    assert norm([3e-200, 4e-200]) == pytest.approx(5e-200, rel=1e-15)
    assert norm([3e200, 4e200]) == pytest.approx(5e200, rel=1e-15)
    assert norm([]) == 0.0
    assert norm([np.inf, 1.0]) == np.inf
    net = Sequential(Dense(1, 1, dtype=np.float32, rng=0))
    net.forward(np.ones((1, 1), np.float32))
    net.backward(np.full((1, 1), 1e-30, np.float32))
    assert gradient_norms(net)[0] == pytest.approx(1e-30, rel=1e-6)


def test_layer_outputs_is_a_forward_pass_backward_can_follow():
    net = mlp([2, 3, 1], activation="tanh", rng=0)
    X = np.ones((4, 2))
    outs = layer_outputs(net, X)
    dX = net.backward(np.ones((4, 1)))
    net2 = mlp([2, 3, 1], activation="tanh", rng=0)
    net2.forward(X)
    np.testing.assert_array_equal(dX, net2.backward(np.ones((4, 1))))
    assert len(outs) == 3
