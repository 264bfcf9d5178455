r"""
=====================================================================
Why residual connections and batch normalization keep gradients alive
=====================================================================

In a plain deep network the gradient reaching block :math:`l` is the gradient at the output
multiplied by one Jacobian per block above it; if the weights are small, every factor is small
and the product vanishes, a :term:`vanishing gradient` (기울기 소실). A
:term:`residual connection` (잔차 연결, :class:`gradlab.layers.Residual`) computes
:math:`x_{l+1} = x_l + F(x_l)`, so the derivative of a block is :math:`I + \partial F/\partial
x_l`, and (He et al., 2016, in the identity-mapping form of their residual networks)

.. math::

    \frac{\partial E}{\partial x_l} = \frac{\partial E}{\partial x_L}
    \Big(I + \frac{\partial}{\partial x_l} \sum_{i=l}^{L-1} F(x_i)\Big):

the identity term passes :math:`\partial E/\partial x_L` down unchanged, and the gradient
"does not vanish even when the weights are arbitrarily small". :term:`batch normalization`
(배치 정규화, :class:`gradlab.layers.BatchNorm`) works differently: it divides each unit by
its standard deviation over the batch, so multiplying the weights in front of it by :math:`a`
changes neither its output nor the gradient it passes down to the layers below (Ioffe &
Szegedy, 2015, section 3.3: :math:`\partial \mathrm{BN}((aW)u)/\partial u = \partial
\mathrm{BN}(Wu)/\partial u`). Small weights then cannot shrink that gradient.

This example builds three networks of 20 tanh blocks of 64 units with tiny weights
:math:`W \sim N(0, 0.01^2)`: plain blocks :math:`\tanh(xW + b)`, residual blocks
:math:`x + \tanh(xW + b)` and batch-normalized blocks :math:`\tanh(\mathrm{BN}(xW + b))`, and
measures :math:`\|\partial E/\partial x_l\|` at every block for a batch of 100 random inputs
with random targets and the squared error :math:`E`. The course chapter is
:ref:`course-vanishing`.
"""

# %%
# Three networks of 20 blocks
# ---------------------------
# Each block is a small :class:`~gradlab.layers.Sequential` (or a
# :class:`~gradlab.layers.Residual`), so the whole network is a ``Sequential`` of blocks and
# the gradient at each block boundary is one ``backward`` call away.
from functools import partial

import numpy as np

from gradlab import Activation, BatchNorm, Dense, Residual, Sequential, init
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi

DEPTH, WIDTH = 20, 64
TINY = partial(init.normal, std=0.01)
BLOCKS = {
    "plain": lambda dense: Sequential(dense, Activation("tanh")),
    "residual": lambda dense: Residual(dense, Activation("tanh")),
    "batch norm": lambda dense: Sequential(
        dense,
        BatchNorm(WIDTH),
        Activation("tanh"),
    ),
}


def deep_network(kind, seed=0):
    """DEPTH blocks of the given kind around Dense layers with N(0, 0.01^2)
    weights."""
    rng = np.random.default_rng(seed)
    denses = [Dense(WIDTH, WIDTH, init=TINY, rng=rng) for _ in range(DEPTH)]
    return Sequential(*(BLOCKS[kind](dense) for dense in denses))


