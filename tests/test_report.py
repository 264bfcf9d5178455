"""The gradient-flow report of a gradlab network (gradlab.report, via gradlab.diagnostics)."""

import math

import numpy as np
import pytest

from gallery import example_functions
from gradlab import Activation, BatchNorm, Dense, Residual, Sequential, diagnostics, losses, mlp
from gradlab.datasets import load_digits
from gradlab.report import GradientReport, LayerRow, Thresholds, readable
from gradlab.report import diagnose as report_diagnose

# The same function, reached where the course documents it.
DIAGNOSE = [
    pytest.param(report_diagnose, id="gradlab.report.diagnose"),
    pytest.param(lambda *a, **k: diagnostics.diagnose(*a, **k), id="gradlab.diagnostics.diagnose"),
]


def data(n=32, features=4, outputs=1, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, features)), rng.normal(size=(n, outputs))


def reference_pass(net, X, y, loss="mse"):
    """Every layer's output and dL/d(output), by the chain rule written out; then a backward.

    For a Sequential of Dense and Activation layers: going back through a Dense layer the
    gradient is multiplied by W^T, through an activation by its derivative at the output.
    The parameters' gradients are left from one backward pass started at zero.
    """
    loss_fn = losses.get(loss)
    outputs = diagnostics.layer_outputs(net, X)
    g = loss_fn.derivative(outputs[-1], y)
    output_grads = [g]
    for i in range(len(net.layers) - 1, 0, -1):
        layer = net.layers[i]
        if isinstance(layer, Dense):
            g = g @ layer.W.value.T
        else:
            g = g * layer.function.derivative_from_output(outputs[i])
        output_grads.insert(0, g)
    for p in net.parameters():
        p.grad = np.zeros_like(p.value)
    net.backward(loss_fn.derivative(net.forward(X), y))
    return outputs, output_grads


def snapshot(net):
    params = {id(p): p for p in net.parameters()}.values()
    batchnorms = [m for m in net.modules() if isinstance(m, BatchNorm)]
    return {
        "values": [(p, p.value, p.value.copy()) for p in params],
        "grads": [(p, p.grad, None if p.grad is None else p.grad.copy()) for p in params],
        "modes": [(m, m.training) for m in net.modules()],
        "running": [(m, m.running_mean.copy(), m.running_var.copy()) for m in batchnorms],
        "methods": [(m, m._forward, m._backward) for m in net.modules()],
    }


def assert_unchanged(net, before):
    for p, value, copy in before["values"]:
        assert p.value is value
        np.testing.assert_array_equal(p.value, copy)
    for p, grad, copy in before["grads"]:
        assert p.grad is grad
        if copy is not None:
            np.testing.assert_array_equal(p.grad, copy)
    for m, training in before["modes"]:
        assert m.training is training
    for m, mean, var in before["running"]:
        np.testing.assert_array_equal(m.running_mean, mean)
        np.testing.assert_array_equal(m.running_var, var)
    for m, forward, backward in before["methods"]:
        assert m._forward == forward  # no recording wrapper left
        assert m._backward == backward
        assert "_forward" not in vars(m)
        assert "_backward" not in vars(m)


