r"""Optimizers, learning-rate schedules and gradient clipping, following PyTorch 2.13.

Every optimizer is a pure **update rule** ``rule(grad, state, **hyperparameters) ->
(direction, new_state)`` inside a thin shell, :class:`Optimizer`, which holds the parameters,
their states and the learning rate. Variants are arguments, not copies (NAdam is
:func:`adam_rule` with ``nesterov=True``). Names, defaults and arithmetic are PyTorch's (one
parameter group, the single-tensor code path), so ``torch.optim`` is the test oracle. Each
class's Notes give its update; the lecture's forms and their algebra to PyTorch's are in
:ref:`course-optimizers`.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Iterable
from functools import partial, wraps
from typing import Any, Generic, NamedTuple, TypeVar, cast

import numpy as np

from ._validation import (
    FloatArray,
    check_bool,
    check_callable,
    check_count,
    check_nonnegative,
    check_positive,
    check_real,
    check_unit_interval,
)
from .parameter import Parameter, _real_array

__all__ = [
    "SGD", "Adadelta", "AdadeltaState", "Adagrad", "AdagradState", "Adam", "AdamState", "AdamW",
    "ExponentialLR", "MomentumState", "NAdam", "Optimizer", "RMSprop", "RMSpropState", "StepLR",
    "adadelta_rule", "adagrad_rule", "adam_rule", "clip_grad_norm", "clip_grad_value",
    "momentum_rule", "rmsprop_rule",
]  # fmt: skip

S = TypeVar("S")
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
Rule = Callable[[FloatArray, S], tuple[FloatArray, S]]


# -- Argument checks, written once ----------------------------------------------------------
def _check_betas(betas: Any, name: str) -> tuple[float, float]:
    if not isinstance(betas, tuple | list) or len(betas) != 2:
        raise TypeError(f"{name} must be a pair (beta1, beta2), got {betas!r}")
    return check_unit_interval(betas[0], f"{name}[0]"), check_unit_interval(betas[1], f"{name}[1]")


# the check of every hyperparameter of the rules, by name
_CHECKS: dict[str, Callable[[Any, str], Any]] = {
    "momentum": check_nonnegative, "dampening": check_nonnegative, "nesterov": check_bool,
    "lr_decay": check_nonnegative, "eps": check_nonnegative, "alpha": check_unit_interval,
    "centered": check_bool, "rho": check_unit_interval, "betas": _check_betas,
    "amsgrad": check_bool, "momentum_decay": check_nonnegative,
}  # fmt: skip


def _hyperparameters(**hyper: Any) -> dict[str, Any]:
    """``hyper`` with every value checked (an unknown name is left for the rule to refuse)."""
    hyper = {k: _CHECKS[k](v, k) if k in _CHECKS else v for k, v in hyper.items()}
    mu, tau = hyper.get("momentum"), hyper.get("dampening", 0.0)
    if hyper.get("nesterov") and mu is not None and (mu == 0.0 or tau != 0.0):
        raise ValueError(
            "nesterov=True requires momentum > 0 and dampening = 0, "
            f"got momentum={mu}, dampening={tau}"
        )
    return hyper


def _check_rule_input(grad: Any, state: Any, state_type: type[Any]) -> FloatArray:
    """``grad`` as an array, after checking ``state`` against it."""
    grad = _real_array(grad, "grad", allow_nonfinite=True)
    if not isinstance(state, state_type):
        raise TypeError(f"state must be a {state_type.__name__}, got {type(state).__name__}")
    for field, v in zip(state._fields, state, strict=True):
        if field == "step":
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
                raise TypeError(f"state.step must be an int >= 0, got {v!r}")
        elif field == "mu_product":
            check_real(v, "state.mu_product")
        elif v is None and field in state_type._field_defaults:
            continue
        elif not isinstance(v, np.ndarray) or v.dtype.kind != "f" or v.shape != grad.shape:
            got = f"shape {v.shape}" if isinstance(v, np.ndarray) else type(v).__name__
            raise ValueError(
                f"state.{field} must be a float array of shape {grad.shape}, got {got}"
            )
    return grad


def _check_params(params: Any, owner: str, *, allow_empty: bool = False) -> list[Parameter]:
    """Return ``params`` as a list of distinct :class:`Parameter` objects."""
    if isinstance(params, Parameter | str) or not isinstance(params, Iterable):
        raise TypeError(
            f"{owner} expects an iterable of Parameter objects (e.g. a list), "
            f"got {type(params).__name__}"
        )
    items = list(params)
    if not items and not allow_empty:
        raise ValueError(f"{owner} got an empty parameter list")
    for i, p in enumerate(items):
        if not isinstance(p, Parameter):
            raise TypeError(
                f"{owner} expects Parameter objects, got {type(p).__name__} at position {i}"
            )
    if len({id(p) for p in items}) != len(items):
        raise ValueError(f"{owner} got the same Parameter more than once")
    return items


def _public_rule(state_type: type[Any]) -> Callable[[F], F]:
    """Make the decorated rule check ``grad``, ``state`` and its hyperparameters on each call.

    The optimizers check their hyperparameters once and call the bare rule (see :func:`_bind`).
    """

    def decorate(rule: F) -> F:
        @wraps(rule)
        def checked(grad: Any, state: Any, **hyper: Any) -> Any:
            grad = _check_rule_input(grad, state, state_type)
            return rule(grad, state, **_hyperparameters(**hyper))

        return cast(F, checked)

    return decorate


def _bare(rule: Any, grad: FloatArray, state: Any, **hyper: Any) -> Any:
    """Call a public rule without its checks (through its name, so that optimizers pickle)."""
    return rule.__wrapped__(grad, state, **hyper)


def _bind(rule: Callable[..., Any], **hyper: Any) -> partial[Any]:
    """``rule`` for an optimizer: ``hyper`` checked once and bound, no per-call checks."""
    return partial(_bare, rule, **_hyperparameters(**hyper))


def _documented(state: type[T]) -> type[T]:
    """Give each field of a state NamedTuple its entry of the class's Parameters section."""
    entries = inspect.cleandoc(state.__doc__ or "").split("----------\n", 1)[1].splitlines()
    for head, doc in zip(entries[::2], entries[1::2], strict=True):
        getattr(state, head.split(" : ")[0]).__doc__ = doc.strip()
    return state


