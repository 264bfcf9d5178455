"""The lectures' toy data, the 8x8 handwritten digits, and two 2-D toy problems.

Everything here is small and ships with the package or is computed, so nothing is downloaded
and the examples need only gradlab, NumPy and Matplotlib. The digits are a copy of the UCI
data set (CC BY 4.0), stored in ``gradlab/data/digits.csv.gz``; ``gradlab/data/README.md``
gives their licence and citation. :func:`make_moons` and :func:`make_circles` draw the same
points as scikit-learn's functions of the same names for the same integer seed.
"""

from __future__ import annotations

import gzip
import numbers
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._validation import FloatArray, check_count, check_nonnegative, check_real
from .layers import Activation, Dense, Sequential

__all__ = [
    "lecture_network",
    "lecture_network_data",
    "load_digits",
    "make_circles",
    "make_moons",
    "toy_regression",
]

IntArray = NDArray[np.int64]

DIGITS_FILE = "data/digits.csv.gz"
"""The digits, relative to the package: 1,797 rows of 64 pixels (0-16) and the label."""


def toy_regression() -> tuple[FloatArray, FloatArray]:
    r"""The lectures' linear-regression table for :math:`\hat y = b_1 x`.

    ===  ===
     x    y
    ===  ===
     2    5
     1    2
     3    6
     4    6
    ===  ===

    Returns
    -------
    X : ndarray of shape (4, 1)
        The inputs x, one per row.
    y : ndarray of shape (4, 1)
        The targets y.

    Examples
    --------
    One stochastic gradient step on the first point, then one on the second, with
    :math:`\eta = 0.1` from :math:`b_1 = 10`: the lectures' 10 -> 7 -> 6.5.

    >>> from gradlab.datasets import toy_regression
    >>> X, y = toy_regression()
    >>> b = 10.0
    >>> for i in (0, 1):
    ...     b -= 0.1 * (b * X[i, 0] - y[i, 0]) * X[i, 0]  # dE_i/db for E_i = (y - b x)^2 / 2
    ...     print(round(b, 12))
    7.0
    6.5
    """
    return np.array([[2.0], [1.0], [3.0], [4.0]]), np.array([[5.0], [2.0], [6.0], [6.0]])


def lecture_network_data() -> tuple[FloatArray, FloatArray]:
    """The two training points of the lectures' 2-2-1 network: (1, 1) -> 1 and (2, 2) -> 0.

    Returns
    -------
    X : ndarray of shape (2, 2)
        The two inputs, one per row.
    y : ndarray of shape (2, 1)
        Their targets.

    Examples
    --------
    >>> from gradlab.datasets import lecture_network_data
    >>> lecture_network_data()
    (array([[1., 1.],
           [2., 2.]]), array([[1.],
           [0.]]))
    """
    return np.array([[1.0, 1.0], [2.0, 2.0]]), np.array([[1.0], [0.0]])


def lecture_network() -> Sequential:
    r"""The lectures' 2-2-1 sigmoid network without biases, with its initial weights.

    .. math::

        W^{(1)} = \begin{pmatrix} w^{(1)}_{1,1} & w^{(1)}_{1,2} \\ w^{(1)}_{2,1} &
        w^{(1)}_{2,2} \end{pmatrix} = \begin{pmatrix} 0.3 & 0.4 \\ 0.2 & 0.1 \end{pmatrix},
        \qquad
        W^{(2)} = \begin{pmatrix} w^{(2)}_{1,1} \\ w^{(2)}_{2,1} \end{pmatrix}
        = \begin{pmatrix} 0.1 \\ 0.2 \end{pmatrix},

    where :math:`w_{i,j}` joins input :math:`i` to unit :math:`j`, so that
    :math:`Z_{1,\text{hidden}} = w^{(1)}_{1,1} x_1 + w^{(1)}_{2,1} x_2` as in the lectures.

    Returns
    -------
    Sequential
        ``Dense(2, 2, bias=False), Activation("sigmoid"), Dense(2, 1, bias=False),
        Activation("sigmoid")``.

    Examples
    --------
    >>> from gradlab.datasets import lecture_network, lecture_network_data
    >>> X, y = lecture_network_data()
    >>> net = lecture_network()
    >>> float(net.forward(X[:1])[0, 0])  # the lectures' y-hat ~ 0.547
    0.54654926...
    """
    hidden = Dense(2, 2, bias=False, init="zeros")
    output = Dense(2, 1, bias=False, init="zeros")
    hidden.W.value[...] = [[0.3, 0.4], [0.2, 0.1]]
    output.W.value[...] = [[0.1], [0.2]]
    return Sequential(hidden, Activation("sigmoid"), output, Activation("sigmoid"))


