r"""Loss functions, each with its derivative with respect to the prediction.

Every loss is a :class:`Loss`: ``loss(prediction, target)`` returns a Python float and
``loss.derivative(prediction, target)`` returns :math:`\partial L / \partial \text{prediction}`,
an array of the prediction's shape: the seed of backpropagation.

Reductions follow PyTorch's defaults (the mean over the batch), except :data:`squared_error`,
which is the lectures' plain :math:`E = \tfrac12 \sum (y - \hat y)^2`.

>>> from gradlab.losses import squared_error
>>> squared_error([0.5], [1.0])
0.125
>>> squared_error.derivative([0.5], [1.0])
array([-0.5])
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ._validation import FloatArray, as_float_array, check_same_shape, lookup
from .activations import _sigmoid

__all__ = [
    "LOSSES",
    "Loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "get",
    "mse",
    "squared_error",
]

Pair = tuple[FloatArray, FloatArray]


class Loss:
    """A loss :math:`L(\\hat y, y)` with its gradient :math:`\\partial L / \\partial \\hat y`.

    Parameters
    ----------
    name : str
        Short name.
    value : callable
        ``value(prediction, target) -> float`` on validated arrays.
    derivative : callable
        ``derivative(prediction, target) -> ndarray`` on validated arrays.
    check : callable
        ``check(prediction, target) -> (prediction, target)``: validates and converts.
    """

    def __init__(
        self,
        name: str,
        value: Callable[[FloatArray, FloatArray], float],
        derivative: Callable[[FloatArray, FloatArray], FloatArray],
        check: Callable[[ArrayLike, ArrayLike], Pair],
    ) -> None:
        self.name = name
        self._value = value
        self._derivative = derivative
        self._check = check

    def __call__(self, prediction: ArrayLike, target: ArrayLike) -> float:
        """Return the loss as a Python float."""
        return float(self._value(*self._check(prediction, target)))

    def derivative(self, prediction: ArrayLike, target: ArrayLike) -> FloatArray:
        """Return :math:`\\partial L / \\partial \\text{prediction}` (the prediction's shape)."""
        return self._derivative(*self._check(prediction, target))

    def __repr__(self) -> str:
        return f"<loss {self.name}>"


def _same_shape(prediction: ArrayLike, target: ArrayLike) -> Pair:
    p = as_float_array(prediction, "prediction")
    t = as_float_array(target, "target")
    check_same_shape(p, t, ("prediction", "target"))
    return p, t


def _probabilities(prediction: ArrayLike, target: ArrayLike) -> Pair:
    p, t = _same_shape(prediction, target)
    if np.any((p < 0) | (p > 1)):
        raise ValueError(
            "prediction must hold probabilities in [0, 1] for binary_cross_entropy; "
            "for raw scores use binary_cross_entropy_with_logits"
        )
    if np.any((t < 0) | (t > 1)):
        raise ValueError("target must hold probabilities (or 0/1 labels) in [0, 1]")
    return p, t


# --- squared error (the lectures' E) and mean squared error -----------------------------------
squared_error = Loss(
    "squared_error",
    lambda p, t: float(0.5 * np.sum((p - t) ** 2)),
    lambda p, t: p - t,
    _same_shape,
)
squared_error.__doc__ = r"""The lectures' squared error :math:`E = \tfrac12 \sum (y - \hat y)^2`.

A plain sum over every element (no mean): the :math:`\tfrac12` cancels the 2 of the
derivative, :math:`\partial E / \partial \hat y_i = \hat y_i - y_i`.

Examples
--------
The lectures' 2-2-1 network predicts :math:`\hat y = 0.547` for a target of 1:

>>> from gradlab.losses import squared_error
>>> round(squared_error([0.547], [1.0]), 6)
0.102604
"""

mse = Loss(
    "mse",
    lambda p, t: float(np.mean((p - t) ** 2)),
    lambda p, t: 2.0 * (p - t) / p.size,
    _same_shape,
)
mse.__doc__ = r"""Mean squared error :math:`\frac1N \sum_i (y_i - \hat y_i)^2` over all N elements.

As ``torch.nn.functional.mse_loss`` with its default ``reduction="mean"``; the derivative is
:math:`2(\hat y - y)/N`.

Examples
--------
>>> from gradlab.losses import mse
>>> mse([1.0, 2.0], [0.0, 0.0])
2.5
>>> mse.derivative([1.0, 2.0], [0.0, 0.0])
array([1., 2.])
"""


# --- binary cross-entropy ---------------------------------------------------------------------
def _bce(p: FloatArray, t: FloatArray) -> float:
    # PyTorch clamps each log at -100 so that p = 0 or 1 gives a finite loss.
    tiny = np.finfo(p.dtype).tiny  # log(tiny) < -100, so the clamp, not tiny, decides
    log_p = np.maximum(np.log(np.maximum(p, tiny)), -100.0)
    log_q = np.maximum(np.log(np.maximum(1.0 - p, tiny)), -100.0)
    return float(-np.mean(t * log_p + (1.0 - t) * log_q))


_BCE_EPS = float(np.float32(1e-12))


def _bce_derivative(p: FloatArray, t: FloatArray) -> FloatArray:
    # As PyTorch: (p - t) / max(p (1 - p), 1e-12), divided by N for the mean.
    # PyTorch stores that 1e-12 as a float32 constant; using the same value matches it exactly.
    return (p - t) / np.maximum(p * (1.0 - p), _BCE_EPS) / p.size


binary_cross_entropy = Loss("binary_cross_entropy", _bce, _bce_derivative, _probabilities)
binary_cross_entropy.__doc__ = r"""Binary cross-entropy of probabilities, averaged over elements.

.. math:: L = -\frac1N \sum_i \big[y_i \log \hat y_i + (1 - y_i) \log(1 - \hat y_i)\big]

As ``torch.nn.functional.binary_cross_entropy``: each log is clamped at :math:`-100`, so a
saturated sigmoid output of exactly 0 or 1 gives a finite loss, and the derivative
:math:`(\hat y - y) / (N \max(\hat y(1 - \hat y), 10^{-12}))` stays finite too. For raw scores
prefer :data:`binary_cross_entropy_with_logits`, which is exact there.

Examples
--------
>>> from gradlab.losses import binary_cross_entropy
>>> round(binary_cross_entropy([0.9, 0.2], [1.0, 0.0]), 6)
0.164252
>>> binary_cross_entropy([1.0], [0.0])
100.0
"""


def _softplus(x: FloatArray) -> FloatArray:
    # log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|)
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


binary_cross_entropy_with_logits = Loss(
    "binary_cross_entropy_with_logits",
    # -[t log s(z) + (1 - t) log(1 - s(z))] = softplus(z) - t z
    lambda z, t: float(np.mean(_softplus(z) - t * z)),
    lambda z, t: (_sigmoid(z) - t) / z.size,
    _same_shape,
)
binary_cross_entropy_with_logits.__doc__ = r"""Binary cross-entropy from logits :math:`z`.

.. math:: L = \frac1N \sum_i \big[\log(1 + e^{z_i}) - y_i z_i\big], \qquad
          \frac{\partial L}{\partial z_i} = \frac{\sigma(z_i) - y_i}{N},

the sigmoid and the log fused so that :math:`|z| = 10^4` gives exact, finite values (as
``torch.nn.functional.binary_cross_entropy_with_logits``).

Examples
--------
>>> from gradlab.losses import binary_cross_entropy_with_logits as bce_logits
>>> bce_logits([1e4, -1e4], [1.0, 0.0])
0.0
>>> bce_logits([1e4], [0.0])
10000.0
"""


# --- cross-entropy from logits ----------------------------------------------------------------
def _logits_and_target(prediction: ArrayLike, target: ArrayLike) -> Pair:
    z = as_float_array(prediction, "prediction")
    if z.ndim not in (1, 2):
        raise ValueError(
            "prediction must be logits of shape (n_samples, n_classes) or (n_classes,), "
            f"got shape {z.shape}"
        )
    z2 = np.atleast_2d(z)
    t_raw = np.asarray(target)
    if t_raw.dtype.kind in "iu" and t_raw.shape == z2.shape[:1] and z.ndim == 2:
        # class indices, as torch.nn.functional.cross_entropy(input, target_long)
        if np.any((t_raw < 0) | (t_raw >= z2.shape[1])):
            raise ValueError(f"target class indices must be in [0, {z2.shape[1]}), got {t_raw}")
        t = np.eye(z2.shape[1], dtype=z2.dtype)[t_raw]
    else:
        t = np.atleast_2d(as_float_array(target, "target"))
        if t.shape != z2.shape:
            raise ValueError(
                "target must be one-hot or probabilities with the shape of prediction "
                f"{z.shape}, or class indices of shape {z2.shape[:1]}; got {t_raw.shape}"
            )
        if np.any(t < 0) or not np.allclose(t.sum(axis=1), 1.0):
            raise ValueError("target rows must be probability vectors (>= 0, summing to 1)")
    return z2, t


def _log_softmax(z: FloatArray) -> FloatArray:
    shifted = z - np.max(z, axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


def _cross_entropy(z: FloatArray, t: FloatArray) -> float:
    return float(0.0 - np.sum(t * _log_softmax(z)) / z.shape[0])  # 0.0 - : no "-0.0"


def _cross_entropy_derivative(z: FloatArray, t: FloatArray) -> FloatArray:
    return (np.exp(_log_softmax(z)) - t) / z.shape[0]


class _CrossEntropy(Loss):
    def derivative(self, prediction: ArrayLike, target: ArrayLike) -> FloatArray:
        grad = super().derivative(prediction, target)
        return grad.reshape(np.shape(prediction))


cross_entropy = _CrossEntropy(
    "cross_entropy", _cross_entropy, _cross_entropy_derivative, _logits_and_target
)
cross_entropy.__doc__ = r"""Softmax cross-entropy from logits, averaged over the batch.

.. math:: L = -\frac1n \sum_{k=1}^{n} \sum_j y_{kj} \log \operatorname{softmax}(z_k)_j,
          \qquad \frac{\partial L}{\partial z_k} = \frac{\operatorname{softmax}(z_k) - y_k}{n}

The target is one-hot rows, probability rows, or integer class indices, as
``torch.nn.functional.cross_entropy``. The log-softmax is computed with the log-sum-exp shift
:math:`z - \max z`, so logits of :math:`10^4` give finite results.

Examples
--------
>>> from gradlab.losses import cross_entropy
>>> round(cross_entropy([[2.0, 0.0, -1.0]], [[1.0, 0.0, 0.0]]), 6)
0.169846
>>> cross_entropy([[1e4, 0.0]], [0])
0.0
>>> cross_entropy([[1e4, 0.0]], [1])
10000.0
"""

LOSSES: dict[str, Loss] = {
    f.name: f
    for f in (
        squared_error,
        mse,
        binary_cross_entropy,
        binary_cross_entropy_with_logits,
        cross_entropy,
    )
}

# Doctests of the loss objects (their docstrings live on instances).
__test__ = {name: f.__doc__ or "" for name, f in LOSSES.items()}


def get(name: str | Loss) -> Loss:
    """Return the loss called ``name`` (or ``name`` itself if it already is a :class:`Loss`).

    Examples
    --------
    >>> from gradlab import losses
    >>> losses.get("mse")
    <loss mse>
    """
    if isinstance(name, Loss):
        return name
    return lookup(name, LOSSES, "loss")
