"""Diagnostics: gradient norms, saturation, dead units, Jacobians, gradcheck."""

import numpy as np
import pytest

from gradlab import Activation, BatchNorm, Dense, Residual, Sequential, mlp
from gradlab.diagnostics import (
    dead_fraction,
    dense_layers,
    gradcheck,
    gradient_norms,
    input_jacobian,
    layer_outputs,
    norm,
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
    # where no square under- or overflows, the plain sum of squares, as numpy.linalg.norm
    rng = np.random.default_rng(0)
    for scale in (1e-130, 1e-3, 1.0, 1e130):
        x = rng.normal(size=(7, 5)) * scale
        assert norm(x) == float(np.linalg.norm(x))
    for scale in (1e-150, 1e150, 1e-300, 1e300):  # and on either side, the scaled one
        assert norm([3 * scale, 4 * scale]) == pytest.approx(5 * scale, rel=1e-15)
    assert np.isnan(norm([np.nan, 1.0]))
    assert norm([1e150, 1e-200]) == pytest.approx(1e150, rel=1e-15)


def test_layer_outputs_is_a_forward_pass_backward_can_follow():
    net = mlp([2, 3, 1], activation="tanh", rng=0)
    X = np.ones((4, 2))
    outs = layer_outputs(net, X)
    dX = net.backward(np.ones((4, 1)))
    net2 = mlp([2, 3, 1], activation="tanh", rng=0)
    net2.forward(X)
    np.testing.assert_array_equal(dX, net2.backward(np.ones((4, 1))))
    assert len(outs) == 3


# -- a measurement leaves the model exactly as it was -----------------------------------------


def bn_net(bn_training, none_grad=False):
    """Dense, BatchNorm, activations and a Residual block holding a second BatchNorm."""
    net = Sequential(
        Dense(3, 4, rng=0),
        BatchNorm(4),
        Activation("tanh"),
        Residual(Dense(4, 4, rng=1), BatchNorm(4), Activation("relu")),
        Activation("sigmoid"),
        Dense(4, 2, rng=2),
    )
    rng = np.random.default_rng(0)
    for _ in range(3):  # running statistics away from their initial values
        net.forward(rng.normal(1.0, 2.0, size=(6, 3)))
    for i, p in enumerate(net.parameters()):
        p.grad[...] = 0.25 * (i + 1)
    if none_grad:
        net.parameters()[1].grad = None  # "no gradient", as after p.grad = None
    for layer in net.modules():
        if isinstance(layer, BatchNorm):
            layer.train(bn_training)  # the rest of the net stays in training mode
    return net


def state(net):
    params = net.parameters()
    return (
        [p.value.copy() for p in params],
        [None if p.grad is None else p.grad.copy() for p in params],
        [layer.training for layer in net.modules()],
        [
            (layer.running_mean.copy(), layer.running_var.copy())
            for layer in net.modules()
            if isinstance(layer, BatchNorm)
        ],
    )


def assert_same_state(before, after):
    values, grads, modes, stats = before
    for a, b in zip(values, after[0], strict=True):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(grads, after[1], strict=True):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(a, b)
    assert modes == after[2]
    for (m0, v0), (m1, v1) in zip(stats, after[3], strict=True):
        np.testing.assert_array_equal(m0, m1)
        np.testing.assert_array_equal(v0, v1)


X_STATE = np.random.default_rng(1).normal(size=(5, 3))
G_STATE = np.random.default_rng(2).normal(size=(5, 2))

MEASUREMENTS = {
    "gradcheck": lambda net, X: gradcheck(net, X, np.ones((len(X), 2))),
    "gradcheck_cross_entropy": lambda net, X: gradcheck(
        net, X, np.arange(len(X)) % 2, loss="cross_entropy"
    ),
    "saturated_fraction": saturated_fraction,
    "dead_fraction": dead_fraction,
    "input_jacobian": lambda net, X: input_jacobian(net, X[0]),
}


@pytest.mark.parametrize("none_grad", [False, True], ids=["grads", "a_grad_none"])
@pytest.mark.parametrize("bn_training", [True, False], ids=["bn_train", "bn_eval"])
@pytest.mark.parametrize("measure", MEASUREMENTS.values(), ids=MEASUREMENTS.keys())
def test_a_measurement_leaves_the_model_exactly_as_it_was(measure, bn_training, none_grad):
    net, reference = bn_net(bn_training, none_grad), bn_net(bn_training, none_grad)
    X0 = np.random.default_rng(3).normal(size=(5, 3))
    net.forward(X0)  # a forward pass waiting for its backward
    reference.forward(X0)
    before = state(net)
    if measure is MEASUREMENTS["input_jacobian"] and bn_training:
        with pytest.raises(ValueError, match="BatchNorm layers in evaluation mode"):
            measure(net, X_STATE)
    else:
        measure(net, X_STATE)
    assert_same_state(before, state(net))
    # the waiting pass is still there: backward gives what it would have given
    np.testing.assert_array_equal(net.backward(G_STATE), reference.backward(G_STATE))
    assert_same_state(state(reference), state(net))


@pytest.mark.parametrize("bn_training", [True, False], ids=["bn_train", "bn_eval"])
def test_layer_outputs_keeps_its_caches_for_backward_but_not_the_statistics(bn_training):
    net, reference = bn_net(bn_training), bn_net(bn_training)
    before = state(net)
    outputs = layer_outputs(net, X_STATE)
    assert_same_state(before, state(net))  # statistics, modes, parameters, gradients
    np.testing.assert_array_equal(outputs[-1], reference.forward(X_STATE))
    np.testing.assert_array_equal(net.backward(G_STATE), reference.backward(G_STATE))
    for p, q in zip(net.parameters(), reference.parameters(), strict=True):
        np.testing.assert_array_equal(p.grad, q.grad)


def test_measurements_use_each_layers_own_mode():
    # BatchNorm in training mode normalizes with the batch statistics: layer_outputs shows
    # what a training step sees; in eval mode, what inference sees.
    for bn_training in (True, False):
        net = bn_net(bn_training)
        reference = bn_net(bn_training)
        np.testing.assert_array_equal(layer_outputs(net, X_STATE)[-1], reference.forward(X_STATE))


# -- every activation layer, in forward order --------------------------------------------------


def test_saturated_and_dead_fractions_count_every_call_in_forward_order():
    sigmoid = Activation("sigmoid")
    first = Dense(1, 3, bias=False, init="zeros")
    first.W.value[...] = [[0.0, 4.0, 10.0]]  # z = 0, 4, 10: one unit in three saturated
    inner = Dense(3, 3, init="zeros")
    inner.b.value[...] = [10.0, -10.0, 0.0]  # f(h) = sigmoid(b): two units in three
    net = Sequential(first, sigmoid, Residual(inner, sigmoid), Dense(3, 1, rng=0))
    np.testing.assert_allclose(saturated_fraction(net, np.ones((2, 1))), [1 / 3, 2 / 3])

    relu = Activation("relu")
    hidden = Dense(2, 4, init="zeros")
    hidden.W.value[...] = [[1.0, -1.0, 1.0, -1.0], [1.0, -1.0, -1.0, 1.0]]  # dead: 1 and 3
    block = Dense(4, 4, init="zeros")
    block.b.value[...] = [-1.0, 1.0, 1.0, 1.0]  # dead: unit 0
    tanh_block = Residual(Dense(4, 4, rng=0), Activation("tanh"))
    net = Sequential(hidden, relu, Residual(block, relu), tanh_block, Dense(4, 1, rng=1))
    X = np.array([[1.0, 1.0], [2.0, 0.5]])
    np.testing.assert_array_equal(dead_fraction(net, X), [0.5, 0.25])
    assert saturated_fraction(net, X).shape == (1,)  # the tanh inside the second block


def test_a_reused_activation_is_measured_at_each_use():
    act = Activation("tanh")
    a, b = Dense(1, 2, bias=False, init="zeros"), Dense(2, 2, bias=False, init="zeros")
    a.W.value[...] = [[0.1, 5.0]]  # tanh(5) saturated, tanh(0.1) not
    b.W.value[...] = [[10.0, 10.0], [0.0, 0.0]]  # tanh(1.0), tanh(1.0): none saturated
    net = Sequential(a, act, b, act)
    np.testing.assert_array_equal(saturated_fraction(net, np.ones((3, 1))), [0.5, 0.0])


# -- gradcheck in float32 ----------------------------------------------------------------------


class SlightlyWrong(Activation):
    """A backward 1 % off: the size of a real mistake in a hand-written formula."""

    def _backward(self, g, cache, input_grad):
        return 1.01 * super()._backward(g, cache, input_grad)


class DtypeRecorder(Activation):
    """Records the dtype of every gradient its backward receives."""

    def __init__(self, name):
        super().__init__(name)
        self.seen = []

    def _backward(self, g, cache, input_grad):
        self.seen.append(g.dtype)
        return super()._backward(g, cache, input_grad)


def float32_nets():
    yield "tanh mlp", mlp([3, 5, 2], activation="tanh", rng=0, dtype=np.float32), "squared_error"
    yield "sigmoid mlp", mlp([3, 8, 8, 2], activation="sigmoid", rng=1, dtype=np.float32), "mse"
    bn = Sequential(
        Dense(3, 6, rng=0, dtype=np.float32),
        BatchNorm(6, dtype=np.float32),
        Activation("tanh"),
        Residual(Dense(6, 6, rng=1, dtype=np.float32), Activation("sigmoid")),
        Dense(6, 2, rng=2, dtype=np.float32),
    )
    yield "batchnorm residual", bn, "cross_entropy"


@pytest.mark.parametrize("case", list(float32_nets()), ids=lambda c: c[0])
def test_gradcheck_passes_a_correct_float32_network(case):
    _, net, loss = case
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 3))
    y = np.arange(6) % 2 if loss == "cross_entropy" else rng.normal(size=(6, 2))
    # the old check stepped by 1e-6 in float32, below its resolution: about 1e-2 here
    assert gradcheck(net, X, y, loss=loss) < 1e-3  # the documented float32 threshold


