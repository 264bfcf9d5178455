r"""Reverse-mode automatic differentiation on NumPy arrays: the chain rule as dynamic programming.

A :class:`Tensor` wraps a float array and records the operation that made it (:attr:`Tensor.op`)
and its operands (:attr:`Tensor.parents`), so an expression records a directed acyclic
*computational graph*. :meth:`Tensor.backward` lists the graph with :func:`topological_order`,
each node after its operands, and calls each node's backward closure in reverse order. That
leaves in every node :math:`v` the derivative of the root :math:`L`,

.. math::

    \bar v = \frac{\partial L}{\partial v}
           = \sum_{c \,\in\, \mathrm{children}(v)} \bar c \, \frac{\partial c}{\partial v},

the multivariable chain rule. The reverse order completes each :math:`\bar c` before it is
used, and each :math:`\bar v` is computed once: enumerating the paths from :math:`L` to
:math:`v` instead costs time exponential in the depth of a graph with shared nodes, the stored
sums make it linear (dynamic programming).

The design is Karpathy's *micrograd* on arrays. Derivatives are written for the primitives only
(``+``, ``*``, ``**`` by a constant, ``@``, :meth:`~Tensor.sum`, :meth:`~Tensor.exp`,
:meth:`~Tensor.log`, :meth:`~Tensor.sigmoid`, :meth:`~Tensor.tanh`, :meth:`~Tensor.relu`); the
rest is composed from them (``a - b`` is ``a + b * -1``, ``a / b`` is ``a * b ** -1``,
:meth:`~Tensor.mean` is a sum times :math:`1/n`). Each primitive's backward closure sits beside
its forward code and adds (``+=``) into its operands' :attr:`~Tensor.grad`, so a tensor used
twice receives the sum of both paths. NumPy broadcasting is allowed: a broadcast operand's
gradient is summed back to its shape.

Notes
-----
* :attr:`Tensor.grad` has the shape and dtype of :attr:`Tensor.data`: zeros until a backward
  pass reaches the tensor, never ``None``.
* Gradients accumulate over calls to :meth:`~Tensor.backward` in every node, leaves and
  intermediates alike (PyTorch with ``retain_graph=True`` and ``retain_grad()``):
  :meth:`~Tensor.zero_grad` clears a tensor.
* Input is finite real numbers: booleans, strings, ``None``, NaN and inf are refused with an
  error naming the argument, before anything changes. Floating input keeps its dtype, and a
  Python number takes the tensor's (float32 stays float32).
* Results follow NumPy, warnings included (``log(0)`` is ``-inf``); :meth:`~Tensor.sigmoid`
  never overflows.

Editing ``.data``: a graph keeps the arrays its operations saw, and backward reads those.

* An operation's result has read-only data (``y.data -= 1`` raises ``ValueError``): its
  backward closure may hold that very array.
* A leaf's data is yours. Editing it in place (``w.data -= lr * w.grad``, micrograd's step) edits
  the array the graphs built from ``w`` hold, so take the step after their last backward and
  build a new graph for the next one, as a training loop does. Assigning a new array
  (``w.data = w.data - lr * w.grad``) leaves the graphs already built as they were.
* Arrays passed to :class:`Tensor` or mixed into an expression are copied.

Examples
--------
A shared node: :math:`z = xy` is used twice by :math:`w = z + zx`, so
:math:`\partial w/\partial z = 1 + x` sums both uses, and :math:`x` gets its direct path plus
the path through :math:`z`, :math:`\partial w/\partial x = z + (1 + x)\,y`.

>>> from gradlab.autodiff import Tensor
>>> x, y = Tensor(2.0, name="x"), Tensor(3.0, name="y")
>>> z = x * y
>>> w = z + z * x
>>> w.backward()
>>> z.grad, x.grad, y.grad
(array(3.), array(15.), array(6.))
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, TypeAlias

import numpy as np
from numpy.typing import ArrayLike

from ._validation import FloatArray, as_float_array, check_bool, check_real
from .activations import _sigmoid

try:
    from numpy.lib.array_utils import normalize_axis_tuple
except ImportError:  # NumPy 1.26
    from numpy.core.numeric import normalize_axis_tuple  # type: ignore[no-redef]

__all__ = ["Tensor", "topological_order"]

#: A backward closure: takes this pass's dL/d(output), adds each operand's share to its grad.
BackwardFn: TypeAlias = Callable[[FloatArray], None]
Operand: TypeAlias = "Tensor | ArrayLike"
Axis: TypeAlias = "int | tuple[int, ...] | None"


def _as_array(value: Any, name: str) -> FloatArray:
    """Return ``value`` as a finite float array; refuse booleans, strings, None and NaN."""
    if isinstance(value, Tensor):
        raise TypeError(f"{name} must be an array or a number, not a Tensor (use its .data)")
    try:
        kind = np.asarray(value).dtype.kind
    except ValueError:  # ragged nesting: as_float_array says so
        kind = "f"
    if kind not in "iuf":
        got = f"{type(value).__name__} {value!r:.40}"
        if isinstance(value, np.ndarray):
            got = f"an array of dtype {value.dtype}"
        raise TypeError(f"{name} must be real numbers (int or float), got {got}")
    return as_float_array(value, name)


def _no_parents(grad: FloatArray) -> None:
    """A leaf's backward closure: nothing to pass the gradient on to."""


