r"""Layers with hand-written backward passes, and :class:`Sequential` to stack them.

The lectures write a layer for one column vector, :math:`h^{(l)} = \sigma(W^{(l)\top} h^{(l-1)}
+ b)`. gradlab stores a batch as rows, so the same matrix :math:`W` of shape
``(fan_in, fan_out)`` maps a batch ``X`` of shape ``(n, fan_in)`` to ``X @ W + b``. Backward
uses the explicit matrix formulas of the lectures: with :math:`\delta = \partial L/\partial z`
for the pre-activation :math:`z = hW + b`,

.. math::

    \frac{\partial L}{\partial W} = h^\top \delta, \qquad
    \frac{\partial L}{\partial b} = \textstyle\sum_{\text{batch}} \delta, \qquad
    \delta_{\text{prev}} = (\delta W^\top) \odot \sigma'(z_{\text{prev}}).

Every ``backward`` *accumulates* into ``Parameter.grad`` (``+=``), as PyTorch does; call
:meth:`Sequential.zero_grad` before each step.

>>> import numpy as np
>>> from gradlab import Dense, Activation, Sequential
>>> net = Sequential(Dense(2, 3, rng=0), Activation("tanh"), Dense(3, 1, rng=1))
>>> net.forward(np.ones((4, 2))).shape
(4, 1)
>>> net.backward(np.ones((4, 1))).shape  # dL/dX
(4, 2)
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from . import activations as _activations
from . import init as _init
from ._validation import (
    FloatArray,
    as_float_array,
    as_generator,
    check_bool,
    check_count,
    check_float_dtype,
    check_matrix,
    check_positive,
    check_unit_interval,
)
from .parameter import Parameter

__all__ = [
    "Activation",
    "BatchNorm",
    "Dense",
    "Layer",
    "Residual",
    "Sequential",
    "mlp",
    "preserved_state",
]


class Layer:
    """Base class: a differentiable map of a batch ``(n, features_in) -> (n, features_out)``.

    Subclasses implement ``_forward(x) -> (out, cache)`` and ``_backward(g, cache,
    input_grad)`` on validated arrays; the public :meth:`forward` and :meth:`backward` check
    their input once.

    Attributes
    ----------
    training : bool
        Training mode (True) or evaluation mode; it matters for :class:`BatchNorm`.
    in_features : int or None
        Number of input features, where the layer fixes it (None for element-wise layers).
    out_features : int or None
        Number of output features, where the layer fixes it.

    Notes
    -----
    **One cache per call.** Every call of a layer during a forward pass keeps its own cache
    until the backward pass uses it, last in, first out, as the chain rule runs. A layer
    object used twice in one :class:`Sequential` (one ``Activation("relu")`` after every
    hidden layer, or one ``Dense`` applied twice: weight tying) therefore gets the gradients
    PyTorch gives: each use backpropagates through its own input, and a shared weight
    accumulates the gradients of both uses. Each cache serves one backward; a second
    ``backward`` without a new ``forward`` raises, as PyTorch does without ``retain_graph``.

    **A public forward starts a new pass.** :meth:`forward` drops the caches of an earlier
    pass that was never backpropagated (of the layer and of the layers inside it), so a model
    evaluated many times without ``backward`` keeps nothing.

    **Nothing the caller holds aliases a cache.** :meth:`forward` copies its input and returns
    a new array, so editing the output in place (``out -= y``) or refilling the input buffer
    before ``backward`` leaves the gradients unchanged. We chose to prevent this rather than to
    document it: NumPy code edits arrays in place routinely, and the two copies cost one pass
    over the input and the output, little next to the matrix products.
    """

    training: bool = True
    in_features: int | None = None
    out_features: int | None = None

    def forward(self, x: ArrayLike) -> FloatArray:
        """Return the layer's output for a batch.

        Parameters
        ----------
        x : array_like of shape (n, in_features)
            The batch, one sample per row. It is copied: later edits do not reach the caches.

        Returns
        -------
        ndarray of shape (n, out_features)
            A new array, owned by the caller.
        """
        checked = check_matrix(x, "X", self.in_features, owner=type(self).__name__)
        self._start_pass()
        return self._call(np.array(checked, copy=True)).copy()

    __call__ = forward

    def backward(self, grad_output: ArrayLike, *, input_grad: bool = True) -> FloatArray | None:
        """Accumulate parameter gradients and return ``dL/dx``.

        Parameters
        ----------
        grad_output : array_like of shape (n, out_features)
            :math:`\\partial L / \\partial \\text{output}` for the batch of the last forward.
        input_grad : bool, default True
            Whether to compute :math:`\\partial L / \\partial x`; a training loop does not need
            it for the first layer, and skipping it saves one matrix product.

        Returns
        -------
        ndarray of shape (n, in_features) or None
            :math:`\\partial L / \\partial x`, or ``None`` when ``input_grad`` is False.

        Raises
        ------
        RuntimeError
            If no forward pass is waiting for its backward.
        """
        input_grad = check_bool(input_grad, "input_grad")
        tape = self._pending()
        if not tape:
            raise RuntimeError(
                f"{type(self).__name__}.backward called without a forward pass waiting for it: "
                "each forward's cache serves one backward; call forward again"
            )
        # Non-finite gradients are a phenomenon to observe (exploding gradients), not bad input.
        g = as_float_array(grad_output, "grad_output", allow_nonfinite=True)
        expected = tape[-1][1]
        if g.shape != expected:
            raise ValueError(
                f"{type(self).__name__}.backward expected grad_output of shape {expected} "
                f"(the shape of the last output), got {g.shape}"
            )
        return self._grad(g, input_grad)

    def parameters(self) -> list[Parameter]:
        """The layer's trainable parameters.

        Returns
        -------
        list of Parameter
            In a fixed order; a parameter shared by two places appears once.
        """
        return []

    def modules(self) -> Iterator[Layer]:
        """Iterate over this layer and every layer inside it, depth first, each object once.

        Yields
        ------
        Layer
            ``self`` first, then the layers of containers in forward order.
        """
        yield self

    def zero_grad(self) -> None:
        """Set every parameter's gradient to zero."""
        for p in self.parameters():
            p.zero_grad()

    def train(self, mode: bool = True) -> Layer:
        """Switch training mode on (or off): it matters for :class:`BatchNorm`.

        Parameters
        ----------
        mode : bool, default True
            True for training mode, False for evaluation mode.

        Returns
        -------
        Layer
            ``self``, so that calls chain.
        """
        self.training = check_bool(mode, "mode")
        return self

    def eval(self) -> Layer:
        """Switch to evaluation mode (``train(False)``).

        Returns
        -------
        Layer
            ``self``, so that calls chain.
        """
        return self.train(False)

    # -- the cache tape: one entry (cache, output shape) per call not yet backpropagated
    def _pending(self) -> list[tuple[Any, tuple[int, ...]]]:
        try:
            return self._tape
        except AttributeError:  # the first call, or a subclass that skips Layer's attributes
            self._tape: list[tuple[Any, tuple[int, ...]]] = []
            return self._tape

    def _start_pass(self) -> None:
        for layer in self.modules():
            layer._pending().clear()

    def _call(self, x: FloatArray) -> FloatArray:
        """Forward on a validated array, keeping this call's cache for its backward."""
        out, cache = self._forward(x)
        self._pending().append((cache, out.shape))
        return out

    def _grad(self, g: FloatArray, input_grad: bool) -> FloatArray | None:
        """Backward through the most recent call not yet backpropagated."""
        tape = self._pending()
        if not tape:
            raise RuntimeError(
                f"{type(self).__name__}: backward reached a layer with no forward call left "
                "to backpropagate through"
            )
        cache, _ = tape.pop()
        return self._backward(g, cache, input_grad)

    def _buffers(self) -> dict[str, FloatArray]:
        """Non-trainable state a forward pass may change (BatchNorm's running statistics)."""
        return {}

    # -- for subclasses
    def _forward(self, x: FloatArray) -> tuple[FloatArray, Any]:
        raise NotImplementedError

    def _backward(self, g: FloatArray, cache: Any, input_grad: bool) -> FloatArray | None:
        raise NotImplementedError


