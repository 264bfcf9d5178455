r"""
=================================================
The lecture's 2-2-1 network, one step by hand
=================================================

The lectures work one step of :term:`stochastic gradient descent` (확률적 경사하강법) through a
small sigmoid network by hand: two inputs, two hidden units, one output, no biases, weights
:math:`w^{(1)} = (0.3, 0.4, 0.2, 0.1)` and :math:`w^{(2)} = (0.1, 0.2)`, the first training
point :math:`(x_1, x_2) = (1, 1)` with target :math:`y = 1`, the error
:math:`E = \tfrac12 (y - \hat y)^2` and the :term:`learning rate` (학습률) :math:`\eta = 0.01`.
This example runs the same step with gradlab, draws the network with every forward value,
every gradient and every updated weight on it, prints them to full precision, and notes where
the lecture's hand-rounded figures differ from the exact ones. The formulas are derived in
:ref:`course-backprop`.
"""

# %%
# Forward pass
# ------------
# :func:`gradlab.datasets.lecture_network` builds the network with the lecture's weights
# (:math:`w^{(1)}_{i,j}` joins input :math:`i` to hidden unit :math:`j`, stored as
# ``W[i - 1, j - 1]``) and :func:`~gradlab.datasets.lecture_network_data` returns the two
# training points. :func:`gradlab.diagnostics.layer_outputs` returns the output of every layer:
# the hidden pre-activations :math:`Z`, the hidden outputs :math:`h = \sigma(Z)`, the output's
# :math:`Z_\text{out}` and :math:`\hat y = \sigma(Z_\text{out})`.
from gradlab import losses, optim
from gradlab.datasets import lecture_network, lecture_network_data
from gradlab.diagnostics import layer_outputs
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi


def forward_pass(net, x, target):
    """The outputs of the four layers for ``x`` (Z, h, Z_out, y_hat) and
    the error E."""
    Z_hidden, h, Z_out, y_hat = layer_outputs(net, x)
    return Z_hidden, h, Z_out, y_hat, losses.squared_error(y_hat, target)


net = lecture_network()
X, Y = lecture_network_data()
x, target = X[:1], Y[:1]  # the first data point: (1, 1) -> 1
Z_hidden, h, Z_out, y_hat, E = forward_pass(net, x, target)

# %%
# Backward pass and one SGD step
# ------------------------------
# :data:`~gradlab.losses.squared_error` supplies :math:`\partial E/\partial \hat y = \hat y - y`,
# :meth:`Sequential.backward <gradlab.Sequential.backward>` carries it back through both layers
# into each weight's ``grad``, and :class:`gradlab.optim.SGD` applies
# :math:`w \leftarrow w - \eta\, \partial E/\partial w`.


def sgd_step(net, x, target, lr=0.01):
    """Backward pass for one point and one SGD step; returns dE/dW1 and
    dE/dW2."""
    net.zero_grad()
    net.backward(losses.squared_error.derivative(net.forward(x), target))
    gradients = net[0].W.grad.copy(), net[2].W.grad.copy()
    optim.SGD(net.parameters(), lr=lr).step()
    return gradients


W1_old, W2_old = net[0].W.value.copy(), net[2].W.value.copy()
dW1, dW2 = sgd_step(net, x, target)
W1_new, W2_new = net[0].W.value, net[2].W.value

# %%
# Every number, to full precision
# -------------------------------
# ``repr`` of a float prints the shortest decimal that reads back as the same double, so these
# are the exact values gradlab computed (17 significant digits at most).
rows = {
    "Z_1,hidden": Z_hidden[0, 0],
    "Z_2,hidden": Z_hidden[0, 1],
    "h_1": h[0, 0],
    "h_2": h[0, 1],
    "Z_out": Z_out[0, 0],
    "y_hat": y_hat[0, 0],
    "E": E,
}
for i in (1, 2):
    for j in (1, 2):
        rows[f"dE/dw1_{i}{j}"] = dW1[i - 1, j - 1]
for j in (1, 2):
    rows[f"dE/dw2_{j}1"] = dW2[j - 1, 0]
for i in (1, 2):
    for j in (1, 2):
        old = W1_old[i - 1, j - 1]
        rows[f"w1_{i}{j}: {old} ->"] = W1_new[i - 1, j - 1]
for j in (1, 2):
    rows[f"w2_{j}1: {W2_old[j - 1, 0]} ->"] = W2_new[j - 1, 0]
for name, value in rows.items():
    print(f"{name:>18}  {float(value)!r}")

# %%
# Where the lecture rounded
# -------------------------
# The lecture computes with three-digit intermediate values, which is fine for following the
# steps but shifts the later digits, and one of its updated weights has a misplaced digit:
#
# * :math:`\hat y \approx 0.547` and :math:`E \approx 0.103` are the exact values rounded.
# * :math:`\partial E/\partial w^{(2)}_{1,1} = -0.0698` comes from multiplying the rounded
#   0.622, 0.547 and 0.453; the exact value is :math:`-0.06995\ldots`, and the updated weight
#   :math:`0.10069` (the lecture truncates) is exactly :math:`0.1006995\ldots`.
# * :math:`\partial E/\partial w^{(1)}_{1,1} = -0.00264` is right to the digits shown, but the
#   update :math:`0.3 - 0.01 \cdot (-0.00264)` is :math:`0.3000264`, not the lecture's
#   :math:`0.30026`: the step is :math:`2.64 \times 10^{-5}`, not :math:`2.6 \times 10^{-4}`.
#
# (The lecture also writes :math:`Z_\text{out} = w^{(2)}_{1,1} h_1 + w^{(2)}_{2,1} h_1` with
# :math:`h_1` twice; the second should be :math:`h_2`, which here has the same value.)
for name, lecture, exact in [
    ("y_hat", "0.547", y_hat[0, 0]),
    ("E", "0.103", E),
    ("dE/dw2_11", "-0.0698", dW2[0, 0]),
    ("w2_11 new", "0.10069", W2_new[0, 0]),
    ("dE/dw1_11", "-0.00264", dW1[0, 0]),
    ("w1_11 new", "0.30026", W1_new[0, 0]),
]:
    print(f"{name:>10}: lecture {lecture:>9}   exact {exact:.10f}")

