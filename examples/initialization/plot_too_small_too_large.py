r"""
=======================================================
Weights too small, too large, and Xavier: sigmoid units
=======================================================

The lecture on :term:`weight initialization` (가중치 초기화) names two ways a bad starting
scale fails. If the weights are **too large** (너무 큰 경우), the input of every unit is large,
and a :term:`sigmoid` or tanh unit sits in its flat tails, outputs near 0 or 1, where its
derivative :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))` is close to 0: :term:`saturation`
(포화), and the gradient through that unit vanishes. If they are **too small** (너무 작은
경우), every unit's input is close to 0 and every sigmoid outputs nearly the same value,
:math:`\sigma(0) = 1/2`, whatever the input: the network starts out unable to tell its inputs
apart. The Xavier initialization :math:`\operatorname{Var}[W] = 2/(n_\text{in} +
n_\text{out})` (:func:`gradlab.init.xavier_uniform`) sits between the two.

This example builds one sigmoid network (five hidden layers of 100 units on the 8x8 digits)
three times, with weights drawn from :math:`N(0, 0.01^2)`, from :math:`N(0, 1)` (both with
:func:`gradlab.init.normal`) and from Xavier's rule, and counts, in every hidden layer, the
outputs within 0.05 of :math:`1/2` and the saturated outputs as
:func:`gradlab.diagnostics.saturated_fraction` defines them: derivative below 5 % of its
maximum, that is outputs below 0.012 or above 0.988. The course chapter is
:ref:`course-initialization`.
"""

# %%
# Three initializations of one sigmoid network
# --------------------------------------------
# :func:`gradlab.layers.mlp` takes any initializer; ``functools.partial`` fixes the standard
# deviation of :func:`gradlab.init.normal`. All three networks are drawn from the same seed.
from functools import partial

import numpy as np

from gradlab import diagnostics, init, mlp
from gradlab.datasets import load_digits
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi

SIZES = [64, 100, 100, 100, 100, 100, 10]
INITS = {
    "too small, N(0, 0.01²)": partial(init.normal, std=0.01),
    "too large, N(0, 1)": partial(init.normal, std=1.0),
    "Xavier": init.xavier_uniform,
}
X, _, _ = load_digits(n_samples=500)


def sigmoid_net(init):
    """The sigmoid network of SIZES with weights from ``init`` (seed 0)."""
    return mlp(SIZES, activation="sigmoid", init=init, rng=0)


def hidden_sigmoid_outputs(model, X):
    """The outputs of the hidden sigmoid layers, first layer first."""
    return diagnostics.layer_outputs(model, X)[1:-1:2]


def near_half_fraction(outputs, width=0.05):
    """Fraction of the values of each array within ``width`` of 1/2."""
    return np.array([np.mean(np.abs(a - 0.5) < width) for a in outputs])


models = {name: sigmoid_net(f) for name, f in INITS.items()}
outputs = {}
for name, model in models.items():
    outputs[name] = hidden_sigmoid_outputs(model, X)

print("per hidden layer 1..5:")
for name, model in models.items():
    near = near_half_fraction(outputs[name])
    saturated = diagnostics.saturated_fraction(model, X)
    print(f"  {name}")
    print("    within 0.05 of 1/2:", np.array2string(near, precision=3))
    print("    saturated:         ", np.array2string(saturated, precision=3))

# %%
# Histograms of the sigmoid outputs in layers 1, 3 and 5
# ------------------------------------------------------
# The shaded bands are what the two counts measure: the band around 1/2, and the saturated
# zones at both ends. The vertical scale is logarithmic because the small-weight outputs pile
# into a few bins.
import matplotlib.pyplot as plt

from gradlab.plotting import layer_colors

# sphinx_gallery_thumbnail_number = 1
fig, axes = plt.subplots(
    3,
    1,
    figsize=(7, 7.5),
    sharex=True,
    sharey=True,
    num=(
        "Histograms of the sigmoid outputs of hidden layers 1, 3 and 5 for "
        "normal weights of standard deviation 0.01 and 1 and for Xavier's "
        "rule: tiny weights put every output near 1/2, large ones pile many "
        "into the saturated ends, Xavier spreads them over the middle."
    ),
)
bins = np.linspace(0, 1, 51)
shown = (1, 3, 5)
for ax, (name, layer_values) in zip(axes, outputs.items(), strict=True):
    ax.axvspan(0.45, 0.55, color="tab:blue", alpha=0.12)
    ax.axvspan(0, 0.012, color="tab:red", alpha=0.2)
    ax.axvspan(0.988, 1, color="tab:red", alpha=0.2)
    for layer, color in zip(shown, layer_colors(len(shown)), strict=True):
        values = layer_values[layer - 1].ravel()
        weights = np.full(values.size, 1 / values.size)
        style = {"histtype": "step", "color": color, "label": f"$l = {layer}$"}
        ax.hist(values, bins=bins, weights=weights, **style)
    ax.set_yscale("log")
    ax.set_title(name.split(", ", 1)[-1])  # N(0, 0.01²), N(0, 1), Xavier
    ax.set_ylabel("$P$")  # the share of the outputs in each bin
axes[-1].set_xlabel(r"$\sigma(z)$")
axes[0].legend(loc="upper left")
plt.show()

# %%
# Interpretation
# --------------
# With :math:`N(0, 0.01^2)` weights every hidden output lies within 0.05 of 1/2, in every
# layer: the lecture's "values close to 0.5". A unit's input is a sum of 100 tiny terms, so
# its output can differ from one digit to the next by at most 0.1: the network starts out
# nearly blind to its input. With :math:`N(0, 1)` weights fewer than 5 % of the outputs are
# near 1/2, and from the second layer on about half are saturated (between 40 % and 60 % in
# layers 2 to 5); each of those passes back less than 5 % of the gradient it could. Xavier
# weights give neither: no saturated outputs, and outputs spread over the middle of the
# range. Keeping units out of saturation is not all a sigmoid network needs, though: the
# sigmoid's derivative is at most :math:`1/4`, a factor that every layer applies to the
# gradient (:ref:`sphx_glr_auto_examples_vanishing_plot_sigmoid_saturation.py`). For tanh and
# ReLU networks the right scale is measured in
# :ref:`sphx_glr_auto_examples_initialization_plot_glorot_histograms.py` and
# :ref:`sphx_glr_auto_examples_initialization_plot_he_relu_depth.py`.
