r"""
=================================================
Exploding gradients and gradient-norm clipping
=================================================

The opposite of the vanishing gradient is the exploding gradient (기울기 폭발): when every
layer multiplies the back-propagated gradient by more than 1, the gradient grows
geometrically on its way to the input, one gradient-descent step throws the weights far away,
and the loss becomes ``inf`` or ``NaN``. Here the cause is an initialization twice too large:
a ReLU network of 8 hidden layers of 64 units with weights :math:`N(0, (2\sigma_\text{He})^2)`,
:math:`\sigma_\text{He} = \sqrt{2/n_\text{in}}`, so each layer multiplies both the forward
signal and the back-propagated gradient by about 2 instead of 1 (He et al., 2015).

Gradient-norm clipping (기울기 클리핑, Pascanu, Mikolov & Bengio, 2013, algorithm 1) rescales
the whole gradient :math:`g` to a fixed norm :math:`c` whenever :math:`\|g\| > c`, keeping
its direction: :math:`g \leftarrow c\, g / \|g\|`. It is the ``clip_norm=`` argument of
:func:`gradlab.training.fit` (:func:`gradlab.optim.clip_grad_norm`). Pascanu et al. studied
recurrent networks; a deep feed-forward network with large weights has the same product of
Jacobians. Course chapter: :ref:`course-vanishing`.
"""

# %%
# Gradient norms at initialization
# --------------------------------
#
# One backward pass of the softmax cross-entropy on 500 digits, for the He initialization
# and for twice its standard deviation. We read two norms per layer with
# :func:`gradlab.diagnostics.gradient_norms`: the bias gradient
# :math:`\|\delta^{(l)}\| = \|\partial L/\partial b^{(l)}\|`, which is the back-propagated
# gradient itself, and the weight gradient :math:`\|\partial L/\partial W^{(l)}\|`.
import functools

import numpy as np

from gradlab import diagnostics, init, losses, mlp
from gradlab.datasets import load_digits
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi


def relu_net(scale, n_hidden=8, width=64, seed=0):
    """ReLU MLP on 8x8 digits with weights N(0, (scale * He std)^2)."""
    std = scale * np.sqrt(2 / width)
    weights = functools.partial(init.normal, std=std)
    sizes = [64, *[width] * n_hidden, 10]
    return mlp(sizes, activation="relu", init=weights, rng=seed)


def norms_at_init(scale, n_samples=500):
    """(bias-gradient norms, weight-gradient norms) per layer, first layer
    first."""
    X, Y, _ = load_digits(n_samples)
    net = relu_net(scale)
    net.backward(losses.cross_entropy.derivative(net.forward(X), Y))
    bias_norms = diagnostics.gradient_norms(net, which="b")
    return bias_norms, diagnostics.gradient_norms(net)


he_delta, he_weight = norms_at_init(1.0)
big_delta, big_weight = norms_at_init(2.0)
with np.printoptions(formatter={"float": "{:.3g}".format}):
    print("He init, ||dL/db|| per layer:")
    print(he_delta)
    print("2 x He init, ||dL/db|| per layer:")
    print(big_delta)
    print("2 x He init, ||dL/dW|| per layer:")
    print(big_weight)
big_ratio = big_delta[0] / big_delta[-1]
he_ratio = he_delta[0] / he_delta[-1]
print("||dL/db|| of layer 1 / layer 9:")
print(f"  {big_ratio:.0f} for 2 x He (2^8 = {2**8}), {he_ratio:.3g} for He")
weight_ratio = np.median(big_weight / he_weight)
print(f"weight gradients, 2 x He / He: median {weight_ratio:.0f} over layers")

# %%
# Growing toward the input, flat across layers
# --------------------------------------------
#
# The back-propagated gradient grows by about 2 per layer toward the input. The weight
# gradient :math:`\partial L/\partial W^{(l)} = (a^{(l-1)})^\top \delta^{(l)}` does not
# grow with depth, because the activations :math:`a^{(l-1)}` grow by about the same factor
# per layer in the *other* direction; but every one of them is hundreds of times larger than
# with He's initialization.
import matplotlib.pyplot as plt

layers = np.arange(1, len(he_delta) + 1)
fig, (ax_b, ax_w) = plt.subplots(
    2,
    1,
    figsize=(7, 6),
    sharex=True,
    num=(
        "Norms of the bias gradients (top) and weight gradients (bottom) of "
        "each layer at initialization, log scale, for He's initialization "
        "and twice its scale: with twice He the back-propagated gradient "
        "grows about twofold per layer toward the input, and every weight "
        "gradient is hundreds of times larger than with He."
    ),
)
# symbols and names only: the figure is shown in two languages
delta_norm = r"$\|\partial L/\partial b^{(l)}\|$"
weight_norm = r"$\|\partial L/\partial W^{(l)}\|$"
for ax, he, big, norm in (
    (ax_b, he_delta, big_delta, delta_norm),
    (ax_w, he_weight, big_weight, weight_norm),
):
    ax.plot(layers, he, "o-", label="He")
    ax.plot(layers, big, "s-", label="2 × He")
    ax.set_ylabel(norm)
