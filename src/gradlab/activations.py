r"""Activation functions, each with its derivative.

An activation :math:`\sigma` is applied element-wise to a layer's pre-activation
:math:`z = hW + b`. The lectures ask two things of it: it must be **nonlinear** (otherwise
stacked layers collapse into one matrix) and **differentiable** (otherwise backpropagation
has nothing to multiply). Every activation here is an :class:`ActivationFunction` with one
name per meaning:

``f(z)``
    The value :math:`a = \sigma(z)`.
``f.derivative(z)``
    The derivative :math:`\sigma'(z)` at the input: for plots and checks, when you hold
    :math:`z` (the course's chapters on derivatives and vanishing gradients).
``f.derivative_from_output(a)``
    The same derivative written in terms of the output :math:`a = \sigma(z)`, as the lectures
    write :math:`\sigma' = a(1 - a)` for the sigmoid: when you hold only :math:`a`.
``f.backward(a, grad_output)``
    The vector-Jacobian product :math:`\partial L/\partial z` from
    :math:`\partial L/\partial a` and the output :math:`a`: one step of backpropagation, what
    :class:`gradlab.layers.Activation` calls. For an element-wise :math:`\sigma` it is
    ``grad_output * f.derivative_from_output(a)``; for :data:`softmax`, whose Jacobian is not
    diagonal, :math:`J^\top g`.

Every result keeps the input's floating dtype (float32 in, float32 out); integers become
float64.

>>> from gradlab.activations import sigmoid, relu
>>> float(sigmoid(0.0)), float(sigmoid.derivative(0.0)), float(sigmoid.derivative_from_output(0.5))
(0.5, 0.25, 0.25)
>>> relu.derivative([-1.0, 0.0, 2.0])
array([0., 0., 1.])
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._validation import (
    FloatArray,
    as_real_array,
    check_callable,
    check_nonnegative,
    check_str,
    lookup,
)

__all__ = [
    "ACTIVATIONS",
    "ActivationFunction",
    "elu",
    "get",
    "identity",
    "leaky_relu",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]


Fn = Callable[..., FloatArray]
Range = tuple[float, float] | Callable[..., tuple[float, float]]


class ActivationFunction:
    r"""An activation function :math:`\sigma` with its derivative, written two ways.

    Parameters
    ----------
    name : str
        Short name, used by :class:`gradlab.layers.Activation` and in error messages.
    forward : callable
        ``forward(z, **params) -> a``, element-wise on a float array.
    derivative : callable
        ``derivative(z, **params) -> da/dz``, element-wise on a float array.
    from_output : callable
        ``from_output(a, **params) -> da/dz`` written in terms of the output ``a``, as the
        lectures write :math:`\sigma' = \sigma(1 - \sigma)`. Backpropagation uses it, so a layer
        needs to keep only its output.
    params : dict of str to float, optional
        Default keyword parameters (``slope`` of Leaky ReLU, ``alpha`` of ELU), each >= 0.
    output_range : (float, float) or callable, optional
        The closed interval :math:`[a_{\min}, a_{\max}]` that holds every value of
        :math:`\sigma`, or a function of the parameters returning it.
        :meth:`derivative_from_output` refuses an ``a`` outside it, which no ``z`` produces.
        Default: no check.

    Returns
    -------
    ActivationFunction
        Callable as ``f(z, **params)``.

    See Also
    --------
    gradlab.layers.Activation : The layer that applies an activation in a network.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.activations import ActivationFunction
    >>> square = ActivationFunction(
    ...     "square",
    ...     forward=lambda z: z**2,
    ...     derivative=lambda z: 2 * z,
    ...     from_output=lambda a: 2 * np.sqrt(a),  # z >= 0 assumed
    ...     output_range=(0.0, np.inf),
    ... )
    >>> square([3.0]), square.derivative([3.0]), square.derivative_from_output([9.0])
    (array([9.]), array([6.]), array([6.]))
    """

    def __init__(
        self,
        name: str,
        forward: Fn,
        derivative: Fn,
        from_output: Fn,
        params: Mapping[str, float] | None = None,
        output_range: Range | None = None,
    ) -> None:
        name = check_str(name, "name")
        if not name:
            raise ValueError("name must be a non-empty str")
        forward = check_callable(forward, "forward")
        derivative = check_callable(derivative, "derivative")
        from_output = check_callable(from_output, "from_output")
        if params is None:
            params = {}
        if not isinstance(params, Mapping):
            raise TypeError(
                f"params must be a dict of parameter names to numbers, got {type(params).__name__}"
            )
        checked = {check_str(k, "params key"): check_nonnegative(v, k) for k, v in params.items()}
        for key in checked:
            if not key.isidentifier() or key == "z":
                raise ValueError(f"params keys must be keyword names other than 'z', got {key!r}")
        if output_range is not None and not callable(output_range):
            output_range = _check_range(output_range)
        self.name = name
        self._forward = forward  # unchecked: gradlab.layers.Activation's hot path
        self._derivative_z = derivative
        self._derivative_a = from_output
        #: The default parameters, read-only: pass others to each call, or build a new object.
        self.params: Mapping[str, float] = MappingProxyType(checked)
        self._output_range = output_range
        # help() and the API reference show f(z, *, slope=0.01) rather than f(z, **params)
        self.__signature__ = inspect.Signature(
            [inspect.Parameter("z", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
            + [
                inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, default=v)
                for k, v in checked.items()
            ]
        )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # An Activation layer backpropagates through _vjp; a subclass that overrides only the
        # public backward (a Jacobian activation, as softmax) has the layer use that instead.
        super().__init_subclass__(**kwargs)
        if "backward" in vars(cls) and "_vjp" not in vars(cls):

            def _vjp(self: Any, a: FloatArray, g: FloatArray, params: dict[str, float]) -> Any:
                return self.backward(a, g, **params)

            cls._vjp = _vjp  # type: ignore[method-assign]

    def __deepcopy__(self, memo: dict[int, Any]) -> ActivationFunction:
        # Immutable (read-only parameters, plain functions): copies of a network share it.
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled by name when registered (networks pickle), else by its parts.
        if ACTIVATIONS.get(self.name) is self:
            return (get, (self.name,))
        parts = (self._forward, self._derivative_z, self._derivative_a, dict(self.params))
        return (type(self), (self.name, *parts, self._output_range))

    def _params(self, kwargs: dict[str, Any]) -> dict[str, float]:
        if kwargs.keys() == self.params.keys():  # all given (or none taken): what a layer passes
            for value in kwargs.values():
                if type(value) is not float or not 0.0 <= value < math.inf:
                    break
            else:
                return kwargs  # each a finite float >= 0 already
        unknown = set(kwargs) - set(self.params)
        if unknown:
            allowed = ", ".join(self.params) or "none"
            raise TypeError(
                f"{self.name} got unexpected parameter(s) {sorted(unknown)}; allowed: {allowed}"
            )
        merged = {**self.params, **kwargs}
        for key, value in merged.items():
            merged[key] = check_nonnegative(value, key)
        return merged

    def _input(self, z: ArrayLike, name: str) -> FloatArray:
        return as_real_array(z, name)

    def __call__(self, z: ArrayLike, **params: float) -> FloatArray:
        r"""Return :math:`a = \sigma(z)` element-wise.

        Parameters
        ----------
        z : array_like
            Pre-activations of any shape; finite real numbers (not booleans).
        **params : float
            The activation's parameters (``slope``, ``alpha``), overriding its defaults.

        Returns
        -------
        ndarray
            :math:`\sigma(z)`, a new array of the shape and floating dtype of ``z`` (a NumPy
            scalar for a scalar ``z``).

        Examples
        --------
        >>> from gradlab.activations import leaky_relu
        >>> leaky_relu([-1.0, 1.0], slope=0.1)
        array([-0.1,  1. ])
        """
        p = self._params(params)
        return _unwrap(self._forward(self._input(z, "z"), **p))

    def derivative(self, z: ArrayLike, **params: float) -> FloatArray:
        r"""Return the derivative :math:`\sigma'(z)` at the input ``z``.

        Parameters
        ----------
        z : array_like
            Pre-activations of any shape; finite real numbers (not booleans).
        **params : float
            The activation's parameters (``slope``, ``alpha``), overriding its defaults.

        Returns
        -------
        ndarray
            :math:`\sigma'(z)` element-wise, of the shape and floating dtype of ``z``; for
            :data:`softmax` the Jacobian, of shape ``z.shape + (k,)``.

        Examples
        --------
        >>> from gradlab.activations import tanh
        >>> tanh.derivative([0.0])
        array([1.])
        """
        p = self._params(params)
        return _unwrap(self._derivative_z(self._input(z, "z"), **p))

    def derivative_from_output(self, a: ArrayLike, **params: float) -> FloatArray:
        r"""Return the derivative :math:`\sigma'` computed from the output :math:`a = \sigma(z)`.

        Parameters
        ----------
        a : array_like
            Outputs :math:`\sigma(z)` of any shape; values no ``z`` produces (a sigmoid
            output of 2) are refused.
        **params : float
            The activation's parameters (``slope``, ``alpha``), overriding its defaults.

        Returns
        -------
        ndarray
            :math:`\sigma'(z)` element-wise, of the shape and floating dtype of ``a``; for
            :data:`softmax` the Jacobian, of shape ``a.shape + (k,)``.

        Examples
        --------
        >>> from gradlab.activations import sigmoid
        >>> sigmoid.derivative_from_output([0.5, 0.9])
        array([0.25, 0.09])
        """
        p = self._params(params)
        arr = self._input(a, "a")
        if self._output_range is not None:
            low, high = (
                _check_range(self._output_range(**p))
                if callable(self._output_range)
                else self._output_range
            )
            if arr.size and (arr.min() < low or arr.max() > high):
                raise ValueError(
                    f"a must be outputs of {self.name}, in [{low:g}, {high:g}], got values in "
                    f"[{arr.min():g}, {arr.max():g}]"
                )
        return _unwrap(self._derivative_a(arr, **p))

    def _backward_args(
        self, a: ArrayLike, grad_output: ArrayLike, params: dict[str, Any]
    ) -> tuple[FloatArray, FloatArray, dict[str, float]]:
        # Types and shapes only, no pass over the values: backward is the hot path, and a
        # diverging run must carry its inf and NaN on to fit's divergence check, as in PyTorch.
        p = self._params(params)
        if (
            isinstance(a, np.ndarray)
            and isinstance(grad_output, np.ndarray)
            and a.dtype.kind == grad_output.dtype.kind == "f"
        ):
            a_arr, g = a, grad_output  # what a layer passes: nothing to convert
        else:
            a_arr = as_real_array(a, "a", allow_nonfinite=True)
            g = as_real_array(grad_output, "grad_output", allow_nonfinite=True)
        if a_arr.shape != g.shape:
            raise ValueError(
                f"a and grad_output must have the same shape, got {a_arr.shape} and {g.shape}"
            )
        return a_arr, g, p

    def backward(self, a: ArrayLike, grad_output: ArrayLike, **params: float) -> FloatArray:
        r"""Return the vector-Jacobian product :math:`\partial L/\partial z`.

        One step of backpropagation through :math:`a = \sigma(z)`: for an element-wise
        activation :math:`\partial L/\partial z = \sigma'(z) \odot \partial L/\partial a`, with
        :math:`\sigma'` from the output (:meth:`derivative_from_output`).

        Parameters
        ----------
        a : ndarray
            The forward output :math:`\sigma(z)`.
        grad_output : ndarray of the shape of ``a``
            :math:`\partial L/\partial a`. Non-finite values pass through (a diverging run
            reaches :func:`gradlab.training.fit`'s divergence check, as in PyTorch).
        **params : float
            The activation's parameters (``slope``, ``alpha``), overriding its defaults.

        Returns
        -------
        ndarray
            :math:`\partial L/\partial z`, of the shape of ``a``.

        Examples
        --------
        >>> from gradlab.activations import sigmoid
        >>> sigmoid.backward([0.5, 0.9], [1.0, 2.0])
        array([0.25, 0.18])
        """
        a_arr, g, p = self._backward_args(a, grad_output, params)
        return self._vjp(a_arr, g, p)

    def _vjp(self, a: FloatArray, g: FloatArray, params: dict[str, float]) -> FloatArray:
        """:meth:`backward` on arrays and parameters already checked (an Activation layer's)."""
        return g * self._derivative_a(a, **params)

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v}" for k, v in self.params.items())
        return f"<activation {self.name}{extra}>"


def _check_range(bounds: Any) -> tuple[float, float]:
    if (
        not isinstance(bounds, tuple | list)
        or len(bounds) != 2
        or not all(isinstance(b, numbers.Real) and not isinstance(b, bool) for b in bounds)
    ):
        raise TypeError(f"output_range must be a pair of numbers (low, high), got {bounds!r}")
    low, high = (float(b) for b in bounds)
    if math.isnan(low) or math.isnan(high) or low > high:
        raise ValueError(f"output_range must satisfy low <= high, got {bounds!r}")
    return low, high


def _unwrap(x: FloatArray) -> FloatArray:
    return x[()] if x.ndim == 0 else x


# --- sigmoid ---------------------------------------------------------------------------------
def _sigmoid(z: FloatArray) -> FloatArray:
    # e = exp(-|z|) never overflows: sigma(z) = 1 / (1 + e) for z >= 0, e / (1 + e) below.
    # As e <= 1, the numerator is max(e, [z >= 0]): the same values as choosing per element
    # with np.where, without its branch on each element's sign (twice as fast on a batch).
    e = np.exp(-np.abs(z))
    return np.asarray(np.maximum(e, z >= 0) / (1.0 + e))


def _sigmoid_derivative(z: FloatArray) -> FloatArray:
    # e / (1 + e)^2 with e = exp(-|z|): exact at z = 0 (0.25), accurate in the tails where
    # s (1 - s) would round to 0 long before the true value underflows.
    e = np.exp(-np.abs(z))
    return e / (1.0 + e) ** 2


def _sigmoid_from_output(a: FloatArray) -> FloatArray:
    return a * (1.0 - a)


sigmoid = ActivationFunction(
    "sigmoid", _sigmoid, _sigmoid_derivative, _sigmoid_from_output, output_range=(0.0, 1.0)
)
sigmoid.__doc__ = r"""Logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`.

Its derivative is :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`, whose range is
:math:`(0, 1/4]` with the maximum :math:`1/4` at :math:`z = 0`: every sigmoid layer a gradient
passes through multiplies it by at most a quarter, the root of the vanishing gradient.
Computed from :math:`e^{-|z|}`, so :math:`|z| = 10^4` gives 0 or 1 without overflow warnings.

Parameters
----------
z : array_like
    Pre-activations of any shape.

Returns
-------
ndarray
    :math:`\sigma(z)` in :math:`[0, 1]`, of the shape and floating dtype of ``z``.

Examples
--------
>>> from gradlab.activations import sigmoid
>>> sigmoid([-1e4, 0.0, 1e4])
array([0. , 0.5, 1. ])
>>> float(sigmoid.derivative(0))
0.25
"""


# --- tanh ------------------------------------------------------------------------------------
def _tanh_from_output(a: FloatArray) -> FloatArray:
    return 1.0 - a * a


def _tanh_derivative(z: FloatArray) -> FloatArray:
    # sech^2 z = 4 e / (1 + e)^2 with e = exp(-2|z|): no cancellation in the tails, no overflow
    e = np.exp(-2.0 * np.abs(z))
    return 4.0 * e / (1.0 + e) ** 2


tanh = ActivationFunction(
    "tanh", np.tanh, _tanh_derivative, _tanh_from_output, output_range=(-1.0, 1.0)
)
tanh.__doc__ = r"""Hyperbolic tangent, :math:`\tanh(z) = 2\sigma(2z) - 1`.

:math:`\tanh'(z) = 1 - \tanh^2(z)`, with range :math:`(0, 1]`: larger than the sigmoid's
near 0, but it still vanishes once units saturate at :math:`\pm 1`.

Parameters
----------
z : array_like
    Pre-activations of any shape.

Returns
-------
ndarray
    :math:`\tanh(z)` in :math:`[-1, 1]`, of the shape and floating dtype of ``z``.

Examples
--------
>>> from gradlab.activations import tanh
>>> tanh.derivative([0.0, 1e4])
array([1., 0.])
"""


# --- ReLU and Leaky ReLU -------------------------------------------------------------------------
def _leaky_relu(z: FloatArray, slope: float) -> FloatArray:
    return np.where(z > 0, z, slope * z)


def _leaky_relu_derivative(z: FloatArray, slope: float) -> FloatArray:
    # At z = 0 PyTorch's backward takes the left branch: 0 for ReLU, slope for Leaky ReLU.
    # slope >= 0, so a > 0 exactly when z > 0: the same function serves z and a.
    return np.where(z > 0, 1.0, slope).astype(z.dtype, copy=False)


def _relu(z: FloatArray) -> FloatArray:
    return np.maximum(z, 0.0)


def _relu_derivative(z: FloatArray) -> FloatArray:
    # relu(z) > 0 exactly when z > 0: the same function serves z and a.
    return (z > 0).astype(z.dtype)


relu = ActivationFunction(
    "relu", _relu, _relu_derivative, _relu_derivative, output_range=(0.0, math.inf)
)
relu.__doc__ = r"""Rectified linear unit, :math:`\mathrm{relu}(z) = \max(0, z)`.

Its derivative is the step function: 1 for :math:`z > 0` and 0 otherwise. At :math:`z = 0`,
where the function has no derivative, gradlab uses 0, as PyTorch does. A unit whose input is
negative for every sample passes no gradient at all: a *dead* ReLU.

Parameters
----------
z : array_like
    Pre-activations of any shape.

Returns
-------
ndarray
    :math:`\max(0, z)`, of the shape and floating dtype of ``z``.

Examples
--------
>>> from gradlab.activations import relu
>>> relu([-2.0, 0.0, 3.0])
array([0., 0., 3.])
>>> relu.derivative([-2.0, 0.0, 3.0])
array([0., 0., 1.])
"""

leaky_relu = ActivationFunction(
    "leaky_relu",
    _leaky_relu,
    _leaky_relu_derivative,
    _leaky_relu_derivative,
    params={"slope": 0.01},
)
leaky_relu.__doc__ = r"""Leaky ReLU, :math:`z` for :math:`z > 0` and :math:`\epsilon z` otherwise.

The small slope :math:`\epsilon` (``slope``, as in Maas et al. 2013 and PyTorch's
``negative_slope``) keeps a gradient flowing for negative inputs, so units cannot die.
The derivative at 0 is ``slope`` (PyTorch's convention).

Parameters
----------
z : array_like
    Pre-activations of any shape.
slope : float, default 0.01
    The slope :math:`\epsilon \ge 0` for :math:`z \le 0`.

Returns
-------
ndarray
    The activations, of the shape and floating dtype of ``z``.

Examples
--------
>>> from gradlab.activations import leaky_relu
>>> leaky_relu([-2.0, 3.0])
array([-0.02,  3.  ])
>>> leaky_relu.derivative([-2.0, 3.0], slope=0.2)
array([0.2, 1. ])
"""


# --- ELU -------------------------------------------------------------------------------------
def _elu(z: FloatArray, alpha: float) -> FloatArray:
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def _elu_derivative(z: FloatArray, alpha: float) -> FloatArray:
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0))).astype(z.dtype, copy=False)


