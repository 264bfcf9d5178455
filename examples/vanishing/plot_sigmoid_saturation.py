r"""
=====================================================
Sigmoid saturation during training (Glorot & Bengio)
=====================================================

Glorot & Bengio (2010, figure 2) watched the activations of a deep sigmoid network while it
trained: four hidden layers of 1,000 units, the "standard" initialization
:math:`W \sim U[-1/\sqrt{n}, 1/\sqrt{n}]` with zero biases, softmax output and mini-batches
of 10, with statistics taken over 300 test examples. "The top hidden layer quickly saturates
at 0 (slowing down all learning), but then slowly desaturates around epoch 100", while the
lower layers sit above 0.5. A saturated sigmoid unit has :math:`\sigma'(z) \approx 0`, so it
passes back almost no gradient: the whole network below it stops learning.

Our setup differs in three ways, all to fit the time budget of a few seconds: the data are
the 8x8 digits of :func:`gradlab.datasets.load_digits` (1,497 for training, the last 300 as
the test examples) instead of Shapeset-3x2; the hidden layers have 100 units instead of
1,000; and the learning rate is a large 2.0, chosen so that both the saturation and the escape
happen within 60 epochs (Glorot & Bengio tuned theirs, and their escape took about 100
epochs). We record the mean and standard deviation of each hidden layer's activations after
every epoch, and the share of saturated units from
:func:`gradlab.diagnostics.saturated_fraction`. Course chapter: :ref:`course-vanishing`.
"""

# %%
# Training and recording
# ----------------------
#
# :func:`gradlab.layers.mlp` with ``init="standard"`` (:func:`gradlab.init.standard`) builds
# the network; :func:`gradlab.training.fit` trains it one epoch at a time with mini-batches
# of 10 and the softmax cross-entropy. After each epoch,
# :func:`gradlab.diagnostics.layer_outputs` gives the activations of the 300 test digits.
# A unit counts as saturated for an input when :math:`\sigma'(z) < 0.05 \cdot \tfrac14`,
# that is when its output is below 0.012 or above 0.988.
import numpy as np

from gradlab import Activation, diagnostics, fit, mlp, optim
from gradlab.datasets import load_digits
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi


def hidden_activations(net, X):
    """Outputs of the sigmoid layers for the batch X, first layer first."""
    outputs = zip(net, diagnostics.layer_outputs(net, X), strict=True)
    return [a for layer, a in outputs if isinstance(layer, Activation)]


