r"""The gradient-flow report for a PyTorch model: :func:`diagnose`.

The same :class:`~gradlab.report.GradientReport` as :func:`gradlab.report.diagnose` gives for
a gradlab network, for any ``torch.nn.Module``: one row per module call in the order the
forward pass runs, with its weight and gradient norms, output statistics, dead and saturated
fractions and the Xavier or He standard deviation for its fan-in, then warnings in plain
language. This is the only module of gradlab that uses PyTorch (``pip install gradlab[torch]``);
it imports torch when :func:`diagnose` is called.

How it sees the model
---------------------
A *forward hook* on every module reads each call's output the moment it is produced (before
a later ``ReLU(inplace=True)`` overwrites it) and puts a *tensor hook* on that output, which
receives :math:`\partial L/\partial \text{output}` during the backward pass. The parameter
gradients come from ``torch.autograd.grad``, so ``.grad`` is never written. Full backward
hooks (``register_full_backward_hook``) are not used: they fail next to in-place operations
and warn on a first layer whose input needs no gradient.

What it cannot see: only modules are observed. An activation called as a function inside
``forward`` (``torch.relu(x)``, ``F.sigmoid``, ``x.tanh()``) has no module and no row, so the
report shows the weighted layer's output before the activation and can count neither its
dead units nor its saturated ones; write ``nn.ReLU()`` modules to see them. Likewise the
weights of ``F.linear(x, self.w)`` inside a custom module appear only as that module's own
parameters.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ._validation import FloatArray, check_bool, check_callable
from .report import GradientReport, Thresholds, _Call, _check_thresholds, _grad_stats, _rows

if TYPE_CHECKING:
    import torch as _torch
    from torch import nn

__all__ = ["diagnose"]


def _import_torch() -> Any:
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "gradlab.torch needs PyTorch: pip install 'gradlab[torch]' (or torch itself)"
        ) from exc
    return torch


def _activation_of(module: nn.Module) -> str | None:
    """The activation family of a module, as gradlab names it (None if not an activation)."""
    from torch import nn

    if isinstance(module, nn.ReLU | nn.ReLU6):
        return "relu"
    if isinstance(module, nn.LeakyReLU):
        return "leaky_relu"
    if isinstance(module, nn.ELU):
        return "elu"
    if isinstance(module, nn.Sigmoid):
        return "sigmoid"
    if isinstance(module, nn.Tanh):
        return "tanh"
    rectifiers = (nn.PReLU, nn.RReLU, nn.CELU, nn.GELU, nn.SiLU, nn.Mish, nn.Hardswish)
    if isinstance(module, rectifiers):
        return "rectifier"  # He's initialization is the one expected before them
    return None


def _numpy(t: _torch.Tensor) -> FloatArray:
    """A tensor's values as a NumPy array on the CPU (float16 and bfloat16 as float32)."""
    import torch

    t = t.detach()
    if t.dtype in (torch.bfloat16, torch.float16) or not t.dtype.is_floating_point:
        t = t.float()
    return np.asarray(t.cpu().numpy())


def _fans(module: nn.Module) -> tuple[int, int] | None:
    """Fan-in and fan-out of a Linear or Conv module, as ``torch.nn.init`` counts them."""
    from torch import nn

    weight = getattr(module, "weight", None)
    if isinstance(module, nn.Linear):
        return module.in_features, module.out_features
    if isinstance(module, nn.modules.conv._ConvNd) and weight is not None:
        receptive = math.prod(weight.shape[2:])
        return int(weight.shape[1]) * receptive, int(weight.shape[0]) * receptive
    return None


def _first_tensor(output: Any) -> _torch.Tensor | None:
    import torch

    if isinstance(output, torch.Tensor):
        return output
    if isinstance(output, tuple | list):
        return next((o for o in output if isinstance(o, torch.Tensor)), None)
    return None


def _to_device(value: Any, device: _torch.device) -> Any:
    import torch

    if isinstance(value, torch.Tensor):
        return value.to(device)
    if type(value) in (tuple, list):
        return type(value)(_to_device(v, device) for v in value)
    return value


