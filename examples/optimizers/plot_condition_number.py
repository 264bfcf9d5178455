r"""
=================================================================
Elongated versus round cost: steps grow with the condition number
=================================================================

The vanishing-gradient lecture contrasts an elongated cost surface, on which gradient
descent (경사하강법) needs many updates, with a round one, on which it converges quickly. The
number that measures "elongated" is the condition number :math:`\kappa =
\lambda_{\max}/\lambda_{\min}`, the ratio of the largest to the smallest curvature. On the
quadratic :math:`f(x, y) = \tfrac12 (\lambda_{\min} x^2 + \lambda_{\max} y^2)` we count the
steps that plain gradient descent, with its best fixed learning rate
:math:`\eta = 2/(\lambda_{\min} + \lambda_{\max})`, and momentum, with its best fixed
:math:`(\eta, \mu)`, need to shrink the distance to the minimum by :math:`10^6`, as
:math:`\kappa` grows from 1 to 1000. Theory says gradient descent needs steps proportional
to :math:`\kappa` and momentum proportional to :math:`\sqrt\kappa`. The course chapter is
:ref:`course-gradient-descent`.
"""

# %%
# Gradient descent and momentum on a quadratic
# --------------------------------------------
# The minimum is the origin and the gradient is :math:`(\lambda_{\min} x, \lambda_{\max} y)`.
# A gradient-descent step multiplies each coordinate by :math:`1 - \eta\lambda`; the best
# fixed step :math:`\eta = 2/(\lambda_{\min} + \lambda_{\max})` makes both factors equal in
# size, :math:`(\kappa - 1)/(\kappa + 1)`. For momentum (the heavy ball, :class:`gradlab.optim.SGD`
# with ``momentum``) Polyak's best choice is :math:`\eta = 4/(\sqrt{\lambda_{\max}} +
# \sqrt{\lambda_{\min}})^2`, :math:`\mu = \bigl((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\bigr)^2`,
# which shrinks the error by about :math:`(\sqrt\kappa - 1)/(\sqrt\kappa + 1)` per step.
# We take :math:`\lambda_{\min} = 1`, :math:`\lambda_{\max} = \kappa` and start at
# :math:`(1, 1)`.
import numpy as np

from gradlab import Parameter, optim
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi


def make_optimizer(params, kappa, momentum):
    """Gradient descent with the best fixed step, or momentum with Polyak's
    best (eta, mu)."""
    # for kappa = 1 Polyak's mu is 0: plain gradient descent with eta = 1
    if not momentum or kappa == 1:
        return optim.SGD(params, lr=2 / (1 + kappa))
    root = np.sqrt(kappa)
    lr, mu = 4 / (1 + root) ** 2, ((root - 1) / (root + 1)) ** 2
    return optim.SGD(params, lr=lr, momentum=mu)


def descend(kappa, momentum, tol=1e-6, max_steps=100_000):
    """The points visited until the distance to the minimum has shrunk by
    ``tol``."""
    curvature = np.array([1.0, kappa])
    w = Parameter([1.0, 1.0])
    opt = make_optimizer([w], kappa, momentum)
    path = [w.value.copy()]
    goal = tol * np.sqrt(2)  # the start (1, 1) is sqrt(2) away
    while np.linalg.norm(path[-1]) > goal and len(path) <= max_steps:
        w.grad[...] = curvature * w.value
        opt.step()
        path.append(w.value.copy())
    return np.array(path)


# %%
# Round and elongated, side by side
# ---------------------------------
# On the round bowl (:math:`\kappa = 1`) the gradient points at the minimum and the best step
# reaches it in one update. On an elongated bowl (:math:`\kappa = 10`) the gradient points
# mostly across the valley: gradient descent zig-zags, each step flipping the sign of
# :math:`y` and moving only a little along :math:`x`. Momentum zig-zags too (its tuned step is
# even larger), but its steps along the flat :math:`x` direction build up speed, so it gets
# to the minimum in fewer steps (first 25 steps shown).
import matplotlib.pyplot as plt

# On the round bowl both take the same single step: gradient descent is
# drawn wide underneath, momentum dashed on top.
methods = {"gradient descent": False, "momentum": True}
styles = {
    "gradient descent": {"lw": 4, "alpha": 0.6},
    "momentum": {"ls": "--"},
}
# The methods by their optimizer: the figure is shown in two languages.
LABELS = {
    "gradient descent": r"SGD, $\mu = 0$",
    "momentum": r"SGD + $\mu$ (Polyak)",
}
fig, axes = plt.subplots(
    1,
    2,
    figsize=(7, 4),
    num=(
        "First 25 steps of gradient descent and momentum on the contours of "
        "a round bowl, condition number 1 (left), and an elongated one, "
        "condition number 10 (right): on the round bowl both reach the "
        "minimum in one step, on the elongated one both zig-zag across the "
        "valley and momentum gets there sooner."
    ),
)
grid = np.linspace(-1.4, 1.4, 200)
gx, gy = np.meshgrid(grid, grid)
for ax, kappa in zip(axes, (1, 10), strict=True):
    ax.contour(gx, gy, 0.5 * (gx**2 + kappa * gy**2), levels=12, colors="0.8")
    for label, momentum in methods.items():
        path = descend(kappa, momentum)[:25]
        shown = LABELS[label]
        ax.plot(*path.T, marker="o", ms=3, label=shown, **styles[label])
    ax.set(title=rf"$\kappa = {kappa}$", xlabel="$x$", ylabel="$y$")
    ax.set_aspect("equal")
