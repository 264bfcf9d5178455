r"""A gradient-flow report: is *my* network's gradient vanishing, exploding, or dying?

:func:`diagnose` runs one forward and one backward pass of a gradlab network on a batch and
reads, layer by layer in the order the forward pass runs, what the course measures by hand:
the norm of each weight gradient :math:`\|\partial L/\partial W^{(l)}\|` next to the weight's
own norm, the statistics of each layer's output and of the gradient reaching it, the share of
dead ReLU units and of saturated sigmoid and tanh units, and the standard deviation Xavier or
He would give the layer's weights. :func:`gradlab.torch.diagnose` does the same for a
``torch.nn.Module`` and returns the same :class:`GradientReport`.

The report takes no optimizer step, and the network is left exactly as it was, even when the
loss raises: parameters, gradients, training modes, BatchNorm's running statistics.

>>> import numpy as np
>>> from gradlab import mlp
>>> from gradlab.report import diagnose
>>> net = mlp([8, 16, 16, 16, 16, 1], activation="sigmoid", rng=0)
>>> X = np.random.default_rng(0).normal(size=(64, 8))
>>> report = diagnose(net, X, np.zeros((64, 1)))
>>> for warning in report.warnings:
...     print(warning)
the first layer's gradient (layer 0) is 5.22 × 10⁻⁴ of the last's (layer 8): vanishing
"""

from __future__ import annotations

import dataclasses
import html
import math
import textwrap
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import activations as _activations
from . import losses as _losses
from ._validation import FloatArray, check_bool, check_real
from .layers import Activation, BatchNorm, Dense, Layer, Sequential, preserved_state
from .parameter import Parameter

__all__ = ["GradientReport", "LayerRow", "Thresholds", "diagnose", "readable"]

#: A unit is saturated when its slope is below this share of the activation's largest slope
#: (the default ``threshold`` of :func:`gradlab.diagnostics.saturated_fraction`).
SATURATION_SLOPE = 0.05
_PEAK_SLOPE = {"sigmoid": 0.25, "tanh": 1.0}
#: Activations whose units can die (output 0 for every sample).
_CAN_DIE = ("relu",)
#: Activations after which He's initialization is the expected one (Xavier's otherwise).
_HE_FAMILY = ("relu", "leaky_relu", "elu", "rectifier")

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def readable(x: float) -> str:
    """A number as people write it: 3 significant figures, powers of ten as ``2.1 × 10⁻⁷``.

    Parameters
    ----------
    x : float
        The number.

    Returns
    -------
    str
        Three significant figures; below 10⁻³ or from 10³ on, a mantissa times a power of ten.

    Examples
    --------
    >>> from gradlab.report import readable
    >>> readable(2.1e-7), readable(0.0123456), readable(512.0), readable(3e5)
    ('2.1 × 10⁻⁷', '0.0123', '512', '3 × 10⁵')
    >>> readable(float("nan")), readable(float("inf")), readable(0.0)
    ('NaN', 'inf', '0')
    """
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0:
        return "0"
    if 1e-3 <= abs(x) < 1e3:
        return f"{x:.3g}"
    mantissa, exponent = f"{x:.2e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def _percent(x: float) -> str:
    return f"{100 * x:.3g} %"


def _ratio(a: float, b: float) -> float:
    """``a / b``, inf when only ``b`` is 0, NaN when both are."""
    if b == 0.0:
        return math.nan if a == 0.0 or math.isnan(a) else math.inf
    return a / b


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """When :attr:`GradientReport.warnings` speaks up.

    Parameters
    ----------
    vanishing : float, default 1e-2
        Warn when the first weighted layer's gradient norm is less than this share of the
        last one's (:attr:`GradientReport.first_to_last`); in (0, 1].
    exploding : float, default 1e2
        Warn when it is more than this many times the last one's; at least 1.
    dead : float, default 0.5
        Warn when at least this share of a ReLU layer's units are dead; in (0, 1].
    saturated : float, default 0.5
        Warn when at least this share of a sigmoid or tanh layer's outputs are saturated;
        in (0, 1].
    init_factor : float, default 3.0
        Warn when a layer's weights have a standard deviation more than this factor away
        from the Xavier or He value for its fan-in (above or below); at least 1.

    Examples
    --------
    >>> from gradlab.report import Thresholds
    >>> Thresholds(vanishing=1e-4).vanishing
    0.0001
    """

    vanishing: float = 1e-2
    exploding: float = 1e2
    dead: float = 0.5
    saturated: float = 0.5
    init_factor: float = 3.0

    def __post_init__(self) -> None:
        for name in ("vanishing", "dead", "saturated"):
            value = check_real(getattr(self, name), name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} must be in (0, 1], got {value}")
            object.__setattr__(self, name, value)
        for name in ("exploding", "init_factor"):
            value = check_real(getattr(self, name), name)
            if value < 1.0:
                raise ValueError(f"{name} must be >= 1, got {value}")
            object.__setattr__(self, name, value)