@pytest.mark.parametrize("diagnose", DIAGNOSE)
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_rows_equal_the_measurements_made_by_hand(diagnose, activation):
    X, y = data()
    net = mlp([4, 6, 5, 1], activation=activation, rng=0)
    report = diagnose(net, X, y)

    outputs, output_grads = reference_pass(net, X, y)
    assert [r.name for r in report.layers] == ["0", "1", "2", "3", "4"]
    assert [r.kind for r in report.layers] == ["Dense", activation, "Dense", activation, "Dense"]
    dense = [r for r in report.layers if r.kind == "Dense"]
    np.testing.assert_allclose(
        [r.grad_norm for r in dense], diagnostics.gradient_norms(net), rtol=1e-15
    )
    np.testing.assert_allclose(
        [r.bias_grad_norm for r in dense], diagnostics.gradient_norms(net, "b"), rtol=1e-15
    )
    for row, layer in zip(dense, diagnostics.dense_layers(net), strict=True):
        assert (row.fan_in, row.fan_out) == layer.W.shape
        assert row.weight_norm == pytest.approx(np.linalg.norm(layer.W.value), rel=1e-15)
        assert row.weight_std == pytest.approx(layer.W.value.std(), rel=1e-15)
        assert row.grad_to_weight == pytest.approx(row.grad_norm / row.weight_norm, rel=1e-15)
    for row, a, g in zip(report.layers, outputs, output_grads, strict=True):
        assert row.output_mean == pytest.approx(a.mean(), rel=1e-14, abs=1e-300)
        assert row.output_std == pytest.approx(a.std(), rel=1e-14)
        assert row.output_grad_norm == pytest.approx(np.linalg.norm(g), rel=1e-14)
        assert [row.output_nan, row.output_inf, row.grad_nan, row.grad_inf] == [False] * 4
    assert report.loss == pytest.approx(losses.mse(outputs[-1], y), rel=1e-15)
    assert report.first_to_last == pytest.approx(dense[0].grad_norm / dense[-1].grad_norm)
    # the units columns agree with the diagnostics functions
    saturated = [r.saturated_fraction for r in report.layers if r.saturated_fraction is not None]
    dead = [r.dead_fraction for r in report.layers if r.dead_fraction is not None]
    if activation == "relu":
        np.testing.assert_array_equal(dead, diagnostics.dead_fraction(net, X))
        assert saturated == []
    else:
        np.testing.assert_array_equal(saturated, diagnostics.saturated_fraction(net, X))
        assert dead == []


def test_expected_std_is_he_before_relu_and_xavier_otherwise():
    X, _ = data(features=64)
    net = Sequential(
        Dense(64, 32, rng=0),
        Activation("relu"),
        Dense(32, 16, rng=0),
        Activation("tanh"),
        Dense(16, 10, rng=0),
        BatchNorm(10),
        Activation("leaky_relu"),
        Dense(10, 1, rng=0),
    )
    rows = report_diagnose(net, X, np.zeros((32, 1))).layers
    expected = {r.name: (r.expected_init, r.expected_std) for r in rows if r.fan_in}
    assert expected == {
        "0": ("He", math.sqrt(2 / 64)),
        "2": ("Xavier", math.sqrt(2 / (32 + 16))),
        "4": ("He", math.sqrt(2 / 16)),  # BatchNorm between Dense and Leaky ReLU
        "7": ("Xavier", math.sqrt(2 / 11)),
    }
    batchnorm = rows[5]
    assert batchnorm.kind == "BatchNorm"
    assert batchnorm.fan_in is None
    assert batchnorm.weight_norm == pytest.approx(math.sqrt(10))  # gamma = 1
    assert batchnorm.expected_std is None


def test_deep_sigmoid_network_warns_of_vanishing_with_the_ratio():
    from gradlab.datasets import load_digits

    X, Y, _ = load_digits(200)
    net = mlp([64, *[32] * 8, 10], activation="sigmoid", rng=0)
    report = report_diagnose(net, X, Y, loss="cross_entropy")
    ratio = report.first_to_last
    assert ratio < 1e-4
    assert report.warnings == [
        f"the first layer's gradient (layer 0) is {readable(ratio)} of the last's (layer 16): "
        "vanishing"
    ]
    quiet = report_diagnose(net, X, Y, "cross_entropy", thresholds=Thresholds(vanishing=1e-9))
    assert quiet.warnings == []
    assert quiet.first_to_last == ratio


