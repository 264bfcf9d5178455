r"""
=================================================
Vanishing gradients in a chain of sigmoid units
=================================================

The smallest network that shows the vanishing gradient (기울기 소실) is a chain of single
units, the one in Rohan Kapur's essay that the lectures translate and in Nielsen's chapter 5:
:math:`a_l = \sigma(z_l)` with :math:`z_l = w_l a_{l-1} + b_l`, input :math:`a_0 = x` and
error :math:`J = \tfrac12 (a_L - y)^2`. The chain rule (연쇄법칙) gives

.. math::

    \frac{\partial J}{\partial w_1} = (a_L - y)\,
    \Big[\prod_{l=2}^{L} w_l\, \sigma'(z_l)\Big]\, \sigma'(z_1)\, a_0 ,

one factor :math:`w_l \sigma'(z_l)` per layer. Because :math:`\sigma' \le 1/4`, with weights
drawn from :math:`N(0, 1)` (mostly :math:`|w| < 1`) each factor is usually far below
:math:`1/4`, so the gradient of the first weight typically shrinks even faster than
:math:`(1/4)^L`.
We measure it for thousands of random chains with :mod:`gradlab.autodiff`, then build
Nielsen's counter-example, a chain whose gradient explodes (기울기 폭발) instead, and see why
that needs :math:`|w| \ge 4`. The course chapter is :ref:`course-vanishing`.
"""

# %%
# One chain per array entry
# -------------------------
#
# A :class:`gradlab.autodiff.Tensor` holding a vector runs many independent chains at once:
# entry :math:`c` of every tensor belongs to chain :math:`c`, and since the chains never mix,
# the gradient of the summed error with respect to entry :math:`c` of :math:`w_1` is that
# chain's own :math:`\partial J/\partial w_1`. Weights and biases are drawn from
# :math:`N(0, 1)`, the "standard approach" of the essay (and Nielsen's biases); the input is
# :math:`x = 1` and the target :math:`y = 0`.
import numpy as np

from gradlab.autodiff import Tensor
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi


def chain_gradient(weights, biases, x=1.0, y=0.0):
    """|dJ/dw_1| of chains a_l = sigmoid(w_l a_(l-1) + b_l).

    Row l of ``weights`` and ``biases`` is layer l, column c is chain c.
    """
    w = [Tensor(row) for row in weights]
    a = Tensor(np.full(weights.shape[1], x))
    for w_l, b_l in zip(w, biases, strict=True):
        a = (w_l * a + b_l).sigmoid()
    (0.5 * (a - y) ** 2).sum().backward()
    return np.abs(w[0].grad)


def random_chains(depths=range(1, 31), n_chains=2000):
    """|dJ/dw_1| of n_chains random N(0, 1) chains per depth.

    Returns an array of shape (len(depths), n_chains).
    """
    grads = []
    for depth in depths:
        rng = np.random.default_rng(depth)
        shape = (depth, n_chains)
        weights = rng.normal(size=shape)
        biases = rng.normal(size=shape)
        grads.append(chain_gradient(weights, biases))
    return np.array(grads)


def decades_per_layer(depths, values):
    """Slope of the straight line fitted to log10(values) against depth."""
    return np.polyfit(depths, np.log10(values), 1)[0]


def share_above_quarter_power(depths, grads):
    """Per depth L, the share of chains whose |dJ/dw_1| lies above (1/4)^L."""
    return np.mean(grads > 0.25 ** depths[:, None], axis=1)


depths = np.arange(1, 31)
grads = random_chains(depths)
median = np.median(grads, axis=1)
slope = decades_per_layer(depths, median)
above = share_above_quarter_power(depths, grads)
print("median |dJ/dw1| at depth 1, 10, 30:")
print(f"  {median[0]:.3g}, {median[9]:.3g}, {median[29]:.3g}")
print(f"slope: {slope:.3f} decades per layer")
print(f"  a factor of {10**slope:.3f} per layer")
quarter = np.log10(0.25)
print(f"(1/4)^L falls by a factor of 0.25 per layer ({quarter:.3f} decades)")
print(f"largest share of chains above (1/4)^L: {above.max():.2%}")

