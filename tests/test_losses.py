"""Losses: values, derivatives against finite differences, reductions, stability, errors."""

import math

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


# --- binary cross-entropy at predictions of exactly 0 and 1 -----------------------------------
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_bce_clamps_each_log_at_minus_100_in_every_dtype(dtype):
    # PyTorch's clamp, not the dtype's smallest normal (log of it: -87.3 in float32, -9.7 in
    # float16); a float32 sigmoid already rounds to exactly 1.0 above z = 17
    p = np.array([0.0, 1.0], dtype=dtype)
    assert binary_cross_entropy(p[:1], [1.0]) == 100.0
    assert binary_cross_entropy(p[1:], [0.0]) == 100.0
    assert binary_cross_entropy(p, [1.0, 0.0]) == 100.0
    assert binary_cross_entropy(p, [0.0, 1.0]) == 0.0
    # a soft target mixes the clamped and the exact log: 0.25 * 100 + 0.75 * 0
    assert binary_cross_entropy(p[1:], [0.75]) == 25.0
    grad = binary_cross_entropy.derivative(p, [1.0, 0.0])
    assert grad.dtype == dtype
    assert np.all(np.isfinite(grad))
    assert grad[0] < 0 < grad[1]


def test_bce_gradient_at_saturation_is_pytorchs():
    # (p - t) / max(p (1 - p), 1e-12) / N, with PyTorch's float32 constant 1e-12
    grad = binary_cross_entropy.derivative(np.array([0.0, 1.0]), [1.0, 0.0])
    np.testing.assert_array_equal(grad, np.array([-1.0, 1.0]) / float(np.float32(1e-12)) / 2)


# --- binary cross-entropy from logits: confident positives ------------------------------------
@pytest.mark.parametrize("z", [17.0, 30.0, 36.0, 40.0, 300.0, 700.0])
def test_bce_with_logits_keeps_relative_precision_for_confident_positives(z):
    exact = math.log1p(math.exp(-z))  # -log sigmoid(z), 2.3e-16 at z = 36
    assert binary_cross_entropy_with_logits([z], [1.0]) == pytest.approx(exact, rel=1e-15, abs=0)
    assert binary_cross_entropy_with_logits([-z], [0.0]) == pytest.approx(exact, rel=1e-15, abs=0)
    # dL/dz = sigmoid(z) - 1 = -sigmoid(-z)
    d_exact = -math.exp(-z) / (1.0 + math.exp(-z))
    np.testing.assert_allclose(
        binary_cross_entropy_with_logits.derivative([z], [1.0]), [d_exact], rtol=1e-15
    )
    np.testing.assert_allclose(
        binary_cross_entropy_with_logits.derivative([-z], [0.0]), [-d_exact], rtol=1e-15
    )


def test_bce_with_logits_soft_targets_and_mean():
    z = np.array([-2.0, 0.5, 3.0])
    t = np.array([0.25, 1.0, 0.0])
    s = 1 / (1 + np.exp(-z))
    expected = -np.mean(t * np.log(s) + (1 - t) * np.log(1 - s))
    assert binary_cross_entropy_with_logits(z, t) == pytest.approx(expected, rel=1e-14)
    np.testing.assert_allclose(
        binary_cross_entropy_with_logits.derivative(z, t), (s - t) / 3, rtol=1e-14
    )


# --- cross-entropy at the ends of the float range -------------------------------------------
def test_cross_entropy_of_extreme_logits_is_pytorchs():
    with np.errstate(all="raise", under="ignore"):
        assert cross_entropy([[1e308, -1e308]], [0]) == 0.0
        assert cross_entropy([[1e308, -1e308]], [[1.0, 0.0]]) == 0.0
        assert cross_entropy([[-1e308, 1e308]], [1]) == 0.0
        assert cross_entropy(np.array([[3e38, -3e38]], dtype=np.float32), [0]) == 0.0
        np.testing.assert_array_equal(cross_entropy.derivative([[1e308, -1e308]], [0]), [[0, 0]])
        np.testing.assert_array_equal(
            cross_entropy.derivative([[1e308, -1e308]], [1]), [[1.0, -1.0]]
        )
    assert cross_entropy([[1e308, -1e308]], [1]) == math.inf  # the true 2e308, as PyTorch


def test_cross_entropy_single_sample_logits():
    # logits of shape (k,) take a scalar class index, as torch.nn.functional.cross_entropy
    z = np.array([2.0, 0.0, -1.0])
    assert cross_entropy(z, 0) == cross_entropy([z], [0])
    grad = cross_entropy.derivative(z, 0)
    assert grad.shape == (3,)
    np.testing.assert_array_equal(grad, cross_entropy.derivative([z], [0])[0])