def random_data(n_samples=100, seed=1):
    """Inputs and targets, both drawn from N(0, 1)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, WIDTH))
    return X, rng.normal(size=(n_samples, WIDTH))


X, targets = random_data()

# %%
# The gradient at every block boundary
# ------------------------------------
# After one forward pass, ``backward`` through the blocks from the last to the first gives
# :math:`\partial E/\partial x_l` for :math:`l = L, L-1, \dots, 0`, where :math:`x_0` is the
# input and :math:`x_L` the output (:math:`L = 20`).
from gradlab import losses


def boundary_gradient_norms(model, X, targets):
    """||dE/dx_l|| for l = 0 (the input) .. L (the output)."""
    grad = losses.squared_error.derivative(model.forward(X), targets)
    norms = [np.linalg.norm(grad)]
    for block in reversed(list(model)):
        grad = block.backward(grad)
        norms.append(np.linalg.norm(grad))
    return np.array(norms[::-1])


norms = {}
for kind in BLOCKS:
    norms[kind] = boundary_gradient_norms(deep_network(kind), X, targets)
print("||dE/dx_0|| / ||dE/dx_20||, input over output, N(0, 0.01^2) weights")
for kind, n in norms.items():
    print(f"  {kind:<11} {n[0] / n[-1]:.3g}")

# %%
# Batch normalization does not see the scale of the weights
# ---------------------------------------------------------
# Multiply every weight matrix by :math:`a = 10` and :math:`a = 100` (weights of standard
# deviation 0.1 and 1) and measure again. :func:`gradlab.diagnostics.dense_layers` finds the
# ``Dense`` layers inside the blocks. BatchNorm divides by :math:`\sqrt{\sigma_B^2 +
# \epsilon}` with :math:`\epsilon = 10^{-5}`, which is not negligible next to the variance of
# a few thousandths that the tiny weights produce; setting :math:`\epsilon = 10^{-12}` shows
# how much of the remaining change it accounts for.
from gradlab import diagnostics

SCALES = (1, 10, 100)


def scaled_norms(kind, scale, X, targets, eps=1e-5):
    """boundary_gradient_norms with every weight matrix multiplied by scale."""
    model = deep_network(kind)
    for dense in diagnostics.dense_layers(model):
        dense.W.value *= scale
    for block in model:
        for layer in block:
            if isinstance(layer, BatchNorm):
                layer.eps = eps
    return boundary_gradient_norms(model, X, targets)


def largest_change(eps, X, targets):
    """Largest relative change of any ||dE/dx_l|| of the BN network over
    SCALES."""
    base = scaled_norms("batch norm", 1, X, targets, eps)
    changes = []
    for a in SCALES:
        scaled = scaled_norms("batch norm", a, X, targets, eps)
        changes.append(np.max(np.abs(scaled / base - 1)))
    return max(changes)


by_scale = {
    (kind, a): scaled_norms(kind, a, X, targets)
    for kind in ("plain", "batch norm")
    for a in SCALES
}
print("input/output gradient ratio")
for kind in ("plain", "batch norm"):
    ratios = {a: by_scale[kind, a][0] / by_scale[kind, a][-1] for a in SCALES}
    text = ", ".join(f"a = {a}: {r:.3g}" for a, r in ratios.items())
    print(f"  {kind:<11} {text}")
print("batch norm: largest relative change of any ||dE/dx_l|| over the scales")
for eps in (1e-5, 1e-12):
    print(f"  eps = {eps:g}: {largest_change(eps, X, targets):.2g}")

# %%
# Plot the gradient norms through depth
# -------------------------------------
# Top, the three networks with tiny weights; bottom, the plain (dashed) and batch-normalized
# (solid) networks with their weights multiplied by :math:`a`, in one color per :math:`a`.
import matplotlib.pyplot as plt

# Each block named by its formula: the figure is shown in two languages.
FORMULAS = {
    "plain": r"$x_{l+1} = \tanh(Wx_l + b)$",
    "residual": r"$x_{l+1} = x_l + \tanh(Wx_l + b)$",
    "batch norm": r"$x_{l+1} = \tanh(\mathrm{BN}(Wx_l + b))$",
}
blocks = np.arange(DEPTH + 1)
fig, (ax_kinds, ax_scales) = plt.subplots(
    2,
    1,
    figsize=(7, 7),
    sharex=True,
    num=(
        "Gradient norm at each of 20 tanh blocks, log scale, for plain, "
        "residual and batch-normalized blocks with tiny weights (top), and "
        "for plain and batch-normalized blocks with the weights scaled by "
        "1, 10 and 100 (bottom): the plain network's gradient vanishes or "
        "explodes, the residual and batch-normalized ones do not."
    ),
)
for kind, n in norms.items():
    ax_kinds.plot(blocks, n, marker="o", markersize=3, label=FORMULAS[kind])
ax_kinds.set_title(r"$W_{ij} \sim N(0, 0.01^2)$")
for (kind, a), n in by_scale.items():
    # the three batch-norm curves coincide: draw them nested, the widest first
    i = SCALES.index(a)
    nested = {"linewidth": 5 - 1.8 * i, "alpha": 0.8}
    style = {"linestyle": "--"} if kind == "plain" else nested
    label = f"{FORMULAS[kind].replace('x_{l+1} = ', '')}, $a = {a}$"
    ax_scales.plot(blocks, n, color=f"C{i}", label=label, **style)
ax_scales.set_title(r"$W_{ij} \sim N(0, (0.01 a)^2)$")
for ax in (ax_kinds, ax_scales):
    ax.set_yscale("log")
    ax.set_ylabel(r"$\|\partial E / \partial x_l\|$")
ax_kinds.legend(loc="lower right")
ax_scales.legend(loc="lower right", ncols=2)
ax_scales.set_xlabel(r"$l$")
ax_scales.set_xticks(range(0, DEPTH + 1, 4))
plt.show()

# %%
# Interpretation
# --------------
# With tiny weights the plain network's gradient shrinks by roughly the same factor in every
# block, about :math:`0.01 \sqrt{64} \approx 0.08`, and reaches the input more than 20 orders
# of magnitude smaller than it left the output: nothing would learn in the lower blocks. The
# residual network passes the gradient down almost unchanged (the ratio is close to 1): the
# identity path contributes exactly :math:`\partial E/\partial x_L`, and the branches add a
# little. With batch normalization the gradient does not vanish either; over 20 blocks it even
# grows, by a factor of about 3.5, a reminder that batch normalization fixes the scale of the
# signal, not every property of the gradient. The lower panel is Ioffe and Szegedy's argument
# measured: multiplying all weights by 10 leaves the plain network's gradient vanishing (the
# ratio is still below :math:`10^{-2}`), and by 100 turns it into an exploding one
# (:term:`exploding gradient`, 기울기 폭발, a ratio near :math:`10^6`), while the
# batch-normalized network's gradients change by less than 2 %, and by less than
# :math:`10^{-6}` once :math:`\epsilon` is made negligible. The same two ideas, an identity path
# and a normalized scale, are what let networks of a hundred layers train; for another way,
# through the singular values of the Jacobian, see
# :ref:`sphx_glr_auto_examples_beyond_plot_dynamical_isometry.py`.
