"""fit: batch / mini-batch / stochastic modes, seeded shuffle, history, divergence."""

import numpy as np
import pytest

from gradlab import Activation, BatchNorm, Dense, Sequential, losses, mlp, optim
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


# -- every layer keeps its own mode ------------------------------------------------------------


def bn_net():
    net = Sequential(Dense(3, 4, rng=0), BatchNorm(4), Activation("tanh"), Dense(4, 1, rng=1))
    rng = np.random.default_rng(0)
    for _ in range(3):  # running statistics away from their initial values
        net.forward(rng.normal(1.0, 2.0, size=(6, 3)))
    return net


def by_hand(net, X, y, lr, batch, epochs):
    """fit without shuffling, written out with the public API and no mode switches."""
    sgd = optim.SGD(net.parameters(), lr=lr)
    for _ in range(epochs):
        for start in range(0, len(X), batch):
            sgd.zero_grad()
            out = net.forward(X[start : start + batch])
            net.backward(losses.mse.derivative(out, y[start : start + batch]))
            sgd.step()


DATA = np.random.default_rng(1).normal(size=(8, 3)), np.random.default_rng(2).normal(size=(8, 1))


@pytest.mark.parametrize("eval_layers", [(1,), (0, 1, 2, 3)], ids=["bn_eval", "all_eval"])
def test_fit_keeps_each_layers_own_mode(eval_layers):
    net, reference = bn_net(), bn_net()
    for model in (net, reference):
        for i in eval_layers:
            model[i].eval()
    modes = [layer.training for layer in net.modules()]
    mean, var = net[1].running_mean.copy(), net[1].running_var.copy()
    X, y = DATA
    fit(
        net,
        X,
        y,
        optim.SGD(net.parameters(), lr=0.1),
        loss="mse",
        epochs=3,
        batch_size=4,
        shuffle=False,
    )
    assert [layer.training for layer in net.modules()] == modes
    # in eval mode BatchNorm normalizes with its running statistics and leaves them alone,
    # in the training steps too (PyTorch's semantics)
    np.testing.assert_array_equal(net[1].running_mean, mean)
    np.testing.assert_array_equal(net[1].running_var, var)
    by_hand(reference, X, y, 0.1, 4, 3)
    for p, q in zip(net.parameters(), reference.parameters(), strict=True):
        np.testing.assert_allclose(p.value, q.value, rtol=1e-13)


def test_fit_batchnorm_in_training_mode_sees_only_training_batches():
    net, reference = bn_net(), bn_net()
    X, y = DATA
    fit(
        net,
        X,
        y,
        optim.SGD(net.parameters(), lr=0.1),
        loss="mse",
        epochs=2,
        batch_size=4,
        shuffle=False,
    )
    by_hand(reference, X, y, 0.1, 4, 2)  # the same batches, no evaluation passes
    np.testing.assert_allclose(net[1].running_mean, reference[1].running_mean, rtol=1e-13)
    np.testing.assert_allclose(net[1].running_var, reference[1].running_var, rtol=1e-13)
    assert all(layer.training for layer in net.modules())


def test_fit_with_an_optimizer_on_some_parameters_trains_only_those():
    net = mlp([3, 4, 1], rng=0)
    frozen = [p.value.copy() for p in net[2].parameters()]
    X, y = DATA
    fit(net, X, y, optim.SGD(net[0].parameters(), lr=0.1), epochs=2)
    for p, v in zip(net[2].parameters(), frozen, strict=True):
        np.testing.assert_array_equal(p.value, v)


# -- bad input: refused, naming the argument, before anything changes --------------------------

X4, Y4 = np.random.default_rng(3).normal(size=(4, 3)), np.random.default_rng(4).normal(size=(4, 1))


def other_sgd():
    return optim.SGD(mlp([3, 1], rng=9).parameters(), lr=0.1)


class NoLearningRate:
    def step(self):
        pass

    def zero_grad(self):
        pass


