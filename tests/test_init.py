"""Initializers: variance laws, bounds, shapes, reproducibility, errors."""

import functools
import math
import re

import numpy as np
import pytest

from gradlab import Dense, init

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
    with pytest.raises(ValueError, match="std must be > 0"):
        init.normal(2, 2, std=-1.0)
    with pytest.raises(ValueError, match="unknown nonlinearity"):
        init.calculate_gain("swish")


# -- every initializer refuses bad input the same way, naming the argument -------------------

NAMES = list(init.INITIALIZERS)
NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("arg", ["fan_in", "fan_out"])
@pytest.mark.parametrize(
    ("value", "error"),
    [(True, TypeError), (2.0, TypeError), ("3", TypeError), (None, TypeError), (NAN, TypeError),
     (INF, TypeError), (0, ValueError), (-1, ValueError)],
)  # fmt: skip
def test_bad_fans_refused(name, arg, value, error):
    fans = {"fan_in": 2, "fan_out": 3, arg: value}
    with pytest.raises(error, match=f"^{arg} must be a positive integer"):
        init.get(name)(**fans, rng=0)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    ("rng", "error", "message"),
    [(-1, ValueError, "non-negative int seed, got -1"), ("x", TypeError, "got str"),
     (1.5, TypeError, "got float"), (True, TypeError, "got bool"),
     (np.random.RandomState(0), TypeError, "got RandomState")],
)  # fmt: skip
def test_bad_rng_refused(name, rng, error, message):
    # zeros draws nothing, and still refuses what every other initializer refuses
    with pytest.raises(error, match=f"^rng must be .*{message}"):
        init.get(name)(2, 3, rng=rng)


@pytest.mark.parametrize(
    ("name", "arg", "value", "error", "message"),
    [
        (name, arg, value, error, message)
        for name, arg in [("xavier_uniform", "gain"), ("xavier_normal", "gain"),
                          ("orthogonal", "gain"), ("normal", "std")]
        for value, error, message in [
            (True, TypeError, "must be a real number, got bool"),
            ("1", TypeError, "must be a real number, got str"),
            (None, TypeError, "must be a real number, got NoneType"),
            (NAN, ValueError, "must be finite, got nan"),
            (INF, ValueError, "must be finite, got inf"),
            (0.0, ValueError, r"must be > 0, got 0\.0"),
            (-1.0, ValueError, r"must be > 0, got -1\.0"),
        ]
    ],
)  # fmt: skip
def test_bad_scale_refused(name, arg, value, error, message):
    with pytest.raises(error, match=f"^{arg} {message}"):
        getattr(init, name)(2, 3, rng=0, **{arg: value})


def test_zero_std_refused():
    # N(0, 0) is the zeros initializer in disguise; HEAD returned zeros silently
    with pytest.raises(ValueError, match=r"^std must be > 0, got 0\.0"):
        init.normal(2, 3, rng=0, std=0)


@pytest.mark.parametrize(
    ("name", "arg", "value", "fans", "seed"),
    [
        ("xavier_uniform", "gain", 1.7e308, (1, 2), 0),  # bound 1.4e308: high - low overflows
        ("xavier_normal", "gain", 1.7e308, (1, 2), 3),  # std 1.4e308, seed 3 draws |z| > 2
        ("normal", "std", 1e308, (50, 50), 0),
    ],
)
def test_overflowing_scale_refused_and_rng_untouched(name, arg, value, fans, seed):
    # HEAD: xavier_uniform raised numpy's OverflowError, the normals returned inf weights
    gen = np.random.default_rng(seed)
    before = gen.bit_generator.state
    with pytest.raises(ValueError, match=re.escape(f"{arg}={value!r} of {name} is too large")):
        getattr(init, name)(*fans, rng=gen, **{arg: value})
    assert gen.bit_generator.state == before  # nothing refused has moved the caller's rng
    assert gen.random() == np.random.default_rng(seed).random()


def test_large_finite_scale_still_accepted():
    W = init.normal(3, 3, rng=0, std=1e300)
    assert np.isfinite(W).all()
    np.testing.assert_array_equal(W, 1e300 * np.random.default_rng(0).standard_normal((3, 3)))


