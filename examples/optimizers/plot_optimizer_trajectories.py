r"""
============================================
Optimizer trajectories on three 2-D surfaces
============================================

The lecture lists the optimizers (옵티마이저) that modify the basic update
:math:`w \leftarrow w - \eta\, \partial E / \partial w`: momentum (모멘텀), Nesterov momentum
(네스테로프 모멘텀), Adagrad, RMSprop, Adadelta, Adam and Nadam. Here each of them walks on three
two-parameter cost surfaces where plain gradient descent has trouble: an elongated bowl
:math:`f = \tfrac12 (x^2 + 20 y^2)`, a saddle point (안장점)
:math:`f = 10 x^2 + \tfrac14 y^4 - \tfrac12 y^2`, and Rosenbrock's banana-shaped valley
:math:`f = (1 - x)^2 + 100 (y - x^2)^2`. We draw the paths on the contour plots and print how
close each optimizer ends to the minimum, and for the saddle how fast it escapes. The update
rules are in :mod:`gradlab.optim` and the course chapter is :ref:`course-optimizers`.
"""

# %%
# The three surfaces
# ------------------
# Each surface is a function, its analytic gradient, a starting point and its minimum.
# The elongated bowl has curvatures 1 and 20 (condition number 20). The saddle surface has
# curvature :math:`+20` along :math:`x` but :math:`-1` along :math:`y` at the origin, with
# minima at :math:`(0, \pm 1)`; we start at :math:`(-1, 10^{-3})`, almost on the ridge
# :math:`y = 0` that leads into the saddle. Rosenbrock's minimum is :math:`(1, 1)` at the end
# of a long curved valley whose walls have curvature of about 1000.
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi


@dataclass
class Surface:
    f: Callable
    grad: Callable
    start: tuple
    minima: tuple
    steps: int
    gd_lr: float  # learning rate of SGD, Momentum and Nesterov
    extent: tuple  # (xmin, xmax, ymin, ymax) of the plot

    def distance(self, point):
        """Distance from ``point`` to the nearest minimum."""
        return min(np.hypot(*(np.asarray(point) - m)) for m in self.minima)


SURFACES = {
    "elongated bowl": Surface(
        f=lambda x, y: 0.5 * (x**2 + 20 * y**2),
        grad=lambda x, y: np.array([x, 20 * y]),
        start=(-4.0, 1.0),
        minima=((0.0, 0.0),),
        steps=300,
        gd_lr=0.05,
        extent=(-4.5, 2.5, -1.5, 1.5),
    ),
    "saddle point": Surface(
        f=lambda x, y: 10 * x**2 + y**4 / 4 - y**2 / 2,
        grad=lambda x, y: np.array([20 * x, y**3 - y]),
        start=(-1.0, 1e-3),
        minima=((0.0, 1.0), (0.0, -1.0)),
        steps=300,
        gd_lr=0.05,
        extent=(-1.2, 1.2, -1.3, 1.4),
    ),
    "Rosenbrock": Surface(
        f=lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
        grad=lambda x, y: np.array(
            [
                -2 * (1 - x) - 400 * x * (y - x**2),
                200 * (y - x**2),
            ]
        ),
        start=(-1.5, 2.0),
        minima=((1.0, 1.0),),
        steps=3000,
        gd_lr=1e-3,
        extent=(-2.0, 2.0, -1.0, 3.0),
    ),
}

# %%
# The optimizers and their learning rates
# ---------------------------------------
# Plain gradient descent moves by :math:`\eta` times the gradient, so its learning rate must
# fit the surface's largest curvature :math:`L`: it is stable only for :math:`\eta < 2/L`.
# SGD, Momentum and Nesterov (both :math:`\mu = 0.9`) get :math:`\eta = 1/L`: 0.05 on the
# bowl and the saddle (:math:`L = 20`), 0.001 on Rosenbrock (:math:`L \approx 1000`). The
# adaptive methods divide by a running size of the gradient, so their steps are measured in
# units of the parameters and one learning rate serves all three surfaces: Adagrad 0.5,
# RMSprop 0.03, Adam and Nadam 0.05 (their first step moves each coordinate by about
# :math:`\eta`). Adadelta has no learning rate in Zeiler's formulation; we keep PyTorch's
# ``lr=1`` and its :math:`\epsilon = 10^{-6}`, so its first steps are about
# :math:`\sqrt{\epsilon} = 10^{-3}` long. All other settings are PyTorch's defaults.
from functools import partial