def load_digits(n_samples: int | None = None) -> tuple[FloatArray, FloatArray, IntArray]:
    """The 8x8 handwritten digits (1,797 images, shipped with gradlab), scaled to [0, 1].

    The test set of the UCI "Optical Recognition of Handwritten Digits" data set, in its
    order: the same images as scikit-learn's ``sklearn.datasets.load_digits``. Licence
    CC BY 4.0; ``gradlab/data/README.md`` in the package gives it with the citation.

    Parameters
    ----------
    n_samples : int, optional
        Keep only the first ``n_samples`` images (1 to 1,797).

    Returns
    -------
    X : ndarray of shape (n_samples, 64)
        Pixel intensities (0 to 16 in the data) divided by 16.
    Y : ndarray of shape (n_samples, 10)
        One-hot labels.
    labels : ndarray of shape (n_samples,)
        Integer labels 0-9.

    Raises
    ------
    TypeError
        If ``n_samples`` is not an integer.
    ValueError
        If ``n_samples`` is below 1 or above 1,797.

    References
    ----------
    Alpaydin, E. and Kaynak, C. (1998). Optical Recognition of Handwritten Digits [Dataset].
    UCI Machine Learning Repository. https://doi.org/10.24432/C50P49

    Examples
    --------
    >>> from gradlab.datasets import load_digits
    >>> X, Y, labels = load_digits(1000)
    >>> X.shape, Y.shape, float(X.max())
    ((1000, 64), (1000, 10), 1.0)
    >>> labels[:10]
    array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    """
    if n_samples is not None:
        n_samples = check_count(n_samples, "n_samples")
    source = resources.files("gradlab").joinpath(DIGITS_FILE)
    with source.open("rb") as raw, gzip.open(raw) as text:
        rows = np.loadtxt(text, delimiter=",", dtype=np.int64)
    if n_samples is not None:
        if n_samples > len(rows):
            raise ValueError(f"n_samples must be <= {len(rows)}, got {n_samples}")
        rows = rows[:n_samples]
    X, labels = rows[:, :64] / 16.0, rows[:, 64]
    return X, np.eye(10)[labels], labels