def _elu_from_output(a: FloatArray, alpha: float) -> FloatArray:
    # For z <= 0, a = alpha (e^z - 1), so alpha e^z = a + alpha.
    return np.where(a > 0, 1.0, a + alpha).astype(a.dtype, copy=False)


elu = ActivationFunction(
    "elu",
    _elu,
    _elu_derivative,
    _elu_from_output,
    params={"alpha": 1.0},
    output_range=lambda alpha: (-alpha, math.inf),
)
elu.__doc__ = r"""Exponential linear unit (Clevert et al. 2015).

.. math:: \mathrm{elu}(z) = z \text{ for } z > 0, \quad \alpha (e^{z} - 1) \text{ otherwise},

with derivative 1 for :math:`z > 0` and :math:`\alpha e^{z} = \mathrm{elu}(z) + \alpha`
otherwise. Smooth for ``alpha = 1``; negative outputs push mean activations toward zero.

Parameters
----------
z : array_like
    Pre-activations of any shape.
alpha : float, default 1.0
    The scale :math:`\alpha \ge 0`: outputs approach :math:`-\alpha` as
    :math:`z \to -\infty`.

Returns
-------
ndarray
    The activations, in :math:`(-\alpha, \infty)`, of the shape and floating dtype of ``z``.

Examples
--------
>>> from gradlab.activations import elu
>>> elu([-1.0, 0.0, 2.0])
array([-0.63212056,  0.        ,  2.        ])
>>> elu.derivative([-1.0, 0.0, 2.0])
array([0.36787944, 1.        , 1.        ])
"""


