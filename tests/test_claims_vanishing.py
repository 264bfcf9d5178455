"""Claims of the vanishing-gradient gallery (``examples/vanishing``), checked by the same code.

Every number an example prints or states in its prose is asserted here. Each test runs the
example's own functions, loaded from its source without the plotting and printing cells
(:func:`gallery.example_functions`), with the example's settings (the functions' defaults). Each
tolerance is written next to the value measured when the example was written (seed 0 unless
stated), so a change in gradlab that moves a claim fails here before it reaches the site.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from gallery import example_functions
from gradlab import Activation, diagnostics
from gradlab.activations import sigmoid
from gradlab.datasets import load_digits

# -- plot_sigmoid_chain.py -----------------------------------------------------------------------


def test_sigmoid_chain_vanishes_faster_than_a_quarter_per_layer():
    ex = example_functions("vanishing/plot_sigmoid_chain")
    depths = np.arange(1, 31)
    grads = ex["random_chains"](depths)
    median = np.median(grads, axis=1)
    factor = 10 ** ex["decades_per_layer"](depths, median)
    assert 0.08 < factor < 0.12  # measured 0.099 per layer ("about a factor of 10")
    assert np.all(median < 0.25**depths)  # the median stays below (1/4)^L at every depth
    assert 3e-11 < median[9] < 3e-10  # depth 10: 8.7e-11 ("about 1e-10")
    above = ex["share_above_quarter_power"](depths, grads)
    assert above.max() < 0.03  # measured 1.35 %: only rare chains lie above (1/4)^L
    assert 0.6 < math.erf(1 / math.sqrt(2)) < 0.7  # "two thirds of N(0, 1) weights: |w| < 1"


def test_sigmoid_chain_explodes_by_25_per_layer_with_w_100():
    depths = np.arange(1, 11)  # every w = 100, b = -50, input 0.5: every z = 0
    grads = example_functions("vanishing/plot_sigmoid_chain")["exploding_chain"](depths)
    np.testing.assert_allclose(grads, 0.5 * 0.5 * 0.25 * 25.0 ** (depths - 1), rtol=1e-12)
    np.testing.assert_allclose(grads[1:] / grads[:-1], 25.0, rtol=1e-12)


def test_sigmoid_factor_window_for_w_100():
    ex = example_functions("vanishing/plot_sigmoid_chain")
    window = ex["window_width"](100.0, ex["INPUTS"])
    assert window == pytest.approx(ex["nielsen_window"](100.0), abs=2e-5)  # both 0.0917
    assert [v * float(sigmoid.derivative(0.0)) for v in (1, 4, 100)] == [0.25, 1.0, 25.0]


# -- plot_gradient_norms_at_init.py --------------------------------------------------------------


def test_gradient_norms_at_init_by_activation_and_init():
    table = example_functions("vanishing/plot_gradient_norms_at_init")["norm_table"]()
    ratio = {key: norms[0] / norms[-1] for key, norms in table.items()}
    spread = {key: norms.max() / norms.min() for key, norms in table.items()}
    # sigmoid vanishes with every initializer
    assert ratio["sigmoid", "N(0, 1)"] < 0.1  # 0.056 ("shrinks more than tenfold")
    assert 0.25**15 / 3 < ratio["sigmoid", "Xavier"] < 0.25**15 * 3  # 6.8e-10 vs 9.3e-10
    assert ratio["sigmoid", "Xavier"] < ratio["sigmoid", "He"] < 1e-6  # He 3.4e-8
    # tanh: exploding with N(0, 1), flat with Xavier and He
    assert ratio["tanh", "N(0, 1)"] > 1e3  # 1.9e4
    assert spread["tanh", "Xavier"] < 3  # 1.8
    assert spread["tanh", "He"] < 3  # 1.6
    # ReLU: He of order 0.1, Xavier evenly small, N(0, 1) huge everywhere
    he, xavier = table["relu", "He"], table["relu", "Xavier"]
    assert np.all((he > 0.08) & (he < 0.4))  # 0.12 to 0.28
    assert spread["relu", "Xavier"] < 5  # 4.0
    assert np.all((xavier > 3e-4) & (xavier < 4e-3))  # 6.6e-4 to 2.6e-3
    assert np.all(table["relu", "N(0, 1)"] > 1e9)  # 1.5e11 to 2.5e11


# -- plot_learning_speed_per_layer.py ------------------------------------------------------------


def test_learning_speed_at_initialization_matches_nielsen():
    ex = example_functions("vanishing/plot_learning_speed_per_layer")
    nielsen = ex["NIELSEN"]
    for n_hidden, (low, high), smallest in ((2, (4, 6), 2), (3, (18, 32), 8), (4, (100, 200), 30)):
        speeds = ex["initial_speeds"](n_hidden)  # 20 seeds
        assert np.all(np.diff(speeds, axis=1) > 0)  # strictly increasing in every seed
        ratios = speeds[:, -1] / speeds[:, 0]
        assert ratios.min() > smallest  # papers.md check: > 2, > 8, > 30 (measured 3.8, 18, 89)
        assert low < np.median(ratios) < high  # 4.8, 24.2, 127.6 ("about 5, 25, over 100")
        median = np.median(speeds, axis=0)
        per_layer = median[1:] / median[:-1]
        assert np.all((per_layer > 3.5) & (per_layer < 6))  # 4.0 to 5.2 ("about 4 to 5")
        np.testing.assert_allclose(median, nielsen[n_hidden], rtol=0.6)  # worst 0.012 vs 0.017


def test_learning_speed_during_training():
    ex = example_functions("vanishing/plot_learning_speed_per_layer")
    results = {n_hidden: ex["training_speeds"](n_hidden) for n_hidden in (2, 3, 4)}
    medians = []
    for speeds, _ in results.values():
        assert np.all(np.diff(speeds, axis=1) > 0)  # ordered layer by layer in every epoch
        assert np.all(speeds[-1] < speeds[0])  # all speeds fall
        medians.append(np.median(speeds[:, -1] / speeds[:, 0]))
    assert medians == sorted(medians)  # 1.5 < 14.5 < 52.5: the gap grows with depth
    ratios = results[4][0][:, -1] / results[4][0][:, 0]
    assert ratios.min() > 35  # "40 to 190": 39.9
    assert ratios.max() < 220  # 186.1
    accuracy = {n_hidden: acc for n_hidden, (_, acc) in results.items()}
    assert accuracy[2] < 0.5  # 20.6 %: not yet good
    assert accuracy[3] < 0.15  # 10.4 %: chance
    assert accuracy[4] < 0.15  # 10.4 %


# -- plot_exploding_gradients.py -----------------------------------------------------------------


def test_exploding_gradient_norms_at_init():
    ex = example_functions("vanishing/plot_exploding_gradients")
    he_delta, he_weight = ex["norms_at_init"](1.0)
    big_delta, big_weight = ex["norms_at_init"](2.0)
    assert np.all(np.diff(big_delta) < 0)  # grows layer by layer toward the input
    assert 120 < big_delta[0] / big_delta[-1] < 300  # 184 ("about 200")
    assert he_delta[0] / he_delta[-1] < 3  # 1.4
    assert big_weight.max() / big_weight.min() < 2  # 1.4: flat across layers
    assert 200 < np.median(big_weight / he_weight) < 2000  # 860 ("hundreds of times")
    # why the weight gradients are flat: the activations grow forward by about 2 per layer
    X, _, _ = load_digits(500)
    net = ex["relu_net"](2.0)
    outputs = zip(net, diagnostics.layer_outputs(net, X), strict=True)
    norms = np.array([np.linalg.norm(a) for layer, a in outputs if isinstance(layer, Activation)])
    growth = norms[1:] / norms[:-1]
    assert np.all((growth > 1.4) & (growth < 2.5))  # 1.57 to 2.21


def test_exploding_gradient_clipping_rescues_training():
    ex = example_functions("vanishing/plot_exploding_gradients")
    unclipped = ex["train"](2.0)
    clipped = ex["train"](2.0, clip_norm=1.0)
    he = ex["train"](1.0)
    assert unclipped.diverged
    assert len(unclipped.loss) <= 10  # NaN after 4 epochs
    assert not np.isfinite(unclipped.loss[-1])
    assert not clipped.diverged
    assert not he.diverged
    assert clipped.initial_loss > 100  # 361
    assert clipped.loss[-1] < clipped.initial_loss / 100  # 361 -> 1.12
    assert clipped.loss[-1] < 2  # 1.12
    assert he.loss[-1] < 0.2 * clipped.loss[-1]  # 0.023 vs 1.12


# -- plot_underflow.py ---------------------------------------------------------------------------


def test_underflow_depths_of_the_fixed_point_chain():
    ex = example_functions("vanishing/plot_underflow")
    fixed = {dtype: ex["fixed_point_chain"](dtype) for dtype in (np.float32, np.float64)}
    zero32, zero64 = (ex["zero_depth"](grads) for grads in fixed.values())
    assert abs(zero32 - ex["predicted_depths"](np.float32)[1]) <= 1  # 70 vs 70
    assert abs(zero64 - ex["predicted_depths"](np.float64)[1]) <= 1  # 499 vs 499
    assert 65 <= zero32 <= 75  # "about 70"
    assert 490 <= zero64 <= 510  # "about 500"
    assert 6 < zero64 / zero32 < 8  # 7.1
    for grads in fixed.values():
        zero = ex["zero_depth"](grads)
        assert np.all(grads[: zero - 1] > 0)
        assert np.all(grads[zero - 1 :] == 0)
    rel_error = np.abs(fixed[np.float32][: zero32 - 1] / fixed[np.float64][: zero32 - 1] - 1)
    subnormal32 = ex["predicted_depths"](np.float32)[0]  # 58
    last_normal = rel_error[subnormal32 - 2]
    assert 3e-8 < last_normal / (subnormal32 - 1) < 3e-7  # 5.3e-6 at k = 57: 1e-7 per layer
    assert rel_error[-1] > 0.1  # 0.77 at the last nonzero k


def test_underflow_depths_of_random_chains():
    found = example_functions("vanishing/plot_underflow")["random_chain_depths"]()
    f32, f64 = found[np.float32], found[np.float64]
    assert f32.min() >= 38  # 40 to 52, median 45
    assert f32.max() <= 55
    assert f64.min() >= 280  # 299 to 339, median 322
    assert f64.max() <= 360
    assert 6 < np.median(f64) / np.median(f32) < 8.5  # 7.2 ("about seven times")


# -- plot_sigmoid_saturation.py ------------------------------------------------------------------


def test_sigmoid_saturation_and_escape():
    run = example_functions("vanishing/plot_sigmoid_saturation")["saturation_run"]()
    top_saturated, mean = run["saturated"][:, -1], run["mean"]
    assert top_saturated[1] > 0.99  # epoch 1: 100 % saturated
    assert mean[1, -1] < 0.02  # mean 0.009
    escaped = 1 + int(np.argmax(top_saturated[1:] < 0.5))
    assert 20 <= escaped <= 55  # epoch 41
    assert np.all(top_saturated[1 : escaped - 1] > 0.9)  # saturated until the epoch before
    below = mean[1:31, :3]  # epochs 1-30: lower layers near or above 0.5, higher toward the top
    assert np.all(np.diff(below, axis=1) > 0)
    assert below.min() > 0.45
    top = mean[1:escaped, -1]
    assert top.min() < 0.005  # sinks to 0.003
    assert top[-1] > 2 * top.min()  # then creeps up
    assert run["accuracy"][:escaped].max() < 0.15  # chance (at most 0.11) until the escape
    assert run["accuracy"][-1] > 0.8  # 0.90 at epoch 60
    assert np.all(run["saturated"][-1] > 0.1)  # 0.31, 0.22, 0.17, 0.41 after the escape
