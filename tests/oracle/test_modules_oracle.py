"""gradlab against PyTorch 2.13 in float64: activations, losses, layers, initializers."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gradlab import (
    Activation,
    BatchNorm,
    Dense,
    Residual,
    Sequential,
    activations,
    init,
    losses,
    mlp,
)

torch.set_default_dtype(torch.float64)

Z = np.concatenate([np.linspace(-30, 30, 601), [-1e4, -1e3, 1e3, 1e4]])

TORCH_ACTIVATIONS = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda t: F.leaky_relu(t, 0.01),
    "elu": F.elu,
    "identity": lambda t: t,
}


def torch_grad(fn, z):
    t = torch.tensor(z, requires_grad=True)
    fn(t).sum().backward()
    return t.grad.numpy()


@pytest.mark.parametrize("name", TORCH_ACTIVATIONS)
def test_activation_values_and_derivatives(name):
    f, tf = activations.get(name), TORCH_ACTIVATIONS[name]
    np.testing.assert_allclose(f(Z), tf(torch.tensor(Z)).numpy(), rtol=1e-15, atol=1e-300)
    # includes z = 0 exactly: the kink conventions must match PyTorch's.
    # Backprop uses the derivative from the output, as torch does (up to rounding).
    reference = torch_grad(tf, Z)
    np.testing.assert_allclose(f.derivative_from_output(f(Z)), reference, rtol=1e-13, atol=5e-16)
    # derivative(z) avoids the cancellation in s(1 - s) for large z, so it differs from
    # torch's by at most torch's own rounding error (about 1e-16 absolute)
    np.testing.assert_allclose(f.derivative(Z), reference, rtol=1e-12, atol=2.5e-16)


def test_softmax_and_its_backward():
    rng = np.random.default_rng(0)
    z, g = rng.normal(size=(6, 5)) * 10, rng.normal(size=(6, 5))
    np.testing.assert_allclose(
        activations.softmax(z), torch.softmax(torch.tensor(z), -1).numpy(), rtol=1e-14
    )
    t = torch.tensor(z, requires_grad=True)
    (torch.softmax(t, -1) * torch.tensor(g)).sum().backward()
    layer = Activation("softmax")
    layer.forward(z)
    np.testing.assert_allclose(layer.backward(g), t.grad.numpy(), rtol=1e-12, atol=1e-15)


def loss_pairs(rng):
    p, t = rng.normal(size=(7, 3)), rng.normal(size=(7, 3))
    probs, labels01 = rng.uniform(0.01, 0.99, size=(7, 3)), rng.integers(0, 2, size=(7, 3)) * 1.0
    idx = rng.integers(0, 3, size=7)
    soft = rng.dirichlet(np.ones(3), size=7)
    return [
        ("mse", p, t, lambda a, b: F.mse_loss(a, b)),
        ("binary_cross_entropy", probs, labels01, lambda a, b: F.binary_cross_entropy(a, b)),
        ("binary_cross_entropy_with_logits", 5 * p, labels01, F.binary_cross_entropy_with_logits),
        ("cross_entropy", 5 * p, np.eye(3)[idx], F.cross_entropy),
        ("cross_entropy", 5 * p, soft, F.cross_entropy),
        ("squared_error", p, t, lambda a, b: 0.5 * ((a - b) ** 2).sum()),
    ]


@pytest.mark.parametrize("seed", range(5))
def test_losses_and_gradients(seed):
    for name, p, t, tf in loss_pairs(np.random.default_rng(seed)):
        loss = losses.get(name)
        tp = torch.tensor(p, requires_grad=True)
        value = tf(tp, torch.tensor(t))
        value.backward()
        assert loss(p, t) == pytest.approx(value.item(), rel=1e-13), name
        np.testing.assert_allclose(
            loss.derivative(p, t), tp.grad.numpy(), rtol=1e-11, atol=1e-16, err_msg=name
        )


def test_cross_entropy_with_class_indices_and_extremes():
    z = np.array([[1e4, 0.0, -1e4], [3.0, 1.0, 2.0]])
    idx = np.array([1, 2])
    tz = torch.tensor(z, requires_grad=True)
    ref = F.cross_entropy(tz, torch.tensor(idx))
    ref.backward()
    assert losses.cross_entropy(z, idx) == pytest.approx(ref.item(), rel=1e-14)
    np.testing.assert_allclose(
        losses.cross_entropy.derivative(z, idx), tz.grad.numpy(), rtol=1e-12
    )
    p = np.array([0.0, 1.0, 1e-50, 0.5])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    tp = torch.tensor(p, requires_grad=True)
    ref = F.binary_cross_entropy(tp, torch.tensor(y))
    ref.backward()
    assert losses.binary_cross_entropy(p, y) == pytest.approx(ref.item(), rel=1e-14)
    np.testing.assert_allclose(
        losses.binary_cross_entropy.derivative(p, y), tp.grad.numpy(), rtol=1e-12
    )


def to_torch(net):
    """A torch.nn.Sequential with the same weights (torch's Linear weight is W transposed)."""
    modules = []
    for layer in net:
        if isinstance(layer, Dense):
            lin = torch.nn.Linear(layer.in_features, layer.out_features, bias=layer.b is not None)
            with torch.no_grad():
                lin.weight.copy_(torch.tensor(layer.W.value.T))
                if layer.b is not None:
                    lin.bias.copy_(torch.tensor(layer.b.value))
            modules.append(lin)
        elif isinstance(layer, BatchNorm):
            modules.append(
                torch.nn.BatchNorm1d(layer.in_features, eps=layer.eps, momentum=layer.momentum)
            )
        elif isinstance(layer, Residual):
            modules.append(ResidualT(to_torch(layer)))
        else:
            fn = TORCH_ACTIVATIONS[layer.name]
            modules.append(Lambda(fn))
    return torch.nn.Sequential(*modules)


class Lambda(torch.nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


class ResidualT(torch.nn.Module):
    def __init__(self, body):
        super().__init__()
        self.body = body

    def forward(self, x):
        return x + self.body(x)


def torch_params_as_gradlab(tnet):
    """Gradients of the torch net in gradlab's parameter order and orientation."""
    out = []
    for m in tnet.modules():
        if isinstance(m, torch.nn.Linear):
            out.append(m.weight.grad.numpy().T)
            if m.bias is not None:
                out.append(m.bias.grad.numpy())
        elif isinstance(m, torch.nn.BatchNorm1d):
            out += [m.weight.grad.numpy(), m.bias.grad.numpy()]
    return out


@pytest.mark.parametrize("seed", range(12))
def test_random_mlp_gradients(seed):
    rng = np.random.default_rng(seed)
    depth = rng.integers(1, 6)
    sizes = list(rng.integers(1, 12, size=depth + 1))
    act = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "identity"][seed % 6]
    net = mlp(
        sizes, activation=act, init=["xavier_uniform", "he_normal", "normal"][seed % 3], rng=seed
    )
    tnet = to_torch(net)
    X, y = rng.normal(size=(9, sizes[0])), rng.normal(size=(9, sizes[-1]))
    tX = torch.tensor(X, requires_grad=True)
    F.mse_loss(tnet(tX), torch.tensor(y)).backward()
    out = net.forward(X)
    np.testing.assert_allclose(out, tnet(torch.tensor(X)).detach().numpy(), rtol=1e-12, atol=1e-14)
    dX = net.backward(losses.mse.derivative(out, y))
    np.testing.assert_allclose(dX, tX.grad.numpy(), rtol=1e-10, atol=1e-15)
    for mine, theirs in zip(net.parameters(), torch_params_as_gradlab(tnet), strict=True):
        np.testing.assert_allclose(mine.grad, theirs, rtol=1e-10, atol=1e-15)


def test_batchnorm_and_residual_against_torch():
    rng = np.random.default_rng(0)
    net = Sequential(
        Dense(5, 8, rng=0),
        BatchNorm(8),
        Activation("relu"),
        Residual(Dense(8, 8, rng=1), BatchNorm(8), Activation("tanh")),
        Dense(8, 3, rng=2),
    )
    tnet = to_torch(net)
    for step in range(3):  # training mode: batch statistics, running estimates move
        X, y = rng.normal(size=(16, 5)), rng.integers(0, 3, size=16)
        net.zero_grad()
        tnet.zero_grad()
        tX = torch.tensor(X, requires_grad=True)
        ref = F.cross_entropy(tnet(tX), torch.tensor(y))
        ref.backward()
        out = net.forward(X)
        assert losses.cross_entropy(out, y) == pytest.approx(ref.item(), rel=1e-12), step
        dX = net.backward(losses.cross_entropy.derivative(out, y))
        np.testing.assert_allclose(dX, tX.grad.numpy(), rtol=1e-9, atol=1e-14)
        for mine, theirs in zip(net.parameters(), torch_params_as_gradlab(tnet), strict=True):
            np.testing.assert_allclose(mine.grad, theirs, rtol=1e-9, atol=1e-14)
    bns = [m for m in tnet.modules() if isinstance(m, torch.nn.BatchNorm1d)]
    np.testing.assert_allclose(net[1].running_mean, bns[0].running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(net[1].running_var, bns[0].running_var.numpy(), rtol=1e-12)
    net.eval()
    tnet.eval()
    X = rng.normal(size=(4, 5))
    tX = torch.tensor(X, requires_grad=True)
    tnet(tX).sum().backward()
    out = net.forward(X)
    np.testing.assert_allclose(out, tnet(torch.tensor(X)).detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(
        net.backward(np.ones_like(out)), tX.grad.numpy(), rtol=1e-10, atol=1e-14
    )


TORCH_INIT = {
    "xavier_uniform": torch.nn.init.xavier_uniform_,
    "xavier_normal": torch.nn.init.xavier_normal_,
    "he_uniform": lambda w: torch.nn.init.kaiming_uniform_(w, nonlinearity="relu"),
    "he_normal": lambda w: torch.nn.init.kaiming_normal_(w, nonlinearity="relu"),
    "orthogonal": torch.nn.init.orthogonal_,
    "normal": torch.nn.init.normal_,
}


@pytest.mark.parametrize("name", TORCH_INIT)
def test_initializers_follow_torch_laws(name):
    fan_in, fan_out = 300, 500
    torch.manual_seed(0)
    w = torch.empty(fan_out, fan_in)  # torch stores (out, in); gradlab (in, out)
    TORCH_INIT[name](w)
    theirs = w.numpy().T
    mine = init.get(name)(fan_in, fan_out, rng=0)
    assert mine.var() == pytest.approx(theirs.var(), rel=0.03)
    if name.endswith("uniform"):
        assert np.abs(mine).max() == pytest.approx(np.abs(theirs).max(), rel=1e-3)
    if name == "orthogonal":
        np.testing.assert_allclose(mine @ mine.T, theirs @ theirs.T, atol=1e-12)  # both = I


def test_gains_equal_torch():
    for name in ("sigmoid", "tanh", "relu"):
        assert init.calculate_gain(name) == torch.nn.init.calculate_gain(name)
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(
        torch.nn.init.calculate_gain("leaky_relu", 0.2), rel=1e-15
    )
    assert math.isclose(
        init.calculate_gain("leaky_relu"), torch.nn.init.calculate_gain("leaky_relu")
    )
