r"""
====================================
Optimizers on a deep sigmoid network
====================================

A sigmoid network with four hidden layers, trained on the digits with plain gradient
descent, sits for hundreds of epochs at the loss of guessing, :math:`\ln 10 \approx 2.30`:
its early layers receive gradients hundreds of times smaller than the last one (each sigmoid
multiplies the backward signal by at most :math:`\tfrac14`), and a step proportional to the
gradient barely moves them. The same network, from the same initial weights, trains with
momentum (모멘텀), which accumulates the small but consistent gradient, and with Adam, which
divides every parameter's step by the running size of its own gradient. The course chapter
is :ref:`course-optimizers`; why the gradient shrinks is :ref:`course-vanishing`.
"""

# %%
# Network and data
# ----------------
# 500 training digits and 500 test digits (:func:`gradlab.datasets.load_digits`), an MLP
# 64-32-32-32-32-10 with sigmoid hidden layers and Xavier-uniform weights
# (:func:`gradlab.layers.mlp`), trained full-batch on the cross-entropy for 300 epochs with
# :func:`gradlab.training.fit`. The learning rates are 1.0 for SGD and for momentum
# (:math:`\mu = 0.9`), and 0.01 for Adam.
import numpy as np

from gradlab import mlp, optim
from gradlab.datasets import load_digits
from gradlab.plotting import course_style
from gradlab.training import fit

course_style()  # figures 7 in wide at 150 dpi


def train_test_digits(n_train=500, n_test=500):
    """The first ``n_train`` digits and their labels to train on, the next
    ``n_test`` to test."""
    X, _, labels = load_digits(n_train + n_test)
    return X[:n_train], labels[:n_train], X[n_train:], labels[n_train:]


X_train, y_train, X_test, y_test = train_test_digits()

OPTIMIZERS = {
    "SGD": lambda params: optim.SGD(params, lr=1.0),
    "Momentum": lambda params: optim.SGD(params, lr=1.0, momentum=0.9),
    "Adam": lambda params: optim.Adam(params, lr=0.01),
}


def train(make_optimizer, X_train, y_train, epochs=300):
    """The same initial network (seed 0) trained with one optimizer."""
    sizes = [64, 32, 32, 32, 32, 10]
    model = mlp(sizes, activation="sigmoid", init="xavier_uniform", rng=0)
    history = fit(
        model,
        X_train,
        y_train,
        make_optimizer(model.parameters()),
        "cross_entropy",
        epochs=epochs,
    )
    return model, history


results = {}
for name, make in OPTIMIZERS.items():
    results[name] = train(make, X_train, y_train)

# %%
# Final losses and the plateau
# ----------------------------
# "Left the plateau" is the first epoch whose training loss is below 2.0.


def plateau_exit(history, level=2.0):
    """The first epoch (counted from 1) whose training loss is below
    ``level``, or None."""
    below = np.flatnonzero(history.loss < level)
    return int(below[0]) + 1 if below.size else None


def accuracy(model, X, labels):
    """The fraction of the digits whose largest logit is the right class."""
    return np.mean(model.forward(X).argmax(axis=1) == labels)


for name, (model, history) in results.items():
    left = plateau_exit(history)
    correct = accuracy(model, X_test, y_test)
    print(f"{name}: final training loss {history.loss[-1]:.3g},", end=" ")
    print(f"test accuracy {correct:.1%},")
    print(f"  left the plateau at epoch {'never' if left is None else left}")
norms = results["SGD"][1].grad_norms
ratio = norms[0, 0] / norms[0, -1]
print(f"SGD, first epoch, first/last layer gradient norm: {ratio:.3g}")

# %%
# Plot the loss curves and the first layer's gradient
# ---------------------------------------------------
# Top: training loss per epoch; the dotted line is :math:`\ln 10`. Bottom: the norm of the
# first layer's weight gradient :math:`\|\partial L / \partial W^{(1)}\|`
# (``History.grad_norms[:, 0]``), the layer that has to move for the network to learn.
import matplotlib.pyplot as plt

fig, (ax_loss, ax_grad) = plt.subplots(
    2,
    1,
    figsize=(7, 6.5),
    sharex=True,
    num=(
        "Training loss (top) and first-layer gradient norm (bottom), log "
        "scales, against epoch for SGD, momentum and Adam on a deep sigmoid "
        "network: SGD stays on the plateau at ln 10 for all 300 epochs, Adam "
        "leaves it early and momentum later."
    ),
)
for name, (_, history) in results.items():
    epochs = np.arange(1, len(history.loss) + 1)
    ax_loss.semilogy(epochs, history.loss, label=name)
    ax_grad.semilogy(epochs, history.grad_norms[:, 0], label=name)
ax_loss.axhline(np.log(10), color="black", linestyle=":", label=r"$\ln 10$")
ax_loss.set(ylabel="$L$")
ax_loss.legend()
first_layer = r"$\|\partial L / \partial W^{(1)}\|$"
ax_grad.set(xlabel="$t$", ylabel=first_layer)
ax_grad.legend()
plt.show()

# %%
# Interpretation
# --------------
# All three start from the same weights. SGD quickly learns the class frequencies in the last
# layer, reaches :math:`\ln 10` and stays there for all 300 epochs (test accuracy 10%,
# chance level): in the first epoch the first layer's gradient is about
# :math:`4 \times 10^{-3}` of the last layer's, and it stays near :math:`10^{-3}`. Momentum
# sees the same small gradients but adds them up (with :math:`\mu = 0.9` a consistent
# gradient builds a step up to 10 times larger); it leaves the plateau at epoch 135, with a
# jolt as the accumulated velocity carries it over the edge, and ends at a training loss near
# 0.01. Adam rescales each parameter's step by the size of its own gradient, so the first
# layer moves as fast as the last; it leaves the plateau at epoch 36. Both end at 83-85% test
# accuracy. The plateau is the vanishing gradient (기울기 소실) seen from the optimizer's
# side: a better optimizer crosses it, a better initialization or activation function avoids
# it (:ref:`sphx_glr_auto_examples_together_plot_four_ways.py`).