@dataclasses.dataclass(frozen=True)
class LayerRow:
    """One call of one layer in the forward pass, and the gradient that came back to it.

    Each field is also an attribute of the same name.

    Parameters
    ----------
    name : str
        Where the layer sits: its index path in a gradlab network (``"2"``, ``"3.0"`` inside a
        :class:`~gradlab.layers.Residual`), the module's qualified name in PyTorch
        (``"encoder.0"``). A layer called a second time under the same name gets
        ``" (call 2)"`` appended.
    kind : str
        ``"Dense"``, ``"sigmoid"``, ``"BatchNorm"``; in PyTorch the module's class name.
    fan_in, fan_out : int or None
        Inputs and outputs per unit of a weighted layer (Dense, Linear, Conv; for a
        convolution times the kernel size, as ``torch.nn.init`` counts them).
    weight_norm, weight_std : float or None
        :math:`\\|W\\|` and the standard deviation of the entries of :math:`W`.
    expected_std : float or None
        The standard deviation of :math:`W` that ``expected_init`` gives for this fan-in:
        He, :math:`\\sqrt{2/n_\\text{in}}`, when a ReLU-family activation follows the layer;
        Xavier, :math:`\\sqrt{2/(n_\\text{in} + n_\\text{out})}`, otherwise.
    expected_init : {"He", "Xavier"} or None
        The initialization that ``expected_std`` follows.
    grad_norm : float or None
        :math:`\\|\\partial L/\\partial W\\|` (None for a layer without weights). A weight
        used by several calls has one gradient, the sum over its uses.
    bias_grad_norm : float or None
        :math:`\\|\\partial L/\\partial b\\|`, Nielsen's speed of learning of the layer.
    grad_to_weight : float or None
        ``grad_norm / weight_norm``: the relative size of a gradient step.
    output_mean, output_std : float or None
        Over every entry of this call's output.
    output_grad_norm : float or None
        :math:`\\|\\partial L/\\partial \\text{output}\\|` for this call (None where no
        gradient flows back to it, as before the first weighted layer).
    dead_fraction : float or None
        Share of the units that are 0 for every sample of the batch, for ReLU layers. A unit
        is a column of a ``(n, features)`` output, a channel of an ``(n, channels, ...)`` one.
    saturated_fraction : float or None
        Share of the outputs whose slope is below 5 % of the largest, for sigmoid and tanh
        layers (as :func:`gradlab.diagnostics.saturated_fraction`).
    output_nan, output_inf, grad_nan, grad_inf : bool
        Whether the output, or a gradient (of the layer's parameters or of its output),
        holds a NaN or an infinity.
    """

    name: str
    kind: str
    fan_in: int | None = None
    fan_out: int | None = None
    weight_norm: float | None = None
    weight_std: float | None = None
    expected_std: float | None = None
    expected_init: str | None = None
    grad_norm: float | None = None
    bias_grad_norm: float | None = None
    grad_to_weight: float | None = None
    output_mean: float | None = None
    output_std: float | None = None
    output_grad_norm: float | None = None
    dead_fraction: float | None = None
    saturated_fraction: float | None = None
    output_nan: bool = False
    output_inf: bool = False
    grad_nan: bool = False
    grad_inf: bool = False

    @property
    def label(self) -> str:
        """The name as a warning writes it: ``"layer 3"`` for an index, else the name."""
        head = self.name.split(" ", 1)[0]
        return f"layer {self.name}" if head.replace(".", "").isdigit() else self.name