# %%
# The gradient of the first weight against depth
# ----------------------------------------------
#
# The median over the 2,000 chains (line) and the band holding the middle 80 % of them,
# on a log scale, next to :math:`(1/4)^L`, the value for the most favorable chain with
# :math:`|w_l| = 1` and every :math:`z_l = 0`.
#
# Each layer multiplies the gradient by :math:`|w_l \sigma'(z_l)|`. The derivative
# :math:`\sigma'(z)` reaches :math:`1/4` only at :math:`z = 0` and is smaller everywhere else,
# and two thirds of :math:`N(0, 1)` weights have :math:`|w| < 1`: the typical factor is
# therefore well below :math:`1/4`, and the median gradient falls by about a factor of 10 per
# layer instead of 4. Only the rare chain with several large weights lies above the
# :math:`(1/4)^L` line.
import matplotlib.pyplot as plt

# sphinx_gallery_thumbnail_number = 1
low, high = np.percentile(grads, [10, 90], axis=1)
fig, ax = plt.subplots(
    figsize=(7, 4),
    num=(
        "Gradient of the first weight against the depth of a sigmoid chain "
        "with N(0, 1) weights and biases, log scale: the median over 2,000 "
        "chains, with a band for the middle 80 %, falls about tenfold per "
        "layer, faster than the dashed line of one quarter per layer."
    ),
)
# percentiles of the chains, symbols only: the figure is shown in two languages
ax.fill_between(depths, low, high, alpha=0.3, label="10 % – 90 %")
ax.plot(
    depths,
    median,
    marker="o",
    ms=3,
    label=rf"50 %: $\propto {10**slope:.2f}^L$",
)
ax.plot(depths, 0.25**depths, "k--", label=r"$(1/4)^L$")
ax.set_yscale("log")
ax.set_xlabel("$L$")
ax.set_ylabel(r"$|\partial J / \partial w_1|$")
ax.set_title(r"sigmoid, $w_l, b_l \sim N(0, 1)$")
ax.legend()

# %%
# The exploding chain
# -------------------
#
# Nielsen's counter-example: set every weight to :math:`w = 100` and choose the bias so that
# every :math:`z_l = 0` (input :math:`a_0 = 0.5`, :math:`b_l = -50`, so every
# :math:`a_l = 0.5`). Now every factor is :math:`w\,\sigma'(0) = 100/4 = 25`, and the
# gradient explodes, :math:`\partial J/\partial w_1 = (a_L - y)\, a_0\, \tfrac14\,
# 25^{L-1}`.


def exploding_chain(depths, w=100.0):
    """|dJ/dw_1| of one chain per depth: all w_l = w, b_l = -w/2, input 0.5."""
    grads = []
    for depth in depths:
        weights = np.full((depth, 1), w)
        biases = np.full((depth, 1), -w / 2)
        grads.append(chain_gradient(weights, biases, x=0.5)[0])
    return np.array(grads)


exploding_depths = np.arange(1, 11)
exploding = exploding_chain(exploding_depths)
formula = 0.5 * 0.5 * 0.25 * 25.0 ** (exploding_depths - 1)
print("|dJ/dw1| for L = 1..10:")
print(np.array2string(exploding, precision=3))
print(f"factor per layer: {exploding[-1] / exploding[-2]:.1f}")
print(
    f"largest relative difference from (a_L - y) a_0 (1/4) 25^(L-1): "
    f"{np.max(np.abs(exploding / formula - 1)):.1e}"
)

