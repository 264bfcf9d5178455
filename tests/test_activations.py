"""Activations: values, derivatives against finite differences, stability, conventions."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gradlab import activations
from gradlab.activations import elu, identity, leaky_relu, relu, sigmoid, softmax, tanh

ELEMENTWISE = [sigmoid, tanh, relu, leaky_relu, elu, identity]
finite = st.floats(-30, 30, allow_nan=False)


def central_difference(f, z, h=1e-6):
    return (f(z + h) - f(z - h)) / (2 * h)


def test_sigmoid_derivative_at_zero_is_exactly_a_quarter():
    assert sigmoid.derivative(0) == 0.25
    assert sigmoid.derivative(0.0) == 0.25
    assert tanh.derivative(0) == 1.0


def test_sigmoid_matches_formula():
    z = np.linspace(-20, 20, 81)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    s = 1 / (1 + np.exp(-z))
    # s(1 - s) cancels in the tails; e^-z / (1 + e^-z)^2 is the same function without that
    np.testing.assert_allclose(
        sigmoid.derivative(z), np.exp(-z) / (1 + np.exp(-z)) ** 2, rtol=1e-13
    )
    np.testing.assert_allclose(sigmoid.derivative(z), s * (1 - s), rtol=1e-6)


def test_sigmoid_derivative_range_is_zero_to_quarter():
    z = np.linspace(-50, 50, 100_001)
    d = sigmoid.derivative(z)
    assert d.max() == 0.25
    assert np.all(d > 0)
    assert np.all(d <= 0.25)


@pytest.mark.parametrize("f", ELEMENTWISE, ids=lambda f: f.name)
@given(z=hnp.arrays(np.float64, st.integers(1, 20), elements=finite))
def test_derivative_matches_finite_differences(f, z):
    # keep away from the kink at 0 of the piecewise functions
    z = np.where(np.abs(z) < 1e-3, 0.5, z)
    np.testing.assert_allclose(f.derivative(z), central_difference(f, z), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("f", ELEMENTWISE, ids=lambda f: f.name)
@given(z=hnp.arrays(np.float64, st.integers(1, 20), elements=finite))
def test_derivative_from_output_agrees(f, z):
    np.testing.assert_allclose(
        f.derivative_from_output(f(z)), f.derivative(z), rtol=1e-9, atol=1e-12
    )


def test_kink_conventions_match_pytorch():
    assert relu.derivative(0.0) == 0.0
    assert leaky_relu.derivative(0.0) == 0.01
    assert elu.derivative(0.0) == 1.0
    assert leaky_relu.derivative(0.0, slope=0.2) == 0.2


def test_parameters():
    np.testing.assert_allclose(leaky_relu([-2.0, 2.0], slope=0.3), [-0.6, 2.0])
    np.testing.assert_allclose(elu([-1.0], alpha=2.0), [2 * (np.exp(-1) - 1)])
    with pytest.raises(TypeError, match="slope"):
        relu([1.0], slope=0.1)
    with pytest.raises(ValueError, match="slope must be >= 0"):
        leaky_relu([1.0], slope=-1)


@pytest.mark.parametrize("f", [*ELEMENTWISE, softmax], ids=lambda f: f.name)
def test_stable_at_large_inputs_without_warnings(f):
    z = np.array([-1e4, -1e3, 0.0, 1e3, 1e4])
    with np.errstate(all="raise", under="ignore"):
        out = f(z)
        d = f.derivative(z)
    assert np.all(np.isfinite(out))
    assert np.all(np.isfinite(d))


def test_large_input_values():
    np.testing.assert_array_equal(sigmoid([-1e4, 1e4]), [0.0, 1.0])
    np.testing.assert_array_equal(tanh([-1e4, 1e4]), [-1.0, 1.0])
    np.testing.assert_array_equal(softmax([1e4, 0.0, -1e4]), [1.0, 0.0, 0.0])
    assert elu(-1e4) == -1.0


def test_scalars_in_scalars_out():
    assert np.ndim(sigmoid(0.0)) == 0
    assert isinstance(relu(2), np.floating)


def test_float32_is_preserved():
    z = np.array([0.0, 1.0], dtype=np.float32)
    assert sigmoid(z).dtype == np.float32
    assert sigmoid.derivative(z).dtype == np.float32
    assert relu.derivative(z).dtype == np.float32


def test_softmax_rows_sum_to_one_and_jacobian():
    z = np.random.default_rng(0).normal(size=(4, 5))
    s = softmax(z)
    np.testing.assert_allclose(s.sum(axis=1), 1.0)
    J = softmax.derivative(z)
    assert J.shape == (4, 5, 5)
    h = 1e-6
    for j in range(5):
        dz = np.zeros(5)
        dz[j] = h
        numeric = (softmax(z + dz) - softmax(z - dz)) / (2 * h)
        np.testing.assert_allclose(J[:, :, j], numeric, atol=1e-9)
    g = np.random.default_rng(1).normal(size=(4, 5))
    np.testing.assert_allclose(softmax.backward(s, g), np.einsum("nij,ni->nj", J, g), atol=1e-14)


def test_bad_input():
    with pytest.raises(ValueError, match="non-finite"):
        sigmoid([0.0, np.nan])
    with pytest.raises(ValueError, match="non-finite"):
        relu(np.inf)
    with pytest.raises(TypeError, match="real numbers"):
        tanh(["a"])
    with pytest.raises(ValueError, match="at least 1-D"):
        softmax(1.0)
    with pytest.raises(ValueError, match=r"unknown activation 'sigmod'; known: 'sigmoid'"):
        activations.get("sigmod")
