r"""
=============================================================
Underflow: when a vanishing gradient becomes exactly zero
=============================================================

A vanishing gradient (기울기 소실) is small, but in floating point it can become exactly
zero. The lecture (Kapur's essay in translation) puts it this way: when the 기울기 becomes
too small, the computer can no longer represent the number; this is called underflow
(언더플로), the opposite of overflow (오버플로). IEEE float32 represents magnitudes down to
:math:`1.2 \times 10^{-38}` with full precision and, with fewer and fewer digits
("subnormal" numbers), down to :math:`1.4 \times 10^{-45}`; anything smaller rounds to 0.
float64 reaches :math:`2.2 \times 10^{-308}` and :math:`4.9 \times 10^{-324}`.

We back-propagate through a deep chain of sigmoid units (one unit per layer:
:class:`gradlab.layers.Dense` layers of shape 1x1 with ``dtype=np.float32`` or
``np.float64``) and find, for each dtype, how many layers it takes until the gradient of a
weight is exactly 0.
Course chapters: :ref:`course-gradient-descent` and :ref:`course-vanishing`.
"""

# %%
# A chain that loses the same factor in every layer
# -------------------------------------------------
#
# With every weight 1 and every bias 0 the chain is :math:`a_l = \sigma(a_{l-1})`. Its input
# is the fixed point :math:`a^* = \sigma(a^*) \approx 0.659`, so every unit sees the same
# :math:`z = a^*` and every layer multiplies the gradient by the same factor
# :math:`r = \sigma'(a^*) = a^*(1 - a^*) \approx 0.225`. With the error
# :math:`J = \tfrac12 (a_L - y)^2` and :math:`y = 0`, the weight :math:`k` layers below the
# output has the gradient
#
# .. math:: \Big|\frac{\partial J}{\partial w}\Big| = a^* \cdot a^* \cdot r^{\,k}.
#
# We read it from every layer after one backward pass through 600 layers, in each dtype.
import numpy as np

from gradlab import Activation, Dense, Sequential, diagnostics, losses
from gradlab.activations import sigmoid
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi


def sigmoid_chain(weights, biases, dtype):
    """Deep narrow net: one sigmoid unit per layer, with the given weights
    and biases of its Dense(1, 1) layers."""
    layers = []
    for w, b in zip(weights, biases, strict=True):
        dense = Dense(1, 1, init="zeros", dtype=dtype)
        dense.W.value[:] = w
        dense.b.value[:] = b
        layers += [dense, Activation("sigmoid")]
    return Sequential(*layers)


def gradients_by_distance(net, x, y=0.0):
    """|dJ/dw| of every layer, ordered by k = 1, 2, ... sigmoid layers
    below the output."""
    dtype = net[0].W.value.dtype
    out = net.forward(np.full((1, 1), x, dtype=dtype))
    target = np.full((1, 1), y, dtype=dtype)
    net.backward(losses.squared_error.derivative(out, target))
    dense = diagnostics.dense_layers(net)
    return np.array([abs(layer.W.grad.item()) for layer in dense])[::-1]


def zero_depth(grads):
    """The k from which on every gradient is exactly 0 (None if none is)."""
    nonzero = np.flatnonzero(grads)
    return None if nonzero[-1] == len(grads) - 1 else int(nonzero[-1]) + 2


def fixed_point():
    """a* = sigmoid(a*), by iterating the sigmoid."""
    a = 0.5
    for _ in range(100):
        a = float(sigmoid(a))
    return a


def fixed_point_chain(dtype, depth=600):
    """Gradients by distance in the chain a_l = sigmoid(a_(l-1)), started
    at its fixed point."""
    net = sigmoid_chain(np.ones(depth), np.zeros(depth), dtype)
    return gradients_by_distance(net, fixed_point())


def predicted_depths(dtype):
    """First k where a*^2 r^k is below the smallest normal number, and
    below half the smallest subnormal (rounds to 0)."""
    a_star = fixed_point()
    log_r = np.log(a_star * (1 - a_star))
    log_grad = np.log(a_star**2) + np.arange(1, 2000) * log_r
    info = np.finfo(dtype)
    log_normal = np.log(info.smallest_normal)
    log_half_subnormal = np.log(info.smallest_subnormal) - np.log(2)
    subnormal = int(np.argmax(log_grad < log_normal)) + 1
    zero = int(np.argmax(log_grad < log_half_subnormal)) + 1
    return subnormal, zero