# -- The shell ------------------------------------------------------------------------------
class Optimizer(Generic[S]):
    r"""Parameters, their states and a learning rate around a pure update rule.

    Parameters
    ----------
    params : iterable of Parameter
        The parameters to optimize (at least one, no repeats).
    lr, weight_decay : float
        :math:`\eta > 0` and :math:`\lambda \ge 0`.
    rule : callable
        ``rule(grad, state) -> (direction, new_state)``, pure, ``direction`` a float array of
        the parameter's shape; the optimizers below bind their hyperparameters into it.
    init : callable
        ``init(value) -> state``, the state before the first step.
    decoupled_weight_decay : bool, default False
        Shrink the weights (AdamW) instead of adding :math:`\lambda w` to the gradient.

    Attributes
    ----------
    params : list of Parameter
        The parameters, in the order given.
    state : dict
        ``state[p]`` is the rule's state for parameter ``p``.

    Notes
    -----
    :meth:`step` moves, in place, each parameter whose ``grad`` is not ``None`` (the others
    are skipped, state included, as in PyTorch):

    .. math::

        g_t = \nabla L(w_{t-1}) + \lambda w_{t-1}, \qquad
        (d_t, s_t) = \operatorname{rule}(g_t, s_{t-1}), \qquad w_t = w_{t-1} - \eta d_t

    or, decoupled, :math:`g_t = \nabla L(w_{t-1})` and
    :math:`w_t = (1 - \eta\lambda) w_{t-1} - \eta d_t`. Every direction is computed before any
    parameter changes, so a step that raises changes nothing; float32 stays float32.

    Examples
    --------
    >>> from gradlab import Parameter, optim
    >>> w = Parameter([1.0, 2.0])
    >>> w.grad = [1.0, 1.0]
    >>> optim.Optimizer([w], 0.5, 0.0, rule=lambda g, s: (g, s), init=lambda v: None).step()
    >>> w.value
    array([0.5, 1.5])
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float,
        weight_decay: float,
        rule: Rule[S],
        init: Callable[[FloatArray], S],
        *,
        decoupled_weight_decay: bool = False,
    ) -> None:
        self._lr = check_positive(lr, "lr")
        self._weight_decay = check_nonnegative(weight_decay, "weight_decay")
        self._decoupled = check_bool(decoupled_weight_decay, "decoupled_weight_decay")
        self._rule: Rule[S] = check_callable(rule, "rule")
        init = check_callable(init, "init")
        self.params: list[Parameter] = _check_params(params, type(self).__name__)
        self.state: dict[Parameter, S] = {p: init(p.value) for p in self.params}

    @property
    def lr(self) -> float:
        """The learning rate :math:`\\eta`: settable to a number > 0 (a schedule may reach 0)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = check_positive(value, "lr")

    @property
    def hyperparameters(self) -> dict[str, Any]:
        """A fresh dict of the hyperparameters (changing it changes nothing)."""
        bound = self._rule.keywords if isinstance(self._rule, partial) else {}
        decay = {"weight_decay": self._weight_decay, "decoupled_weight_decay": self._decoupled}
        return {"lr": self._lr, **bound, **decay}

    def step(self) -> None:
        """Update every parameter that has a gradient once (see Notes)."""
        lr, wd, decoupled, state = self._lr, self._weight_decay, self._decoupled, self.state
        updates = []
        for p in self.params:
            grad, value = p.grad, p.value
            if grad is None:
                continue
            if wd and not decoupled:
                grad = grad + wd * value
            direction, new_state = self._rule(grad, state[p])
            direction = np.asarray(direction)
            if direction.dtype.kind != "f" or direction.shape != value.shape:
                raise ValueError(
                    f"rule must return a float direction of shape {value.shape} for {p!r}, "
                    f"got {direction.dtype} of shape {direction.shape}"
                )
            updates.append((p, value, direction, new_state))
        for p, value, direction, new_state in updates:
            if wd and decoupled:
                value *= 1.0 - lr * wd
            value -= lr * direction
            state[p] = new_state

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to zero in place (``None`` stays ``None``)."""
        for p in self.params:
            p.zero_grad()

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        return f"{type(self).__name__}({args})"


# -- SGD: momentum_rule ---------------------------------------------------------------------
@_documented
class MomentumState(NamedTuple):
    """State of :func:`momentum_rule`.

    Parameters
    ----------
    momentum_buffer : ndarray or None, default None
        The buffer :math:`b_t`, ``None`` before the first step and when ``momentum=0``.
    """

    momentum_buffer: FloatArray | None = None


@_public_rule(MomentumState)
def momentum_rule(
    grad: FloatArray,
    state: MomentumState,
    *,
    momentum: float,
    dampening: float = 0.0,
    nesterov: bool = False,
) -> tuple[FloatArray, MomentumState]:
    r"""The direction of :class:`SGD`, whose Notes give the math.

    Parameters
    ----------
    grad, state : array_like, MomentumState
        :math:`g_t` (weight decay included) and the state after step :math:`t - 1`.
    momentum, dampening : float
        :math:`\mu \ge 0` (``0``: plain gradient descent, ``d = g``) and :math:`\tau \ge 0`.
    nesterov : bool, default False
        The Nesterov direction.

    Returns
    -------
    direction : ndarray
        :math:`d_t`; the step is :math:`-\eta d_t`.
    state : MomentumState
        The state after step :math:`t`.

    Examples
    --------
    >>> from gradlab.optim import MomentumState, momentum_rule
    >>> d, s = momentum_rule([1.0], MomentumState(), momentum=0.9)
    >>> momentum_rule([1.0], s, momentum=0.9)
    (array([1.9]), MomentumState(momentum_buffer=array([1.9])))
    """
    if momentum == 0.0:
        return grad, state
    buf = state.momentum_buffer
    # copy: the buffer must not alias Parameter.grad, which zero_grad() clears in place
    buf = grad.copy() if buf is None else momentum * buf + (1.0 - dampening) * grad
    return (grad + momentum * buf if nesterov else buf), MomentumState(buf)


class SGD(Optimizer[MomentumState]):
    r"""Stochastic gradient descent, optionally with (Nesterov) momentum and weight decay.

    Parameters
    ----------
    params : iterable of Parameter
        The parameters to optimize.
    lr : float, default 1e-3
        Learning rate :math:`\eta > 0`.
    momentum : float, default 0
        Momentum factor :math:`\mu \ge 0`.
    dampening : float, default 0
        Dampening :math:`\tau \ge 0` of the gradient entering the buffer.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda \ge 0`: adds :math:`\lambda w` to the gradient.
    nesterov : bool, default False
        Nesterov momentum; needs ``momentum > 0`` and ``dampening = 0``.

    Notes
    -----
    With :math:`g_t` as in :class:`Optimizer`, :func:`momentum_rule` gives

    .. math::

        b_1 = g_1, \quad b_t = \mu b_{t-1} + (1 - \tau) g_t, \qquad
        w_t = w_{t-1} - \eta \begin{cases} g_t + \mu b_t & \text{nesterov} \\
                                           b_t & \text{otherwise} \end{cases}

    :cite:p:`qian1999momentum,nesterov1983method,sutskever2013importance`; ``momentum=0`` is
    plain gradient descent, :math:`w_t = w_{t-1} - \eta g_t`. At a constant :math:`\eta` the
    lecture's velocity :math:`v_t = \eta b_t` and look-ahead Nesterov give the same
    trajectories, and its weight decay is :math:`\lambda_{\text{lec}} = \eta\lambda`
    (:ref:`course-optimizers-momentum`, :ref:`course-optimizers-nesterov`,
    :ref:`course-optimizers-weight-decay`).

    Examples
    --------
    Two momentum steps on :math:`L(w) = \|w\|^2`:

    >>> from gradlab import Parameter, optim
    >>> w = Parameter([1.0, -2.0])
    >>> opt = optim.SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     w.grad = 2 * w.value
    ...     opt.step()
    >>> w.value, opt.state[w].momentum_buffer
    (array([ 0.46, -0.92]), array([ 3.4, -6.8]))
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        rule = _bind(momentum_rule, momentum=momentum, dampening=dampening, nesterov=nesterov)
        super().__init__(params, lr, weight_decay, rule, lambda value: MomentumState())
        self._plain = rule.keywords["momentum"] == 0.0 and self._weight_decay == 0.0

    def step(self) -> None:
        """Update every parameter that has a gradient once (see :class:`Optimizer`)."""
        if not self._plain:
            super().step()
            return
        lr = self._lr  # plain gradient descent, the hot path: the rule is the identity
        for p in self.params:
            grad, value = p.grad, p.value
            if grad is not None:
                value -= lr * grad


# -- Adagrad --------------------------------------------------------------------------------
@_documented
class AdagradState(NamedTuple):
    """State of :func:`adagrad_rule`.

    Parameters
    ----------
    step : int
        The number of steps taken, :math:`t`.
    sum : ndarray
        The sum of squared gradients :math:`G_t`.
    """

    step: int
    sum: FloatArray


@_public_rule(AdagradState)
def adagrad_rule(
    grad: FloatArray, state: AdagradState, *, lr_decay: float, eps: float
) -> tuple[FloatArray, AdagradState]:
    r"""The direction of :class:`Adagrad`, whose Notes give the math.

    Parameters
    ----------
    grad, state : array_like, AdagradState
        :math:`g_t` (weight decay included) and the state after step :math:`t - 1`.
    lr_decay, eps : float
        :math:`\kappa \ge 0` and :math:`\epsilon \ge 0`.

    Returns
    -------
    direction : ndarray
        :math:`d_t`; the step is :math:`-\eta d_t`.
    state : AdagradState
        The state after step :math:`t`.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.optim import AdagradState, adagrad_rule
    >>> adagrad_rule([3.0], AdagradState(0, np.zeros(1)), lr_decay=0.0, eps=0.0)
    (array([1.]), AdagradState(step=1, sum=array([9.])))
    """
    step = state.step + 1
    total = state.sum + grad * grad
    return grad / (np.sqrt(total) + eps) / (1.0 + (step - 1) * lr_decay), AdagradState(step, total)


class Adagrad(Optimizer[AdagradState]):
    r"""Adagrad: per-coordinate steps shrinking with the summed squared gradients.

    Parameters
    ----------
    params : iterable of Parameter
        The parameters to optimize.
    lr : float, default 1e-2
        Learning rate :math:`\eta > 0`.
    lr_decay : float, default 0
        :math:`\kappa \ge 0`.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda \ge 0`.
    initial_accumulator_value : float, default 0
        :math:`G_0 \ge 0`.
    eps : float, default 1e-10
        :math:`\epsilon \ge 0`.

    Notes
    -----
    With :math:`g_t` as in :class:`Optimizer`, :func:`adagrad_rule` gives

    .. math::

        G_t = G_{t-1} + g_t^2, \qquad
        w_t = w_{t-1} - \frac{\eta}{1 + (t - 1)\kappa} \, \frac{g_t}{\sqrt{G_t} + \epsilon}

    :cite:p:`duchi2011adaptive`. The lecture puts :math:`\epsilon` inside the root
    (:ref:`course-optimizers-adagrad`; :ref:`course-optimizers-adam` measures the difference).

    Examples
    --------
    >>> from gradlab import Parameter, optim
    >>> w = Parameter([1.0, 1.0])
    >>> w.grad = [3.0, -0.5]
    >>> optim.Adagrad([w], lr=0.1, eps=0.0).step()
    >>> w.value
    array([0.9, 1.1])
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        rule = _bind(adagrad_rule, lr_decay=lr_decay, eps=eps)
        g0 = check_nonnegative(initial_accumulator_value, "initial_accumulator_value")
        super().__init__(
            params, lr, weight_decay, rule, lambda v: AdagradState(0, np.full_like(v, g0))
        )


