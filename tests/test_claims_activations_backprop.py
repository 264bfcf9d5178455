"""Claims of the gallery examples in examples/activations and examples/backpropagation.

Each test calls an example's own functions, loaded from its source without the plotting and
printing cells (:func:`gallery.example_functions`), and asserts the numbers the example prints
or states in its prose. Tolerances are taken from the measured values, given in the comments,
with room for harmless changes in rounding but not in behaviour.
"""

import math

import numpy as np
import pytest

from gallery import example_functions
from gradlab import activations, optim
from gradlab.autodiff import topological_order
from gradlab.datasets import lecture_network, lecture_network_data
from gradlab.diagnostics import layer_outputs


# --- activations/plot_activation_derivatives.py ------------------------------------------------
@pytest.fixture(scope="module")
def derivatives():
    return example_functions("activations/plot_activation_derivatives")


def test_sigmoid_and_tanh_derivative_maxima_are_exact():
    assert activations.sigmoid.derivative(0.0) == 0.25
    assert activations.tanh.derivative(0.0) == 1.0


def test_derivative_table_on_the_plotted_grid(derivatives):
    z = derivatives["GRID"]
    assert 0.0 in z  # the maxima are read off at z = 0, not interpolated
    largest = {f.name: f.derivative(z).max() for f in derivatives["FUNCTIONS"]}
    smallest = {f.name: f.derivative(z).min() for f in derivatives["FUNCTIONS"]}
    assert largest == {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0, "leaky_relu": 1.0, "elu": 1.0}
    # printed: 2.47e-03, 2.46e-05, 0, 1.00e-02, 2.48e-03
    assert smallest["sigmoid"] == pytest.approx(2.467e-3, rel=1e-3)
    assert 0 < smallest["sigmoid"] < 0.0025  # range (0, 1/4]: positive, "below 0.0025" at |z|=6
    assert smallest["tanh"] == pytest.approx(2.46e-5, rel=1e-2)
    assert smallest["relu"] == 0.0
    assert smallest["leaky_relu"] == 0.01
    assert smallest["elu"] == pytest.approx(2.48e-3, rel=1e-2)


def test_relu_family_passes_exactly_1_for_positive_inputs(derivatives):
    z = derivatives["GRID"]
    for f in derivatives["FUNCTIONS"][2:]:
        assert np.all(f.derivative(z[z > 0]) == 1.0), f.name


def test_derivatives_match_central_differences(derivatives):
    gap = derivatives["largest_gap"]
    worst = max(gap(f, derivatives["GRID"]) for f in derivatives["FUNCTIONS"])
    assert worst < 1e-8  # measured 1.4e-10


# --- activations/plot_linear_collapse.py -------------------------------------------------------
@pytest.fixture(scope="module")
def circles_nets():
    ex = example_functions("activations/plot_linear_collapse")
    X, y = ex["circles"]()
    nets = {activation: ex["train"](activation, X, y) for activation in ("identity", "relu")}
    return ex, X, y, nets


def test_linear_net_cannot_separate_circles_relu_net_can(circles_nets):
    ex, X, y, nets = circles_nets
    accuracy = {k: ex["accuracy"](net, X, y) for k, net in nets.items()}
    assert 0.4 <= accuracy["identity"] <= 0.6  # measured 49.8%: "about half", chance level
    assert accuracy["relu"] == 1.0  # measured 100%: "every training point"


def test_four_linear_layers_are_one_affine_map(circles_nets):
    ex, X, _, nets = circles_nets
    W, b = ex["fold"](nets["identity"])
    assert W.shape == (2, 1)
    assert np.max(np.abs(nets["identity"].forward(X) - (X @ W + b))) < 1e-12  # measured 1.2e-16
    # the boundary xW + b = 0 passes (almost) through the center of the rings: measured 0.01
    assert abs(b[0]) / np.linalg.norm(W) < 0.1
    W_relu, b_relu = ex["fold"](nets["relu"])
    assert np.max(np.abs(nets["relu"].forward(X) - (X @ W_relu + b_relu))) > 10  # measured 225


def test_linear_net_stays_undecided(circles_nets):
    # "the predicted probability stays close to 0.5 everywhere" on the plotted grid
    ex, _, _, nets = circles_nets
    prob = ex["probability_map"](nets["identity"])
    assert prob.shape == (201, 201)
    assert np.max(np.abs(prob - 0.5)) < 0.05  # measured 0.009


# --- activations/plot_dead_relu.py -------------------------------------------------------------
BIAS, LR = "large negative bias", "large learning rate"  # the example's two scenarios


@pytest.fixture(scope="module")
def dead_relu():
    ex = example_functions("activations/plot_dead_relu")
    switched_off = ex["switched_off"]

    def checked_switched_off(net, X):
        """The example's measurement, checking after every epoch that for ReLU it is the
        fraction of units with output <= 0 on every sample (the prose's definition)."""
        off = switched_off(net, X)
        if net[1].name == "relu":
            assert off == np.mean(np.all(layer_outputs(net, X)[1] <= 0, axis=0))
        return off

    ex["switched_off"] = checked_switched_off  # what the example's run() calls
    return ex