def test_relu_network_with_large_negative_bias_warns_of_dead_units():
    X, y = data()
    net = mlp([4, 8, 8, 1], activation="relu", rng=0)
    net[2].b.value[:] = -100.0
    report = report_diagnose(net, X, y)
    assert [r.dead_fraction for r in report.layers if r.kind == "relu"] == [
        diagnostics.dead_fraction(net, X)[0],
        1.0,
    ]
    assert "all units of layer 3 are dead (0 for every sample of the batch)" in report.warnings
    # nothing reaches the layers below the dead one
    assert [r.grad_norm for r in report.layers if r.kind == "Dense"] == [0.0, 0.0, 0.0]
    assert (
        "the weight gradients of layers 0, 2 and 4 are exactly 0: their weights cannot move"
    ) in report.warnings


def test_partly_dead_layer_warns_with_its_share_above_the_threshold():
    X, y = data()
    net = mlp([4, 8, 1], activation="relu", rng=0)
    net[0].b.value[:6] = -100.0  # 6 of 8 units dead
    report = report_diagnose(net, X, y)
    assert report.layers[1].dead_fraction == 0.75
    assert "75 % of the units of layer 1 are dead (0 for every sample of the batch)" in (
        report.warnings
    )
    assert not any(
        "dead" in w for w in report_diagnose(net, X, y, thresholds=Thresholds(dead=0.8)).warnings
    )


def test_large_weights_warn_of_exploding_gradient_and_of_the_initialization():
    X, y = data(features=64)
    # tanh'(0) = 1 and N(0, 1) weights: sqrt(64) = 8 times larger per layer, going back
    net = mlp([64, *[64] * 8, 1], activation="tanh", init="normal", rng=0)
    report = report_diagnose(net, X, y)
    ratio = report.first_to_last
    assert ratio > 1e2
    assert report.warnings[0] == (
        f"the first layer's gradient (layer 0) is {readable(ratio)} times the last's "
        "(layer 16): exploding"
    )
    row = report.layers[0]
    factor = row.weight_std / math.sqrt(2 / 128)
    assert 7 < factor < 9  # N(0, 1) weights against Xavier's 0.125
    assert (
        f"the weights of layer 0 have standard deviation {readable(row.weight_std)}, "
        f"{readable(factor)} times the Xavier value 0.125 for fan-in 64"
    ) in report.warnings
    assert not any(
        "exploding" in w
        for w in report_diagnose(net, X, y, thresholds=Thresholds(exploding=1e3)).warnings
    )


def test_saturated_sigmoid_layer_warns():
    X, y = data()
    net = mlp([4, 16, 1], activation="sigmoid", init="normal", rng=0)
    net[0].W.value *= 20
    report = report_diagnose(net, X, y)
    share = report.layers[1].saturated_fraction
    assert share == diagnostics.saturated_fraction(net, X)[0]
    assert share > 0.5
    assert (
        f"{100 * share:.3g} % of the outputs of layer 1 are saturated (slope below 5 % of the "
        "largest)"
    ) in report.warnings


def test_infinite_gradient_is_flagged_by_layer():
    first, second = Dense(2, 2, dtype=np.float32), Dense(2, 1, dtype=np.float32)
    first.W.value[:] = 1e-38
    second.W.value[:] = 1e38  # the forward stays finite, the backward overflows float32
    net = Sequential(first, Activation("relu"), second)
    with np.errstate(over="ignore"):
        report = report_diagnose(
            net, np.full((4, 2), 10.0, dtype=np.float32), np.zeros((4, 1), dtype=np.float32)
        )
    flagged = {r.name: (r.grad_nan, r.grad_inf, r.output_nan, r.output_inf) for r in report.layers}
    assert flagged == {
        "0": (False, True, False, False),
        "1": (False, True, False, False),
        "2": (False, False, False, False),
    }
    assert report.first_to_last == math.inf
    assert "inf in the gradient of layers 0 and 1" in report.warnings