# %%
# Draw the network with every value on it
# ---------------------------------------
# Circles are units (inputs, hidden, output) showing their forward values; each edge carries
# its weight before and after the step and the gradient :math:`\partial E/\partial w` that
# moved it. The error :math:`E` sits beside the output.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle

RADIUS = 1.0
inputs = [np.array([0.0, 2.0]), np.array([0.0, -2.0])]
hidden = [np.array([5.0, 2.0]), np.array([5.0, -2.0])]
output = np.array([10.0, 0.0])
fig, ax = plt.subplots(
    figsize=(7, 4.2),
    num=(
        "The lecture's 2-2-1 sigmoid network after one SGD step on the input "
        "(1, 1) with target 1: each unit shows its forward values, each "
        "edge its weight before and after the step and its gradient, and "
        "the error E sits beside the output."
    ),
)
ARROW = {"arrowstyle": "->", "color": "0.4", "shrinkA": 0, "shrinkB": 0}
BOX = {"facecolor": "white", "edgecolor": "0.8", "boxstyle": "round,pad=0.3"}


def edge(start, end, name, old, new, grad, t):
    """Arrow from circle to circle, labelled at fraction t with the
    weight's story."""
    unit = (end - start) / np.linalg.norm(end - start)
    tip, tail = end - RADIUS * unit, start + RADIUS * unit
    ax.annotate("", xy=tip, xytext=tail, arrowprops=ARROW)
    ax.text(
        *(start + t * (end - start)),
        f"${name}$: {old:g} → {new:.7f}\n∂E/∂w = {grad:.6f}",
        ha="center",
        va="center",
        fontsize=8,
        bbox=BOX,
    )


for i, start in enumerate(inputs):
    for j, end in enumerate(hidden):
        name = rf"w^{{(1)}}_{{{i + 1},{j + 1}}}"
        t = 0.5 if i == j else 0.35  # keep the two crossing labels apart
        edge(start, end, name, W1_old[i, j], W1_new[i, j], dW1[i, j], t)
for j, start in enumerate(hidden):
    name = rf"w^{{(2)}}_{{{j + 1},1}}"
    edge(start, output, name, W2_old[j, 0], W2_new[j, 0], dW2[j, 0], t=0.5)

(Z_1, Z_2), (h_1, h_2) = Z_hidden[0], h[0]
units = [
    (inputs[0], f"$x_1$ = {x[0, 0]:g}", "#deebf7"),
    (inputs[1], f"$x_2$ = {x[0, 1]:g}", "#deebf7"),
    (hidden[0], f"$Z_1$ = {Z_1:g}\n$h_1$ = {h_1:.6f}", "#e5f5e0"),
    (hidden[1], f"$Z_2$ = {Z_2:g}\n$h_2$ = {h_2:.6f}", "#e5f5e0"),
    (
        output,
        f"$Z_{{out}}$ = {Z_out[0, 0]:.6f}\n$\\hat y$ = {y_hat[0, 0]:.6f}",
        "#fee6ce",
    ),
]
for center, text, color in units:
    ax.add_patch(Circle(center, RADIUS, facecolor=color, edgecolor="0.3"))
    ax.text(*center, text, ha="center", va="center", fontsize=8)
error = "\n".join(
    [
        f"$y$ = {target[0, 0]:g}",
        r"$E = \frac{1}{2}(y - \hat y)^2$",
        f"    = {E:.6f}",
    ]
)
ax.text(output[0], output[1] - 1.2, error, ha="center", va="top")
ax.set(xlim=(-1.1, 11.6), ylim=(-3.1, 3.1), aspect="equal")
ax.set_title(r"2-2-1, SGD, $\eta = 0.01$")  # symbols: shown in two languages
ax.axis("off")
plt.show()

# %%
# Interpretation
# --------------
# The two hidden units see the same input sum, :math:`Z = 0.5`, so :math:`h_1 = h_2`. The
# output's gradient :math:`\delta_\text{out} = (\hat y - y)\,\hat y (1 - \hat y) \approx -0.112`
# is shared by every weight: the output weights multiply it by :math:`h_j \approx 0.62`, the
# hidden weights by :math:`x_i\, h_j (1 - h_j)\, w^{(2)}_{j,1}`, which contains the sigmoid's
# derivative once more (at most :math:`1/4`) and a small output weight, so the first layer's
# gradients are more than ten times smaller than the second layer's: the
# :term:`vanishing gradient` (기울기 소실) already visible in a network two layers deep. All
# gradients are negative, so the step raises every weight, by :math:`7.0 \times 10^{-4}` at most.
# The same numbers come out of the chain rule by hand in :ref:`course-backprop`; how
# :mod:`gradlab.autodiff` organizes that chain rule is drawn in
# :ref:`sphx_glr_auto_examples_backpropagation_plot_computational_graph.py`.
