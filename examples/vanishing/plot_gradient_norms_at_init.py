r"""
=====================================================================
Per-layer gradient norms at initialization: activation × initializer
=====================================================================

Whether a deep network's gradient vanishes or explodes is decided before training starts,
by two choices: the activation function (활성화 함수) and the weight initialization
(가중치 초기화). Going back through layer :math:`l`, the gradient is multiplied by
:math:`W^{(l)}` and by the activation's derivative, so its size changes by roughly
:math:`\sqrt{n \operatorname{Var}[W]}` times the typical :math:`|f'(z)|` per layer.
We build a 16-layer network (15 hidden layers of 64 units) for every combination of sigmoid,
tanh and ReLU with three initializers, standard normal :math:`N(0, 1)`
(:func:`gradlab.init.normal`), Xavier (:func:`gradlab.init.xavier_normal`,
:math:`\operatorname{Var}[W] = 2/(n_\text{in} + n_\text{out})`) and He
(:func:`gradlab.init.he_normal`, :math:`2/n_\text{in}`), run one backward pass of the
softmax cross-entropy on 500 digits, and read :math:`\|\partial L/\partial W^{(l)}\|` for
every layer with :func:`gradlab.diagnostics.gradient_norms`. Course chapters:
:ref:`course-vanishing` and :ref:`course-initialization`.
"""

# %%
# One backward pass per combination
# ---------------------------------
#
# :func:`gradlab.layers.mlp` builds the network; the gradient of the mean cross-entropy
# (:data:`gradlab.losses.cross_entropy`) at the softmax's input starts the backward pass.
# All nine networks use the same seed and the same 500 images (8x8 digits scaled to [0, 1]).
import numpy as np

from gradlab import diagnostics, losses, mlp
from gradlab.datasets import load_digits
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi

ACTIVATIONS = ("sigmoid", "tanh", "relu")
INITIALIZERS = {
    "N(0, 1)": "normal",
    "Xavier": "xavier_normal",
    "He": "he_normal",
}


def norms_at_init(
    activation,
    init,
    n_hidden=15,
    width=64,
    n_samples=500,
    seed=0,
):
    """Per-layer weight-gradient norms (first layer first) of a fresh deep
    MLP on digits."""
    X, Y, _ = load_digits(n_samples)
    sizes = [64, *[width] * n_hidden, 10]
    net = mlp(sizes, activation=activation, init=init, rng=seed)
    net.backward(losses.cross_entropy.derivative(net.forward(X), Y))
    return diagnostics.gradient_norms(net)


def norm_table(**kwargs):
    """{(activation, init label): norms} for every combination."""
    return {
        (act, label): norms_at_init(act, init, **kwargs)
        for act in ACTIVATIONS
        for label, init in INITIALIZERS.items()
    }


table = norm_table()
print("first-layer / last-layer gradient norm (and the first layer's norm):")
for (act, label), norms in table.items():
    ratio = norms[0] / norms[-1]
    print(f"  {act:8s} {label:8s} {ratio:9.3g}   ({norms[0]:.3g})")

# %%
# A heat map of :math:`\log_{10}` norms
# --------------------------------------
#
# One row per combination, one column per layer (1 = next to the input, 16 = the output
# layer). The color is :math:`\log_{10} \|\partial L/\partial W^{(l)}\|` with the number
# written in each cell: white is a norm near 1, blue is smaller, red larger. A row that
# changes color from left to right is a gradient that vanishes (blue on the left) or
# explodes (red on the left) on its way back to the input.
import matplotlib.pyplot as plt

log_norms = np.log10(np.array(list(table.values())))
limit = np.abs(log_norms).max()
fig, ax = plt.subplots(
    figsize=(7, 4.5),
    num=(
        "Heat map of the log10 weight-gradient norm of each of 16 layers "
        "(columns) for sigmoid, tanh and ReLU with N(0, 1), Xavier and He "
        "weights (rows): the sigmoid rows turn blue toward the input, "
        "vanishing, tanh with N(0, 1) turns red, exploding, and ReLU with He "
        "stays even."
    ),
)
image = ax.imshow(
    log_norms,
    cmap="RdBu_r",
    vmin=-limit,
    vmax=limit,
    aspect="auto",
)
for (row, col), value in np.ndenumerate(log_norms):
    color = "white" if abs(value) > 0.6 * limit else "black"
    digits = int(np.rint(value))
    ax.text(col, row, digits, ha="center", va="center", size=8, color=color)
ax.set_yticks(range(len(table)), [f"{act}, {label}" for act, label in table])
n_layers = log_norms.shape[1]
ax.set_xticks(range(n_layers), range(1, n_layers + 1))
ax.set_xlabel("$l$")
label = r"$\log_{10} \|\partial L / \partial W^{(l)}\|$"
fig.colorbar(image, ax=ax, label=label)

# %%
# Interpretation
# --------------
#
# * **Sigmoid** loses the gradient with every initializer. With Xavier's weights,
#   :math:`n \operatorname{Var}[W] \approx 1`, so each layer multiplies the gradient by about
#   :math:`\sigma' \le 1/4`: the first layer's gradient is about :math:`10^{-9}` of the last
#   one's, close to :math:`(1/4)^{15} \approx 9 \times 10^{-10}`. He's larger weights help a
#   little; :math:`N(0, 1)` weights (variance 64 times Xavier's) push many units into the flat
#   tails of :math:`\sigma`, and the gradient still shrinks more than tenfold.
# * **Tanh** has :math:`\tanh'(0) = 1`, so it is Xavier's case: with Xavier or He the norms
#   stay within a factor of 3 across all 16 layers. With :math:`N(0, 1)` weights the
#   backward factor :math:`\sqrt{64} \cdot |\tanh'|` is above 1 and the gradient *explodes*
#   toward the input, by more than :math:`10^3`.
# * **ReLU** passes half of the gradient (:math:`\operatorname{relu}' \in \{0, 1\}`). With He
#   the norms lie between 0.1 and 0.3 in every layer. With Xavier they also stay within a
#   factor of 4 of each other, but every one is about :math:`10^{-3}`: the activations shrink
#   by :math:`1/\sqrt 2` per layer going forward and the back-propagated gradient by the same
#   going back (He et al., 2015), and the weight gradient, a product of the two, is shrunk
#   evenly (Glorot & Bengio, 2010, observed that weight gradients have the same variance in
#   every layer). :math:`N(0, 1)` weights blow both up: every norm is above :math:`10^9`.
#
# The first/last ratio alone therefore does not tell the whole story; the absolute level
# matters as much. Training speed per layer is in
# :ref:`sphx_glr_auto_examples_vanishing_plot_learning_speed_per_layer.py`, and the
# initializers themselves in :ref:`sphx_glr_auto_examples_initialization_plot_he_relu_depth.py`.