# -- RMSprop --------------------------------------------------------------------------------
@_documented
class RMSpropState(NamedTuple):
    r"""State of :func:`rmsprop_rule`.

    Parameters
    ----------
    square_avg : ndarray
        The running mean of squared gradients :math:`v_t`.
    grad_avg : ndarray or None, default None
        The running mean of gradients :math:`\bar g_t` (``centered=True`` only).
    momentum_buffer : ndarray or None, default None
        The buffer :math:`b_t` (``momentum > 0`` only).
    """

    square_avg: FloatArray
    grad_avg: FloatArray | None = None
    momentum_buffer: FloatArray | None = None


@_public_rule(RMSpropState)
def rmsprop_rule(
    grad: FloatArray,
    state: RMSpropState,
    *,
    alpha: float,
    eps: float,
    momentum: float = 0.0,
    centered: bool = False,
) -> tuple[FloatArray, RMSpropState]:
    r"""The direction of :class:`RMSprop`, whose Notes give the math.

    Parameters
    ----------
    grad, state : array_like, RMSpropState
        :math:`g_t` (weight decay included) and the state after step :math:`t - 1`
        (``None`` entries count as zeros).
    alpha, eps, momentum : float
        :math:`\alpha \in [0, 1)`, :math:`\epsilon \ge 0`, :math:`\mu \ge 0` (default 0).
    centered : bool, default False
        Divide by the running standard deviation instead of the running RMS.

    Returns
    -------
    direction : ndarray
        :math:`d_t`; the step is :math:`-\eta d_t`.
    state : RMSpropState
        The state after step :math:`t`.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.optim import RMSpropState, rmsprop_rule
    >>> d, s = rmsprop_rule([2.0], RMSpropState(np.zeros(1)), alpha=0.75, eps=0.0)
    >>> d, s.square_avg
    (array([2.]), array([1.]))
    """
    square_avg = alpha * state.square_avg + (1.0 - alpha) * grad * grad
    grad_avg = None
    if centered:
        prev = state.grad_avg
        # PyTorch's lerp form of alpha * prev + (1 - alpha) * grad
        grad_avg = (1.0 - alpha) * grad if prev is None else prev + (1.0 - alpha) * (grad - prev)
        direction = grad / (np.sqrt(square_avg - grad_avg * grad_avg) + eps)
    else:
        direction = grad / (np.sqrt(square_avg) + eps)
    buf = None
    if momentum > 0.0:
        prev_buf = state.momentum_buffer
        buf = direction if prev_buf is None else momentum * prev_buf + direction
        direction = buf
    return direction, RMSpropState(square_avg, grad_avg, buf)