# %%
# Exploding needs :math:`|w| \ge 4` and a narrow window
# ------------------------------------------------------
#
# The factor of a unit whose input is :math:`a` is :math:`|w\, \sigma'(w a + b)|`; its largest
# value, at :math:`wa + b = 0`, is :math:`|w|/4`. So a factor of at least 1 requires
# :math:`|w| \ge 4`. Even then it holds only for inputs :math:`a` near :math:`-b/w`, and for
# large :math:`w` the higher the peak, the narrower the window, because
# :math:`\sigma'(wa + b)` decays exponentially in :math:`|wa + b|`. Below we draw the factor
# for :math:`w = 1, 4, 100` with :math:`b = -w/2`, and measure the width of the window where
# the factor for :math:`w = 100` is at least 1 (Nielsen's exercise:
# :math:`\tfrac{2}{|w|} \ln\big(\tfrac{|w|}{2}(1 + \sqrt{1 - 4/|w|}) - 1\big)`).
from gradlab.activations import sigmoid


def layer_factor(w, a):
    """The factor |w sigma'(w a + b)| of a unit with w > 0 and b = -w/2."""
    return w * sigmoid.derivative(w * a - w / 2)


def window_width(w, a):
    """Width of the inputs a (an even grid) whose factor is at least 1."""
    return np.count_nonzero(layer_factor(w, a) >= 1.0) * (a[1] - a[0])


def nielsen_window(w):
    """Nielsen's formula for that width."""
    return 2 / w * np.log(w / 2 * (1 + np.sqrt(1 - 4 / w)) - 1)


INPUTS = np.linspace(0.0, 1.0, 200_001)  # the inputs a of one unit
window, nielsen = window_width(100.0, INPUTS), nielsen_window(100.0)
peaks = [v * sigmoid.derivative(0.0) for v in (1, 4, 100)]
print("peak factor |w|/4 for w = 1, 4, 100:", *peaks)
print("inputs a with factor >= 1 for w = 100:")
print(f"  window width {window:.3g} (formula {nielsen:.3g})")

fig, (ax_grow, ax_window) = plt.subplots(
    1,
    2,
    figsize=(7, 3.5),
    num=(
        "Left: the first weight's gradient against depth for a chain with "
        "every weight 100 and every input z = 0, growing 25-fold per layer "
        "on its formula. Right: a unit's factor against its input for "
        "weights 1, 4 and 100, log scale, above 1 only for weights of 4 or "
        "more, and for 100 only in a narrow window."
    ),
)
ax_grow.plot(exploding_depths, exploding, "o-", label="gradlab.autodiff")
label = r"$\frac{1}{16}\, 25^{L-1}$"
ax_grow.plot(exploding_depths, formula, "k--", label=label)
ax_grow.set_yscale("log")
ax_grow.set_xlabel("$L$")
ax_grow.set_ylabel(r"$|\partial J / \partial w_1|$")
ax_grow.set_title(r"$w = 100$, $z_l = 0$")
ax_grow.legend()
for weight in (1.0, 4.0, 100.0):
    factor = layer_factor(weight, INPUTS)
    ax_window.plot(INPUTS, factor, label=f"$w = {weight:g}$")
ax_window.axhline(1.0, color="k", lw=0.8, ls=":")
ax_window.set_yscale("log")
ax_window.set_ylim(1e-3, 50)
ax_window.set_xlabel("$a$")
ax_window.set_ylabel(r"$|w\, \sigma'(wa + b)|$, $b = -w/2$")
ax_window.legend()

# %%
# Interpretation
# --------------
#
# In a sigmoid chain the gradient of an early weight is a product of one factor per layer,
# each at most :math:`|w|/4`. With :math:`N(0, 1)` weights the factors are typically around
# 0.1, so after 10 layers the first weight's gradient is about :math:`10^{-10}`: that weight
# barely moves under gradient descent, which is the vanishing gradient problem. Explosion is
# possible, but it needs large weights *and* every unit's input held inside a narrow window,
# which training does not arrange by itself; vanishing is what a sigmoid chain does by
# default. Wide layers change the numbers but not the mechanism: see
# :ref:`sphx_glr_auto_examples_vanishing_plot_gradient_norms_at_init.py` and
# :ref:`sphx_glr_auto_examples_vanishing_plot_learning_speed_per_layer.py`. The same product
# also underflows to exactly 0 in floating point:
# :ref:`sphx_glr_auto_examples_vanishing_plot_underflow.py`.
