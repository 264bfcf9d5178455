r"""Weight initializers.

Every initializer is called as ``f(fan_in, fan_out, rng=None)`` (the :class:`Initializer`
protocol) and returns a finite float64 array of shape ``(fan_in, fan_out)``, the shape of
:attr:`gradlab.layers.Dense.W`: a batch ``X`` of shape ``(n, fan_in)`` maps to ``X @ W + b``.
All randomness goes through ``rng``, an int seed or a ``numpy.random.Generator``: the same
``rng`` gives the same array.

Why it matters: a layer multiplies the variance of its input by :math:`n_\text{in}
\operatorname{Var}[W]` going forward, and the variance of the gradient by :math:`n_\text{out}
\operatorname{Var}[W]` going back :cite:p:`glorot2010understanding`. Xavier keeps both near 1
for tanh; He doubles the variance for ReLU, which zeroes half of its inputs
:cite:p:`he2015delving`. Each function's Notes give its law.

- :func:`standard`: Glorot and Bengio's baseline, and ``torch.nn.Linear``'s default.
- :func:`xavier_uniform`, :func:`xavier_normal`: for tanh and sigmoid.
- :func:`he_uniform`, :func:`he_normal`: for ReLU.
- :func:`lecun_normal`: the forward condition alone.
- :func:`normal`: a fixed standard deviation (the lectures' "standard approach" is 1).
- :func:`orthogonal`: all singular values equal to ``gain``.
- :func:`zeros`: the default bias, and a bad weight initialization.

:func:`get` turns a name or a callable into an initializer; a callable's result is checked.
"""

from __future__ import annotations

import functools
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


# numpydoc reads a Protocol's signature as (*args, **kwargs); __call__ documents the parameters
class Initializer(Protocol):  # numpydoc ignore=PR01
    """The call every initializer answers: ``f(fan_in, fan_out, rng=None)``.

    Any callable of this form can be given to :class:`gradlab.layers.Dense` as ``init``;
    :func:`get` checks what it returns.
    """

    def __call__(self, fan_in: int, fan_out: int, rng: Rng = None) -> FloatArray:
        """Return a weight matrix.

        Parameters
        ----------
        fan_in : int
            Number of inputs of the layer (rows of the result), >= 1.
        fan_out : int
            Number of outputs of the layer (columns of the result), >= 1.
        rng : int, numpy.random.Generator or None, default None
            Seed (>= 0) or generator of the random draws; None draws fresh entropy.

        Returns
        -------
        ndarray of shape (fan_in, fan_out)
            The weights, finite.
        """


def _fans(fan_in: Any, fan_out: Any) -> tuple[int, int]:
    return check_count(fan_in, "fan_in"), check_count(fan_out, "fan_out")


def _uniform(fan_in: int, fan_out: int, bound: float, rng: Rng, *, scale: str = "") -> FloatArray:
    """Draw from U[-bound, bound]; ``scale`` names the argument behind ``bound`` in errors."""
    gen = as_generator(rng)
    if not math.isfinite(2.0 * bound):  # numpy's own limit: high - low must be finite
        raise ValueError(f"{scale} is too large: the weights would overflow float64 to inf")
    return gen.uniform(-bound, bound, size=(fan_in, fan_out))


def _normal(fan_in: int, fan_out: int, std: float, rng: Rng, *, scale: str = "") -> FloatArray:
    """Draw from N(0, std**2); on overflow, rewind the generator and refuse, naming ``scale``."""
    gen = as_generator(rng)
    state = gen.bit_generator.state
    with np.errstate(over="ignore"):
        weights = gen.normal(0.0, std, size=(fan_in, fan_out))
    if not np.isfinite(weights).all():
        gen.bit_generator.state = state  # nothing refused may have moved the caller's rng
        raise ValueError(f"{scale} is too large: the weights overflow float64 to inf")
    return weights


