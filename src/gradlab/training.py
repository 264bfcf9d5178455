r"""A training loop: batch, mini-batch and stochastic gradient descent, with a history.

The lectures distinguish three ways to use the data for one update (경사하강법의 종류):

- **batch** gradient descent (BGD): every sample, ``batch_size=None``;
- **stochastic** gradient descent (SGD): one sample at a time, ``batch_size=1``;
- **mini-batch** gradient descent: ``batch_size=h`` with :math:`1 < h < N`, after a seeded
  shuffle (the lectures: "shuffle at random, then take two at a time from the front").
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike

from . import losses as _losses
from ._validation import (
    FloatArray,
    as_float_array,
    as_generator,
    check_bool,
    check_count,
    check_matrix,
    check_positive,
)
from .diagnostics import _norm, dense_layers
from .layers import BatchNorm, Sequential, preserved_state
from .optim import clip_grad_norm
from .parameter import Parameter

__all__ = ["History", "fit"]


class _Optimizer(Protocol):
    lr: float

    def step(self) -> None: ...
    def zero_grad(self) -> None: ...


class _Scheduler(Protocol):
    def step(self) -> None: ...


@dataclass
class History:
    """What :func:`fit` measured, epoch by epoch.

    :func:`fit` builds it; the parameters are also its attributes.

    Parameters
    ----------
    loss : ndarray of shape (n_epochs,)
        Loss on the whole training set after each epoch.
    initial_loss : float
        Loss on the whole training set before training.
    step_loss : ndarray of shape (n_steps,)
        Loss of each (mini-)batch, before its update: noisy for SGD, smooth for BGD.
    grad_norms : ndarray of shape (n_epochs, n_dense_layers)
        Per-layer weight-gradient norm :math:`\\|\\partial L/\\partial W^{(l)}\\|` averaged over
        the epoch's updates (first layer in column 0), measured before any clipping.
    lr : ndarray of shape (n_epochs,)
        The learning rate used in each epoch.
    diverged : bool
        True if the loss became inf or NaN; training stopped there and the last entry of
        :attr:`loss` is that non-finite value.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab import Dense, Sequential, optim
    >>> from gradlab.training import fit
    >>> model = Sequential(Dense(1, 1, init="zeros"))
    >>> sgd = optim.SGD(model.parameters(), lr=0.1)
    >>> history = fit(model, np.ones((4, 1)), np.ones((4, 1)), sgd, loss="mse", epochs=3)
    >>> history.initial_loss, history.loss.shape, history.diverged
    (1.0, (3,), False)
    """

    loss: FloatArray
    initial_loss: float
    step_loss: FloatArray
    grad_norms: FloatArray
    lr: FloatArray
    diverged: bool = False


def fit(
    model: Sequential,
    X: ArrayLike,
    y: ArrayLike,
    optimizer: _Optimizer,
    loss: str | _losses.Loss = "squared_error",
    *,
    epochs: int = 1,
    batch_size: int | None = None,
    shuffle: bool = True,
    rng: int | np.random.Generator | None = None,
    clip_norm: float | None = None,
    scheduler: _Scheduler | None = None,
) -> History:
    r"""Train ``model`` on ``(X, y)`` and return its :class:`History`.

    Each update is the lectures' cycle: forward, loss, backward (``loss.backward()``),
    optional gradient clipping, ``optimizer.step()``.

    Every layer trains in its own mode, as in a PyTorch loop: ``fit`` never calls
    ``model.train()``, so a :class:`~gradlab.BatchNorm` layer put in evaluation mode
    normalizes with its running statistics and leaves them alone. The losses of
    :class:`History` are measured with every layer in evaluation mode, after which each layer
    is back in its own mode.

    Every argument is checked before anything changes: a refused call leaves the model and
    the optimizer as they were.

    Parameters
    ----------
    model : Sequential
        The network to train, in place.
    X : array_like of shape (n_samples, n_features)
        The training inputs, at least one sample; finite.
    y : array_like
        Targets, one row per sample, that suit ``loss`` (class indices, of an integer dtype,
        for ``cross_entropy``).
    optimizer : optimizer from :mod:`gradlab.optim`
        Built on ``model.parameters()`` (or on some of them: the others stay fixed).
    loss : str or Loss, default "squared_error"
        The loss to minimize, by name (:data:`gradlab.losses.LOSSES`) or as an object.
    epochs : int, default 1
        Number of passes over the data, >= 1.
    batch_size : int, optional
        ``None`` for batch gradient descent, 1 for stochastic, ``h`` for mini-batches of ``h``
        (the last one may be smaller). With a BatchNorm layer in training mode, every batch
        must hold at least 2 samples.
    shuffle : bool, default True
        Reshuffle the samples at the start of every epoch (with ``rng``); without it samples
        are taken in order.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the shuffle.
    clip_norm : float, optional
        Clip the total gradient norm to this value before each step (Pascanu et al. 2013).
    scheduler : learning-rate schedule from :mod:`gradlab.optim`, optional
        Stepped once at the end of every epoch.

    Returns
    -------
    History
        The losses, gradient norms and learning rates, epoch by epoch.

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong type or value, naming it; nothing has changed then.

    Examples
    --------
    The lectures' toy regression :math:`\hat y = b_1 x` by stochastic gradient descent,
    samples in order, from :math:`b_1 = 10` with :math:`\eta = 0.1`:

    >>> from gradlab import Dense, Sequential, optim
    >>> from gradlab.datasets import toy_regression
    >>> from gradlab.training import fit
    >>> X, y = toy_regression()
    >>> model = Sequential(Dense(1, 1, bias=False, init="zeros"))
    >>> model[0].W.value[...] = 10.0
    >>> history = fit(model, X, y, optim.SGD(model.parameters(), lr=0.1),
    ...               batch_size=1, shuffle=False)
    >>> history.step_loss[:2]  # E_1 at b = 10, then E_2 at b = 7
    array([112.5,  12.5])
    """
    # Every argument is checked before anything changes: a refused call leaves the model, the
    # optimizer and the generator as they were.
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a gradlab Sequential, got {type(model).__name__}")
    loss_fn = _losses.get(loss)
    Xv = check_matrix(X, "X", model.in_features, owner="fit")
    n = len(Xv)
    if n == 0:
        raise ValueError(f"X must hold at least one sample (row), got shape {Xv.shape}")
    yv = _check_targets(y, n)
    epochs = check_count(epochs, "epochs")
    batch = n if batch_size is None else min(check_count(batch_size, "batch_size"), n)
    shuffle = check_bool(shuffle, "shuffle")
    if clip_norm is not None:
        clip_norm = check_positive(clip_norm, "clip_norm")
    gen = as_generator(rng)
    params = model.parameters()
    _check_optimizer(optimizer, params, scheduler)
    _check_batchnorm_batches(model, n, batch, batch_size)
    weights = [layer.W for layer in dense_layers(model)]

    layers = list(model.modules())

    def evaluate() -> FloatArray:
        # Evaluation mode, so that BatchNorm's running statistics see only training batches;
        # afterwards every layer is back in its own mode and nothing waits for a backward.
        modes = [layer.training for layer in layers]
        try:
            for layer in layers:
                layer.training = False
            model._start_pass()
            return model._call(Xv)
        finally:
            model._start_pass()
            for layer, mode in zip(layers, modes, strict=True):
                layer.training = mode

    def full_loss(check: bool = False) -> float:
        if check:  # y against the loss (shape, dtype, class range), before any update
            with preserved_state(model):  # a refusal leaves even a pending pass in place
                out = evaluate()
            finite = bool(np.isfinite(out).all())
            try:
                loss_fn(out if finite else np.zeros_like(out), yv)
            except (TypeError, ValueError) as exc:
                raise type(exc)(
                    f"y does not suit loss {loss_fn.name!r} for model outputs of shape "
                    f"{out.shape}: {exc}"
                ) from None
        else:
            out = evaluate()
            finite = bool(np.isfinite(out).all())
        return loss_fn(out, yv) if finite else float("nan")

    losses: list[float] = []
    step_losses: list[float] = []
    norms: list[FloatArray] = []
    lrs: list[float] = []
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):
        initial = full_loss(check=True)
        for _ in range(epochs):
            lrs.append(float(optimizer.lr))
            order = gen.permutation(n) if shuffle and batch < n else np.arange(n)
            epoch_norms = np.zeros(len(weights))
            n_steps = 0
            for start in range(0, n, batch):
                idx = order[start : start + batch]
                xb, yb = Xv[idx], yv[idx]
                optimizer.zero_grad()
                # Every layer in its own mode (a BatchNorm layer in eval mode keeps its
                # running statistics, as in PyTorch); fit never calls model.train().
                model._start_pass()
                out = model._call(xb)
                if not np.isfinite(out).all():
                    model._start_pass()
                    diverged = True
                    break
                step_loss, seed = loss_fn._value_and_derivative(out, yb)
                step_losses.append(step_loss)
                model._grad(seed, False)
                epoch_norms += [0.0 if w.grad is None else _norm(w.grad) for w in weights]
                n_steps += 1
                if clip_norm is not None:
                    clip_grad_norm(params, clip_norm)
                optimizer.step()
            norms.append(epoch_norms / max(n_steps, 1))
            losses.append(full_loss() if not diverged else float("nan"))
            if diverged or not np.isfinite(losses[-1]):
                diverged = True
                break
            if scheduler is not None:
                scheduler.step()
    return History(
        loss=np.asarray(losses),
        initial_loss=initial,
        step_loss=np.asarray(step_losses),
        grad_norms=np.asarray(norms).reshape(len(norms), len(weights)),
        lr=np.asarray(lrs),
        diverged=diverged,
    )


def _check_targets(y: ArrayLike, n: int) -> np.ndarray:
    """``y`` as an array of ``n`` rows: integer class labels as given, anything else as floats."""
    if y is None or isinstance(y, str | bytes):
        raise TypeError(f"y must be array-like of targets, one per sample, got {y!r:.40}")
    if isinstance(y, np.ndarray) and y.dtype.kind in "iu":
        yv: np.ndarray = y
    else:
        try:
            arr = np.asarray(y)
        except (TypeError, ValueError) as exc:  # ragged lists and the like
            raise TypeError(f"y must be array-like of targets ({exc})") from None
        yv = arr if arr.dtype.kind in "iu" else as_float_array(arr, "y")
    if yv.ndim == 0:
        raise ValueError(
            f"y must hold one target per sample (one row per row of X), got the scalar {y!r}"
        )
    if len(yv) != n:
        raise ValueError(f"X and y must have the same number of rows, got {n} and {len(yv)}")
    return yv


def _check_optimizer(optimizer: object, params: list[Parameter], scheduler: object) -> None:
    """Refuse an optimizer or schedule that cannot train these parameters."""
    for name in ("step", "zero_grad"):
        if not callable(getattr(optimizer, name, None)):
            raise TypeError(
                f"optimizer must have a .{name}() method (a gradlab.optim optimizer), "
                f"got {type(optimizer).__name__}"
            )
    lr = getattr(optimizer, "lr", None)
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        raise TypeError(
            f"optimizer must have a learning rate .lr (a real number), got {type(lr).__name__}"
        )
    own = {id(p) for p in params}
    foreign = [p for p in getattr(optimizer, "params", ()) if id(p) not in own]
    if foreign:
        raise ValueError(
            f"optimizer must be built on the model's parameters, e.g. "
            f"optim.SGD(model.parameters(), lr=0.1); {len(foreign)} of its parameters "
            f"({foreign[0]!r}, ...) are not in the model"
        )
    if scheduler is None:
        return
    if not callable(getattr(scheduler, "step", None)):
        raise TypeError(
            "scheduler must be None or a learning-rate schedule with a .step() method "
            f"(gradlab.optim.StepLR, ExponentialLR), got {type(scheduler).__name__}"
        )
    scheduled = getattr(scheduler, "optimizer", optimizer)
    if scheduled is not optimizer:
        raise ValueError(
            "scheduler must schedule the optimizer given to fit, got a schedule of another "
            f"optimizer ({scheduled!r})"
        )


def _check_batchnorm_batches(
    model: Sequential, n: int, batch: int, batch_size: int | None
) -> None:
    """Refuse batches of one sample when a BatchNorm layer would normalize them in training."""
    if 1 not in {batch, n % batch} or not any(
        isinstance(m, BatchNorm) and m.training for m in model.modules()
    ):
        return
    raise ValueError(
        f"batch_size={batch_size} on {n} sample(s) makes a batch of 1 sample, which a "
        "BatchNorm layer in training mode cannot normalize; choose a batch_size that leaves "
        "at least 2 samples in every batch, or put the BatchNorm layers in eval mode"
    )