# -- a callable initializer's result is checked, naming the initializer ---------------------


def nan_init(fan_in, fan_out, rng=None):
    return np.full((fan_in, fan_out), np.nan)


def _returns(value):
    def bad_init(fan_in, fan_out, rng=None):
        return value

    return bad_init


BAD_RESULTS = {
    "nan": (nan_init, ValueError, r"initializer nan_init returned 6 non-finite value\(s\)"),
    "inf": (_returns(np.array([[1.0, np.inf, 2.0], [0.0, -np.inf, 1.0]])), ValueError,
            r"initializer bad_init returned 2 non-finite value\(s\) \(NaN or inf\)"),
    "shape": (_returns(np.zeros((3, 2))), ValueError,
              r"initializer bad_init returned shape \(3, 2\), expected \(fan_in, fan_out\) = "
              r"\(2, 3\)"),
    "scalar": (_returns(0.5), ValueError, r"returned shape \(\), expected"),
    "str": (_returns("abc"), TypeError, "initializer bad_init must return an array of real "
            "numbers, got str"),
    "None": (_returns(None), TypeError, "must return an array of real numbers, got NoneType"),
    "bool": (_returns(np.ones((2, 3), dtype=bool)), TypeError, "got an array of dtype bool"),
    "complex": (_returns(np.ones((2, 3), dtype=complex)), TypeError,
                "got an array of dtype complex128"),
    "ragged": (_returns([[1.0], [1.0, 2.0]]), TypeError, "got list"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_RESULTS)
def test_bad_callable_result_refused_by_get(case):
    f, error, message = BAD_RESULTS[case]
    with pytest.raises(error, match=message):
        init.get(f)(2, 3, rng=0)


@pytest.mark.parametrize("case", BAD_RESULTS)
def test_bad_callable_result_refused_by_dense(case):
    # Dense(init=f) reported the NaN case as Parameter's "value contains ...", naming no init
    f, error, message = BAD_RESULTS[case]
    with pytest.raises(error, match=message):
        Dense(2, 3, init=f, rng=0)


def test_good_callable_result_passes_through():
    f = functools.partial(init.normal, std=0.01)
    wrapped = init.get(f)
    np.testing.assert_array_equal(wrapped(4, 5, rng=7), init.normal(4, 5, rng=7, std=0.01))
    ints = init.get(lambda fan_in, fan_out, rng=None: np.ones((fan_in, fan_out), dtype=int))
    W = ints(2, 3)
    assert W.dtype == np.float64
    np.testing.assert_array_equal(W, np.ones((2, 3)))
    assert init.get(nan_init).__name__ == "nan_init"
    with pytest.raises(ValueError, match=r"^fan_in must be a positive integer"):
        init.get(nan_init)(0, 3)  # the wrapper checks the fans before calling


@pytest.mark.parametrize("value", [None, 5, True, 1.5, ["he_normal"]])
def test_get_refuses_non_initializers(value):
    with pytest.raises(
        TypeError, match=r"^init must be an initializer name \(str\) or a callable"
    ):
        init.get(value)


# -- calculate_gain --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("relu", 0.2), ValueError, "param is the slope of 'leaky_relu'; nonlinearity 'relu'"),
        (("tanh", 0.0), ValueError, "nonlinearity 'tanh' takes no param"),
        (("leaky_relu", -0.1), ValueError, r"^param must be >= 0, got -0\.1"),
        (("leaky_relu", True), TypeError, "^param must be a real number, got bool"),
        (("leaky_relu", NAN), ValueError, "^param must be finite"),
        ((None,), TypeError, r"^nonlinearity must be given by name \(str\)"),
        (("RELU",), ValueError, "^unknown nonlinearity 'RELU'"),
    ],
)
def test_calculate_gain_refuses(args, error, message):
    with pytest.raises(error, match=message):
        init.calculate_gain(*args)


def test_calculate_gain_of_a_huge_slope_is_finite():
    # HEAD: OverflowError from slope**2
    assert init.calculate_gain("leaky_relu", 1e200) == pytest.approx(math.sqrt(2) * 1e-200)
    assert init.calculate_gain("leaky_relu", math.sqrt(5)) == math.sqrt(2 / 6)
