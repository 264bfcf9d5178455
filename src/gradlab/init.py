r"""Weight initializers.

Every initializer has the signature ``f(fan_in, fan_out, rng=None, ...)`` and returns a float64
array of shape ``(fan_in, fan_out)``, the shape of :attr:`gradlab.layers.Dense.W` (a batch
``X`` of shape ``(n, fan_in)`` maps to ``X @ W + b``). All randomness goes through ``rng``: an
int seed or a ``numpy.random.Generator``; the same ``rng`` gives the same array.

Why it matters: a layer multiplies the variance of its input by :math:`n_\text{in}
\operatorname{Var}[W]` going forward and the variance of the gradient by :math:`n_\text{out}
\operatorname{Var}[W]` going back (Glorot & Bengio 2010). Xavier keeps both near 1 for tanh;
He doubles it for ReLU, which zeroes half of its inputs (He et al. 2015).

- :func:`standard`: :math:`U[-1/\sqrt{n_\text{in}}, 1/\sqrt{n_\text{in}}]`, variance
  :math:`1/(3 n_\text{in})` (Glorot & Bengio's baseline).
- :func:`xavier_uniform`, :func:`xavier_normal`: variance :math:`2/(n_\text{in} + n_\text{out})`.
- :func:`he_uniform`, :func:`he_normal`: variance :math:`2/n_\text{in}`.
- :func:`lecun_normal`: variance :math:`1/n_\text{in}`.
- :func:`normal`: variance :math:`\text{std}^2` (default 1, the lectures' "standard approach").
- :func:`orthogonal`: all singular values equal to ``gain`` (Saxe et al. 2013).
- :func:`zeros`: the default bias.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

from ._validation import (
    FloatArray,
    as_generator,
    check_count,
    check_nonnegative,
    check_positive,
    check_real,
    lookup,
)

__all__ = [
    "INITIALIZERS",
    "Initializer",
    "calculate_gain",
    "get",
    "he_normal",
    "he_uniform",
    "lecun_normal",
    "normal",
    "orthogonal",
    "standard",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]

Rng = int | np.random.Generator | None


class Initializer(Protocol):
    """``f(fan_in, fan_out, rng=None) -> ndarray of shape (fan_in, fan_out)``."""

    def __call__(self, fan_in: int, fan_out: int, rng: Rng = None) -> FloatArray: ...


def _fans(fan_in: Any, fan_out: Any) -> tuple[int, int]:
    return check_count(fan_in, "fan_in"), check_count(fan_out, "fan_out")


def _uniform(fan_in: int, fan_out: int, bound: float, rng: Rng) -> FloatArray:
    return as_generator(rng).uniform(-bound, bound, size=(fan_in, fan_out))


def _normal(fan_in: int, fan_out: int, std: float, rng: Rng) -> FloatArray:
    return as_generator(rng).normal(0.0, std, size=(fan_in, fan_out))


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""The recommended gain for an activation, as ``torch.nn.init.calculate_gain``.

    ========================= ======================================
    nonlinearity              gain
    ========================= ======================================
    ``identity``, ``sigmoid`` 1
    ``tanh``                  5/3
    ``relu``                  :math:`\sqrt 2`
    ``leaky_relu``            :math:`\sqrt{2 / (1 + \text{slope}^2)}` (slope 0.01 by default)
    ``elu``                   1 (PyTorch has no entry; 1 is the common choice)
    ========================= ======================================

    Examples
    --------
    >>> from gradlab.init import calculate_gain
    >>> calculate_gain("relu")
    1.4142135623730951
    >>> calculate_gain("tanh")
    1.6666666666666667
    """
    slope = 0.01 if param is None else check_real(param, "param")
    gains = {
        "identity": 1.0,
        "sigmoid": 1.0,
        "tanh": 5.0 / 3.0,
        "relu": math.sqrt(2.0),
        "leaky_relu": math.sqrt(2.0 / (1.0 + slope**2)),
        "elu": 1.0,
    }
    return lookup(nonlinearity, gains, "nonlinearity")


