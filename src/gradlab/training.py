r"""A training loop: batch, mini-batch and stochastic gradient descent, with a history.

The lectures distinguish three ways to use the data for one update (경사하강법의 종류):

- **batch** gradient descent (BGD): every sample, ``batch_size=None``;
- **stochastic** gradient descent (SGD): one sample at a time, ``batch_size=1``;
- **mini-batch** gradient descent: ``batch_size=h`` with :math:`1 < h < N`, after a seeded
  shuffle (the lectures: "shuffle at random, then take two at a time from the front").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike

from . import losses as _losses
from ._validation import (
    FloatArray,
    as_float_array,
    as_generator,
    check_count,
    check_matrix,
    check_positive,
)
from .diagnostics import dense_layers, norm
from .layers import Sequential
from .optim import clip_grad_norm

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

    Attributes
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

    Parameters
    ----------
    model : Sequential
    X : ndarray of shape (n_samples, n_features)
    y : ndarray
        Targets, one row per sample (class indices for ``cross_entropy`` are accepted).
    optimizer : optimizer from :mod:`gradlab.optim`
        Built on ``model.parameters()``.
    loss : str or Loss, default "squared_error"
    epochs : int, default 1
    batch_size : int, optional
        ``None`` for batch gradient descent, 1 for stochastic, ``h`` for mini-batches of ``h``
        (the last one may be smaller).
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
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a gradlab Sequential, got {type(model).__name__}")
    loss_fn = _losses.get(loss)
    Xv = check_matrix(X, "X", model.in_features, owner="fit")
    yv = np.asarray(y) if np.asarray(y).dtype.kind in "iu" else as_float_array(y, "y")
    if len(yv) != len(Xv):
        raise ValueError(f"X and y must have the same number of rows, got {len(Xv)} and {len(yv)}")
    epochs = check_count(epochs, "epochs")
    n = len(Xv)
    batch = n if batch_size is None else min(check_count(batch_size, "batch_size"), n)
    if clip_norm is not None:
        clip_norm = check_positive(clip_norm, "clip_norm")
    for name in ("step", "zero_grad"):
        if not callable(getattr(optimizer, name, None)):
            raise TypeError(f"optimizer must have a .{name}() method (a gradlab.optim optimizer)")
    gen = as_generator(rng)
    params = model.parameters()
    dense = dense_layers(model)

    def full_loss() -> float:
        # Evaluation mode, so that BatchNorm's running statistics see only training batches.
        was_training = model.training
        out = model.eval()._forward(Xv)
        model.train(was_training)
        return loss_fn(out, yv) if np.isfinite(out).all() else float("nan")

    losses: list[float] = []
    step_losses: list[float] = []
    norms: list[FloatArray] = []
    lrs: list[float] = []
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):
        initial = full_loss()
        for _ in range(epochs):
            lrs.append(float(optimizer.lr))
            order = gen.permutation(n) if shuffle and batch < n else np.arange(n)
            epoch_norms = np.zeros(len(dense))
            n_steps = 0
            for start in range(0, n, batch):
                idx = order[start : start + batch]
                xb, yb = Xv[idx], yv[idx]
                optimizer.zero_grad()
                out = model._forward(xb)
                if not np.isfinite(out).all():
                    diverged = True
                    break
                step_losses.append(loss_fn(out, yb))
                model._backward(loss_fn.derivative(out, yb), False)
                epoch_norms += [norm(layer.W.grad) for layer in dense]
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
        grad_norms=np.asarray(norms).reshape(len(norms), len(dense)),
        lr=np.asarray(lrs),
        diverged=diverged,
    )