class _Observer:
    """Forward hooks on every module, tensor hooks on their outputs; removes them all on exit."""

    def __init__(self, model: nn.Module) -> None:
        self.model = model
        self.calls: list[tuple[nn.Module, _Call]] = []
        self._handles: list[Any] = []
        self._counts: dict[str, int] = {}
        self._names: dict[int, list[str]] = {}
        for name, module in model.named_modules(remove_duplicate=False):
            self._names.setdefault(id(module), []).append(name or type(module).__name__)

    def __enter__(self) -> _Observer:
        for module in self.model.modules():
            has_children = next(module.children(), None) is not None
            has_own = next(module.parameters(recurse=False), None) is not None
            if has_own or not has_children:
                self._handles.append(module.register_forward_hook(self._hook))
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    def _hook(self, module: nn.Module, args: Any, output: Any) -> None:
        from .report import _output_stats, _unique_names

        kind, activation = type(module).__name__, _activation_of(module)
        name = _unique_names(self._names.get(id(module), [kind]), self._counts)
        tensor = _first_tensor(output)
        stats = {} if tensor is None else _output_stats(_numpy(tensor), activation)
        call = _Call(name, kind, activation, stats)
        self.calls.append((module, call))
        if tensor is not None and tensor.requires_grad:

            def read(grad: _torch.Tensor, call: _Call = call) -> None:
                call.output_grad = _grad_stats(_numpy(grad))

            self._handles.append(tensor.register_hook(read))  # type: ignore[no-untyped-call]


def _own_weight(module: nn.Module) -> tuple[list[nn.Parameter], nn.Parameter | None]:
    """The parameters read as the module's weight (``weight``, else all but ``bias``), bias."""
    own = dict(module.named_parameters(recurse=False))
    bias = own.pop("bias", None)
    weight = [own["weight"]] if "weight" in own else list(own.values())
    return weight, bias


def _read_parameters(
    module: nn.Module, call: _Call, grads: dict[int, _torch.Tensor | None]
) -> None:
    import torch

    weight, bias = _own_weight(module)
    if weight:
        call.weight = np.concatenate([_numpy(w).ravel() for w in weight])
        if all(w.requires_grad for w in weight):
            parts = [grads.get(id(w)) for w in weight]
            call.weight_grad = np.concatenate(
                [
                    _numpy(torch.zeros_like(w) if g is None else g).ravel()
                    for w, g in zip(weight, parts, strict=True)
                ]
            )
        fans = _fans(module)
        if fans is not None:
            call.fan_in, call.fan_out = fans
    if bias is not None and bias.requires_grad:
        g = grads.get(id(bias))
        call.bias_grad = _numpy(torch.zeros_like(bias) if g is None else g)


class _PreservedModule:
    """Leave the model's parameters, gradients, buffers and modes as they were (also on error).

    Buffers are swapped for copies during the pass, so that BatchNorm updates the copies and
    the model's own tensors are never written: a graph the caller still holds stays valid.
    Parameters and gradients are copied back only where they changed, for the same reason.
    """

    def __init__(self, model: nn.Module) -> None:
        self.model = model

    def __enter__(self) -> None:
        torch = _import_torch()
        model = self.model
        self.modes = [(m, m.training) for m in model.modules()]
        with torch.no_grad():
            self.params = [
                (
                    p,
                    p.detach().clone(),
                    p.grad,
                    None if p.grad is None else p.grad.detach().clone(),
                )
                for p in model.parameters()
            ]
            self.buffers = [
                (m, name, b) for m in model.modules() for name, b in m.named_buffers(recurse=False)
            ]
            for m, name, b in self.buffers:
                setattr(m, name, b.detach().clone())

    def __exit__(self, *exc: object) -> None:
        torch = _import_torch()
        with torch.no_grad():
            for p, value, grad, grad_value in self.params:
                if not torch.equal(p, value):
                    p.copy_(value)
                if p.grad is not grad:
                    p.grad = grad
                if (
                    grad is not None
                    and grad_value is not None
                    and not torch.equal(grad, grad_value)
                ):
                    grad.copy_(grad_value)
        for m, name, b in self.buffers:
            setattr(m, name, b)
        for m, training in self.modes:
            m.training = training


