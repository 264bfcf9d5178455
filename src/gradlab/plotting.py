"""Figure helpers shared by the gallery and the course pages (Matplotlib, imported lazily).

The library itself never imports Matplotlib; only these functions do, when called.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["layer_colors", "plot_gradient_norms", "plot_losses"]


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("gradlab.plotting needs Matplotlib: pip install matplotlib") from exc
    return plt


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
    """Plot per-layer gradient norms on a log scale.

    One bar per layer for a single measurement, or one line per layer over the epochs of a
    run, each in its :func:`layer_colors` color.

    Parameters
    ----------
    norms : array_like of shape (n_layers,) or (n_epochs, n_layers)
        The norms: one bar per layer, or one line per layer over epochs
        (``History.grad_norms``).
    ax : matplotlib.axes.Axes or None, default None
        The Axes to draw on; None draws on a new figure.
    labels : sequence of str or None, default None
        One label per layer; None labels them "layer 1", "layer 2", ...
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
    names = list(labels) if labels is not None else [f"layer {i + 1}" for i in range(n_layers)]
    if values.ndim == 1:
        ax.bar(names, values, color=layer_colors(n_layers), **kwargs)
        ax.set_ylabel(r"$\|\partial L / \partial W^{(l)}\|$")
    else:
        for column, name, color in zip(values.T, names, layer_colors(n_layers), strict=True):
            ax.plot(np.arange(1, len(column) + 1), column, label=name, color=color, **kwargs)
        ax.set_xlabel("epoch")
        ax.set_ylabel("gradient norm")
        ax.legend(fontsize="small")
    ax.set_yscale("log")
    return ax


def plot_losses(curves: dict[str, ArrayLike], ax: Any = None, log: bool = True) -> Any:
    """Plot several loss curves on one Axes, against the epoch.

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
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if log:
        ax.set_yscale("log")
    ax.legend(fontsize="small")
    return ax