def _accumulate(p: Parameter, g: FloatArray) -> None:
    """``p.grad += g`` (a gradient of ``None``, as after ``p.grad = None``, starts from ``g``)."""
    grad = p.grad
    if grad is None:
        p.grad = np.array(g, dtype=p.value.dtype)
    else:
        grad += g  # in place: no reassignment through Parameter's checked setter


@contextlib.contextmanager
def preserved_state(model: Layer) -> Iterator[Layer]:
    """Leave ``model`` exactly as it was, whatever the block does (measurements use this).

    Restores every parameter's value and gradient (in place), every layer's training mode,
    BatchNorm's running statistics and the caches waiting for a backward pass, also when the
    block raises.

    Parameters
    ----------
    model : Layer
        The layer or network to preserve.

    Yields
    ------
    Layer
        ``model`` itself.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab import BatchNorm
    >>> from gradlab.layers import preserved_state
    >>> bn = BatchNorm(1)
    >>> with preserved_state(bn):
    ...     _ = bn.forward(np.array([[1.0], [3.0]]))
    >>> bn.running_mean
    array([0.])
    """
    if not isinstance(model, Layer):
        raise TypeError(f"model must be a gradlab Layer, got {type(model).__name__}")
    layers = list(model.modules())
    params = {id(p): p for layer in layers for p in layer.parameters()}.values()
    saved_params = [
        (p, p.value, p.value.copy(), p.grad, None if p.grad is None else p.grad.copy())
        for p in params
    ]
    saved_layers = [
        (
            layer,
            layer.training,
            list(layer._pending()),
            {k: v.copy() for k, v in layer._buffers().items()},
        )
        for layer in layers
    ]
    try:
        yield model
    finally:
        for p, value, value_copy, grad, grad_copy in saved_params:
            value[...] = value_copy
            p.value = value
            if grad is not None and grad_copy is not None:
                grad[...] = grad_copy
            p.grad = grad
        for layer, training, tape, buffers in saved_layers:
            layer.training = training
            layer._pending()[:] = tape
            for k, v in buffers.items():
                setattr(layer, k, v)


