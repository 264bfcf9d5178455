r"""Diagnostics of a network's health: gradient norms, saturation, dead units, gradient checks.

These are the measurements the course uses to *see* vanishing gradients: the first layer's
gradient norm next to the last's, the share of sigmoid units stuck near 0 or 1, the share of
ReLU units that never fire, and a finite-difference check that backpropagation is right.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
from numpy.typing import ArrayLike

from . import losses as _losses
from ._validation import (
    FloatArray,
    as_float_array,
    check_matrix,
    check_positive,
    check_unit_interval,
)
from .layers import Activation, Dense, Layer, Sequential

__all__ = [
    "dead_fraction",
    "dense_layers",
    "gradcheck",
    "gradient_norms",
    "input_jacobian",
    "layer_outputs",
    "norm",
    "saturated_fraction",
]


def norm(x: ArrayLike) -> float:
    r"""Euclidean (Frobenius) norm :math:`\|x\|`, exact for tiny and huge entries.

    ``numpy.linalg.norm`` squares the entries as they are: float32 gradients below about
    :math:`10^{-19}` read as norm 0 and float64 ones above :math:`10^{154}` as inf. Vanishing
    and exploding gradients live exactly there, so this norm works in float64 and divides by
    the largest entry first, :math:`\|x\| = m \|x/m\|` with :math:`m = \max|x_i|`.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.diagnostics import norm
    >>> norm(np.array([3e-30, 4e-30], dtype=np.float32))
    5.000000...e-30
    >>> float(np.linalg.norm(np.array([3e-30, 4e-30], dtype=np.float32)))
    0.0
    >>> norm([3e200, 4e200])
    4.99999...e+200
    """
    a = np.abs(np.asarray(x, dtype=np.float64))
    m = float(a.max()) if a.size else 0.0
    if m == 0.0 or not np.isfinite(m):
        return m
    return m * float(np.sqrt(np.sum((a / m) ** 2)))


def _check_model(model: object) -> Sequential:
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a gradlab Sequential, got {type(model).__name__}")
    return model


def dense_layers(model: Sequential) -> list[Dense]:
    """The :class:`~gradlab.Dense` layers of ``model`` in forward order (nested blocks included).

    Examples
    --------
    >>> from gradlab.layers import mlp
    >>> from gradlab.diagnostics import dense_layers
    >>> [layer.W.shape for layer in dense_layers(mlp([4, 3, 2], rng=0))]
    [(4, 3), (3, 2)]
    """

    def walk(layer: Layer) -> Iterator[Dense]:
        if isinstance(layer, Dense):
            yield layer
        elif isinstance(layer, Sequential):
            for inner in layer:
                yield from walk(inner)

    return list(walk(_check_model(model)))


def gradient_norms(model: Sequential, which: str = "W") -> FloatArray:
    r"""Frobenius norm of each Dense layer's gradient, :math:`\|\partial L/\partial W^{(l)}\|`.

    Read after a ``backward`` pass. The first entry is the layer nearest the input: in a deep
    sigmoid network it is the smallest, often by orders of magnitude.

    Parameters
    ----------
    model : Sequential
    which : {"W", "b"}, default "W"
        Norms of the weight gradients, or of the bias gradients (Nielsen's :math:`\|\delta^l\|`
        uses the bias gradient).

    Returns
    -------
    ndarray of shape (n_dense_layers,)

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.layers import mlp
    >>> from gradlab.diagnostics import gradient_norms
    >>> net = mlp([3, 8, 8, 8, 1], activation="sigmoid", init="normal", rng=0)
    >>> _ = net.forward(np.ones((5, 3)))
    >>> _ = net.backward(np.ones((5, 1)))
    >>> norms = gradient_norms(net)
    >>> bool(norms[0] < norms[-1])
    True
    """
    if which not in ("W", "b"):
        raise ValueError(f"which must be 'W' or 'b', got {which!r}")
    norms = []
    for layer in dense_layers(model):
        param = layer.W if which == "W" else layer.b
        if param is None:
            raise ValueError(f"{layer!r} has no bias; use which='W'")
        norms.append(norm(param.grad))
    return np.asarray(norms, dtype=np.float64)


def layer_outputs(model: Sequential, X: ArrayLike) -> list[FloatArray]:
    """Run ``model`` on ``X`` and return the output of every top-level layer, in order.

    This is a forward pass like any other: ``model.backward`` may follow it.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.layers import mlp
    >>> from gradlab.diagnostics import layer_outputs
    >>> [a.shape for a in layer_outputs(mlp([2, 3, 1], rng=0), np.zeros((4, 2)))]
    [(4, 3), (4, 3), (4, 1)]
    """
    model = _check_model(model)
    return model._forward_trace(check_matrix(X, "X", model.in_features, owner="Sequential"))


def _per_activation_layer(
    model: Sequential,
    X: ArrayLike,
    names: tuple[str, ...],
    statistic: Callable[[Activation, FloatArray], float],
) -> FloatArray:
    """``statistic(layer, output)`` for each top-level Activation layer named in ``names``."""
    outputs = layer_outputs(_check_model(model), X)
    return np.asarray(
        [
            statistic(layer, a)
            for layer, a in zip(model, outputs, strict=True)
            if isinstance(layer, Activation) and layer.name in names
        ],
        dtype=np.float64,
    )


def saturated_fraction(model: Sequential, X: ArrayLike, threshold: float = 0.05) -> FloatArray:
    r"""Fraction of saturated units in each sigmoid or tanh layer, for the batch ``X``.

    A unit's value for one sample is *saturated* when its local derivative is below
    ``threshold`` times the activation's maximum derivative: :math:`\sigma'(z) < 0.05 \cdot
    \tfrac14` (:math:`|z| > 4.4`, output below 0.012 or above 0.988) for the sigmoid,
    :math:`\tanh'(z) < 0.05` (:math:`|z| > 2.2`, :math:`|a| > 0.975`) for tanh. Such a unit
    passes back less than 5 % of the gradient it could.

    Returns
    -------
    ndarray of shape (n_sigmoid_or_tanh_layers,)

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.layers import mlp
    >>> from gradlab.diagnostics import saturated_fraction
    >>> big = mlp([10, 50, 1], activation="sigmoid", init="normal", rng=0)
    >>> small = mlp([10, 50, 1], activation="sigmoid", init="xavier_normal", rng=0)
    >>> X = np.random.default_rng(1).normal(size=(100, 10))
    >>> bool(saturated_fraction(big, X)[0] > saturated_fraction(small, X)[0])
    True
    """
    threshold = check_unit_interval(threshold, "threshold")
    peak = {"sigmoid": 0.25, "tanh": 1.0}  # the largest derivative of each

    def saturated(layer: Activation, a: FloatArray) -> float:
        return float(np.mean(layer.function._from_output(a) < threshold * peak[layer.name]))

    return _per_activation_layer(model, X, tuple(peak), saturated)


def dead_fraction(model: Sequential, X: ArrayLike) -> FloatArray:
    """Fraction of dead units in each ReLU layer: units whose output is 0 for every row of ``X``.

    A dead ReLU passes no gradient to its weights for any of these inputs, so gradient descent
    cannot revive it. Leaky ReLU and ELU units never die by this definition.

    Returns
    -------
    ndarray of shape (n_relu_layers,)

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.layers import mlp
    >>> from gradlab.diagnostics import dead_fraction
    >>> net = mlp([2, 4, 1], activation="relu", rng=0)
    >>> net[0].b.value[:] = -100.0  # a large negative bias kills every unit
    >>> dead_fraction(net, np.ones((8, 2)))
    array([1.])
    """

    def dead(layer: Activation, a: FloatArray) -> float:
        return float(np.mean(np.all(a <= 0, axis=0)))

    return _per_activation_layer(model, X, ("relu",), dead)


def input_jacobian(model: Sequential, x: ArrayLike) -> FloatArray:
    r"""The Jacobian :math:`\partial\, \text{output} / \partial x` of ``model`` at one input ``x``.

    Computed with one backward pass seeded with the identity: the input is repeated once per
    output unit, and row :math:`i` of the result is the gradient of output :math:`i`. Its
    singular values show whether a deep network preserves the norm of back-propagated
    signals (dynamical isometry, Saxe et al. 2013). Parameter gradients are left as they were.

    Parameters
    ----------
    x : ndarray of shape (in_features,) or (1, in_features)

    Returns
    -------
    ndarray of shape (out_features, in_features)

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab import Dense, Sequential
    >>> from gradlab.diagnostics import input_jacobian
    >>> layer = Dense(2, 3, rng=0)
    >>> J = input_jacobian(Sequential(layer), np.zeros(2))
    >>> bool(np.allclose(J, layer.W.value.T))
    True
    """
    model = _check_model(model)
    x = as_float_array(x, "x").reshape(1, -1)
    out = model.forward(x)
    k = out.shape[1]
    saved = [p.grad.copy() for p in model.parameters()]
    model.forward(np.repeat(x, k, axis=0))
    jac = model.backward(np.eye(k, dtype=out.dtype))
    for p, g in zip(model.parameters(), saved, strict=True):
        p.grad[...] = g
    return np.asarray(jac)


def _relative_errors(analytic: list[FloatArray], numerical: list[FloatArray]) -> list[float]:
    norms = [max(norm(a), norm(n)) for a, n in zip(analytic, numerical, strict=True)]
    floor = 1e-3 * max(norms, default=0.0)
    return [
        norm(a - n) / max(scale, floor) if max(scale, floor) > 0 else 0.0
        for a, n, scale in zip(analytic, numerical, norms, strict=True)
    ]


def gradcheck(
    model: Sequential,
    X: ArrayLike,
    target: ArrayLike,
    loss: str | _losses.Loss = "squared_error",
    eps: float = 1e-6,
) -> float:
    r"""Compare backpropagation with central finite differences; return the max relative error.

    For every parameter entry :math:`\theta_j` the numerical derivative is
    :math:`(L(\theta_j + \varepsilon) - L(\theta_j - \varepsilon)) / 2\varepsilon`, with error
    :math:`O(\varepsilon^2)`. For each parameter array :math:`P` (and for the input ``X``) the
    relative error is :math:`\|g_\text{backprop} - g_\text{numeric}\| / \max(\|g_\text{backprop}\|,
    \|g_\text{numeric}\|, 10^{-3} G)` with :math:`G` the largest gradient norm of any array;
    the largest over all arrays is returned. Norm-wise rather than entry-wise, and with the
    floor :math:`10^{-3} G`, so that gradients that are zero up to rounding (a bias followed
    by batch normalization) do not turn finite-difference noise into a 100 % error. In float64
    a correct backward gives about :math:`10^{-8}` or less.

    Parameters
    ----------
    model : Sequential
    X : ndarray of shape (n_samples, in_features)
    target : ndarray
        Target of the loss, the shape of the model's output (or class indices for
        ``cross_entropy``).
    loss : str or Loss, default "squared_error"
    eps : float, default 1e-6

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.layers import mlp
    >>> from gradlab.diagnostics import gradcheck
    >>> rng = np.random.default_rng(0)
    >>> net = mlp([3, 5, 2], activation="tanh", rng=0)
    >>> err = gradcheck(net, rng.normal(size=(4, 3)), rng.normal(size=(4, 2)))
    >>> bool(err < 1e-7)
    True
    """
    model = _check_model(model)
    loss_fn = _losses.get(loss)
    eps = check_positive(eps, "eps")
    x = np.array(check_matrix(X, "X", model.in_features, owner="gradcheck"), dtype=np.float64)
    params = model.parameters()
    saved = [p.grad.copy() for p in params]
    model.zero_grad()
    out = model.forward(x)
    grad_x = model.backward(loss_fn.derivative(out, target))
    analytic = [p.grad.copy() for p in params] + [np.asarray(grad_x)]

    def numeric(array: FloatArray) -> FloatArray:
        grad = np.zeros_like(array)
        for j in np.ndindex(array.shape):
            original = array[j]
            array[j] = original + eps
            plus = loss_fn(model.forward(x), target)
            array[j] = original - eps
            minus = loss_fn(model.forward(x), target)
            array[j] = original
            grad[j] = (plus - minus) / (2 * eps)
        return grad

    numerical = [numeric(p.value) for p in params] + [numeric(x)]
    for p, g in zip(params, saved, strict=True):
        p.grad[...] = g
    return max(_relative_errors(analytic, numerical))
