r"""Loss functions, each with its derivative with respect to the prediction.

Every loss is a :class:`Loss`: ``loss(prediction, target)`` returns a Python float and
``loss.derivative(prediction, target)`` returns :math:`\partial L / \partial \text{prediction}`,
an array of the prediction's shape: the seed of backpropagation. Both are computed in the
prediction's floating dtype (float32 in, float32 gradient out; the target is converted to it).

Reductions follow PyTorch's defaults (the mean over the batch), except :data:`squared_error`,
which is the lectures' plain :math:`E = \tfrac12 \sum (y - \hat y)^2`.

>>> from gradlab.losses import squared_error
>>> squared_error([0.5], [1.0])
0.125
>>> squared_error.derivative([0.5], [1.0])
array([-0.5])
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ._validation import FloatArray, as_real_array, check_callable, check_str, lookup
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
Step = tuple[float, FloatArray]


class Loss:
    r"""A loss :math:`L(\hat y, y)` with its gradient :math:`\partial L / \partial \hat y`.

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

    Returns
    -------
    Loss
        Callable as ``loss(prediction, target)``.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.losses import Loss
    >>> l1 = Loss(
    ...     "l1",
    ...     value=lambda p, t: float(np.mean(np.abs(p - t))),
    ...     derivative=lambda p, t: np.sign(p - t) / p.size,
    ...     check=lambda p, t: (np.asarray(p, float), np.asarray(t, float)),
    ... )
    >>> l1([1.0, 3.0], [0.0, 0.0]), l1.derivative([1.0, 3.0], [0.0, 0.0])
    (2.0, array([0.5, 0.5]))
    """

    def __init__(
        self,
        name: str,
        value: Callable[[FloatArray, FloatArray], float],
        derivative: Callable[[FloatArray, FloatArray], FloatArray],
        check: Callable[[ArrayLike, ArrayLike], Pair],
    ) -> None:
        self.name = check_str(name, "name")
        self._value = check_callable(value, "value")
        self._derivative = check_callable(derivative, "derivative")
        self._check = check_callable(check, "check")
        # help() and the API reference show loss(prediction, target)
        self.__signature__ = inspect.signature(self.__call__)

    def __call__(self, prediction: ArrayLike, target: ArrayLike) -> float:
        """Return the loss.

        Parameters
        ----------
        prediction : array_like
            The network's output :math:`\\hat y`.
        target : array_like
            The target :math:`y`.

        Returns
        -------
        float
            The loss, computed in the prediction's floating dtype, as a Python float.

        Examples
        --------
        >>> from gradlab.losses import mse
        >>> mse([1.0, 2.0], [1.0, 0.0])
        2.0
        """
        return float(self._value(*self._check(prediction, target)))

    def derivative(self, prediction: ArrayLike, target: ArrayLike) -> FloatArray:
        """Return the gradient :math:`\\partial L / \\partial \\text{prediction}`.

        Parameters
        ----------
        prediction : array_like
            The network's output :math:`\\hat y`.
        target : array_like
            The target :math:`y`.

        Returns
        -------
        ndarray
            The gradient, of the prediction's shape and floating dtype: the seed of
            backpropagation.

        Examples
        --------
        >>> from gradlab.losses import mse
        >>> mse.derivative([1.0, 2.0], [1.0, 0.0])
        array([0., 2.])
        """
        grad = self._derivative(*self._check(prediction, target))
        return grad.reshape(np.shape(prediction))

    def _value_and_derivative(self, prediction: FloatArray, target: ArrayLike) -> Step:
        """The loss and its gradient, the arguments checked once (a training loop's step)."""
        p, t = self._check(prediction, target)
        return float(self._value(p, t)), self._derivative(p, t).reshape(prediction.shape)

    def __repr__(self) -> str:
        return f"<loss {self.name}>"


def _prediction(prediction: ArrayLike, name: str = "prediction") -> FloatArray:
    p = as_real_array(prediction, name)
    if p.size == 0:
        raise ValueError(f"{name} is empty (shape {p.shape}): a loss needs at least one value")
    return p


def _in_dtype_of(t: FloatArray, p: FloatArray) -> FloatArray:
    # The gradient takes the prediction's dtype, so the target is computed in it too.
    if t.dtype == p.dtype:
        return t
    with np.errstate(over="ignore"):
        cast = t.astype(p.dtype)
    if not np.isfinite(cast).all():
        raise ValueError(f"target holds values beyond the range of the prediction's {p.dtype}")
    return cast


def _target_like(target: ArrayLike, p: FloatArray) -> FloatArray:
    t = _in_dtype_of(as_real_array(target, "target"), p)
    if t.shape != p.shape:
        raise ValueError(
            f"prediction and target must have the same shape, got {p.shape} and {t.shape}"
        )
    return t


def _same_shape(prediction: ArrayLike, target: ArrayLike) -> Pair:
    p = _prediction(prediction)
    return p, _target_like(target, p)


def _labels(prediction: ArrayLike, target: ArrayLike) -> Pair:
    p, t = _same_shape(prediction, target)
    if np.any((t < 0) | (t > 1)):
        raise ValueError(
            f"target must hold probabilities (or 0/1 labels) in [0, 1], got values in "
            f"[{t.min():g}, {t.max():g}]"
        )
    return p, t


def _probabilities(prediction: ArrayLike, target: ArrayLike) -> Pair:
    p, t = _labels(prediction, target)
    if np.any((p < 0) | (p > 1)):
        raise ValueError(
            "prediction must hold probabilities in [0, 1] for binary_cross_entropy; "
            "for raw scores use binary_cross_entropy_with_logits"
        )
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

Parameters
----------
prediction : array_like
    :math:`\hat y`, any shape.
target : array_like
    :math:`y`, the shape of ``prediction``.

Returns
-------
float
    :math:`E`.

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

Parameters
----------
prediction : array_like
    :math:`\hat y`, any shape.
target : array_like
    :math:`y`, the shape of ``prediction``.

Returns
-------
float
    The mean squared error.

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
    # PyTorch clamps each log at -100, in every dtype, so that p = 0 or 1 gives a finite loss
    # (log 0 = -inf is clamped; no smallest-normal floor, whose log is only -87 in float32).
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), -100.0)
        log_q = np.maximum(np.log1p(-p), -100.0)
    return float(-np.mean(t * log_p + (1.0 - t) * log_q))


