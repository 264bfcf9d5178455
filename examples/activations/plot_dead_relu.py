r"""
================================================
Dead ReLUs, and how Leaky ReLU keeps units alive
================================================

A ReLU unit whose pre-activation :math:`z = xw + b` is negative for every training sample
outputs 0 everywhere and, since :math:`\mathrm{relu}'(z) = 0` for :math:`z < 0`, receives a
gradient of exactly 0 for its weights and bias: gradient descent can never move it again. It is
a :term:`dead ReLU` (죽은 ReLU). This example kills units in two ways, with a large negative
:term:`bias` (편향) at initialization and with a large :term:`learning rate` (학습률), follows the
fraction of dead units epoch by epoch with :func:`gradlab.diagnostics.dead_fraction`, and
trains the same network with Leaky ReLU, whose slope of 0.01 for :math:`z < 0` keeps a
gradient flowing, so that its switched-off units can come back. The derivatives involved are
plotted in :ref:`sphx_glr_auto_examples_activations_plot_activation_derivatives.py`; the
course discusses the trade-off in :ref:`course-vanishing`.
"""

# %%
# Data and network
# ----------------
# Two interleaved half-moons (:func:`gradlab.datasets.make_moons`, 300 points, seeded),
# standardized. The network has one hidden :term:`layer` (층) of 32 units, built by
# :func:`gradlab.mlp` with He-normal weights (:func:`gradlab.init.he_normal`); its output is a
# logit for :data:`~gradlab.losses.binary_cross_entropy_with_logits`. With a single hidden
# layer the inputs of the hidden units never change, so a unit that is dead on the training
# set and no longer moved by the optimizer is dead for good.
import numpy as np

from gradlab import mlp
from gradlab.datasets import make_moons
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi


def moons():
    """The 300 standardized points X and their classes y (a column of 0.0
    and 1.0)."""
    X, labels = make_moons(n_samples=300, noise=0.2, seed=0)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, labels.reshape(-1, 1).astype(float)


def hidden_net(activation, bias):
    """The 2-32-1 network (He-normal weights, seed 0) with every hidden
    bias set to ``bias``."""
    net = mlp([2, 32, 1], activation=activation, init="he_normal", rng=0)
    net[0].b.value[:] = bias
    return net


X, y = moons()
LOSS = "binary_cross_entropy_with_logits"

# %%
# Two ways to kill units
# ----------------------
# Each run trains for 200 full-batch epochs with :func:`gradlab.fit`, one epoch per call so
# that the units can be inspected in between.
#
# * **large negative bias**: every hidden bias starts at :math:`-4` instead of 0, and
#   :class:`gradlab.optim.Adam` trains with a learning rate of 0.05. Most units start negative
#   on every sample.
# * **large learning rate**: the biases start at 0 and plain gradient descent
#   (:class:`gradlab.optim.SGD`, no momentum) takes steps with a learning rate of 10. Every
#   unit starts alive; the loss is a mean over the batch, so its gradient is small and a
#   learning rate of 3 kills no unit at all, but at 10 the first steps overshoot. Without
#   momentum, a zero gradient means that a parameter does not move at all.
from gradlab import optim

SCENARIOS = {
    "large negative bias": {
        "bias": -4.0,
        "optimizer": optim.Adam,
        "lr": 0.05,
    },
    "large learning rate": {
        "bias": 0.0,
        "optimizer": optim.SGD,
        "lr": 10.0,
    },
}

# %%
# What to measure after each epoch
# --------------------------------
# * The fraction of hidden units whose output is :math:`\le 0` for *every* training sample. For
#   ReLU this is the fraction of dead units, :func:`~gradlab.diagnostics.dead_fraction`. A Leaky
#   ReLU unit in that state is not dead (``dead_fraction`` does not count it): it is merely
#   switched off.
# * The fraction of hidden units whose weights and bias get a gradient of exactly 0 from a
#   full-batch backward pass: the units gradient descent cannot move.
# * The training loss.
from gradlab import fit, losses
from gradlab.diagnostics import dead_fraction, layer_outputs


def switched_off(net, X):
    """dead_fraction for ReLU; the same criterion, computed by hand, for
    Leaky ReLU."""
    if net[1].name == "relu":
        return float(dead_fraction(net, X)[0])
    hidden = layer_outputs(net, X)[1]  # output of the hidden activation
    return float(np.mean(np.all(hidden <= 0, axis=0)))


def no_gradient(net, X, y):
    net.zero_grad()
    out = net.forward(X)
    net.backward(losses.get(LOSS).derivative(out, y))
    # one column per hidden unit
    grads = np.vstack([net[0].W.grad, net[0].b.grad])
    return float(np.mean(np.all(grads == 0, axis=0)))


def run(net, X, y, optimizer, lr, epochs=200):
    """Train ``net`` one epoch at a time, measuring before the first epoch
    and after each."""
    opt = optimizer(net.parameters(), lr=lr)
    trace = {
        "off": [switched_off(net, X)],
        "no_grad": [no_gradient(net, X, y)],
        "loss": [],
    }
    for _ in range(epochs):
        history = fit(net, X, y, opt, loss=LOSS, epochs=1)
        trace["loss"].append(history.loss[-1])
        trace["off"].append(switched_off(net, X))
        trace["no_grad"].append(no_gradient(net, X, y))
    return {key: np.asarray(values) for key, values in trace.items()}


