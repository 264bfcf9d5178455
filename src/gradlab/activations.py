r"""Activation functions, each with its derivative.

An activation :math:`\sigma` is applied element-wise to a layer's pre-activation
:math:`z = hW + b`. The lectures ask two things of it: it must be **nonlinear** (otherwise
stacked layers collapse into one matrix) and **differentiable** (otherwise backpropagation
has nothing to multiply). Every activation here is an :class:`ActivationFunction`: call it on a
scalar or an array, and ask for ``.derivative(z)``.

>>> from gradlab.activations import sigmoid, relu
>>> float(sigmoid(0.0)), float(sigmoid.derivative(0.0))
(0.5, 0.25)
>>> relu.derivative([-1.0, 0.0, 2.0])
array([0., 0., 1.])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ._validation import FloatArray, as_float_array, check_nonnegative, lookup

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


class ActivationFunction:
    """An activation function together with its derivative.

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
        lectures write :math:`\\sigma' = \\sigma(1 - \\sigma)`. Backpropagation uses it, so a layer
        needs to keep only its output.
    params : dict
        Default keyword parameters (``slope`` of Leaky ReLU, ``alpha`` of ELU).
    """

    def __init__(
        self,
        name: str,
        forward: Fn,
        derivative: Fn,
        from_output: Fn,
        params: dict[str, float] | None = None,
    ) -> None:
        self.name = name
        self._forward = forward
        self._derivative = derivative
        self._from_output = from_output
        self.params = dict(params or {})

    def _params(self, kwargs: dict[str, Any]) -> dict[str, float]:
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

    def __call__(self, z: ArrayLike, **kwargs: float) -> FloatArray:
        """Return :math:`\\sigma(z)` element-wise (a NumPy scalar for scalar input)."""
        return _unwrap(self._forward(self._input(z, "z"), **self._params(kwargs)))

    def derivative(self, z: ArrayLike, **kwargs: float) -> FloatArray:
        """Return :math:`\\sigma'(z)` element-wise (a NumPy scalar for scalar input)."""
        return _unwrap(self._derivative(self._input(z, "z"), **self._params(kwargs)))

    def derivative_from_output(self, a: ArrayLike, **kwargs: float) -> FloatArray:
        """Return :math:`\\sigma'` computed from the output :math:`a = \\sigma(z)`."""
        return _unwrap(self._from_output(self._input(a, "a"), **self._params(kwargs)))

    def _input(self, z: ArrayLike, name: str) -> FloatArray:
        return as_float_array(z, name)

    def backward(self, a: FloatArray, grad_output: FloatArray, **params: float) -> FloatArray:
        """Vector-Jacobian product: ``dL/dz`` from ``dL/da`` and the output ``a``.

        Element-wise activations multiply by :meth:`derivative_from_output`; softmax, whose
        Jacobian is not diagonal, overrides this. No argument checks: this is the hot path.
        """
        return grad_output * self._from_output(a, **(params or self.params))

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v}" for k, v in self.params.items())
        return f"<activation {self.name}{extra}>"


def _unwrap(x: FloatArray) -> FloatArray:
    return x[()] if x.ndim == 0 else x


# --- sigmoid ---------------------------------------------------------------------------------
def _sigmoid(z: FloatArray) -> FloatArray:
    # exp(-|z|) never overflows; the two branches are algebraically equal.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_derivative(z: FloatArray) -> FloatArray:
    # e / (1 + e)^2 with e = exp(-|z|): exact at z = 0 (0.25), accurate in the tails where
    # s (1 - s) would round to 0 long before the true value underflows.
    e = np.exp(-np.abs(z))
    return e / (1.0 + e) ** 2


def _sigmoid_from_output(a: FloatArray) -> FloatArray:
    return a * (1.0 - a)


sigmoid = ActivationFunction("sigmoid", _sigmoid, _sigmoid_derivative, _sigmoid_from_output)
sigmoid.__doc__ = r"""Logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`.

Its derivative is :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`, whose range is
:math:`(0, 1/4]` with the maximum :math:`1/4` at :math:`z = 0`: every sigmoid layer a gradient
passes through multiplies it by at most a quarter, the root of the vanishing gradient.
Computed from :math:`e^{-|z|}`, so :math:`|z| = 10^4` gives 0 or 1 without overflow warnings.

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


