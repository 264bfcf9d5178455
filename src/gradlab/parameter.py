"""Parameter: a value and the gradient of the loss with respect to it."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._validation import FloatArray, as_float_array, check_str

__all__ = ["Parameter"]


def _real_array(x: Any, name: str, *, allow_nonfinite: bool = False) -> FloatArray:
    """Return ``x`` as a floating ndarray; booleans are refused, integers become float64."""
    try:
        kind = x.dtype.kind if isinstance(x, np.ndarray) else np.asarray(x).dtype.kind
    except Exception:  # ragged lists and the like: as_float_array reports them
        kind = ""
    if kind == "b":
        raise TypeError(f"{name} must contain real numbers, got booleans")
    return as_float_array(x, name, allow_nonfinite=allow_nonfinite)


class Parameter:
    """A trainable array and its accumulated gradient.

    Layers write ``dL/dvalue`` into :attr:`grad` during ``backward`` (accumulating with
    ``+=``, as PyTorch does); optimizers read :attr:`grad` and update :attr:`value` in place.

    Parameters
    ----------
    value : array_like
        The initial value, copied; not empty, finite. Integers become float64; floating
        input keeps its dtype.
    name : str or None, default None
        A label used in reprs and error messages.

    Attributes
    ----------
    value : ndarray
        The current value. Assigning keeps the shape and dtype: the new array must have this
        shape, and is converted to this dtype.
    grad : ndarray or None
        ``dL/dvalue``, same shape and dtype as :attr:`value`; zeros until a backward pass.
        Assign ``None`` to say "no gradient" (as in PyTorch): optimizers and clipping skip
        the parameter, and the next backward pass starts it from zero. Any other assignment
        must be an array of the parameter's shape (converted to its dtype); non-finite
        entries are allowed, as in PyTorch.
    name : str or None
        The label.

    Examples
    --------
    >>> from gradlab import Parameter
    >>> p = Parameter([[1.0, 2.0]], name="w")
    >>> p.grad
    array([[0., 0.]])
    >>> p.shape
    (1, 2)
    >>> p.grad = [[0.5, -1.0]]
    >>> p.grad
    array([[ 0.5, -1. ]])
    """

    __slots__ = ("grad", "name", "value")
    value: FloatArray
    grad: FloatArray | None
    name: str | None

    def __init__(self, value: ArrayLike, name: str | None = None) -> None:
        arr = _real_array(value, "value")
        if arr.size == 0:
            raise ValueError(f"value must not be empty, got shape {arr.shape}")
        object.__setattr__(self, "name", None if name is None else check_str(name, "name"))
        object.__setattr__(self, "value", np.array(arr, copy=True))
        object.__setattr__(self, "grad", np.zeros_like(self.value))

    def __setattr__(self, attr: str, new: Any) -> None:
        # Reads are plain slots; assignments are checked here. ``p.grad += g`` assigns the
        # array it already holds: that hot path costs two comparisons.
        if attr == "grad":
            if new is not None and new is not self.grad:
                new = self._conform(new, "grad")
        elif attr == "value":
            if new is not self.value:
                new = self._conform(new, "value", allow_nonfinite=False)
        elif attr == "name" and new is not None:
            check_str(new, "name")
        object.__setattr__(self, attr, new)

    def __setstate__(self, state: tuple[None, dict[str, Any]]) -> None:
        # copy and pickle restore the slots of an empty instance: no checks (nothing to check
        # against yet), as in __init__
        for attr, value in state[1].items():
            object.__setattr__(self, attr, value)

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of :attr:`value` (and of :attr:`grad`)."""
        return self.value.shape

    def zero_grad(self) -> None:
        """Set :attr:`grad` to zero in place; a ``None`` gradient stays ``None``.

        As PyTorch's ``zero_grad(set_to_none=False)``.
        """
        if self.grad is not None:
            self.grad.fill(0.0)

    def _conform(self, new: Any, what: str, *, allow_nonfinite: bool = True) -> FloatArray:
        """``new`` as an array of this parameter's shape and dtype, or a clear error."""
        who = f"{what} of {self!r}"
        expected = f"{'None or ' if what == 'grad' else ''}an array of shape {self.shape}"
        if isinstance(new, str):
            raise TypeError(f"{who} must be {expected}, got str {new!r}")
        arr = _real_array(new, who, allow_nonfinite=allow_nonfinite)
        if arr.shape != self.value.shape:
            raise ValueError(f"{who} must be {expected}, got shape {arr.shape}")
        if arr.dtype != self.value.dtype:
            return arr.astype(self.value.dtype)
        if not arr.flags.writeable:
            raise ValueError(f"{who} must be a writeable array, got a read-only one (pass a copy)")
        return arr

    def __repr__(self) -> str:
        label = f"{self.name!r}, " if self.name else ""
        return f"Parameter({label}shape={self.value.shape}, dtype={self.value.dtype})"