handles, labels = ax.get_legend_handles_labels()
fig.legend(handles, labels, loc="outside lower center", ncols=2)
plt.show()

# %%
# Steps to converge as the condition number grows
# -----------------------------------------------
# For gradient descent the count is exactly predictable:
# :math:`\lceil \ln 10^{-6} / \ln\frac{\kappa - 1}{\kappa + 1} \rceil \approx
# \tfrac{\kappa}{2} \ln 10^6`.
KAPPAS = np.array([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000])


def steps_to_converge(kappa, momentum):
    """How many steps ``descend`` takes."""
    return len(descend(kappa, momentum)) - 1


def gd_steps_theory(kappa, tol=1e-6):
    """Gradient descent's step count: one step on the round bowl, else the
    error shrinks by (kappa - 1)/(kappa + 1) per step."""
    if kappa == 1:
        return 1
    factor = (kappa - 1) / (kappa + 1)
    return int(np.ceil(np.log(tol) / np.log(factor)))


steps = {}
for name, momentum in (("gradient descent", False), ("momentum", True)):
    steps[name] = np.array([steps_to_converge(k, momentum) for k in KAPPAS])
theory_gd = [gd_steps_theory(k) for k in KAPPAS]
print(f"{'kappa':>6s} {'GD':>6s} {'GD theory':>10s} {'momentum':>9s}")
columns = KAPPAS, steps["gradient descent"], theory_gd, steps["momentum"]
for k, gd, th, mom in zip(*columns, strict=True):
    print(f"{k:6d} {gd:6d} {th:10d} {mom:9d}")

# %%
# The growth rates
# ----------------
# A straight-line fit of :math:`\log(\text{steps})` against :math:`\log\kappa` for
# :math:`\kappa \ge 10` gives the exponent.


def growth_exponent(kappas, steps):
    """Slope of log(steps) against log(kappa), fitted for kappa >= 10."""
    large = kappas >= 10
    return np.polyfit(np.log(kappas[large]), np.log(steps[large]), 1)[0]


slopes = {name: growth_exponent(KAPPAS, s) for name, s in steps.items()}
for name, slope in slopes.items():
    print(f"{name}: steps grow like kappa^{slope:.2f}")
ratio = steps["gradient descent"][-1] / steps["momentum"][-1]
print(f"at kappa = 1000 momentum needs {ratio:.0f} times fewer steps")

fig, ax = plt.subplots(
    figsize=(6, 4),
    num=(
        "Steps to shrink the distance to the minimum a millionfold against "
        "the condition number from 1 to 1000, log-log: gradient descent "
        "needs steps in proportion to the condition number, momentum in "
        "proportion to its square root, each on its theory line."
    ),
)
for name, s in steps.items():
    ax.loglog(KAPPAS, s, marker="o", label=LABELS[name])
gd_label = r"$\frac{\kappa}{2} \ln 10^6$"
momentum_label = r"$\frac{\sqrt{\kappa}}{2} \ln 10^6$"
digits = np.log(1e6)
ax.loglog(KAPPAS, 0.5 * KAPPAS * digits, "k:", label=gd_label)
ax.loglog(KAPPAS, 0.5 * np.sqrt(KAPPAS) * digits, "k--", label=momentum_label)
ax.set(xlabel=r"$\kappa$", ylabel=r"$t$: $\|w_t\| \leq 10^{-6} \|w_0\|$")
ax.legend()
plt.show()

# %%
# Interpretation
# --------------
# With the best fixed learning rate, gradient descent needs steps in proportion to the
# condition number (measured exponent 1.00, 6908 steps at :math:`\kappa = 1000`): the
# learning rate must stay below :math:`2/\lambda_{\max}` to be stable in the steep direction,
# so in the flat direction each step covers only a fraction :math:`\approx 2/\kappa` of the
# way. Momentum lets the flat direction build up speed and needs steps in proportion to
# :math:`\sqrt\kappa` (measured exponent 0.53; the extra :math:`\approx 0.03` comes from a
# slowly growing factor at the double root of Polyak's tuning), 22 times fewer at
# :math:`\kappa = 1000`. Both use tuned rates that need :math:`\lambda_{\min}` and
# :math:`\lambda_{\max}`, which a network never tells us; that is one reason adaptive
# methods and, above all, keeping the cost surface round (good initialization, normalized
# inputs and layers) matter. Elongated surfaces also appear when a deep network's gradients
# differ by orders of magnitude between layers, the subject of :ref:`course-vanishing`.
# The trajectories of all optimizers on an elongated bowl are in
# :ref:`sphx_glr_auto_examples_optimizers_plot_optimizer_trajectories.py`.
