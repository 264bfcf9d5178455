r"""
=========================================================
Explore the sigmoid chain: its length and its saturation
=========================================================

Going back through a sigmoid unit multiplies the gradient by the unit's slope
:math:`\sigma'(z) = \sigma(z)\big(1 - \sigma(z)\big)`, at most :math:`1/4`, reached only at
:math:`z = 0`. Through a chain of :math:`L` units, :math:`a_l = \sigma(z_l)` with
:math:`z_l = a_{l-1} + b_l` (every weight 1, so that only the slopes remain), the gradient
reaching unit :math:`l` from the output is

.. math::

    \frac{\partial a_L}{\partial z_l} = \prod_{k=l}^{L} \sigma'(z_k)
    \le \Big(\frac14\Big)^{L - l + 1}.

Two things make it small: the number of units, and how far their pre-activations lie from 0,
where the sigmoid saturates. Here both are sliders. The biases are chosen so that
:math:`z_l = s\,\varepsilon_l`, with fixed draws :math:`\varepsilon_l \sim N(0, 1)`, so the
slider :math:`s` scales the same pre-activations up. The chain with random weights as well is
:ref:`sphx_glr_auto_examples_vanishing_plot_sigmoid_chain.py`; the course chapter is
:ref:`course-vanishing`.
"""

# %%
# Every chain, back-propagated
# ----------------------------
#
# :func:`gradlab.plotting.explore_sigmoid_chain` builds each chain with
# :class:`gradlab.autodiff.Tensor`, back-propagates from :math:`a_L`, and reads
# :math:`\partial a_L / \partial z_l` from every pre-activation: 8 lengths times 6 sizes of
# the pre-activations, 48 chains. Printed: what reaches the first unit.
import numpy as np

from gradlab.plotting import explore_sigmoid_chain

explorer = explore_sigmoid_chain()
depths = np.array(explorer.sliders[0].values)
scales = explorer.sliders[1].values


def first_unit(depth, scale):
    """The gradient reaching unit 1 of the chain of ``depth`` units, pre-activations ``scale``."""
    return explorer.frame(depth=depth, scale=scale).series[0].y[0]


print("L     " + "".join(f"s = {s:<8g}" for s in scales) + "(1/4)^L")
for depth in depths:
    row = "".join(f"{first_unit(depth, s):<12.2e}" for s in scales)
    print(f"{depth:<6d}{row}{0.25**depth:.2e}")

# %%
# What reaches the first unit
# ---------------------------
#
# One line per size :math:`s`, against the length of the chain, on a log scale. At
# :math:`s = 0` every slope is exactly :math:`1/4` and the line is the bound
# :math:`(1/4)^L`; every other line lies below it, and the larger :math:`s`, the steeper.
import matplotlib.pyplot as plt

fig, ax = plt.subplots(
    figsize=(7, 3.5),
    layout="constrained",
    num=(
        "Gradient reaching the first unit of a sigmoid chain against the "
        "chain's length, log scale, one line per size s of the "
        "pre-activations: at s = 0 it is the bound of one quarter per unit, "
        "and the larger s, the faster the gradient vanishes."
    ),
)
for scale in scales:
    ax.semilogy(depths, [first_unit(d, scale) for d in depths], "o-", ms=3, label=f"s = {scale:g}")
ax.set_xlabel("$L$")
ax.set_ylabel(r"$\partial a_L / \partial z_1$")
ax.legend(fontsize="small", ncols=2)

# %%
# Move the sliders
# ----------------
#
# Every unit of one chain: the gradient that reaches it, with the bound
# :math:`(1/4)^{L-l+1}` dashed. Move a slider with the mouse, or select it (Tab) and press
# the arrow keys; the figure is drawn in the page from numbers computed when the page was
# built, and without JavaScript it shows the starting chain.
explorer

# %%
# Interpretation
# --------------
#
# Each unit multiplies the gradient by its slope, so the logarithm of what reaches the first
# unit falls by about the same amount per unit: the lines are nearly straight on the log
# scale. Their slope is set by how saturated the units are. With pre-activations near 0 the
# factor per unit is close to the best case :math:`1/4`; as :math:`s` grows, more units sit
# in the flat tails of the sigmoid, where :math:`\sigma'(z)` is far below :math:`1/4`, and the
# gradient vanishes many times faster. Keeping pre-activations near 0 is what Xavier's
# initialization aims at (:ref:`course-initialization`), and even then the bound
# :math:`(1/4)^L` remains: a long chain of sigmoids loses its gradient however it starts,
# which is why the chapter's remedies change the activation, or the path the gradient takes.
