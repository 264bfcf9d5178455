r"""Optimizers, learning-rate schedules and gradient clipping, following PyTorch 2.13.

Every optimizer is two things:

* an **update rule**, a pure function ``rule(grad, state, **hyperparameters) -> (direction,
  new_state)`` with its math in the docstring. It never mutates its inputs and never sees
  the learning rate or the weights; the step it asks for is :math:`w \leftarrow w - \eta d`.
* a thin **shell** (:class:`Optimizer`) holding the parameters, their states and the
  learning rate :math:`\eta`. Its :meth:`~Optimizer.step` applies weight decay (the one
  concern shared by every optimizer), calls the rule and updates each ``Parameter.value``
  in place.

Variants are arguments, not copies: Nesterov momentum is :func:`momentum_rule` with
``nesterov=True``; NAdam is :func:`adam_rule` with ``nesterov=True``; AdamW is
:class:`Adam` with ``decoupled_weight_decay=True``.

Argument names, defaults and arithmetic are PyTorch's (single parameter group, the
single-tensor code path), so ``torch.optim`` can serve as a test oracle. Where the lecture
writes an update differently, the class's Notes show both forms and how they relate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np

from ._validation import (
    FloatArray,
    check_callable,
    check_count,
    check_nonnegative,
    check_positive,
    check_real,
    check_unit_interval,
)
from .parameter import Parameter

__all__ = [
    "SGD",
    "Adadelta",
    "AdadeltaState",
    "Adagrad",
    "AdagradState",
    "Adam",
    "AdamState",
    "AdamW",
    "ExponentialLR",
    "MomentumState",
    "NAdam",
    "Optimizer",
    "RMSprop",
    "RMSpropState",
    "StepLR",
    "adadelta_rule",
    "adagrad_rule",
    "adam_rule",
    "clip_grad_norm",
    "clip_grad_value",
    "momentum_rule",
    "rmsprop_rule",
]

S = TypeVar("S")
Rule = Callable[[FloatArray, S], tuple[FloatArray, S]]


# --------------------------------------------------------------------------------------
# Argument checks that _validation does not have (kept private here)
# --------------------------------------------------------------------------------------


def _check_flag(value: Any, name: str) -> bool:
    """Return ``value`` if it is a bool (``1`` or ``"yes"`` are refused)."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__}")
    return bool(value)


def _check_betas(betas: Any) -> tuple[float, float]:
    """Return ``betas`` as a pair of decay rates in [0, 1)."""
    if not isinstance(betas, tuple | list) or len(betas) != 2:
        raise TypeError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    return (check_unit_interval(betas[0], "betas[0]"), check_unit_interval(betas[1], "betas[1]"))


def _check_norm_type(value: Any) -> float:
    """Return ``value`` if it is a real number > 0 or ``inf``."""
    if isinstance(value, float | np.floating) and value == math.inf:
        return math.inf
    p = check_real(value, "norm_type")
    if p <= 0:
        raise ValueError(f"norm_type must be > 0 or inf, got {p}")
    return p


def _check_params(params: Any, owner: str, *, allow_empty: bool = False) -> list[Parameter]:
    """Return ``params`` as a list of distinct :class:`Parameter` objects."""
    if isinstance(params, Parameter) or not isinstance(params, Iterable):
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


# --------------------------------------------------------------------------------------
# Update rules: pure functions (grad, state, hyperparameters) -> (direction, new_state)
# --------------------------------------------------------------------------------------


class MomentumState(NamedTuple):
    """State of :func:`momentum_rule`.

    Attributes
    ----------
    momentum_buffer : ndarray or None
        :math:`b_t`; ``None`` before the first step (and always when ``momentum=0``).
    """

    momentum_buffer: FloatArray | None = None


def momentum_rule(
    grad: FloatArray,
    state: MomentumState,
    *,
    momentum: float,
    dampening: float = 0.0,
    nesterov: bool = False,
) -> tuple[FloatArray, MomentumState]:
    r"""Heavy-ball or Nesterov momentum: the direction of :class:`SGD`.

    Parameters
    ----------
    grad : ndarray
        :math:`g_t`, the gradient (weight decay already added).
    state : MomentumState
        :math:`b_{t-1}`.
    momentum : float
        :math:`\mu`; ``0`` gives plain gradient descent (``d = g``, state unchanged).
    dampening : float
        :math:`\tau`.
    nesterov : bool
        Use the Nesterov look-ahead direction.

    Returns
    -------
    direction : ndarray
        :math:`d_t`; the optimizer applies :math:`w \leftarrow w - \eta d_t`.
    state : MomentumState
        :math:`b_t`.

    Notes
    -----
    .. math::

        b_t = \begin{cases} g_t & t = 1 \\
                            \mu b_{t-1} + (1 - \tau) g_t & t > 1 \end{cases}
        \qquad
        d_t = \begin{cases} g_t + \mu b_t & \text{nesterov} \\
                            b_t & \text{otherwise} \end{cases}

    The first buffer is the raw gradient, without the :math:`1 - \tau` factor (as PyTorch).

    References
    ----------
    .. [1] N. Qian, "On the momentum term in gradient descent learning algorithms",
       *Neural Networks* 12(1), 145-151, 1999.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.optim import MomentumState, momentum_rule
    >>> d, s = momentum_rule(np.array([1.0]), MomentumState(), momentum=0.9)
    >>> d, s = momentum_rule(np.array([1.0]), s, momentum=0.9)
    >>> d
    array([1.9])
    """
    if momentum == 0.0:
        return grad, state
    buf = state.momentum_buffer
    # copy: the buffer must not alias Parameter.grad, which zero_grad() clears in place
    buf = grad.copy() if buf is None else momentum * buf + (1.0 - dampening) * grad
    return (grad + momentum * buf if nesterov else buf), MomentumState(buf)


class AdagradState(NamedTuple):
    """State of :func:`adagrad_rule`.

    Attributes
    ----------
    step : int
        :math:`t`, the number of steps taken.
    sum : ndarray
        :math:`G_t`, the sum of squared gradients (plus ``initial_accumulator_value``).
    """

    step: int
    sum: FloatArray


