r"""
===============================================================
He initialization and a 30-layer ReLU network (He et al., 2015)
===============================================================

A :term:`ReLU` sets half of its inputs to zero, so it passes on only half of the variance it
receives. He et al. (2015, Eq. 9) follow the variance of the pre-activations :math:`y_l`
through :math:`L` layers,

.. math::

    \operatorname{Var}[y_L] = \operatorname{Var}[y_1] \prod_{l=2}^{L} \tfrac12 n_l
    \operatorname{Var}[w_l],

and choose :math:`\operatorname{Var}[w_l] = 2/n_l` (:func:`gradlab.init.he_normal`, He 초기화)
so that every factor is 1. Xavier's :math:`\operatorname{Var}[w_l] = 1/n_l` for a square layer
(:func:`gradlab.init.xavier_uniform`) makes every factor :math:`1/2`: the standard deviation
shrinks by :math:`1/\sqrt 2` per layer, to :math:`2^{-(L-1)/2}` of its first value. He et al.
then trained a 30-layer network with both and found that the Xavier one "completely stalls".

Setup, against the paper's: they used convolutional networks on ImageNet (27 convolutional and
3 fully connected layers for the 30-layer model); here the forward pass uses 30 fully
connected ReLU layers of 512 units on 100 Gaussian inputs, and the training run uses 30
layers of 64 units on the 8x8 digits (1,797 images), SGD with :term:`momentum` 0.9,
:term:`learning rate` 0.002, :term:`mini-batch` size 32, for 10 :term:`epoch`\ s. The course
chapter is :ref:`course-initialization`.
"""

# %%
# The standard deviation of the pre-activations, layer by layer
# -------------------------------------------------------------
# :func:`gradlab.layers.mlp` builds 30 ``Dense`` layers with a ReLU after all but the last;
# the two networks differ only in the initializer.
# :func:`gradlab.diagnostics.layer_outputs` returns every layer's output, and the ``Dense``
# outputs (every second one) are the :math:`y_l`.
import numpy as np

from gradlab import diagnostics, mlp
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi

DEPTH, WIDTH = 30, 512
INITS = {"He": "he_normal", "Xavier": "xavier_uniform"}


def preactivation_stds(init, seed=0):
    """Standard deviation of y_1 ... y_DEPTH for 100 standard-normal inputs."""
    model = mlp([WIDTH] * (DEPTH + 1), activation="relu", init=init, rng=seed)
    X = np.random.default_rng(seed + 1).normal(size=(100, WIDTH))
    dense_outputs = diagnostics.layer_outputs(model, X)[::2]
    return np.array([y.std() for y in dense_outputs])


stds = {name: preactivation_stds(init) for name, init in INITS.items()}
theory = 2.0 ** (-(DEPTH - 1) / 2)
for name, s in stds.items():
    print(f"{name:<7} std(y_30) / std(y_1) = {s[-1] / s[0]:.3g}")
print(f"Xavier, theory 2**(-(30 - 1)/2) = {theory:.3g}; He, theory 1")

# %%
# Plot the ratio against depth
# ----------------------------
# On a log scale, a constant factor per layer is a straight line: flat for He, a slope of
# :math:`-\tfrac12 \log_{10} 2` per layer for Xavier, on top of the dashed theory line.
import matplotlib.pyplot as plt

layers = np.arange(1, DEPTH + 1)
fig, ax = plt.subplots(
    figsize=(7, 3.8),
    num=(
        "Spread of the pre-activations of each of 30 ReLU layers relative to "
        "layer 1, log scale, He against Xavier initialization: flat for He, "
        "halving in variance per layer for Xavier, on the dashed line the "
        "theory predicts."
    ),
)
for name, s in stds.items():
    ax.plot(layers, s / s[0], marker="o", markersize=3, label=name)
theory_label = r"Xavier: $2^{-(l-1)/2}$"
ax.plot(layers, 2.0 ** (-(layers - 1) / 2), "k--", label=theory_label)
ax.set_yscale("log")
ax.set_xlabel("$l$")
ax.set_ylabel(r"std$(y_l)$ / std$(y_1)$")
ax.set_title(r"ReLU, $L = 30$, $n = 512$")
ax.legend()
plt.show()