def diagnose(
    model: nn.Module,
    inputs: Any,
    targets: Any,
    loss_fn: Callable[..., Any],
    *,
    train: bool = True,
    thresholds: Thresholds | None = None,
) -> GradientReport:
    """Report the gradient flow of a PyTorch model on one batch: one forward, one backward.

    Parameters
    ----------
    model : torch.nn.Module
        Any module: nested modules are looked into, a module called twice gets a row per call.
        It may live on any device; ``inputs`` and ``targets`` are moved to the device of its
        first parameter.
    inputs : Tensor or tuple of Tensors
        The batch: ``model(inputs)``, or ``model(*inputs)`` for a tuple.
    targets : Tensor or object
        The second argument of ``loss_fn``.
    loss_fn : callable
        ``loss_fn(model(inputs), targets)`` returns the scalar loss, e.g. ``nn.MSELoss()`` or
        ``torch.nn.functional.cross_entropy``.
    train : bool, default True
        Run the pass in training mode, as a training step sees it (BatchNorm uses the batch's
        statistics, dropout is on); False for evaluation mode. Every module's own mode is
        restored afterwards.
    thresholds : Thresholds, optional
        When the report warns; ``Thresholds()`` by default.

    Returns
    -------
    GradientReport
        One row per module call, the first-to-last gradient ratio and the warnings.

    Raises
    ------
    TypeError, ValueError
        For a bad argument or a loss that is not a scalar depending on the parameters; and
        whatever the model or the loss raises. The model is left as it was in every case.

    Notes
    -----
    No optimizer step is taken and the model is left exactly as it was: its parameters,
    their ``.grad`` (``None`` stays ``None``; the gradients are computed with
    ``torch.autograd.grad`` and never accumulated), every module's train/eval mode, buffers
    such as BatchNorm's running statistics, and no hook is left behind, also when the model
    or the loss raises. Dropout draws from a forked random-number generator, so the caller's
    random stream does not move either.

    The rows are the calls of *modules*: activations called as functions inside ``forward``
    are invisible (see the module's documentation).

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from gradlab.torch import diagnose
    >>> _ = torch.manual_seed(0)
    >>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(inplace=True), nn.Linear(8, 1))
    >>> with torch.no_grad():
    ...     _ = model[0].bias.fill_(-100.0)  # a large negative bias kills every unit
    >>> report = diagnose(model, torch.randn(16, 4), torch.zeros(16, 1), nn.MSELoss())
    >>> [(row.name, row.kind, row.dead_fraction) for row in report.layers]
    [('0', 'Linear', None), ('1', 'ReLU', 1.0), ('2', 'Linear', None)]
    >>> for warning in report.warnings:
    ...     print(warning)
    the weight gradients of layers 0 and 2 are exactly 0: their weights cannot move
    all units of layer 1 are dead (0 for every sample of the batch)...
    >>> model[0].weight.grad is None  # untouched
    True
    """
    torch = _import_torch()
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    loss_fn = check_callable(loss_fn, "loss_fn")
    train = check_bool(train, "train")
    thresholds = _check_thresholds(thresholds)
    params = [p for p in model.parameters() if p.requires_grad]
    if not params:
        raise ValueError("model has no parameter that requires grad: there is no gradient to read")
    device = next(itertools.chain(model.parameters(), model.buffers())).device
    inputs, targets = _to_device(inputs, device), _to_device(targets, device)
    rng_devices = sorted(
        {t.device.index or 0 for t in model.parameters() if t.device.type == "cuda"}
    )
    with (
        torch.random.fork_rng(devices=rng_devices),
        torch.enable_grad(),
        _PreservedModule(model),
        _Observer(model) as observer,
    ):
        model.train(train)
        output = model(*inputs) if isinstance(inputs, tuple) else model(inputs)
        loss = loss_fn(output, targets)
        if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
            raise TypeError(
                "loss_fn must return the loss as a tensor with one element, got "
                + (
                    f"shape {tuple(loss.shape)}"
                    if isinstance(loss, torch.Tensor)
                    else type(loss).__name__
                )
            )
        if not loss.requires_grad:
            raise ValueError(
                "the loss returned by loss_fn does not depend on any parameter that requires grad"
            )
        value = float(loss.detach().cpu())
        found = torch.autograd.grad(loss.reshape(()), params, allow_unused=True)
        grads = {id(p): g for p, g in zip(params, found, strict=True)}
        for module, call in observer.calls:
            _read_parameters(module, call, grads)
    return GradientReport(_rows([call for _, call in observer.calls]), value, thresholds)