class Dense(Layer):
    r"""Fully connected layer, :math:`z = XW + b`.

    Parameters
    ----------
    fan_in, fan_out : int
        Number of input and output features.
    bias : bool, default True
        Whether to learn a bias :math:`b` (initialized to zero).
    init : str or callable, default "xavier_uniform"
        Weight initializer: a name from :mod:`gradlab.init` (``"xavier_uniform"``,
        ``"he_normal"``, ``"normal"``, ...) or a callable ``f(fan_in, fan_out, rng)``. Xavier
        uniform weights and zero bias are Keras' defaults, which the lectures cite.
    rng : int or numpy.random.Generator, optional
        Seed or generator for the initializer.
    dtype : dtype, default float64
        Floating dtype of the parameters (float32 to study underflow).

    Attributes
    ----------
    W : Parameter of shape (fan_in, fan_out)
    b : Parameter of shape (fan_out,) or None

    Notes
    -----
    Backward, with :math:`\delta = \partial L/\partial z` of shape ``(n, fan_out)``:
    :math:`\partial L/\partial W = X^\top \delta`, :math:`\partial L/\partial b = \mathbf 1^\top
    \delta` and :math:`\partial L/\partial X = \delta W^\top`.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab import Dense
    >>> layer = Dense(2, 1, bias=False, init="zeros")
    >>> layer.W.value[:] = [[0.1], [0.2]]
    >>> layer.forward(np.array([[1.0, 2.0]]))
    array([[0.5]])
    >>> layer.backward(np.array([[1.0]]))
    array([[0.1, 0.2]])
    >>> layer.W.grad
    array([[1.],
           [2.]])
    """

    def __init__(
        self,
        fan_in: int,
        fan_out: int,
        bias: bool = True,
        init: str | Callable[..., FloatArray] = "xavier_uniform",
        rng: int | np.random.Generator | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        fan_in, fan_out = check_count(fan_in, "fan_in"), check_count(fan_out, "fan_out")
        bias = check_bool(bias, "bias")
        dtype = check_float_dtype(dtype)
        initializer = _init.get(init)
        weights = np.asarray(initializer(fan_in, fan_out, rng=as_generator(rng)))
        if weights.shape != (fan_in, fan_out):
            raise ValueError(
                f"init returned shape {weights.shape}, expected (fan_in, fan_out) = "
                f"{(fan_in, fan_out)}"
            )
        self.in_features, self.out_features = fan_in, fan_out
        self.W = Parameter(weights.astype(dtype), name="W")
        self.b = Parameter(np.zeros(fan_out, dtype=dtype), name="b") if bias else None

    def _forward(self, x: FloatArray) -> tuple[FloatArray, Any]:
        out = x @ self.W.value
        if self.b is not None:
            out += self.b.value
        return out, x

    def _backward(self, g: FloatArray, x: FloatArray, input_grad: bool) -> FloatArray | None:
        _accumulate(self.W, x.T @ g)
        if self.b is not None:
            _accumulate(self.b, g.sum(axis=0))
        return g @ self.W.value.T if input_grad else None

    def parameters(self) -> list[Parameter]:
        """The layer's trainable parameters.

        Returns
        -------
        list of Parameter
            ``[W, b]``, or ``[W]`` without a bias.
        """
        return [self.W] if self.b is None else [self.W, self.b]

    def __repr__(self) -> str:
        return f"Dense({self.in_features}, {self.out_features}, bias={self.b is not None})"


class Activation(Layer):
    r"""Element-wise activation layer, :math:`a = \sigma(z)`.

    Parameters
    ----------
    name : str or ActivationFunction
        ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``, ``"elu"``, ``"identity"`` or
        ``"softmax"`` (see :mod:`gradlab.activations`).
    **params
        The activation's own parameters: ``slope`` for Leaky ReLU, ``alpha`` for ELU.

    Notes
    -----
    The layer keeps only its output :math:`a` and backpropagates with the derivative written
    in terms of it, :math:`\delta_z = \delta_a \odot \sigma'(z)`, e.g. :math:`\sigma' = a(1-a)`.

    Examples
    --------
    >>> from gradlab import Activation
    >>> act = Activation("sigmoid")
    >>> act.forward([[0.0, 0.0]])
    array([[0.5, 0.5]])
    >>> act.backward([[1.0, 2.0]])
    array([[0.25, 0.5 ]])
    >>> Activation("leaky_relu", slope=0.2)
    Activation('leaky_relu', slope=0.2)
    """

    def __init__(self, name: str | _activations.ActivationFunction, **params: float) -> None:
        self.function = _activations.get(name)
        self.params = self.function._params(params)

    @property
    def name(self) -> str:
        """The activation's name, such as ``"sigmoid"``."""
        return self.function.name

    def _forward(self, x: FloatArray) -> tuple[FloatArray, Any]:
        out = self.function._forward(x, **self.params)
        return out, out

    def _backward(self, g: FloatArray, a: FloatArray, input_grad: bool) -> FloatArray | None:
        # a and g are the layer's own arrays, of one shape (Layer.backward checked g's)
        return self.function._vjp(a, g, self.params) if input_grad else None

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v}" for k, v in self.params.items())
        return f"Activation({self.name!r}{extra})"


