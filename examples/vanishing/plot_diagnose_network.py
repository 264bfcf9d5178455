r"""
=====================================================
Diagnose a network: its gradient flow in one report
=====================================================

The course measures the vanishing gradient (기울기 소실) by hand: one backward pass, then
:math:`\|\partial L/\partial W^{(l)}\|` layer by layer, the share of saturated sigmoid units,
the share of dead ReLU units. :func:`gradlab.diagnostics.diagnose` does all of it in one call
and says what it sees. It runs one forward and one backward pass on a batch, takes no
optimizer step, leaves the network exactly as it was, and returns a
:class:`~gradlab.report.GradientReport`: one row per layer in the order the forward pass runs,
the ratio

.. math:: r = \frac{\|\partial L/\partial W^{(1)}\|}{\|\partial L/\partial W^{(L)}\|}

of the first weighted layer's gradient norm to the last one's (far below 1: vanishing; far
above: exploding), and warnings in plain words. We diagnose three networks on the 8x8 digits:
the course's deep sigmoid network, the same network with ReLU and He's initialization, and a
ReLU network with most units of one layer killed by a negative bias. For a PyTorch model the same
report comes from :func:`gradlab.torch.diagnose`. Course chapter: :ref:`course-vanishing`.
"""

# %%
# The deep sigmoid network
# ------------------------
#
# The chapter's network: 64 inputs, eight hidden sigmoid layers of 32 units, 10 outputs with
# the softmax cross-entropy, Xavier-uniform weights (:func:`gradlab.layers.mlp`). One call on
# 500 digits; printing the report gives its table and its warnings. The columns: the norm of
# the weight gradient :math:`\|\partial L/\partial W\|`, the standard deviation of the weights
# as a multiple of the one Xavier or He would give for the layer's fan-in (``W std/init``),
# the standard deviation of the layer's output, the norm of the gradient reaching that
# output, and the share of saturated units (of dead ones in a ReLU network).
# ``sigmoid_report.to_text(full=True)`` adds the weight norm :math:`\|W\|`, the gradient
# step relative to it and the other columns of the notebook's HTML table.
from gradlab import diagnostics, mlp
from gradlab.datasets import load_digits

SIZES = [64, *[32] * 8, 10]


def digits_report(activation="sigmoid", init="xavier_uniform", dead_layer=None, bias=0.0):
    """The report of a fresh network on 500 digits; ``bias`` goes to Dense ``dead_layer``."""
    X, Y, _ = load_digits(500)
    net = mlp(SIZES, activation=activation, init=init, rng=0)
    if dead_layer is not None:
        net[dead_layer].b.value[:] = bias
    return diagnostics.diagnose(net, X, Y, loss="cross_entropy")


sigmoid_report = digits_report()
print(sigmoid_report)

# %%
# The picture
# -----------
#
# :meth:`~gradlab.report.GradientReport.plot` draws the weight-gradient norms on a log scale
# (top) with the band where the vanishing warning starts, :math:`r < 10^{-2}` relative to the
# last layer, and the share of saturated outputs of each sigmoid layer (bottom), with the
# threshold of the saturation warning.
axes = sigmoid_report.plot()
axes[0].set_title("sigmoid, Xavier")
axes[0].figure.set_label(
    "Gradient report of the deep sigmoid network with Xavier weights: the "
    "weight-gradient norm of each layer on a log scale (top), falling about "
    "fourfold per layer toward the input, deep into the vanishing band, and "
    "the share of saturated outputs of each sigmoid layer (bottom), zero in "
    "every layer."
)

# %%
# ReLU and He's initialization
# ----------------------------
#
# The cure of the chapter, measured the same way: the report has no warning, and the first
# layer's gradient is of the same size as the last one's.
relu_report = digits_report("relu", "he_normal")
print(f"sigmoid, Xavier: r = {sigmoid_report.first_to_last:.3g}")
print(f"ReLU, He:        r = {relu_report.first_to_last:.3g}")
print("warnings:", relu_report.warnings or "none")

# %%
# A layer killed by its bias
# --------------------------
#
# A ReLU unit whose input is negative for every sample is dead: it outputs 0 and passes no
# gradient. Setting every bias of the fourth Dense layer (index 6) to :math:`-1` kills most
# of the units after it; the report names the layer and the share.
dead_report = digits_report("relu", "he_normal", dead_layer=6, bias=-1.0)
for warning in dead_report.warnings:
    print(warning)
axes = dead_report.plot()
axes[0].set_title("ReLU, He; 6: $b = -1$")  # layer 6's biases
axes[0].figure.set_label(
    "Gradient report of the ReLU network with He weights and every bias of "
    "its fourth Dense layer at -1: the weight-gradient norm of each layer on "
    "a log scale (top), and the share of dead units of each ReLU layer "
    "(bottom): most units of the layer after those biases are dead, far "
    "above the warning threshold, and a few in every other layer."
)

# %%
# Interpretation
# --------------
#
# * In the sigmoid network the first layer's gradient is about :math:`2 \times 10^{-5}` of the
#   last one's, and the report says so in one sentence; the per-layer table shows where it is
#   lost: every sigmoid layer divides the gradient reaching its output by about 4, as
#   :math:`\sigma' \le 1/4` predicts, while the weights stay at Xavier's size.
# * ReLU with He's weights keeps :math:`r` of order 1: nothing to warn about.
# * The negative bias leaves most units of layer 7 dead, and the report counts them (the
#   other layers have a few dead units too, below the warning threshold of one half). A layer
#   dead as a whole would also zero every weight gradient below it, and the report would say
#   that those gradients are exactly 0.
# * The report sees layers, not functions: in PyTorch an activation called as a function
#   inside ``forward`` (``torch.relu(x)``) has no row, so its dead units cannot be counted.