@pytest.mark.parametrize("diagnose", DIAGNOSE)
def test_network_is_exactly_as_before_afterwards(diagnose):
    X, y = data()
    net = Sequential(Dense(4, 5, rng=0), BatchNorm(5), Activation("tanh"), Dense(5, 1, rng=1))
    net.eval()
    net[1].train()  # mixed modes are kept as they are
    net[0].W.grad[:] = 7.0  # an existing gradient is kept
    net[3].W.grad = None  # None stays None
    net[1].running_mean[:] = 0.5
    net.forward(X)  # a forward pass waiting for its backward is kept
    before = snapshot(net)
    report = diagnose(net, X, y)
    assert_unchanged(net, before)
    fresh = Sequential(Dense(4, 5, rng=0), BatchNorm(5), Activation("tanh"), Dense(5, 1, rng=1))
    fresh[1].running_mean[:] = 0.5
    assert report == diagnose(fresh, X, y)  # this batch's gradient only, in training mode
    # the waiting forward pass can still be backpropagated
    net.backward(np.ones((32, 1)))
    assert net[3].W.grad is not None


def test_network_is_exactly_as_before_when_the_loss_raises():
    X, y = data()
    net = Sequential(Dense(4, 5, rng=0), BatchNorm(5), Activation("relu"), Dense(5, 1, rng=1))
    net[3].W.grad = None
    net[0].W.grad[:] = 3.0
    net.eval()
    before = snapshot(net)

    def fail(prediction, target):
        raise RuntimeError("loss exploded")

    raising = losses.Loss("raising", lambda p, t: 0.0, fail, lambda p, t: (p, t))
    with pytest.raises(RuntimeError, match="loss exploded"):
        report_diagnose(net, X, y, loss=raising)
    assert_unchanged(net, before)
    with pytest.raises(ValueError, match="same shape"):
        report_diagnose(net, X, np.zeros((32, 3)))  # the mse refuses a target of another shape
    assert_unchanged(net, before)


def test_train_mode_runs_batchnorm_on_the_batch_and_eval_on_running_statistics():
    X, y = data()
    X = 3.0 + 5.0 * X
    net = Sequential(BatchNorm(4), Dense(4, 1, rng=0))
    net.eval()
    train_row = report_diagnose(net, X, y).layers[0]
    eval_row = report_diagnose(net, X, y, train=False).layers[0]
    assert train_row.output_std == pytest.approx(1.0, rel=1e-4)
    assert train_row.output_mean == pytest.approx(0.0, abs=1e-12)
    assert eval_row.output_mean == pytest.approx(X.mean(), rel=1e-4)  # running mean 0, var 1
    assert net.training is False
    assert net[0].training is False


def test_layer_used_twice_gets_a_row_per_call_with_its_own_output_gradient():
    X, y = data()
    act = Activation("tanh")
    net = Sequential(Dense(4, 6, rng=0), act, Dense(6, 6, rng=1), act, Dense(6, 1, rng=2))
    report = report_diagnose(net, X, y)
    outputs, output_grads = reference_pass(net, X, y)
    assert [r.name for r in report.layers] == ["0", "1", "2", "3", "4"]
    np.testing.assert_allclose(
        [r.output_grad_norm for r in report.layers],
        [np.linalg.norm(g) for g in output_grads],
        rtol=1e-14,
    )
    np.testing.assert_allclose(
        [report.layers[1].output_std, report.layers[3].output_std],
        [outputs[1].std(), outputs[3].std()],
        rtol=1e-14,
    )


def test_tied_weights_report_the_summed_gradient_on_both_calls():
    X, y = data(features=3, outputs=3)
    tied = Dense(3, 3, rng=0)
    net = Sequential(tied, Activation("tanh"), tied)
    report = report_diagnose(net, X, y)
    assert [r.name for r in report.layers] == ["0", "1", "2"]
    net.zero_grad()
    net.backward(losses.mse.derivative(net.forward(X), y))
    total = np.linalg.norm(tied.W.grad)
    assert report.layers[0].grad_norm == pytest.approx(total, rel=1e-14)
    assert report.layers[2].grad_norm == pytest.approx(total, rel=1e-14)