# --- identity --------------------------------------------------------------------------------
def _identity(z: FloatArray) -> FloatArray:
    return z.copy()  # a new array, like every other activation: no aliasing of the caller's


def _ones(z: FloatArray) -> FloatArray:
    return np.ones_like(z)


identity = ActivationFunction("identity", _identity, _ones, _ones)
identity.__doc__ = r"""The identity, :math:`\sigma(z) = z`, with derivative 1.

A network whose activations are all the identity is a product of matrices: one linear map,
however many layers it has.

Parameters
----------
z : array_like
    Pre-activations of any shape.

Returns
-------
ndarray
    A copy of ``z`` (never ``z`` itself), of its floating dtype.

Examples
--------
>>> from gradlab.activations import identity
>>> identity.derivative([3.0, -4.0])
array([1., 1.])
"""


# --- softmax ---------------------------------------------------------------------------------
def _softmax(z: FloatArray) -> FloatArray:
    shifted = z - np.max(z, axis=-1, keepdims=True)  # e^(z - max) <= 1: no overflow
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_jacobian_from_output(s: FloatArray) -> FloatArray:
    return s[..., :, None] * (np.eye(s.shape[-1], dtype=s.dtype) - s[..., None, :])


def _softmax_jacobian(z: FloatArray) -> FloatArray:
    return _softmax_jacobian_from_output(_softmax(z))