@pytest.fixture(scope="module")
def dead_runs(dead_relu):
    """(trained network, its trace) for every scenario and activation."""
    X, y = dead_relu["moons"]()
    runs = {}
    for scenario, setting in dead_relu["SCENARIOS"].items():
        for activation in ("relu", "leaky_relu"):
            net = dead_relu["hidden_net"](activation, setting["bias"])
            trace = dead_relu["run"](net, X, y, setting["optimizer"], setting["lr"])
            runs[scenario, activation] = net, trace
    return runs


def test_negative_bias_kills_relus_and_leaky_relus_recover(dead_runs):
    relu, leaky = dead_runs[BIAS, "relu"][1], dead_runs[BIAS, "leaky_relu"][1]
    # "about four in five units start negative on every sample": measured 81.2% (26 of 32)
    assert 0.75 <= relu["off"][0] <= 0.85
    assert leaky["off"][0] == relu["off"][0]
    assert relu["off"][-1] >= 0.85  # measured 90.6%: "a few more die early on"
    assert relu["off"][-1] > relu["off"][0]
    assert 0.05 <= 1 - relu["off"][-1] <= 0.15  # "the remaining tenth"
    assert leaky["off"][-1] <= 0.1  # measured 3.1%: "almost all of them are active"
    assert relu["loss"][-1] / leaky["loss"][-1] >= 4  # measured 0.257 / 0.050: "about five"


def test_units_dead_at_init_never_move_under_adam(dead_relu, dead_runs):
    X, _ = dead_relu["moons"]()
    net = dead_runs[BIAS, "relu"][0]
    start = dead_relu["hidden_net"]("relu", -4.0)  # the same network before training
    dead_at_init = np.all(layer_outputs(start, X)[1] <= 0, axis=0)
    assert dead_at_init.sum() == 26
    np.testing.assert_array_equal(
        net[0].W.value[:, dead_at_init], start[0].W.value[:, dead_at_init]
    )
    np.testing.assert_array_equal(net[0].b.value[dead_at_init], -4.0)


def test_large_learning_rate_kills_relus_for_good(dead_runs):
    relu, leaky = dead_runs[LR, "relu"][1], dead_runs[LR, "leaky_relu"][1]
    assert relu["off"][0] == 0.0  # every unit starts alive
    assert relu["off"][-1] > 2 / 3  # measured 68.8%: "over two thirds"
    assert relu["loss"].max() > 1  # "the loss jumps above 1" (measured about 5)
    assert relu["loss"][-1] < 0.1  # measured 0.061: "the third that survives still fits"
    assert leaky["off"][-1] >= 0.3  # measured 43.8%: leaky units "come back only slowly"
    # "the middle panel repeats the left one exactly": no unit loses its gradient by rounding
    np.testing.assert_array_equal(relu["no_grad"], relu["off"])


def test_dead_relus_never_revive_and_leaky_units_always_get_gradient(dead_runs):
    for scenario in (BIAS, LR):
        assert np.all(np.diff(dead_runs[scenario, "relu"][1]["off"]) >= 0)
        assert np.all(dead_runs[scenario, "leaky_relu"][1]["no_grad"] == 0)  # middle panel at 0


def test_learning_rate_3_kills_no_unit(dead_relu):
    X, y = dead_relu["moons"]()
    trace = dead_relu["run"](dead_relu["hidden_net"]("relu", 0.0), X, y, optim.SGD, lr=3.0)
    assert np.all(trace["off"] == 0)


# --- backpropagation/plot_computational_graph.py -----------------------------------------------
@pytest.fixture(scope="module")
def graph():
    return example_functions("backpropagation/plot_computational_graph")


def test_shared_node_gradients_match_hand_derivation(graph):
    local_derivative, path_sum = graph["local_derivative"], graph["path_sum"]
    x, y, z, u, w = graph["shared_graph"]()
    w.backward()
    # w = xy + x^2 y: dw/dx = y + 2xy, dw/dy = x + x^2; w = z + zx: dw/dz = 1 + x
    assert (float(x.grad), float(y.grad), float(z.grad), float(u.grad)) == (15, 6, 3, 1)
    assert [node.op for node in topological_order(w)] == ["", "", "*", "*", "+"]
    # the sums drawn in the shared boxes: z: 1*2 (via u) + 1*1 (via w); x: 3*3 + 1*6
    assert float(u.grad) * local_derivative(u, z) + float(w.grad) * local_derivative(w, z) == 3
    assert float(z.grad) * local_derivative(z, x) == 9
    assert float(u.grad) * local_derivative(u, x) == 6
    calls = [0]
    assert path_sum(w, x, calls) == 15
    assert calls[0] == 9
    assert len(topological_order(w)) == 5


