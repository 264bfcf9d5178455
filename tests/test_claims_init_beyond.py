"""Claims of the initialization and "beyond the lectures" gallery examples.

Each test reruns, without plotting, the computation of one example in
``examples/initialization/`` or ``examples/beyond/`` and asserts what its printed numbers and
prose say. Tolerances are set from the measured values noted beside each assertion (seeds as
in the examples) and, where papers.md gives one, from its check value.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from gradlab import (
    Activation,
    BatchNorm,
    Dense,
    Residual,
    Sequential,
    activations,
    diagnostics,
    fit,
    init,
    losses,
    mlp,
    optim,
)
from gradlab.datasets import load_digits


def walk_back(model, grad):
    """Backward through the top-level layers of ``model``; the gradient after each, last first."""
    grads = []
    for layer in reversed(list(model)):
        grad = layer.backward(grad)
        grads.append(grad)
    return grads


# -- plot_glorot_histograms.py ------------------------------------------------------------------


def glorot_net(weight_init, width, seed=0):
    rng = np.random.default_rng(seed)
    layers = []
    for fan_in in [1024] + [width] * 4:
        layers += [Dense(fan_in, width, init=weight_init, rng=rng), Activation("tanh")]
    return Sequential(*layers, Dense(width, 10, init=weight_init, rng=rng))


def glorot_statistics(weight_init, width=500):
    """(gradient stds, activation stds, mean Jacobian singular values), layers first to last."""
    data = np.random.default_rng(1)
    X, labels = data.uniform(0, 1, size=(300, 1024)), data.integers(0, 10, size=300)
    model = glorot_net(weight_init, width)
    outputs = diagnostics.layer_outputs(model, X)
    grads = walk_back(model, losses.cross_entropy.derivative(model.forward(X), labels))
    grad_std = np.array([g.std() for g in grads[-2::-2]])  # leaving each tanh, first layer first
    act_std = np.array([a.std() for a in outputs[1:-1:2]])
    singular = [
        np.linalg.svd(
            diagnostics.input_jacobian(model[2 * i : 2 * i + 2], outputs[2 * i - 1][0]),
            compute_uv=False,
        )
        for i in range(1, 5)
    ]
    return grad_std, act_std, np.array([s.mean() for s in singular])


@pytest.fixture(scope="module")
def glorot():
    return {name: glorot_statistics(name) for name in ("standard", "xavier_uniform")}


def test_glorot_gradient_ratio(glorot):
    standard, normalized = glorot["standard"][0], glorot["xavier_uniform"][0]
    # measured 0.10 and 0.54 (papers.md check at width 1000: 0.10 and 0.57; < 0.2 and > 0.4)
    assert 0.07 < standard[0] / standard[-1] < 0.14  # "about a tenth"; Eq. 15: 0.11
    assert 0.4 < normalized[0] / normalized[-1] < 0.7  # "about 0.5"
    # "a nearly constant factor per layer, close to 1/sqrt(3)": measured 0.54 to 0.57
    assert np.all((standard[:-1] / standard[1:] > 0.5) & (standard[:-1] / standard[1:] < 0.65))


def test_glorot_activations_crowd_around_zero(glorot):
    standard, normalized = glorot["standard"][1], glorot["xavier_uniform"][1]
    assert np.all(np.diff(standard) < 0)
    assert 0.05 < standard[-1] / standard[0] < 0.2  # "a factor of about 10": measured 0.10
    assert normalized[-1] / normalized[0] > 0.5  # measured 0.59


def test_glorot_jacobian_singular_values(glorot):
    # measured 0.48-0.49 and 0.71-0.78 (paper: 0.5 and "around 0.8")
    # papers.md's check: [0.4, 0.6] and [0.7, 0.9]
    assert np.all((glorot["standard"][2] > 0.4) & (glorot["standard"][2] < 0.6))
    assert 0.7 < glorot["xavier_uniform"][2].mean() < 0.8  # "near 0.75": measured 0.75


def test_glorot_width_1000_changes_little(glorot):
    """The docstring: at 1000 units the printed numbers change by less than 0.05."""
    for name, (grad_std, _, singular) in glorot.items():
        wide_grad, _, wide_singular = glorot_statistics(name, width=1000)
        ratio, wide_ratio = grad_std[0] / grad_std[-1], wide_grad[0] / wide_grad[-1]
        assert abs(ratio - wide_ratio) < 0.05  # measured 0.003 and 0.032
        assert np.max(np.abs(singular - wide_singular)) < 0.05  # measured below 0.015


# -- plot_he_relu_depth.py ----------------------------------------------------------------------


def he_std_ratio(weight_init, depth=30, width=512, seed=0):
    model = mlp([width] * (depth + 1), activation="relu", init=weight_init, rng=seed)
    X = np.random.default_rng(seed + 1).normal(size=(100, width))
    stds = [y.std() for y in diagnostics.layer_outputs(model, X)[::2]]
    return stds[-1] / stds[0]


def test_he_forward_std_through_30_relu_layers():
    theory = 2.0 ** (-29 / 2)
    assert 0.7 < he_std_ratio("he_normal") < 1.3  # measured 0.968 (papers.md [0.7, 1.3])
    xavier = he_std_ratio("xavier_uniform")  # measured 4.11e-5
    assert 0.9 < xavier / theory < 1.1  # "within 10 % of 2^-14.5 for this draw"
    assert 3.5e-5 < xavier < 4.5e-5  # "about 4e-5"
    for seed in (1, 2, 3):  # other draws: 0.78 to 1.16 times the theory (papers.md: within x2)
        assert 0.5 < he_std_ratio("xavier_uniform", seed=seed) / theory < 2


def train_30_layer_relu(weight_init):
    X, _, labels = load_digits()
    model = mlp([64] * 31 + [10], activation="relu", init=weight_init, rng=0)
    opt = optim.SGD(model.parameters(), lr=0.002, momentum=0.9)
    history = fit(model, X, labels, opt, "cross_entropy", epochs=10, batch_size=32, rng=0)
    accuracy = np.mean(model.forward(X).argmax(axis=1) == labels)
    return history, accuracy


def test_he_trains_and_xavier_stalls():
    he, he_accuracy = train_30_layer_relu("he_normal")
    xavier, xavier_accuracy = train_30_layer_relu("xavier_uniform")
    # Xavier: loss 2.303 -> 2.302 (ln 10), accuracy 10 %
    assert np.all(np.abs(xavier.loss - np.log(10)) < 0.01)
    assert xavier_accuracy < 0.15
    # He: loss 2.387 -> 0.356, accuracy 87 %, with an epoch where the loss rises ("not smoothly")
    assert he.loss[-1] < 0.7
    assert he_accuracy > 0.75
    assert np.any(np.diff(he.loss) > 0)
    # first layer's gradient in epoch 1: 7.6e-1 vs 9.5e-6, "about five orders of magnitude"
    assert 1e4 < he.grad_norms[0, 0] / xavier.grad_norms[0, 0] < 1e6
    assert not he.diverged


# -- plot_too_small_too_large.py ----------------------------------------------------------------


def sigmoid_fractions(weight_init):
    """Per hidden layer: fraction within 0.05 of 1/2, and saturated fraction."""
    X = load_digits(n_samples=500)[0]
    model = mlp([64, 100, 100, 100, 100, 100, 10], activation="sigmoid", init=weight_init, rng=0)
    hidden = diagnostics.layer_outputs(model, X)[1:-1:2]
    near = np.array([np.mean(np.abs(a - 0.5) < 0.05) for a in hidden])
    return near, diagnostics.saturated_fraction(model, X)


def test_too_small_weights_pile_up_at_one_half():
    near, saturated = sigmoid_fractions(partial(init.normal, std=0.01))
    assert np.all(near == 1.0)  # "every hidden output lies within 0.05 of 1/2"
    assert np.all(saturated == 0.0)


def test_too_large_weights_saturate():
    near, saturated = sigmoid_fractions(partial(init.normal, std=1.0))
    assert np.all(near < 0.05)  # measured 0.02 to 0.04
    # measured 0.25, then 0.48, 0.51, 0.45, 0.58: "between 40 % and 60 % in layers 2 to 5"
    assert np.all((saturated[1:] > 0.4) & (saturated[1:] < 0.6))
    assert saturated[0] > 0.2


def test_xavier_sigmoid_neither():
    near, saturated = sigmoid_fractions(init.xavier_uniform)
    assert np.all(saturated == 0.0)  # "no saturated outputs"
    assert np.all((near > 0.2) & (near < 0.5))  # measured 0.25 to 0.35


# -- plot_dynamical_isometry.py -----------------------------------------------------------------

NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(101)


def fixed_point_and_chi(sigma_w2, sigma_b2=2.01e-5):
    def mean(f, q):
        return np.sum(WEIGHTS * f(np.sqrt(q) * NODES)) / np.sum(WEIGHTS)

    q = 1.0
    for _ in range(500):
        q = sigma_w2 * mean(lambda h: np.tanh(h) ** 2, q) + sigma_b2
    return q, sigma_w2 * mean(lambda h: (1 - np.tanh(h) ** 2) ** 2, q)


def test_tanh_fixed_point():
    q_star, chi = fixed_point_and_chi(1.05)
    assert q_star == pytest.approx(0.0259, abs=1e-4)  # measured 0.02592 (papers.md: 0.0259)
    assert chi == pytest.approx(1.0, abs=0.005)  # measured 1.000
    assert 1.05 < fixed_point_and_chi(2.0)[1] < 1.15  # "chi about 1.1": measured 1.106


def jacobian_singular_values(activation, orthogonal, sigma_w2, sigma_b2, width=256):
    rng = np.random.default_rng(0)
    if orthogonal:
        weight_init = partial(init.orthogonal, gain=np.sqrt(sigma_w2))
    else:
        weight_init = partial(init.normal, std=np.sqrt(sigma_w2 / width))
    layers = []
    for _ in range(32):
        dense = Dense(width, width, init=weight_init, rng=rng)
        dense.b.value[:] = rng.normal(0.0, np.sqrt(sigma_b2), width)
        layers += [dense, Activation(activation)]
    q = fixed_point_and_chi(sigma_w2, sigma_b2)[0] if activation == "tanh" else 1.0
    x = activations.get(activation)(rng.normal(0.0, np.sqrt(q), width))
    return np.linalg.svd(diagnostics.input_jacobian(Sequential(*layers), x), compute_uv=False)


ISOMETRY_SETUPS = {
    "tanh orthogonal 1.05": ("tanh", True, 1.05, 2.01e-5),
    "tanh Gaussian 1.05": ("tanh", False, 1.05, 2.01e-5),
    "tanh orthogonal 2": ("tanh", True, 2.0, 2.01e-5),
    "relu Gaussian": ("relu", False, 2.0, 0.0),
    "relu orthogonal": ("relu", True, 2.0, 0.0),
}


def in_band(s):
    return np.mean((s >= 0.5) & (s <= 2.0))


@pytest.fixture(scope="module")
def singular_values():
    return {name: jacobian_singular_values(*setup) for name, setup in ISOMETRY_SETUPS.items()}


def test_dynamical_isometry_fractions(singular_values):
    s = singular_values
    # measured 0.996, 0.062, 0.125, 0.031, 0.055 (papers.md: > 0.9 and < 0.2)
    assert in_band(s["tanh orthogonal 1.05"]) > 0.99  # "more than 99 %"
    assert 0.03 < in_band(s["tanh Gaussian 1.05"]) < 0.1  # "about 6 %"
    assert 0.09 < in_band(s["tanh orthogonal 2"]) < 0.16  # "about 12 %"
    assert in_band(s["relu Gaussian"]) < 0.1  # "fewer than 10 %"
    assert in_band(s["relu orthogonal"]) < 0.1
    # Gaussian tanh: median 1.7e-5 ("about 1e-5"), largest 7.5 ("several times 1")
    assert 1e-6 < np.median(s["tanh Gaussian 1.05"]) < 1e-4
    assert 2 < s["tanh Gaussian 1.05"].max() < 20
    # ReLU: "most of their singular values are 0": medians 5e-16
    for name in ("relu Gaussian", "relu orthogonal"):
        assert np.mean(s[name] < 1e-8) > 0.5


def test_dynamical_isometry_width_400_changes_little(singular_values):
    """The docstring: at width 400 the printed fractions change by less than 0.01."""
    for name, setup in ISOMETRY_SETUPS.items():
        wide = jacobian_singular_values(*setup, width=400)
        assert abs(in_band(wide) - in_band(singular_values[name])) < 0.01


# -- plot_residual_batchnorm.py -----------------------------------------------------------------

BLOCKS = {
    "plain": lambda dense: Sequential(dense, Activation("tanh")),
    "residual": lambda dense: Residual(dense, Activation("tanh")),
    "batch norm": lambda dense: Sequential(dense, BatchNorm(64), Activation("tanh")),
}


def boundary_gradient_norms(kind, scale=1.0, eps=1e-5):
    """||dE/dx_l||, l = 0 (input) .. 20 (output); 20 blocks, N(0, (0.01 scale)^2) weights."""
    rng = np.random.default_rng(0)
    tiny = partial(init.normal, std=0.01)
    model = Sequential(*(BLOCKS[kind](Dense(64, 64, init=tiny, rng=rng)) for _ in range(20)))
    for dense in diagnostics.dense_layers(model):
        dense.W.value *= scale
    for block in model:
        for layer in block:
            if isinstance(layer, BatchNorm):
                layer.eps = eps
    data = np.random.default_rng(1)
    X, targets = data.normal(size=(100, 64)), data.normal(size=(100, 64))
    seed = losses.squared_error.derivative(model.forward(X), targets)
    return np.linalg.norm([seed, *walk_back(model, seed)][::-1], axis=(1, 2))


def test_residual_keeps_the_gradient_and_plain_loses_it():
    plain, residual, bn = (boundary_gradient_norms(kind) for kind in BLOCKS)
    ratio = plain[0] / plain[-1]  # measured 1.19e-22
    assert ratio < 1e-20  # "more than 20 orders of magnitude"
    assert 0.06 < ratio ** (1 / 20) < 0.1  # "about 0.01 sqrt(64) = 0.08 per block": 0.080
    assert 0.9 < residual[0] / residual[-1] < 1.3  # "close to 1": measured 1.14
    assert 2.5 < bn[0] / bn[-1] < 5  # "does not vanish ... grows by about 3.5": measured 3.54


def test_batchnorm_ignores_the_weight_scale():
    plain10, plain100 = (boundary_gradient_norms("plain", a) for a in (10, 100))
    assert plain10[0] / plain10[-1] < 1e-2  # measured 5.9e-3: still vanishing
    assert 1e5 < plain100[0] / plain100[-1] < 1e7  # "near 1e6": measured 9.9e5
    for eps, bound in ((1e-5, 0.02), (1e-12, 1e-6)):  # measured 1.5e-2 and 1.5e-9
        base = boundary_gradient_norms("batch norm", 1, eps)
        for a in (10, 100):
            assert np.max(np.abs(boundary_gradient_norms("batch norm", a, eps) / base - 1)) < bound
