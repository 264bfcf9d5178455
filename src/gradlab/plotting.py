r"""Figure helpers shared by the gallery and the course pages (Matplotlib, imported lazily).

The library itself never imports Matplotlib; only these functions do, when called. The
text they draw inside a figure is symbols, numbers and names (:math:`l`, :math:`t`,
:math:`\|\partial L/\partial W^{(l)}\|`, ReLU, Xavier), never English words: the site shows
the same figures in its English and its Korean edition.

An :class:`Explorer` is an interactive figure: sliders, and a precomputed :class:`Frame` for
every position of them. It displays itself in a notebook, a MyST-NB page or a sphinx-gallery
example as HTML carrying its frames as inline JSON, which the site's ``_static/js/explorer.js``
draws, offline and from ``file://`` too; without that script it shows a PNG of one frame. The
course's three are :func:`explore_gradient_norms`, :func:`explore_momentum` and
:func:`explore_sigmoid_chain`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import io
import itertools
import json
import math
import numbers
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import diagnostics, losses, optim
from ._validation import (
    FloatArray,
    as_generator,
    as_real_array,
    check_bool,
    check_count,
    check_matrix,
    check_nonnegative,
    check_positive,
    check_real,
    check_str,
    check_unit_interval,
)
from .autodiff import Tensor
from .layers import mlp
from .parameter import Parameter
from .report import _SUPERSCRIPT

__all__ = [
    "SERIES_STYLES",
    "Explorer",
    "Frame",
    "Series",
    "Slider",
    "explore_gradient_norms",
    "explore_momentum",
    "explore_sigmoid_chain",
    "layer_colors",
    "plot_gradient_norms",
    "plot_losses",
]


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("gradlab.plotting needs Matplotlib: pip install matplotlib") from exc
    return plt


#: The course's figure settings: drawn at the size they are shown (at most 7 in wide, at
#: 150 dpi), so that a 10 pt label stays about 12 px or more on a 1400 px screen.
COURSE_RC: dict[str, Any] = {
    "figure.figsize": (7.0, 3.5),
    "figure.dpi": 150,
    "savefig.dpi": 150,
    "font.size": 10,
    "axes.titlesize": 11,
    "legend.fontsize": 9,
    "figure.constrained_layout.use": True,
}


def course_style() -> None:
    """Draw the figures that follow at the course's size and resolution (see ``COURSE_RC``).

    The course pages call it once, before their first figure; a figure of several panels
    stays within 7 inches, stacking its panels rather than widening.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from gradlab.plotting import course_style
    >>> course_style()
    >>> plt.rcParams["figure.dpi"], tuple(plt.rcParams["figure.figsize"])
    (150.0, (7.0, 3.5))
    """
    _pyplot().rcParams.update(COURSE_RC)


def layer_colors(n: int) -> list[Any]:
    """Return ``n`` colors from dark (first layer) to light (last layer).

    The colors come from the viridis map, cut at both ends so that each reads on a white and
    on a dark background.

    Parameters
    ----------
    n : int
        Number of layers.

    Returns
    -------
    list of tuple
        ``n`` RGBA tuples, first layer first.

    Examples
    --------
    >>> from gradlab.plotting import layer_colors
    >>> len(layer_colors(4))
    4
    """
    plt = _pyplot()
    return [plt.get_cmap("viridis")(x) for x in np.linspace(0.05, 0.85, n)]


def plot_gradient_norms(
    norms: ArrayLike,
    ax: Any = None,
    labels: Sequence[str] | None = None,
    **kwargs: Any,
) -> Any:
    r"""Plot per-layer gradient norms on a log scale.

    One bar per layer for a single measurement, or one line per layer over the epochs of a
    run, each in its :func:`layer_colors` color. The axes are labelled :math:`l` (the layer)
    or :math:`t` (the epoch) and :math:`\|\partial L / \partial W^{(l)}\|`.

    Parameters
    ----------
    norms : array_like of shape (n_layers,) or (n_epochs, n_layers)
        The norms: one bar per layer, or one line per layer over epochs
        (``History.grad_norms``).
    ax : matplotlib.axes.Axes or None, default None
        The Axes to draw on; None draws on a new figure.
    labels : sequence of str or None, default None
        One label per layer; None numbers them: ``1``, ``2``, ... under the bars,
        :math:`l = 1`, :math:`l = 2`, ... in the legend of the lines.
    **kwargs
        Passed to ``ax.bar`` or ``ax.plot``.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from gradlab.plotting import plot_gradient_norms
    >>> ax = plot_gradient_norms([1e-4, 1e-2, 1.0])
    >>> ax.get_yscale(), len(ax.patches)
    ('log', 3)
    >>> plt.close(ax.figure)
    """
    plt = _pyplot()
    values = np.asarray(norms, dtype=float)
    ax = ax if ax is not None else plt.subplots()[1]
    n_layers = values.shape[-1]
    # The figures are shown in the English and the Korean edition: their text is symbols.
    numbers = [f"{i + 1}" if values.ndim == 1 else f"$l = {i + 1}$" for i in range(n_layers)]
    names = list(labels) if labels is not None else numbers
    if values.ndim == 1:
        ax.bar(names, values, color=layer_colors(n_layers), **kwargs)
        ax.set_xlabel("$l$")
    else:
        for column, name, color in zip(values.T, names, layer_colors(n_layers), strict=True):
            ax.plot(np.arange(1, len(column) + 1), column, label=name, color=color, **kwargs)
        ax.set_xlabel("$t$")
        ax.legend(fontsize="small")
    ax.set_ylabel(r"$\|\partial L / \partial W^{(l)}\|$")
    ax.set_yscale("log")
    return ax


def plot_losses(curves: dict[str, ArrayLike], ax: Any = None, log: bool = True) -> Any:
    """Plot several loss curves on one Axes, against the epoch.

    The axes are labelled :math:`t` (the epoch) and :math:`L` (the loss).

    Parameters
    ----------
    curves : dict of str to array_like of shape (n_epochs,)
        Each curve's legend label and its loss per epoch.
    ax : matplotlib.axes.Axes or None, default None
        The Axes to draw on; None draws on a new figure.
    log : bool, default True
        Whether the loss axis is logarithmic.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from gradlab.plotting import plot_losses
    >>> ax = plot_losses({"SGD": [1.0, 0.5, 0.3], "Adam": [1.0, 0.2, 0.05]})
    >>> [line.get_label() for line in ax.get_lines()]
    ['SGD', 'Adam']
    >>> plt.close(ax.figure)
    """
    plt = _pyplot()
    ax = ax if ax is not None else plt.subplots()[1]
    for label, values in curves.items():
        v = np.asarray(values, dtype=float)
        ax.plot(np.arange(1, len(v) + 1), v, label=label)
    ax.set_xlabel("$t$")
    ax.set_ylabel("$L$")
    if log:
        ax.set_yscale("log")
    ax.legend(fontsize="small")
    return ax


# -- Explorers: interactive figures with precomputed frames ------------------------------------

#: How a :class:`Series` is drawn.
SERIES_STYLES = ("line", "dashed", "points", "linepoints")

# The fallback image's colours: the Okabe-Ito palette (readable by colour-blind readers), its
# last two darkened to reach 3:1 against white. explorer.css gives the drawing in the browser
# the same colours, and lighter ones in dark mode.
_COLORS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#b07800", "#3a8fc4")
_MUTED = "#8c8c8c"
_DIGITS = 4  # significant digits of the numbers in the inline JSON


class Series:
    """One curve of an explorer's frame: points ``(x, y)`` drawn as a line or as markers.

    Parameters
    ----------
    x, y : array_like of shape (n,)
        The points. NaN, inf, and on a logarithmic axis values <= 0, leave a gap.
    label : str, default ""
        The legend entry; an empty label has none.
    style : {"line", "dashed", "points", "linepoints"}, default "line"
        A solid line, a dashed line, markers only, or a line with markers.
    muted : bool, default False
        Drawn thin and grey, for references and contours; the other series take the colours
        in turn.

    Raises
    ------
    TypeError
        If ``label`` is not a str, ``muted`` not a bool, or ``x``, ``y`` not numbers.
    ValueError
        If ``x`` and ``y`` are not 1-D of the same length, or ``style`` is unknown.

    Examples
    --------
    >>> from gradlab.plotting import Series
    >>> Series([1, 2, 3], [1.0, 0.25, 0.0625], label="(1/4)^l", style="dashed").y
    array([1.    , 0.25  , 0.0625])
    """

    __slots__ = ("label", "muted", "style", "x", "y")

    def __init__(
        self,
        x: ArrayLike,
        y: ArrayLike,
        label: str = "",
        *,
        style: str = "line",
        muted: bool = False,
    ) -> None:
        xs = as_real_array(x, "x", allow_nonfinite=True)
        ys = as_real_array(y, "y", allow_nonfinite=True)
        if xs.ndim != 1 or xs.shape != ys.shape:
            raise ValueError(
                f"x and y must be 1-D arrays of the same length, got shapes {xs.shape} "
                f"and {ys.shape}"
            )
        if check_str(style, "style") not in SERIES_STYLES:
            raise ValueError(f"style must be one of {', '.join(SERIES_STYLES)}; got {style!r}")
        self.label = check_str(label, "label")
        self.muted = check_bool(muted, "muted")
        self.style = style
        self.x: FloatArray = xs.astype(np.float64)
        self.y: FloatArray = ys.astype(np.float64)

    def __repr__(self) -> str:
        return f"Series({len(self.x)} points, label={self.label!r}, style={self.style!r})"

    def _json(self, explorer: Explorer) -> dict[str, Any]:
        return {
            "label": self.label,
            "muted": self.muted,
            "style": self.style,
            "x": _rounded(self.x, explorer.xlog, explorer.xlim),
            "y": _rounded(self.y, explorer.ylog, explorer.ylim),
        }


class Frame:
    """What an explorer shows for one position of its sliders: curves and a title.

    Parameters
    ----------
    series : sequence of Series
        The curves, drawn in order over the explorer's background.
    title : str, default ""
        One line above the drawing that says what to see in this frame.

    Raises
    ------
    TypeError
        If ``series`` holds anything but :class:`Series`, or ``title`` is not a str.
    ValueError
        If ``series`` is empty.

    Examples
    --------
    >>> from gradlab.plotting import Frame, Series
    >>> frame = Frame([Series([1, 2], [3, 4])], title="a line")
    >>> len(frame.series), frame.title
    (1, 'a line')
    """

    __slots__ = ("series", "title")

    def __init__(self, series: Sequence[Series], title: str = "") -> None:
        self.series = _check_series(series, "series", allow_empty=False)
        self.title = check_str(title, "title")

    def __repr__(self) -> str:
        return f"Frame({len(self.series)} series, title={self.title!r})"


class Slider:
    """A named slider of an explorer: the values it steps through, and its label.

    Parameters
    ----------
    name : str
        The keyword under which the explorer's ``frame`` function receives the value.
    values : sequence or mapping of str to values
        The values, in slider order. A mapping gives each value the text shown for it
        (``{"Xavier": "xavier_uniform"}``); otherwise numbers are shown as ``f"{v:g}"`` and
        other values with ``str``.
    label : str, optional
        The slider's label; the default is ``name``.
    start : optional
        The value selected first (one of ``values``; the default is the first).

    Attributes
    ----------
    values : tuple
        The values, in slider order.
    names : tuple of str
        The text shown for each value.
    start : int
        The index of the value selected first.

    Raises
    ------
    TypeError
        If ``name`` or ``label`` is not a str, or ``values`` is a str.
    ValueError
        If ``values`` is empty, two values are shown alike, or ``start`` is not a value.

    Examples
    --------
    >>> from gradlab.plotting import Slider
    >>> inits = {"N(0, 1)": "normal", "Xavier": "xavier_uniform"}
    >>> slider = Slider("init", inits, label="initialization", start="xavier_uniform")
    >>> slider.values, slider.names, slider.start
    (('normal', 'xavier_uniform'), ('N(0, 1)', 'Xavier'), 1)
    """

    __slots__ = ("label", "name", "names", "start", "values")

    def __init__(
        self,
        name: str,
        values: Sequence[Any] | Mapping[str, Any],
        label: str | None = None,
        start: Any = None,
    ) -> None:
        name = check_str(name, "name")
        if not name.isidentifier():
            raise ValueError(f"name must be a Python identifier (a keyword), got {name!r}")
        label = name if label is None else check_str(label, "label")
        if isinstance(values, str | bytes):
            raise TypeError(f"values must be a sequence or a mapping, got {type(values).__name__}")
        if isinstance(values, Mapping):
            names = tuple(check_str(key, "values (a key)") for key in values)
            chosen = tuple(values.values())
        else:
            chosen = tuple(values)
            names = tuple(_shown(value) for value in chosen)
        if not chosen:
            raise ValueError(f"values of slider {name!r} must not be empty")
        if len(set(names)) != len(names):
            raise ValueError(f"values of slider {name!r} must be shown differently, got {names}")
        if start is None:
            index = 0
        else:
            found = [i for i, value in enumerate(chosen) if _same(value, start)]
            if not found:
                raise ValueError(
                    f"start must be one of the values of slider {name!r}, got {start!r}"
                )
            index = found[0]
        self.name, self.label, self.values, self.names, self.start = (
            name,
            label,
            chosen,
            names,
            index,
        )

    def __repr__(self) -> str:
        return f"Slider({self.name!r}, {len(self.values)} values, label={self.label!r})"

    def index(self, value: Any) -> int:
        """Return the position of ``value`` on the slider.

        Parameters
        ----------
        value : object
            One of the slider's values.

        Returns
        -------
        int
            Its index in :attr:`values`.

        Raises
        ------
        ValueError
            If ``value`` is not one of the values.
        """
        for i, candidate in enumerate(self.values):
            if _same(candidate, value):
                return i
        raise ValueError(f"{self.name} must be one of {', '.join(self.names)}; got {value!r}")


class Explorer:
    r"""An interactive figure: sliders, and one precomputed frame per position of them.

    Every combination of slider values is computed once, here, by calling ``frame``. In a
    Jupyter notebook, a MyST-NB page or a sphinx-gallery example, the explorer displays
    itself (``_repr_html_``) as a ``<figure>`` holding the frames as inline JSON, a range
    input per slider, and a PNG of the starting frame drawn by Matplotlib. The site's script
    ``_static/js/explorer.js`` replaces the PNG by an SVG drawing that follows the sliders;
    without it (JavaScript off, or a plain notebook) the PNG stays. Nothing is fetched, so
    the page works from ``file://``.

    Parameters
    ----------
    sliders : sequence of Slider
        The sliders, top to bottom; their names must differ.
    frame : callable
        ``frame(**values)`` returns the :class:`Frame` for one value of every slider.
    xlabel, ylabel : str, default ""
        The axis labels.
    xlog, ylog : bool, default False
        Whether each axis is logarithmic.
    xlim, ylim : (float, float), optional
        The axis limits, the same in every frame so that frames compare; by default they
        span every finite point of every frame (on a log axis, whole decades).
    background : sequence of Series, default ()
        Curves drawn behind every frame (contours, references).
    caption : str, default ""
        The figure's caption.
    alt : str, optional
        The fallback image's text alternative; by default the labels and the starting
        frame's title.

    Attributes
    ----------
    frames : list of Frame
        One per combination of slider values, the last slider varying fastest.

    Raises
    ------
    TypeError
        If an argument has the wrong type, or ``frame`` returns something else than a
        :class:`Frame`.
    ValueError
        If two sliders share a name, a limit pair is not increasing (or not positive on a log
        axis), or no frame has a point to draw.

    Notes
    -----
    Two explorers built from the same numbers give the same HTML, byte for byte: the JSON
    has sorted keys and numbers rounded to 4 significant digits (NaN and inf become
    ``null``), the element ids come from a hash of the JSON, and the PNG carries no date or
    software version.

    Examples
    --------
    >>> from gradlab.plotting import Explorer, Frame, Series, Slider
    >>> def power(p):
    ...     x = [1.0, 2.0, 3.0]
    ...     return Frame([Series(x, [v**p for v in x])], title=f"x to the power {p}")
    >>> explorer = Explorer([Slider("p", [1, 2, 3], label="power")], power, ylog=True)
    >>> explorer
    Explorer(sliders=['p'], 3 frames)
    >>> explorer.frame(p=2).series[0].y
    array([1., 4., 9.])
    >>> explorer.ylim
    (1.0, 100.0)
    """

    def __init__(
        self,
        sliders: Sequence[Slider],
        frame: Callable[..., Frame],
        *,
        xlabel: str = "",
        ylabel: str = "",
        xlog: bool = False,
        ylog: bool = False,
        xlim: tuple[float, float] | None = None,
        ylim: tuple[float, float] | None = None,
        background: Sequence[Series] = (),
        caption: str = "",
        alt: str | None = None,
    ) -> None:
        if isinstance(sliders, Slider) or not isinstance(sliders, Sequence):
            raise TypeError("sliders must be a sequence of Slider")
        if not sliders or not all(isinstance(s, Slider) for s in sliders):
            raise TypeError("sliders must be a non-empty sequence of Slider")
        names = [s.name for s in sliders]
        if len(set(names)) != len(names):
            raise ValueError(f"sliders must have different names, got {names}")
        if not callable(frame):
            raise TypeError(f"frame must be callable, got {type(frame).__name__}")
        self.xlabel = check_str(xlabel, "xlabel")
        self.ylabel = check_str(ylabel, "ylabel")
        self.xlog = check_bool(xlog, "xlog")
        self.ylog = check_bool(ylog, "ylog")
        self.caption = check_str(caption, "caption")
        given_alt = None if alt is None else check_str(alt, "alt")
        self.background = _check_series(background, "background", allow_empty=True)
        given = (_check_limits(xlim, "xlim", self.xlog), _check_limits(ylim, "ylim", self.ylog))
        self.sliders: tuple[Slider, ...] = tuple(sliders)
        self.frames: list[Frame] = []
        for combination in itertools.product(*(s.values for s in self.sliders)):
            result = frame(**dict(zip(names, combination, strict=True)))
            if not isinstance(result, Frame):
                raise TypeError(f"frame must return a Frame, got {type(result).__name__}")
            self.frames.append(result)
        curves = [*self.background, *(s for f in self.frames for s in f.series)]
        self.xlim = given[0] or _span([c.x for c in curves], self.xlog, "x")
        self.ylim = given[1] or _span([c.y for c in curves], self.ylog, "y")
        start = self.frames[self._flat([s.start for s in self.sliders])]
        self.alt = given_alt if given_alt is not None else self._default_alt(start)
        self._html: str | None = None

    def __repr__(self) -> str:
        return f"Explorer(sliders={[s.name for s in self.sliders]}, {len(self.frames)} frames)"

    def _flat(self, indices: Sequence[int]) -> int:
        """The position in :attr:`frames` of one index per slider (the last varies fastest)."""
        flat = 0
        for slider, i in zip(self.sliders, indices, strict=True):
            flat = flat * len(slider.values) + i
        return flat

    def _default_alt(self, start: Frame) -> str:
        axes = f"{self.ylabel or 'y'} against {self.xlabel or 'x'}"
        return f"{axes}. {start.title}" if start.title else axes

    def frame(self, **values: Any) -> Frame:
        """Return the frame shown for the given slider values.

        Parameters
        ----------
        **values
            A value for any of the sliders, by name; the others are at their start.

        Returns
        -------
        Frame
            The precomputed frame.

        Raises
        ------
        TypeError
            If a keyword names no slider.
        ValueError
            If a value is not one of its slider's values.
        """
        known = {s.name for s in self.sliders}
        unknown = sorted(set(values) - known)
        if unknown:
            raise TypeError(f"no slider named {unknown[0]!r}; the sliders are {sorted(known)}")
        indices = [s.index(values[s.name]) if s.name in values else s.start for s in self.sliders]
        return self.frames[self._flat(indices)]

    def to_json(self) -> str:
        """Return the sliders, axes and every frame as the JSON that explorer.js reads.

        Returns
        -------
        str
            Compact JSON with sorted keys and numbers rounded to 4 significant digits; the
            characters ``<``, ``>`` and ``&`` are escaped, so the text can sit inside an
            HTML ``<script>`` element.
        """
        data = {
            "background": [s._json(self) for s in self.background],
            "frames": [
                {
                    "series": [s._json(self) for s in f.series],
                    "title": f.title,
                }
                for f in self.frames
            ],
            "sliders": [
                {"label": s.label, "name": s.name, "start": s.start, "values": list(s.names)}
                for s in self.sliders
            ],
            "xlabel": self.xlabel,
            "xlim": list(self.xlim),
            "xlog": self.xlog,
            "ylabel": self.ylabel,
            "ylim": list(self.ylim),
            "ylog": self.ylog,
        }
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

    def plot(self, ax: Any = None, **values: Any) -> Any:
        """Draw one frame with Matplotlib, as the fallback image shows it.

        Parameters
        ----------
        ax : matplotlib.axes.Axes or None, default None
            The Axes to draw on; None draws on a new figure.
        **values
            Slider values, by name, as for :meth:`frame`; the others are at their start.

        Returns
        -------
        matplotlib.axes.Axes
            The Axes drawn on.
        """
        frame = self.frame(**values)
        ax = ax if ax is not None else _pyplot().subplots(figsize=(7, 3.5))[1]
        markers = {"line": "", "dashed": "", "points": "o", "linepoints": "o"}
        lines = {"line": "-", "dashed": "--", "points": "none", "linepoints": "-"}
        colors = itertools.cycle(_COLORS)
        for is_background, curve in [
            *((True, s) for s in self.background),
            *((False, s) for s in frame.series),
        ]:
            color = _MUTED if curve.muted or is_background else next(colors)
            ax.plot(
                curve.x,
                curve.y,
                color=color,
                linestyle=lines[curve.style],
                marker=markers[curve.style],
                markersize=3,
                linewidth=1 if is_background else 1.6,
                label=curve.label or None,
                zorder=1 if is_background else 2,
            )
        ax.set_xscale("log" if self.xlog else "linear")
        ax.set_yscale("log" if self.ylog else "linear")
        ax.set_xlim(*self.xlim)
        ax.set_ylim(*self.ylim)
        ax.set_xlabel(self.xlabel)
        ax.set_ylabel(self.ylabel)
        ax.set_title(textwrap.fill(frame.title, 90), fontsize="medium")
        if any(c.label for c in [*self.background, *frame.series]):
            ax.legend(fontsize="small")
        return ax

    def _png(self) -> str:
        """The starting frame as a base64 PNG of 700 x 350 pixels in 64 colours, no metadata.

        A line drawing loses nothing visible to the palette, and the page carries a third of
        the bytes of Matplotlib's own RGBA PNG.
        """
        _pyplot()  # a clear ImportError without Matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from PIL import Image  # a dependency of Matplotlib

        # A Figure outside pyplot: no gallery scraper collects it as one of the page's images.
        figure = Figure(figsize=(7, 3.5), dpi=100, layout="constrained")
        self.plot(figure.add_subplot())
        canvas: Any = FigureCanvasAgg(figure)
        canvas.draw()
        image = Image.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB")
        palette = image.quantize(64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        buffer = io.BytesIO()
        palette.save(buffer, format="PNG", optimize=True)
        return base64.b64encode(buffer.getvalue()).decode("ascii")

    def _repr_html_(self) -> str:
        """The explorer as HTML: a ``<figure>`` with the fallback PNG, sliders and data."""
        if self._html is None:
            self._html = self._render_html()
        return self._html

    def _render_html(self) -> str:
        data = self.to_json()
        uid = "gl-explorer-" + hashlib.sha256(data.encode("ascii")).hexdigest()[:10]
        esc = functools.partial(html.escape, quote=True)
        controls = []
        for slider in self.sliders:
            sid = f"{uid}-{slider.name}"
            shown = slider.names[slider.start]
            controls.append(
                f'<div class="gl-explorer-control">'
                f'<label for="{sid}">{esc(slider.label)}</label>'
                f'<input type="range" id="{sid}" name="{esc(slider.name)}" min="0" '
                f'max="{len(slider.values) - 1}" step="1" value="{slider.start}" '
                f'aria-valuetext="{esc(shown)}">'
                f'<output for="{sid}" aria-hidden="true">{esc(shown)}</output></div>'
            )
        caption = f"<figcaption>{esc(self.caption)}</figcaption>" if self.caption else ""
        lines = [
            f'<figure class="gl-explorer" id="{uid}">',
            f'<img class="gl-explorer-fallback" src="data:image/png;base64,{self._png()}" '
            f'alt="{esc(self.alt)}" width="700" height="350" '
            'style="max-width: 100%; height: auto;">',
            '<div class="gl-explorer-live" hidden>',
            '<p class="gl-explorer-title" aria-live="polite"></p>',
            f'<div class="gl-explorer-plot" role="img" aria-label="{esc(self.alt)}"></div>',
            '<ul class="gl-explorer-legend"></ul>',
            f'<div class="gl-explorer-controls">{"".join(controls)}</div>',
            "</div>",
            caption,
            f'<script type="application/json" class="gl-explorer-data">{data}</script>',
            "</figure>",
        ]
        return "\n".join(line for line in lines if line)


# -- The course's explorers ---------------------------------------------------------------------

_ACTIVATION_NAMES = {"relu": "ReLU", "leaky_relu": "Leaky ReLU", "elu": "ELU"}


def explore_gradient_norms(
    X: ArrayLike,
    Y: ArrayLike,
    depths: Sequence[int] = (2, 4, 8, 12, 16, 24),
    activations: Sequence[str] = ("sigmoid", "tanh", "relu"),
    inits: Mapping[str, str] | None = None,
    width: int = 32,
    seed: int = 0,
) -> Explorer:
    r"""An explorer of the per-layer gradient norms of a fresh network, at initialization.

    For every depth, activation and initializer, :func:`gradlab.layers.mlp` builds a network
    of ``depth`` hidden layers of ``width`` units (seed ``seed``), one backward pass of the
    softmax cross-entropy on ``(X, Y)`` runs, and :func:`gradlab.diagnostics.gradient_norms`
    reads :math:`\|\partial L/\partial W^{(l)}\|` for every layer.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
        The inputs.
    Y : array_like of shape (n_samples, n_classes)
        One-hot targets.
    depths : sequence of int, default (2, 4, 8, 12, 16, 24)
        Numbers of hidden layers; the slider starts at 8 if it is one of them.
    activations : sequence of str, default ("sigmoid", "tanh", "relu")
        Activation names of :mod:`gradlab.activations`.
    inits : mapping of str to str, optional
        Each initializer's label and its name in :data:`gradlab.init.INITIALIZERS`; by
        default ``{"N(0, 1)": "normal", "Xavier": "xavier_uniform", "He": "he_normal"}``.
        The slider starts at the second if there is one.
    width : int, default 32
        Units per hidden layer.
    seed : int, default 0
        Seed of every network's weights.

    Returns
    -------
    Explorer
        Sliders ``depth``, ``activation`` and ``init``; one curve per frame.

    Raises
    ------
    TypeError
        If a depth or ``width`` is not an integer, or an activation not a str.
    ValueError
        If ``X`` and ``Y`` are not matrices with as many rows, a depth or ``width`` is below
        1, or a name is unknown (when the frames are computed).

    Examples
    --------
    >>> from gradlab.datasets import load_digits
    >>> from gradlab.plotting import explore_gradient_norms
    >>> X, Y, _ = load_digits(100)
    >>> explorer = explore_gradient_norms(X, Y, depths=(2, 8), activations=("sigmoid",))
    >>> explorer
    Explorer(sliders=['depth', 'activation', 'init'], 6 frames)
    >>> explorer.frame(depth=8, init="xavier_uniform").series[0].y[[0, -1]]
    array([1.717...e-05, 6.468...e-01])
    """
    X_, Y_ = check_matrix(X, "X"), check_matrix(Y, "Y")
    if len(X_) != len(Y_):
        raise ValueError(f"X and Y must have as many rows, got {len(X_)} and {len(Y_)}")
    depths = tuple(check_count(d, "depths (each)") for d in depths)
    activations = tuple(check_str(a, "activations (each)") for a in activations)
    inits = dict(
        inits
        if inits is not None
        else {"N(0, 1)": "normal", "Xavier": "xavier_uniform", "He": "he_normal"}
    )
    width = check_count(width, "width")
    init_label = {name: label for label, name in inits.items()}
    names = {a: _ACTIVATION_NAMES.get(a, a) for a in activations}

    def frame(depth: int, activation: str, init: str) -> Frame:
        net = mlp(
            [X_.shape[1], *[width] * depth, Y_.shape[1]],
            activation=activation,
            init=init,
            rng=seed,
        )
        net.backward(losses.cross_entropy.derivative(net.forward(X_), Y_))
        norms = diagnostics.gradient_norms(net)
        last = f"{len(norms)}".translate(_SUPERSCRIPT)
        title = (
            f"{names[activation]}, {init_label[init]}: "
            f"‖∂L/∂W⁽¹⁾‖ / ‖∂L/∂W⁽{last}⁾‖ = {norms[0] / norms[-1]:.2g}"
        )
        return Frame([Series(np.arange(1, len(norms) + 1), norms, style="linepoints")], title)

    sliders = [
        Slider("depth", depths, "hidden layers", start=8 if 8 in depths else None),
        Slider("activation", {names[a]: a for a in activations}, "activation"),
        Slider(
            "init",
            {label: name for label, name in inits.items()},
            "initialization",
            start=list(inits.values())[1] if len(inits) > 1 else None,
        ),
    ]
    return Explorer(
        sliders,
        frame,
        xlabel="l",
        ylabel="‖∂L/∂W⁽ˡ⁾‖",
        ylog=True,
        xlim=(0.5, max(depths) + 1.5),
        caption=(
            f"Gradient norm of each layer's weights at initialization: {width} units per "
            f"hidden layer, one backward pass of the cross-entropy on {len(X_)} examples."
        ),
    )


def explore_momentum(
    cost: Callable[[Any, Any], Any],
    grad: Callable[[FloatArray], ArrayLike],
    start: ArrayLike,
    lrs: Sequence[float] = (0.005, 0.01, 0.02, 0.05, 0.09, 0.11, 0.15),
    momenta: Sequence[float] = (0.0, 0.5, 0.8, 0.9, 0.95),
    steps: int = 100,
    extent: tuple[float, float, float, float] = (-4.5, 2.5, -1.5, 1.5),
) -> Explorer:
    r"""An explorer of the path of :class:`gradlab.optim.SGD` on a cost surface of two weights.

    For every learning rate :math:`\eta` and momentum :math:`\mu`, ``SGD(lr=eta,
    momentum=mu)`` takes ``steps`` steps from ``start`` with the gradient ``grad``; a path
    on which a weight passes ten times the largest coordinate of ``extent`` in size has
    diverged and ends there. Contours of ``cost`` lie behind. Each frame's title gives the
    cost :math:`f` at the end of the path, or the coordinate that passed and the step
    (:math:`|y_{21}| > 45`).

    Parameters
    ----------
    cost : callable
        ``cost(x, y)`` on arrays of the grid (for the contours).
    grad : callable
        ``grad(w)``: the gradient at ``w = [x, y]``.
    start : array_like of shape (2,)
        The starting point.
    lrs : sequence of float, default (0.005, 0.01, 0.02, 0.05, 0.09, 0.11, 0.15)
        Learning rates; the slider starts at 0.05 if it is one of them.
    momenta : sequence of float, default (0.0, 0.5, 0.8, 0.9, 0.95)
        Momentum factors; the slider starts at 0.9 if it is one of them.
    steps : int, default 100
        Steps per path.
    extent : (float, float, float, float), default (-4.5, 2.5, -1.5, 1.5)
        The drawn area, ``(x_min, x_max, y_min, y_max)``.

    Returns
    -------
    Explorer
        Sliders ``lr`` and ``momentum``; one path per frame.

    Raises
    ------
    TypeError
        If ``cost`` or ``grad`` is not callable, or a number is not real.
    ValueError
        If ``start`` is not two finite numbers, a rate is not positive, a momentum not in
        [0, 1), ``steps`` below 1, or ``extent`` not increasing.

    Examples
    --------
    >>> import numpy as np
    >>> from gradlab.plotting import explore_momentum
    >>> def bowl(x, y):
    ...     return 0.5 * (x**2 + 20 * y**2)
    >>> def bowl_grad(w):
    ...     return np.array([1.0, 20.0]) * w
    >>> explorer = explore_momentum(bowl, bowl_grad, (-4.0, 1.0), lrs=(0.05, 0.11), momenta=(0.0,))
    >>> explorer.frame(lr=0.05).title
    'η = 0.05, μ = 0: f(x₁₀₀, y₁₀₀) = 0.00028'
    >>> explorer.frame(lr=0.11).title   # y passes 10 times the drawn area at step 21
    'η = 0.11, μ = 0: |y₂₁| > 45'
    """
    if not callable(cost) or not callable(grad):
        raise TypeError("cost and grad must be callable")
    origin = as_real_array(start, "start")
    if origin.shape != (2,):
        raise ValueError(f"start must be two numbers [x, y], got shape {origin.shape}")
    lrs = tuple(check_positive(v, "lrs (each)") for v in lrs)
    momenta = tuple(check_unit_interval(v, "momenta (each)") for v in momenta)
    steps = check_count(steps, "steps")
    if not isinstance(extent, Sequence) or len(extent) != 4:
        raise TypeError(f"extent must be (x_min, x_max, y_min, y_max), got {extent!r}")
    x0, x1, y0, y1 = (check_real(v, "extent") for v in extent)
    if not (x0 < x1 and y0 < y1):
        raise ValueError(f"extent must have x_min < x_max and y_min < y_max, got {extent!r}")
    far = 10 * max(abs(x0), abs(x1), abs(y0), abs(y1))

    def frame(lr: float, momentum: float) -> Frame:
        w = Parameter(origin.astype(np.float64))
        opt = optim.SGD([w], lr=lr, momentum=momentum)
        path, left = [w.value.copy()], None
        for step in range(1, steps + 1):
            w.grad = np.array(grad(w.value), dtype=np.float64)
            opt.step()
            path.append(w.value.copy())
            if not np.all(np.abs(w.value) < far):
                left = step
                break
        xy = np.array(path)
        head = f"η = {lr:g}, μ = {momentum:g}: "
        if left is not None:  # the coordinate that passed, at step t = left
            name = "x" if abs(xy[-1, 0]) >= far else "y"
            title = f"{head}|{name}{_subscript(left)}| > {far:g}"
        else:
            t = _subscript(steps)
            title = f"{head}f(x{t}, y{t}) = {float(cost(*xy[-1])):.2g}"
        return Frame([Series(xy[:, 0], xy[:, 1], "SGD", style="linepoints")], title)

    return Explorer(
        [
            Slider("lr", lrs, "learning rate η", start=0.05 if 0.05 in lrs else None),
            Slider("momentum", momenta, "momentum μ", start=0.9 if 0.9 in momenta else None),
        ],
        frame,
        xlabel="x",
        ylabel="y",
        xlim=(x0, x1),
        ylim=(y0, y1),
        background=[_contours(cost, (x0, x1, y0, y1))],
        caption=(
            f"The path of gradient descent with momentum, {steps} steps from "
            f"({origin[0]:g}, {origin[1]:g}), over contours of the cost."
        ),
    )


def _contours(
    cost: Callable[[Any, Any], Any], extent: tuple[float, float, float, float], n: int = 10
) -> Series:
    """Contour lines of ``cost`` over ``extent``, one Series with NaN between the lines."""
    from contourpy import contour_generator  # a dependency of Matplotlib

    gx, gy = np.meshgrid(np.linspace(*extent[:2], 60), np.linspace(*extent[2:], 60))
    height = np.asarray(cost(gx, gy), dtype=float)
    height = height - height.min()
    pieces: list[FloatArray] = []
    generator = contour_generator(gx, gy, height)
    for level in np.geomspace(height.max() * 1e-3, height.max(), n, endpoint=False):
        for line in generator.lines(level):
            pieces += [np.asarray(line, dtype=float), np.full((1, 2), np.nan)]
    xy = np.concatenate(pieces) if pieces else np.full((1, 2), np.nan)
    return Series(xy[:, 0], xy[:, 1], muted=True)


def explore_sigmoid_chain(
    depths: Sequence[int] = (2, 4, 6, 8, 10, 15, 20, 30),
    scales: Sequence[float] = (0.0, 0.5, 1.0, 2.0, 3.0, 4.0),
    seed: int = 0,
) -> Explorer:
    r"""An explorer of the product of sigmoid slopes along a chain of single units.

    A chain :math:`a_l = \sigma(z_l)`, :math:`z_l = a_{l-1} + b_l`, with each bias chosen so
    that the pre-activation is :math:`z_l = s\,\varepsilon_l` (the :math:`\varepsilon_l` are
    fixed standard normal draws, so :math:`s` sets their size). :mod:`gradlab.autodiff`
    back-propagates from :math:`a_L`; what reaches layer :math:`l` is

    .. math::

        \frac{\partial a_L}{\partial z_l} = \prod_{k=l}^{L} \sigma'(z_k)
        \le \Big(\frac14\Big)^{L - l + 1}.

    Parameters
    ----------
    depths : sequence of int, default (2, 4, 6, 8, 10, 15, 20, 30)
        Chain lengths :math:`L`; the slider starts at 10 if it is one of them.
    scales : sequence of float, default (0.0, 0.5, 1.0, 2.0, 3.0, 4.0)
        Sizes :math:`s \ge 0` of the pre-activations; the slider starts at 1 if it is one.
    seed : int, default 0
        Seed of the draws :math:`\varepsilon_l`.

    Returns
    -------
    Explorer
        Sliders ``depth`` and ``scale``; per frame the product and its bound
        :math:`(1/4)^{L-l+1}`.

    Raises
    ------
    TypeError
        If a depth or ``seed`` is not an integer, or a scale not a real number.
    ValueError
        If a depth is below 1, a scale or ``seed`` negative.

    Examples
    --------
    >>> from gradlab.plotting import explore_sigmoid_chain
    >>> explorer = explore_sigmoid_chain(depths=(4,), scales=(0.0,))
    >>> explorer.frame().series[0].y   # every z = 0: each slope is 1/4
    array([0.00390625, 0.015625  , 0.0625    , 0.25      ])
    """
    depths = tuple(check_count(d, "depths (each)") for d in depths)
    scales = tuple(check_nonnegative(s, "scales (each)") for s in scales)
    draws = as_generator(seed).standard_normal(max(depths, default=1))

    def frame(depth: int, scale: float) -> Frame:
        a = Tensor(0.5)  # the input a_0
        pre = []
        for target in scale * draws[:depth]:
            z = a + (target - float(a.data))  # the bias that makes z_l = s eps_l
            pre.append(z)
            a = z.sigmoid()
        a.backward()
        reaching = np.array([float(z.grad) for z in pre])
        layers = np.arange(1, depth + 1)
        best = 0.25 ** (depth - layers + 1.0)
        title = (
            f"L = {depth}, s = {scale:g}: ∂a_L/∂z₁ = {reaching[0]:.2g} ≤ (1/4)^L = {best[0]:.2g}"
        )
        return Frame(
            [
                Series(layers, reaching, "σ′(z_l) ⋯ σ′(z_L)", style="linepoints"),
                Series(layers, best, "(1/4)^(L − l + 1)", style="dashed", muted=True),
            ],
            title,
        )

    return Explorer(
        [
            Slider("depth", depths, "layers L", start=10 if 10 in depths else None),
            Slider(
                "scale",
                scales,
                "size s of the pre-activations",
                start=1.0 if 1.0 in scales else None,
            ),
        ],
        frame,
        xlabel="l",
        ylabel="∂a_L/∂z_l",
        ylog=True,
        xlim=(0.5, max(depths) + 0.5),
        caption=(
            "The gradient that reaches each unit of a sigmoid chain, from the output a_L: a "
            "product of one slope σ′(z) per unit above it, pre-activations z_l = s·ε_l."
        ),
    )


def _check_series(series: Any, name: str, *, allow_empty: bool) -> tuple[Series, ...]:
    if isinstance(series, Series) or not isinstance(series, Sequence):
        raise TypeError(f"{name} must be a sequence of Series, got {type(series).__name__}")
    if not all(isinstance(s, Series) for s in series):
        raise TypeError(f"{name} must hold Series only")
    if not series and not allow_empty:
        raise ValueError(f"{name} must hold at least one Series")
    return tuple(series)


def _check_limits(limits: Any, name: str, log: bool) -> tuple[float, float] | None:
    if limits is None:
        return None
    if not isinstance(limits, Sequence) or len(limits) != 2:
        raise TypeError(f"{name} must be a pair (low, high) or None, got {limits!r}")
    low, high = (check_real(v, name) for v in limits)
    if not low < high or (log and low <= 0):
        need = "0 < low < high on a log axis" if log else "low < high"
        raise ValueError(f"{name} must have {need}, got {limits!r}")
    return low, high


def _span(arrays: Sequence[FloatArray], log: bool, axis: str) -> tuple[float, float]:
    """Limits holding every finite point (positive on a log axis): whole decades or 4 % more."""
    values = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])
    values = values[np.isfinite(values) & ((values > 0) if log else True)]
    if values.size == 0:
        raise ValueError(f"no frame has a finite {axis} value to draw ({axis}lim cannot be set)")
    low, high = float(values.min()), float(values.max())
    if log:
        decades = math.floor(math.log10(low) + 1e-9), math.ceil(math.log10(high) - 1e-9)
        if decades[0] == decades[1]:
            decades = decades[0] - 1, decades[1] + 1
        return 10.0 ** decades[0], 10.0 ** decades[1]
    pad = 0.04 * (high - low) if high > low else max(abs(low), 1.0) * 0.5
    return _round(low - pad), _round(high + pad)


def _round(value: float) -> float:
    return float(f"{value:.{_DIGITS}g}")


def _rounded(values: FloatArray, log: bool, lim: tuple[float, float]) -> list[float | int | None]:
    """Values for the JSON; NaN, inf (and values <= 0 on a log axis) become None.

    On a log axis 4 significant digits; on a linear one a resolution of 1/10,000 of the axis
    (a tiny 1.234e-07 next to values near 1 is drawn at 0 anyway).
    """
    digits = None if log else max(0, _DIGITS - math.floor(math.log10(lim[1] - lim[0])))
    out: list[float | int | None] = []
    for v in values.tolist():
        if not math.isfinite(v) or (log and v <= 0):
            out.append(None)
            continue
        r = _round(v) if digits is None else round(v, digits) + 0.0  # -0.0 -> 0.0
        out.append(int(r) if r.is_integer() and abs(r) < 1e15 else r)
    return out


_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _subscript(n: int) -> str:
    """``n`` in subscript digits: 21 -> ``"₂₁"``."""
    return f"{n}".translate(_SUBSCRIPT)


def _shown(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    return f"{value:g}"


def _same(a: Any, b: Any) -> bool:
    """Whether a slider value is ``b``: equal, but True is not 1."""
    if a is b:
        return True
    if isinstance(a, bool | np.bool_) or isinstance(b, bool | np.bool_):
        return False
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # arrays compare element-wise
        return False