@dataclasses.dataclass(frozen=True, repr=False)
class GradientReport:
    """The gradient flow of one forward and backward pass, layer by layer.

    Returned by :func:`gradlab.report.diagnose` (gradlab networks) and
    :func:`gradlab.torch.diagnose` (PyTorch modules). Printed, it is a text table of the
    main columns (:meth:`to_text` gives all of them); in a notebook, an HTML table with every
    column; :meth:`plot` draws it.

    Each field is also an attribute of the same name.

    Parameters
    ----------
    layers : tuple of LayerRow
        One row per layer call, in the order the forward pass ran them.
    loss : float
        The loss of the batch.
    thresholds : Thresholds
        What :attr:`warnings` reports.
    """

    layers: tuple[LayerRow, ...]
    loss: float
    thresholds: Thresholds = Thresholds()

    def _weighted(self) -> list[LayerRow]:
        return [r for r in self.layers if r.fan_in is not None and r.grad_norm is not None]

    @property
    def first_to_last(self) -> float | None:
        """The first weighted layer's gradient norm over the last one's.

        ``inf`` when the last one's is 0 (NaN when both are), ``None`` without weighted
        layers. Far below 1 the gradient vanishes on its way to the input; far above, it
        explodes.
        """
        weighted = self._weighted()
        if not weighted:
            return None
        first, last = weighted[0].grad_norm, weighted[-1].grad_norm
        assert first is not None
        assert last is not None
        return _ratio(first, last)

    @property
    def warnings(self) -> list[str]:
        """Findings in plain language, with layer names and numbers (empty when all is well)."""
        t = self.thresholds
        found: list[str] = []
        weighted = self._weighted()
        ratio = self.first_to_last
        if ratio is not None and len(weighted) > 1 and weighted[0].grad_norm != 0.0:
            # (a first gradient of exactly 0 has its own warning below)
            first, last = weighted[0].label, weighted[-1].label
            if ratio < t.vanishing:
                found.append(
                    f"the first layer's gradient ({first}) is {readable(ratio)} of the last's "
                    f"({last}): vanishing"
                )
            elif ratio > t.exploding:
                found.append(
                    f"the first layer's gradient ({first}) is {readable(ratio)} times the "
                    f"last's ({last}): exploding"
                )
        found.extend(_layer_warnings(self.layers, t))
        return found

    # -- display --------------------------------------------------------------------------------
    def _summary(self) -> str:
        ratio = self.first_to_last
        text = f"GradientReport: {len(self.layers)} layer calls, loss {readable(self.loss)}"
        if ratio is not None:
            text += f", first/last layer gradient norm {readable(ratio)}"
        return text

    def __repr__(self) -> str:
        return f"<{self._summary()}, {len(self.warnings)} warning(s)>"

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self, full: bool = False) -> str:
        """The report as text: a summary, a table with one row per layer call, the warnings.

        ``str(report)`` and ``print(report)`` give the short table, which fits a terminal
        or a page of 79 characters; ``full=True`` gives every column, as the notebook's
        HTML table does.

        Parameters
        ----------
        full : bool, default False
            False: the columns layer, kind, in→out, ‖∂L/∂W‖, W std/init (the weights'
            standard deviation over the one Xavier or He gives this fan-in, e.g.
            ``1.01 Xavier``), out std, ‖∂L/∂out‖, dead, sat. and flags; a column empty in
            every row (dead without ReLU layers, flags without NaN or inf) is left out.
            True: all of them, plus ‖W‖, ‖∂L/∂b‖, ‖∂L/∂W‖/‖W‖, the two standard deviations
            apart, and out mean, whether empty or not.

        Returns
        -------
        str
            The warnings are wrapped at 79 characters; the short table of a network like
            the course's (numbered layers, kinds such as ``sigmoid``) fits in them too.

        Examples
        --------
        >>> import numpy as np
        >>> from gradlab import mlp
        >>> from gradlab.report import diagnose
        >>> X = np.random.default_rng(0).normal(size=(16, 4))
        >>> report = diagnose(mlp([4, 3, 1], activation="tanh", rng=0), X, np.zeros((16, 1)))
        >>> print(report)
        GradientReport: 3 layer calls, loss 0.416
        first/last layer gradient norm 1.09
        <BLANKLINE>
        layer  kind   in→out  ‖∂L/∂W‖   W std/init  out std  ‖∂L/∂out‖    sat.
        -----  -----  ------  -------  -----------  -------  ---------  ------
        0      Dense     4→3    0.777  1.17 Xavier     1.03      0.281
        1      tanh                                   0.638      0.498  0.0625
        2      Dense     3→1    0.713  1.25 Xavier    0.609      0.323
        <BLANKLINE>
        no warnings
        >>> "‖∂L/∂b‖" in report.to_text(full=True)
        True
        """
        check_bool(full, "full")
        columns = _HTML_COLUMNS if full else _SHORT_COLUMNS
        table = [[header for header, _ in columns]]
        table += [[cell(row) for _, cell in columns] for row in self.layers]
        if not full:  # leave out the columns that are empty in every row
            keep = [i for i in range(len(columns)) if i < 2 or any(line[i] for line in table[1:])]
            table = [[line[i] for i in keep] for line in table]
        widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
        lines = [
            "  ".join(
                c.rjust(w) if i > 1 else c.ljust(w)
                for i, (c, w) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
            for line in table
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        head = [f"GradientReport: {len(self.layers)} layer calls, loss {readable(self.loss)}"]
        if (ratio := self.first_to_last) is not None:
            head.append(f"first/last layer gradient norm {readable(ratio)}")
        warnings = self.warnings
        wrap = textwrap.TextWrapper(
            _TEXT_WIDTH, initial_indent="- ", subsequent_indent="  ", break_on_hyphens=False
        )
        notes = [wrap.fill(w) for w in warnings] if warnings else ["no warnings"]
        return "\n".join([*head, "", *lines, "", *notes])

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h, _ in _HTML_COLUMNS)
        body = "".join(
            "<tr>"
            + "".join(f"<td>{html.escape(cell(row))}</td>" for _, cell in _HTML_COLUMNS)
            + "</tr>"
            for row in self.layers
        )
        warnings = self.warnings
        notes = (
            "<ul>" + "".join(f"<li>{html.escape(w)}</li>" for w in warnings) + "</ul>"
            if warnings
            else "<p>no warnings</p>"
        )
        return (
            f"<div><p>{html.escape(self._summary())}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{notes}</div>"
        )

    def plot(self, axes: Sequence[Any] | None = None) -> Any:
        """Draw the gradient norms and the dead and saturated fractions, layer by layer.

        Top: each weighted layer's :math:`\\|\\partial L/\\partial W^{(l)}\\|` on a log scale,
        with the bands where the vanishing and exploding warnings start (relative to the last
        layer's, :math:`W^{(L)}`). Bottom: the share of dead units of each ReLU layer
        (:math:`h = 0` for every sample :math:`x` of the batch) and of saturated outputs of
        each sigmoid or tanh layer (slope :math:`f'(z)` below 0.05 of its largest), with the
        warning thresholds. The layers are named on the horizontal axes as in the table. The
        text is symbols and names only, so that the figure reads the same in any language.

        Parameters
        ----------
        axes : pair of matplotlib Axes, optional
            Where to draw; a new figure of size (7, 5) by default.

        Returns
        -------
        ndarray of two matplotlib Axes
            The gradient panel and the units panel.
        """
        try:
            import matplotlib.pyplot as plt
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "GradientReport.plot needs Matplotlib: pip install matplotlib"
            ) from exc
        if axes is None:
            _, axes = plt.subplots(2, 1, figsize=(7, 5), layout="constrained")
        if len(axes) != 2:
            raise ValueError(f"axes must be a pair of Axes, got {len(axes)}")
        ax_grad, ax_units = axes
        self._plot_gradients(ax_grad)
        self._plot_units(ax_units)
        return np.asarray([ax_grad, ax_units], dtype=object)

    def _plot_gradients(self, ax: Any) -> None:
        rows = self._weighted()
        if not rows:
            ax.text(
                0.5, 0.5, "no weighted layer", ha="center", va="center", transform=ax.transAxes
            )
            return
        x = np.arange(len(rows))
        norms = np.array([r.grad_norm for r in rows], dtype=np.float64)
        shown = np.where(norms > 0, norms, np.nan)
        norm = r"$\|\partial L/\partial W^{(l)}\|$"
        ax.plot(x, shown, "o-", color="C0", label=norm)
        values = list(shown[np.isfinite(shown)])
        last = norms[-1]
        if np.isfinite(last) and last > 0:
            low, high = self.thresholds.vanishing * last, self.thresholds.exploding * last
            values += [low, high]
            bottom, top = min(values) / 10, max(values) * 10
            last_norm = r"$\|\partial L/\partial W^{(L)}\|$"
            ax.axhspan(
                bottom, low, color="C9", alpha=0.15, lw=0,
                label=f"< {readable(self.thresholds.vanishing)} × {last_norm}",
            )  # fmt: skip
            ax.axhspan(
                high, top, color="C3", alpha=0.12, lw=0,
                label=f"> {readable(self.thresholds.exploding)} × {last_norm}",
            )  # fmt: skip
            ax.set_ylim(bottom, top)
        ax.set_yscale("log")
        for i in np.flatnonzero(norms == 0):
            ax.annotate(
                "0",
                (i, 0),
                xycoords=("data", "axes fraction"),
                ha="center",
                va="bottom",
                color="C3",
            )
        ax.set_xticks(x, [r.name for r in rows])
        ax.set_xlim(-0.5, len(rows) - 0.5)
        ax.set_ylabel(norm)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")

    def _plot_units(self, ax: Any) -> None:
        rows = [
            r
            for r in self.layers
            if r.dead_fraction is not None or r.saturated_fraction is not None
        ]
        if not rows:
            ax.text(
                0.5,
                0.5,
                "no ReLU, sigmoid or tanh layer",
                ha="center",
                va="center",
                transform=ax.transAxes,
            )
            return
        x = np.arange(len(rows))
        kinds = [
            ("dead_fraction", r"ReLU: $h = 0\ \forall x$", "C1", "--", self.thresholds.dead),
            ("saturated_fraction", _SATURATED_LABEL, "C4", ":", self.thresholds.saturated),
        ]  # fmt: skip
        for field, label, color, style, threshold in kinds:
            at = [i for i, r in enumerate(rows) if getattr(r, field) is not None]
            if at:
                heights = [getattr(rows[i], field) for i in at]
                bars = ax.bar(x[at], heights, color=color, label=label)
                ax.bar_label(bars, fmt="%.2g", fontsize="small")
                ax.axhline(threshold, color=color, ls=style, lw=0.8)
        ax.set_xticks(x, [r.name for r in rows])
        ax.set_xlim(-0.5, len(rows) - 0.5)
        ax.set_ylim(0, 1.05)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")