def xavier_uniform(fan_in: int, fan_out: int, rng: Rng = None, gain: float = 1.0) -> FloatArray:
    r"""Xavier/Glorot uniform, :math:`U[-a, a]` with :math:`a = g\sqrt{6/(n_i + n_o)}`.

    Here :math:`g` is ``gain``, :math:`n_i` = ``fan_in`` and :math:`n_o` = ``fan_out``.

    Glorot & Bengio (2010), Eq. 16: the compromise :math:`\operatorname{Var}[W] = 2/(n_\text{in}
    + n_\text{out})` between keeping activations (:math:`n_\text{in}\operatorname{Var}[W] = 1`)
    and back-propagated gradients (:math:`n_\text{out}\operatorname{Var}[W] = 1`) at constant
    variance, using :math:`\operatorname{Var}(U[-a, a]) = a^2/3`. The default of
    :class:`gradlab.layers.Dense`, as of Keras (``glorot_uniform``).
    Same law as ``torch.nn.init.xavier_uniform_`` applied to the transposed weight.

    Examples
    --------
    >>> from gradlab.init import xavier_uniform
    >>> W = xavier_uniform(300, 200, rng=0)
    >>> W.shape, bool(abs(W).max() <= (6 / 500) ** 0.5)
    ((300, 200), True)
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    gain = check_positive(gain, "gain")
    return _uniform(fan_in, fan_out, gain * math.sqrt(6.0 / (fan_in + fan_out)), rng)


def xavier_normal(fan_in: int, fan_out: int, rng: Rng = None, gain: float = 1.0) -> FloatArray:
    r"""Xavier/Glorot normal: :math:`N(0, \text{gain}^2 \cdot 2/(n_\text{in} + n_\text{out}))`.

    Examples
    --------
    >>> from gradlab.init import xavier_normal
    >>> W = xavier_normal(1000, 1000, rng=0)
    >>> round(float(W.std()), 3)  # sqrt(2 / 2000) = 0.0316
    0.032
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    gain = check_positive(gain, "gain")
    return _normal(fan_in, fan_out, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng)


def he_uniform(fan_in: int, fan_out: int, rng: Rng = None) -> FloatArray:
    r"""He/Kaiming uniform (fan-in mode): :math:`U[-\sqrt{6/n_\text{in}}, \sqrt{6/n_\text{in}}]`.

    Variance :math:`2/n_\text{in}`: He et al. (2015), Eq. 10, :math:`\tfrac12 n_\text{in}
    \operatorname{Var}[W] = 1`, because a ReLU passes half of a symmetric input's second moment.
    As ``torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")``.

    Examples
    --------
    >>> from gradlab.init import he_uniform
    >>> W = he_uniform(600, 100, rng=0)
    >>> bool(abs(W).max() <= 0.1)  # sqrt(6 / 600)
    True
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _uniform(fan_in, fan_out, math.sqrt(6.0 / fan_in), rng)


def he_normal(fan_in: int, fan_out: int, rng: Rng = None) -> FloatArray:
    r"""He/Kaiming normal (fan-in mode): :math:`N(0, 2/n_\text{in})`.

    As ``torch.nn.init.kaiming_normal_(w, nonlinearity="relu")``. For 3x3 filters on 64
    channels (:math:`n_\text{in} = 576`) this is the std 0.059 of He et al.'s VGG analysis.

    Examples
    --------
    >>> from gradlab.init import he_normal
    >>> round(float(he_normal(576, 2000, rng=0).std()), 3)
    0.059
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _normal(fan_in, fan_out, math.sqrt(2.0 / fan_in), rng)