# None: the gain of "leaky_relu" depends on its slope (calculate_gain's param).
_GAINS = {
    "identity": 1.0,
    "sigmoid": 1.0,
    "tanh": 5.0 / 3.0,
    "relu": math.sqrt(2.0),
    "leaky_relu": None,
    "elu": 1.0,
}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""Return the recommended gain for an activation, as ``torch.nn.init.calculate_gain``.

    Multiply an initializer's standard deviation by it (``gain`` of :func:`xavier_uniform`,
    :func:`xavier_normal`, :func:`orthogonal`) to make up for the activation's shrinking of
    the variance.

    Parameters
    ----------
    nonlinearity : {"identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu"}
        The activation that follows the layer.
    param : float or None, default None
        The slope :math:`\epsilon \ge 0` of ``"leaky_relu"`` for negative inputs (None means
        0.01, PyTorch's default). Only ``"leaky_relu"`` takes it.

    Returns
    -------
    float
        The gain, > 0.

    Notes
    -----
    ========================= ==========================================
    nonlinearity              gain
    ========================= ==========================================
    ``identity``, ``sigmoid`` 1
    ``tanh``                  5/3
    ``relu``                  :math:`\sqrt 2`
    ``leaky_relu``            :math:`\sqrt{2 / (1 + \epsilon^2)}`
    ``elu``                   1 (PyTorch has no entry; 1 is the common choice)
    ========================= ==========================================

    Examples
    --------
    >>> from gradlab.init import calculate_gain
    >>> calculate_gain("relu")
    1.4142135623730951
    >>> calculate_gain("leaky_relu", 0.2)
    1.3867504905630728
    """
    gain = lookup(nonlinearity, _GAINS, "nonlinearity")
    if gain is not None:
        if param is not None:
            raise ValueError(
                f"param is the slope of 'leaky_relu'; nonlinearity {nonlinearity!r} takes no "
                f"param, got param={param!r}"
            )
        return gain
    slope = 0.01 if param is None else check_nonnegative(param, "param")
    if slope > 1e150:  # slope**2 would overflow; sqrt(2 / (1 + slope**2)) = sqrt(2) / slope there
        return math.sqrt(2.0) / slope
    return math.sqrt(2.0 / (1.0 + slope**2))  # torch's expression: the two agree exactly


def xavier_uniform(fan_in: int, fan_out: int, rng: Rng = None, gain: float = 1.0) -> FloatArray:
    r"""Draw Xavier (Glorot) uniform weights, the default of :class:`gradlab.layers.Dense`.

    Keeps the variance of activations and of back-propagated gradients near constant through
    tanh layers :cite:p:`glorot2010understanding`.

    Parameters
    ----------
    fan_in : int
        Number of inputs of the layer (rows of the result), >= 1.
    fan_out : int
        Number of outputs of the layer (columns of the result), >= 1.
    rng : int, numpy.random.Generator or None, default None
        Seed (>= 0) or generator of the random draws; None draws fresh entropy.
    gain : float, default 1.0
        Scale factor :math:`g > 0` of the bound, e.g. ``calculate_gain("tanh")``.

    Returns
    -------
    ndarray of shape (fan_in, fan_out)
        The weights, float64.

    Notes
    -----
    .. math::

        W_{ij} \sim U[-a, a], \qquad a = g\sqrt{\frac{6}{n_\text{in} + n_\text{out}}},
        \qquad \operatorname{Var}[W] = \frac{a^2}{3} = \frac{2g^2}{n_\text{in} + n_\text{out}}.

    The variance is Glorot and Bengio's compromise (their Eq. 16) between
    :math:`n_\text{in}\operatorname{Var}[W] = 1` (forward) and
    :math:`n_\text{out}\operatorname{Var}[W] = 1` (backward). The same law as
    ``torch.nn.init.xavier_uniform_`` on the transposed weight, and Keras' ``glorot_uniform``.

    Examples
    --------
    >>> from gradlab.init import xavier_uniform
    >>> W = xavier_uniform(300, 200, rng=0)
    >>> W.shape, bool(abs(W).max() <= (6 / 500) ** 0.5)
    ((300, 200), True)
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    gain = check_positive(gain, "gain")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _uniform(fan_in, fan_out, bound, rng, scale=f"gain={gain!r} of xavier_uniform")


def xavier_normal(fan_in: int, fan_out: int, rng: Rng = None, gain: float = 1.0) -> FloatArray:
    r"""Draw Xavier (Glorot) normal weights.

    The normal law with the variance of :func:`xavier_uniform`.

    Parameters
    ----------
    fan_in : int
        Number of inputs of the layer (rows of the result), >= 1.
    fan_out : int
        Number of outputs of the layer (columns of the result), >= 1.
    rng : int, numpy.random.Generator or None, default None
        Seed (>= 0) or generator of the random draws; None draws fresh entropy.
    gain : float, default 1.0
        Scale factor :math:`g > 0` of the standard deviation.

    Returns
    -------
    ndarray of shape (fan_in, fan_out)
        The weights, float64.

    Notes
    -----
    .. math::

        W_{ij} \sim N\!\left(0, \frac{2g^2}{n_\text{in} + n_\text{out}}\right).

    As ``torch.nn.init.xavier_normal_`` on the transposed weight.

    Examples
    --------
    >>> from gradlab.init import xavier_normal
    >>> W = xavier_normal(1000, 1000, rng=0)
    >>> round(float(W.std()), 3)  # sqrt(2 / 2000) = 0.0316
    0.032
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    gain = check_positive(gain, "gain")
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _normal(fan_in, fan_out, std, rng, scale=f"gain={gain!r} of xavier_normal")


def he_uniform(fan_in: int, fan_out: int, rng: Rng = None) -> FloatArray:
    r"""Draw He (Kaiming) uniform weights, fan-in mode, for ReLU networks.

    A ReLU passes half of a symmetric input's second moment, so the variance is twice
    LeCun's :cite:p:`he2015delving`.

    Parameters
    ----------
    fan_in : int
        Number of inputs of the layer (rows of the result), >= 1.
    fan_out : int
        Number of outputs of the layer (columns of the result), >= 1.
    rng : int, numpy.random.Generator or None, default None
        Seed (>= 0) or generator of the random draws; None draws fresh entropy.

    Returns
    -------
    ndarray of shape (fan_in, fan_out)
        The weights, float64.

    Notes
    -----
    .. math::

        W_{ij} \sim U\!\left[-\sqrt{6/n_\text{in}}, \sqrt{6/n_\text{in}}\right], \qquad
        \operatorname{Var}[W] = \frac{2}{n_\text{in}},

    which is He et al.'s condition :math:`\tfrac12 n_\text{in}\operatorname{Var}[W] = 1` (their
    Eq. 10). As ``torch.nn.init.kaiming_uniform_(w, nonlinearity="relu")``.

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
    r"""Draw He (Kaiming) normal weights, fan-in mode, for ReLU networks.

    The normal law with the variance of :func:`he_uniform`.

    Parameters
    ----------
    fan_in : int
        Number of inputs of the layer (rows of the result), >= 1.
    fan_out : int
        Number of outputs of the layer (columns of the result), >= 1.
    rng : int, numpy.random.Generator or None, default None
        Seed (>= 0) or generator of the random draws; None draws fresh entropy.

    Returns
    -------
    ndarray of shape (fan_in, fan_out)
        The weights, float64.

    Notes
    -----
    .. math::

        W_{ij} \sim N(0, 2/n_\text{in}).

    As ``torch.nn.init.kaiming_normal_(w, nonlinearity="relu")``. For 3x3 filters on 64
    channels (:math:`n_\text{in} = 576`) this is the standard deviation 0.059 of He et al.'s
    VGG analysis.

    Examples
    --------
    >>> from gradlab.init import he_normal
    >>> round(float(he_normal(576, 2000, rng=0).std()), 3)
    0.059
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _normal(fan_in, fan_out, math.sqrt(2.0 / fan_in), rng)


def lecun_normal(fan_in: int, fan_out: int, rng: Rng = None) -> FloatArray:
    r"""Draw LeCun normal weights: the forward condition alone.

    This is also the initialization of Nielsen's chapter 5 experiments
    :cite:p:`nielsen2015neural`.

    Parameters
    ----------
    fan_in : int
        Number of inputs of the layer (rows of the result), >= 1.
    fan_out : int
        Number of outputs of the layer (columns of the result), >= 1.
    rng : int, numpy.random.Generator or None, default None
        Seed (>= 0) or generator of the random draws; None draws fresh entropy.

    Returns
    -------
    ndarray of shape (fan_in, fan_out)
        The weights, float64.

    Notes
    -----
    .. math::

        W_{ij} \sim N(0, 1/n_\text{in}), \qquad n_\text{in}\operatorname{Var}[W] = 1.

    Keras truncates the normal at two standard deviations; gradlab does not.

    Examples
    --------
    >>> from gradlab.init import lecun_normal
    >>> round(float(lecun_normal(400, 2000, rng=0).std()), 3)  # 1 / sqrt(400)
    0.05
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    return _normal(fan_in, fan_out, math.sqrt(1.0 / fan_in), rng)