def test_path_enumeration_grows_as_2_to_the_depth_backward_linearly(graph):
    for depth in range(1, 15):
        naive, calls, grad, visits = graph["both_ways"](depth)
        assert calls == 4 * 2**depth - 3
        assert visits == 3 * depth + 1
        assert naive == pytest.approx(grad, rel=1e-14)  # measured <= 5e-16
    assert (calls, visits) == (65533, 43)  # depth 14, in the prose


# --- backpropagation/plot_lecture_network.py ---------------------------------------------------
def sigma(t):
    return 1.0 / (1.0 + math.exp(-t))


@pytest.fixture(scope="module")
def lecture_step():
    ex = example_functions("backpropagation/plot_lecture_network")
    net = lecture_network()
    X, Y = lecture_network_data()
    x, target = X[:1], Y[:1]  # the example's first data point
    Z_hidden, h, Z_out, y_hat, E = ex["forward_pass"](net, x, target)
    dW1, dW2 = ex["sgd_step"](net, x, target)
    return {
        "Z": Z_hidden[0],
        "h": h[0],
        "Z_out": Z_out[0, 0],
        "y_hat": y_hat[0, 0],
        "E": E,
        "dW1": dW1,
        "dW2": dW2[:, 0],
        "W1": net[0].W.value,
        "W2": net[2].W.value[:, 0],
    }


def closed_form():
    """The lecture's formulas, written out for x = (1, 1), y = 1, eta = 0.01."""
    w1 = [[0.3, 0.4], [0.2, 0.1]]  # w1[i][j]: input i+1 -> hidden j+1
    w2 = [0.1, 0.2]
    x, y, eta = [1.0, 1.0], 1.0, 0.01
    Z = [w1[0][j] * x[0] + w1[1][j] * x[1] for j in (0, 1)]
    h = [sigma(z) for z in Z]
    Z_out = w2[0] * h[0] + w2[1] * h[1]
    y_hat = sigma(Z_out)
    delta_out = y_hat * (1 - y_hat) * (y_hat - y)
    dW2 = [h[j] * delta_out for j in (0, 1)]
    dW1 = [[x[i] * h[j] * (1 - h[j]) * w2[j] * delta_out for j in (0, 1)] for i in (0, 1)]
    return {
        "Z": Z,
        "h": h,
        "Z_out": Z_out,
        "y_hat": y_hat,
        "E": 0.5 * (y - y_hat) ** 2,
        "dW1": dW1,
        "dW2": dW2,
        "W1": [[w1[i][j] - eta * dW1[i][j] for j in (0, 1)] for i in (0, 1)],
        "W2": [w2[j] - eta * dW2[j] for j in (0, 1)],
        "delta_out": delta_out,
    }


@pytest.mark.parametrize("name", ["Z", "h", "Z_out", "y_hat", "E", "dW1", "dW2", "W1", "W2"])
def test_lecture_network_values_to_full_precision(lecture_step, name):
    np.testing.assert_allclose(lecture_step[name], closed_form()[name], rtol=0, atol=1e-15)


def test_where_the_lecture_rounded(lecture_step):
    s = lecture_step
    assert s["h"][0] == 0.6224593312018546  # printed exactly by the lecture
    assert f"{s['Z_out']:.3f}" == "0.187"
    assert f"{s['y_hat']:.3f}" == "0.547"
    assert f"{s['E']:.3f}" == "0.103"
    # dE/dw2_11: the lecture's -0.0698 is off in the 4th digit; exact -0.06995...
    assert f"{s['dW2'][0]:.5f}" == "-0.06995"
    assert abs(s["dW2"][0] - (-0.0698)) > 1e-4
    # 0.1 -> 0.1006995..., which the lecture truncates to 0.10069
    assert f"{s['W2'][0]:.7f}" == "0.1006995"
    assert str(s["W2"][0]).startswith("0.10069")
    # dE/dw1_11 = -0.00264 is right to the digits shown ...
    assert f"{s['dW1'][0, 0]:.5f}" == "-0.00264"
    # ... but 0.3 - 0.01 * (-0.00264) is 0.3000264, not the lecture's 0.30026
    assert f"{s['W1'][0, 0]:.7f}" == "0.3000264"
    assert abs(s["W1"][0, 0] - 0.30026) > 2e-4


def test_lecture_network_interpretation(lecture_step):
    s = lecture_step
    assert s["Z"][0] == s["Z"][1] == 0.5
    assert s["h"][0] == s["h"][1]
    assert f"{closed_form()['delta_out']:.3f}" == "-0.112"
    assert f"{s['h'][0]:.2f}" == "0.62"
    # first-layer gradients more than ten times smaller than the second layer's (measured 13.2)
    assert 10 * np.abs(s["dW1"]).max() < np.abs(s["dW2"]).min()
    assert np.all(s["dW1"] < 0)
    assert np.all(s["dW2"] < 0)  # so the step raises every weight ...
    steps = np.concatenate([(s["W1"] - [[0.3, 0.4], [0.2, 0.1]]).ravel(), s["W2"] - [0.1, 0.2]])
    assert np.all(steps > 0)
    assert f"{steps.max():.1e}" == "7.0e-04"  # ... by 7.0e-4 at most