# --- float32 in, float32 out ------------------------------------------------------------------
PRED_TARGET = {
    "squared_error": ([[0.3, -1.2], [2.0, 0.1]], [[0.0, 1.0], [1.5, 0.2]]),
    "mse": ([[0.3, -1.2], [2.0, 0.1]], [[0.0, 1.0], [1.5, 0.2]]),
    "binary_cross_entropy": ([[0.3, 0.9], [0.5, 0.01]], [[0.0, 1.0], [1.0, 0.5]]),
    "binary_cross_entropy_with_logits": ([[0.3, -1.2], [2.0, 0.1]], [[0.0, 1.0], [1.0, 0.5]]),
    "cross_entropy": ([[0.3, -1.2], [2.0, 0.1]], [[0.0, 1.0], [0.25, 0.75]]),
}


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
@pytest.mark.parametrize("name", PRED_TARGET)
def test_gradient_and_value_take_the_predictions_dtype(name, dtype):
    loss = losses.get(name)
    p, t = PRED_TARGET[name]
    p_low = np.array(p, dtype=dtype)
    for target in (np.array(t), np.array(t, dtype=dtype)):  # a float64 target as well
        grad = loss.derivative(p_low, target)
        assert grad.dtype == dtype
        eps = float(np.finfo(dtype).eps)
        p64 = p_low.astype(np.float64)
        np.testing.assert_allclose(grad, loss.derivative(p64, t), rtol=8 * eps, atol=8 * eps)
        assert loss(p_low, target) == pytest.approx(loss(p64, t), rel=8 * eps)
    assert type(loss(p_low, t)) is float


def test_cross_entropy_class_indices_keep_float32():
    z = np.array([[0.3, -1.2], [2.0, 0.1]], dtype=np.float32)
    assert cross_entropy.derivative(z, np.array([0, 1])).dtype == np.float32
    assert cross_entropy.derivative(z, np.array([0, 1], dtype=np.uint8)).dtype == np.float32


def test_integer_predictions_become_float64():
    assert mse.derivative([1, 2], [0, 0]).dtype == np.float64