from gradlab import Parameter, optim

# Each entry makes an optimizer from the parameters p and the surface's
# gd_lr, which only SGD, Momentum and Nesterov use.
OPTIMIZERS = {
    "SGD": optim.SGD,
    "Momentum": partial(optim.SGD, momentum=0.9),
    "Nesterov": partial(optim.SGD, momentum=0.9, nesterov=True),
    "Adagrad": lambda p, gd_lr: optim.Adagrad(p, lr=0.5),
    "RMSprop": lambda p, gd_lr: optim.RMSprop(p, lr=0.03),
    "Adadelta": lambda p, gd_lr: optim.Adadelta(p, lr=1.0),
    "Adam": lambda p, gd_lr: optim.Adam(p, lr=0.05),
    "Nadam": lambda p, gd_lr: optim.NAdam(p, lr=0.05),
}


def trajectory(make_optimizer, surface, lr=None, steps=None):
    """The points visited: set ``p.grad`` from the analytic gradient, then
    ``opt.step()``."""
    p = Parameter(surface.start)
    opt = make_optimizer([p], surface.gd_lr if lr is None else lr)
    path = [p.value.copy()]
    for _ in range(surface.steps if steps is None else steps):
        p.grad[...] = surface.grad(*p.value)
        opt.step()
        path.append(p.value.copy())
    return np.array(path)


paths = {}
for surface_name, surface in SURFACES.items():
    for name, make in OPTIMIZERS.items():
        paths[surface_name, name] = trajectory(make, surface)

# %%
# How close does each optimizer get?
# ----------------------------------
# For the bowl and Rosenbrock we print the final distance to the minimum; for the saddle the
# first step at which :math:`|y| > 0.5` (half-way from the saddle to a minimum) and the final
# distance to the nearest minimum.


def escape_step(path):
    """First step with |y| > 0.5, or None."""
    beyond = np.flatnonzero(np.abs(path[:, 1]) > 0.5)
    return int(beyond[0]) if beyond.size else None


header = ["bowl", "saddle: escape", "saddle", "Rosenbrock"]
print(" " * 9, "{:>9} {:>15} {:>9} {:>11}".format(*header))
for name in OPTIMIZERS:
    dist = {s: SURFACES[s].distance(paths[s, name][-1]) for s in SURFACES}
    escape = escape_step(paths["saddle point", name])
    to_bowl, to_saddle = dist["elongated bowl"], dist["saddle point"]
    print(f"{name:9} {to_bowl:9.2e} {escape!s:>15} {to_saddle:9.2e}", end=" ")
    print(f"{dist['Rosenbrock']:11.2e}")

# %%
# Why not a larger step for Nesterov?
# -----------------------------------
# With :math:`\mu = 0.9`, Nesterov's look-ahead tolerates a smaller step than plain gradient
# descent: on a quadratic of curvature :math:`L` it is stable only for
# :math:`\eta L < 2(1 + \mu)/(1 + 2\mu) \approx 1.36`, against 2 for SGD. On the bowl
# :math:`\eta = 0.08` (:math:`\eta L = 1.6`) still works for SGD but makes Nesterov blow up.
bowl = SURFACES["elongated bowl"]
for name in ("SGD", "Nesterov"):
    end = trajectory(OPTIMIZERS[name], bowl, lr=0.08)[-1]
    distance = bowl.distance(end)
    print(f"{name} with eta = 0.08 on the bowl: final distance {distance:.3g}")

# %%
# Plot the paths
# --------------
# One figure per surface. Contours are drawn at logarithmically spaced heights (shifted for
# the saddle, whose minima are at :math:`f = -\tfrac14`); the star marks the start and the
# crosses the minima. Where paths coincide, the later optimizers in the legend are drawn
# thinner on top of the earlier ones, so that each stays visible.
import matplotlib.pyplot as plt

