r"""
=====================================
Without a nonlinearity, depth is lost
=====================================

A layer without an :term:`activation function` (활성화 함수) is an affine map,
:math:`h \mapsto hW + b`, and a composition of affine maps is again one affine map:

.. math::

    ((x W_1 + b_1) W_2 + b_2) W_3 \cdots = x \,\underbrace{W_1 W_2 W_3 W_4}_{W} + b .

However many such layers a network has, it can only draw a straight line through its input
space. This example trains a four-layer network with the identity as activation and the same
network with ReLU between the layers on two concentric circles, checks numerically that the
first one *is* a single matrix, and shows that only the second one separates the classes. It
illustrates why :ref:`course-learning` insists that activations be nonlinear.
"""

# %%
# Two classes no straight line can separate
# -----------------------------------------
# :func:`gradlab.datasets.make_circles` draws an inner and an outer ring of points (400 in
# all, with a little noise, seeded). Class 1 is the inner ring.
from gradlab.datasets import make_circles
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi


def circles():
    """The 400 points X and their classes y as a column of 0.0 and 1.0."""
    X, labels = make_circles(n_samples=400, noise=0.1, factor=0.5, seed=0)
    return X, labels.reshape(-1, 1).astype(float)


X, y = circles()

# %%
# Train a linear and a nonlinear network
# --------------------------------------
# Both networks have four :class:`~gradlab.Dense` layers of sizes 2-16-16-16-1, built by
# :func:`gradlab.mlp` from the same seed; they differ only in the activation between the
# layers: ``"identity"`` or ``"relu"``. The single output is a logit, trained with
# :data:`~gradlab.losses.binary_cross_entropy_with_logits` by :func:`gradlab.fit` and
# :class:`gradlab.optim.Adam` (learning rate 0.01, 300 full-batch epochs). A point is
# classified as 1 where the logit is positive.
import numpy as np

from gradlab import fit, mlp, optim


def train(activation, X, y):
    net = mlp([2, 16, 16, 16, 1], activation=activation, rng=0)
    fit(
        net,
        X,
        y,
        optim.Adam(net.parameters(), lr=0.01),
        loss="binary_cross_entropy_with_logits",
        epochs=300,
    )
    return net


def accuracy(net, X, y):
    return float(np.mean((net.forward(X) > 0) == (y > 0)))


linear, nonlinear = train("identity", X, y), train("relu", X, y)
print("training accuracy with, between the layers,")
print(f"  the identity: {accuracy(linear, X, y):.1%}")
print(f"  ReLU:         {accuracy(nonlinear, X, y):.1%}")

# %%
# Four linear layers are one matrix
# ---------------------------------
# Fold the trained layers into one affine map, :math:`W = W_1 W_2 W_3 W_4` and
# :math:`b = ((b_1 W_2 + b_2) W_3 + b_3) W_4 + b_4`, and compare its output with the network's
# on every training point. The difference is rounding error. The same folding applied to the
# ReLU network (ignoring its activations) misses by a wide margin: there the activations are
# what the network computes.
from gradlab.diagnostics import dense_layers


def fold(net):
    W, b = np.eye(2), np.zeros(2)
    for layer in dense_layers(net):
        W, b = W @ layer.W.value, b @ layer.W.value + layer.b.value
    return W, b


W, b = fold(linear)
gap_linear = np.max(np.abs(linear.forward(X) - (X @ W + b)))
W_relu, b_relu = fold(nonlinear)
gap_relu = np.max(np.abs(nonlinear.forward(X) - (X @ W_relu + b_relu)))
with np.printoptions(formatter={"float": "{:.3g}".format}):
    print(f"the linear network is x @ W + b, W = {W.ravel()}, b = {b}")
print("largest |network - x @ W - b| over the 400 points:")
print(f"  {gap_linear:.2g} for the linear network")
print(f"  {gap_relu:.3g} for the ReLU network folded the same way")

# %%
# Decision boundaries side by side
# --------------------------------
# The shading is the predicted probability :math:`\sigma(\text{logit})` on a grid, the black
# curve its 0.5 contour (the decision boundary). For the linear network the dashed orange line
# is where the folded map :math:`xW + b` is 0: it lies exactly on the boundary, a straight line
# that cuts both rings in half. Its weights are tiny, so the predicted probability stays close
# to 0.5 everywhere: the best a line can do here is not to commit.
import matplotlib.pyplot as plt

from gradlab.activations import sigmoid

GRID = np.linspace(-1.6, 1.6, 201)


def probability_map(net):
    """The predicted probability sigmoid(logit) at every point of the
    GRID x GRID square."""
    gx, gy = np.meshgrid(GRID, GRID)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    return sigmoid(net.forward(points)).reshape(gx.shape)


gx, gy = np.meshgrid(GRID, GRID)
fig, axes = plt.subplots(
    1,
    2,
    figsize=(7, 3.6),
    sharey=True,
    num=(
        "Predicted probability of the inner class over the plane, with the "
        "two rings of training points, for the network without a "
        "nonlinearity (left) and with ReLU (right): the linear network's "
        "boundary is a straight line through both rings, the ReLU network's "
        "closes around the inner ring."
    ),
)
levels = np.linspace(0, 1, 11)
nets = {"$f(z) = z$": linear, "ReLU": nonlinear}  # the activation between
for ax, (name, net) in zip(axes, nets.items(), strict=True):
    prob = probability_map(net)
    shade = ax.contourf(gx, gy, prob, levels, cmap="RdBu_r", alpha=0.6)
    ax.contour(gx, gy, prob, levels=[0.5], colors="k", linewidths=1.5)
    ax.scatter(
        *X.T,
        c=y.ravel(),
        cmap="RdBu_r",
        edgecolors="k",
        linewidths=0.4,
        s=14,
    )
    ax.set(
        title=f"{name}: {accuracy(net, X, y):.0%}",
        xlabel="$x_1$",
        aspect="equal",
        xlim=(-1.6, 1.6),
        ylim=(-1.6, 1.6),
    )
line = -(b[0] + W[0, 0] * GRID) / W[1, 0]  # the x_2 where x W + b = 0
axes[0].plot(GRID, line, "--", color="C1", linewidth=2, label="$xW + b = 0$")
axes[0].legend(loc="lower left")
axes[0].set_ylabel("$x_2$")
fig.colorbar(shade, ax=axes, label=r"$P(y = 1 \mid x)$")
plt.show()

# %%
# Interpretation
# --------------
# Stacking linear layers adds parameters but no expressive power: the trained four-layer
# identity network equals :math:`xW + b` with one :math:`2 \times 1` matrix up to rounding
# error, and like any linear classifier it gets about half of the points right, no better than
# guessing. Put a ReLU between the same layers and the network bends its
# boundary around the inner ring and classifies every training point correctly. The
# nonlinearity is what makes depth worth having; its derivative is what backpropagation then
# has to pass through (:ref:`sphx_glr_auto_examples_activations_plot_activation_derivatives.py`).
