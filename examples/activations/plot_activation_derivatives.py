r"""
==========================================
Activation functions and their derivatives
==========================================

Backpropagation multiplies the gradient by the derivative of the :term:`activation function`
(활성화 함수) once for every layer it passes through (:math:`\delta^{(l)} = (\delta^{(l+1)}
W^{(l+1)\top}) \odot \sigma'(z^{(l)})`). So what matters for learning is not the shape of
:math:`\sigma` but the size of :math:`\sigma'`. This example plots five activations of
:mod:`gradlab.activations` next to their derivatives and computes the largest value each
derivative takes: the :term:`sigmoid` reaches only :math:`\sigma'(0) = 1/4`, the
:term:`hyperbolic tangent` reaches :math:`\tanh'(0) = 1`, and the ReLU family passes exactly 1
for every positive input. The derivatives themselves are defined in
:ref:`course-differentiation`; why a factor of at most :math:`1/4` per layer is a problem is
the subject of :ref:`course-vanishing`.
"""

# %%
# Evaluate five activations and their derivatives
# -----------------------------------------------
# Every activation in :mod:`gradlab.activations` (:obj:`~gradlab.activations.sigmoid`,
# :obj:`~gradlab.activations.tanh`, :obj:`~gradlab.activations.relu`,
# :obj:`~gradlab.activations.leaky_relu` with slope 0.01, :obj:`~gradlab.activations.elu`
# with :math:`\alpha = 1`) is called as ``f(z)`` and differentiated with ``f.derivative(z)``.
# They are evaluated on a grid of 1201 points :math:`z` in :math:`[-6, 6]`, which contains
# :math:`z = 0` exactly, so the maxima are read off, not interpolated.
import numpy as np

from gradlab import activations
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi

FUNCTIONS = [
    activations.sigmoid,
    activations.tanh,
    activations.relu,
    activations.leaky_relu,
    activations.elu,
]
GRID = np.linspace(-6.0, 6.0, 1201)
values = {f.name: f(GRID) for f in FUNCTIONS}
slopes = {f.name: f.derivative(GRID) for f in FUNCTIONS}

print("derivative on [-6, 6]   largest   smallest")
for f in FUNCTIONS:
    largest, smallest = slopes[f.name].max(), slopes[f.name].min()
    print(f"  {f.name:<12} {largest:>16.4f} {smallest:>10.2e}")

# %%
# The two maxima behind the vanishing gradient
# --------------------------------------------
# :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))` is largest where :math:`\sigma(z) = 1/2`, at
# :math:`z = 0`, and gradlab computes it there exactly: 0.25 in floating point, not a
# rounded 0.2500000001. The derivative is positive everywhere and never above :math:`1/4`, so
# its range is :math:`(0, 1/4]`; on this grid its smallest value, at :math:`|z| = 6`, is
# already below 0.0025.
from gradlab.activations import sigmoid, tanh

at_zero = {"sigmoid": sigmoid.derivative(0.0), "tanh": tanh.derivative(0.0)}
d_sigmoid_0, d_tanh_0 = float(at_zero["sigmoid"]), float(at_zero["tanh"])
print(f"sigmoid'(0) = {d_sigmoid_0!r}, exactly 1/4: {d_sigmoid_0 == 0.25}")
print(f"tanh'(0) = {d_tanh_0!r}, exactly 1: {d_tanh_0 == 1.0}")
d_sigmoid = slopes["sigmoid"]
low, high = d_sigmoid.min(), d_sigmoid.max()
print(f"sigmoid' on [-6, 6] lies in [{low:.3e}, {high}]:")
print("  positive everywhere, at most 1/4")

# %%
# Check the derivatives against finite differences
# ------------------------------------------------
# A derivative is the limit of a difference quotient, so each ``derivative`` can be checked
# against the central difference :math:`(f(z + h) - f(z - h)) / 2h` with :math:`h = 10^{-6}`
# (:term:`finite difference`, 유한 차분). ReLU and Leaky ReLU have a kink at 0 where the quotient
# averages the two one-sided slopes, so the points within :math:`h` of 0 are left out.


def largest_gap(f, z, h=1e-6):
    """Largest |f.derivative(z) - central difference| over z, away from
    the kink at 0."""
    away_from_kink = np.abs(z) > h
    central = (f(z + h) - f(z - h)) / (2 * h)
    return np.max(np.abs(central - f.derivative(z))[away_from_kink])


worst = max(largest_gap(f, GRID) for f in FUNCTIONS)
print(f"largest gap, derivative() vs central difference: {worst:.2e}")

# %%
# Plot the functions and their derivatives
# ----------------------------------------
# The dotted lines mark the two maxima. ReLU's derivative is a step from 0 to 1, Leaky ReLU's a
# step from 0.01 to 1; ELU's rises smoothly as :math:`e^z` and joins 1 at 0. For
# :math:`z > 0` the three ReLU-type curves coincide, drawn thinner on top of each other.
import matplotlib.pyplot as plt

fig, (ax_f, ax_d) = plt.subplots(
    2,
    1,
    figsize=(7, 7),
    sharex=True,
    num=(
        "Sigmoid, tanh, ReLU, Leaky ReLU and ELU against z from -6 to 6 (top) "
        "and their derivatives (bottom): the sigmoid's derivative peaks at "
        "1/4 at z = 0, tanh's at 1, and the ReLU family's is 1 for every "
        "positive z."
    ),
)
for i, f in enumerate(FUNCTIONS):
    width = 3.5 - 0.6 * i  # thinner on top: coinciding curves stay visible
    ax_f.plot(GRID, values[f.name], linewidth=width, label=f.name)
    ax_d.plot(GRID, slopes[f.name], linewidth=width, label=f.name)
ax_f.set(ylabel=r"$\sigma(z)$", ylim=(-1.5, 3.0))
ax_d.set(ylabel=r"$\sigma'(z)$", ylim=(-0.05, 1.15))
ax_d.set_xlabel("$z$")
arrow = {"arrowstyle": "->", "color": "0.3"}
for peak, text, where in [
    (at_zero["sigmoid"], r"$\sigma'(0) = 1/4$", (2.0, 0.5)),
    (at_zero["tanh"], r"$\tanh'(0) = 1$", (-5.5, 0.75)),
]:
    ax_d.axhline(peak, color="0.5", linestyle=":", linewidth=1)
    ax_d.annotate(text, xy=(0.0, peak), xytext=where, arrowprops=arrow)
ax_f.legend(loc="upper left")
for ax in (ax_f, ax_d):
    ax.grid(alpha=0.3)
plt.show()

# %%
# Interpretation
# --------------
# Through :math:`n` sigmoid layers the activation derivatives contribute a factor of at most
# :math:`(1/4)^n` to the gradient of the first layer, and much less when units sit in the flat
# tails: the :term:`vanishing gradient` (기울기 소실) of :ref:`course-vanishing`. tanh is four
# times better at the origin but flat in the tails too. ReLU passes the gradient through
# unchanged wherever its input is positive, which is why deep networks switched to it, at a
# price: where the input is negative the derivative is exactly 0, and a unit that is negative
# for every sample never learns again
# (:ref:`sphx_glr_auto_examples_activations_plot_dead_relu.py`). Leaky ReLU's slope of 0.01
# and ELU's :math:`e^z` keep a small derivative there. Without any nonlinearity at all, depth is
# useless (:ref:`sphx_glr_auto_examples_activations_plot_linear_collapse.py`).