# --- bad input: a clear TypeError or ValueError naming the argument -----------------------------
Z2 = [[1.0, 2.0], [0.5, -0.5]]
BAD_INPUT = [
    # (call, exception, message)
    (lambda: cross_entropy(Z2, [0.0, 1.0]), TypeError, "must have an integer dtype, got float64"),
    (
        lambda: cross_entropy(Z2, np.array([0, 1], dtype=np.float32)),
        TypeError,
        "class index per sample.*float32.*astype\\(int\\)",
    ),
    (lambda: cross_entropy([1.0, 2.0], 1.0), TypeError, "integer dtype, got float64"),
    (
        lambda: cross_entropy(Z2, [True, False]),
        TypeError,
        "target must hold numbers, got booleans",
    ),
    (
        lambda: cross_entropy(Z2, np.eye(2, dtype=bool)),
        TypeError,
        "target must hold numbers, got booleans",
    ),
    (
        lambda: cross_entropy(Z2, [0, 2]),
        ValueError,
        r"class indices must be in \[0, 2\), got values in \[0, 2\]",
    ),
    (lambda: cross_entropy(Z2, [-1, 0]), ValueError, r"class indices must be in \[0, 2\)"),
    (
        lambda: cross_entropy(Z2, [[0], [1]]),
        ValueError,
        r"class indices of shape \(2,\) .* got shape \(2, 1\)",
    ),
    (lambda: cross_entropy(Z2, [0, 1, 1]), ValueError, r"got shape \(3,\)"),
    (lambda: cross_entropy(Z2, [[0.7, 0.7], [1.0, 0.0]]), ValueError, "probability vectors"),
    (lambda: cross_entropy(Z2, [[1.5, -0.5], [1.0, 0.0]]), ValueError, "probability vectors"),
    (
        lambda: cross_entropy(Z2, None),
        TypeError,
        "target must be array-like of real numbers, got NoneType",
    ),
    (
        lambda: cross_entropy(Z2, "0"),
        TypeError,
        "target must be array-like of real numbers, got str",
    ),
    (
        lambda: cross_entropy(1.0, 0),
        ValueError,
        r"logits of shape \(n_samples, n_classes\) .* got shape \(\)",
    ),
    (lambda: cross_entropy(np.zeros((2, 2, 2)), [0, 1]), ValueError, r"got shape \(2, 2, 2\)"),
    (
        lambda: cross_entropy(np.zeros((0, 3)), np.zeros(0, dtype=int)),
        ValueError,
        r"prediction is empty \(shape \(0, 3\)\)",
    ),
    (lambda: cross_entropy(np.zeros((2, 0)), [0, 0]), ValueError, "prediction is empty"),
    (lambda: cross_entropy([[np.nan, 0.0]], [0]), ValueError, "prediction contains 1 non-finite"),
    (
        lambda: cross_entropy([[True, False]], [0]),
        TypeError,
        "prediction must hold numbers, got booleans",
    ),
    (lambda: mse([], []), ValueError, "prediction is empty"),
    (lambda: squared_error(np.zeros((3, 0)), np.zeros((3, 0))), ValueError, "prediction is empty"),
    (
        lambda: mse([1.0, 2.0], [1.0, 2.0, 3.0]),
        ValueError,
        r"prediction and target must have the same shape, got \(2,\) and \(3,\)",
    ),
    (lambda: mse([[1.0], [2.0]], [1.0, 2.0]), ValueError, r"same shape, got \(2, 1\) and \(2,\)"),
    (
        lambda: mse(None, [1.0]),
        TypeError,
        "prediction must be array-like of real numbers, got NoneType",
    ),
    (
        lambda: mse("1.0", [1.0]),
        TypeError,
        "prediction must be array-like of real numbers, got str",
    ),
    (lambda: mse([1.0], "1.0"), TypeError, "target must be array-like of real numbers, got str"),
    (lambda: mse([True], [1.0]), TypeError, "prediction must hold numbers, got booleans"),
    (lambda: mse([1.0], [True]), TypeError, "target must hold numbers, got booleans"),
    (
        lambda: mse([[1.0], [1.0, 2.0]], [1.0]),
        TypeError,
        "prediction must be array-like of real numbers",
    ),
    (lambda: mse([1 + 1j], [1.0]), TypeError, "prediction must contain real numbers"),
    (lambda: squared_error([np.nan], [1.0]), ValueError, "prediction contains 1 non-finite"),
    (lambda: squared_error([1.0], [np.inf]), ValueError, "target contains 1 non-finite"),
    (lambda: mse.derivative([1.0], [-np.inf]), ValueError, "target contains 1 non-finite"),
    (
        lambda: binary_cross_entropy([1.5], [1.0]),
        ValueError,
        r"prediction must hold probabilities in \[0, 1\]",
    ),
    (
        lambda: binary_cross_entropy([0.5], [2.0]),
        ValueError,
        r"target must hold probabilities .* got values in \[2, 2\]",
    ),
    (
        lambda: binary_cross_entropy_with_logits([0.5, 1.0], [-1.0, 1.0]),
        ValueError,
        r"target must hold probabilities \(or 0/1 labels\) in \[0, 1\]",
    ),
    (
        lambda: binary_cross_entropy_with_logits.derivative([0.5], [np.nan]),
        ValueError,
        "target contains 1 non-finite",
    ),
    (lambda: binary_cross_entropy([], []), ValueError, "prediction is empty"),
    (
        lambda: mse(np.float16([1.0]), [1e6]),
        ValueError,
        "target holds values beyond the range of the prediction's float16",
    ),
    (
        lambda: mse([1.0], [1.0], reduction="sum"),
        TypeError,
        "unexpected keyword argument 'reduction'",
    ),
    (
        lambda: mse.derivative([1.0], target=[1.0], weight=2.0),
        TypeError,
        "unexpected keyword argument 'weight'",
    ),
    (lambda: losses.get("l2"), ValueError, "unknown loss 'l2'; known: 'squared_error', 'mse'"),
    (lambda: losses.get(None), TypeError, r"loss must be given by name \(str\), got NoneType"),
    (
        lambda: losses.Loss(5, np.sum, np.sign, np.broadcast_arrays),
        TypeError,
        "name must be a str, got int",
    ),
    (
        lambda: losses.Loss("l1", 1.0, np.sign, np.broadcast_arrays),
        TypeError,
        "value must be callable, got float",
    ),
    (
        lambda: losses.Loss("l1", np.sum, None, np.broadcast_arrays),
        TypeError,
        "derivative must be callable",
    ),
    (
        lambda: losses.Loss("l1", np.sum, np.sign, "check"),
        TypeError,
        "check must be callable, got str",
    ),
]


@pytest.mark.parametrize(("call", "exc", "message"), BAD_INPUT, ids=[m for _, _, m in BAD_INPUT])
def test_bad_input_is_refused_naming_the_argument(call, exc, message):
    with pytest.raises(exc, match=message):
        call()


def test_refusal_leaves_the_caller_arrays_alone():
    p = np.array([0.5, 1.5])
    t = np.array([1.0, 0.0])
    with pytest.raises(ValueError, match="prediction must hold probabilities"):
        binary_cross_entropy(p, t)
    np.testing.assert_array_equal(p, [0.5, 1.5])
    np.testing.assert_array_equal(t, [1.0, 0.0])
