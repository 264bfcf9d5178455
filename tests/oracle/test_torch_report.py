"""gradlab.torch.diagnose against gradlab's own report and against torch.autograd.grad.

Every model here is built in float64 explicitly (not through torch's default dtype, which other
oracle modules change), so the comparisons hold to float64 rounding. The CUDA variants run
where a CUDA device is available and skip cleanly elsewhere.
"""

import math
import runpy
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from gradlab import diagnostics, losses, mlp
from gradlab.datasets import load_digits
from gradlab.report import Thresholds, readable
from gradlab.report import diagnose as gradlab_diagnose
from gradlab.torch import diagnose

F64 = torch.float64
LISTINGS = Path(__file__).resolve().parents[2] / "docs" / "listings"
CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
DEVICES = ["cpu", pytest.param("cuda", marks=CUDA)]
TORCH_ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU}
NUMBERS = [
    "weight_norm",
    "weight_std",
    "expected_std",
    "grad_norm",
    "bias_grad_norm",
    "grad_to_weight",
    "output_mean",
    "output_std",
    "output_grad_norm",
    "dead_fraction",
    "saturated_fraction",
]
EXACT = [
    "name",
    "fan_in",
    "fan_out",
    "expected_init",
    "output_nan",
    "output_inf",
    "grad_nan",
    "grad_inf",
]


def torch_twin(net, device="cpu"):
    """The gradlab MLP as a torch.nn.Sequential with the same float64 weights (W transposed)."""
    modules = []
    for layer in net:
        if hasattr(layer, "W"):
            linear = nn.Linear(*layer.W.shape, dtype=F64)
            with torch.no_grad():
                linear.weight.copy_(torch.from_numpy(layer.W.value.T))
                linear.bias.copy_(torch.from_numpy(layer.b.value))
            modules.append(linear)
        else:
            modules.append(TORCH_ACTIVATIONS[layer.name]())
    return nn.Sequential(*modules).to(device)


def assert_same_rows(report, reference):
    assert len(report.layers) == len(reference.layers)
    for row, ref in zip(report.layers, reference.layers, strict=True):
        for field in EXACT:
            assert getattr(row, field) == getattr(ref, field), (row.name, field)
        for field in NUMBERS:
            got, want = getattr(row, field), getattr(ref, field)
            assert (got is None) == (want is None), (row.name, field)
            if want is not None:
                assert got == pytest.approx(want, rel=1e-12, abs=1e-15), (row.name, field)
    assert report.loss == pytest.approx(reference.loss, rel=1e-13)
    assert report.first_to_last == pytest.approx(reference.first_to_last, rel=1e-12)
    assert report.warnings == reference.warnings


def norm(t):
    return diagnostics.norm(t.detach().cpu().numpy())


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_identical_mlps_give_the_same_report_as_gradlab(activation, device):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 6)), rng.normal(size=(40, 2))
    net = mlp([6, 9, 8, 7, 2], activation=activation, init="normal", rng=0)
    net[2].b.value[:4] = -30.0  # some dead ReLU units, some saturated sigmoid and tanh ones
    reference = gradlab_diagnose(net, X, y)
    model = torch_twin(net, device)
    report = diagnose(model, torch.from_numpy(X), torch.from_numpy(y), nn.MSELoss())
    assert [r.kind for r in report.layers] == [
        "Linear",
        TORCH_ACTIVATIONS[activation].__name__,
    ] * 3 + ["Linear"]
    assert_same_rows(report, reference)
    # ... and the same numbers as gradlab's diagnostics functions
    net.zero_grad()
    net.backward(losses.mse.derivative(net.forward(X), y))
    np.testing.assert_allclose(
        [r.grad_norm for r in report.layers if r.fan_in],
        diagnostics.gradient_norms(net),
        rtol=1e-12,
    )
    dead = [r.dead_fraction for r in report.layers if r.dead_fraction is not None]
    saturated = [r.saturated_fraction for r in report.layers if r.saturated_fraction is not None]
    if activation == "relu":
        np.testing.assert_array_equal(dead, diagnostics.dead_fraction(net, X))
        assert 0 < dead[1] < 1
    else:
        np.testing.assert_array_equal(saturated, diagnostics.saturated_fraction(net, X))
        assert 0 < saturated[1] < 1


