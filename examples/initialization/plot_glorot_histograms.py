r"""
================================================================
Activations and gradients layer by layer (Glorot & Bengio, 2010)
================================================================

Glorot and Bengio looked inside a deep :term:`hyperbolic tangent` network at initialization
and drew, layer by layer, histograms of the activations (their figure 6) and of the
back-propagated gradients :math:`\partial L/\partial s^{(i)}` with respect to each layer's
pre-activation :math:`s^{(i)}` (their figure 7). With the "standard" initialization
:math:`W \sim U[-1/\sqrt n, 1/\sqrt n]` (:func:`gradlab.init.standard`) a layer has
:math:`n \operatorname{Var}[W] = 1/3`, so every layer the gradient passes on its way down
multiplies its variance by about :math:`1/3` (their Eq. 13 and 15): the gradient shrinks toward
the input, a :term:`vanishing gradient` (기울기 소실). Their normalized (Xavier) initialization
:math:`\operatorname{Var}[W] = 2/(n_\text{in} + n_\text{out})`
(:func:`gradlab.init.xavier_uniform`) keeps :math:`n \operatorname{Var}[W] \approx 1`, and the
histograms of the layers stay much closer together.

Setup, against the paper's: five hidden layers of tanh units and biases 0, as theirs, but 500
units wide instead of their 1000, to keep the example fast (at 1000 units the printed numbers
change by less than 0.05); a softmax output with 10 classes and cross-entropy. They used the
Shapeset-3x2 images (32x32 pixels); we feed 300 random inputs :math:`x \sim U[0, 1]^{1024}`
(the size of a 32x32 image) with random labels, since at initialization the statistics of the
gradient do not depend on what the labels mean. The paper reports one number for these
figures: the mean singular value of the layer-to-layer :term:`Jacobian` :math:`\partial
h^{(i+1)}/\partial h^{(i)}`, "around 0.8" for the normalized initialization against 0.5 for
the standard one; ours is printed below. The paper gives no ratio of gradients between
layers; its Eq. 13 and 15 imply :math:`(1/\sqrt 3)^4 \approx 0.11` from layer 5 to layer 1 for
the standard initialization. The course chapter is :ref:`course-initialization`.
"""

# %%
# Two tanh networks, five hidden layers of 500 units
# --------------------------------------------------
# Both networks are built from the same seed; only the weight initializer differs. The
# hidden layer :math:`i` is the pair ``Dense, Activation("tanh")`` at positions
# :math:`2(i-1)` and :math:`2i - 1` of the :class:`~gradlab.layers.Sequential`.
import numpy as np

from gradlab import Activation, Dense, Sequential
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi

N_HIDDEN, WIDTH, N_INPUTS, N_CLASSES = 5, 500, 1024, 10
INITS = {"standard": "standard", "normalized (Xavier)": "xavier_uniform"}


def tanh_net(init, width=WIDTH, seed=0):
    """Five tanh layers of ``width`` units and a linear output layer, all
    weights from ``init``."""
    rng = np.random.default_rng(seed)
    layers = []
    for fan_in in [N_INPUTS] + [width] * (N_HIDDEN - 1):
        dense = Dense(fan_in, width, init=init, rng=rng)
        layers += [dense, Activation("tanh")]
    return Sequential(*layers, Dense(width, N_CLASSES, init=init, rng=rng))