def adagrad_rule(
    grad: FloatArray, state: AdagradState, *, lr_decay: float, eps: float
) -> tuple[FloatArray, AdagradState]:
    r"""Adagrad: divide by the root of the summed squared gradients.

    Parameters
    ----------
    grad : ndarray
        :math:`g_t`.
    state : AdagradState
        :math:`(t - 1, G_{t-1})`.
    lr_decay : float
        :math:`\kappa`, shrinks the step as :math:`1 / (1 + (t - 1)\kappa)`.
    eps : float
        :math:`\epsilon`, added to the root.

    Returns
    -------
    direction : ndarray
        :math:`d_t`; the optimizer applies :math:`w \leftarrow w - \eta d_t`.
    state : AdagradState
        :math:`(t, G_t)`.

    Notes
    -----
    .. math::

        G_t = G_{t-1} + g_t^2, \qquad
        d_t = \frac{1}{1 + (t - 1)\kappa} \, \frac{g_t}{\sqrt{G_t} + \epsilon}

    References
    ----------
    .. [1] J. Duchi, E. Hazan, Y. Singer, "Adaptive subgradient methods for online learning
       and stochastic optimization", *JMLR* 12, 2121-2159, 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.optim import AdagradState, adagrad_rule
    >>> d, s = adagrad_rule(np.array([3.0]), AdagradState(0, np.zeros(1)), lr_decay=0.0, eps=0.0)
    >>> d, s
    (array([1.]), AdagradState(step=1, sum=array([9.])))
    """
    step = state.step + 1
    total = state.sum + grad * grad
    return grad / (np.sqrt(total) + eps) / (1.0 + (step - 1) * lr_decay), AdagradState(step, total)


class RMSpropState(NamedTuple):
    """State of :func:`rmsprop_rule`.

    Attributes
    ----------
    square_avg : ndarray
        :math:`v_t`, running mean of squared gradients.
    grad_avg : ndarray or None
        :math:`\\bar g_t`, running mean of gradients (``centered=True`` only).
    momentum_buffer : ndarray or None
        :math:`b_t` (``momentum > 0`` only).
    """

    square_avg: FloatArray
    grad_avg: FloatArray | None = None
    momentum_buffer: FloatArray | None = None


def rmsprop_rule(
    grad: FloatArray,
    state: RMSpropState,
    *,
    alpha: float,
    eps: float,
    momentum: float = 0.0,
    centered: bool = False,
) -> tuple[FloatArray, RMSpropState]:
    r"""RMSprop: divide by a running root-mean-square of the gradient.

    Parameters
    ----------
    grad : ndarray
        :math:`g_t`.
    state : RMSpropState
        :math:`(v_{t-1}, \bar g_{t-1}, b_{t-1})`; ``None`` entries count as zeros.
    alpha : float
        :math:`\alpha`, the smoothing constant.
    eps : float
        :math:`\epsilon`, added to the root.
    momentum : float
        :math:`\mu`; ``0`` for no momentum buffer.
    centered : bool
        Divide by the running standard deviation instead of the running RMS.

    Returns
    -------
    direction : ndarray
        :math:`d_t`; the optimizer applies :math:`w \leftarrow w - \eta d_t`.
    state : RMSpropState

    Notes
    -----
    .. math::

        v_t &= \alpha v_{t-1} + (1 - \alpha) g_t^2 \\
        \bar g_t &= \alpha \bar g_{t-1} + (1 - \alpha) g_t
            \quad \text{(centered only)} \\
        s_t &= \begin{cases} \sqrt{v_t - \bar g_t^2} + \epsilon & \text{centered} \\
                             \sqrt{v_t} + \epsilon & \text{otherwise} \end{cases} \\
        d_t &= \begin{cases} b_t = \mu b_{t-1} + g_t / s_t & \mu > 0 \\
                             g_t / s_t & \mu = 0 \end{cases}

    References
    ----------
    .. [1] G. Hinton, N. Srivastava, K. Swersky, "Neural networks for machine learning,
       lecture 6e: rmsprop", Coursera, 2012.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.optim import RMSpropState, rmsprop_rule
    >>> d, s = rmsprop_rule(np.array([2.0]), RMSpropState(np.zeros(1)), alpha=0.75, eps=0.0)
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


class AdadeltaState(NamedTuple):
    """State of :func:`adadelta_rule`.

    Attributes
    ----------
    square_avg : ndarray
        :math:`v_t = E[g^2]_t`.
    acc_delta : ndarray
        :math:`u_t = E[\\delta^2]_t`.
    """

    square_avg: FloatArray
    acc_delta: FloatArray


def adadelta_rule(
    grad: FloatArray, state: AdadeltaState, *, rho: float, eps: float
) -> tuple[FloatArray, AdadeltaState]:
    r"""Adadelta: scale the gradient by RMS[step] / RMS[gradient].

    Parameters
    ----------
    grad : ndarray
        :math:`g_t`.
    state : AdadeltaState
        :math:`(v_{t-1}, u_{t-1})`.
    rho : float
        :math:`\rho`, the decay rate of both running means.
    eps : float
        :math:`\epsilon`, added inside both roots.

    Returns
    -------
    direction : ndarray
        :math:`\delta_t`; the optimizer applies :math:`w \leftarrow w - \eta \delta_t`.
    state : AdadeltaState

    Notes
    -----
    .. math::

        v_t &= \rho v_{t-1} + (1 - \rho) g_t^2 \\
        \delta_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}} \, g_t \\
        u_t &= \rho u_{t-1} + (1 - \rho) \delta_t^2

    :math:`u` accumulates the unscaled :math:`\delta_t`, whatever the learning rate.

    References
    ----------
    .. [1] M. D. Zeiler, "ADADELTA: an adaptive learning rate method", arXiv:1212.5701,
       2012.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.optim import AdadeltaState, adadelta_rule
    >>> zero = AdadeltaState(np.zeros(1), np.zeros(1))
    >>> d, s = adadelta_rule(np.array([1.0]), zero, rho=0.0, eps=1e-2)
    >>> d
    array([0.09950372])
    """
    square_avg = rho * state.square_avg + (1.0 - rho) * grad * grad
    delta = np.sqrt(state.acc_delta + eps) / np.sqrt(square_avg + eps) * grad
    acc_delta = rho * state.acc_delta + (1.0 - rho) * delta * delta
    return delta, AdadeltaState(square_avg, acc_delta)


class AdamState(NamedTuple):
    """State of :func:`adam_rule` (Adam, AdamW and NAdam).

    Attributes
    ----------
    step : int
        :math:`t`, the number of steps taken.
    exp_avg : ndarray
        :math:`m_t`, running mean of gradients.
    exp_avg_sq : ndarray
        :math:`v_t`, running mean of squared gradients.
    max_exp_avg_sq : ndarray or None
        :math:`\\max_{s \\le t} v_s` (``amsgrad=True`` only).
    mu_product : float
        :math:`\\prod_{s \\le t} \\mu_s` (NAdam only; stays 1.0 for Adam).
    """

    step: int
    exp_avg: FloatArray
    exp_avg_sq: FloatArray
    max_exp_avg_sq: FloatArray | None = None
    mu_product: float = 1.0


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
    r"""Adam, AMSGrad, or (``nesterov=True``) NAdam's Nesterov look-ahead.

    Parameters
    ----------
    grad : ndarray
        :math:`g_t`.
    state : AdamState
        Moments after step :math:`t - 1`.
    betas : (float, float)
        :math:`(\beta_1, \beta_2)`.
    eps : float
        :math:`\epsilon`, added to the root.
    amsgrad : bool
        Normalize by the running maximum of :math:`v` (AMSGrad).
    nesterov : bool
        Replace the bias-corrected first moment by NAdam's look-ahead.
    momentum_decay : float
        :math:`\psi`, NAdam's momentum schedule (used only with ``nesterov=True``).

    Returns
    -------
    direction : ndarray
        :math:`d_t`; the optimizer applies :math:`w \leftarrow w - \eta d_t`.
    state : AdamState

    Notes
    -----
    .. math::

        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \hat v_t &= \frac{v_t}{1 - \beta_2^t}
            \quad \Bigl(\text{amsgrad: } \frac{\max_{s \le t} v_s}{1 - \beta_2^t}\Bigr),
        \qquad d_t = \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}

    where Adam uses the bias-corrected mean and NAdam its Nesterov look-ahead

    .. math::

        \hat m_t^{\text{Adam}} = \frac{m_t}{1 - \beta_1^t}, \qquad
        \hat m_t^{\text{NAdam}} = \frac{\mu_{t+1} m_t}{1 - \prod_{s \le t+1} \mu_s}
            + \frac{(1 - \mu_t) g_t}{1 - \prod_{s \le t} \mu_s},
        \qquad \mu_t = \beta_1 \bigl(1 - \tfrac12 \, 0.96^{t \psi}\bigr).

    References
    ----------
    .. [1] D. P. Kingma, J. Ba, "Adam: a method for stochastic optimization",
       arXiv:1412.6980, 2014.
    .. [2] T. Dozat, "Incorporating Nesterov momentum into Adam", ICLR workshop, 2016.

    Examples
    --------
    The first Adam direction is the sign of the gradient (up to :math:`\epsilon`):

    >>> import numpy as np
    >>> from gradlab.optim import AdamState, adam_rule
    >>> zero = AdamState(0, np.zeros(2), np.zeros(2))
    >>> d, s = adam_rule(np.array([0.5, -3.0]), zero, betas=(0.9, 0.999), eps=0.0)
    >>> d
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


