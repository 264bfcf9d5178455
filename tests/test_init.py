"""Initializers: variance laws, bounds, shapes, reproducibility, errors."""

import math

import numpy as np
import pytest

from gradlab import init

FAN_IN, FAN_OUT = 400, 600

LAWS = {
    # name: (expected variance, uniform bound or None)
    "xavier_uniform": (2 / (FAN_IN + FAN_OUT), math.sqrt(6 / (FAN_IN + FAN_OUT))),
    "xavier_normal": (2 / (FAN_IN + FAN_OUT), None),
    "he_uniform": (2 / FAN_IN, math.sqrt(6 / FAN_IN)),
    "he_normal": (2 / FAN_IN, None),
    "lecun_normal": (1 / FAN_IN, None),
    "standard": (1 / (3 * FAN_IN), 1 / math.sqrt(FAN_IN)),
    "normal": (1.0, None),
    "orthogonal": (1 / max(FAN_IN, FAN_OUT), None),
}


@pytest.mark.parametrize("name", LAWS)
def test_variance_law_and_bounds(name):
    variance, bound = LAWS[name]
    W = init.get(name)(FAN_IN, FAN_OUT, rng=0)
    assert W.shape == (FAN_IN, FAN_OUT)
    assert W.dtype == np.float64
    assert W.var() == pytest.approx(variance, rel=0.03)
    assert abs(W.mean()) < 0.02 * math.sqrt(variance)
    if bound is not None:
        assert np.abs(W).max() <= bound
        assert np.abs(W).max() > 0.99 * bound  # the whole interval is used


@pytest.mark.parametrize("name", LAWS)
def test_same_rng_same_array(name):
    f = init.get(name)
    np.testing.assert_array_equal(f(5, 7, rng=42), f(5, 7, rng=42))
    np.testing.assert_array_equal(
        f(5, 7, rng=np.random.default_rng(3)), f(5, 7, rng=np.random.default_rng(3))
    )
    assert not np.array_equal(f(5, 7, rng=1), f(5, 7, rng=2))


def test_gains_and_options():
    W = init.xavier_uniform(300, 300, rng=0, gain=init.calculate_gain("tanh"))
    assert np.abs(W).max() <= 5 / 3 * math.sqrt(6 / 600)
    assert init.normal(1000, 100, rng=0, std=0.01).std() == pytest.approx(0.01, rel=0.02)
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert init.calculate_gain("sigmoid") == 1.0
    np.testing.assert_array_equal(init.zeros(2, 3), np.zeros((2, 3)))


@pytest.mark.parametrize(("fan_in", "fan_out"), [(50, 50), (30, 80), (80, 30)])
def test_orthogonal(fan_in, fan_out):
    W = init.orthogonal(fan_in, fan_out, rng=0, gain=2.0)
    s = np.linalg.svd(W, compute_uv=False)
    np.testing.assert_allclose(s, 2.0, rtol=1e-12)


def test_he_std_of_vgg_layer():
    # He et al. 2015: 3x3 filters on 64 channels, n = 576 -> std sqrt(2/576) = 0.0589
    assert math.sqrt(2 / 576) == pytest.approx(0.0589, abs=1e-4)
    assert init.he_normal(576, 4000, rng=0).std() == pytest.approx(0.0589, rel=0.01)


def test_bad_input():
    with pytest.raises(ValueError, match=r"fan_in must be a positive integer \(>= 1\), got 0"):
        init.xavier_uniform(0, 3)
    with pytest.raises(ValueError, match="fan_out must be a positive integer"):
        init.he_normal(3, -1)
    with pytest.raises(TypeError, match="fan_in must be a positive integer, got float"):
        init.standard(2.5, 3)
    with pytest.raises(ValueError, match="unknown initializer 'glorot'; known: 'xavier_uniform'"):
        init.get("glorot")
    with pytest.raises(
        TypeError, match=r"rng must be None, an int seed or a numpy\.random\.Generator"
    ):
        init.normal(2, 2, rng="seed")
    with pytest.raises(ValueError, match="std must be >= 0"):
        init.normal(2, 2, std=-1.0)
    with pytest.raises(ValueError, match="unknown nonlinearity"):
        init.calculate_gain("swish")