def _unbroadcast(grad: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """Sum ``grad`` over the axes along which an operand of ``shape`` was broadcast."""
    leading = tuple(range(grad.ndim - len(shape)))
    grad = grad.sum(axis=leading) if leading else grad
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=stretched, keepdims=True) if stretched else grad


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """Return ``axis`` (None, an int or a tuple of ints) as a tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    items = axis if isinstance(axis, tuple) else (axis,)
    if any(isinstance(a, bool) or not isinstance(a, numbers.Integral) for a in items):
        raise TypeError(f"axis must be None, an int or a tuple of ints, got {axis!r}")
    return tuple(normalize_axis_tuple(axis, ndim, argname="axis"))


def _brief(a: FloatArray) -> str:
    """A one-line rendering of an array for reprs."""
    text = np.array2string(a, precision=4, threshold=8, edgeitems=2, separator=", ")
    return " ".join(text.split())


class Tensor:
    r"""An array that records the operations applied to it, for reverse-mode differentiation.

    Parameters
    ----------
    data : array_like
        The value: finite real numbers of any shape (a number gives a 0-d tensor), copied.
        Integers become float64, floating input keeps its dtype.
    name : str, optional
        A label for reprs and drawings of the graph.

    Attributes
    ----------
    op : str
        The primitive that produced this tensor (``'+'``, ``'*'``, ``'**2'``, ``'@'``,
        ``'sum'``, ``'exp'``, ``'log'``, ``'sigmoid'``, ``'tanh'``, ``'relu'``); ``''`` for a
        leaf.
    parents : tuple of Tensor
        The operands of :attr:`op`, in order (``x * x`` lists ``x`` twice); ``()`` for a leaf.
    name : str or None
        The label.

    Notes
    -----
    The operators ``+ - * / @`` take a Tensor, a number or an array on either side and
    broadcast as NumPy does (``@`` takes 1-D and 2-D operands); ``**`` takes a real constant.
    For an output gradient :math:`\bar c` the primitives add to their operands' gradients

    .. math::

        c = a + b:&\quad \bar a \mathrel{+}= \bar c, \quad \bar b \mathrel{+}= \bar c \\
        c = a b:&\quad \bar a \mathrel{+}= \bar c\, b, \quad \bar b \mathrel{+}= \bar c\, a \\
        c = a^p:&\quad \bar a \mathrel{+}= \bar c\, p\, a^{p-1} \quad (0 \text{ for } p = 0) \\
        C = A B:&\quad \bar A \mathrel{+}= \bar C B^\top, \quad \bar B \mathrel{+}= A^\top \bar C

    summed over the axes along which an operand was broadcast. NumPy arrays defer to Tensor
    (``array * tensor`` is a Tensor); NumPy functions refuse tensors: use the methods
    (``t.exp()``, not ``np.exp(t)``).

    Examples
    --------
    >>> from gradlab.autodiff import Tensor
    >>> x = Tensor([[1.0, -2.0, 3.0]], name="x")
    >>> b = Tensor([[0.5], [1.0]], name="b")
    >>> loss = ((x + b).relu() * 2).sum()   # (1, 3) + (2, 1) broadcasts to (2, 3)
    >>> loss.backward()
    >>> loss
    Tensor(22., grad=1., op='sum')
    >>> x.grad          # summed over the two broadcast rows; relu passes nothing at -2
    array([[4., 0., 4.]])
    >>> b.grad          # summed over the broadcast columns where relu is active
    array([[4.], [4.]])
    """

    __slots__ = ("_backward", "_data", "_grad", "name", "op", "parents")
    # NumPy's operators return NotImplemented for such an operand: array + tensor is __radd__.
    __array_ufunc__: ClassVar[None] = None

    def __init__(self, data: ArrayLike, name: str | None = None) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a str or None, got {type(name).__name__}")
        self._data: FloatArray = np.array(_as_array(data, "data"), copy=True)
        self._grad: FloatArray = np.zeros_like(self._data)
        self.name, self.op = name, ""
        self.parents: tuple[Tensor, ...] = ()
        self._backward: BackwardFn = _no_parents

    @staticmethod
    def _result(data: Any, parents: tuple[Tensor, ...], op: str, backward: BackwardFn) -> Tensor:
        """A primitive's output: unvalidated (``log(0)`` is ``-inf``), with read-only data."""
        out = Tensor.__new__(Tensor)
        out._data = np.asarray(data)  # NumPy returns scalars from 0-d reductions
        out._data.flags.writeable = False
        out._grad = np.zeros_like(out._data)
        out.name, out.op, out.parents, out._backward = None, op, parents, backward
        return out

    def _lift(self, other: Operand) -> Tensor:
        """``other`` as a Tensor; a Python number takes this tensor's dtype (NEP 50)."""
        if isinstance(other, Tensor):
            return other
        value = np.array(_as_array(other, "other"), copy=True)
        if isinstance(other, int | float) and not isinstance(other, np.generic):
            value = value.astype(self._data.dtype)
        return Tensor._result(value, (), "", _no_parents)

    def _like(self, value: ArrayLike, name: str) -> FloatArray:
        """``value`` as a new array of this tensor's shape and dtype, or an error naming it."""
        new = _as_array(value, name)
        if new.shape != self.shape:
            raise ValueError(f"{name} must have the tensor's shape {self.shape}, got {new.shape}")
        return np.array(new, dtype=self._data.dtype)

    @property
    def data(self) -> FloatArray:
        """The value: read-only for an operation's result. Assigning copies, same shape.

        Examples
        --------
        >>> from gradlab.autodiff import Tensor
        >>> w = Tensor([1.0, 2.0])
        >>> w.data -= 0.5   # a leaf's data is yours; (w * 2).data is read-only
        >>> w
        Tensor([0.5, 1.5], grad=[0., 0.])
        """
        return self._data

    @data.setter
    def data(self, value: ArrayLike) -> None:
        new = self._like(value, "data")
        new.flags.writeable = self._data.flags.writeable
        self._data = new

    @property
    def grad(self) -> FloatArray:
        """``dL/d data``, summed over backward passes. Assigning copies, same shape.

        Examples
        --------
        >>> from gradlab.autodiff import Tensor
        >>> x = Tensor([1.0, 2.0])
        >>> (x * 3).sum().backward()
        >>> x.grad
        array([3., 3.])
        """
        return self._grad

    @grad.setter
    def grad(self, value: ArrayLike) -> None:
        self._grad = self._like(value, "grad")

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of :attr:`data` and :attr:`grad`.

        Examples
        --------
        >>> from gradlab.autodiff import Tensor
        >>> Tensor([[1.0, 2.0, 3.0]]).sum(axis=1).shape
        (1,)
        """
        return self._data.shape

    def zero_grad(self) -> None:
        """Set this tensor's :attr:`grad` to zero in place; other tensors are untouched.

        Examples
        --------
        >>> from gradlab.autodiff import Tensor
        >>> x = Tensor(3.0)
        >>> (x * x).backward()
        >>> x.zero_grad()
        >>> x.grad
        array(0.)
        """
        self._grad.fill(0.0)

    def __repr__(self) -> str:
        dtype = [] if self._data.dtype == np.float64 else [f"dtype={self._data.dtype}"]
        op = [f"op={self.op!r}"] if self.op else []
        name = [] if self.name is None else [f"name={self.name!r}"]
        parts = [_brief(self._data), *dtype, f"grad={_brief(self._grad)}", *op, *name]
        return f"Tensor({', '.join(parts)})"

    # Primitives: the forward value, and a closure adding each operand's share of the gradient.
    # The closures keep the arrays they read, so assigning to .data later does not reach them.

    def __add__(self, other: Operand) -> Tensor:
        """``self + other``."""
        other = self._lift(other)

        def backward(grad: FloatArray) -> None:
            self._grad += _unbroadcast(grad, self._grad.shape)
            other._grad += _unbroadcast(grad, other._grad.shape)

        return Tensor._result(self._data + other._data, (self, other), "+", backward)

    def __mul__(self, other: Operand) -> Tensor:
        """``self * other``."""
        other = self._lift(other)
        a, b = self._data, other._data

        def backward(grad: FloatArray) -> None:
            self._grad += _unbroadcast(grad * b, a.shape)
            other._grad += _unbroadcast(grad * a, b.shape)

        return Tensor._result(a * b, (self, other), "*", backward)

    def __pow__(self, exponent: float) -> Tensor:
        """``self ** exponent``, a real constant."""
        p, a = check_real(exponent, "exponent"), self._data

        def backward(grad: FloatArray) -> None:
            if p != 0.0:
                self._grad += grad * (p * a ** (p - 1.0))

        return Tensor._result(a**p, (self,), f"**{p:g}", backward)

    def __matmul__(self, other: Operand) -> Tensor:
        """``self @ other``: a 1-D left operand is a row, a 1-D right operand a column."""
        other = self._lift(other)
        a, b = self._data, other._data
        if a.ndim not in (1, 2) or b.ndim not in (1, 2):
            raise ValueError(f"@ needs 1-D or 2-D operands, got shapes {a.shape} and {b.shape}")
        if a.shape[-1] != b.shape[0]:
            raise ValueError(
                f"@ needs matching inner dimensions, got shapes {a.shape} and {b.shape} "
                f"({a.shape[-1]} != {b.shape[0]})"
            )
        a2 = a if a.ndim == 2 else a[np.newaxis, :]
        b2 = b if b.ndim == 2 else b[:, np.newaxis]

        def backward(grad: FloatArray) -> None:
            g2 = grad.reshape(a2.shape[0], b2.shape[1])
            self._grad += (g2 @ b2.T).reshape(a.shape)
            other._grad += (a2.T @ g2).reshape(b.shape)

        return Tensor._result(a @ b, (self, other), "@", backward)

    def sum(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        r"""Sum over ``axis``, as :func:`numpy.sum`; each summed element gets the output's grad.

        Parameters
        ----------
        axis : int or tuple of int, optional
            The axes to sum over, negative ones counting from the end; all axes if None.
        keepdims : bool, default=False
            Keep the summed axes, with length 1.

        Returns
        -------
        Tensor
            The sum.

        Raises
        ------
        TypeError
            If ``axis`` is not None, an int or a tuple of ints, or ``keepdims`` is not a bool.
        ValueError
            If an axis is out of range or repeated.

        Examples
        --------
        >>> from gradlab.autodiff import Tensor
        >>> x = Tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> s = x.sum(axis=0)
        >>> s.data
        array([4., 6.])
        >>> (s * [10.0, 100.0]).sum().backward()
        >>> x.grad
        array([[ 10., 100.], [ 10., 100.]])
        """
        axes, keep = _axes(axis, self._data.ndim), check_bool(keepdims, "keepdims")

        def backward(grad: FloatArray) -> None:
            expanded = grad if keep else np.expand_dims(grad, axes)
            self._grad += np.broadcast_to(expanded, self._grad.shape)

        return Tensor._result(self._data.sum(axis=axes, keepdims=keep), (self,), "sum", backward)

    def exp(self) -> Tensor:
        """Elementwise :math:`e^x`, whose derivative is itself.

        Returns
        -------
        Tensor
            :math:`e^x`.

        Examples
        --------
        >>> from gradlab.autodiff import Tensor
        >>> x = Tensor([0.0, 1.0])
        >>> x.exp().sum().backward()
        >>> x.grad
        array([1.        , 2.71828183])
        """
        out = np.exp(self._data)

        def backward(grad: FloatArray) -> None:
            self._grad += grad * out

        return Tensor._result(out, (self,), "exp", backward)

    def log(self) -> Tensor:
        r"""Elementwise natural logarithm, :math:`\partial \ln x/\partial x = 1/x`.

        Returns
        -------
        Tensor
            :math:`\ln x`: ``-inf`` at 0 and ``nan`` below, with NumPy's warning.

        Examples
        --------
        >>> from gradlab.autodiff import Tensor
        >>> x = Tensor([1.0, 4.0])
        >>> x.log().sum().backward()
        >>> x.grad
        array([1.  , 0.25])
        """
        a = self._data

        def backward(grad: FloatArray) -> None:
            self._grad += grad / a

        return Tensor._result(np.log(a), (self,), "log", backward)

    def sigmoid(self) -> Tensor:
        r"""Elementwise :math:`\sigma(x) = 1/(1 + e^{-x})`, :math:`\sigma' = \sigma(1 - \sigma)`.

        The forward pass evaluates :math:`e^{-|x|}` only, :math:`\sigma(x) = e^x/(1 + e^x)` for
        :math:`x < 0`, so it never overflows.

        Returns
        -------
        Tensor
            :math:`\sigma(x)`.

        Examples
        --------
        >>> from gradlab.autodiff import Tensor
        >>> x = Tensor([-1e4, 0.0, 1e4])
        >>> x.sigmoid().sum().backward()
        >>> x.grad
        array([0.  , 0.25, 0.  ])
        """
        out = _sigmoid(self._data)

        def backward(grad: FloatArray) -> None:
            self._grad += grad * out * (1.0 - out)

        return Tensor._result(out, (self,), "sigmoid", backward)

    def tanh(self) -> Tensor:
        r"""Elementwise hyperbolic tangent, :math:`\tanh'(x) = 1 - \tanh^2(x)`.

        Returns
        -------
        Tensor
            :math:`\tanh x`.

        Examples
        --------
        >>> from gradlab.autodiff import Tensor
        >>> x = Tensor([0.0, 20.0])
        >>> x.tanh().sum().backward()
        >>> x.grad
        array([1., 0.])
        """
        out = np.tanh(self._data)

        def backward(grad: FloatArray) -> None:
            self._grad += grad * (1.0 - out * out)

        return Tensor._result(out, (self,), "tanh", backward)

    def relu(self) -> Tensor:
        r"""Elementwise :math:`\max(x, 0)`, with derivative 1 where :math:`x > 0`, else 0.

        Returns
        -------
        Tensor
            :math:`\max(x, 0)`; its derivative at 0 is 0, as in PyTorch.

        Examples
        --------
        >>> from gradlab.autodiff import Tensor
        >>> x = Tensor([-1.0, 0.0, 2.0])
        >>> x.relu().sum().backward()
        >>> x.grad
        array([0., 0., 1.])
        """
        positive = self._data > 0

        def backward(grad: FloatArray) -> None:
            self._grad += np.where(positive, grad, 0.0)

        return Tensor._result(np.where(positive, self._data, 0.0), (self,), "relu", backward)

    # Composites: no derivative code, only primitives.

    def neg(self) -> Tensor:
        """Elementwise negation, ``self * -1``.

        Returns
        -------
        Tensor
            :math:`-x`.

        Examples
        --------
        >>> from gradlab.autodiff import Tensor
        >>> Tensor([1.0, -2.0]).neg().data
        array([-1.,  2.])
        """
        return self * -1.0

    def __neg__(self) -> Tensor:
        return self.neg()

    def __radd__(self, other: Operand) -> Tensor:
        return self._lift(other) + self

    def __sub__(self, other: Operand) -> Tensor:
        return self + self._lift(other).neg()

    def __rsub__(self, other: Operand) -> Tensor:
        return self._lift(other) + self.neg()

    def __rmul__(self, other: Operand) -> Tensor:
        return self._lift(other) * self

    def __truediv__(self, other: Operand) -> Tensor:
        return self * self._lift(other) ** -1.0

    def __rtruediv__(self, other: Operand) -> Tensor:
        return self._lift(other) * self**-1.0

    def __rmatmul__(self, other: Operand) -> Tensor:
        return self._lift(other) @ self

    def mean(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Mean over ``axis``: :meth:`sum` times :math:`1/n`.

        Parameters
        ----------
        axis : int or tuple of int, optional
            The axes to average over, negative ones counting from the end; all axes if None.
        keepdims : bool, default=False
            Keep the averaged axes, with length 1.

        Returns
        -------
        Tensor
            The mean.

        Raises
        ------
        TypeError
            If ``axis`` is not None, an int or a tuple of ints, or ``keepdims`` is not a bool.
        ValueError
            If an axis is out of range or repeated, or the axes hold no elements.

        Examples
        --------
        >>> from gradlab.autodiff import Tensor
        >>> x = Tensor([[1.0, 2.0], [3.0, 5.0]])
        >>> m = x.mean(axis=1, keepdims=True)
        >>> m.data
        array([[1.5], [4. ]])
        >>> m.sum().backward()
        >>> x.grad
        array([[0.5, 0.5], [0.5, 0.5]])
        """
        n = math.prod(self.shape[a] for a in _axes(axis, self._data.ndim))
        if n == 0:
            raise ValueError(f"mean over axis {axis} of shape {self.shape} has no elements")
        return self.sum(axis=axis, keepdims=keepdims) * (1.0 / n)

    def backward(self, grad: ArrayLike | None = None) -> None:
        r"""Add the derivative of this tensor to the :attr:`grad` of every node behind it.

        Calls each node's backward closure in reverse :func:`topological_order`. The pass
        collects its gradients in fresh arrays, then adds them to the nodes' :attr:`grad`
        arrays, so a second call adds the same gradients again. If a closure raises (a NumPy
        warning made an error), every :attr:`grad` is left as it was.

        Parameters
        ----------
        grad : array_like, optional
            The seed :math:`\partial L/\partial\,\mathrm{self}`, of this tensor's shape. The
            default, 1, needs a one-element tensor (a scalar loss).

        Returns
        -------
        None
            The gradients are added to the nodes' :attr:`grad`.

        Raises
        ------
        TypeError
            If ``grad`` is not real numbers (booleans, strings, None).
        ValueError
            If ``grad`` is omitted for a tensor of more than one element, or has the wrong
            shape or a NaN or inf.

        Examples
        --------
        >>> from gradlab.autodiff import Tensor
        >>> x = Tensor([1.0, 2.0])
        >>> (x * x).backward([1.0, 10.0])   # two outputs: the seed weighs them
        >>> x.grad
        array([ 2., 40.])
        """
        if grad is not None:
            seed = self._like(grad, "grad")
        elif self._data.size == 1:
            seed = np.ones_like(self._data)
        else:
            raise ValueError(
                f"backward() without grad needs a one-element tensor, got shape {self.shape}; "
                f"reduce it first (e.g. .sum()) or pass grad of shape {self.shape}"
            )
        order = topological_order(self)
        earlier = [node._grad for node in order]
        for node in order:
            node._grad = np.zeros_like(node._data)  # this pass's gradients
        self._grad += seed
        try:
            for node in reversed(order):
                node._backward(node._grad)
        except BaseException:
            for node, total in zip(order, earlier, strict=True):
                node._grad = total
            raise
        for node, total in zip(order, earlier, strict=True):
            total += node._grad
            node._grad = total


