"""fit trains each layer in its own mode, as a PyTorch loop does (issue: state left as it was)."""

import numpy as np
import pytest
import torch

from gradlab import Activation, BatchNorm, Dense, Sequential, optim
from gradlab.training import fit

torch.set_default_dtype(torch.float64)


def torch_linear(layer: Dense) -> torch.nn.Linear:
    lin = torch.nn.Linear(layer.in_features, layer.out_features)
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy(layer.W.value.T.copy()))
        lin.bias.copy_(torch.from_numpy(layer.b.value.copy()))
    return lin


@pytest.mark.parametrize("bn_training", [True, False], ids=["bn_train", "bn_eval"])
def test_fit_matches_a_torch_loop_with_batchnorm_in_its_own_mode(bn_training):
    rng = np.random.default_rng(0)
    X, y = rng.normal(1.0, 2.0, size=(12, 3)), rng.normal(size=(12, 1))
    d1, bn, d2 = Dense(3, 4, rng=0), BatchNorm(4), Dense(4, 1, rng=1)
    net = Sequential(d1, bn, Activation("tanh"), d2)
    net.forward(rng.normal(size=(8, 3)))  # running statistics away from (0, 1)
    bn.train(bn_training)

    t1, t2 = torch_linear(d1), torch_linear(d2)
    tbn = torch.nn.BatchNorm1d(4, eps=1e-5, momentum=0.1)
    with torch.no_grad():
        tbn.running_mean.copy_(torch.from_numpy(bn.running_mean.copy()))
        tbn.running_var.copy_(torch.from_numpy(bn.running_var.copy()))
    tnet = torch.nn.Sequential(t1, tbn, torch.nn.Tanh(), t2)
    tnet.train()
    tbn.train(bn_training)  # the loop below never calls tnet.train(): each module keeps its mode
    sgd = torch.optim.SGD(tnet.parameters(), lr=0.1)
    for _ in range(3):
        for start in range(0, 12, 4):
            sgd.zero_grad()
            xb, yb = torch.from_numpy(X[start : start + 4]), torch.from_numpy(y[start : start + 4])
            torch.nn.functional.mse_loss(tnet(xb), yb).backward()
            sgd.step()

    fit(net, X, y, optim.SGD(net.parameters(), lr=0.1), loss="mse", epochs=3, batch_size=4,
        shuffle=False)  # fmt: skip
    assert bn.training is bn_training
    np.testing.assert_allclose(bn.running_mean, tbn.running_mean.numpy(), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, tbn.running_var.numpy(), rtol=1e-12)
    np.testing.assert_allclose(d1.W.value, t1.weight.detach().numpy().T, rtol=1e-11)
    np.testing.assert_allclose(d2.W.value, t2.weight.detach().numpy().T, rtol=1e-11)
    np.testing.assert_allclose(bn.gamma.value, tbn.weight.detach().numpy(), rtol=1e-11)