#: The legend entry of the saturated shares in :meth:`GradientReport.plot`.
_SATURATED_LABEL = f"sigmoid, tanh:\n$f'(z) < {SATURATION_SLOPE:g}\\,\\max f'$"


def _labels(rows: Sequence[LayerRow]) -> str:
    """``"layer 3"``, ``"layers 0, 2 and 4"``, ``"fc1 and fc2"``."""
    labels = [r.label for r in rows]
    if len(rows) > 1 and all(label.startswith("layer ") for label in labels):
        labels = [label[len("layer ") :] for label in labels]
        labels[0] = "layers " + labels[0]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _layer_warnings(rows: Sequence[LayerRow], t: Thresholds) -> Iterator[str]:
    """Warnings about single layers; layers with the same finding share one sentence."""
    for flag, what in (
        ("grad_nan", "NaN in the gradient"),
        ("grad_inf", "inf in the gradient"),
        ("output_nan", "NaN in the output"),
        ("output_inf", "inf in the output"),
    ):
        flagged = [r for r in rows if getattr(r, flag)]
        if flagged:
            yield f"{what} of {_labels(flagged)}"
    zero = [r for r in rows if r.grad_norm == 0.0]
    if len(zero) == 1:
        yield f"the weight gradient of {_labels(zero)} is exactly 0: its weights cannot move"
    elif zero:
        yield f"the weight gradients of {_labels(zero)} are exactly 0: their weights cannot move"
    dead = [r for r in rows if r.dead_fraction is not None and r.dead_fraction >= t.dead]
    all_dead = [r for r in dead if r.dead_fraction == 1.0]
    if all_dead:
        yield f"all units of {_labels(all_dead)} are dead (0 for every sample of the batch)"
    for row in dead:
        if row.dead_fraction is not None and row.dead_fraction < 1.0:
            yield (
                f"{_percent(row.dead_fraction)} of the units of {row.label} are dead "
                "(0 for every sample of the batch)"
            )
    for row in rows:
        if row.saturated_fraction is not None and row.saturated_fraction >= t.saturated:
            yield (
                f"{_percent(row.saturated_fraction)} of the outputs of {row.label} are "
                f"saturated (slope below {_percent(SATURATION_SLOPE)} of the largest)"
            )
    for row in rows:
        if row.weight_std is None or row.expected_std is None or row.weight_std == 0:
            continue
        factor = row.weight_std / row.expected_std
        if factor > t.init_factor or factor < 1 / t.init_factor:
            yield (
                f"the weights of {row.label} have standard deviation "
                f"{readable(row.weight_std)}, {readable(factor)} times the {row.expected_init} "
                f"value {readable(row.expected_std)} for fan-in {row.fan_in}"
            )