def topological_order(root: Tensor) -> list[Tensor]:
    """Return the nodes of the graph behind ``root``, each after all of its parents.

    An iterative depth-first search (so a chain of any length works) that walks each node's
    :attr:`~Tensor.parents` in order and lists a node once its parents are listed: the order is
    deterministic, and each node appears once however many paths reach it.

    Parameters
    ----------
    root : Tensor
        The output node.

    Returns
    -------
    list of Tensor
        Leaves first, ``root`` last; :meth:`Tensor.backward` walks it in reverse.

    Raises
    ------
    TypeError
        If ``root`` is not a Tensor.

    Examples
    --------
    >>> from gradlab.autodiff import Tensor, topological_order
    >>> a, b = Tensor(2.0, name="a"), Tensor(3.0, name="b")
    >>> d = a * b + a
    >>> [node.name or node.op for node in topological_order(d)]
    ['a', 'b', '*', '+']
    """
    if not isinstance(root, Tensor):
        raise TypeError(f"root must be a Tensor, got {type(root).__name__}")
    order: list[Tensor] = []
    seen = {id(root)}
    stack: list[tuple[Tensor, Iterator[Tensor]]] = [(root, iter(root.parents))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append((parent, iter(parent.parents)))
                break
        else:  # every parent is listed
            stack.pop()
            order.append(node)
    return order