def test_gradcheck_checks_the_float32_backward_itself():
    recorder = DtypeRecorder("tanh")
    net = Sequential(Dense(3, 4, rng=0, dtype=np.float32), recorder)
    rng = np.random.default_rng(0)  # float64 X and target: rounded to the network's float32
    gradcheck(net, rng.normal(size=(4, 3)), rng.normal(size=(4, 4)))
    assert recorder.seen == [np.float32]


@pytest.mark.parametrize(("dtype", "threshold"), [(np.float64, 1e-6), (np.float32, 1e-3)])
def test_gradcheck_catches_a_one_percent_error(dtype, threshold):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 1))

    def net(activation):
        return Sequential(
            Dense(3, 4, rng=0, dtype=dtype), activation("tanh"), Dense(4, 1, rng=1, dtype=dtype)
        )

    assert gradcheck(net(Activation), X, y) < threshold
    assert gradcheck(net(SlightlyWrong), X, y) > 5e-3 > threshold


def test_gradcheck_float64_network_is_checked_to_1e_8():
    rng = np.random.default_rng(0)
    net = mlp([4, 6, 6, 3], activation="sigmoid", rng=0)
    assert gradcheck(net, rng.normal(size=(5, 4)), rng.normal(size=(5, 3))) < 1e-8