class _Softmax(ActivationFunction):
    def _input(self, z: ArrayLike, name: str) -> FloatArray:
        arr = as_real_array(z, name)
        if arr.ndim == 0 or arr.shape[-1] == 0:
            what = "a scalar" if arr.ndim == 0 else f"shape {arr.shape}"
            raise ValueError(
                f"softmax needs {name} with at least one class on its last axis "
                f"(shape (..., n_classes)), got {what}"
            )
        return arr

    def backward(self, a: ArrayLike, grad_output: ArrayLike, **params: float) -> FloatArray:
        # J^T g with J = diag(s) - s s^T, without forming J: s * (g - <g, s>).
        s, g, p = self._backward_args(a, grad_output, params)
        if s.ndim == 0 or s.shape[-1] == 0:
            raise ValueError(f"softmax needs a of shape (..., n_classes >= 1), got {s.shape}")
        return self._vjp(s, g, p)

    def _vjp(self, s: FloatArray, g: FloatArray, params: dict[str, float]) -> FloatArray:
        return s * (g - np.sum(g * s, axis=-1, keepdims=True))


softmax = _Softmax(
    "softmax",
    _softmax,
    _softmax_jacobian,
    _softmax_jacobian_from_output,
    output_range=(0.0, 1.0),
)
softmax.__doc__ = r"""Softmax over the last axis, :math:`s_i = e^{z_i} / \sum_j e^{z_j}`.

Computed as :math:`e^{z_i - \max_j z_j} / \sum_j e^{z_j - \max_j z_j}`, so logits of
:math:`10^4` give finite probabilities. Its derivative is not element-wise but the Jacobian
:math:`\partial s_i / \partial z_j = s_i (\delta_{ij} - s_j)`, returned with shape
``z.shape + (k,)``; backpropagation applies :math:`J^\top g = s \odot (g - \langle g, s\rangle)`
without forming it.

Parameters
----------
z : array_like of shape (..., k)
    Logits, the classes on the last axis (at least one).

Returns
-------
ndarray of shape (..., k)
    Probabilities, each row summing to 1, of the floating dtype of ``z``.

Examples
--------
>>> from gradlab.activations import softmax
>>> softmax([1e4, 0.0])
array([1., 0.])
>>> softmax.derivative([0.0, 0.0])
array([[ 0.25, -0.25],
       [-0.25,  0.25]])
"""

#: Every activation by name: ``ACTIVATIONS["relu"] is relu``.
ACTIVATIONS: dict[str, ActivationFunction] = {
    f.name: f for f in (sigmoid, tanh, relu, leaky_relu, elu, identity, softmax)
}

# Doctests of the activation objects (their docstrings live on instances).
__test__ = {name: f.__doc__ or "" for name, f in ACTIVATIONS.items()}


def get(name: str | ActivationFunction) -> ActivationFunction:
    """Return the activation called ``name`` (or ``name`` itself if it already is one).

    Parameters
    ----------
    name : str or ActivationFunction
        A key of :data:`ACTIVATIONS`, or an activation object.

    Returns
    -------
    ActivationFunction
        The activation.

    Raises
    ------
    TypeError
        If ``name`` is neither a str nor an :class:`ActivationFunction`.
    ValueError
        For an unknown name; the message lists the known ones.

    Examples
    --------
    >>> from gradlab import activations
    >>> activations.get("tanh")
    <activation tanh>
    """
    if isinstance(name, ActivationFunction):
        return name
    return lookup(name, ACTIVATIONS, "activation")