class Mixed(nn.Module):
    """Conv, a ReLU used twice, a nested block, a Linear called twice, BatchNorm."""

    def __init__(self, inplace):
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3, dtype=F64)
        self.act = nn.ReLU(inplace=inplace)
        self.flatten = nn.Flatten()
        self.block = nn.Sequential(nn.Linear(3 * 4 * 4, 8, dtype=F64), nn.Tanh())
        self.shared = nn.Linear(8, 8, dtype=F64)
        self.bn = nn.BatchNorm1d(8, dtype=F64)
        self.head = nn.Linear(8, 2, dtype=F64)

    def forward(self, x, keep=None):
        def kept(t):
            if keep is not None:
                keep.append(t)
            return t

        x = kept(self.act(kept(self.conv(x))))
        x = kept(self.block[1](kept(self.block[0](kept(self.flatten(x))))))
        x = kept(self.act(kept(self.shared(x))))
        x = kept(self.bn(kept(self.shared(x))))
        return kept(self.head(x))


MIXED_ROWS = [
    ("conv", "conv.weight"),
    ("act", None),
    ("flatten", None),
    ("block.0", "block.0.weight"),
    ("block.1", None),
    ("shared", "shared.weight"),
    ("act (call 2)", None),
    ("shared (call 2)", "shared.weight"),
    ("bn", "bn.weight"),
    ("head", "head.weight"),
]


def mixed_data(device="cpu"):
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(12, 1, 6, 6, generator=gen, dtype=F64)
    return x.to(device), torch.randint(0, 2, (12,), generator=gen).to(device)


@pytest.mark.parametrize("device", DEVICES)
def test_every_norm_equals_an_independent_autograd_grad(device):
    torch.manual_seed(0)
    model = Mixed(inplace=True)
    model.to(device)
    x, y = mixed_data(device)
    report = diagnose(model, x.cpu(), y.cpu(), F.cross_entropy)  # inputs moved to the device

    # the reference: a twin without in-place ReLU, every output kept, autograd.grad directly
    twin = Mixed(inplace=False).to(device)
    twin.load_state_dict(model.state_dict())
    keep = []
    loss = F.cross_entropy(twin(x, keep), y)
    params = dict(twin.named_parameters())
    grads = torch.autograd.grad(loss, keep + list(params.values()))
    output_grads, param_grads = (
        grads[: len(keep)],
        dict(zip(params, grads[len(keep) :], strict=True)),
    )

    assert [(r.name, r.kind) for r in report.layers] == [
        (name, kind)
        for (name, _), kind in zip(
            MIXED_ROWS,
            [
                "Conv2d",
                "ReLU",
                "Flatten",
                "Linear",
                "Tanh",
                "Linear",
                "ReLU",
                "Linear",
                "BatchNorm1d",
                "Linear",
            ],
            strict=True,
        )
    ]
    assert report.loss == pytest.approx(loss.item(), rel=1e-13)
    for row, (_, weight), a, g in zip(report.layers, MIXED_ROWS, keep, output_grads, strict=True):
        assert row.output_grad_norm == pytest.approx(norm(g), rel=1e-12)
        assert row.output_mean == pytest.approx(a.mean().item(), rel=1e-12, abs=1e-15)
        assert row.output_std == pytest.approx(a.std(unbiased=False).item(), rel=1e-12)
        if weight is None:
            assert row.grad_norm is None
            assert row.weight_norm is None
            continue
        assert row.grad_norm == pytest.approx(norm(param_grads[weight]), rel=1e-12)
        bias = weight.replace("weight", "bias")
        assert row.bias_grad_norm == pytest.approx(norm(param_grads[bias]), rel=1e-12)
        assert row.weight_norm == pytest.approx(norm(params[weight]), rel=1e-13)
    relu_rows = [report.layers[1], report.layers[6]]
    for row, a in zip(relu_rows, [keep[1], keep[6]], strict=True):
        units = (a <= 0).flatten(2).all(dim=2).all(dim=0) if a.dim() > 2 else (a <= 0).all(0)
        assert row.dead_fraction == units.double().mean().item()
    conv = report.layers[0]
    assert (conv.fan_in, conv.fan_out) == (9, 27)  # as torch.nn.init counts a 3x3 kernel
    assert conv.expected_init == "He"
    assert conv.expected_std == math.sqrt(2 / 9)
    assert report.layers[3].expected_init == "Xavier"  # tanh follows block.0


def snapshot(model):
    return {
        "params": [
            (p, p.detach().clone(), p.grad, None if p.grad is None else p.grad.clone(), p._version)
            for p in model.parameters()
        ],
        "buffers": [
            (m, name, b, b.clone(), b._version)
            for m in model.modules()
            for name, b in m.named_buffers(recurse=False)
        ],
        "modes": [(m, m.training) for m in model.modules()],
        "rng": torch.get_rng_state(),
    }