# -- bad input: refused, naming the argument, nothing changed ----------------------------------

NET_X = np.ones((4, 3))
NET_T = np.ones((4, 2))


def _bad(fn, *args, **kwargs):
    return lambda net: fn(net, *args, **kwargs)


BAD_CALLS = [
    # norm
    (lambda net: norm("abc"), TypeError, r"^x must"),
    (lambda net: norm(None), TypeError, r"^x must"),
    (lambda net: norm([True, False]), TypeError, r"^x must hold numbers"),
    (lambda net: norm(True), TypeError, r"^x must hold numbers"),
    (lambda net: norm([[1.0], [1.0, 2.0]]), TypeError, r"^x must"),
    (lambda net: norm(object()), TypeError, r"^x must"),
    (lambda net: norm([1 + 2j]), TypeError, r"^x must"),
    # the model
    *[
        (lambda net, fn=fn: fn(Dense(3, 2)), TypeError, "model must be a gradlab Sequential")
        for fn in (dense_layers, gradient_norms)
    ],
    *[
        (lambda net, fn=fn, m=m: fn(m, NET_X), TypeError, "model must be a gradlab Sequential")
        for fn in (layer_outputs, saturated_fraction, dead_fraction)
        for m in (None, "net", Dense(3, 2))
    ],
    (lambda net: gradcheck(None, NET_X, NET_T), TypeError, "model must be a gradlab Sequential"),
    (lambda net: input_jacobian([net], NET_X[0]), TypeError, "model must be a gradlab Sequential"),
    # which
    (_bad(gradient_norms, which=None), TypeError, "which must be a str"),
    (_bad(gradient_norms, which=1), TypeError, "which must be a str"),
    (_bad(gradient_norms, which=["W"]), TypeError, "which must be a str"),
    (_bad(gradient_norms, which="w"), ValueError, "which must be 'W' or 'b'"),
    # X of a batch
    *[
        (_bad(fn, X), exc, match)
        for fn in (layer_outputs, saturated_fraction, dead_fraction)
        for X, exc, match in [
            ("abc", TypeError, "X must contain real numbers"),
            (None, TypeError, "X must contain real numbers"),
            (np.ones(3), ValueError, "a 2-D array .* for X, got 1-D"),
            (np.ones((2, 2, 3)), ValueError, "a 2-D array .* for X, got 3-D"),
            (np.ones((4, 5)), ValueError, "input with 3 features, got X of shape"),
            (np.full((2, 3), np.nan), ValueError, "X contains 6 non-finite"),
            (np.array([[1.0, np.inf, 0.0]]), ValueError, "X contains 1 non-finite"),
        ]
    ],
    *[
        (_bad(fn, np.ones((0, 3))), ValueError, f"{name} needs X with at least one sample")
        for fn, name in [
            (saturated_fraction, "saturated_fraction"),
            (dead_fraction, "dead_fraction"),
        ]
    ],
    # threshold
    *[
        (_bad(saturated_fraction, NET_X, threshold=t), exc, "threshold must")
        for t, exc in [
            (True, TypeError),
            ("0.1", TypeError),
            (None, TypeError),
            (np.nan, ValueError),
            (np.inf, ValueError),
            (-0.1, ValueError),
            (1.0, ValueError),
        ]
    ],
    # x of input_jacobian
    (_bad(input_jacobian, np.ones((2, 3))), ValueError, r"x must be one input, of shape \(3,\)"),
    (
        _bad(input_jacobian, np.ones((1, 6))),
        ValueError,
        r"x must be one input.*got shape \(1, 6\)",
    ),
    (_bad(input_jacobian, np.ones(4)), ValueError, r"x must be one input.*got shape \(4,\)"),
    (_bad(input_jacobian, 1.0), ValueError, r"x must be one input.*got shape \(\)"),
    (_bad(input_jacobian, np.ones(0)), ValueError, r"x must be one input.*got shape \(0,\)"),
    (_bad(input_jacobian, [np.nan, 0, 0]), ValueError, "x contains 1 non-finite"),
    (_bad(input_jacobian, [True, False, True]), TypeError, "x must hold numbers"),
    (_bad(input_jacobian, "abc"), TypeError, "x must be array-like"),
    (_bad(input_jacobian, None), TypeError, "x must be array-like"),
    # gradcheck
    *[
        (_bad(gradcheck, NET_X, NET_T, eps=e), exc, "eps must")
        for e, exc in [
            (True, TypeError),
            ("1e-6", TypeError),
            (np.nan, ValueError),
            (np.inf, ValueError),
            (0.0, ValueError),
            (-1e-6, ValueError),
        ]
    ],
    (_bad(gradcheck, np.ones((0, 3)), NET_T), ValueError, "gradcheck needs X with at least one"),
    (_bad(gradcheck, np.ones(3), NET_T), ValueError, "for X, got 1-D"),
    (_bad(gradcheck, NET_X, np.ones((4, 3))), ValueError, "prediction and target must have"),
    (_bad(gradcheck, NET_X, "abc"), TypeError, "target must be array-like"),
    (_bad(gradcheck, NET_X, NET_T, loss="nope"), ValueError, "unknown loss 'nope'"),
    (_bad(gradcheck, NET_X, NET_T, loss=3), TypeError, "loss must be given by name"),
    (_bad(gradcheck, NET_X, np.ones(4), loss="cross_entropy"), TypeError, "integer dtype"),
]


