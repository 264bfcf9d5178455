"""Losses: values, derivatives against finite differences, reductions, stability, errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradlab import losses
from gradlab.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse,
    squared_error,
)


def numeric_gradient(loss, p, t, h=1e-6):
    g = np.zeros_like(p)
    for idx in np.ndindex(p.shape):
        d = np.zeros_like(p)
        d[idx] = h
        g[idx] = (loss(p + d, t) - loss(p - d, t)) / (2 * h)
    return g


def test_squared_error_is_the_lectures_half_sum():
    assert squared_error([5.0, 2.0], [3.0, 1.0]) == 0.5 * (4 + 1)
    np.testing.assert_array_equal(squared_error.derivative([5.0, 2.0], [3.0, 1.0]), [2.0, 1.0])


def test_mse_is_a_mean():
    assert mse([[1.0, 2.0], [3.0, 4.0]], np.zeros((2, 2))) == (1 + 4 + 9 + 16) / 4


def test_returns_python_float():
    assert type(mse([1.0], [0.0])) is float
    assert type(cross_entropy([[1.0, 0.0]], [[1.0, 0.0]])) is float


@settings(max_examples=30)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 5), k=st.integers(2, 5))
def test_derivatives_match_finite_differences(seed, n, k):
    rng = np.random.default_rng(seed)
    p, t = rng.normal(size=(n, k)), rng.normal(size=(n, k))
    for loss in (squared_error, mse):
        np.testing.assert_allclose(loss.derivative(p, t), numeric_gradient(loss, p, t), atol=1e-7)
    probs = rng.uniform(0.05, 0.95, size=(n, k))
    labels = rng.integers(0, 2, size=(n, k)).astype(float)
    np.testing.assert_allclose(
        binary_cross_entropy.derivative(probs, labels),
        numeric_gradient(binary_cross_entropy, probs, labels),
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        binary_cross_entropy_with_logits.derivative(p, labels),
        numeric_gradient(binary_cross_entropy_with_logits, p, labels),
        atol=1e-8,
    )
    onehot = np.eye(k)[rng.integers(0, k, size=n)]
    np.testing.assert_allclose(
        cross_entropy.derivative(p, onehot), numeric_gradient(cross_entropy, p, onehot), atol=1e-8
    )


def test_cross_entropy_targets_agree():
    z = np.array([[2.0, 0.0, -1.0], [0.5, 0.5, 3.0]])
    labels = np.array([0, 2])
    onehot = np.eye(3)[labels]
    expected = -np.mean(np.log(np.exp(z[[0, 1], labels]) / np.exp(z).sum(axis=1)))
    assert cross_entropy(z, onehot) == pytest.approx(expected, rel=1e-14)
    assert cross_entropy(z, labels) == pytest.approx(expected, rel=1e-14)
    np.testing.assert_array_equal(
        cross_entropy.derivative(z, labels), cross_entropy.derivative(z, onehot)
    )
    soft = np.array([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    assert cross_entropy(z, soft) == pytest.approx(
        -np.sum(soft * (z - np.log(np.exp(z).sum(axis=1, keepdims=True)))) / 2, rel=1e-14
    )


def test_bce_with_and_without_logits_agree():
    z = np.array([-3.0, 0.0, 2.0])
    t = np.array([0.0, 1.0, 1.0])
    s = 1 / (1 + np.exp(-z))
    assert binary_cross_entropy(s, t) == pytest.approx(binary_cross_entropy_with_logits(z, t))


def test_stable_at_large_logits():
    with np.errstate(all="raise", under="ignore"):
        assert cross_entropy([[1e4, -1e4, 0.0]], [[0.0, 1.0, 0.0]]) == 2e4
        assert np.all(np.isfinite(cross_entropy.derivative([[1e4, -1e4]], [[0.0, 1.0]])))
        assert binary_cross_entropy_with_logits([-1e4], [1.0]) == 1e4
        assert binary_cross_entropy([0.0, 1.0], [1.0, 0.0]) == 100.0
        assert np.all(np.isfinite(binary_cross_entropy.derivative([0.0, 1.0], [1.0, 0.0])))


def test_bad_input():
    with pytest.raises(
        ValueError, match=r"prediction and target must have the same shape, got \(2,\) and \(3,\)"
    ):
        mse([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="prediction contains 1 non-finite"):
        squared_error([np.nan], [1.0])
    with pytest.raises(ValueError, match="target contains"):
        squared_error([1.0], [np.inf])
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\]"):
        binary_cross_entropy([1.5], [1.0])
    with pytest.raises(ValueError, match="class indices"):
        cross_entropy([[1.0, 2.0]], [[1.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match=r"class indices must be in \[0, 2\)"):
        cross_entropy([[1.0, 2.0]], [5])
    with pytest.raises(ValueError, match="probability vectors"):
        cross_entropy([[1.0, 2.0]], [[0.7, 0.7]])
    with pytest.raises(ValueError, match="unknown loss 'l2'; known: 'squared_error', 'mse'"):
        losses.get("l2")