def test_nested_blocks_are_named_by_their_index_path():
    net = Sequential(
        Dense(2, 3, rng=0),
        Residual(Dense(3, 3, rng=1), Activation("tanh")),
        Sequential(Dense(3, 1, rng=2)),
    )
    rows = report_diagnose(net, np.ones((5, 2)), np.zeros((5, 1))).layers
    assert [(r.name, r.kind) for r in rows] == [
        ("0", "Dense"),
        ("1.0", "Dense"),
        ("1.1", "tanh"),
        ("2.0", "Dense"),
    ]
    assert rows[2].label == "layer 1.1"
    assert (
        report_diagnose(Dense(2, 1, rng=0), np.ones((3, 2)), np.zeros((3, 1))).layers[0].name
        == "Dense"
    )


def test_float32_network():
    X, y = data()
    net = mlp([4, 5, 1], activation="sigmoid", rng=0, dtype=np.float32)
    report = report_diagnose(net, X.astype(np.float32), y.astype(np.float32))
    net.zero_grad()
    net.backward(losses.mse.derivative(net.forward(X.astype(np.float32)), y.astype(np.float32)))
    np.testing.assert_array_equal(
        [r.grad_norm for r in report.layers if r.kind == "Dense"], diagnostics.gradient_norms(net)
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"net": "net"}, TypeError, "net must be a gradlab Layer"),
        ({"loss": "hinge"}, ValueError, "unknown loss 'hinge'"),
        ({"train": "yes"}, TypeError, "train must be True or False"),
        ({"thresholds": {"dead": 0.1}}, TypeError, "thresholds must be a gradlab.report"),
        ({"X": np.ones((3, 5))}, ValueError, "input with 4 features"),
    ],
)
def test_bad_arguments_are_refused_and_change_nothing(kwargs, error, match):
    X, y = data()
    net = mlp([4, 3, 1], rng=0)
    before = snapshot(net)
    arguments = {"net": net, "X": X, "y": y, **kwargs}
    with pytest.raises(error, match=match):
        report_diagnose(**arguments)
    assert_unchanged(net, before)


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("vanishing", 0.0, r"vanishing must be in \(0, 1\]"),
        ("vanishing", 2.0, r"vanishing must be in \(0, 1\]"),
        ("exploding", 0.5, "exploding must be >= 1"),
        ("dead", 1.5, r"dead must be in \(0, 1\]"),
        ("saturated", -0.1, r"saturated must be in \(0, 1\]"),
        ("init_factor", 0.9, "init_factor must be >= 1"),
    ],
)
def test_thresholds_are_checked(field, value, match):
    with pytest.raises(ValueError, match=match):
        Thresholds(**{field: value})
    with pytest.raises(TypeError, match=f"{field} must be a real number"):
        Thresholds(**{field: "0.1"})


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (2.1e-7, "2.1 × 10⁻⁷"),
        (2.14159e-7, "2.14 × 10⁻⁷"),
        (-3.0e12, "-3 × 10¹²"),
        (9.999e-4, "1 × 10⁻³"),
        (0.001, "0.001"),
        (0.0123456, "0.0123"),
        (512.0, "512"),
        (999.4, "999"),
        (1234.0, "1.23 × 10³"),
        (0.0, "0"),
        (float("inf"), "inf"),
        (float("-inf"), "-inf"),
        (float("nan"), "NaN"),
    ],
)
def test_numbers_are_written_for_people(x, text):
    assert readable(x) == text