def _cell(x: float | None) -> str:
    return "" if x is None else f"{x:.3g}"


def _flags(row: LayerRow) -> str:
    marks = [
        ("NaN out", row.output_nan),
        ("inf out", row.output_inf),
        ("NaN grad", row.grad_nan),
        ("inf grad", row.grad_inf),
    ]
    return ", ".join(text for text, on in marks if on)


def _expected(row: LayerRow) -> str:
    if row.expected_std is None:
        return ""
    return f"{row.expected_std:.3g} ({row.expected_init})"


_COLUMNS: list[tuple[str, Any]] = [
    ("layer", lambda r: r.name),
    ("kind", lambda r: r.kind),
    ("in→out", lambda r: "" if r.fan_in is None else f"{r.fan_in}→{r.fan_out}"),
    ("‖W‖", lambda r: _cell(r.weight_norm)),
    ("‖∂L/∂W‖", lambda r: _cell(r.grad_norm)),
    ("‖∂L/∂W‖/‖W‖", lambda r: _cell(r.grad_to_weight)),
    ("W std", lambda r: _cell(r.weight_std)),
    ("expected", _expected),
    ("out std", lambda r: _cell(r.output_std)),
    ("‖∂L/∂out‖", lambda r: _cell(r.output_grad_norm)),
    ("dead", lambda r: _cell(r.dead_fraction)),
    ("sat.", lambda r: _cell(r.saturated_fraction)),
    ("flags", _flags),
]
_HTML_COLUMNS = [
    *_COLUMNS[:5],
    ("‖∂L/∂b‖", lambda r: _cell(r.bias_grad_norm)),
    *_COLUMNS[5:8],
    ("out mean", lambda r: _cell(r.output_mean)),
    *_COLUMNS[8:],
]