class BatchNorm(Layer):
    r"""Batch normalization over the batch, as ``torch.nn.BatchNorm1d`` (Ioffe & Szegedy 2015).

    In training mode each feature is normalized with the batch's mean and biased variance,
    :math:`\hat x = (x - \mu_B)/\sqrt{\sigma_B^2 + \epsilon}`, then scaled and shifted,
    :math:`y = \gamma \hat x + \beta`; running estimates are updated with
    ``momentum`` (the unbiased variance, as PyTorch). In evaluation mode the running
    estimates are used instead.

    Parameters
    ----------
    features : int
        Number of features (columns).
    eps : float, default 1e-5
        Added to the variance before the square root, for numerical stability.
    momentum : float, default 0.1
        Weight of the new batch statistics in the running estimates, in [0, 1).
    dtype : dtype, default float64
        Floating dtype of the parameters and running statistics: a float32 network stays
        float32 through this layer.

    Attributes
    ----------
    gamma, beta : Parameter of shape (features,)
        Learnable scale (ones) and shift (zeros).
    running_mean, running_var : ndarray of shape (features,)

    Notes
    -----
    Backward in training mode, with :math:`g = \partial L/\partial y` and batch size :math:`n`:

    .. math::

        \frac{\partial L}{\partial x} = \frac{\gamma}{n\sqrt{\sigma_B^2+\epsilon}}
        \Big(n g - \textstyle\sum g - \hat x \sum g \hat x\Big).

    Scaling the incoming weights by :math:`a` leaves :math:`\hat x`, and hence the gradient
    reaching the layer below through :math:`x`, unchanged (Ioffe & Szegedy, section 3.3).

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab import BatchNorm
    >>> bn = BatchNorm(1)
    >>> bn.forward(np.array([[1.0], [3.0]]))
    array([[-0.99999...],
           [ 0.99999...]])
    >>> bn.running_mean, bn.running_var
    (array([0.2]), array([1.1]))
    """

    def __init__(
        self,
        features: int,
        eps: float = 1e-5,
        momentum: float = 0.1,
        dtype: DTypeLike = np.float64,
    ) -> None:
        self.in_features = self.out_features = check_count(features, "features")
        self.eps = check_positive(eps, "eps")
        self.momentum = check_unit_interval(momentum, "momentum")
        dtype = check_float_dtype(dtype)
        self.gamma = Parameter(np.ones(features, dtype=dtype), name="gamma")
        self.beta = Parameter(np.zeros(features, dtype=dtype), name="beta")
        self.running_mean = np.zeros(features, dtype=dtype)
        self.running_var = np.ones(features, dtype=dtype)

    def _buffers(self) -> dict[str, FloatArray]:
        return {"running_mean": self.running_mean, "running_var": self.running_var}

    def _forward(self, x: FloatArray) -> tuple[FloatArray, Any]:
        n = x.shape[0]
        if self.training:
            if n < 2:
                raise ValueError(
                    "BatchNorm needs more than 1 sample per batch in training mode, "
                    f"got X of shape {x.shape}"
                )
            mean, var = x.mean(axis=0), x.var(axis=0)
            m, dtype = self.momentum, self.running_mean.dtype
            self.running_mean = ((1 - m) * self.running_mean + m * mean).astype(dtype)
            self.running_var = ((1 - m) * self.running_var + m * var * (n / (n - 1))).astype(dtype)
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps)
        x_hat = (x - mean) * inv_std
        out = self.gamma.value * x_hat + self.beta.value
        return out, (x_hat, inv_std, self.training)

    def _backward(self, g: FloatArray, cache: Any, input_grad: bool) -> FloatArray | None:
        x_hat, inv_std, training = cache
        _accumulate(self.gamma, np.sum(g * x_hat, axis=0))
        _accumulate(self.beta, np.sum(g, axis=0))
        if not input_grad:
            return None
        g_hat = g * self.gamma.value
        if not training:
            return g_hat * inv_std
        n = g.shape[0]
        return (inv_std / n) * (
            n * g_hat - g_hat.sum(axis=0) - x_hat * np.sum(g_hat * x_hat, axis=0)
        )

    def parameters(self) -> list[Parameter]:
        """The layer's trainable parameters.

        Returns
        -------
        list of Parameter
            ``[gamma, beta]``.
        """
        return [self.gamma, self.beta]

    def __repr__(self) -> str:
        return f"BatchNorm({self.in_features})"