# --------------------------------------------------------------------------------------
# The shell
# --------------------------------------------------------------------------------------


class Optimizer(Generic[S]):
    r"""Parameters, their states and a learning rate around a pure update rule.

    The concrete optimizers (:class:`SGD`, :class:`Adam`, ...) only validate their
    hyperparameters and bind them into ``rule``; this class does the rest.

    Parameters
    ----------
    params : iterable of Parameter
        The parameters to optimize (at least one, no repeats).
    lr : float
        :math:`\eta > 0`.
    weight_decay : float
        :math:`\lambda \ge 0`.
    rule : callable
        ``rule(grad, state) -> (direction, new_state)``, pure.
    init : callable
        ``init(value) -> state``, the state before the first step.
    decoupled_weight_decay : bool
        Shrink the weights directly (AdamW) instead of adding :math:`\lambda w` to the
        gradient (L2 penalty).

    Attributes
    ----------
    params : list of Parameter
    state : dict
        ``state[p]`` is the rule's state for parameter ``p``.
    lr : float
        Read and settable; a schedule sets it between steps.

    Notes
    -----
    :meth:`step` performs, for every parameter,

    .. math::

        g &\leftarrow g + \lambda w \quad \text{(L2, default)} \qquad \text{or} \qquad
        w \leftarrow (1 - \eta\lambda) w \quad \text{(decoupled)} \\
        d, s &\leftarrow \text{rule}(g, s) \\
        w &\leftarrow w - \eta d

    in place. Nothing is validated inside :meth:`step`.

    Examples
    --------
    Plain gradient descent from a hand-written rule:

    >>> from gradlab import Parameter
    >>> from gradlab.optim import Optimizer
    >>> w = Parameter([1.0, 2.0])
    >>> opt = Optimizer([w], 0.5, 0.0, rule=lambda g, s: (g, s), init=lambda v: None)
    >>> w.grad[:] = [1.0, 1.0]
    >>> opt.step()
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
        self.params: list[Parameter] = _check_params(params, type(self).__name__)
        self.lr = lr
        self._weight_decay = check_nonnegative(weight_decay, "weight_decay")
        self._decoupled = _check_flag(decoupled_weight_decay, "decoupled_weight_decay")
        self._rule: Rule[S] = check_callable(rule, "rule")
        init = check_callable(init, "init")
        self.state: dict[Parameter, S] = {p: init(p.value) for p in self.params}

    @property
    def lr(self) -> float:
        """The learning rate :math:`\\eta` used by the next :meth:`step`."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = check_positive(value, "lr")

    @property
    def hyperparameters(self) -> dict[str, Any]:
        """A fresh dict of the hyperparameters (read-only view)."""
        bound = self._rule.keywords if isinstance(self._rule, partial) else {}
        return {
            "lr": self._lr,
            **bound,
            "weight_decay": self._weight_decay,
            "decoupled_weight_decay": self._decoupled,
        }

    def step(self) -> None:
        """Update every parameter once from its current ``grad``."""
        lr, wd, rule, state = self._lr, self._weight_decay, self._rule, self.state
        for p in self.params:
            grad = p.grad
            if wd:
                if self._decoupled:
                    p.value *= 1.0 - lr * wd
                else:
                    grad = grad + wd * p.value
            direction, state[p] = rule(grad, state[p])
            p.value -= lr * direction

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to zero in place."""
        for p in self.params:
            p.zero_grad()

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters.items())
        return f"{type(self).__name__}({args})"


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
        L2 penalty :math:`\lambda \ge 0` (adds :math:`\lambda w` to the gradient).
    nesterov : bool, default False
        Nesterov momentum; needs ``momentum > 0`` and ``dampening = 0``.

    Notes
    -----
    The code implements PyTorch's update (:func:`momentum_rule`): with
    :math:`g_t = \nabla L(w_{t-1}) + \lambda w_{t-1}`,

    .. math::

        b_t = \begin{cases} g_t & t = 1 \\
                            \mu b_{t-1} + (1 - \tau) g_t & t > 1 \end{cases}
        \qquad
        w_t = w_{t-1} - \eta \begin{cases} g_t + \mu b_t & \text{nesterov} \\
                                           b_t & \text{otherwise} \end{cases}

    and ``momentum=0`` is plain gradient descent :math:`w_t = w_{t-1} - \eta g_t`.

    **Momentum, lecture form** [1]_. The lecture puts the learning rate inside the velocity:

    .. math:: v_t = \gamma v_{t-1} + \eta g_t, \qquad w_t = w_{t-1} - v_t, \qquad v_0 = 0.

    Multiplying PyTorch's recursion (:math:`\tau = 0`) by a *constant* :math:`\eta` gives
    :math:`\eta b_t = \mu\,\eta b_{t-1} + \eta g_t`, so :math:`v_t = \eta b_t` with
    :math:`\gamma = \mu`: the same trajectory. The forms part when :math:`\eta` changes
    mid-training (a schedule): the lecture's :math:`v_{t-1}` keeps the old rate and the change
    acts gradually, PyTorch rescales the whole buffer at once, :math:`w_t = w_{t-1} -
    \eta_{\text{new}} b_t`.

    **Nesterov, lecture form** [2]_. The lecture evaluates the gradient at a look-ahead point:

    .. math::

        v_t = \gamma v_{t-1} + \eta \nabla L(w_{t-1} - \gamma v_{t-1}),
        \qquad w_t = w_{t-1} - v_t.

    Change variables to the look-ahead point :math:`w'_t = w_t - \gamma v_t` ([3]_, [4]_).
    The lecture's gradient becomes :math:`g_t = \nabla L(w'_{t-1})`, a gradient at the
    stored point, and, using :math:`\gamma v_{t-1} - v_t = -\eta g_t`,

    .. math::

        w'_t = w_{t-1} - v_t - \gamma v_t
             = w'_{t-1} + \gamma v_{t-1} - v_t - \gamma v_t
             = w'_{t-1} - \eta g_t - \gamma v_t
             = w'_{t-1} - \eta (g_t + \mu b_t)

    with :math:`v_t = \eta b_t`, :math:`\gamma = \mu`: PyTorch's ``nesterov=True`` update.
    So PyTorch stores the look-ahead point :math:`w'`, and both start from
    :math:`w'_0 = w_0` since :math:`v_0 = 0`.

    **Weight decay, lecture form.** The lecture shrinks the weights,
    :math:`w_t = (1 - \lambda_{\text{lec}}) w_{t-1} - \eta \nabla L`. PyTorch adds the
    gradient of :math:`\tfrac{\lambda}{2}\|w\|^2`:
    :math:`w_t = w_{t-1} - \eta(\nabla L + \lambda w_{t-1}) = (1 - \eta\lambda) w_{t-1} - \eta
    \nabla L`, so :math:`\lambda_{\text{lec}} = \eta \lambda` (``lr * weight_decay``). This
    holds for ``momentum=0``; with momentum the decay term also passes through the buffer.
    :class:`AdamW` shows the decoupled form.

    References
    ----------
    .. [1] N. Qian, "On the momentum term in gradient descent learning algorithms",
       *Neural Networks* 12(1), 145-151, 1999.
    .. [2] Y. Nesterov, "A method for solving the convex programming problem with
       convergence rate O(1/k^2)", *Soviet Mathematics Doklady* 27, 372-376, 1983.
    .. [3] I. Sutskever, J. Martens, G. Dahl, G. Hinton, "On the importance of
       initialization and momentum in deep learning", ICML, 2013.
    .. [4] Y. Bengio, N. Boulanger-Lewandowski, R. Pascanu, "Advances in optimizing
       recurrent networks", arXiv:1212.0901, 2012.

    Examples
    --------
    Two momentum steps on :math:`L(w) = \|w\|^2`:

    >>> from gradlab import Parameter
    >>> from gradlab.optim import SGD
    >>> w = Parameter([1.0, -2.0])
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> for _ in range(2):
    ...     opt.zero_grad()
    ...     w.grad += 2 * w.value
    ...     opt.step()
    >>> w.value
    array([ 0.46, -0.92])
    >>> opt.state[w].momentum_buffer
    array([ 3.4, -6.8])
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
        momentum = check_nonnegative(momentum, "momentum")
        dampening = check_nonnegative(dampening, "dampening")
        if _check_flag(nesterov, "nesterov") and (momentum == 0.0 or dampening != 0.0):
            raise ValueError(
                "nesterov=True requires momentum > 0 and dampening = 0, "
                f"got momentum={momentum}, dampening={dampening}"
            )
        rule = partial(momentum_rule, momentum=momentum, dampening=dampening, nesterov=nesterov)
        super().__init__(params, lr, weight_decay, rule, lambda value: MomentumState())
        self._plain = momentum == 0.0 and self._weight_decay == 0.0

    def step(self) -> None:
        """Update every parameter once from its current ``grad``."""
        if self._plain:  # momentum_rule is the identity: skip the call (the hot path)
            lr = self._lr
            for p in self.params:
                p.value -= lr * p.grad
        else:
            super().step()


class Adagrad(Optimizer[AdagradState]):
    r"""Adagrad: per-coordinate steps shrinking with the summed squared gradients.

    Parameters
    ----------
    params : iterable of Parameter
        The parameters to optimize.
    lr : float, default 1e-2
        Learning rate :math:`\eta > 0`.
    lr_decay : float, default 0
        :math:`\kappa \ge 0`; step :math:`t` uses :math:`\eta / (1 + (t - 1)\kappa)`.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda \ge 0`.
    initial_accumulator_value : float, default 0
        :math:`G_0 \ge 0`, the starting value of the sum of squares.
    eps : float, default 1e-10
        :math:`\epsilon \ge 0`, added to the root.

    Notes
    -----
    The code implements PyTorch's update (:func:`adagrad_rule`): with
    :math:`g_t = \nabla L(w_{t-1}) + \lambda w_{t-1}`,

    .. math::

        G_t = G_{t-1} + g_t^2, \qquad
        w_t = w_{t-1} - \frac{\eta}{1 + (t - 1)\kappa} \, \frac{g_t}{\sqrt{G_t} + \epsilon}.

    The lecture [1]_ writes :math:`w_t = w_{t-1} - \eta\, g_t / \sqrt{G_t + \epsilon}`, with
    :math:`\epsilon` inside the root; see :class:`Adam` for how much that changes.

    References
    ----------
    .. [1] J. Duchi, E. Hazan, Y. Singer, "Adaptive subgradient methods for online learning
       and stochastic optimization", *JMLR* 12, 2121-2159, 2011.

    Examples
    --------
    >>> from gradlab import Parameter
    >>> from gradlab.optim import Adagrad
    >>> w = Parameter([1.0, 1.0])
    >>> opt = Adagrad([w], lr=0.1, eps=0.0)
    >>> w.grad[:] = [3.0, -0.5]
    >>> opt.step()
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
        rule = partial(
            adagrad_rule,
            lr_decay=check_nonnegative(lr_decay, "lr_decay"),
            eps=check_nonnegative(eps, "eps"),
        )
        g0 = check_nonnegative(initial_accumulator_value, "initial_accumulator_value")
        super().__init__(
            params, lr, weight_decay, rule, lambda value: AdagradState(0, np.full_like(value, g0))
        )


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
        :math:`\epsilon \ge 0`, added to the root.
    weight_decay : float, default 0
        L2 penalty :math:`\lambda \ge 0`.
    momentum : float, default 0
        Momentum :math:`\mu \ge 0` applied to the normalized gradient.
    centered : bool, default False
        Normalize by the running standard deviation :math:`\sqrt{v - \bar g^2}` (Graves).

    Notes
    -----
    The code implements PyTorch's update (:func:`rmsprop_rule`): with
    :math:`g_t = \nabla L(w_{t-1}) + \lambda w_{t-1}`,

    .. math::

        v_t &= \alpha v_{t-1} + (1 - \alpha) g_t^2, \qquad
        s_t = \sqrt{v_t} + \epsilon
        \quad \bigl(\text{centered: } \bar g_t = \alpha \bar g_{t-1} + (1 - \alpha) g_t,\;
        s_t = \sqrt{v_t - \bar g_t^2} + \epsilon\bigr) \\
        w_t &= w_{t-1} - \eta\, g_t / s_t
        \quad \bigl(\text{momentum: } b_t = \mu b_{t-1} + g_t / s_t,\;
        w_t = w_{t-1} - \eta b_t\bigr).

    The lecture [1]_ writes :math:`E[g^2]_t = 0.9 E[g^2]_{t-1} + 0.1 g_t^2`,
    :math:`w_t = w_{t-1} - \eta\, g_t / \sqrt{E[g^2]_t + \epsilon}`: the same recursion with
    :math:`\alpha = 0.9` (PyTorch defaults to 0.99) and :math:`\epsilon` inside the root;
    see :class:`Adam` for how much that changes.

    References
    ----------
    .. [1] G. Hinton, N. Srivastava, K. Swersky, "Neural networks for machine learning,
       lecture 6e: rmsprop", Coursera, 2012.
    .. [2] A. Graves, "Generating sequences with recurrent neural networks",
       arXiv:1308.0850, 2013.

    Examples
    --------
    >>> from gradlab import Parameter
    >>> from gradlab.optim import RMSprop
    >>> w = Parameter([1.0])
    >>> opt = RMSprop([w], lr=0.01, alpha=0.75, eps=0.0)
    >>> w.grad[:] = 2.0
    >>> opt.step()
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
        rule = partial(
            rmsprop_rule,
            alpha=check_unit_interval(alpha, "alpha"),
            eps=check_nonnegative(eps, "eps"),
            momentum=check_nonnegative(momentum, "momentum"),
            centered=_check_flag(centered, "centered"),
        )
        super().__init__(
            params, lr, weight_decay, rule, lambda value: RMSpropState(np.zeros_like(value))
        )


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
    The code implements PyTorch's update (:func:`adadelta_rule`): with
    :math:`g_t = \nabla L(w_{t-1}) + \lambda w_{t-1}`,

    .. math::

        v_t &= \rho v_{t-1} + (1 - \rho) g_t^2, \qquad
        \delta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t, \qquad
        u_t = \rho u_{t-1} + (1 - \rho) \delta_t^2 \\
        w_t &= w_{t-1} - \eta \delta_t.

    The lecture [1]_ writes :math:`\Delta w_t = -\frac{\mathrm{RMS}[\Delta w]_{t-1}}
    {\mathrm{RMS}[g]_t} g_t` with :math:`\mathrm{RMS}[x]_t = \sqrt{E[x^2]_t + \epsilon}`,
    :math:`w_t = w_{t-1} + \eta \Delta w_t` and :math:`\eta = 1`. With ``lr=1`` this is
    PyTorch's update term by term (:math:`v = E[g^2]`, :math:`u = E[\Delta w^2]`,
    :math:`\delta_t = -\Delta w_t`). For ``lr != 1`` PyTorch scales the step but :math:`u`
    still accumulates the unscaled :math:`\delta_t`. Both put :math:`\epsilon` inside the
    root.

    References
    ----------
    .. [1] M. D. Zeiler, "ADADELTA: an adaptive learning rate method", arXiv:1212.5701,
       2012.

    Examples
    --------
    The first step is about :math:`\sqrt{\epsilon}` in size, whatever the gradient scale:

    >>> from gradlab import Parameter
    >>> from gradlab.optim import Adadelta
    >>> w = Parameter([0.0, 0.0])
    >>> opt = Adadelta([w], rho=0.0)
    >>> w.grad[:] = [100.0, -0.01]
    >>> opt.step()
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
        rule = partial(
            adadelta_rule, rho=check_unit_interval(rho, "rho"), eps=check_nonnegative(eps, "eps")
        )
        super().__init__(
            params,
            lr,
            weight_decay,
            rule,
            lambda value: AdadeltaState(np.zeros_like(value), np.zeros_like(value)),
        )


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
        :math:`\epsilon \ge 0`, added to the root.
    weight_decay : float, default 0
        :math:`\lambda \ge 0`, an L2 penalty (or decoupled decay, below).
    amsgrad : bool, default False
        Normalize by the running maximum of :math:`v` (Reddi et al.).
    decoupled_weight_decay : bool, default False, keyword-only
        Shrink the weights directly instead of adding :math:`\lambda w` to the gradient;
        ``True`` is :class:`AdamW`.

    Notes
    -----
    The code implements PyTorch's update (:func:`adam_rule`): with
    :math:`g_t = \nabla L(w_{t-1}) + \lambda w_{t-1}` (decoupled: :math:`g_t = \nabla
    L(w_{t-1})` and first :math:`w_{t-1} \leftarrow (1 - \eta\lambda) w_{t-1}`),

    .. math::

        m_t &= \beta_1 m_{t-1} + (1 - \beta_1) g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2) g_t^2 \\
        \hat m_t &= \frac{m_t}{1 - \beta_1^t}, \qquad
        \hat v_t = \frac{v_t}{1 - \beta_2^t}
            \quad \Bigl(\text{amsgrad: } \frac{\max_{s \le t} v_s}{1 - \beta_2^t}\Bigr) \\
        w_t &= w_{t-1} - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}.

    **Epsilon, lecture form.** The lecture [1]_ (like its Adagrad and RMSprop) writes
    :math:`\eta\, \hat m_t / \sqrt{\hat v_t + \epsilon}`, PyTorch
    :math:`\eta\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)`. With :math:`s = \sqrt{\hat v_t}`
    the denominators differ by

    .. math::

        \sqrt{s^2 + \epsilon} - (s + \epsilon)
        = \frac{\epsilon}{\sqrt{s^2 + \epsilon} + s} - \epsilon
        \approx \epsilon \Bigl(\frac{1}{2s} - 1\Bigr) \quad (s^2 \gg \epsilon),

    which is :math:`O(\epsilon)` for gradients of order one, a relative change of the step of
    about :math:`\epsilon / (2 s^2)`. For :math:`\epsilon = 10^{-8}` that is
    :math:`5 \times 10^{-9}` at :math:`s = 1` and :math:`5 \times 10^{-5}` at
    :math:`s = 10^{-2}`: invisible. The forms part for tiny gradients,
    :math:`s \lesssim \sqrt{\epsilon} = 10^{-4}`: the lecture's denominator cannot fall
    below :math:`10^{-4}`, so its step shrinks like :math:`s / 10^{-4}` as gradients
    vanish, while PyTorch's stays near :math:`\eta` down to :math:`s \approx 10^{-8}`.

    **Weight decay, lecture form.** With the default L2 decay, :math:`\lambda w` enters
    :math:`m` and :math:`v` and is divided by :math:`\sqrt{\hat v}` like the gradient, so
    it is not the lecture's :math:`w \leftarrow (1 - \lambda_{\text{lec}}) w`;
    ``decoupled_weight_decay=True`` (:class:`AdamW`) is, with
    :math:`\lambda_{\text{lec}} = \eta\lambda`.

    References
    ----------
    .. [1] D. P. Kingma, J. Ba, "Adam: a method for stochastic optimization",
       arXiv:1412.6980, 2014.
    .. [2] S. J. Reddi, S. Kale, S. Kumar, "On the convergence of Adam and beyond",
       ICLR, 2018.
    .. [3] I. Loshchilov, F. Hutter, "Decoupled weight decay regularization", ICLR, 2019.

    Examples
    --------
    The first step moves every coordinate by ``lr``, whatever the gradient's scale:

    >>> from gradlab import Parameter
    >>> from gradlab.optim import Adam
    >>> w = Parameter([1.0, 1.0])
    >>> opt = Adam([w], lr=0.1)
    >>> w.grad[:] = [100.0, -1.0]
    >>> opt.step()
    >>> w.value
    array([0.9, 1.1])
    >>> opt.state[w].step
    1
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
        rule = partial(
            adam_rule,
            betas=_check_betas(betas),
            eps=check_nonnegative(eps, "eps"),
            amsgrad=_check_flag(amsgrad, "amsgrad"),
        )
        super().__init__(
            params,
            lr,
            weight_decay,
            rule,
            _adam_state,
            decoupled_weight_decay=decoupled_weight_decay,
        )


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
        :math:`\epsilon \ge 0`, added to the root.
    weight_decay : float, default 1e-2
        :math:`\lambda \ge 0`; the weights shrink by :math:`\eta\lambda` per step.
    amsgrad : bool, default False
        Normalize by the running maximum of :math:`v`.

    Notes
    -----
    Each step first decays the weights, then takes the :class:`Adam` step with the raw
    gradient :math:`g_t = \nabla L(w_{t-1})`:

    .. math::

        w_{t-1} \leftarrow (1 - \eta \lambda)\, w_{t-1}, \qquad
        w_t = w_{t-1} - \eta \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}.

    This is the lecture's weight decay :math:`w \leftarrow (1 - \lambda_{\text{lec}}) w -
    \dots` with :math:`\lambda_{\text{lec}} = \eta\lambda` (``lr * weight_decay``) [1]_:
    unlike Adam's L2 term, the decay is not divided by :math:`\sqrt{\hat v}`. Since
    :math:`\eta` multiplies :math:`\lambda`, a learning-rate schedule also schedules the decay.

    References
    ----------
    .. [1] I. Loshchilov, F. Hutter, "Decoupled weight decay regularization", ICLR, 2019.
    .. [2] D. P. Kingma, J. Ba, "Adam: a method for stochastic optimization",
       arXiv:1412.6980, 2014.

    Examples
    --------
    With a zero gradient only the decay acts: :math:`w \leftarrow (1 - 0.1 \cdot 0.5) w`.

    >>> from gradlab import Parameter
    >>> from gradlab.optim import AdamW
    >>> w = Parameter([2.0])
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
    >>> opt.step()
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
        :math:`\epsilon \ge 0`, added to the root.
    weight_decay : float, default 0
        :math:`\lambda \ge 0`, an L2 penalty (or decoupled decay).
    momentum_decay : float, default 4e-3
        :math:`\psi \ge 0`, warms the momentum up from :math:`\beta_1/2` to :math:`\beta_1`.
    decoupled_weight_decay : bool, default False
        Shrink the weights directly, as :class:`AdamW`.

    Notes
    -----
    The code implements PyTorch's update (:func:`adam_rule` with ``nesterov=True``): with
    :math:`g_t` as in :class:`Adam` (L2 or decoupled decay), the momentum schedule

    .. math::

        \mu_t = \beta_1 \bigl(1 - \tfrac12\, 0.96^{t\psi}\bigr), \qquad
        \Pi_t = \prod_{s=1}^{t} \mu_s,

    Adam's moments :math:`m_t, v_t` and :math:`\hat v_t = v_t / (1 - \beta_2^t)`,

    .. math::

        w_t = w_{t-1} - \eta \Bigl( \frac{(1 - \mu_t)\, g_t}{1 - \Pi_t}
            + \frac{\mu_{t+1}\, m_t}{1 - \Pi_{t+1}} \Bigr)
            \frac{1}{\sqrt{\hat v_t} + \epsilon}.

    Adam's corrected mean is :math:`(\beta_1 m_{t-1} + (1 - \beta_1) g_t)/(1 - \beta_1^t)`;
    NAdam replaces the momentum term :math:`\beta_1 m_{t-1}` by the *next* step's
    :math:`\mu_{t+1} m_t` (the Nesterov look-ahead, as :class:`SGD`'s ``nesterov=True``
    adds :math:`\mu b_t` to the gradient) and bias-corrects each part with the products of
    the scheduled :math:`\mu` [1]_.

    References
    ----------
    .. [1] T. Dozat, "Incorporating Nesterov momentum into Adam", ICLR workshop, 2016.
    .. [2] D. P. Kingma, J. Ba, "Adam: a method for stochastic optimization",
       arXiv:1412.6980, 2014.
    .. [3] I. Loshchilov, F. Hutter, "Decoupled weight decay regularization", ICLR, 2019.

    Examples
    --------
    The first step is about ``1.056 * lr``, not Adam's ``lr``: the look-ahead term
    :math:`\mu_2 m_1 / (1 - \Pi_2)` comes on top of the bias-corrected gradient.

    >>> from gradlab import Parameter
    >>> from gradlab.optim import NAdam
    >>> w = Parameter([1.0, 1.0])
    >>> opt = NAdam([w], lr=0.1)
    >>> w.grad[:] = [2.0, -2.0]
    >>> opt.step()
    >>> w.value
    array([0.89435482, 1.10564518])
    >>> opt.state[w].mu_product
    0.45007...
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
        rule = partial(
            adam_rule,
            betas=_check_betas(betas),
            eps=check_nonnegative(eps, "eps"),
            nesterov=True,
            momentum_decay=check_nonnegative(momentum_decay, "momentum_decay"),
        )
        super().__init__(
            params,
            lr,
            weight_decay,
            rule,
            _adam_state,
            decoupled_weight_decay=decoupled_weight_decay,
        )


# --------------------------------------------------------------------------------------
# Learning-rate schedules
# --------------------------------------------------------------------------------------


class _Schedule:
    """Shared part of the schedules: PyTorch's chainable ``lr <- factor(t) * lr``."""

    def __init__(self, optimizer: Optimizer[Any]) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__} expects a gradlab optimizer, "
                f"got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        self.base_lrs = [optimizer.lr]
        self.last_epoch = 0
        self._last_lr = [optimizer.lr]

    def _factor(self, epoch: int) -> float:
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and set ``optimizer.lr`` (call after ``optimizer.step()``)."""
        self.last_epoch += 1
        factor = self._factor(self.last_epoch)
        if factor != 1.0:
            self.optimizer.lr = self.optimizer.lr * factor
        self._last_lr = [self.optimizer.lr]

    def get_last_lr(self) -> list[float]:
        """The learning rate set by the last :meth:`step`, as a one-element list (PyTorch's
        format: one entry per parameter group)."""
        return list(self._last_lr)


class StepLR(_Schedule):
    r"""Staircase decay: multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    Parameters
    ----------
    optimizer : Optimizer
        Its ``lr`` is :math:`\eta_0` and is set by :meth:`step`.
    step_size : int
        :math:`T \ge 1`, epochs per stair.
    gamma : float, default 0.1
        :math:`\delta > 0`, the factor per stair.

    Attributes
    ----------
    last_epoch : int
        :math:`t`, the number of :meth:`step` calls.

    Notes
    -----
    The lecture's staircase exponential decay is

    .. math:: \eta_t = \delta^{\lfloor t / T \rfloor}\, \eta_0

    with :math:`\delta` = ``gamma`` and :math:`T` = ``step_size``. The code implements
    PyTorch's chainable form, :math:`\eta_t = \delta\, \eta_{t-1}` when :math:`t` is a
    multiple of :math:`T` and :math:`\eta_t = \eta_{t-1}` otherwise, which gives the same
    values (up to rounding of the repeated product) unless something else changes
    ``optimizer.lr`` between steps; then the schedule continues from the changed value.

    Examples
    --------
    >>> from gradlab import Parameter
    >>> from gradlab.optim import SGD, StepLR
    >>> opt = SGD([Parameter([0.0])], lr=1.0)
    >>> sched = StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     opt.step()
    ...     sched.step()
    ...     lrs.append(opt.lr)
    >>> lrs
    [1.0, 0.5, 0.5, 0.25, 0.25]
    >>> sched.last_epoch, sched.get_last_lr()
    (5, [0.25])
    """

    def __init__(self, optimizer: Optimizer[Any], step_size: int, gamma: float = 0.1) -> None:
        self.step_size = check_count(step_size, "step_size")
        self.gamma = check_positive(gamma, "gamma")
        super().__init__(optimizer)

    def _factor(self, epoch: int) -> float:
        return self.gamma if epoch % self.step_size == 0 else 1.0


class ExponentialLR(_Schedule):
    r"""Exponential decay: multiply the learning rate by ``gamma`` every epoch.

    Parameters
    ----------
    optimizer : Optimizer
        Its ``lr`` is :math:`\eta_0` and is set by :meth:`step`.
    gamma : float
        :math:`\gamma > 0`, the factor per epoch.

    Attributes
    ----------
    last_epoch : int
        :math:`t`, the number of :meth:`step` calls.

    Notes
    -----
    .. math:: \eta_t = \gamma\, \eta_{t-1} = \gamma^t \eta_0

    (the second form if nothing else changes ``optimizer.lr``); it is :class:`StepLR` with
    ``step_size=1``.

    Examples
    --------
    >>> from gradlab import Parameter
    >>> from gradlab.optim import SGD, ExponentialLR
    >>> opt = SGD([Parameter([0.0])], lr=1.0)
    >>> sched = ExponentialLR(opt, gamma=0.5)
    >>> for epoch in range(3):
    ...     opt.step()
    ...     sched.step()
    >>> opt.lr, sched.get_last_lr()
    (0.125, [0.125])
    """

    def __init__(self, optimizer: Optimizer[Any], gamma: float) -> None:
        self.gamma = check_positive(gamma, "gamma")
        super().__init__(optimizer)

    def _factor(self, epoch: int) -> float:
        return self.gamma


# --------------------------------------------------------------------------------------
# Gradient clipping
# --------------------------------------------------------------------------------------


def _vector_norm(x: FloatArray, p: float) -> float:
    return float(np.linalg.norm(x.ravel(), ord=p)) if x.size else 0.0


def clip_grad_norm(params: Iterable[Parameter], max_norm: float, norm_type: float = 2.0) -> float:
    r"""Rescale all gradients together so that their joint norm is at most ``max_norm``.

    Parameters
    ----------
    params : iterable of Parameter
        Their ``grad`` arrays are modified in place (an empty iterable does nothing).
    max_norm : float
        :math:`c > 0`.
    norm_type : float, default 2.0
        :math:`p > 0` of the :math:`p`-norm, or ``math.inf`` for the max norm.

    Returns
    -------
    float
        The total norm :math:`\|g\|_p` *before* clipping.

    Notes
    -----
    As ``torch.nn.utils.clip_grad_norm_``: the norm is taken over all gradients viewed as
    one vector (computed as the norm of the per-parameter norms), and

    .. math::

        g \leftarrow \min\Bigl(1, \frac{c}{\|g\|_p + 10^{-6}}\Bigr)\, g,

    so the direction is unchanged and the clipped norm is :math:`c\,\|g\|_p / (\|g\|_p +
    10^{-6})`, a hair below :math:`c`. Non-finite gradients are not rejected; as in
    PyTorch, an infinite or NaN total norm turns the gradients into zeros and NaNs.

    References
    ----------
    .. [1] R. Pascanu, T. Mikolov, Y. Bengio, "On the difficulty of training recurrent
       neural networks", ICML, 2013.

    Examples
    --------
    >>> from gradlab import Parameter
    >>> from gradlab.optim import clip_grad_norm
    >>> a, b = Parameter([0.0]), Parameter([0.0, 0.0])
    >>> a.grad[:] = 3.0
    >>> b.grad[:] = [0.0, 4.0]
    >>> clip_grad_norm([a, b], max_norm=1.0)
    5.0
    >>> a.grad, b.grad
    (array([0.59999...]), array([0.     , 0.79999...]))
    """
    params = _check_params(params, "clip_grad_norm", allow_empty=True)
    max_norm = check_positive(max_norm, "max_norm")
    p = _check_norm_type(norm_type)
    if not params:
        return 0.0
    norms = np.array([_vector_norm(q.grad, p) for q in params])
    total = float(np.linalg.norm(norms, ord=p))
    coef = min(max_norm / (total + 1e-6), 1.0)  # min(nan, 1.0) is nan, as torch.clamp
    if coef != 1.0:
        for q in params:
            q.grad *= coef
    return total


def clip_grad_value(params: Iterable[Parameter], clip_value: float) -> None:
    r"""Clip every gradient entry to :math:`[-c, c]` in place.

    Parameters
    ----------
    params : iterable of Parameter
        Their ``grad`` arrays are modified in place.
    clip_value : float
        :math:`c > 0`.

    Notes
    -----
    .. math:: g_i \leftarrow \max(-c, \min(c, g_i))

    Unlike :func:`clip_grad_norm` this changes the gradient's direction.
    As ``torch.nn.utils.clip_grad_value_``.

    References
    ----------
    .. [1] R. Pascanu, T. Mikolov, Y. Bengio, "On the difficulty of training recurrent
       neural networks", ICML, 2013.

    Examples
    --------
    >>> from gradlab import Parameter
    >>> from gradlab.optim import clip_grad_value
    >>> w = Parameter([0.0, 0.0, 0.0])
    >>> w.grad[:] = [-3.0, 0.5, 2.0]
    >>> clip_grad_value([w], 1.0)
    >>> w.grad
    array([-1. ,  0.5,  1. ])
    """
    params = _check_params(params, "clip_grad_value", allow_empty=True)
    c = check_positive(clip_value, "clip_value")
    for q in params:
        np.clip(q.grad, -c, c, out=q.grad)