# tab10 without its gray, which the contours use
colors = [c for i, c in enumerate(plt.get_cmap("tab10").colors) if i != 7]
# each surface titled by its formula: the figures are shown in two languages
FORMULAS = {
    "elongated bowl": r"$f = \frac{1}{2}(x^2 + 20 y^2)$",
    "saddle point": r"$f = 10 x^2 + \frac{1}{4} y^4 - \frac{1}{2} y^2$",
    "Rosenbrock": r"Rosenbrock: $f = (1 - x)^2 + 100 (y - x^2)^2$",
}
# what each figure shows (its label: the alt text of its image)
WHAT_TO_SEE = {
    "elongated bowl": (
        "an elongated bowl: SGD crawls along the flat direction, momentum "
        "spirals in, the adaptive methods head almost straight to the minimum"
    ),
    "saddle point": (
        "a saddle point: plain SGD is the slowest to leave the ridge, "
        "momentum and the adaptive methods escape to a minimum much sooner"
    ),
    "Rosenbrock": (
        "Rosenbrock's curved valley: Momentum, Nesterov and Adam reach the "
        "minimum at (1, 1), SGD and Adadelta end far from it"
    ),
}
# sphinx_gallery_thumbnail_number = 1
for surface_name, surface in SURFACES.items():
    fig, ax = plt.subplots(
        figsize=(7, 4.8),
        num=(
            "Paths of eight optimizers, from a star to the minima marked by "
            f"crosses, on the contours of {WHAT_TO_SEE[surface_name]}."
        ),
    )
    x0, x1, y0, y1 = surface.extent
    gx, gy = np.meshgrid(np.linspace(x0, x1, 300), np.linspace(y0, y1, 300))
    height = surface.f(gx, gy) - surface.f(*surface.minima[0])
    levels = np.geomspace(1e-3, height.max(), 18)
    ax.contour(gx, gy, height, levels=levels, colors="0.8")
    for i, (color, name) in enumerate(zip(colors, OPTIMIZERS, strict=False)):
        path = paths[surface_name, name]
        width = 3.0 - 0.25 * i  # thinner on top
        ax.plot(*path.T, color=color, linewidth=width, label=name)
    ax.plot(*surface.start, marker="*", ms=12, color="black", ls="none")
    minima = np.transpose(surface.minima)
    ax.plot(*minima, marker="X", ms=9, color="black", ls="none")
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="$x$", ylabel="$y$")
    ax.set_title(FORMULAS[surface_name])
    fig.legend(loc="outside lower center", ncols=4)
plt.show()

# %%
# Interpretation
# --------------
# On the **elongated bowl** SGD with :math:`\eta = 1/L` kills the steep :math:`y` direction in
# one step and then crawls along :math:`x`; momentum overshoots and spirals in (with
# :math:`\mu = 0.9` it is too much momentum for a condition number of only 20), while the
# adaptive methods rescale each coordinate and head almost diagonally to the minimum. At the
# **saddle point** the gradient along :math:`y` is tiny (:math:`\approx 10^{-3}`), so SGD
# needs 131 steps to get away from the ridge: the lecture's "plain gradient descent does not
# escape saddle points well". Momentum accumulates the small consistent push and escapes in
# 37 steps; Adagrad, RMSprop, Adam and Nadam divide by the size of that small gradient and are
# out within a dozen steps. In **Rosenbrock's valley** plain SGD has to use a step small
# enough for the steep walls and is still far from :math:`(1, 1)` after 3000 steps;
# Momentum, Nesterov and Adam reach the minimum, Adagrad's steps shrink as its sum of squared
# gradients grows, and RMSprop and Nadam keep bouncing in the curved valley with their
# constant-size steps. Adadelta is the slowest on the bowl and in the valley because its
# steps start at :math:`\sqrt{\epsilon}` and only grow as it accumulates past steps (it does
# leave the saddle in 27 steps but is still 0.09 from the minimum after 300). The ranking
# depends on the learning rates and the number of steps; the mechanisms (step scaled by the
# gradient for SGD, accumulated for momentum, normalized for the adaptive methods) do not.
# The condition number's role is measured in
# :ref:`sphx_glr_auto_examples_optimizers_plot_condition_number.py`.