def lecun_normal(fan_in: int, fan_out: int, rng: Rng = None) -> FloatArray:
    r"""LeCun normal: :math:`N(0, 1/n_\text{in})` (the forward condition alone).

    This is also the initialization of Nielsen's chapter 5 experiments. Keras truncates the
    normal at two standard deviations; gradlab does not.

    Examples
    --------
    >>> from gradlab.init import lecun_normal
    >>> round(float(lecun_normal(400, 2000, rng=0).std()), 3)  # 1 / sqrt(400)
    0.05
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _normal(fan_in, fan_out, math.sqrt(1.0 / fan_in), rng)


def standard(fan_in: int, fan_out: int, rng: Rng = None) -> FloatArray:
    r"""Glorot & Bengio's "standard" init, :math:`U[-1/\sqrt{n_\text{in}}, 1/\sqrt{n_\text{in}}]`.

    Its variance is :math:`1/(3 n_\text{in})`, so :math:`n\operatorname{Var}[W] = 1/3`
    (their Eq. 15): each tanh layer shrinks the back-propagated gradient's variance by about 3.

    Examples
    --------
    >>> from gradlab.init import standard
    >>> W = standard(100, 50, rng=0)
    >>> bool(abs(W).max() <= 0.1)
    True
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _uniform(fan_in, fan_out, 1.0 / math.sqrt(fan_in), rng)


def normal(fan_in: int, fan_out: int, rng: Rng = None, std: float = 1.0) -> FloatArray:
    r"""Normal :math:`N(0, \text{std}^2)`; ``std=1`` is the lectures' "standard approach".

    With :math:`N(0, 1)` weights and sigmoid units, each layer multiplies the gradient by
    :math:`|w \sigma'(z)| < 1/4` most of the time (Nielsen, ch. 5).

    Examples
    --------
    >>> from gradlab.init import normal
    >>> normal(2, 3, rng=0, std=0.01).shape
    (2, 3)
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    std = check_nonnegative(std, "std")
    return _normal(fan_in, fan_out, std, rng)


def orthogonal(fan_in: int, fan_out: int, rng: Rng = None, gain: float = 1.0) -> FloatArray:
    r"""A random (semi-)orthogonal matrix times ``gain`` (Saxe et al. 2013).

    The QR decomposition of a standard-normal matrix, with the signs of :math:`R`'s diagonal
    folded into :math:`Q` so that the result is uniformly (Haar) distributed, as
    ``torch.nn.init.orthogonal_``. Its singular values are all ``gain``, so a deep *linear*
    network of such layers preserves every direction's norm: dynamical isometry.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.init import orthogonal
    >>> W = orthogonal(4, 4, rng=0)
    >>> bool(np.allclose(W.T @ W, np.eye(4)))
    True
    >>> W = orthogonal(3, 5, rng=0)  # wide: orthonormal rows
    >>> bool(np.allclose(W @ W.T, np.eye(3)))
    True
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    gain = check_positive(gain, "gain")
    rows, cols = max(fan_in, fan_out), min(fan_in, fan_out)
    q, r = np.linalg.qr(as_generator(rng).standard_normal((rows, cols)))
    q *= np.sign(np.diag(r))  # Haar measure (Mezzadri 2007)
    w = q if fan_in >= fan_out else q.T
    return gain * w


def zeros(fan_in: int, fan_out: int, rng: Rng = None) -> FloatArray:
    """All zeros (the default bias of :class:`gradlab.layers.Dense`, and a bad weight init).

    With zero weights every unit of a layer computes the same thing and receives the same
    gradient: the symmetry is never broken.

    Examples
    --------
    >>> from gradlab.init import zeros
    >>> zeros(2, 2)
    array([[0., 0.],
           [0., 0.]])
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return np.zeros((fan_in, fan_out))


INITIALIZERS: dict[str, Callable[..., FloatArray]] = {
    f.__name__: f
    for f in (
        xavier_uniform,
        xavier_normal,
        he_uniform,
        he_normal,
        lecun_normal,
        orthogonal,
        standard,
        normal,
        zeros,
    )
}


def get(name: str | Callable[..., FloatArray]) -> Callable[..., FloatArray]:
    """Return the initializer called ``name`` (a callable is returned as it is).

    Examples
    --------
    >>> from gradlab import init
    >>> init.get("he_normal").__name__
    'he_normal'
    """
    if callable(name):
        return name
    return lookup(name, INITIALIZERS, "initializer")