def _check_seed(seed: Any) -> int:
    """An int seed for NumPy's RandomState: 0 <= seed < 2**32."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    value = int(seed)
    if not 0 <= value < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {value}")
    return value


def _two_classes(
    points: tuple[FloatArray, FloatArray], n_first: int, noise: float, seed: int
) -> tuple[FloatArray, IntArray]:
    """Stack the two classes, shuffle, add Gaussian noise (scikit-learn's order of draws)."""
    X = np.concatenate(points)
    labels = np.repeat(np.array([0, 1], dtype=np.int64), [n_first, len(X) - n_first])
    generator = np.random.RandomState(seed)
    order = np.arange(len(X))
    generator.shuffle(order)
    X, labels = X[order], labels[order]
    if noise:
        X = X + generator.normal(scale=noise, size=X.shape)
    return X, labels


def _check_toy(n_samples: Any, noise: Any, seed: Any) -> tuple[int, float, int]:
    n_samples = check_count(n_samples, "n_samples")
    if n_samples < 2:
        raise ValueError(f"n_samples must be >= 2 (one point per class), got {n_samples}")
    return n_samples, check_nonnegative(noise, "noise"), _check_seed(seed)


def make_moons(
    n_samples: int = 100, *, noise: float = 0.0, seed: int = 0
) -> tuple[FloatArray, IntArray]:
    r"""Two interleaved half circles in the plane, a classic problem no straight line solves.

    Class 0 lies on the upper half of the unit circle, class 1 on a lower half circle shifted
    to :math:`(1, 0.5)`; ``n_samples // 2`` points are in class 0, evenly spaced in angle. The
    points are shuffled and Gaussian noise of standard deviation ``noise`` is added to each
    coordinate. For the same arguments the result equals scikit-learn's
    ``sklearn.datasets.make_moons(n_samples, noise=noise, random_state=seed)``.

    Parameters
    ----------
    n_samples : int, default 100
        Number of points, at least 2.
    noise : float, default 0.0
        Standard deviation of the Gaussian noise added to every coordinate.
    seed : int, default 0
        Seed of the shuffle and the noise (NumPy's ``RandomState``), in :math:`[0, 2^{32})`.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        The points, one per row.
    labels : ndarray of shape (n_samples,)
        Their classes, 0 or 1.

    Raises
    ------
    TypeError
        If ``n_samples`` or ``seed`` is not an integer, or ``noise`` is not a real number.
    ValueError
        If ``n_samples`` < 2, ``noise`` < 0 or ``seed`` is out of range.

    Examples
    --------
    >>> from gradlab.datasets import make_moons
    >>> X, labels = make_moons(300, noise=0.2, seed=0)
    >>> X.shape, int(labels.sum())
    ((300, 2), 150)
    """
    n_samples, noise, seed = _check_toy(n_samples, noise, seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    angle_out, angle_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    outer = np.column_stack([np.cos(angle_out), np.sin(angle_out)])
    inner = np.column_stack([1 - np.cos(angle_in), 1 - np.sin(angle_in) - 0.5])
    return _two_classes((outer, inner), n_out, noise, seed)


def make_circles(
    n_samples: int = 100, *, noise: float = 0.0, factor: float = 0.8, seed: int = 0
) -> tuple[FloatArray, IntArray]:
    r"""Two concentric circles in the plane: class 1 inside, class 0 outside.

    ``n_samples // 2`` points lie on the unit circle (class 0) and the rest on a circle of
    radius ``factor`` (class 1), each evenly spaced in angle from 0 (the last point short of
    :math:`2\pi`). The points are shuffled and Gaussian noise of standard deviation ``noise``
    is added to each coordinate. For the same arguments the result equals scikit-learn's
    ``sklearn.datasets.make_circles(n_samples, noise=noise, factor=factor, random_state=seed)``.

    Parameters
    ----------
    n_samples : int, default 100
        Number of points, at least 2.
    noise : float, default 0.0
        Standard deviation of the Gaussian noise added to every coordinate.
    factor : float, default 0.8
        Radius of the inner circle, in [0, 1).
    seed : int, default 0
        Seed of the shuffle and the noise (NumPy's ``RandomState``), in :math:`[0, 2^{32})`.

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
        The points, one per row.
    labels : ndarray of shape (n_samples,)
        Their classes, 0 (outer circle) or 1 (inner circle).

    Raises
    ------
    TypeError
        If ``n_samples`` or ``seed`` is not an integer, or ``noise`` or ``factor`` is not a
        real number.
    ValueError
        If ``n_samples`` < 2, ``noise`` < 0, ``factor`` is outside [0, 1) or ``seed`` is out
        of range.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.datasets import make_circles
    >>> X, labels = make_circles(400, factor=0.5)
    >>> radii = np.hypot(X[:, 0], X[:, 1])
    >>> sorted({round(float(r), 12) for r in radii[labels == 1]})
    [0.5]
    """
    n_samples, noise, seed = _check_toy(n_samples, noise, seed)
    factor = check_real(factor, "factor")
    if not 0 <= factor < 1:
        raise ValueError(f"factor must be in [0, 1), got {factor}")
    n_out = n_samples // 2
    n_in = n_samples - n_out
    angle_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    angle_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    outer = np.column_stack([np.cos(angle_out), np.sin(angle_out)])
    inner = factor * np.column_stack([np.cos(angle_in), np.sin(angle_in)])
    return _two_classes((outer, inner), n_out, noise, seed)
