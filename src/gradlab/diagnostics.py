r"""Diagnostics of a network's health: gradient norms, saturation, dead units, gradient checks.

These are the measurements the course uses to *see* vanishing gradients: the first layer's
gradient norm next to the last's, the share of sigmoid units stuck near 0 or 1, the share of
ReLU units that never fire, and a finite-difference check that backpropagation is right.

A measurement leaves the model as it found it: parameters, gradients, every layer's training
mode, BatchNorm's running statistics and the caches waiting for a backward pass
(:func:`gradlab.layers.preserved_state`); only :func:`layer_outputs`, a forward pass that
``backward`` may follow, keeps the caches of its pass. Layers run in their own modes, so a
BatchNorm layer in training mode normalizes with the batch's statistics, as it does in
training.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import losses as _losses
from ._validation import (
    FloatArray,
    as_real_array,
    check_matrix,
    check_positive,
    check_str,
    check_unit_interval,
)
from .layers import Activation, BatchNorm, Dense, Layer, Sequential, preserved_state
from .parameter import Parameter

__all__ = [
    "GradientReport",
    "dead_fraction",
    "dense_layers",
    "diagnose",
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

    Parameters
    ----------
    x : array_like
        Real numbers of any shape (a gradient). inf and NaN are allowed: they are what an
        exploding gradient looks like.

    Returns
    -------
    float
        The norm; 0.0 for an empty array, inf if an entry is infinite, NaN if one is NaN.

    Raises
    ------
    TypeError
        If ``x`` is not array-like of real numbers (a str, None, booleans).

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
    return _norm(as_real_array(x, "x", allow_nonfinite=True))


def _norm(x: FloatArray) -> float:
    """:func:`norm` of an array already checked (the training loop's hot path)."""
    flat = x.astype(np.float64, copy=False).ravel()
    with np.errstate(over="ignore", under="ignore"):
        squares = float(np.dot(flat, flat))
    if 1e-280 < squares < 1e280:  # so m^2 < 1e280 and m^2 > 1e-280 / size: no entry that
        return math.sqrt(squares)  # matters under- or overflows (numpy.linalg.norm's sum)
    a = np.abs(flat)
    m = float(a.max()) if a.size else 0.0
    if m == 0.0 or not np.isfinite(m):
        return m
    return m * float(np.sqrt(np.sum((a / m) ** 2)))


def _check_model(model: object) -> Sequential:
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a gradlab Sequential, got {type(model).__name__}")
    return model


def _check_batch(X: ArrayLike, model: Sequential, owner: str) -> FloatArray:
    """``X`` as a finite float matrix of at least one row with the model's input width."""
    x = check_matrix(X, "X", model.in_features, owner=owner)
    if x.shape[0] == 0:
        raise ValueError(f"{owner} needs X with at least one sample (row), got shape {x.shape}")
    return x


def dense_layers(model: Sequential) -> list[Dense]:
    """The :class:`~gradlab.Dense` layers of ``model`` in forward order (nested blocks included).

    Parameters
    ----------
    model : Sequential
        The network; layers inside :class:`~gradlab.Residual` and nested
        :class:`~gradlab.Sequential` blocks are included.

    Returns
    -------
    list of Dense
        Each Dense object once, in the order of its first use: a layer applied twice (weight
        tying) has one gradient, the sum over its uses.

    Examples
    --------
    >>> from gradlab.layers import mlp
    >>> from gradlab.diagnostics import dense_layers
    >>> [layer.W.shape for layer in dense_layers(mlp([4, 3, 2], rng=0))]
    [(4, 3), (3, 2)]
    """
    return [layer for layer in _check_model(model).modules() if isinstance(layer, Dense)]


def gradient_norms(model: Sequential, which: str = "W") -> FloatArray:
    r"""Return the norm of each Dense layer's gradient, :math:`\|\partial L/\partial W^{(l)}\|`.

    Read after a ``backward`` pass. The first entry is the layer nearest the input: in a deep
    sigmoid network it is the smallest, often by orders of magnitude.

    Parameters
    ----------
    model : Sequential
        The network, after a backward pass.
    which : {"W", "b"}, default "W"
        Norms of the weight gradients, or of the bias gradients (Nielsen's :math:`\|\delta^l\|`
        uses the bias gradient).

    Returns
    -------
    ndarray of shape (n_dense_layers,)
        One norm per layer of :func:`dense_layers`, first layer first.

    Raises
    ------
    ValueError
        If a layer has no bias (``which="b"``) or a gradient is ``None``.

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
    model = _check_model(model)
    if check_str(which, "which") not in ("W", "b"):
        raise ValueError(f"which must be 'W' or 'b', got {which!r}")
    grads = []
    for layer in dense_layers(model):
        param = layer.W if which == "W" else layer.b
        if param is None:
            raise ValueError(f"{layer!r} has no bias; use which='W'")
        if param.grad is None:
            raise ValueError(
                f"{which} of {layer!r} has no gradient (grad is None): run a backward pass first"
            )
        grads.append(param.grad)
    return np.asarray([_norm(g) for g in grads], dtype=np.float64)


def layer_outputs(model: Sequential, X: ArrayLike) -> list[FloatArray]:
    """Run ``model`` on ``X`` and return the output of every top-level layer, in order.

    This is a forward pass like any other, with every layer in its own mode: ``model.backward``
    may follow it. Unlike ``model.forward`` it leaves BatchNorm's running statistics as they
    were, so that looking at a network does not change it.

    Parameters
    ----------
    model : Sequential
        The network.
    X : array_like of shape (n_samples, in_features)
        The batch.

    Returns
    -------
    list of ndarray
        One array per entry of ``model`` (a :class:`~gradlab.Residual` block counts as one),
        the last being ``model.forward(X)``; copies, owned by the caller.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.layers import mlp
    >>> from gradlab.diagnostics import layer_outputs
    >>> [a.shape for a in layer_outputs(mlp([2, 3, 1], rng=0), np.zeros((4, 2)))]
    [(4, 3), (4, 3), (4, 1)]
    """
    model = _check_model(model)
    x = check_matrix(X, "X", model.in_features, owner="layer_outputs")
    with preserved_state(model):
        outputs = model._forward_trace(np.array(x, copy=True))
        caches = [(layer, list(layer._pending())) for layer in model.modules()]
    for layer, tape in caches:  # keep this pass's caches for the backward that may follow
        layer._pending()[:] = tape
    return outputs


def _leaves(layer: Layer) -> Iterator[Layer]:
    """The non-container layers in the order a forward pass calls them, once per call."""
    if isinstance(layer, Sequential):
        for child in layer.layers:
            yield from _leaves(child)
    else:
        yield layer


def _activation_calls(
    model: Sequential, X: ArrayLike, names: tuple[str, ...], owner: str
) -> list[tuple[Activation, FloatArray]]:
    """Each call of an Activation layer named in ``names`` in a forward pass, with its output.

    Forward order, nested blocks included; a layer object used twice appears once per call.
    """
    model = _check_model(model)
    x = _check_batch(X, model, owner)
    with preserved_state(model):
        model._start_pass()
        model._call(np.array(x, copy=True))
        # Each call left its cache on its layer's tape, in call order; an Activation's cache
        # is its output.
        tapes = {id(layer): iter(layer._pending()) for layer in model.modules()}
        calls = [(layer, next(tapes[id(layer)])[0]) for layer in _leaves(model)]
    return [
        (layer, a) for layer, a in calls if isinstance(layer, Activation) and layer.name in names
    ]


def _per_activation_call(
    model: Sequential,
    X: ArrayLike,
    names: tuple[str, ...],
    statistic: Callable[[Activation, FloatArray], float],
    owner: str,
) -> FloatArray:
    calls = _activation_calls(model, X, names, owner)
    return np.asarray([statistic(layer, a) for layer, a in calls], dtype=np.float64)


def saturated_fraction(model: Sequential, X: ArrayLike, threshold: float = 0.05) -> FloatArray:
    r"""Fraction of saturated units in each sigmoid or tanh layer, for the batch ``X``.

    A unit's value for one sample is *saturated* when its local derivative is below
    ``threshold`` times the activation's maximum derivative: :math:`\sigma'(z) < 0.05 \cdot
    \tfrac14` (:math:`|z| > 4.4`, output below 0.012 or above 0.988) for the sigmoid,
    :math:`\tanh'(z) < 0.05` (:math:`|z| > 2.2`, :math:`|a| > 0.975`) for tanh. Such a unit
    passes back less than 5 % of the gradient it could.

    Parameters
    ----------
    model : Sequential
        The network; it is left exactly as it was.
    X : array_like of shape (n_samples, in_features)
        The batch, at least one sample.
    threshold : float, default 0.05
        In [0, 1): the fraction of the maximum derivative below which a unit is saturated.

    Returns
    -------
    ndarray of shape (n_calls,)
        One fraction per call of a sigmoid or tanh :class:`~gradlab.Activation` layer in a
        forward pass, in forward order: layers inside :class:`~gradlab.Residual` blocks
        included, and a layer object used twice counted at each use.

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
        # sigma'(z) from the output, as backward computes it: NaN units (a diverged network)
        # pass through as "not saturated" instead of being refused
        slope = layer.function.backward(a, np.ones_like(a), **layer.params)
        return float(np.mean(slope < threshold * peak[layer.name]))

    return _per_activation_call(model, X, tuple(peak), saturated, "saturated_fraction")


def dead_fraction(model: Sequential, X: ArrayLike) -> FloatArray:
    """Fraction of dead units in each ReLU layer: units whose output is 0 for every row of ``X``.

    A dead ReLU passes no gradient to its weights for any of these inputs, so gradient descent
    cannot revive it. Leaky ReLU and ELU units never die by this definition.

    Parameters
    ----------
    model : Sequential
        The network; it is left exactly as it was.
    X : array_like of shape (n_samples, in_features)
        The batch, at least one sample.

    Returns
    -------
    ndarray of shape (n_calls,)
        One fraction per call of a ReLU :class:`~gradlab.Activation` layer in a forward pass,
        in forward order: layers inside :class:`~gradlab.Residual` blocks included, and a
        layer object used twice counted at each use.

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

    return _per_activation_call(model, X, ("relu",), dead, "dead_fraction")


def input_jacobian(model: Sequential, x: ArrayLike) -> FloatArray:
    r"""The Jacobian :math:`\partial\, \text{output} / \partial x` of ``model`` at one input ``x``.

    Computed with one backward pass seeded with the identity: the input is repeated once per
    output unit, and row :math:`i` of the result is the gradient of output :math:`i`. Its
    singular values show whether a deep network preserves the norm of back-propagated
    signals (dynamical isometry, Saxe et al. 2013). The model is left exactly as it was.

    Parameters
    ----------
    model : Sequential
        The network. BatchNorm layers must be in evaluation mode: one input has no batch
        statistics.
    x : array_like of shape (in_features,) or (1, in_features)
        One input.

    Returns
    -------
    ndarray of shape (out_features, in_features)
        Row :math:`i` is :math:`\partial\, \text{output}_i / \partial x`.

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
    point = as_real_array(x, "x")
    n_in = model.in_features
    if point.ndim == 2 and point.shape[0] == 1:
        point = point[0]
    if point.ndim != 1 or point.size == 0 or (n_in is not None and point.size != n_in):
        width = "in_features" if n_in is None else n_in
        raise ValueError(
            f"x must be one input, of shape ({width},) or (1, {width}), got shape {np.shape(x)}"
            + ("; for a batch, call input_jacobian on each row" if point.ndim == 2 else "")
        )
    training_bn = [
        layer for layer in model.modules() if isinstance(layer, BatchNorm) and layer.training
    ]
    if training_bn:
        raise ValueError(
            f"input_jacobian needs BatchNorm layers in evaluation mode (one input has no batch "
            f"statistics), got {training_bn[0]!r} in training mode; call model.eval() first"
        )
    with preserved_state(model):
        out = model.forward(point[None])
        k = out.shape[1]
        model.forward(np.repeat(point[None], k, axis=0))
        jac = model.backward(np.eye(k, dtype=out.dtype))
    return np.asarray(jac)


def _dtypes(model: Layer) -> list[np.dtype[Any]]:
    return [p.value.dtype for p in model.parameters()]


def _relative_errors(analytic: list[FloatArray], numerical: list[FloatArray]) -> list[float]:
    norms = [max(_norm(a), _norm(n)) for a, n in zip(analytic, numerical, strict=True)]
    floor = 1e-3 * max(norms, default=0.0)
    return [
        _norm(a.astype(np.float64) - n) / max(scale, floor) if max(scale, floor) > 0 else 0.0
        for a, n, scale in zip(analytic, numerical, norms, strict=True)
    ]


def _float64_copy(model: Sequential) -> Sequential:
    """A copy of ``model`` whose parameters and buffers are float64 copies of the originals."""
    memo: dict[int, object] = {
        id(p): Parameter(p.value.astype(np.float64), name=p.name) for p in model.parameters()
    }
    for layer in model.modules():
        if isinstance(layer, Activation):  # shared, as immutable (and not deep-copyable today)
            memo[id(layer.function)] = layer.function
    twin = copy.deepcopy(model, memo)
    for layer in twin.modules():
        for key, value in layer._buffers().items():
            setattr(layer, key, value.astype(np.float64))
    return twin


#: The default finite-difference step: the cube root of float64's machine epsilon, where the
#: central difference's truncation error O(h^2) and its rounding error O(eps/h) balance.
_STEP = float(np.cbrt(np.finfo(np.float64).eps))


def gradcheck(
    model: Sequential,
    X: ArrayLike,
    target: ArrayLike,
    loss: str | _losses.Loss = "squared_error",
    eps: float | None = None,
) -> float:
    r"""Compare backpropagation with central finite differences; return the max relative error.

    The analytic gradient is the model's own backward pass, in the model's own dtype (``X``
    and a floating ``target`` are rounded to the dtype of the parameters, so a float32 network
    is checked in float32). The numerical gradient is computed in float64, on a float64 copy
    of the model at the same (rounded) point: for every parameter entry :math:`\theta_j`,
    :math:`(L(\theta_j + h_j) - L(\theta_j - h_j)) / 2h_j` with
    :math:`h_j = \varepsilon \max(1, |\theta_j|)`, and likewise for every entry of ``X``.
    The result is therefore the error of the backward pass itself, not of the finite
    differences.

    For each parameter array :math:`P` (and for the input ``X``) the relative error is
    :math:`\|g_\text{backprop} - g_\text{numeric}\| / \max(\|g_\text{backprop}\|,
    \|g_\text{numeric}\|, 10^{-3} G)` with :math:`G` the largest gradient norm of any array;
    the largest over all arrays is returned. Norm-wise rather than entry-wise, and with the
    floor :math:`10^{-3} G`, so that gradients that are zero up to rounding (a bias followed
    by batch normalization) do not turn rounding noise into a 100 % error.

    Parameters
    ----------
    model : Sequential
        The network, checked with every layer in its own mode (a BatchNorm layer in training
        mode with batch statistics). It is left exactly as it was.
    X : array_like of shape (n_samples, in_features)
        The batch, at least one sample.
    target : array_like
        Target of the loss, the shape of the model's output (or class indices for
        ``cross_entropy``).
    loss : str or Loss, default "squared_error"
        The loss whose gradient is checked.
    eps : float, optional
        Relative finite-difference step :math:`\varepsilon`. Default
        :math:`\epsilon_{64}^{1/3} \approx 6 \cdot 10^{-6}`, which balances the central
        difference's truncation error :math:`O(h^2)` and its rounding error
        :math:`O(\epsilon_{64}/h)`.

    Returns
    -------
    float
        The largest relative error. Which value means "correct" depends on the model's dtype
        (see Notes).

    Notes
    -----
    A correct backward pass is only as exact as its arithmetic, so the threshold to use
    depends on the model's dtype:

    ======== ====================================== ==================================
    dtype    a correct backward gives               threshold to use
    ======== ====================================== ==================================
    float64  :math:`10^{-10}` to :math:`10^{-7}`    ``1e-6``
    float32  :math:`10^{-7}`, up to :math:`10^{-4}`  ``1e-3``
             next to batch normalization
    float16  :math:`10^{-3}` to 1                   none: check in float32 instead
    ======== ====================================== ==================================

    A 1 % error in a backward formula gives about ``1e-2`` in every dtype. Next to batch
    normalization, the bias of the layer before it has a gradient that is zero up to
    rounding; its rounding noise, measured against the floor :math:`10^{-3} G`, is the float32
    row's :math:`10^{-4}`.

    Finite differences assume a differentiable loss. At a kink (a ReLU or Leaky ReLU
    pre-activation within about :math:`h_j` of 0) the two evaluations straddle it and the
    difference quotient is meaningless: check with inputs whose pre-activations stay away
    from 0.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.layers import mlp
    >>> from gradlab.diagnostics import gradcheck
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    >>> bool(gradcheck(mlp([3, 5, 2], activation="tanh", rng=0), X, y) < 1e-6)
    True
    >>> net32 = mlp([3, 5, 2], activation="tanh", rng=0, dtype=np.float32)
    >>> bool(gradcheck(net32, X, y) < 1e-3)
    True
    """
    model = _check_model(model)
    loss_fn = _losses.get(loss)
    step = _STEP if eps is None else check_positive(eps, "eps")
    x_given = _check_batch(X, model, "gradcheck")
    dtypes = _dtypes(model)
    dtype = np.result_type(*dtypes) if dtypes else x_given.dtype
    x = x_given.astype(dtype)
    target = _rounded(target, dtype)
    params = model.parameters()
    with preserved_state(model):
        model._start_pass()  # nothing pending is copied into the twin
        twin = _float64_copy(model)
        model.zero_grad()
        out = model.forward(x)
        grad_x = model.backward(loss_fn.derivative(out, target))
        analytic = [np.zeros(p.shape) if p.grad is None else p.grad.copy() for p in params]
        analytic.append(np.asarray(grad_x))

    x64 = x.astype(np.float64)
    target64 = _rounded(target, np.dtype(np.float64))

    def numeric(array: FloatArray) -> FloatArray:
        grad = np.zeros_like(array)
        for j in np.ndindex(array.shape):
            original = float(array[j])
            h = step * max(1.0, abs(original))
            up, down = original + h, original - h
            array[j] = up
            plus = loss_fn(twin.forward(x64), target64)
            array[j] = down
            minus = loss_fn(twin.forward(x64), target64)
            array[j] = original
            grad[j] = (plus - minus) / (up - down)  # the step actually taken
        return grad

    with np.errstate(over="ignore", invalid="ignore"):
        numerical = [numeric(p.value) for p in twin.parameters()] + [numeric(x64)]
    return max(_relative_errors(analytic, numerical))


def _rounded(target: ArrayLike, dtype: np.dtype[Any]) -> ArrayLike:
    """A floating ``target`` rounded to ``dtype``; anything else as given (the loss checks it)."""
    try:
        t = np.asarray(target)
    except (TypeError, ValueError):
        return target
    return t.astype(dtype) if t.dtype.kind == "f" else target


# The gradient-flow report lives in its own module (report.py); it is part of the diagnostics.
# Imported last, because report.py uses the measurements above.
from .report import GradientReport, diagnose  # noqa: E402