ax_w.set_xlabel("$l$")
ax_b.set_yscale("log")
ax_w.set_yscale("log")
ax_b.legend()

# %%
# Training with and without clipping
# ----------------------------------
#
# Full-batch gradient descent (:class:`gradlab.optim.SGD`, learning rate 0.1) on the same 500
# digits for 100 epochs: the large initialization without clipping, the same with
# ``clip_norm=1``, and He's initialization without clipping as a reference.
# :func:`gradlab.training.fit` stops when the loss becomes ``inf`` or ``NaN`` and sets
# ``history.diverged``.
from gradlab import fit, optim


def train(scale, clip_norm=None, epochs=100, lr=0.1, n_samples=500):
    """History of full-batch SGD on digits from relu_net(scale)."""
    X, Y, _ = load_digits(n_samples)
    net = relu_net(scale)
    opt = optim.SGD(net.parameters(), lr=lr)
    return fit(
        net,
        X,
        Y,
        opt,
        loss="cross_entropy",
        epochs=epochs,
        clip_norm=clip_norm,
    )


runs = {
    "2 x He, no clipping": train(2.0),
    "2 x He, clip_norm=1": train(2.0, clip_norm=1.0),
    "He, no clipping": train(1.0),
}
for name, history in runs.items():
    first, last = history.initial_loss, history.loss[-1]
    print(f"{name}: diverged {history.diverged}")
    print(f"  loss {first:.3g} at the start,", end=" ")
    print(f"{last:.3g} after {len(history.loss)} epochs")

# %%
# Loss curves
# -----------
#
# The loss curves on a log scale. Top, the unclipped run, epoch by epoch until the loss is
# no longer a number (the cross marks its last finite value); bottom, the two runs that
# trained.
fig, (ax_nan, ax_ok) = plt.subplots(
    2,
    1,
    figsize=(7, 6),
    num=(
        "Training loss against epoch, log scale. Top: twice He's weights "
        "without clipping, the loss rising until it is no longer a number "
        "after a few epochs, a cross at its last finite value. Bottom: the "
        "same with gradient-norm clipping, which trains, and He's weights, "
        "which get much lower."
    ),
)
LABELS = {}  # the runs by initialization and clipping: "2 × He, clip_norm=1"
for name in runs:
    LABELS[name] = name.replace(" x ", " × ").replace(", no clipping", "")
for name, history in runs.items():
    curve = np.concatenate([[history.initial_loss], history.loss])
    if history.diverged:
        ax_nan.plot(curve, "o-", color="C3", label=LABELS[name])
        print(f"{name}: loss per epoch")
        print(np.array2string(curve, precision=3))
        last = np.flatnonzero(np.isfinite(curve))[-1]
        ax_nan.plot(
            last,
            curve[last],
            "x",
            ms=14,
            mew=2,
            color="k",
        )
        after = f"{curve[last + 1]}"  # inf or nan
        ax_nan.text(last + 1, curve[last], after, ha="center", va="top")
        ax_nan.set_xlim(-0.5, last + 1.5)
    else:
        ax_ok.plot(curve, label=LABELS[name])
ax_nan.set_xticks(range(len(runs["2 x He, no clipping"].loss) + 1))
for ax in (ax_nan, ax_ok):
    ax.set_yscale("log")
    ax.set_xlabel("$t$")
    ax.set_ylabel("$L$")
    ax.legend()

# %%
# Interpretation
# --------------
#
# With weights twice as large as He's, the gradient that reaches the first layer is about 200
# times the one at the last layer (:math:`2^8 = 256` if each of the 8 hidden layers doubled
# it exactly), and the weight gradients are hundreds of times larger than with He's
# initialization. The first full-size step with learning rate 0.1 overshoots, the loss grows
# by orders of magnitude with every step, and within a few epochs it is no longer a number:
# ``fit`` reports ``diverged``. Clipping the gradient norm to 1 bounds each step to
# :math:`\eta c = 0.1` in parameter space whatever the gradient, so training proceeds and
# the loss falls by more than two orders of magnitude. Clipping does not repair the
# initialization, though: the run from He's weights gets much lower in the same 100 epochs.
# Clipping treats the symptom, a single step that is too large; a good initialization
# (:ref:`course-initialization`) removes the cause. See also
# :ref:`sphx_glr_auto_examples_initialization_plot_too_small_too_large.py`.
