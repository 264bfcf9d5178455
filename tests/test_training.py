"""fit: batch / mini-batch / stochastic modes, seeded shuffle, history, divergence."""

import numpy as np
import pytest

from gradlab import Dense, Sequential, losses, mlp, optim
from gradlab.datasets import load_digits, toy_regression
from gradlab.diagnostics import gradient_norms
from gradlab.training import fit


def manual_epochs(model, X, y, lr, batch, order_fn, epochs):
    """The same loop written out, to compare fit against."""
    sgd = optim.SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        order = order_fn(epoch)
        for start in range(0, len(X), batch):
            idx = order[start : start + batch]
            sgd.zero_grad()
            out = model.forward(X[idx])
            model.backward(losses.mse.derivative(out, y[idx]))
            sgd.step()


@pytest.mark.parametrize("batch_size", [None, 1, 3])
def test_fit_equals_the_hand_written_loop(batch_size):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(10, 3)), rng.normal(size=(10, 2))
    a, b = mlp([3, 4, 2], activation="tanh", rng=1), mlp([3, 4, 2], activation="tanh", rng=1)
    fit(
        a,
        X,
        y,
        optim.SGD(a.parameters(), lr=0.1),
        loss="mse",
        epochs=3,
        batch_size=batch_size,
        rng=7,
    )
    gen = np.random.default_rng(7)
    batch = len(X) if batch_size is None else batch_size
    orders = [gen.permutation(10) if batch < 10 else np.arange(10) for _ in range(3)]
    manual_epochs(b, X, y, 0.1, batch, lambda e: orders[e], 3)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_allclose(p.value, q.value, rtol=1e-13)


def test_history_contents():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 3)), rng.normal(size=(12, 1))
    net = mlp([3, 5, 5, 1], activation="sigmoid", rng=0)
    history = fit(
        net, X, y, optim.SGD(net.parameters(), lr=0.05), loss="mse", epochs=4, batch_size=4, rng=0
    )
    assert history.loss.shape == (4,)
    assert history.step_loss.shape == (12,)
    assert history.grad_norms.shape == (4, 3)
    np.testing.assert_array_equal(history.lr, 0.05)
    assert history.loss[-1] == pytest.approx(losses.mse(net.forward(X), y))
    assert history.loss[-1] < history.initial_loss
    assert not history.diverged


def test_grad_norms_are_epoch_means_of_the_step_norms():
    X, y = toy_regression()
    model = Sequential(Dense(1, 1, bias=False, init="zeros"))
    model[0].W.value[...] = 10.0
    history = fit(model, X, y, optim.SGD(model.parameters(), lr=0.01), batch_size=1, shuffle=False)
    b, norms = 10.0, []
    for x_i, y_i in zip(X[:, 0], y[:, 0], strict=True):
        g = x_i * (b * x_i - y_i)
        norms.append(abs(g))
        b -= 0.01 * g
    assert history.grad_norms[0, 0] == pytest.approx(np.mean(norms), rel=1e-12)
    assert model[0].W.value[0, 0] == pytest.approx(b, rel=1e-12)


def test_seeded_shuffle_is_reproducible():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 2)), rng.normal(size=(20, 1))
    runs = []
    for _ in range(2):
        net = mlp([2, 3, 1], rng=0)
        runs.append(
            fit(net, X, y, optim.SGD(net.parameters(), lr=0.1), epochs=2, batch_size=5, rng=3).loss
        )
    np.testing.assert_array_equal(runs[0], runs[1])


def test_divergence_is_recorded_not_raised():
    X, y = toy_regression()
    model = Sequential(Dense(1, 1, bias=False, init="zeros"))
    model[0].W.value[...] = 10.0
    # full batch with eta = 0.1: |1 - 0.1 * 30| = 2 > 1, so b doubles its distance each step
    history = fit(model, X, y, optim.SGD(model.parameters(), lr=0.1), epochs=2000)
    assert history.diverged
    assert not np.isfinite(history.loss[-1])
    assert len(history.loss) < 2000


def test_clipping_and_scheduler():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(8, 2)), 100 * rng.normal(size=(8, 1))
    net = mlp([2, 4, 1], rng=0)
    sgd = optim.SGD(net.parameters(), lr=0.1)
    history = fit(
        net, X, y, sgd, epochs=4, clip_norm=1.0, scheduler=optim.StepLR(sgd, 2, gamma=0.5)
    )
    np.testing.assert_allclose(history.lr, [0.1, 0.1, 0.05, 0.05])
    assert np.all(history.grad_norms > 1.0)  # recorded before clipping
    assert np.linalg.norm(np.concatenate([p.grad.ravel() for p in net.parameters()])) <= 1.0 + 1e-9


def test_cross_entropy_with_labels_on_digits():
    X, _, labels = load_digits(200)
    net = mlp([64, 16, 10], activation="relu", init="he_normal", rng=0)
    history = fit(
        net,
        X,
        labels,
        optim.Adam(net.parameters(), lr=0.01),
        loss="cross_entropy",
        epochs=20,
        batch_size=32,
        rng=0,
    )
    assert history.loss[-1] < 0.2 * history.initial_loss
    accuracy = np.mean(net.forward(X).argmax(axis=1) == labels)
    assert accuracy > 0.9
    assert gradient_norms(net).shape == (2,)


def test_bad_input():
    net = mlp([2, 1], rng=0)
    sgd = optim.SGD(net.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="X and y must have the same number of rows, got 3 and 2"):
        fit(net, np.ones((3, 2)), np.ones((2, 1)), sgd)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        fit(net, np.ones((3, 2)), np.ones((3, 1)), sgd, batch_size=0)
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        fit(net, np.ones((3, 2)), np.ones((3, 1)), sgd, epochs=0)
    with pytest.raises(TypeError, match=r"optimizer must have a .step\(\) method"):
        fit(net, np.ones((3, 2)), np.ones((3, 1)), object())
    with pytest.raises(ValueError, match="fit expected input with 2 features"):
        fit(net, np.ones((3, 4)), np.ones((3, 1)), sgd)
    with pytest.raises(ValueError, match="clip_norm must be > 0"):
        fit(net, np.ones((3, 2)), np.ones((3, 1)), sgd, clip_norm=-1)
