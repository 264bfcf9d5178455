r"""Reverse-mode automatic differentiation on NumPy arrays: the chain rule as dynamic programming.

A :class:`Tensor` wraps a float array and remembers how it was made: the operation
(:attr:`Tensor.op`) and its operands (:attr:`Tensor.parents`). Expressions built from tensors
therefore record a directed acyclic *computational graph*. :meth:`Tensor.backward` walks that
graph once, from the root back to the leaves, and stores in every node :math:`v` the
derivative of the root :math:`L` with respect to it,

.. math::

    \bar v = \frac{\partial L}{\partial v}
           = \sum_{c \,\in\, \mathrm{children}(v)} \bar c \, \frac{\partial c}{\partial v},

which is the multivariable chain rule. Each :math:`\bar v` is computed **once** and then
reused by every parent of :math:`v`; visiting the nodes in reverse topological order
guarantees that :math:`\bar c` is complete before it is used. Enumerating the paths from
:math:`L` to :math:`v` instead would cost time exponential in the depth of a graph with
shared nodes; the stored sums make it linear (dynamic programming).

The design follows Karpathy's *micrograd* (``engine.py``), on arrays instead of scalars:

* derivatives are written for a handful of **primitives** only (``+``, ``*``, ``**`` by a
  constant, ``@``, :meth:`~Tensor.sum`, :meth:`~Tensor.exp`, :meth:`~Tensor.log`,
  :meth:`~Tensor.sigmoid`, :meth:`~Tensor.tanh`, :meth:`~Tensor.relu`); every other
  operation is composed from them (``a - b`` is ``a + (-1) * b``, ``a / b`` is
  ``a * b ** -1``, :meth:`~Tensor.mean` is a sum times ``1 / n``);
* each primitive's backward closure sits beside its forward code and *accumulates*
  (``+=``) into its operands' :attr:`~Tensor.grad`, so a tensor used twice receives the sum
  of both paths;
* NumPy broadcasting is allowed, and the gradient that flows to a broadcast operand is summed
  back to the operand's shape.

Conventions
-----------
* :attr:`Tensor.grad` is always an ndarray of the same shape and dtype as
  :attr:`Tensor.data`: **zeros** until a backward pass reaches the tensor (as for
  :class:`gradlab.Parameter`), never ``None``.
* Gradients **accumulate** across calls to :meth:`~Tensor.backward`, as in PyTorch: after
  two calls every node holds the sum of both passes' gradients. Call
  :meth:`~Tensor.zero_grad` (on each tensor, e.g. over :func:`topological_order`) to start
  afresh.
* Every tensor takes part in differentiation; there is no ``requires_grad`` flag. Python
  scalars and arrays mixed into an expression become constant leaves (``op == ''``).
* Floating-point semantics are NumPy's. ``log(0)`` is ``-inf`` and ``log`` of a negative
  number is ``nan``; ``exp`` of a large number overflows to ``inf``; ``x ** p`` with a
  negative base and a non-integer ``p`` is ``nan``. NumPy emits a ``RuntimeWarning`` in
  each case and this module neither hides nor converts those warnings. :meth:`~Tensor.sigmoid`
  is written so that it never overflows.

Examples
--------
The chain rule for :math:`y = f(g(x))` with :math:`g(x) = x^2` and :math:`f(u) = e^u`:
:math:`dy/dx = f'(g(x))\,g'(x) = e^{x^2} \cdot 2x`.

>>> import numpy as np
>>> from gradlab.autodiff import Tensor
>>> x = Tensor(1.5, name="x")
>>> y = (x**2).exp()
>>> y.backward()
>>> bool(np.isclose(x.grad, np.exp(1.5**2) * 2 * 1.5))
True

A shared node: :math:`z = xy` feeds :math:`w = z + zx` twice, so
:math:`\partial w/\partial z = 1 + x` collects both paths, and :math:`x` gets a direct path
plus the path through :math:`z`:

>>> x, y = Tensor(2.0, name="x"), Tensor(3.0, name="y")
>>> z = x * y
>>> w = z + z * x
>>> w.backward()
>>> z.grad, x.grad, y.grad
(array(3.), array(15.), array(6.))
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, TypeAlias

import numpy as np
from numpy.typing import ArrayLike

from ._validation import FloatArray, as_float_array, check_real
from .activations import _sigmoid as _stable_sigmoid

__all__ = ["Tensor", "topological_order"]

#: A backward closure: receives ``dL/d(out)`` and adds each operand's share into its ``grad``.
BackwardFn: TypeAlias = Callable[[FloatArray], None]
#: What may stand on the other side of an operator: a Tensor, a Python/NumPy scalar, an array.
Operand: TypeAlias = "Tensor | ArrayLike"
Axis: TypeAlias = "int | tuple[int, ...] | None"


def _leaf_backward(grad: FloatArray) -> None:
    """Backward closure of a leaf: there is nothing further to propagate to."""


def _unbroadcast(grad: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """Sum ``grad`` over the axes along which an operand of ``shape`` was broadcast.

    Broadcasting copies an operand along new leading axes and along its axes of length 1;
    each copy contributes to the output, so the operand's gradient is the sum over the copies.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def _normalize_axes(axis: Any, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Return ``axis`` as a tuple of distinct non-negative axes of an array of ``shape``."""
    ndim = len(shape)
    if axis is None:
        return tuple(range(ndim))
    items = axis if isinstance(axis, tuple) else (axis,)
    axes: list[int] = []
    for a in items:
        if isinstance(a, bool) or not isinstance(a, numbers.Integral):
            raise TypeError(
                f"axis must be None, an int or a tuple of ints, got {type(a).__name__}"
            )
        if not -ndim <= int(a) < ndim:
            raise ValueError(f"axis {int(a)} is out of bounds for a tensor of shape {shape}")
        axes.append(int(a) % ndim)
    if len(set(axes)) != len(axes):
        raise ValueError(f"axis {axis} repeats an axis")
    return tuple(axes)