# (keyword arguments replacing the good ones, exception, message)
BAD_FITS = [
    ({"model": Dense(3, 1)}, TypeError, "model must be a gradlab Sequential, got Dense"),
    ({"model": None}, TypeError, "model must be a gradlab Sequential"),
    # X
    ({"X": np.ones((0, 3)), "y": np.ones((0, 1))}, ValueError, "X must hold at least one sample"),
    ({"X": None}, TypeError, "X must contain real numbers"),
    ({"X": "abc"}, TypeError, "X must contain real numbers"),
    ({"X": np.ones(3)}, ValueError, "for X, got 1-D"),
    ({"X": np.ones((4, 5))}, ValueError, "fit expected input with 3 features"),
    ({"X": np.full((4, 3), np.nan)}, ValueError, "X contains 12 non-finite"),
    # y
    ({"y": 1.0}, ValueError, "y must hold one target per sample .* got the scalar 1.0"),
    ({"y": None}, TypeError, "y must be array-like of targets"),
    ({"y": "abc"}, TypeError, "y must be array-like of targets"),
    ({"y": [[1.0], [1.0, 2.0], [3.0], [4.0]]}, TypeError, "y must be array-like of targets"),
    ({"y": np.full((4, 1), np.inf)}, ValueError, "y contains 4 non-finite"),
    ({"y": np.ones((3, 1))}, ValueError, "X and y must have the same number of rows, got 4 and 3"),
    ({"y": np.ones((4, 2))}, ValueError, "y does not suit loss 'squared_error'"),
    (
        {"y": np.zeros(4), "loss": "cross_entropy"},
        TypeError,
        "y does not suit loss 'cross_entropy' .* integer dtype",
    ),
    (
        {"y": np.array([0, 1, 2, 1]), "loss": "cross_entropy"},
        ValueError,
        r"y does not suit loss .* class indices must be in \[0, 1\)",
    ),
    # loss
    ({"loss": "nope"}, ValueError, "unknown loss 'nope'"),
    ({"loss": None}, TypeError, "loss must be given by name"),
    ({"loss": 3}, TypeError, "loss must be given by name"),
    # counts
    *[
        ({"epochs": v}, TypeError, "epochs must be a positive integer")
        for v in (1.5, True, "3", None)
    ],
    *[({"epochs": v}, ValueError, "epochs must be a positive integer") for v in (0, -1)],
    *[
        ({"batch_size": v}, TypeError, "batch_size must be a positive integer")
        for v in (2.5, True, "2")
    ],
    *[({"batch_size": v}, ValueError, "batch_size must be a positive integer") for v in (0, -2)],
    # flags and seeds
    *[({"shuffle": v}, TypeError, "shuffle must be True or False") for v in ("no", 1, None, 0.0)],
    ({"rng": -1}, ValueError, "rng must be a non-negative int seed"),
    *[({"rng": v}, TypeError, "rng must be None, an int seed") for v in (1.5, "0", True, [1])],
    # clipping
    *[({"clip_norm": v}, ValueError, "clip_norm must be") for v in (0, -1, np.nan, np.inf)],
    *[({"clip_norm": v}, TypeError, "clip_norm must be a real number") for v in (True, "1")],
    # optimizer and scheduler
    ({"optimizer": None}, TypeError, r"optimizer must have a .step\(\) method"),
    ({"optimizer": object()}, TypeError, r"optimizer must have a .step\(\) method"),
    ({"optimizer": NoLearningRate()}, TypeError, "optimizer must have a learning rate .lr"),
    ({"optimizer": "other"}, ValueError, "optimizer must be built on the model's parameters"),
    ({"scheduler": 0.5}, TypeError, "scheduler must be None or a learning-rate schedule"),
    ({"scheduler": "step"}, TypeError, "scheduler must be None or a learning-rate schedule"),
    ({"scheduler": "other"}, ValueError, "scheduler must schedule the optimizer given to fit"),
    # BatchNorm in training mode cannot normalize a batch of one sample
    ({"batch_size": 3}, ValueError, "batch_size=3 on 4 sample.s. makes a batch of 1 sample"),
    ({"batch_size": 1}, ValueError, "batch_size=1 on 4 sample.s. makes a batch of 1 sample"),
    (
        {"X": X4[:1], "y": Y4[:1]},
        ValueError,
        "batch_size=None on 1 sample.s. makes a batch of 1 sample, which a BatchNorm",
    ),
]


@pytest.mark.parametrize(
    ("bad", "exc", "match"), BAD_FITS, ids=[f"{i}-{m}" for i, (_, _, m) in enumerate(BAD_FITS)]
)
def test_fit_refuses_bad_input_before_changing_anything(bad, exc, match):
    net = bn_net()
    net.forward(X4)  # a pass waiting for its backward
    for i, p in enumerate(net.parameters()):
        p.grad[...] = i + 1.0
    sgd = optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    gen = np.random.default_rng(5)
    args = {"model": net, "X": X4, "y": Y4, "optimizer": sgd, "rng": gen}
    args.update(bad)
    if args["optimizer"] == "other":
        args["optimizer"] = other_sgd()
    if args.get("scheduler") == "other":
        args["scheduler"] = optim.StepLR(other_sgd(), 1)
    values = [p.value.copy() for p in net.parameters()]
    grads = [p.grad.copy() for p in net.parameters()]
    stats = net[1].running_mean.copy(), net[1].running_var.copy()
    rng_state = gen.bit_generator.state
    with pytest.raises(exc, match=match):
        fit(**args)
    for p, v, g in zip(net.parameters(), values, grads, strict=True):
        np.testing.assert_array_equal(p.value, v)
        np.testing.assert_array_equal(p.grad, g)
    np.testing.assert_array_equal(net[1].running_mean, stats[0])
    np.testing.assert_array_equal(net[1].running_var, stats[1])
    assert all(layer.training for layer in net.modules())
    assert sgd.lr == 0.1
    assert all(s.momentum_buffer is None for s in sgd.state.values())
    assert gen.bit_generator.state == rng_state
    net.backward(np.ones((4, 1)))  # the waiting pass is still there