def random_data(n_samples=300, seed=1):
    """Inputs x ~ U[0, 1]^1024 and labels drawn uniformly from 10 classes."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.0, 1.0, size=(n_samples, N_INPUTS))
    return X, rng.integers(0, N_CLASSES, size=n_samples)


X, labels = random_data()

# %%
# Forward, then backward one layer at a time
# ------------------------------------------
# One forward pass stores every layer's input; walking the layers backward by hand and
# calling each layer's :meth:`~gradlab.layers.Layer.backward` shows the gradient as it leaves
# every tanh layer: :math:`\partial L/\partial s^{(i)}`, the back-propagated gradient of the
# paper's figure 7. :func:`gradlab.diagnostics.layer_outputs` gives the activations
# :math:`h^{(i)} = \tanh(s^{(i)})` of figure 6.
from gradlab import diagnostics, losses


def activations_and_gradients(model, X, labels):
    """Each hidden layer's activations and back-propagated gradients,
    first layer first."""
    outputs = zip(model, diagnostics.layer_outputs(model, X), strict=True)
    hidden = [a for layer, a in outputs if isinstance(layer, Activation)]
    grad = losses.cross_entropy.derivative(model.forward(X), labels)
    grads = []
    for layer in reversed(list(model)):
        grad = layer.backward(grad)
        if isinstance(layer, Activation):
            grads.insert(0, grad)
    return hidden, grads


results = {}
for name, init in INITS.items():
    model = tanh_net(init)
    results[name] = (model, *activations_and_gradients(model, X, labels))

print("std of the back-propagated gradient dL/ds, layers 1..5,")
print("and the ratio layer 1 / layer 5")
for name, (_, _, grads) in results.items():
    stds = np.array([g.std() for g in grads])
    print(f"  {name}: ratio {stds[0] / stds[-1]:.3g}")
    print("   ", np.array2string(stds, formatter={"float": "{:.2e}".format}))
print(f"  Eq. 13 and 15 imply (1/sqrt(3))**4 = {(1 / 3) ** 2:.3g} (standard)")

print("std of the activations h, layers 1..5")
for name, (_, hidden, _) in results.items():
    stds = np.array([h.std() for h in hidden])
    print(f"  {name:<20}", np.array2string(stds, precision=3))

# %%
# Histograms, as in the paper's figures 6 and 7
# ---------------------------------------------
# Left: the activations of each layer; right: the back-propagated gradients, on the same
# horizontal scale for both initializations. With the standard initialization the gradient
# histograms narrow from layer 5 down to layer 1 and the activation histograms peak more
# sharply at 0 in the higher layers; with the normalized one the layers stay close together.
import matplotlib.pyplot as plt

from gradlab.plotting import layer_colors

fig, axes = plt.subplots(
    2,
    2,
    figsize=(7, 6),
    sharex="col",
    num=(
        "Histograms of the activations (left) and back-propagated gradients "
        "(right) of the five tanh layers, standard initialization on top, "
        "Xavier below: with the standard one the gradient histograms narrow "
        "toward layer 1, with Xavier the layers stay close together."
    ),
)
colors = layer_colors(N_HIDDEN)
grad_edges = np.linspace(-8e-4, 8e-4, 161)
# the initializations by formula and name: the figure is shown in two languages
TITLES = {
    "standard": r"$U[-1/\sqrt{n}, 1/\sqrt{n}]$",
    "normalized (Xavier)": "Xavier",
}
for row, (name, (_, hidden, grads)) in zip(axes, results.items(), strict=True):
    layers = zip(hidden, grads, colors, strict=True)
    for i, (h, g, color) in enumerate(layers, start=1):
        style = {"density": True, "histtype": "step", "color": color}
        style["label"] = f"$i = {i}$"
        row[0].hist(h.ravel(), bins=np.linspace(-1, 1, 81), **style)
        row[1].hist(g.ravel(), bins=grad_edges, **style)
    for ax in row:
        ax.set_title(TITLES[name])
        ax.set_yscale("log")
        ax.set_ylabel("$p$")
axes[1, 0].set_xlabel("$h^{(i)}$")
axes[1, 1].set_xlabel(r"$\partial L/\partial s^{(i)}$")
axes[1, 1].ticklabel_format(axis="x", style="sci", scilimits=(0, 0))
axes[0, 1].legend(fontsize="small", loc="upper right")
plt.show()

# %%
# The mean singular value of the layer Jacobians
# ----------------------------------------------
# The paper's number for these figures: the mean singular value of
# :math:`J^{(i)} = \partial h^{(i+1)}/\partial h^{(i)}`, the Jacobian of one hidden layer with
# respect to the one below. :func:`gradlab.diagnostics.input_jacobian` computes it for the
# two-layer slice ``model[2i:2i+2]`` (``Dense``, ``tanh``) at the first input's :math:`h^{(i)}`,
# for :math:`i = 1, \dots, 4`.


def mean_jacobian_singular_values(model, hidden):
    """Mean singular value of dh(i+1)/dh(i), i = 1..4, at the first input."""
    means = []
    for i in range(1, N_HIDDEN):
        layer_pair = model[2 * i : 2 * i + 2]  # Dense, tanh
        J = diagnostics.input_jacobian(layer_pair, hidden[i - 1][0])
        means.append(np.linalg.svd(J, compute_uv=False).mean())
    return np.array(means)


print("mean singular value of dh(i+1)/dh(i), i = 1..4")
print("(paper: 0.5 standard, about 0.8 normalized)")
for name, (model, hidden, _) in results.items():
    values = mean_jacobian_singular_values(model, hidden)
    text = np.array2string(values, precision=3)
    print(f"  {name:<20} {text}   mean {values.mean():.3g}")

# %%
# Interpretation
# --------------
# The standard initialization shrinks the back-propagated gradient by a nearly constant
# factor per layer, close to :math:`1/\sqrt 3 \approx 0.58` in standard deviation, as Glorot
# and Bengio's variance argument predicts: the first layer receives about a tenth of what the
# fifth does. Each layer's Jacobian has a mean singular value near 0.5, the paper's number,
# and the activations of the higher layers crowd around 0 (their standard deviation falls by
# a factor of about 10 from layer 1 to layer 5). With the normalized (Xavier) initialization
# the gradient's standard deviation changes much less from layer to layer: the ratio from
# layer 5 to layer 1 is about 0.5 (what is left comes from the tanh derivative, which is
# below 1 away from 0), and the Jacobians' mean singular values are near 0.75, close to the
# paper's "around 0.8". The reasoning assumes units near the linear regime of tanh; for ReLU
# the same argument gives the He initialization
# (:ref:`sphx_glr_auto_examples_initialization_plot_he_relu_depth.py`), and
# :ref:`sphx_glr_auto_examples_initialization_plot_too_small_too_large.py` shows what goes
# wrong when the scale is far off in either direction.
