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


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_is_each_sides_formula_to_the_last_bit(dtype):
    # 1 / (1 + e) for z >= 0, e / (1 + e) below, e = exp(-|z|): what sigmoid computes without
    # choosing per element; also at the edges (signed zeros, subnormals, overflow), and, where
    # the library computes it unchecked (autodiff, losses), at inf and NaN
    edges = [0.0, -0.0, 5e-324, -5e-324, 1e-300, 36.7, -36.7, 709.8, -745.2, 1e4, -1e4]
    z = np.concatenate([edges, np.random.default_rng(0).normal(0, 8, 10_000)]).astype(dtype)
    for compute, values in [(sigmoid, z), (activations._sigmoid, [*z, np.inf, -np.inf, np.nan])]:
        values = np.asarray(values, dtype=dtype)
        e = np.exp(-np.abs(values))
        expected = np.where(values >= 0, 1 / (1 + e), e / (1 + e))
        got = compute(values)
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, expected)


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


ALL = [*ELEMENTWISE, softmax]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("f", ALL, ids=lambda f: f.name)
def test_dtype_is_preserved_by_every_method(f, dtype):
    z = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0]], dtype=dtype)
    a = f(z)
    g = np.ones_like(a)
    assert a.dtype == dtype
    assert f.derivative(z).dtype == dtype
    assert f.derivative_from_output(a).dtype == dtype
    assert f.backward(a, g).dtype == dtype
    # and the values are the float64 ones, rounded to the dtype
    z64 = z.astype(np.float64)
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(a, f(z64), rtol=4 * eps, atol=4 * eps)
    np.testing.assert_allclose(f.derivative(z), f.derivative(z64), rtol=4 * eps, atol=4 * eps)


def test_integers_become_float64():
    assert sigmoid([0, 1]).dtype == np.float64
    assert relu.derivative(np.array([1, -1], dtype=np.int32)).dtype == np.float64


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
    with pytest.raises(ValueError, match="softmax needs z with at least one class"):
        softmax(1.0)
    with pytest.raises(ValueError, match=r"unknown activation 'sigmod'; known: 'sigmoid'"):
        activations.get("sigmod")


# --- one name per meaning ---------------------------------------------------------------------
def test_the_three_derivatives_and_nothing_private_beside_them():
    z = np.array([-1.5, 0.3, 2.0])
    g = np.array([0.5, -2.0, 3.0])
    for f in ELEMENTWISE:
        a = f(z)
        np.testing.assert_allclose(f.derivative_from_output(a), f.derivative(z), rtol=1e-14)
        np.testing.assert_array_equal(f.backward(a, g), g * f.derivative_from_output(a))
    # the private duplicate of derivative_from_output is gone
    assert not hasattr(sigmoid, "_from_output")


def test_backward_is_what_a_layer_calls():
    # layers.Activation calls function._params(params), function._forward(x, **params) and
    # function.backward(a, g, **params)
    z = np.array([[-1.0, 2.0]])
    params = leaky_relu._params({"slope": 0.2})
    a = leaky_relu._forward(z, **params)
    np.testing.assert_array_equal(leaky_relu.backward(a, np.ones_like(a), **params), [[0.2, 1.0]])


def test_backward_lets_nonfinite_gradients_through():
    # a diverging run carries inf and NaN to fit's divergence check instead of raising midway
    out = relu.backward(np.array([1.0, 2.0]), np.array([np.inf, np.nan]))
    assert np.isinf(out[0])
    assert np.isnan(out[1])


def test_identity_returns_a_new_array():
    z = np.array([1.0, 2.0])
    out = identity(z)
    assert out is not z
    out -= 1.0
    np.testing.assert_array_equal(z, [1.0, 2.0])


def test_signatures_name_the_parameters():
    import inspect

    assert str(inspect.signature(sigmoid)) == "(z)"
    assert str(inspect.signature(leaky_relu)) == "(z, *, slope=0.01)"
    assert str(inspect.signature(elu)) == "(z, *, alpha=1.0)"


# --- softmax without classes --------------------------------------------------------------------
@pytest.mark.parametrize("z", [[], np.zeros((3, 0)), np.zeros((0, 0))], ids=str)
def test_softmax_needs_a_class(z):
    for method in (softmax, softmax.derivative, softmax.derivative_from_output):
        with pytest.raises(ValueError, match=r"softmax needs (z|a) with at least one class"):
            method(z)