def standard(fan_in: int, fan_out: int, rng: Rng = None) -> FloatArray:
    r"""Draw Glorot and Bengio's "standard" uniform weights, also ``torch.nn.Linear``'s default.

    Each tanh layer shrinks the back-propagated gradient's variance by about 3
    :cite:p:`glorot2010understanding`.

    Parameters
    ----------
    fan_in : int
        Number of inputs of the layer (rows of the result), >= 1.
    fan_out : int
        Number of outputs of the layer (columns of the result), >= 1.
    rng : int, numpy.random.Generator or None, default None
        Seed (>= 0) or generator of the random draws; None draws fresh entropy.

    Returns
    -------
    ndarray of shape (fan_in, fan_out)
        The weights, float64.

    Notes
    -----
    .. math::

        W_{ij} \sim U\!\left[-\frac{1}{\sqrt{n_\text{in}}}, \frac{1}{\sqrt{n_\text{in}}}\right],
        \qquad n_\text{in}\operatorname{Var}[W] = \frac13

    (their Eq. 15).

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
    r"""Draw normal weights with a fixed standard deviation, whatever the layer's size.

    ``std=1`` is the lectures' "standard approach": with sigmoid units each layer then
    multiplies the gradient by :math:`|w \sigma'(z)| < 1/4` most of the time
    :cite:p:`nielsen2015neural`.

    Parameters
    ----------
    fan_in : int
        Number of inputs of the layer (rows of the result), >= 1.
    fan_out : int
        Number of outputs of the layer (columns of the result), >= 1.
    rng : int, numpy.random.Generator or None, default None
        Seed (>= 0) or generator of the random draws; None draws fresh entropy.
    std : float, default 1.0
        Standard deviation, > 0 (all-zero weights are :func:`zeros`).

    Returns
    -------
    ndarray of shape (fan_in, fan_out)
        The weights, float64.

    Notes
    -----
    .. math::

        W_{ij} \sim N(0, \text{std}^2).

    Examples
    --------
    >>> from gradlab.init import normal
    >>> normal(2, 3, rng=0, std=0.01).shape
    (2, 3)
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    std = check_positive(std, "std")
    return _normal(fan_in, fan_out, std, rng, scale=f"std={std!r} of normal")