runs = {}
for scenario, setting in SCENARIOS.items():
    for activation in ("relu", "leaky_relu"):
        net = hidden_net(activation, setting["bias"])
        optimizer, lr = setting["optimizer"], setting["lr"]
        runs[scenario, activation] = run(net, X, y, optimizer, lr)

print(f"{'':31} {'switched off':>13} {'no gradient':>13} {'final':>10}")
print(f"{'':31} {'start':>6} {'end':>6} {'end':>13} {'loss':>10}")
for (scenario, activation), trace in runs.items():
    start, end = trace["off"][0], trace["off"][-1]
    frozen, loss = trace["no_grad"][-1], trace["loss"][-1]
    print(f"{scenario:<20} {activation:<10}", end=" ")
    print(f"{start:>6.1%} {end:>6.1%} {frozen:>13.1%} {loss:>10.3g}")

# %%
# Plot the three measurements
# ---------------------------
# Color marks the way units were killed, line style the activation (solid ReLU, dashed Leaky
# ReLU). Epoch 0 is the network at initialization. The first figure follows the switched-off
# (for ReLU: dead) units; the second the units that get no gradient, and the loss. For ReLU
# the upper panel of the second figure repeats the first figure exactly: a unit gets no
# gradient exactly when it is dead. Even right after the overshoot,
# when some logits are so large that :math:`\sigma(\text{logit})` rounds to 1, the loss's
# derivative for those samples is not 0: gradlab computes it as :math:`-\sigma(-\text{logit})`
# for a positive target, a tiny number rather than the difference :math:`\sigma - 1`, which
# rounds to exactly 0 and would switch off, for an epoch, the living units only those samples
# activate.
import matplotlib.pyplot as plt

NAMES = {"relu": "ReLU", "leaky_relu": "Leaky ReLU"}


def plot_runs(ax, key):
    """One measurement of the four runs against the epoch."""
    start = 1 if key == "loss" else 0  # the loss is recorded after each epoch
    for i, (scenario, setting) in enumerate(SCENARIOS.items()):
        for activation, style in (("relu", "-"), ("leaky_relu", "--")):
            values = runs[scenario, activation][key]
            epochs = np.arange(start, start + len(values))
            # symbols and names only: the figures are shown in two languages
            label = (
                f"{NAMES[activation]}, {setting['optimizer'].__name__}, "
                rf"$b = {setting['bias']:g}$, $\eta = {setting['lr']:g}$"
            )
            ax.plot(epochs, values, style, color=f"C{i}", label=label)
    ax.grid(alpha=0.3)


# sphinx_gallery_thumbnail_number = 1
fig, ax = plt.subplots(
    figsize=(7, 4),
    num=(
        "Share of the 32 hidden units switched off against epoch, ReLU solid "
        "and Leaky ReLU dashed, with a large negative bias or a large "
        "learning rate: dead ReLU units stay dead, while the Leaky ReLU "
        "units switched off by the bias come back on."
    ),
)
plot_runs(ax, "off")
ax.set(ylim=(-0.03, 1.03), xlabel="$t$")
ax.set_ylabel(r"$\#\{j: h_j \leq 0\ \forall x\}\ /\ 32$")
fig.legend(loc="outside lower center", ncols=2)

fig, (ax_grad, ax_loss) = plt.subplots(
    2,
    1,
    figsize=(7, 6.5),
    sharex=True,
    num=(
        "Share of hidden units with no gradient (top) and the training loss "
        "on a log scale (bottom) against epoch for the same four runs: Leaky "
        "ReLU units never lose their gradient, and with the negative bias "
        "the ReLU network's loss stays several times higher."
    ),
)
plot_runs(ax_grad, "no_grad")
ax_grad.set(ylim=(-0.03, 1.03))
ax_grad.set_ylabel(r"$\#\{j: \partial L / \partial w_j = 0\}\ /\ 32$")
ax_grad.text(100, 0.05, "Leaky ReLU: 0", ha="center")
plot_runs(ax_loss, "loss")
ax_loss.set(yscale="log", xlabel="$t$", ylabel="$L$")
handles, labels = ax_loss.get_legend_handles_labels()
fig.legend(handles, labels, loc="outside lower center", ncols=2)
plt.show()

# %%
# Interpretation
# --------------
# With the biases at :math:`-4`, about four in five units start negative on every sample.
# For ReLU these are dead from the first step: their gradient is exactly 0, Adam's moment
# estimates for them start at 0 and only ever see zeros, so they never move, and a few more
# die early on. The remaining tenth of the units must fit the moons alone, and the loss
# stays about five times higher than with Leaky ReLU. The Leaky ReLU network starts with the
# same units switched off, but each still receives a gradient (0.01 times what it would get
# with a positive input); Adam divides every step by the gradient's running magnitude, so
# that small gradient moves the biases as fast as a large one would, and the units come back
# on: after 200 epochs almost all of them are active.
#
# The large learning rate kills units the other way. Its first steps overshoot (the loss jumps
# above 1) and throw the weights and biases of over two thirds of the ReLU units to where the
# unit is negative for every sample. Plain gradient descent has no momentum, so those units
# stay exactly where they landed, for good; the third that survives still fits the moons. The
# Leaky ReLU units are thrown there too and, with a step 100 times smaller than a ReLU's would
# be, come back only slowly, but none of them is ever frozen (their no-gradient line stays at
# 0).
# Dead units are a matter of initialization and step size as much as of the activation; Leaky
# ReLU and ELU make them impossible at the cost of a small slope for negative inputs.
