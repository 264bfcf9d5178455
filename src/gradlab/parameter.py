"""Parameter: a value and the gradient of the loss with respect to it."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validation import FloatArray, as_float_array


class Parameter:
    """A trainable array and its accumulated gradient.

    Layers write ``dL/dvalue`` into :attr:`grad` during ``backward`` (accumulating with
    ``+=``, as PyTorch does); optimizers read :attr:`grad` and update :attr:`value` in place.

    Parameters
    ----------
    value : array_like
        The initial value. Integers are converted to float64; floating input keeps its dtype.
    name : str, optional
        A label used in reprs and diagnostics.

    Attributes
    ----------
    value : ndarray
        The current value.
    grad : ndarray
        ``dL/dvalue``, same shape and dtype as :attr:`value`; zeros until a backward pass.

    Examples
    --------
    >>> from gradlab import Parameter
    >>> p = Parameter([[1.0, 2.0]])
    >>> p.grad
    array([[0., 0.]])
    >>> p.shape
    (1, 2)
    """

    __slots__ = ("grad", "name", "value")

    def __init__(self, value: ArrayLike, name: str | None = None) -> None:
        self.value: FloatArray = np.array(as_float_array(value, "value"), copy=True)
        self.grad: FloatArray = np.zeros_like(self.value)
        self.name = name

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    def zero_grad(self) -> None:
        """Set :attr:`grad` to zero in place."""
        self.grad.fill(0.0)

    def __repr__(self) -> str:
        label = f"{self.name!r}, " if self.name else ""
        return f"Parameter({label}shape={self.value.shape}, dtype={self.value.dtype})"
