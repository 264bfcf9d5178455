"""The lectures' toy data, and the digits data set that ships with scikit-learn.

Everything here is small and needs no download, so the site builds offline.
"""

from __future__ import annotations

import numpy as np

from ._validation import FloatArray, check_count
from .layers import Activation, Dense, Sequential

__all__ = ["lecture_network", "lecture_network_data", "load_digits", "toy_regression"]


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
    y : ndarray of shape (4, 1)

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
    y : ndarray of shape (2, 1)

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


def load_digits(n_samples: int | None = None) -> tuple[FloatArray, FloatArray, FloatArray]:
    """scikit-learn's 8x8 digits (1,797 images, shipped with the package), scaled to [0, 1].

    Parameters
    ----------
    n_samples : int, optional
        Keep only the first ``n_samples`` images.

    Returns
    -------
    X : ndarray of shape (n_samples, 64)
        Pixel intensities divided by 16.
    Y : ndarray of shape (n_samples, 10)
        One-hot labels.
    labels : ndarray of shape (n_samples,)
        Integer labels 0-9.

    Raises
    ------
    ImportError
        If scikit-learn is not installed (``pip install scikit-learn``).

    Examples
    --------
    >>> from gradlab.datasets import load_digits
    >>> X, Y, labels = load_digits(1000)
    >>> X.shape, Y.shape, float(X.max())
    ((1000, 64), (1000, 10), 1.0)
    """
    try:
        from sklearn.datasets import load_digits as _load
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("load_digits needs scikit-learn: pip install scikit-learn") from exc
    data = _load()
    X, labels = data.data / 16.0, data.target.astype(np.int64)
    if n_samples is not None:
        n_samples = check_count(n_samples, "n_samples")
        if n_samples > len(X):
            raise ValueError(f"n_samples must be <= {len(X)}, got {n_samples}")
        X, labels = X[:n_samples], labels[:n_samples]
    return X, np.eye(10)[labels], labels