def _check_keepdims(keepdims: Any) -> bool:
    if not isinstance(keepdims, bool | np.bool_):
        raise TypeError(f"keepdims must be a bool, got {type(keepdims).__name__}")
    return bool(keepdims)


def _brief(a: FloatArray) -> str:
    """A short one-line rendering of an array for reprs."""
    text = np.array2string(a, precision=4, threshold=8, edgeitems=2, separator=", ")
    return " ".join(text.split())


class Tensor:
    r"""An array that records the operations applied to it, for reverse-mode differentiation.

    Parameters
    ----------
    data : array_like
        The value: finite real numbers of any shape (a Python scalar gives a 0-d tensor).
        Integers and booleans become float64; floating input keeps its dtype (float32 stays
        float32). The array is copied.
    name : str, optional
        A label for reprs and for drawings of the computational graph.

    Attributes
    ----------
    data : ndarray
        The value.
    grad : ndarray
        :math:`\partial L/\partial\,\mathrm{data}` for the root :math:`L` of the last
        :meth:`backward` calls, summed over those calls; same shape and dtype as
        :attr:`data`, zeros until a backward pass reaches this tensor.
    op : str
        Label of the primitive that produced this tensor (``'+'``, ``'*'``, ``'**2'``,
        ``'@'``, ``'sum'``, ``'exp'``, ``'log'``, ``'sigmoid'``, ``'tanh'``, ``'relu'``);
        ``''`` for a leaf.
    parents : tuple of Tensor
        The operands of :attr:`op`, in order (a tensor appears twice in ``x * x``); ``()`` for
        a leaf.
    name : str or None
        The label given at construction.

    Notes
    -----
    Operators ``+ - * / @`` accept a Tensor, a Python or NumPy scalar, or an array on either
    side and follow NumPy broadcasting (``@`` only for 1-D and 2-D operands); ``**`` takes a
    real constant exponent. NumPy arrays defer to Tensor, so ``array * tensor`` is a Tensor.
    NumPy functions do not accept tensors (``np.exp(t)`` raises ``TypeError``); use the
    methods (``t.exp()``).

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

    __slots__ = ("_backward", "_grad", "data", "name", "op", "parents")

    # NumPy arrays and scalars return NotImplemented from their operators when the other
    # operand sets this to None, so ``array + tensor`` reaches Tensor.__radd__.
    __array_ufunc__: ClassVar[None] = None

    data: FloatArray
    _grad: FloatArray | None  # allocated on first use (a first backward pass then copies nothing)
    name: str | None
    op: str
    parents: tuple[Tensor, ...]
    _backward: BackwardFn

    def __init__(self, data: ArrayLike, name: str | None = None) -> None:
        if isinstance(data, Tensor):
            raise TypeError("data is already a Tensor; use it directly (or its .data array)")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a str or None, got {type(name).__name__}")
        self.data = np.array(as_float_array(data, "data"), copy=True)
        self._grad = None
        self.name = name
        self.op = ""
        self.parents = ()
        self._backward = _leaf_backward

    @classmethod
    def _node(cls, data: Any, parents: tuple[Tensor, ...], op: str) -> Tensor:
        """Create the result of a primitive (no validation: ``log(0)`` may be ``-inf``)."""
        out = cls.__new__(cls)
        out.data = np.asarray(data)  # NumPy returns scalars from 0-d reductions
        out._grad = None
        out.name = None
        out.op = op
        out.parents = parents
        out._backward = _leaf_backward
        return out

    def _lift(self, other: Operand) -> Tensor:
        """Return ``other`` as a Tensor; a Python number takes this tensor's dtype (NEP 50)."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, int | float) and not isinstance(other, np.generic):
            value = as_float_array(other, "other").astype(self.data.dtype)
            return Tensor._node(value, (), "")
        return Tensor._node(np.array(as_float_array(other, "other"), copy=True), (), "")

    # ------------------------------------------------------------------------------------
    # Properties and bookkeeping

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of :attr:`data` (and of :attr:`grad`)."""
        return self.data.shape

    @property
    def grad(self) -> FloatArray:
        """``dL/d data``, summed over backward passes; zeros (same shape and dtype) before."""
        if self._grad is None:
            self._grad = np.zeros(self.data.shape, self.data.dtype)
        return self._grad

    @grad.setter
    def grad(self, value: FloatArray) -> None:
        self._grad = value

    def zero_grad(self) -> None:
        """Set this tensor's :attr:`grad` to zero in place (other tensors are untouched).

        Examples
        --------
        >>> from gradlab.autodiff import Tensor, topological_order
        >>> x = Tensor(3.0)
        >>> y = x * x
        >>> y.backward()
        >>> for node in topological_order(y):
        ...     node.zero_grad()
        >>> x.grad
        array(0.)
        """
        if self._grad is not None:
            self._grad.fill(0.0)

    def __repr__(self) -> str:
        parts = [_brief(self.data)]
        if self.data.dtype != np.float64:
            parts.append(f"dtype={self.data.dtype}")
        grad = self._grad if self._grad is not None else np.zeros_like(self.data)
        parts.append(f"grad={_brief(grad)}")
        if self.op:
            parts.append(f"op={self.op!r}")
        if self.name is not None:
            parts.append(f"name={self.name!r}")
        return f"Tensor({', '.join(parts)})"

    # ------------------------------------------------------------------------------------
    # Primitives: forward value plus a closure that applies the local chain rule.

    def __add__(self, other: Operand) -> Tensor:
        r"""Elementwise sum with broadcasting; :math:`\partial(a+b)/\partial a = 1`."""
        other = self._lift(other)
        out = Tensor._node(self.data + other.data, (self, other), "+")

        def _backward(grad: FloatArray) -> None:
            self.grad += _unbroadcast(grad, self.shape)
            other.grad += _unbroadcast(grad, other.shape)

        out._backward = _backward
        return out

    def __mul__(self, other: Operand) -> Tensor:
        r"""Elementwise product with broadcasting; :math:`\partial(ab)/\partial a = b`."""
        other = self._lift(other)
        out = Tensor._node(self.data * other.data, (self, other), "*")

        def _backward(grad: FloatArray) -> None:
            self.grad += _unbroadcast(grad * other.data, self.shape)
            other.grad += _unbroadcast(grad * self.data, other.shape)

        out._backward = _backward
        return out

    def __pow__(self, exponent: float) -> Tensor:
        r"""Elementwise power by a real constant; :math:`\partial x^p/\partial x = p\,x^{p-1}`.

        A negative base with a non-integer exponent gives ``nan`` and ``0 ** p`` with
        ``p < 1`` has an infinite derivative (NumPy warns). For ``p == 0`` the derivative is
        0 everywhere, as in PyTorch.

        Examples
        --------
        >>> from gradlab.autodiff import Tensor
        >>> x = Tensor([1.0, 4.0, 16.0])
        >>> y = (x**0.5).sum()
        >>> y.backward()
        >>> x.grad
        array([0.5  , 0.25 , 0.125])
        """
        p = check_real(exponent, "exponent")
        out = Tensor._node(self.data**p, (self,), f"**{p:g}")

        def _backward(grad: FloatArray) -> None:
            if p != 0.0:
                self.grad += grad * (p * self.data ** (p - 1.0))

        out._backward = _backward
        return out

    def __matmul__(self, other: Operand) -> Tensor:
        r"""Matrix product of 1-D or 2-D operands (NumPy's rules for vectors).

        For :math:`C = AB`: :math:`\bar A = \bar C B^\top` and :math:`\bar B = A^\top \bar C`;
        a 1-D left operand is treated as a row, a 1-D right operand as a column.

        Raises
        ------
        ValueError
            If an operand is not 1-D or 2-D, or the inner dimensions differ.
        """
        other = self._lift(other)
        a, b = self.data, other.data
        if a.ndim not in (1, 2) or b.ndim not in (1, 2):
            raise ValueError(f"@ needs 1-D or 2-D operands, got shapes {a.shape} and {b.shape}")
        if a.shape[-1] != b.shape[0]:
            raise ValueError(
                f"@ needs matching inner dimensions, got shapes {a.shape} and {b.shape} "
                f"({a.shape[-1]} != {b.shape[0]})"
            )
        out = Tensor._node(a @ b, (self, other), "@")

        def _backward(grad: FloatArray) -> None:
            a2 = a if a.ndim == 2 else a[np.newaxis, :]
            b2 = b if b.ndim == 2 else b[:, np.newaxis]
            g2 = grad.reshape(a2.shape[0], b2.shape[1])
            self.grad += (g2 @ b2.T).reshape(a.shape)
            other.grad += (a2.T @ g2).reshape(b.shape)

        out._backward = _backward
        return out

    def sum(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        r"""Sum over ``axis`` (all axes if None), as :func:`numpy.sum`.

        Each summed element receives the output's gradient unchanged:
        :math:`\partial(\sum_j x_j)/\partial x_i = 1`.

        Examples
        --------
        >>> from gradlab.autodiff import Tensor
        >>> x = Tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> s = x.sum(axis=0)
        >>> s.data
        array([4., 6.])
        >>> (s * Tensor([10.0, 100.0])).sum().backward()
        >>> x.grad
        array([[ 10., 100.], [ 10., 100.]])
        """
        axes = _normalize_axes(axis, self.shape)
        keep = _check_keepdims(keepdims)
        out = Tensor._node(np.sum(self.data, axis=axes, keepdims=keep), (self,), "sum")

        def _backward(grad: FloatArray) -> None:
            g = grad if keep else np.expand_dims(grad, axes)
            self.grad += np.broadcast_to(g, self.shape)

        out._backward = _backward
        return out

    def exp(self) -> Tensor:
        r"""Elementwise :math:`e^x`; its derivative is itself, :math:`e^x`."""
        out_data = np.exp(self.data)
        out = Tensor._node(out_data, (self,), "exp")

        def _backward(grad: FloatArray) -> None:
            self.grad += grad * out_data

        out._backward = _backward
        return out

    def log(self) -> Tensor:
        r"""Elementwise natural logarithm; :math:`\partial \ln x/\partial x = 1/x`.

        NumPy semantics: ``log(0)`` is ``-inf`` and ``log`` of a negative number is ``nan``,
        each with a ``RuntimeWarning`` from NumPy (not suppressed).
        """
        out = Tensor._node(np.log(self.data), (self,), "log")

        def _backward(grad: FloatArray) -> None:
            self.grad += grad / self.data

        out._backward = _backward
        return out

    def sigmoid(self) -> Tensor:
        r"""Elementwise logistic function :math:`\sigma(x) = 1/(1 + e^{-x})`.

        :math:`\sigma'(x) = \sigma(x)\,(1 - \sigma(x))`. The forward pass evaluates
        :math:`e^{-|x|}` only, so it never overflows: for :math:`x < 0` it uses
        :math:`\sigma(x) = e^{x}/(1 + e^{x})`.

        Examples
        --------
        >>> from gradlab.autodiff import Tensor
        >>> x = Tensor([-1e4, 0.0, 1e4])
        >>> s = x.sigmoid()
        >>> s.data
        array([0. , 0.5, 1. ])
        >>> s.sum().backward()
        >>> x.grad
        array([0.  , 0.25, 0.  ])
        """
        out_data = _stable_sigmoid(self.data)
        out = Tensor._node(out_data, (self,), "sigmoid")

        def _backward(grad: FloatArray) -> None:
            self.grad += grad * out_data * (1.0 - out_data)

        out._backward = _backward
        return out

    def tanh(self) -> Tensor:
        r"""Elementwise hyperbolic tangent; :math:`\tanh'(x) = 1 - \tanh^2(x)`."""
        out_data = np.tanh(self.data)
        out = Tensor._node(out_data, (self,), "tanh")

        def _backward(grad: FloatArray) -> None:
            self.grad += grad * (1.0 - out_data * out_data)

        out._backward = _backward
        return out

    def relu(self) -> Tensor:
        r"""Elementwise :math:`\max(x, 0)`; derivative 1 for :math:`x > 0`, else 0 (also at 0,
        as in PyTorch)."""
        positive = self.data > 0
        out = Tensor._node(np.where(positive, self.data, 0.0), (self,), "relu")

        def _backward(grad: FloatArray) -> None:
            self.grad += np.where(positive, grad, 0.0)

        out._backward = _backward
        return out

    # ------------------------------------------------------------------------------------
    # Composites: no derivative code, only primitives.

    def neg(self) -> Tensor:
        """Elementwise negation, ``-1 * self``."""
        return self * -1.0

    def __neg__(self) -> Tensor:
        return self.neg()

    def __radd__(self, other: Operand) -> Tensor:
        return self._lift(other) + self

    def __sub__(self, other: Operand) -> Tensor:
        """``self + (-other)``."""
        return self + self._lift(other).neg()

    def __rsub__(self, other: Operand) -> Tensor:
        return self._lift(other) + self.neg()

    def __rmul__(self, other: Operand) -> Tensor:
        return self._lift(other) * self

    def __truediv__(self, other: Operand) -> Tensor:
        """``self * other ** -1``."""
        return self * self._lift(other) ** -1.0

    def __rtruediv__(self, other: Operand) -> Tensor:
        return self._lift(other) * self**-1.0

    def __rmatmul__(self, other: Operand) -> Tensor:
        return self._lift(other) @ self

    def mean(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        r"""Mean over ``axis`` (all axes if None): :meth:`sum` times :math:`1/n`.

        Raises
        ------
        ValueError
            If the reduced axes hold no elements (the mean of nothing is undefined).

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
        axes = _normalize_axes(axis, self.shape)
        n = int(np.prod([self.shape[a] for a in axes], dtype=np.int64))
        if n == 0:
            raise ValueError(
                f"mean over axis {axis} of a tensor of shape {self.shape} has no elements"
            )
        return self.sum(axis=axis, keepdims=keepdims) * (1.0 / n)

    # ------------------------------------------------------------------------------------
    # The backward pass

    def backward(self, grad: ArrayLike | None = None) -> None:
        r"""Add :math:`\partial(\text{self})/\partial v` (times ``grad``) to every node's grad.

        Visits each node of the graph behind this tensor exactly once, in reverse
        topological order (see :func:`topological_order`), calling the backward closure of
        the primitive that produced it. Gradients accumulate across calls, as in PyTorch.

        Parameters
        ----------
        grad : array_like, optional
            The seed :math:`\partial L/\partial\,\text{self}`, of this tensor's shape. The
            default, ``1``, is :math:`d\,\text{self}/d\,\text{self}` and needs a tensor with
            a single element.

        Raises
        ------
        ValueError
            If ``grad`` is omitted and this tensor has more than one element, or if ``grad``
            has the wrong shape or non-finite values.
        """
        if grad is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() without grad needs a scalar (one-element) tensor, got "
                    f"shape {self.shape}; reduce it first (e.g. .sum()) or pass grad= "
                    f"of shape {self.shape}"
                )
            seed = np.ones_like(self.data)
        else:
            seed = as_float_array(grad, "grad")
            if seed.shape != self.shape:
                raise ValueError(
                    f"grad must have the shape of the tensor, {self.shape}, got {seed.shape}"
                )

        order = topological_order(self)
        # This pass's gradients go into fresh buffers, so the closures read d(self)/d(node)
        # of this pass only; the totals are then added to the earlier grads (same arrays).
        previous = [node._grad for node in order]
        for node in order:
            node._grad = None
        try:
            self.grad += seed
            for node in reversed(order):
                node._backward(node.grad)
        except BaseException:
            for node, old in zip(order, previous, strict=True):
                node._grad = old
            raise
        for node, old in zip(order, previous, strict=True):
            if old is not None:
                old += node.grad
                node._grad = old


def topological_order(root: Tensor) -> list[Tensor]:
    """Return the nodes of the graph behind ``root``, each after all of its parents.

    An iterative depth-first search (no recursion, so chains of any length work) that walks
    each node's :attr:`~Tensor.parents` in order and lists a node once all its parents are
    listed. The order is therefore deterministic: the first entry is a leaf (the first
    parent of the first parent ...) and the last is ``root``. Every node appears once, even
    if it is reached along several paths.

    Parameters
    ----------
    root : Tensor
        The output node.

    Returns
    -------
    list of Tensor
        Leaves first, ``root`` last. :meth:`Tensor.backward` walks it in reverse.

    Examples
    --------
    >>> from gradlab.autodiff import Tensor, topological_order
    >>> a, b = Tensor(2.0, name="a"), Tensor(3.0, name="b")
    >>> c = a * b
    >>> d = c + a
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
        else:  # all parents listed
            stack.pop()
            order.append(node)
    return order