def test_softmax_of_an_empty_batch_is_empty():
    assert softmax(np.zeros((0, 3))).shape == (0, 3)
    assert softmax.derivative(np.zeros((0, 3))).shape == (0, 3, 3)


# --- bad input: a clear TypeError or ValueError naming the argument -----------------------------
def _custom(**kwargs):
    spec = {"name": "sq", "forward": np.square, "derivative": np.abs, "from_output": np.abs}
    return activations.ActivationFunction(**{**spec, **kwargs})


BAD_INPUT = [
    # (call, exception, message)
    (lambda: sigmoid(True), TypeError, "z must hold numbers, got booleans"),
    (lambda: relu([True, False]), TypeError, "z must hold numbers, got booleans"),
    (lambda: tanh("0.5"), TypeError, "z must be array-like of real numbers, got str"),
    (lambda: tanh(None), TypeError, "z must be array-like of real numbers, got NoneType"),
    (lambda: elu([1.0, "a"]), TypeError, "z must contain real numbers"),
    (lambda: elu([[1.0], [1.0, 2.0]]), TypeError, "z must be array-like of real numbers"),
    (lambda: sigmoid([1 + 2j]), TypeError, "z must contain real numbers"),
    (lambda: sigmoid([np.nan]), ValueError, "z contains 1 non-finite"),
    (lambda: sigmoid.derivative([-np.inf]), ValueError, "z contains 1 non-finite"),
    (lambda: tanh.derivative_from_output([np.nan]), ValueError, "a contains 1 non-finite"),
    (lambda: softmax([[np.inf, 0.0]]), ValueError, "z contains 1 non-finite"),
    (lambda: softmax([]), ValueError, "softmax needs z with at least one class"),
    (lambda: softmax(np.ones((2, 0))), ValueError, r"got shape \(2, 0\)"),
    (lambda: softmax.derivative(3.0), ValueError, "softmax needs z .* got a scalar"),
    (lambda: softmax.backward([], []), ValueError, "softmax needs a of shape"),
    # outputs no input produces
    (
        lambda: sigmoid.derivative_from_output([0.5, 2.0]),
        ValueError,
        r"a must be outputs of sigmoid, in \[0, 1\]",
    ),
    (
        lambda: tanh.derivative_from_output([-1.5]),
        ValueError,
        r"a must be outputs of tanh, in \[-1, 1\]",
    ),
    (lambda: relu.derivative_from_output([-0.1]), ValueError, "a must be outputs of relu"),
    (
        lambda: elu.derivative_from_output([-1.5]),
        ValueError,
        r"a must be outputs of elu, in \[-1, inf\]",
    ),
    (lambda: elu.derivative_from_output([-0.6], alpha=0.5), ValueError, r"in \[-0.5, inf\]"),
    (
        lambda: softmax.derivative_from_output([1.5, -0.5]),
        ValueError,
        "a must be outputs of softmax",
    ),
    # parameters
    (
        lambda: relu([1.0], slope=0.1),
        TypeError,
        r"relu got unexpected parameter\(s\) \['slope'\]; allowed: none",
    ),
    (lambda: leaky_relu([1.0], slop=0.1), TypeError, r"\['slop'\]; allowed: slope"),
    (
        lambda: leaky_relu.derivative([1.0], slope=True),
        TypeError,
        "slope must be a real number, got bool",
    ),
    (lambda: leaky_relu([1.0], slope="0.1"), TypeError, "slope must be a real number, got str"),
    (
        lambda: leaky_relu([1.0], slope=None),
        TypeError,
        "slope must be a real number, got NoneType",
    ),
    (lambda: leaky_relu([1.0], slope=np.nan), ValueError, "slope must be finite"),
    (lambda: elu([1.0], alpha=np.inf), ValueError, "alpha must be finite"),
    (lambda: elu.derivative_from_output([1.0], alpha=-1.0), ValueError, "alpha must be >= 0"),
    (lambda: leaky_relu.backward([1.0], [1.0], slope=-0.5), ValueError, "slope must be >= 0"),
    (
        lambda: sigmoid.backward([0.5], [1.0], alpha=1.0),
        TypeError,
        "sigmoid got unexpected parameter",
    ),
    # backward: types and shapes (values may be non-finite: a diverging run)
    (
        lambda: sigmoid.backward([0.5, 0.5], [1.0]),
        ValueError,
        r"a and grad_output must have the same shape, got \(2,\) and \(1,\)",
    ),
    (
        lambda: softmax.backward(np.ones((2, 3)) / 3, np.ones((3, 2))),
        ValueError,
        "a and grad_output must have the same shape",
    ),
    (
        lambda: relu.backward([1.0], [True]),
        TypeError,
        "grad_output must hold numbers, got booleans",
    ),
    (
        lambda: relu.backward(None, [1.0]),
        TypeError,
        "a must be array-like of real numbers, got NoneType",
    ),
    (
        lambda: relu.backward([1.0], "1"),
        TypeError,
        "grad_output must be array-like of real numbers, got str",
    ),
    # get
    (
        lambda: activations.get("sigmod"),
        ValueError,
        "unknown activation 'sigmod'; known: 'sigmoid'",
    ),
    (lambda: activations.get(None), TypeError, "activation must be given by name"),
    (lambda: activations.get(True), TypeError, "activation must be given by name"),
    # the constructor
    (lambda: _custom(name=5), TypeError, "name must be a str, got int"),
    (lambda: _custom(name=""), ValueError, "name must be a non-empty str"),
    (lambda: _custom(forward="square"), TypeError, "forward must be callable, got str"),
    (lambda: _custom(derivative=None), TypeError, "derivative must be callable, got NoneType"),
    (lambda: _custom(from_output=1.0), TypeError, "from_output must be callable, got float"),
    (lambda: _custom(params=[("k", 1.0)]), TypeError, "params must be a dict"),
    (lambda: _custom(params={"k": "1"}), TypeError, "k must be a real number, got str"),
    (lambda: _custom(params={"k": -1.0}), ValueError, "k must be >= 0"),
    (lambda: _custom(params={1: 1.0}), TypeError, "params key must be a str, got int"),
    (lambda: _custom(output_range=(0.0,)), TypeError, "output_range must be a pair"),
    (lambda: _custom(output_range=("0", 1)), TypeError, "output_range must be a pair of numbers"),
    (
        lambda: _custom(params={"z": 1.0}),
        ValueError,
        "params keys must be keyword names other than 'z'",
    ),
    (lambda: _custom(params={"a b": 1.0}), ValueError, "params keys must be keyword names"),
    (
        lambda: _custom(output_range=(1.0, 0.0)),
        ValueError,
        "output_range must satisfy low <= high",
    ),
    (
        lambda: _custom(params={"k": 1.0}).derivative([1.0], j=2.0),
        TypeError,
        r"sq got unexpected parameter\(s\) \['j'\]; allowed: k",
    ),
]