def _bce_derivative(p: FloatArray, t: FloatArray) -> FloatArray:
    # As PyTorch: (p - t) / max(p (1 - p), 1e-12), divided by N for the mean. PyTorch stores
    # that 1e-12 as a float32 constant; in float16, where it underflows to 0 (and PyTorch
    # returns inf and nan), the floor is float16's smallest normal, so the gradient stays finite.
    floor = max(float(np.float32(1e-12)), float(np.finfo(p.dtype).tiny))
    return (p - t) / np.maximum(p * (1.0 - p), floor) / p.size


binary_cross_entropy = Loss("binary_cross_entropy", _bce, _bce_derivative, _probabilities)
binary_cross_entropy.__doc__ = r"""Binary cross-entropy of probabilities, averaged over elements.

.. math:: L = -\frac1N \sum_i \big[y_i \log \hat y_i + (1 - y_i) \log(1 - \hat y_i)\big]

As ``torch.nn.functional.binary_cross_entropy``: each log is clamped at :math:`-100` in every
dtype, so a saturated sigmoid output of exactly 0 or 1 (a float32 sigmoid rounds to 1 above
:math:`z \approx 17`) gives a finite loss, and the derivative
:math:`(\hat y - y) / (N \max(\hat y(1 - \hat y), 10^{-12}))` stays finite too. For raw scores
prefer :data:`binary_cross_entropy_with_logits`, which is exact there.

Parameters
----------
prediction : array_like
    Probabilities :math:`\hat y \in [0, 1]`, any shape.
target : array_like
    Labels or probabilities :math:`y \in [0, 1]`, the shape of ``prediction``.

Returns
-------
float
    The mean binary cross-entropy.

Examples
--------
>>> import numpy as np
>>> from gradlab.losses import binary_cross_entropy
>>> round(binary_cross_entropy([0.9, 0.2], [1.0, 0.0]), 6)
0.164252
>>> binary_cross_entropy(np.array([1.0], dtype=np.float32), [0.0])
100.0
"""


def _softplus(x: FloatArray) -> FloatArray:
    # log(1 + e^x) without overflow, and with full relative precision for x << 0, where it is
    # e^x: max(x, 0) + log1p(e^-|x|)
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def _bce_logits(z: FloatArray, t: FloatArray) -> float:
    # -log s(z) = softplus(-z) and -log(1 - s(z)) = softplus(z): a sum of positive terms, so
    # no cancellation (softplus(z) - t z loses every digit for t = 1 and z > 36)
    return float(np.mean((1.0 - t) * _softplus(z) + t * _softplus(-z)))


def _bce_logits_derivative(z: FloatArray, t: FloatArray) -> FloatArray:
    # s(z) - t = (1 - t) s(z) - t s(-z): exact for confident predictions of either label
    return ((1.0 - t) * _sigmoid(z) - t * _sigmoid(-z)) / z.size


binary_cross_entropy_with_logits = Loss(
    "binary_cross_entropy_with_logits", _bce_logits, _bce_logits_derivative, _labels
)
binary_cross_entropy_with_logits.__doc__ = r"""Binary cross-entropy from logits :math:`z`.

.. math:: L = \frac1N \sum_i \big[(1 - y_i)\log(1 + e^{z_i}) + y_i \log(1 + e^{-z_i})\big],
          \qquad \frac{\partial L}{\partial z_i} = \frac{\sigma(z_i) - y_i}{N},

the binary cross-entropy of :math:`\sigma(z)` with the sigmoid and the log fused, as
``torch.nn.functional.binary_cross_entropy_with_logits``. Both terms are positive, so the loss
keeps full relative precision even where it is tiny (:math:`y = 1`, :math:`z = 36`:
:math:`2.3 \times 10^{-16}`), and :math:`|z| = 10^4` gives exact, finite values.

Parameters
----------
prediction : array_like
    Logits :math:`z`, any shape.
target : array_like
    Labels or probabilities :math:`y \in [0, 1]`, the shape of ``prediction``.

Returns
-------
float
    The mean binary cross-entropy of :math:`\sigma(z)`.

Examples
--------
>>> from gradlab.losses import binary_cross_entropy_with_logits as bce_logits
>>> bce_logits([1e4, -1e4], [1.0, 0.0])
0.0
>>> bce_logits([1e4], [0.0])
10000.0
>>> bce_logits([36.0], [1.0])
2.319522830243569e-16
"""


