"""A layer object used twice gives PyTorch's gradients (issue: one cache per call)."""

import numpy as np
import pytest
import torch

from gradlab import Activation, Dense, Sequential, losses

torch.set_default_dtype(torch.float64)


def torch_linear(layer: Dense) -> torch.nn.Linear:
    lin = torch.nn.Linear(layer.in_features, layer.out_features)
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy(layer.W.value.T.copy()))
        lin.bias.copy_(torch.from_numpy(layer.b.value.copy()))
    return lin


@pytest.mark.parametrize("name", ["tanh", "relu", "sigmoid", "elu"])
def test_activation_reused_after_two_dense_layers(name):
    act = Activation(name)
    d1, d2, d3 = Dense(3, 4, rng=0), Dense(4, 4, rng=1), Dense(4, 2, rng=2)
    net = Sequential(d1, act, d2, act, d3)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    out = net.forward(X)
    dX = net.backward(losses.mse.derivative(out, y))

    t1, t2, t3 = torch_linear(d1), torch_linear(d2), torch_linear(d3)
    t_act = {"tanh": torch.nn.Tanh(), "relu": torch.nn.ReLU(), "sigmoid": torch.nn.Sigmoid(),
             "elu": torch.nn.ELU()}[name]  # fmt: skip
    tnet = torch.nn.Sequential(t1, t_act, t2, t_act, t3)  # the same module twice
    tX = torch.from_numpy(X).requires_grad_(True)
    torch.nn.functional.mse_loss(tnet(tX), torch.from_numpy(y)).backward()
    for mine, theirs in [(d1, t1), (d2, t2), (d3, t3)]:
        np.testing.assert_allclose(
            mine.W.grad, theirs.weight.grad.numpy().T, rtol=1e-12, atol=1e-15
        )
        np.testing.assert_allclose(mine.b.grad, theirs.bias.grad.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dX, tX.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_tied_dense_accumulates_both_uses():
    tied, head = Dense(4, 4, rng=0), Dense(4, 1, rng=1)
    net = Sequential(Dense(3, 4, rng=2), tied, Activation("tanh"), tied, head)
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 1))
    net.backward(losses.mse.derivative(net.forward(X), y))

    t0, tt, th = torch_linear(net[0]), torch_linear(tied), torch_linear(head)
    tnet = torch.nn.Sequential(t0, tt, torch.nn.Tanh(), tt, th)
    torch.nn.functional.mse_loss(tnet(torch.from_numpy(X)), torch.from_numpy(y)).backward()
    np.testing.assert_allclose(tied.W.grad, tt.weight.grad.numpy().T, rtol=1e-12)
    np.testing.assert_allclose(tied.b.grad, tt.bias.grad.numpy(), rtol=1e-12)
    assert net.parameters().count(tied.W) == 1  # listed once, as torch's parameters()