def assert_untouched(model, before):
    for p, value, grad, grad_value, version in before["params"]:
        assert torch.equal(p, value)
        assert p._version == version  # not even rewritten with the same values
        assert p.grad is grad
        if grad_value is not None:
            assert torch.equal(p.grad, grad_value)
    for m, name, b, value, version in before["buffers"]:
        assert getattr(m, name) is b
        assert torch.equal(b, value)
        assert b._version == version
    for m, training in before["modes"]:
        assert m.training is training
    for m in model.modules():
        assert not m._forward_hooks
        assert not m._forward_pre_hooks
        assert not m._backward_hooks
    assert torch.equal(torch.get_rng_state(), before["rng"])


class WithDropout(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(5, 6, dtype=F64),
            nn.BatchNorm1d(6, dtype=F64),
            nn.ReLU(inplace=True),
            nn.Dropout(0.5),
            nn.Linear(6, 1, dtype=F64),
        )

    def forward(self, x):
        return self.net(x)


def prepared_model():
    torch.manual_seed(0)
    model = WithDropout()
    x = torch.randn(16, 5, dtype=F64)
    model(x).sum().backward()  # running statistics move, gradients exist
    model.net[4].weight.grad = None  # None must stay None
    model.eval()
    model.net[1].train()  # mixed modes must come back as they were
    return model, x


def test_model_is_untouched_after_a_report_and_a_pending_graph_stays_valid():
    model, x = prepared_model()
    pending = model(x).sum()  # the caller's graph, to be backpropagated after the report
    before = snapshot(model)
    report = diagnose(model, x, torch.zeros(16, 1, dtype=F64), nn.MSELoss())
    assert_untouched(model, before)
    assert [r.kind for r in report.layers] == [
        "Linear",
        "BatchNorm1d",
        "ReLU",
        "Dropout",
        "Linear",
    ]
    pending.backward()  # no parameter was written in place
    assert model.net[4].weight.grad is not None


@pytest.mark.parametrize(
    ("loss_fn", "error", "match"),
    [
        (lambda out, target: 1 / 0, ZeroDivisionError, "division by zero"),
        (nn.MSELoss(reduction="none"), TypeError, r"one element, got shape \(16, 1\)"),
        (lambda out, target: 1.5, TypeError, "one element, got float"),
        (lambda out, target: torch.tensor(1.0), ValueError, "does not depend on any parameter"),
    ],
)
def test_model_is_untouched_when_the_loss_raises(loss_fn, error, match):
    model, x = prepared_model()
    before = snapshot(model)
    with pytest.raises(error, match=match):
        diagnose(model, x, torch.zeros(16, 1, dtype=F64), loss_fn)
    assert_untouched(model, before)


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"model": "model"}, TypeError, "model must be a torch.nn.Module, got str"),
        ({"loss_fn": "mse"}, TypeError, "loss_fn must be callable"),
        ({"train": 1}, TypeError, "train must be True or False"),
        ({"thresholds": 0.1}, TypeError, "thresholds must be a gradlab.report.Thresholds"),
    ],
)
def test_bad_arguments_are_refused_and_change_nothing(change, error, match):
    model, x = prepared_model()
    before = snapshot(model)
    arguments = {
        "model": model,
        "inputs": x,
        "targets": torch.zeros(16, 1, dtype=F64),
        "loss_fn": nn.MSELoss(),
        **change,
    }
    with pytest.raises(error, match=match):
        diagnose(**arguments)
    assert_untouched(model, before)


def test_a_model_without_trainable_parameters_is_refused():
    model = nn.Linear(2, 1, dtype=F64).requires_grad_(False)
    with pytest.raises(ValueError, match="no parameter that requires grad"):
        diagnose(model, torch.ones(3, 2, dtype=F64), torch.zeros(3, 1, dtype=F64), nn.MSELoss())


def test_eval_mode_is_deterministic_and_train_mode_uses_the_batch():
    model, x = prepared_model()
    y = torch.zeros(16, 1, dtype=F64)
    first = diagnose(model, x, y, nn.MSELoss(), train=False)
    assert first == diagnose(model, x, y, nn.MSELoss(), train=False)
    bn_eval = first.layers[1]
    bn_train = diagnose(model, x, y, nn.MSELoss()).layers[1]
    assert bn_train.output_std == pytest.approx(1.0, rel=1e-3)  # gamma 1, batch statistics
    assert bn_eval.output_std != pytest.approx(1.0, rel=1e-3)  # running statistics


def test_deep_sigmoid_network_warns_of_vanishing():
    torch.manual_seed(0)
    layers = [nn.Linear(32, 32, dtype=F64) if i % 2 == 0 else nn.Sigmoid() for i in range(20)]
    model = nn.Sequential(*layers, nn.Linear(32, 1, dtype=F64))
    x = torch.randn(64, 32, dtype=F64)
    report = diagnose(model, x, torch.zeros(64, 1, dtype=F64), nn.MSELoss())
    ratio = report.first_to_last
    assert ratio < 1e-6
    assert report.warnings == [
        f"the first layer's gradient (layer 0) is {readable(ratio)} of the last's (layer 20): "
        "vanishing"
    ]
    assert (
        diagnose(
            model, x, torch.zeros(64, 1, dtype=F64), nn.MSELoss(), thresholds=Thresholds(1e-12)
        ).warnings
        == []
    )