def _std_over_init(row: LayerRow) -> str:
    if row.weight_std is None or row.expected_std is None:
        return ""
    return f"{_cell(_ratio(row.weight_std, row.expected_std))} {row.expected_init}"


#: What ``str(report)`` shows: the columns that answer "vanishing, exploding, dead?" in 79
#: characters; :meth:`GradientReport.to_text` with ``full=True`` shows all of them.
_SHORT_COLUMNS = [
    *_COLUMNS[:3],
    _COLUMNS[4],
    ("W std/init", _std_over_init),
    *_COLUMNS[8:],
]
_TEXT_WIDTH = 79


# -- measurements shared by gradlab.report.diagnose and gradlab.torch.diagnose ------------------
@dataclasses.dataclass
class _Call:
    """What one call of one layer left behind (filled in by the forward and backward pass)."""

    name: str
    kind: str
    activation: str | None
    output: dict[str, Any] = dataclasses.field(default_factory=dict)
    output_grad: tuple[float, bool, bool] | None = None
    fan_in: int | None = None
    fan_out: int | None = None
    weight: FloatArray | None = None
    weight_grad: FloatArray | None = None
    bias_grad: FloatArray | None = None


def _output_stats(a: ArrayLike, activation: str | None) -> dict[str, Any]:
    """Mean, std, non-finite flags, dead and saturated fractions of one call's output."""
    a = np.asarray(a)
    with np.errstate(all="ignore"):
        a64 = a.astype(np.float64, copy=False)
        stats: dict[str, Any] = {
            "output_mean": float(np.mean(a64)) if a.size else None,
            "output_std": float(np.std(a64)) if a.size else None,
            "output_nan": bool(np.isnan(a64).any()),
            "output_inf": bool(np.isinf(a64).any()),
        }
        if activation in _CAN_DIE and a.ndim >= 1 and a.size:
            unit_axes = tuple(i for i in range(a.ndim) if i != 1) if a.ndim > 1 else (0,)
            stats["dead_fraction"] = float(np.mean(np.all(a <= 0, axis=unit_axes)))
        if activation in _PEAK_SLOPE and a.size:
            finite = a[np.isfinite(a)]  # NaN and inf are flagged, not counted
            slope = _activations.get(activation).derivative_from_output(finite)
            low = np.count_nonzero(slope < SATURATION_SLOPE * _PEAK_SLOPE[activation])
            stats["saturated_fraction"] = low / a.size
    return stats


def _grad_stats(g: ArrayLike) -> tuple[float, bool, bool]:
    """Norm, has-NaN, has-inf of a gradient."""
    from .diagnostics import norm  # inside: diagnostics imports this module

    g = np.asarray(g)
    return norm(g), bool(np.isnan(g).any()), bool(np.isinf(g).any())