@pytest.mark.parametrize(
    ("call", "exc", "match"), BAD_CALLS, ids=[f"{i}-{m}" for i, (_, _, m) in enumerate(BAD_CALLS)]
)
def test_bad_input_is_refused_naming_the_argument_and_changes_nothing(call, exc, match):
    net = bn_net(bn_training=True)
    net.forward(X_STATE)  # a pass waiting for its backward
    reference = bn_net(bn_training=True)
    reference.forward(X_STATE)
    before = state(net)
    with pytest.raises(exc, match=match):
        call(net)
    assert_same_state(before, state(net))
    np.testing.assert_array_equal(net.backward(G_STATE), reference.backward(G_STATE))


def test_gradient_norms_refuses_a_missing_gradient():
    net = mlp([2, 3, 1], rng=0)
    net[2].W.grad = None
    with pytest.raises(ValueError, match=r"W of Dense\(3, 1, bias=True\) has no gradient"):
        gradient_norms(net)


def test_input_jacobian_accepts_one_row_or_a_vector():
    net = mlp([3, 4, 2], activation="tanh", rng=0)
    x = np.array([0.1, -0.4, 0.7])
    np.testing.assert_array_equal(input_jacobian(net, x), input_jacobian(net, x[None]))
    assert input_jacobian(net, x).shape == (2, 3)


def test_dense_layers_lists_a_tied_layer_once_and_nested_ones():
    tied = Dense(3, 3, rng=0)
    net = Sequential(Dense(2, 3, rng=1), tied, Residual(Dense(3, 3, rng=2)), tied)
    assert dense_layers(net) == [net[0], tied, net[2][0]]


def test_saturated_fraction_of_a_diverged_network_counts_nan_units_as_not_saturated():
    net = Sequential(Dense(1, 3, bias=False, init="zeros"), Activation("sigmoid"))
    net[0].W.value[...] = [[np.inf, -np.inf, 1.0]]
    # x = 0: z = nan, nan, 0; x = 1: z = inf, -inf, 1 (outputs 1 and 0: saturated)
    with np.errstate(invalid="ignore"):
        np.testing.assert_allclose(saturated_fraction(net, [[0.0], [1.0]]), [2 / 6])