tanh = ActivationFunction("tanh", np.tanh, _tanh_derivative, _tanh_from_output)
tanh.__doc__ = r"""Hyperbolic tangent, :math:`\tanh(z) = 2\sigma(2z) - 1`.

:math:`\tanh'(z) = 1 - \tanh^2(z)`, with range :math:`(0, 1]`: larger than the sigmoid's
near 0, but it still vanishes once units saturate at :math:`\pm 1`.

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
    return np.where(z > 0, 1.0, slope).astype(z.dtype, copy=False)


def _leaky_relu_from_output(a: FloatArray, slope: float) -> FloatArray:
    # slope >= 0, so a > 0 exactly when z > 0.
    return np.where(a > 0, 1.0, slope).astype(a.dtype, copy=False)


def _relu(z: FloatArray) -> FloatArray:
    return np.maximum(z, 0.0)


def _relu_derivative(z: FloatArray) -> FloatArray:
    return (z > 0).astype(z.dtype)


relu = ActivationFunction("relu", _relu, _relu_derivative, _relu_derivative)
relu.__doc__ = r"""Rectified linear unit, :math:`\mathrm{relu}(z) = \max(0, z)`.

Its derivative is the step function: 1 for :math:`z > 0` and 0 otherwise. At :math:`z = 0`,
where the function has no derivative, gradlab uses 0, as PyTorch does. A unit whose input is
negative for every sample passes no gradient at all: a *dead* ReLU.

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
    _leaky_relu_from_output,
    params={"slope": 0.01},
)
leaky_relu.__doc__ = r"""Leaky ReLU, :math:`z` for :math:`z > 0` and :math:`\epsilon z` otherwise.

The small slope :math:`\epsilon` (``slope``, default 0.01, as in Maas et al. 2013 and PyTorch's
``negative_slope``) keeps a gradient flowing for negative inputs, so units cannot die.
The derivative at 0 is ``slope`` (PyTorch's convention).

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


elu = ActivationFunction("elu", _elu, _elu_derivative, _elu_from_output, params={"alpha": 1.0})
elu.__doc__ = r"""Exponential linear unit (Clevert et al. 2015).

.. math:: \mathrm{elu}(z) = z \text{ for } z > 0, \quad \alpha (e^{z} - 1) \text{ otherwise},

with derivative 1 for :math:`z > 0` and :math:`\alpha e^{z} = \mathrm{elu}(z) + \alpha`
otherwise. Smooth for ``alpha = 1``; negative outputs push mean activations toward zero.

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
    return z


def _ones(z: FloatArray) -> FloatArray:
    return np.ones_like(z)


identity = ActivationFunction("identity", _identity, _ones, _ones)
identity.__doc__ = r"""The identity, :math:`\sigma(z) = z`, with derivative 1.

A network whose activations are all the identity is a product of matrices: one linear map,
however many layers it has.

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


def _softmax_jacobian(z: FloatArray) -> FloatArray:
    s = _softmax(z)
    return s[..., :, None] * (np.eye(s.shape[-1], dtype=s.dtype) - s[..., None, :])


def _softmax_jacobian_from_output(s: FloatArray) -> FloatArray:
    return s[..., :, None] * (np.eye(s.shape[-1], dtype=s.dtype) - s[..., None, :])


class _Softmax(ActivationFunction):
    def _input(self, z: ArrayLike, name: str) -> FloatArray:
        arr = as_float_array(z, name)
        if arr.ndim == 0:
            raise ValueError(
                f"softmax needs at least 1-D {name} (the classes on the last axis), got a scalar"
            )
        return arr

    def backward(self, a: FloatArray, grad_output: FloatArray, **params: float) -> FloatArray:
        # J^T g with J = diag(s) - s s^T, without forming J: s * (g - <g, s>).
        return a * (grad_output - np.sum(grad_output * a, axis=-1, keepdims=True))


softmax = _Softmax("softmax", _softmax, _softmax_jacobian, _softmax_jacobian_from_output)
softmax.__doc__ = r"""Softmax over the last axis, :math:`s_i = e^{z_i} / \sum_j e^{z_j}`.

Computed as :math:`e^{z_i - \max_j z_j} / \sum_j e^{z_j - \max_j z_j}`, so logits of
:math:`10^4` give finite probabilities. Its derivative is not element-wise but the Jacobian
:math:`\partial s_i / \partial z_j = s_i (\delta_{ij} - s_j)`, returned with shape
``z.shape + (k,)``; backpropagation applies :math:`J^\top g = s \odot (g - \langle g, s\rangle)`
without forming it.

Examples
--------
>>> from gradlab.activations import softmax
>>> softmax([1e4, 0.0])
array([1., 0.])
>>> softmax.derivative([0.0, 0.0])
array([[ 0.25, -0.25],
       [-0.25,  0.25]])
"""

ACTIVATIONS: dict[str, ActivationFunction] = {
    f.name: f for f in (sigmoid, tanh, relu, leaky_relu, elu, identity, softmax)
}

# Doctests of the activation objects (their docstrings live on instances).
__test__ = {name: f.__doc__ or "" for name, f in ACTIVATIONS.items()}


def get(name: str | ActivationFunction) -> ActivationFunction:
    """Return the activation called ``name`` (or ``name`` itself if it already is one).

    Raises
    ------
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