def _rows(calls: Sequence[_Call]) -> tuple[LayerRow, ...]:
    """Turn the recorded calls into rows, choosing He or Xavier by the activation that follows."""
    rows = []
    for i, call in enumerate(calls):
        fields: dict[str, Any] = dict(call.output)
        grads = [g for g in (call.weight_grad, call.bias_grad) if g is not None]
        flags = [_grad_stats(g) for g in grads]
        if call.output_grad is not None:
            fields["output_grad_norm"] = call.output_grad[0]
            flags.append(call.output_grad)
        fields["grad_nan"] = any(nan for _, nan, _ in flags)
        fields["grad_inf"] = any(inf for _, _, inf in flags)
        if call.weight is not None:
            weight_norm, _, _ = _grad_stats(call.weight)
            fields["weight_norm"] = weight_norm
            fields["weight_std"] = float(np.std(np.asarray(call.weight, dtype=np.float64)))
            if call.weight_grad is not None:
                fields["grad_norm"] = _grad_stats(call.weight_grad)[0]
                fields["grad_to_weight"] = _ratio(fields["grad_norm"], weight_norm)
        if call.bias_grad is not None:
            fields["bias_grad_norm"] = _grad_stats(call.bias_grad)[0]
        if call.fan_in is not None and call.fan_out is not None:
            fields["fan_in"], fields["fan_out"] = call.fan_in, call.fan_out
            if call.weight is not None:
                after = _activation_after(calls, i)
                if after in _HE_FAMILY:
                    fields["expected_init"] = "He"
                    fields["expected_std"] = math.sqrt(2.0 / call.fan_in)
                else:
                    fields["expected_init"] = "Xavier"
                    fields["expected_std"] = math.sqrt(2.0 / (call.fan_in + call.fan_out))
        rows.append(LayerRow(name=call.name, kind=call.kind, **fields))
    return tuple(rows)


def _activation_after(calls: Sequence[_Call], i: int) -> str | None:
    """The first activation between call ``i`` and the next weighted layer."""
    for later in calls[i + 1 :]:
        if later.fan_in is not None:
            return None
        if later.activation is not None:
            return later.activation
    return None


def _unique_names(names: Sequence[str], counts: dict[str, int]) -> str:
    """The k-th call's name: the k-th of a layer's names, then ``"name (call k)"``."""
    key = names[0]
    k = counts.get(key, 0)
    counts[key] = k + 1
    return names[k] if k < len(names) else f"{names[-1]} (call {k + 1})"


# -- gradlab networks ---------------------------------------------------------------------------
def _layer_names(model: Layer) -> dict[int, list[str]]:
    """Each leaf layer's index paths in forward order (one per place it occupies)."""
    names: dict[int, list[str]] = {}

    def walk(layer: Layer, path: str) -> None:
        if isinstance(layer, Sequential):
            for i, child in enumerate(layer.layers):
                walk(child, f"{path}.{i}" if path else str(i))
        else:
            names.setdefault(id(layer), []).append(path or type(layer).__name__)

    walk(model, "")
    return names


def _describe(layer: Layer) -> tuple[str, str | None]:
    if isinstance(layer, Activation):
        return layer.name, layer.name
    return type(layer).__name__, None


def _read_parameters(layer: Layer, call: _Call) -> None:
    weight: Parameter | None
    bias: Parameter | None
    if isinstance(layer, Dense):
        weight, bias = layer.W, layer.b
        call.fan_in, call.fan_out = layer.W.shape
    elif isinstance(layer, BatchNorm):
        weight, bias = layer.gamma, layer.beta
    else:
        params = layer.parameters()
        weight, bias = (params[0] if params else None), None
    if weight is not None:
        call.weight = weight.value.copy()
        call.weight_grad = None if weight.grad is None else weight.grad.copy()
    if bias is not None and bias.grad is not None:
        call.bias_grad = bias.grad.copy()


class _Recorder:
    """Wraps every leaf layer's ``_forward`` and ``_backward`` to record each call (a hook)."""

    def __init__(self, model: Layer) -> None:
        self.model = model
        self.names = _layer_names(model)
        self.calls: list[tuple[Layer, _Call]] = []
        self._waiting: dict[int, list[_Call]] = {}
        self._counts: dict[str, int] = {}
        self._saved: list[tuple[Layer, dict[str, Any]]] = []

    def __enter__(self) -> _Recorder:
        leaves = [m for m in self.model.modules() if not isinstance(m, Sequential)]
        for layer in leaves:
            saved: dict[str, Any] = {
                k: layer.__dict__[k] for k in ("_forward", "_backward") if k in layer.__dict__
            }
            self._saved.append((layer, saved))
            layer.__dict__["_forward"] = self._forward(layer, layer._forward)
            layer.__dict__["_backward"] = self._backward(layer, layer._backward)
        return self

    def __exit__(self, *exc: object) -> None:
        for layer, saved in self._saved:
            for key in ("_forward", "_backward"):
                layer.__dict__.pop(key, None)
            layer.__dict__.update(saved)

    def _forward(self, layer: Layer, forward: Any) -> Any:
        kind, activation = _describe(layer)
        names = self.names.get(id(layer), [kind])

        def recorded(x: FloatArray) -> tuple[FloatArray, Any]:
            out, cache = forward(x)
            name = _unique_names(names, self._counts)
            call = _Call(name, kind, activation, _output_stats(out, activation))
            self.calls.append((layer, call))
            self._waiting.setdefault(id(layer), []).append(call)
            return out, cache

        return recorded

    def _backward(self, layer: Layer, backward: Any) -> Any:
        def recorded(g: FloatArray, cache: Any, input_grad: bool) -> FloatArray | None:
            waiting = self._waiting.get(id(layer))
            if waiting:  # calls are backpropagated last in, first out
                waiting.pop().output_grad = _grad_stats(g)
            result: FloatArray | None = backward(g, cache, input_grad)
            return result

        return recorded