fixed = {dtype: fixed_point_chain(dtype) for dtype in (np.float32, np.float64)}
for dtype, grads in fixed.items():
    subnormal, zero = predicted_depths(dtype)
    name = np.dtype(dtype).name
    measured = zero_depth(grads)
    print(f"{name}: exactly 0 from k = {measured} (predicted {zero}),")
    print(f"  subnormal, with lost digits, from k = {subnormal}")
ratio = zero_depth(fixed[np.float64]) / zero_depth(fixed[np.float32])
print(f"float64 keeps a nonzero gradient {ratio:.1f} times deeper")

# %%
# Where each dtype reaches zero
# -----------------------------
#
# The gradient of each weight against its distance from the output, on a log scale. The
# dotted lines are the smallest normal and the smallest subnormal number of each dtype;
# where a curve stops, the gradient is exactly 0 (which a log scale cannot show).
# Up to about 70 layers the two dtypes agree, so float32 is drawn dashed, with
# markers, on top of float64.
import matplotlib.pyplot as plt

# sphinx_gallery_thumbnail_number = 1
dashed = {"ls": "--", "marker": "o", "ms": 4, "markevery": 5}
styles = {
    np.float64: {"color": "C0", "lw": 3, "zorder": 2},
    np.float32: {"color": "C1", "zorder": 3, **dashed},
}
fig, ax = plt.subplots(
    figsize=(7, 4),
    num=(
        "Gradient of each weight of a 600-layer sigmoid chain at its fixed "
        "point against its distance k from the output, log scale, in float64 "
        "and float32: both fall by the same factor per layer until they "
        "become exactly zero, float32 after about 70 layers, float64 after "
        "about 500, past their smallest numbers (dotted)."
    ),
)
for dtype in (np.float64, np.float32):
    grads = fixed[dtype]
    k = np.arange(1, len(grads) + 1)
    name = np.dtype(dtype).name
    kept = grads > 0  # a log scale cannot show 0
    (line,) = ax.plot(k[kept], grads[kept], label=name, **styles[dtype])
    info = np.finfo(dtype)
    for level in (info.smallest_normal, info.smallest_subnormal):
        ax.axhline(level, color=line.get_color(), ls=":", lw=1)
    ax.axvline(zero_depth(grads), color=line.get_color(), ls="--", lw=1)
ax.set_yscale("log")
ax.set_yticks(10.0 ** np.arange(-300, 1, 50))
# symbols and names only: the figures are shown in two languages
ax.set_xlabel("$k$")
ax.set_ylabel(r"$|\partial J / \partial w|$")
ax.set_title(r"$w_l = 1$: $\propto 0.225^k$")
ax.legend()

# %%
# Lost digits before the zero
# ---------------------------
#
# What happens before the exact zero: the relative error of the float32 gradient, taking
# float64 as exact. While the values are normal numbers it grows slowly, by about one
# rounding error (:math:`10^{-7}`) per layer; once they turn subnormal it grows by orders of
# magnitude within a dozen layers, up to 100 % at the zero.
with np.errstate(divide="ignore", invalid="ignore"):
    rel_error = np.abs(fixed[np.float32] / fixed[np.float64] - 1)
k32 = np.arange(1, zero_depth(fixed[np.float32]) + 5)
subnormal32, zero32 = predicted_depths(np.float32)
fig, ax_err = plt.subplots(
    figsize=(7, 3.5),
    num=(
        "Relative error of the float32 gradient, float64 taken as exact, "
        "against the distance k from the output, log scale: it grows slowly "
        "while the values are normal numbers, and by orders of magnitude "
        "once they turn subnormal (dotted), up to 100 % at the zero."
    ),
)
ax_err.plot(k32, np.maximum(rel_error[k32 - 1], 1e-9), "o-", ms=3)
below = r"float32: $|\partial J / \partial w| < 2^{-126}$"  # subnormal
ax_err.axvline(subnormal32, color="k", ls=":", label=below)
ax_err.set_yscale("log")
ax_err.set_xlabel("$k$")
ax_err.set_ylabel(r"$|g_\mathrm{float32} / g_\mathrm{float64} - 1|$")
ax_err.legend()
last_normal, last_nonzero = subnormal32 - 1, zero32 - 1
print("float32 relative error:")
error_normal = rel_error[last_normal - 1]
error_nonzero = rel_error[last_nonzero - 1]
print(f"  {error_normal:.3g} at k = {last_normal} (last normal number)")
print(f"  {error_nonzero:.3g} at k = {last_nonzero} (last nonzero)")