# %%
# Train a 30-layer ReLU network on the digits
# -------------------------------------------
# :func:`gradlab.training.fit` trains with :class:`gradlab.optim.SGD` and records the
# training loss after each epoch and the mean norm of each layer's weight gradient
# (``History.grad_norms``). The output layer gives 10 logits and the loss is cross-entropy,
# whose value for a uniform guess is :math:`\ln 10 \approx 2.303`.
from gradlab import fit, optim
from gradlab.datasets import load_digits

X_digits, _, digit_labels = load_digits()


def train_deep_relu(init, X, labels, seed=0, epochs=10):
    """Train a 30-layer, 64-unit ReLU net on the digits; return the model
    and its History."""
    sizes = [64] + [64] * DEPTH + [10]
    model = mlp(sizes, activation="relu", init=init, rng=seed)
    optimizer = optim.SGD(model.parameters(), lr=0.002, momentum=0.9)
    history = fit(
        model,
        X,
        labels,
        optimizer,
        loss="cross_entropy",
        epochs=epochs,
        batch_size=32,
        rng=seed,
    )
    return model, history


def accuracy(model, X, labels):
    """The fraction of the digits whose largest logit is the right class."""
    return np.mean(model.forward(X).argmax(axis=1) == labels)


runs = {}
for name, init in INITS.items():
    runs[name] = train_deep_relu(init, X_digits, digit_labels)
for name, (model, history) in runs.items():
    first, last = history.initial_loss, history.loss[-1]
    correct = accuracy(model, X_digits, digit_labels)
    first_grad = history.grad_norms[0, 0]
    print(f"{name}: loss {first:.3f} -> {last:.3f}, accuracy {correct:.0%},")
    print(f"  first layer's gradient norm in epoch 1: {first_grad:.3g}")

# %%
# Loss and first-layer gradient during training
# ---------------------------------------------
fig, (ax_loss, ax_grad) = plt.subplots(
    2,
    1,
    figsize=(7, 6),
    sharex=True,
    num=(
        "Training loss (top) and first-layer gradient norm (bottom, log "
        "scale) against epoch for the 30-layer ReLU network: with Xavier "
        "initialization the loss stays at ln 10 and the gradient is orders "
        "of magnitude smaller; with He the network learns."
    ),
)
for name, (_, history) in runs.items():
    epochs = np.arange(len(history.loss) + 1)
    curve = [history.initial_loss, *history.loss]
    ax_loss.plot(epochs, curve, marker="o", label=name)
    ax_grad.plot(epochs[1:], history.grad_norms[:, 0], marker="o", label=name)
uniform = r"$\ln 10$"
ax_loss.axhline(np.log(10), color="k", ls=":", zorder=3, label=uniform)
ax_loss.set_ylabel("$L$")
ax_loss.legend()
ax_grad.set_yscale("log")
ax_grad.set_xlabel("$t$")
ax_grad.set_ylabel(r"$\overline{\|\partial L/\partial W^{(1)}\|}$")
ax_grad.legend()
plt.show()

# %%
# Interpretation
# --------------
# The measured ratios follow He et al.'s variance argument: with He initialization the
# pre-activations of layer 30 have about the spread of layer 1's, and with Xavier
# initialization they are about :math:`4 \times 10^{-5}` times as wide, within 10 % of the
# predicted :math:`2^{-14.5} \approx 4.3 \times 10^{-5}` for this draw of the weights (each
# layer's factor is random, so other draws scatter more widely around it). The same halving
# of the variance per layer happens to the gradient on its way back, so in the 30-layer
# network trained on the digits the first layer's weight gradient in the first epoch is
# about five orders of magnitude smaller under Xavier initialization than under He
# initialization, and in 10 epochs the loss does not move from
# :math:`\ln 10`: the network stalls, as in the paper's figure 3. The He network learns,
# though not smoothly: 30 plain ReLU layers are hard to train even from a good start, which is
# one motivation for the :term:`residual connection`\ s of
# :ref:`sphx_glr_auto_examples_beyond_plot_residual_batchnorm.py`. For tanh and sigmoid
# networks the corresponding argument gives Xavier's rule
# (:ref:`sphx_glr_auto_examples_initialization_plot_glorot_histograms.py`).