def orthogonal(fan_in: int, fan_out: int, rng: Rng = None, gain: float = 1.0) -> FloatArray:
    r"""Draw a random (semi-)orthogonal matrix times ``gain``.

    A deep *linear* network of such layers preserves every direction's norm: dynamical
    isometry :cite:p:`saxe2014exact`.

    Parameters
    ----------
    fan_in : int
        Number of inputs of the layer (rows of the result), >= 1.
    fan_out : int
        Number of outputs of the layer (columns of the result), >= 1.
    rng : int, numpy.random.Generator or None, default None
        Seed (>= 0) or generator of the random draws; None draws fresh entropy.
    gain : float, default 1.0
        Every singular value of the result, > 0.

    Returns
    -------
    ndarray of shape (fan_in, fan_out)
        The weights, float64: orthonormal columns times ``gain`` if ``fan_in >= fan_out``,
        orthonormal rows times ``gain`` otherwise.

    Notes
    -----
    The QR decomposition :math:`A = QR` of a standard-normal matrix :math:`A`, with the signs of
    :math:`R`'s diagonal folded into :math:`Q` so that the result is uniformly (Haar)
    distributed, as ``torch.nn.init.orthogonal_``:

    .. math::

        W = g\, Q \operatorname{diag}(\operatorname{sign} R_{ii}), \qquad
        W^\top W = g^2 I \ (n_\text{in} \ge n_\text{out}).

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
    gain = check_positive(gain, "gain")  # |Q_ij| <= 1, so gain * Q cannot overflow
    rows, cols = max(fan_in, fan_out), min(fan_in, fan_out)
    q, r = np.linalg.qr(as_generator(rng).standard_normal((rows, cols)))
    q *= np.sign(np.diag(r))  # Haar measure (Mezzadri 2007)
    w = q if fan_in >= fan_out else q.T
    return gain * w


def zeros(fan_in: int, fan_out: int, rng: Rng = None) -> FloatArray:
    """Return all-zero weights, the default bias of :class:`gradlab.layers.Dense`.

    As weights they are a bad choice: every unit of a layer computes the same thing and
    receives the same gradient, so the symmetry is never broken.

    Parameters
    ----------
    fan_in : int
        Number of inputs of the layer (rows of the result), >= 1.
    fan_out : int
        Number of outputs of the layer (columns of the result), >= 1.
    rng : int, numpy.random.Generator or None, default None
        Accepted for the common signature and checked, but not used.

    Returns
    -------
    ndarray of shape (fan_in, fan_out)
        Zeros, float64.

    Examples
    --------
    >>> from gradlab.init import zeros
    >>> zeros(2, 2)
    array([[0., 0.],
           [0., 0.]])
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    if rng is not None:
        as_generator(rng)  # refuse rng="x" or rng=-1 here as every other initializer does
    return np.zeros((fan_in, fan_out))