def test_text_table_html_and_repr():
    X, y = data()
    net = mlp([4, 3, 1], activation="relu", rng=0)
    net[0].b.value[:] = -100.0
    report = report_diagnose(net, X, y)
    text = str(report)
    assert text == report.to_text()
    lines = text.splitlines()
    assert lines[:2] == [
        f"GradientReport: 3 layer calls, loss {readable(report.loss)}",
        "first/last layer gradient norm NaN",  # both are 0: every unit in between is dead
    ]
    # the short table: no sat. column (no sigmoid or tanh layer), no flags (no NaN or inf)
    assert lines[3].split() == [
        "layer", "kind", "in→out", "‖∂L/∂W‖", "W", "std/init", "out", "std", "‖∂L/∂out‖", "dead",
    ]  # fmt: skip
    first = report.layers[0]
    assert lines[5].split() == [
        "0", "Dense", "4→3", "0", f"{first.weight_std / first.expected_std:.3g}", "He",
        f"{first.output_std:.3g}", "0",
    ]  # fmt: skip
    assert lines[6].split() == ["1", "relu", "0", f"{report.layers[1].output_grad_norm:.3g}", "1"]
    # warnings wrapped at 79 characters, each continued under its first word
    assert "\n".join(lines[-3:]) == "\n".join(f"- {w}" for w in report.warnings).replace(
        "their weights cannot move", "their weights cannot\n  move"
    )
    full = report.to_text(full=True).splitlines()
    assert full[:2] == lines[:2]
    assert full[3].split() == [
        "layer", "kind", "in→out", "‖W‖", "‖∂L/∂W‖", "‖∂L/∂b‖", "‖∂L/∂W‖/‖W‖", "W", "std",
        "expected", "out", "mean", "out", "std", "‖∂L/∂out‖", "dead", "sat.", "flags",
    ]  # fmt: skip
    assert full[5].split()[:8] == [
        "0", "Dense", "4→3", f"{first.weight_norm:.3g}", "0", "0", "0", f"{first.weight_std:.3g}",
    ]  # fmt: skip
    page = report._repr_html_()
    assert page.startswith("<div><p>GradientReport")
    assert page.count("<tr>") == 4
    assert page.count("<th>") == len(full[3].split()) - 3  # W std, out mean, out std
    assert "<li>all units of layer 1 are dead (0 for every sample of the batch)</li>" in page
    assert repr(report) == (
        f"<GradientReport: 3 layer calls, loss {readable(report.loss)}, first/last layer "
        "gradient norm NaN, 2 warning(s)>"
    )
    healthy = report_diagnose(mlp([4, 3, 1], activation="tanh", rng=0), X, y)
    assert str(healthy).endswith("\n\nno warnings")
    assert "<p>no warnings</p>" in healthy._repr_html_()


def test_the_printed_table_fits_79_characters():
    """The course's deep sigmoid network: its printed report fits a page; the full one does not."""
    X, Y, _ = load_digits(500)
    net = mlp([64, *[32] * 8, 10], activation="sigmoid", init="xavier_uniform", rng=0)
    report = report_diagnose(net, X, Y, loss="cross_entropy")
    short, full = str(report).splitlines(), report.to_text(full=True).splitlines()
    assert max(len(line) for line in short) <= 79 < max(len(line) for line in full)
    assert len(short) == len(full) == 2 + 1 + 2 + 17 + 1 + 2  # the warning takes two lines
    assert short[-2:] == [
        "- the first layer's gradient (layer 0) is 2.45 × 10⁻⁵ of the last's (layer 16):",
        "  vanishing",
    ]
    assert short[3].split()[-1] == "sat."  # sigmoid layers: saturation, no dead column
    for line, row in zip(short[5:22], report.layers, strict=True):
        cells = line.split()
        assert cells[:2] == [row.name, row.kind]
        if row.fan_in is not None:
            assert cells[4:6] == [f"{row.weight_std / row.expected_std:.3g}", "Xavier"]


def test_to_text_refuses_a_full_that_is_not_a_bool():
    X, y = data()
    report = report_diagnose(mlp([4, 3, 1], rng=0), X, y)
    with pytest.raises(TypeError, match="full"):
        report.to_text(full="yes")