class Sequential(Layer):
    """Layers applied one after another; indexable and iterable.

    Parameters
    ----------
    *layers : Layer
        The layers, first to last. Consecutive widths must agree (checked here, once).

    Examples
    --------
    The lectures' update cycle, one SGD step by hand:

    >>> import numpy as np
    >>> from gradlab import Dense, Activation, Sequential, losses
    >>> net = Sequential(Dense(2, 2, rng=0), Activation("sigmoid"), Dense(2, 1, rng=0))
    >>> X, y = np.array([[1.0, 1.0]]), np.array([[1.0]])
    >>> net.zero_grad()
    >>> y_hat = net.forward(X)
    >>> _ = net.backward(losses.squared_error.derivative(y_hat, y))
    >>> for p in net.parameters():
    ...     p.value -= 0.01 * p.grad
    >>> len(net), [type(layer).__name__ for layer in net]
    (3, ['Dense', 'Activation', 'Dense'])
    """

    def __init__(self, *layers: Layer) -> None:
        if not layers:
            raise ValueError("Sequential needs at least one layer")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"Sequential expects Layer objects, got {type(layer).__name__} at index {i}"
                )
        width, where = None, ""
        for i, layer in enumerate(layers):
            if layer.in_features is not None and width is not None and layer.in_features != width:
                raise ValueError(
                    f"layer {i} ({layer!r}) expects {layer.in_features} input features but "
                    f"{where} produces {width}"
                )
            if layer.out_features is not None:
                width, where = layer.out_features, f"layer {i} ({layer!r})"
        self.layers: list[Layer] = list(layers)
        self.in_features = next((x.in_features for x in layers if x.in_features), None)
        self.out_features = width

    def _forward(self, x: FloatArray) -> tuple[FloatArray, Any]:
        for layer in self.layers:
            x = layer._call(x)
        return x, None

    def _forward_trace(self, x: FloatArray) -> list[FloatArray]:
        """A new forward pass returning a copy of every layer's output (ready for backward)."""
        self._start_pass()
        outputs = []
        for layer in self.layers:
            x = layer._call(x)
            outputs.append(x.copy())
        self._pending().append((None, x.shape))
        return outputs

    def _start_pass(self) -> None:
        # What Layer's does (every layer in modules() forgets its calls), by plain recursion:
        # modules()'s generators cost a small network's training step about a tenth of its time.
        # A layer used twice is cleared twice, which is the same.
        self._pending().clear()
        for layer in self.layers:
            layer._start_pass()

    def _backward(self, g: FloatArray, cache: Any, input_grad: bool) -> FloatArray | None:
        last = len(self.layers) - 1
        for i in range(last, -1, -1):
            g = self.layers[i]._grad(g, input_grad or i > 0)  # type: ignore[assignment]
        return g if input_grad else None

    def parameters(self) -> list[Parameter]:
        """The layer's trainable parameters.

        Returns
        -------
        list of Parameter
            Every layer's parameters in forward order; a shared one appears once.
        """
        unique = {id(p): p for layer in self.layers for p in layer.parameters()}
        return list(unique.values())

    def modules(self) -> Iterator[Layer]:
        """Iterate over this container and every layer inside it, depth first, each once.

        Yields
        ------
        Layer
            ``self`` first, then the layers in forward order (a reused layer once).
        """
        seen = {id(self)}
        yield self
        for child in self.layers:
            for layer in child.modules():
                if id(layer) not in seen:
                    seen.add(id(layer))
                    yield layer

    def train(self, mode: bool = True) -> Sequential:
        """Switch this container and every layer inside it to training (or evaluation) mode.

        Parameters
        ----------
        mode : bool, default True
            True for training mode, False for evaluation mode.

        Returns
        -------
        Sequential
            ``self``, so that calls chain.
        """
        mode = check_bool(mode, "mode")
        for layer in self.modules():
            layer.training = mode
        return self

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    @overload
    def __getitem__(self, index: int) -> Layer: ...
    @overload
    def __getitem__(self, index: slice) -> Sequential: ...
    def __getitem__(self, index: int | slice) -> Layer | Sequential:
        if isinstance(index, slice):
            return Sequential(*self.layers[index])
        return self.layers[index]

    def __repr__(self) -> str:
        inner = "".join(f"\n  ({i}): {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential({inner}\n)"


class Residual(Sequential):
    r"""A residual block, :math:`y = x + f(x)` with :math:`f` the given layers (He et al. 2016).

    The identity path contributes :math:`\partial y/\partial x = I + \partial f/\partial x`,
    so the gradient reaching :math:`x` is the incoming gradient *plus* what flows through
    :math:`f`: it does not vanish even when :math:`f`'s weights are tiny.

    Parameters
    ----------
    *layers : Layer
        The layers of :math:`f`, first to last; :math:`f` must keep the width.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab import Dense, Residual
    >>> block = Residual(Dense(2, 2, init="zeros"))
    >>> block.forward(np.array([[1.0, 2.0]]))
    array([[1., 2.]])
    >>> block.backward(np.array([[1.0, 1.0]]))  # identity path: gradient passes unchanged
    array([[1., 1.]])
    """

    def __init__(self, *layers: Layer) -> None:
        super().__init__(*layers)
        if self.in_features is not None and self.out_features not in (None, self.in_features):
            raise ValueError(
                f"Residual needs f to keep the width, got {self.in_features} -> "
                f"{self.out_features} features"
            )

    def _forward(self, x: FloatArray) -> tuple[FloatArray, Any]:
        out, _ = super()._forward(x)
        if out.shape != x.shape:
            raise ValueError(f"Residual needs f(x) of shape {x.shape}, got {out.shape}")
        return x + out, None

    def _backward(self, g: FloatArray, cache: Any, input_grad: bool) -> FloatArray | None:
        through_f = super()._backward(g, cache, input_grad)
        return g + through_f if input_grad else None  # type: ignore[operator]

    def __repr__(self) -> str:
        return "Residual" + super().__repr__()[len("Sequential") :]


def mlp(
    sizes: Sequence[int],
    activation: str = "relu",
    init: str | Callable[..., FloatArray] = "xavier_uniform",
    *,
    output_activation: str | None = None,
    bias: bool = True,
    rng: int | np.random.Generator | None = None,
    dtype: DTypeLike = np.float64,
    **activation_params: Any,
) -> Sequential:
    """A multilayer perceptron: ``Dense`` layers of the given sizes with an activation between.

    Parameters
    ----------
    sizes : sequence of int
        ``[n_inputs, hidden_1, ..., n_outputs]``, at least two entries.
    activation : str, default "relu"
        Activation after every hidden layer.
    init : str or callable, default "xavier_uniform"
        Weight initializer for every Dense layer.
    output_activation : str, optional
        Activation after the last layer (none by default: logits or a linear output).
    bias : bool, default True
        Whether every Dense layer learns a bias.
    rng : int or numpy.random.Generator, optional
        One generator draws all layers' weights, first to last.
    dtype : dtype, default float64
        Floating dtype of every layer's parameters.
    **activation_params
        ``slope`` or ``alpha`` for the activation.

    Returns
    -------
    Sequential
        ``Dense, Activation, ..., Dense`` (and the output activation, if given).

    Examples
    --------
    >>> from gradlab.layers import mlp
    >>> mlp([64, 30, 30, 10], activation="sigmoid", init="lecun_normal", rng=0)
    Sequential(
      (0): Dense(64, 30, bias=True)
      (1): Activation('sigmoid')
      (2): Dense(30, 30, bias=True)
      (3): Activation('sigmoid')
      (4): Dense(30, 10, bias=True)
    )
    """
    if isinstance(sizes, str) or not isinstance(sizes, Sequence | np.ndarray):  # type: ignore[unreachable]
        raise TypeError(
            f"sizes must be a sequence of layer widths such as [n_inputs, n_hidden, n_outputs], "
            f"got {type(sizes).__name__}"
        )
    sizes = [check_count(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least [n_inputs, n_outputs], got {sizes}")
    # Check every argument before building anything, even those a short network would not use.
    bias = check_bool(bias, "bias")
    dtype = check_float_dtype(dtype)
    hidden = _activations.get(activation)
    hidden_params = hidden._params(activation_params)
    if output_activation is not None:
        _activations.get(output_activation)
    _init.get(init)
    gen = as_generator(rng)
    layers: list[Layer] = []
    for i, (fan_in, fan_out) in enumerate(itertools.pairwise(sizes)):
        layers.append(Dense(fan_in, fan_out, bias=bias, init=init, rng=gen, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(Activation(hidden, **hidden_params))
    if output_activation is not None:
        layers.append(Activation(output_activation))
    return Sequential(*layers)