# --- cross-entropy from logits ----------------------------------------------------------------
def _logits_and_target(prediction: ArrayLike, target: ArrayLike) -> Pair:
    z = _prediction(prediction)
    if z.ndim not in (1, 2):
        raise ValueError(
            "prediction must be logits of shape (n_samples, n_classes) or (n_classes,), "
            f"got shape {z.shape}"
        )
    z2 = np.atleast_2d(z)
    try:
        t_raw = np.asarray(target)
    except (TypeError, ValueError):  # ragged: as_real_array below says so
        t_raw = np.asarray(None)
    if t_raw.dtype.kind not in "iuf":
        as_real_array(target, "target")  # raises, naming what target holds
    if t_raw.shape == z.shape[:-1]:  # one class index per sample
        if t_raw.dtype.kind == "f":
            raise TypeError(
                f"target of shape {t_raw.shape} holds one class index per sample, so it must "
                f"have an integer dtype, got {t_raw.dtype}; convert with .astype(int)"
            )
        if np.any((t_raw < 0) | (t_raw >= z2.shape[1])):
            raise ValueError(
                f"target class indices must be in [0, {z2.shape[1]}), got values in "
                f"[{t_raw.min()}, {t_raw.max()}]"
            )
        return z2, np.eye(z2.shape[1], dtype=z2.dtype)[t_raw.reshape(-1)]
    t = _in_dtype_of(as_real_array(t_raw, "target"), z2)
    if t.shape != z.shape:
        raise ValueError(
            f"target must be class indices of shape {z.shape[:-1]} (integers) or one-hot or "
            f"probability rows of shape {z.shape}, the shape of prediction; got shape {t.shape}"
        )
    t = np.atleast_2d(t)
    if np.any(t < 0) or not np.allclose(t.sum(axis=1), 1.0):
        raise ValueError("target rows must be probability vectors (>= 0, summing to 1)")
    return z2, t


def _log_softmax(z: FloatArray) -> FloatArray:
    # z - max z <= 0; it overflows to -inf only where the true value is below -1.8e308, whose
    # exp is 0 anyway, so the -inf is the correctly rounded result, not a failure.
    with np.errstate(over="ignore"):
        shifted = z - np.max(z, axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


def _cross_entropy(z: FloatArray, t: FloatArray) -> float:
    # 0 log 0 = 0: a class of probability 0 in the target adds nothing, even where its
    # log-probability is -inf (logits 1e308 and -1e308)
    terms = np.multiply(t, _log_softmax(z), out=np.zeros_like(t), where=t > 0)
    return float(0.0 - np.sum(terms) / z.shape[0])  # 0.0 - : no "-0.0"


def _cross_entropy_derivative(z: FloatArray, t: FloatArray) -> FloatArray:
    return (np.exp(_log_softmax(z)) - t) / z.shape[0]


cross_entropy = Loss(
    "cross_entropy", _cross_entropy, _cross_entropy_derivative, _logits_and_target
)
cross_entropy.__doc__ = r"""Softmax cross-entropy from logits, averaged over the batch.

.. math:: L = -\frac1n \sum_{k=1}^{n} \sum_j y_{kj} \log \operatorname{softmax}(z_k)_j,
          \qquad \frac{\partial L}{\partial z_k} = \frac{\operatorname{softmax}(z_k) - y_k}{n}

As ``torch.nn.functional.cross_entropy``. The log-softmax is computed with the log-sum-exp
shift :math:`z - \max z`, so logits of :math:`10^4`, or :math:`\pm 10^{308}`, give finite
results, and a class of target probability 0 contributes 0 (:math:`0 \log 0 = 0`).

Parameters
----------
prediction : array_like of shape (n, k) or (k,)
    Logits :math:`z`, the classes on the last axis.
target : array_like
    Integer class indices of shape ``(n,)`` (or a scalar for logits of shape ``(k,)``), or
    one-hot or probability rows of the shape of ``prediction``.

Returns
-------
float
    The mean cross-entropy.

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

#: Every loss by name: ``LOSSES["mse"] is mse``.
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

    Parameters
    ----------
    name : str or Loss
        A key of :data:`LOSSES`, or a loss object.

    Returns
    -------
    Loss
        The loss.

    Raises
    ------
    TypeError
        If ``name`` is neither a str nor a :class:`Loss`.
    ValueError
        For an unknown name; the message lists the known ones.

    Examples
    --------
    >>> from gradlab import losses
    >>> losses.get("mse")
    <loss mse>
    """
    if isinstance(name, Loss):
        return name
    return lookup(name, LOSSES, "loss")