#: The built-in initializers by name: the names :func:`get` accepts.
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


def get(init: str | Callable[..., FloatArray]) -> Callable[..., FloatArray]:
    """Return an initializer given by name, or a callable wrapped to check what it returns.

    This is how :class:`gradlab.layers.Dense` and :func:`gradlab.layers.mlp` read their
    ``init`` argument.

    Parameters
    ----------
    init : str or callable
        A key of :data:`INITIALIZERS` (``"xavier_uniform"``, ``"he_normal"``, ...), or a
        callable ``f(fan_in, fan_out, rng=None)`` (see :class:`Initializer`), such as
        ``functools.partial(normal, std=0.01)``.

    Returns
    -------
    callable
        The built-in initializer itself, or, for a callable, a wrapper with its name that
        checks ``fan_in`` and ``fan_out``, passes ``rng`` on as a ``numpy.random.Generator``
        and refuses a result that is not a real array of shape ``(fan_in, fan_out)`` with
        finite entries (integers become float64).

    Raises
    ------
    TypeError
        If ``init`` is neither a str nor callable.
    ValueError
        If ``init`` is an unknown name.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab import init
    >>> init.get("he_normal").__name__
    'he_normal'
    >>> def nans(fan_in, fan_out, rng=None):
    ...     return np.full((fan_in, fan_out), np.nan)
    >>> init.get(nans)(2, 3)
    Traceback (most recent call last):
    ...
    ValueError: initializer nans returned 6 non-finite value(s) (NaN or inf) in its (2, 3) result
    """
    if isinstance(init, str):
        return lookup(init, INITIALIZERS, "initializer")
    if not callable(init):
        raise TypeError(
            "init must be an initializer name (str) or a callable f(fan_in, fan_out, rng=None), "
            f"got {type(init).__name__} {init!r}"
        )
    return _checked(init)


def _checked(f: Callable[..., Any]) -> Callable[..., FloatArray]:
    name = getattr(f, "__name__", None) or repr(f)

    @functools.wraps(f)
    def checked(fan_in: int, fan_out: int, rng: Rng = None) -> FloatArray:
        fan_in, fan_out = _fans(fan_in, fan_out)
        return _result(f(fan_in, fan_out, rng=as_generator(rng)), name, (fan_in, fan_out))

    return checked


def _result(result: Any, name: str, shape: tuple[int, int]) -> FloatArray:
    """Return a user initializer's ``result`` as a finite float array of ``shape``, or raise."""
    nothing = np.asarray(None)  # what a str or a ragged list counts as: no array at all
    try:
        weights = nothing if isinstance(result, str) else np.asarray(result)
    except (TypeError, ValueError):
        weights = nothing
    if weights.dtype.kind not in "iuf":
        got = f"an array of dtype {weights.dtype}" if weights.ndim else type(result).__name__
        raise TypeError(f"initializer {name} must return an array of real numbers, got {got}")
    if weights.shape != shape:
        raise ValueError(
            f"initializer {name} returned shape {weights.shape}, expected (fan_in, fan_out) = "
            f"{shape}"
        )
    if weights.dtype.kind != "f":
        weights = weights.astype(np.float64)
    n_bad = weights.size - int(np.count_nonzero(np.isfinite(weights)))
    if n_bad:
        raise ValueError(
            f"initializer {name} returned {n_bad} non-finite value(s) (NaN or inf) in its "
            f"{shape} result"
        )
    return weights