@pytest.mark.parametrize(("call", "exc", "message"), BAD_INPUT, ids=[m for _, _, m in BAD_INPUT])
def test_bad_input_is_refused_naming_the_argument(call, exc, message):
    with pytest.raises(exc, match=message):
        call()


def test_default_parameters_are_read_only():
    # one leaky_relu object serves every layer: editing its defaults would change them all
    with pytest.raises(TypeError):
        leaky_relu.params["slope"] = 0.5  # type: ignore[index]
    assert leaky_relu([-1.0]) == -0.01


def test_refused_parameters_leave_the_defaults_alone():
    with pytest.raises(ValueError, match="slope must be >= 0"):
        leaky_relu([1.0], slope=-1.0)
    assert leaky_relu.params == {"slope": 0.01}


def test_an_activation_layer_backpropagates_through_a_subclass_own_backward():
    """A subclass that overrides only the public backward (a Jacobian activation, as softmax
    does) is what an Activation layer uses, not the element-wise derivative."""
    from gradlab import Activation

    class Doubled(activations.ActivationFunction):
        def backward(self, a, grad_output, **params):
            return 2.0 * np.asarray(grad_output)

    fn = Doubled("doubled", lambda z: z, np.ones_like, np.ones_like)
    layer = Activation(fn)
    layer.forward([[1.0, -3.0]])
    np.testing.assert_array_equal(layer.backward([[1.0, 5.0]]), [[2.0, 10.0]])
    plain = Activation(relu)  # the element-wise path: relu'(a) * g
    plain.forward([[1.0, -3.0]])
    np.testing.assert_array_equal(plain.backward([[1.0, 5.0]]), [[1.0, 0.0]])
    layer = Activation("softmax")  # the Jacobian: s * (g - <g, s>)
    s = layer.forward([[0.0, np.log(3.0)]])
    g = np.array([[1.0, 0.0]])
    np.testing.assert_allclose(layer.backward(g), s * (g - np.sum(g * s)), rtol=1e-15)