class RMSprop(Optimizer[RMSpropState]):
    r"""RMSprop: divide by a running root-mean-square of the gradient.

    Parameters
    ----------
    params : iterable of Parameter
        The parameters to optimize.
    lr : float, default 1e-2
        Learning rate :math:`\eta > 0`.
    alpha : float, default 0.99
        Smoothing constant :math:`\alpha \in [0, 1)`.
    eps : float, default 1e-8
        :math:`\epsilon \ge 0`.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda \ge 0`.
    momentum : float, default 0
        Momentum :math:`\mu \ge 0` on the normalized gradient.
    centered : bool, default False
        Divide by the running standard deviation :math:`\sqrt{v - \bar g^2}`.

    Notes
    -----
    With :math:`g_t` as in :class:`Optimizer`, :func:`rmsprop_rule` gives

    .. math::

        v_t &= \alpha v_{t-1} + (1 - \alpha) g_t^2, \qquad s_t = \sqrt{v_t} + \epsilon
        \quad \bigl(\text{centered: } \bar g_t = \alpha \bar g_{t-1} + (1 - \alpha) g_t,\;
        s_t = \sqrt{v_t - \bar g_t^2} + \epsilon\bigr) \\
        w_t &= w_{t-1} - \eta\, g_t / s_t
        \quad \bigl(\text{momentum: } b_t = \mu b_{t-1} + g_t / s_t,\;
        w_t = w_{t-1} - \eta b_t\bigr)

    :cite:p:`hinton2012rmsprop`, centered as :cite:t:`graves2013generating`. The lecture's
    :math:`E[g^2]` is :math:`v` with :math:`\alpha = 0.9` and :math:`\epsilon` inside the
    root (:ref:`course-optimizers-rmsprop`).

    Examples
    --------
    >>> from gradlab import Parameter, optim
    >>> w = Parameter([1.0])
    >>> w.grad = [2.0]
    >>> optim.RMSprop([w], lr=0.01, alpha=0.75, eps=0.0).step()
    >>> w.value
    array([0.98])
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        rule = _bind(rmsprop_rule, alpha=alpha, eps=eps, momentum=momentum, centered=centered)
        super().__init__(params, lr, weight_decay, rule, lambda v: RMSpropState(np.zeros_like(v)))


# -- Adadelta -------------------------------------------------------------------------------
@_documented
class AdadeltaState(NamedTuple):
    r"""State of :func:`adadelta_rule`.

    Parameters
    ----------
    square_avg : ndarray
        The running mean of squared gradients :math:`v_t = E[g^2]_t`.
    acc_delta : ndarray
        The running mean of squared steps :math:`u_t = E[\delta^2]_t`.
    """

    square_avg: FloatArray
    acc_delta: FloatArray


@_public_rule(AdadeltaState)
def adadelta_rule(
    grad: FloatArray, state: AdadeltaState, *, rho: float, eps: float
) -> tuple[FloatArray, AdadeltaState]:
    r"""The direction of :class:`Adadelta`, whose Notes give the math.

    Parameters
    ----------
    grad, state : array_like, AdadeltaState
        :math:`g_t` (weight decay included) and the state after step :math:`t - 1`.
    rho, eps : float
        :math:`\rho \in [0, 1)` and :math:`\epsilon \ge 0`.

    Returns
    -------
    direction : ndarray
        :math:`\delta_t`; the step is :math:`-\eta \delta_t`.
    state : AdadeltaState
        The state after step :math:`t`.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.optim import AdadeltaState, adadelta_rule
    >>> zero = AdadeltaState(np.zeros(1), np.zeros(1))
    >>> adadelta_rule([1.0], zero, rho=0.0, eps=1e-2)[0]
    array([0.09950372])
    """
    square_avg = rho * state.square_avg + (1.0 - rho) * grad * grad
    delta = np.sqrt(state.acc_delta + eps) / np.sqrt(square_avg + eps) * grad
    acc_delta = rho * state.acc_delta + (1.0 - rho) * delta * delta
    return delta, AdadeltaState(square_avg, acc_delta)


class Adadelta(Optimizer[AdadeltaState]):
    r"""Adadelta: steps with the units of the weights, RMS[step] / RMS[gradient].

    Parameters
    ----------
    params : iterable of Parameter
        The parameters to optimize.
    lr : float, default 1.0
        :math:`\eta > 0`, a multiplier on the step (Zeiler's method has none: ``lr=1``).
    rho : float, default 0.9
        Decay rate :math:`\rho \in [0, 1)` of both running means.
    eps : float, default 1e-6
        :math:`\epsilon \ge 0`, added inside both roots.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda \ge 0`.

    Notes
    -----
    With :math:`g_t` as in :class:`Optimizer`, :func:`adadelta_rule` gives

    .. math::

        v_t = \rho v_{t-1} + (1 - \rho) g_t^2, \quad
        \delta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t, \quad
        u_t = \rho u_{t-1} + (1 - \rho) \delta_t^2, \quad
        w_t = w_{t-1} - \eta \delta_t

    :cite:p:`zeiler2012adadelta`; :math:`u` accumulates the unscaled :math:`\delta_t`. With
    ``lr=1`` this is the lecture's update term by term (:ref:`course-optimizers-adadelta`).

    Examples
    --------
    The first step is about :math:`\sqrt{\epsilon}` in size, whatever the gradient scale:

    >>> from gradlab import Parameter, optim
    >>> w = Parameter([0.0, 0.0])
    >>> w.grad = [100.0, -0.01]
    >>> optim.Adadelta([w], rho=0.0).step()
    >>> w.value
    array([-0.001     ,  0.00099504])
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
    ) -> None:
        rule = _bind(adadelta_rule, rho=rho, eps=eps)
        zeros = np.zeros_like
        super().__init__(
            params, lr, weight_decay, rule, lambda v: AdadeltaState(zeros(v), zeros(v))
        )


# -- Adam, AdamW and NAdam: adam_rule -------------------------------------------------------
@_documented
class AdamState(NamedTuple):
    r"""State of :func:`adam_rule` (Adam, AdamW and NAdam).

    Parameters
    ----------
    step : int
        The number of steps taken, :math:`t`.
    exp_avg : ndarray
        The running mean of gradients :math:`m_t`.
    exp_avg_sq : ndarray
        The running mean of squared gradients :math:`v_t`.
    max_exp_avg_sq : ndarray or None, default None
        The running maximum :math:`\max_{s \le t} v_s` (``amsgrad=True`` only).
    mu_product : float, default 1.0
        The product :math:`\Pi_t = \prod_{s \le t} \mu_s` (NAdam only).
    """

    step: int
    exp_avg: FloatArray
    exp_avg_sq: FloatArray
    max_exp_avg_sq: FloatArray | None = None
    mu_product: float = 1.0


@_public_rule(AdamState)
def adam_rule(
    grad: FloatArray,
    state: AdamState,
    *,
    betas: tuple[float, float],
    eps: float,
    amsgrad: bool = False,
    nesterov: bool = False,
    momentum_decay: float = 4e-3,
) -> tuple[FloatArray, AdamState]:
    r"""The direction of :class:`Adam`, or with ``nesterov=True`` of :class:`NAdam`.

    Parameters
    ----------
    grad, state : array_like, AdamState
        :math:`g_t` (weight decay included) and the state after step :math:`t - 1`.
    betas : (float, float)
        :math:`(\beta_1, \beta_2) \in [0, 1)^2`.
    eps : float
        :math:`\epsilon \ge 0`.
    amsgrad, nesterov : bool, default False
        AMSGrad's running maximum of :math:`v`; NAdam's look-ahead.
    momentum_decay : float, default 4e-3
        NAdam's :math:`\psi \ge 0`.

    Returns
    -------
    direction : ndarray
        :math:`d_t`; the step is :math:`-\eta d_t`.
    state : AdamState
        The state after step :math:`t`.

    Examples
    --------
    The first direction is the sign of the gradient (up to :math:`\epsilon`):

    >>> import numpy as np
    >>> from gradlab.optim import AdamState, adam_rule
    >>> zero = AdamState(0, np.zeros(2), np.zeros(2))
    >>> adam_rule([0.5, -3.0], zero, betas=(0.9, 0.999), eps=0.0)[0]
    array([ 1., -1.])
    """
    beta1, beta2 = betas
    step = state.step + 1
    m = state.exp_avg + (1.0 - beta1) * (grad - state.exp_avg)  # PyTorch's lerp form
    v = beta2 * state.exp_avg_sq + (1.0 - beta2) * grad * grad
    v_max = None
    if amsgrad:
        v_max = v if state.max_exp_avg_sq is None else np.maximum(state.max_exp_avg_sq, v)
    denom = np.sqrt((v if v_max is None else v_max) / (1.0 - beta2**step)) + eps
    mu_product = state.mu_product
    if nesterov:
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
        mu_product *= mu
        m_hat = (1.0 - mu) / (1.0 - mu_product) * grad + mu_next / (1.0 - mu_product * mu_next) * m
    else:
        m_hat = m / (1.0 - beta1**step)
    return m_hat / denom, AdamState(step, m, v, v_max, mu_product)


def _adam_state(value: FloatArray) -> AdamState:
    return AdamState(0, np.zeros_like(value), np.zeros_like(value))


class Adam(Optimizer[AdamState]):
    r"""Adam: momentum divided by a running RMS, both bias-corrected.

    Parameters
    ----------
    params : iterable of Parameter
        The parameters to optimize.
    lr : float, default 1e-3
        Learning rate :math:`\eta > 0`.
    betas : (float, float), default (0.9, 0.999)
        Decay rates :math:`(\beta_1, \beta_2) \in [0, 1)^2` of the two moments.
    eps : float, default 1e-8
        :math:`\epsilon \ge 0`.
    weight_decay : float, default 0
        :math:`\lambda \ge 0`: an L2 penalty, or decoupled decay.
    amsgrad : bool, default False
        Normalize by the running maximum of :math:`v`.
    decoupled_weight_decay : bool, default False
        Keyword-only. Shrink the weights instead of adding :math:`\lambda w` to the
        gradient; ``True`` is :class:`AdamW`.

    Notes
    -----
    With :math:`g_t` as in :class:`Optimizer`, :func:`adam_rule` gives

    .. math::

        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \hat m_t &= \frac{m_t}{1 - \beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1 - \beta_2^t}
            \quad \Bigl(\text{amsgrad: } \frac{\max_{s \le t} v_s}{1 - \beta_2^t}\Bigr), \qquad
        w_t = w_{t-1} - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    :cite:p:`kingma2015adam`, AMSGrad as :cite:t:`reddi2018convergence`. The lecture puts
    :math:`\epsilon` inside the root, which shrinks the steps for gradients below
    :math:`\sqrt{\epsilon}` (:ref:`course-optimizers-adam`); the L2 term :math:`\lambda w` is
    divided by :math:`\sqrt{\hat v}` like the gradient, so only the decoupled form is the
    lecture's weight decay (:ref:`course-optimizers-weight-decay`).

    Examples
    --------
    The first step moves every coordinate by ``lr``, whatever the gradient's scale:

    >>> from gradlab import Parameter, optim
    >>> w = Parameter([1.0, 1.0])
    >>> w.grad = [100.0, -1.0]
    >>> optim.Adam([w], lr=0.1).step()
    >>> w.value
    array([0.9, 1.1])
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        decoupled_weight_decay: bool = False,
    ) -> None:
        rule = _bind(adam_rule, betas=betas, eps=eps, amsgrad=amsgrad)
        decoupled = {"decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, lr, weight_decay, rule, _adam_state, **decoupled)


class AdamW(Adam):
    r"""AdamW: Adam with decoupled weight decay.

    Parameters
    ----------
    params : iterable of Parameter
        The parameters to optimize.
    lr : float, default 1e-3
        Learning rate :math:`\eta > 0`.
    betas : (float, float), default (0.9, 0.999)
        Decay rates :math:`(\beta_1, \beta_2) \in [0, 1)^2`.
    eps : float, default 1e-8
        :math:`\epsilon \ge 0`.
    weight_decay : float, default 1e-2
        :math:`\lambda \ge 0`; the weights shrink by the factor :math:`1 - \eta\lambda`.
    amsgrad : bool, default False
        Normalize by the running maximum of :math:`v`.

    Notes
    -----
    :class:`Adam` with ``decoupled_weight_decay=True``: Adam's step with the raw gradient,
    after shrinking the weights by :math:`1 - \eta\lambda` :cite:p:`loshchilov2019decoupled`.
    This is the lecture's weight decay with :math:`\lambda_{\text{lec}} = \eta\lambda`
    (:ref:`course-optimizers-weight-decay`); as :math:`\eta` multiplies :math:`\lambda`, a
    learning-rate schedule also schedules the decay.

    Examples
    --------
    With a zero gradient only the decay acts: :math:`w \leftarrow (1 - 0.1 \cdot 0.5) w`.

    >>> from gradlab import Parameter, optim
    >>> w = Parameter([2.0])
    >>> optim.AdamW([w], lr=0.1, weight_decay=0.5).step()
    >>> w.value
    array([1.9])
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay=True
        )


class NAdam(Optimizer[AdamState]):
    r"""NAdam: Adam with a Nesterov look-ahead on the first moment.

    Parameters
    ----------
    params : iterable of Parameter
        The parameters to optimize.
    lr : float, default 2e-3
        Learning rate :math:`\eta > 0`.
    betas : (float, float), default (0.9, 0.999)
        Decay rates :math:`(\beta_1, \beta_2) \in [0, 1)^2`.
    eps : float, default 1e-8
        :math:`\epsilon \ge 0`.
    weight_decay : float, default 0
        :math:`\lambda \ge 0`: an L2 penalty, or decoupled decay.
    momentum_decay : float, default 4e-3
        :math:`\psi \ge 0`, warms the momentum up from :math:`\beta_1/2` to :math:`\beta_1`.
    decoupled_weight_decay : bool, default False
        Shrink the weights directly, as :class:`AdamW`.

    Notes
    -----
    With :math:`g_t`, :math:`m_t` and :math:`\hat v_t` as in :class:`Adam`,
    :func:`adam_rule` with ``nesterov=True`` gives

    .. math::

        \mu_t = \beta_1 \bigl(1 - \tfrac12\, 0.96^{t\psi}\bigr), \quad
        \Pi_t = \prod_{s=1}^{t} \mu_s, \quad
        w_t = w_{t-1} - \eta \Bigl( \frac{(1 - \mu_t)\, g_t}{1 - \Pi_t}
            + \frac{\mu_{t+1}\, m_t}{1 - \Pi_{t+1}} \Bigr)
            \frac{1}{\sqrt{\hat v_t} + \epsilon}

    :cite:p:`dozat2016incorporating`: Adam's momentum term :math:`\beta_1 m_{t-1}` is
    replaced by the next step's :math:`\mu_{t+1} m_t`, the Nesterov look-ahead
    (:ref:`course-optimizers-nadam`).

    Examples
    --------
    The first step is about ``1.056 * lr``, not Adam's ``lr``:

    >>> from gradlab import Parameter, optim
    >>> w = Parameter([1.0, 1.0])
    >>> opt = optim.NAdam([w], lr=0.1)
    >>> w.grad = [2.0, -2.0]
    >>> opt.step()
    >>> w.value, opt.state[w].mu_product
    (array([0.89435482, 1.10564518]), 0.45007...)
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
    ) -> None:
        rule = _bind(adam_rule, betas=betas, eps=eps, nesterov=True, momentum_decay=momentum_decay)
        decoupled = {"decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, lr, weight_decay, rule, _adam_state, **decoupled)


# -- Learning-rate schedules ----------------------------------------------------------------
class StepLR:
    r"""Staircase decay: multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    Parameters
    ----------
    optimizer : Optimizer
        Its ``lr`` is :math:`\eta_0` and is set by :meth:`step`.
    step_size : int
        :math:`T \ge 1`, epochs per stair.
    gamma : float, default 0.1
        :math:`\delta > 0`, the factor per stair.

    Notes
    -----
    The lecture's :math:`\eta_t = \delta^{\lfloor t / T \rfloor}\, \eta_0`
    (:ref:`course-optimizers-lr-decay`), computed as PyTorch does:
    :math:`\eta_t = \delta\, \eta_{t-1}` when :math:`T` divides :math:`t`, else
    :math:`\eta_{t-1}`; so the schedule continues from any change made to ``optimizer.lr``.
    ``last_epoch`` counts the calls to :meth:`step`.

    Examples
    --------
    >>> from gradlab import Parameter, optim
    >>> opt = optim.SGD([Parameter([0.0])], lr=1.0)
    >>> sched = optim.StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     opt.step()
    ...     sched.step()
    ...     lrs.append(opt.lr)
    >>> lrs
    [1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, optimizer: Optimizer[Any], step_size: int, gamma: float = 0.1) -> None:
        self.step_size = check_count(step_size, "step_size")
        self.gamma = check_positive(gamma, "gamma")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__} expects a gradlab optimizer, "
                f"got {type(optimizer).__name__}"
            )
        self.optimizer, self.last_epoch = optimizer, 0
        self.base_lrs, self._last_lr = [optimizer.lr], [optimizer.lr]

    def _factor(self, epoch: int) -> float:
        return self.gamma if epoch % self.step_size == 0 else 1.0

    def step(self) -> None:
        """Advance one epoch and set ``optimizer.lr`` (call after ``optimizer.step()``).

        A learning rate that underflows becomes 0.0 and training goes on, as in PyTorch.

        Raises
        ------
        ValueError
            If the learning rate would overflow to infinity; nothing changes then.
        """
        lr = self.optimizer.lr * self._factor(self.last_epoch + 1)
        if not math.isfinite(lr):
            raise ValueError(
                f"{type(self).__name__} with gamma={self.gamma} would set the learning rate "
                f"to {lr} at epoch {self.last_epoch + 1}"
            )
        self.optimizer._lr = lr  # not the lr setter, which refuses 0.0 from a user
        self.last_epoch += 1
        self._last_lr = [lr]

    def get_last_lr(self) -> list[float]:
        """The learning rate set by the last :meth:`step`.

        Returns
        -------
        list of float
            A fresh one-entry list (PyTorch's format: one entry per parameter group).
        """
        return list(self._last_lr)


class ExponentialLR(StepLR):
    r"""Exponential decay: multiply the learning rate by ``gamma`` every epoch.

    Parameters
    ----------
    optimizer : Optimizer
        Its ``lr`` is :math:`\eta_0` and is set by :meth:`step`.
    gamma : float
        :math:`\gamma > 0`, the factor per epoch.

    Notes
    -----
    :class:`StepLR` with ``step_size=1``: :math:`\eta_t = \gamma\, \eta_{t-1}`, which is
    :math:`\gamma^t \eta_0` if nothing else changes ``optimizer.lr``.

    Examples
    --------
    >>> from gradlab import Parameter, optim
    >>> opt = optim.SGD([Parameter([0.0])], lr=1.0)
    >>> sched = optim.ExponentialLR(opt, gamma=0.5)
    >>> for epoch in range(3):
    ...     opt.step()
    ...     sched.step()
    >>> opt.lr, sched.get_last_lr()
    (0.125, [0.125])
    """

    def __init__(self, optimizer: Optimizer[Any], gamma: float) -> None:
        super().__init__(optimizer, 1, gamma)


# -- Gradient clipping ----------------------------------------------------------------------
def clip_grad_norm(params: Iterable[Parameter], max_norm: float, norm_type: float = 2.0) -> float:
    r"""Rescale all gradients together so that their joint norm is at most ``max_norm``.

    Parameters
    ----------
    params : iterable of Parameter
        Their ``grad`` arrays are scaled in place; ``None`` gradients are skipped.
    max_norm : float
        :math:`c > 0`.
    norm_type : float, default 2.0
        :math:`p > 0` of the :math:`p`-norm, or ``math.inf`` for the max norm.

    Returns
    -------
    float
        The total norm :math:`\|g\|_p` *before* clipping (0.0 if there is no gradient).

    Notes
    -----
    As ``torch.nn.utils.clip_grad_norm_`` :cite:p:`pascanu2013difficulty`: with the norm
    taken over all gradients as one vector,
    :math:`g \leftarrow \min\bigl(1, c / (\|g\|_p + 10^{-6})\bigr)\, g`, so the direction is
    kept and the norm lands a hair below :math:`c`. An infinite or NaN total norm turns the
    gradients into zeros and NaNs, as in PyTorch.

    Examples
    --------
    >>> from gradlab import Parameter, optim
    >>> a, b = Parameter([0.0]), Parameter([0.0, 0.0])
    >>> a.grad, b.grad = [3.0], [0.0, 4.0]
    >>> optim.clip_grad_norm([a, b], max_norm=1.0)
    5.0
    >>> a.grad, b.grad
    (array([0.59999...]), array([0.     , 0.79999...]))
    """
    params = _check_params(params, "clip_grad_norm", allow_empty=True)
    max_norm = check_positive(max_norm, "max_norm")
    if isinstance(norm_type, float | np.floating) and norm_type == math.inf:
        p = math.inf
    elif (p := check_real(norm_type, "norm_type")) <= 0:
        raise ValueError(f"norm_type must be > 0 or inf, got {p}")
    grads = [q.grad for q in params if q.grad is not None]
    if not grads:
        return 0.0
    total = float(np.linalg.norm([np.linalg.norm(g.ravel(), ord=p) for g in grads], ord=p))
    coef = min(max_norm / (total + 1e-6), 1.0)  # min(nan, 1.0) is nan, as torch.clamp
    if coef != 1.0:
        for g in grads:
            g *= coef
    return total


def clip_grad_value(params: Iterable[Parameter], clip_value: float) -> None:
    r"""Clip every gradient entry to :math:`[-c, c]` in place.

    Parameters
    ----------
    params : iterable of Parameter
        Their ``grad`` arrays are clipped in place; ``None`` gradients are skipped.
    clip_value : float
        :math:`c > 0`.

    Notes
    -----
    :math:`g_i \leftarrow \max(-c, \min(c, g_i))`, as ``torch.nn.utils.clip_grad_value_``
    :cite:p:`pascanu2013difficulty`; unlike :func:`clip_grad_norm`, this changes the
    gradient's direction.

    Examples
    --------
    >>> from gradlab import Parameter, optim
    >>> w = Parameter([0.0, 0.0, 0.0])
    >>> w.grad = [-3.0, 0.5, 2.0]
    >>> optim.clip_grad_value([w], 1.0)
    >>> w.grad
    array([-1. ,  0.5,  1. ])
    """
    params = _check_params(params, "clip_grad_value", allow_empty=True)
    c = check_positive(clip_value, "clip_value")
    for q in params:
        if q.grad is not None:
            np.clip(q.grad, -c, c, out=q.grad)