def test_html_escapes_names():
    row = LayerRow(name="<b>", kind="x&y")
    page = GradientReport((row,), 1.0)._repr_html_()
    assert "<td>&lt;b&gt;</td><td>x&amp;y</td>" in page
    assert GradientReport((row,), 1.0).first_to_last is None


def test_plot_draws_the_gradient_norms_and_unit_fractions():
    plt = pytest.importorskip("matplotlib.pyplot")
    X, y = data()
    net = mlp([4, 6, 6, 6, 1], activation="sigmoid", rng=0)
    report = report_diagnose(net, X, y)
    ax_grad, ax_units = report.plot()
    try:
        assert ax_grad.get_yscale() == "log"
        np.testing.assert_array_equal(
            ax_grad.lines[0].get_ydata(), [r.grad_norm for r in report.layers if r.fan_in]
        )
        assert [t.get_text() for t in ax_grad.get_xticklabels()] == ["0", "2", "4", "6"]
        bars = [patch.get_height() for patch in ax_units.patches]
        np.testing.assert_array_equal(bars, diagnostics.saturated_fraction(net, X))
        assert ax_grad.figure is ax_units.figure
        # symbols and names only: the site shows the figure in English and in Korean
        norm, last = r"$\|\partial L/\partial W^{(l)}\|$", r"$\|\partial L/\partial W^{(L)}\|$"
        assert (ax_grad.get_title(), ax_grad.get_xlabel(), ax_grad.get_ylabel()) == ("", "", norm)
        assert ax_grad.get_legend_handles_labels()[1] == [
            norm,
            f"< 0.01 × {last}",
            f"> 100 × {last}",
        ]
        assert (ax_units.get_xlabel(), ax_units.get_ylabel()) == ("", "")
        assert ax_units.get_legend_handles_labels()[1] == [
            "sigmoid, tanh:\n$f'(z) < 0.05\\,\\max f'$"
        ]
    finally:
        plt.close("all")
    fig, axes = plt.subplots(1, 2)
    try:
        assert list(report.plot(axes)) == list(axes)
        with pytest.raises(ValueError, match="axes must be a pair of Axes, got 1"):
            report.plot([axes[0]])
    finally:
        plt.close(fig)


# -- the claims of examples/vanishing/plot_diagnose_network.py --------------------------------
def test_gallery_example_claims():
    digits_report = example_functions("vanishing/plot_diagnose_network")["digits_report"]
    sigmoid = digits_report()
    rows = sigmoid.layers
    assert 1.5e-5 < sigmoid.first_to_last < 3e-5  # measured 2.45e-5 ("about 2 x 10^-5")
    assert sigmoid.warnings == [
        f"the first layer's gradient (layer 0) is {readable(sigmoid.first_to_last)} of the "
        "last's (layer 16): vanishing"
    ]
    # every sigmoid layer divides the gradient reaching its output by about 4 (4.1 to 4.3)
    factors = [rows[i].output_grad_norm / rows[i - 1].output_grad_norm
               for i, r in enumerate(rows) if r.kind == "sigmoid"]  # fmt: skip
    assert all(3.5 < f < 5 for f in factors)
    assert all(0.9 < r.weight_std / r.expected_std < 1.1 for r in rows if r.fan_in)  # Xavier
    relu = digits_report("relu", "he_normal")
    assert 0.5 < relu.first_to_last < 2  # measured 1.72 ("of order 1")
    assert relu.warnings == []
    dead = digits_report("relu", "he_normal", dead_layer=6, bias=-1.0)
    fractions = {r.name: r.dead_fraction for r in dead.layers if r.dead_fraction is not None}
    assert fractions["7"] == 0.875  # "most units of layer 7"
    assert 0 < max(v for k, v in fractions.items() if k != "7") < 0.5  # "a few ... too"
    assert dead.warnings == [
        "87.5 % of the units of layer 7 are dead (0 for every sample of the batch)"
    ]