def saturation_run(epochs=60, lr=2.0, width=100, n_test=300, seed=0):
    """Train a 4-hidden-layer sigmoid net on digits; record statistics
    after every epoch.

    Returns a dict of arrays with one row per epoch (row 0 =
    initialization): "mean" and "std" of each hidden layer's activations
    (n_epochs + 1, 4), "saturated" fractions (n_epochs + 1, 4) and
    "accuracy" on the test digits (n_epochs + 1,).
    """
    X, Y, labels = load_digits()
    X_train, Y_train = X[:-n_test], Y[:-n_test]
    X_test, test_labels = X[-n_test:], labels[-n_test:]
    sizes = [64, *[width] * 4, 10]
    net = mlp(sizes, activation="sigmoid", init="standard", rng=seed)
    opt = optim.SGD(net.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    record = {"mean": [], "std": [], "saturated": [], "accuracy": []}
    for epoch in range(epochs + 1):
        if epoch > 0:
            fit(
                net,
                X_train,
                Y_train,
                opt,
                loss="cross_entropy",
                batch_size=10,
                rng=rng,
            )
        activations = hidden_activations(net, X_test)
        record["mean"].append([a.mean() for a in activations])
        record["std"].append([a.std() for a in activations])
        saturated = diagnostics.saturated_fraction(net, X_test)
        record["saturated"].append(saturated)
        predicted = net.forward(X_test).argmax(axis=1)
        record["accuracy"].append(np.mean(predicted == test_labels))
    return {key: np.array(values) for key, values in record.items()}


run = saturation_run()
top_saturated = run["saturated"][:, -1]
saturated_from = int(np.argmax(top_saturated > 0.9))
after = top_saturated[saturated_from:]
escaped_at = saturated_from + int(np.argmax(after < 0.5))
with np.printoptions(formatter={"float": "{:.3g}".format}):
    for epoch in (0, 1, escaped_at, len(top_saturated) - 1):
        print(f"epoch {epoch}: test accuracy {run['accuracy'][epoch]:.2f}")
        print(f"  mean activation per layer {run['mean'][epoch]}")
        print(f"  saturated per layer       {run['saturated'][epoch]}")
print("top hidden layer:")
print(f"  over 90 % saturated from epoch {saturated_from}")
print(f"  below 50 % again at epoch {escaped_at}")

# %%
# Activations per layer, as in Glorot & Bengio's figure 2
# --------------------------------------------------------
#
# Top, the mean activation of each hidden layer over the 300 test digits, with a band of
# one standard deviation. Bottom, the share of saturated units per layer and the test
# accuracy (black).
import matplotlib.pyplot as plt

from gradlab.plotting import layer_colors

epochs = np.arange(len(run["accuracy"]))
fig, (ax_mean, ax_sat) = plt.subplots(
    2,
    1,
    figsize=(7, 6.5),
    sharex=True,
    num=(
        "Mean activation with a band of one standard deviation (top) and "
        "share of saturated units (bottom) of four hidden sigmoid layers "
        "against epoch, test accuracy dashed: the top layer saturates at 0 "
        "at once and the accuracy stays at chance until the layer "
        "desaturates, marked by a dotted line; then the accuracy climbs."
    ),
)
colors = layer_colors(run["mean"].shape[1])
for layer, color in enumerate(colors):
    mean, std = run["mean"][:, layer], run["std"][:, layer]
    label = f"$l = {layer + 1}$"
    ax_mean.plot(epochs, mean, color=color, label=label)
    band = mean - std, mean + std
    ax_mean.fill_between(epochs, *band, color=color, alpha=0.25)
    ax_sat.plot(epochs, run["saturated"][:, layer], color=color, label=label)
ax_sat.plot(epochs, run["accuracy"], "k--", label=r"$P(\hat y = y)$")
for ax in (ax_mean, ax_sat):
    ax.axvline(escaped_at, color="gray", lw=0.8, ls=":")
    ax.set_ylim(-0.02, 1.02)
# symbols and names only: the figure is shown in two languages
ax_sat.set_xlabel("$t$")
ax_mean.set_ylabel(r"$\bar h \pm \mathrm{std}(h)$")
ax_mean.set_title("sigmoid, 64-100-100-100-100-10")
ax_sat.set_ylabel(r"$P(\sigma'(z) < 0.05 \cdot \frac{1}{4})$")
handles, labels = ax_sat.get_legend_handles_labels()
fig.legend(handles, labels, loc="outside lower center", ncol=3)

# %%
# Interpretation
# --------------
#
# The run shows the pattern of Glorot & Bengio's figure, compressed in time. Within the
# first epoch the top hidden layer is driven to 0: all of its units are saturated for every
# test digit, while the layers below sit near or above 0.5, higher the closer they are to the
# top. Glorot & Bengio's explanation: the output layer first learns what it can from its
# biases alone (the class frequencies); the random features of the top hidden layer only add
# noise to that, and pushing them toward 0 removes the noise. But at 0 a sigmoid's derivative
# vanishes, so almost no gradient reaches the layers below, and the test accuracy stays at
# chance for dozens of epochs. Meanwhile the top layer's mean sinks to about 0.003, stays
# there for some 30 epochs, then creeps up, and around epoch 40 the layer desaturates within
# a couple of epochs; the gradient gets through and the accuracy climbs to about 0.9 by
# epoch 60. After the escape a different
# saturation appears in every layer: trained units output nearly 0 or 1 for some digits,
# which is how they specialize, and is not a plateau.
#
# What we do not reproduce: the time scale (our learning rate of 2.0 shortens the plateau,
# and the epoch of escape depends on the seed and the learning rate) and the size of the
# network. Glorot & Bengio trace the saturation to the sigmoid's non-zero mean and recommend
# tanh or softsign, symmetric around 0, with the normalized (Xavier) initialization; see
# :ref:`course-initialization` and
# :ref:`sphx_glr_auto_examples_initialization_plot_glorot_histograms.py`.