def diagnose(
    net: Layer,
    X: ArrayLike,
    y: ArrayLike,
    loss: str | _losses.Loss = "mse",
    *,
    train: bool = True,
    thresholds: Thresholds | None = None,
) -> GradientReport:
    """Report the gradient flow of a gradlab network on one batch: one forward, one backward.

    Parameters
    ----------
    net : Layer
        The network (usually a :class:`~gradlab.layers.Sequential`); nested blocks such as
        :class:`~gradlab.layers.Residual` are looked into, and a layer object used twice gets
        one row per use.
    X : array_like of shape (n_samples, in_features)
        The batch.
    y : array_like
        The target, as ``loss`` expects it.
    loss : str or Loss, default "mse"
        A name from :mod:`gradlab.losses` or a :class:`~gradlab.losses.Loss`.
    train : bool, default True
        Run the pass in training mode, as a training step sees it (it matters for BatchNorm);
        False for evaluation mode. The network's own modes are restored afterwards.
    thresholds : Thresholds, optional
        When the report warns; ``Thresholds()`` by default.

    Returns
    -------
    GradientReport
        One row per layer call, the first-to-last gradient ratio and the warnings.

    Raises
    ------
    TypeError, ValueError
        For a bad argument, or whatever the forward pass or the loss raises; the network is
        left as it was.

    Notes
    -----
    No optimizer step is taken and nothing about ``net`` changes: the gradients are computed
    from zero for this batch and the previous ones put back, as are the parameters, every
    layer's training mode, BatchNorm's running statistics and any forward pass waiting for
    its backward (:func:`gradlab.layers.preserved_state`), also when the loss raises.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab import mlp
    >>> from gradlab.report import diagnose
    >>> net = mlp([4, 8, 1], activation="relu", rng=0)
    >>> net[0].b.value[:] = -100.0  # a large negative bias kills every unit
    >>> report = diagnose(net, np.ones((16, 4)), np.zeros((16, 1)))
    >>> [(row.name, row.kind, row.dead_fraction) for row in report.layers]
    [('0', 'Dense', None), ('1', 'relu', 1.0), ('2', 'Dense', None)]
    >>> for warning in report.warnings:
    ...     print(warning)
    the weight gradients of layers 0 and 2 are exactly 0: their weights cannot move
    all units of layer 1 are dead (0 for every sample of the batch)
    >>> float(np.abs(net[0].W.grad).max())  # the network's own gradient, untouched
    0.0
    """
    if not isinstance(net, Layer):
        raise TypeError(f"net must be a gradlab Layer, got {type(net).__name__}")
    loss_fn = _losses.get(loss)
    train = check_bool(train, "train")
    thresholds = _check_thresholds(thresholds)
    with preserved_state(net), _Recorder(net) as recorder:
        net.train(train)
        for p in {id(p): p for m in net.modules() for p in m.parameters()}.values():
            p.grad = None  # this batch's gradient only; preserved_state puts the old one back
        out = net.forward(X)
        value = loss_fn(out, y)
        net.backward(loss_fn.derivative(out, y), input_grad=False)
        for layer, call in recorder.calls:
            _read_parameters(layer, call)
    return GradientReport(_rows([call for _, call in recorder.calls]), value, thresholds)


def _check_thresholds(thresholds: object) -> Thresholds:
    if thresholds is None:
        return Thresholds()
    if not isinstance(thresholds, Thresholds):
        raise TypeError(
            f"thresholds must be a gradlab.report.Thresholds, got {type(thresholds).__name__}"
        )
    return thresholds