def test_relu_network_with_large_negative_bias_warns_of_dead_units():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Linear(4, 8, dtype=F64),
        nn.ReLU(),
        nn.Linear(8, 8, dtype=F64),
        nn.ReLU(),
        nn.Linear(8, 1, dtype=F64),
    )
    with torch.no_grad():
        model[2].bias.fill_(-100.0)
    report = diagnose(
        model, torch.randn(32, 4, dtype=F64), torch.zeros(32, 1, dtype=F64), nn.MSELoss()
    )
    assert report.layers[3].dead_fraction == 1.0
    assert "all units of layer 3 are dead (0 for every sample of the batch)" in report.warnings


def test_nan_in_the_gradient_is_named():
    model = nn.Sequential(nn.Linear(2, 2, dtype=F64), nn.Linear(2, 1, dtype=F64))
    x = torch.ones(4, 2, dtype=F64)

    def loss_fn(out, target):
        return (out.sqrt() * 0 + out).sum()  # sqrt of a negative: NaN in the backward only

    with torch.no_grad():
        model[1].weight.fill_(-1.0)
        model[1].bias.fill_(-1.0)
    report = diagnose(model, x, None, loss_fn)
    assert report.layers[1].grad_nan
    assert report.layers[1].output_nan is False
    assert "NaN in the gradient of layers 0 and 1" in report.warnings


def test_functional_activations_are_not_seen():
    class Functional(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2 = nn.Linear(3, 4, dtype=F64), nn.Linear(4, 1, dtype=F64)

        def forward(self, x):
            return self.fc2(torch.relu(self.fc1(x)))

    report = diagnose(
        Functional(), torch.ones(5, 3, dtype=F64), torch.zeros(5, 1, dtype=F64), nn.MSELoss()
    )
    assert [r.name for r in report.layers] == ["fc1", "fc2"]
    assert all(r.dead_fraction is None for r in report.layers)


def test_tuple_inputs_are_unpacked():
    class TwoInputs(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(2, 1, dtype=F64), nn.Linear(3, 1, dtype=F64)

        def forward(self, u, v):
            return self.a(u) + self.b(v)

    model = TwoInputs()
    u, v = torch.ones(4, 2, dtype=F64), torch.ones(4, 3, dtype=F64)
    report = diagnose(model, (u, v), torch.zeros(4, 1, dtype=F64), nn.MSELoss())
    assert [r.name for r in report.layers] == ["a", "b"]
    loss = nn.MSELoss()(model(u, v), torch.zeros(4, 1, dtype=F64))
    (ga,) = torch.autograd.grad(loss, [model.a.weight])
    assert report.layers[0].grad_norm == pytest.approx(norm(ga), rel=1e-13)


def test_the_chapter_listing_prints_what_the_chapter_shows(capsys):
    listing = runpy.run_path(str(LISTINGS / "diagnose_torch.py"), run_name="__main__")
    shown = (LISTINGS / "diagnose_torch.txt").read_text(encoding="utf-8")
    assert capsys.readouterr().out == shown
    # the chapter: "PyTorch's default weights are smaller than Xavier's, and the first layer's
    # share is smaller still" (than for the gradlab network with Xavier's weights)
    report = listing["report"]
    linear = [row for row in report.layers if row.kind == "Linear"]
    assert all(row.weight_std < row.expected_std for row in linear)
    assert all(row.expected_init == "Xavier" for row in linear)
    X, Y, _ = load_digits(500)
    net = mlp([64, *[32] * 8, 10], activation="sigmoid", init="xavier_uniform", rng=0)
    xavier = gradlab_diagnose(net, X, Y, loss="cross_entropy")
    assert report.first_to_last < xavier.first_to_last
    assert [row.name for row in report.layers][::8] == ["encoder.0", "encoder.8", "head"]


def test_no_hook_is_left_on_inputs_that_require_grad():
    model = nn.Sequential(nn.Identity(), nn.Linear(3, 1, dtype=F64))  # Identity returns x itself
    x = torch.ones(4, 3, dtype=F64, requires_grad=True)
    report = diagnose(model, x, torch.zeros(4, 1, dtype=F64), nn.MSELoss())
    assert [r.kind for r in report.layers] == ["Identity", "Linear"]
    assert not x._backward_hooks
    assert x.grad is None
    model(x).sum().backward()  # the caller's own backward works as before
    assert torch.equal(x.grad, model[1].weight.detach().expand(4, 3))