# %%
# Random chains
# -------------
#
# The fixed point is a tidy special case. With weights and biases drawn from
# :math:`N(0, 1)`, as in :ref:`sphx_glr_auto_examples_vanishing_plot_sigmoid_chain.py`, the
# factor per layer is typically about 0.1, and the gradient reaches 0 sooner. We run 30
# random chains of 400 layers (input :math:`x = 1`) in both dtypes. A single weight's
# gradient can round to 0 a little earlier than the ones below it (it is
# :math:`a_{l-1}\,\delta_l`, and :math:`a_{l-1}` may be small), so we record the depth from
# which *every* gradient is 0.


def random_chain_depths(n_chains=30, depth=400):
    """Zero depths of random N(0, 1) chains: {dtype: n_chains depths}."""
    depths = {np.float32: [], np.float64: []}
    for seed in range(n_chains):
        rng = np.random.default_rng(seed)
        weights, biases = rng.normal(size=depth), rng.normal(size=depth)
        for dtype, found in depths.items():
            net = sigmoid_chain(weights, biases, dtype)
            found.append(zero_depth(gradients_by_distance(net, 1.0)))
    return {dtype: np.array(found) for dtype, found in depths.items()}


random_depths = random_chain_depths()
for dtype, found in random_depths.items():
    name = np.dtype(dtype).name
    low, high, median = found.min(), found.max(), np.median(found)
    print(f"{name}: exactly 0 from k = {low} to {high} (median {median:.0f})")

fig, ax = plt.subplots(
    figsize=(7, 3.5),
    num=(
        "Histograms of the depth from which every gradient is exactly zero "
        "for 30 random sigmoid chains with N(0, 1) weights and biases, in "
        "float32 and float64: float32 reaches zero after 40 to 52 layers, "
        "float64 about seven times deeper."
    ),
)
for dtype, found in random_depths.items():
    bins = np.arange(found.min() - found.min() % 5, found.max() + 5, 5)
    ax.hist(found, bins=bins, label=np.dtype(dtype).name)
zero_from = r"$\min\,\{k_0 : \partial J / \partial w_k = 0"
zero_from += r"\ \forall k \geq k_0\}$"
ax.set_xlabel(zero_from)
ax.set_ylabel("$n$")  # chains
ax.set_title(r"sigmoid, $w_l, b_l \sim N(0, 1)$")
ax.legend()

# %%
# Lower precision
# ---------------
#
# The smallest positive number of each dtype: float16, used to train large networks fast,
# underflows far sooner than float32. That is why such training multiplies the loss by a
# large factor before the backward pass ("loss scaling").
for dtype in (np.float16, np.float32, np.float64):
    info = np.finfo(dtype)
    print(
        f"{info.dtype.name}: smallest normal {info.smallest_normal:.3g},",
        f"smallest subnormal {info.smallest_subnormal:.3g}",
    )

# %%
# Interpretation
# --------------
#
# In float32 a sigmoid chain's gradient is exactly 0 after about 70 layers in the most
# favorable case (every weight 1) and after 40 to 52 layers with random weights; float64
# holds out about seven times longer, to about 500 and about 300 layers. Before the exact
# zero comes a stretch of subnormal numbers in which the gradient has fewer and fewer correct
# digits. And a zero gradient is final: gradient descent (경사하강법) cannot move a weight
# whose gradient is 0, however long it runs. The remedy for the cause, keeping the per-layer
# factor near 1, is the subject of :ref:`course-initialization`.
