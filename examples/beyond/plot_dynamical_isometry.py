r"""
================================================
Orthogonal initialization and dynamical isometry
================================================

Backpropagation multiplies the gradient at the output by the transpose of the input-output
:term:`Jacobian` :math:`J = \partial x^{(L)}/\partial x^{(0)}`. If every singular value of
:math:`J` is close to 1, every direction of the gradient arrives at the input with about its
original size: the network is *dynamically isometric* (Saxe et al., 2014). Keeping the
*average* squared singular value at 1, which is what Xavier- and He-type rules do, is not
enough: the product of many random Gaussian matrices has most of its singular values near 0
and a few very large ones. Pennington et al. (2017) showed that a tanh network reaches
dynamical isometry with :term:`orthogonal initialization` (직교 초기화,
:func:`gradlab.init.orthogonal`) and weights and biases tuned so that the mean squared
slope :math:`\chi = \sigma_w^2\, \mathbb E[\tanh'(h)^2]` equals 1, while a ReLU network cannot
reach it with any initialization.

This example computes the Jacobian of 32-layer networks with
:func:`gradlab.diagnostics.input_jacobian` and looks at its singular values: tanh with
:math:`\sigma_w^2 = 1.05`, :math:`\sigma_b^2 = 2.01 \times 10^{-5}` (weights of variance
:math:`\sigma_w^2/n`, biases of variance :math:`\sigma_b^2`), with Gaussian and with orthogonal
weights; tanh with orthogonal weights at :math:`\sigma_w^2 = 2`; and ReLU with
:math:`\sigma_w^2 = 2` (He's scale) and both kinds of weights. The width is 256 to keep the
example fast (at width 400 the printed fractions change by less than 0.01). The values
:math:`\sigma_w^2 = 1.05`, :math:`\sigma_b^2 = 2.01 \times 10^{-5}` and the fixed point
:math:`q^* = 0.0259` are the ones attributed to Pennington et al.; we have not checked their
figures' other settings. The course chapter is :ref:`course-initialization`.
"""

# %%
# The fixed point of the tanh network
# -----------------------------------
# At large width, the pre-activations :math:`h` of a layer are Gaussian with a variance
# :math:`q` that obeys :math:`q_{l+1} = \sigma_w^2\, \mathbb E[\tanh(\sqrt{q_l}\, z)^2] +
# \sigma_b^2`, :math:`z \sim N(0, 1)`. Iterating this map (the expectation by Gauss-Hermite
# quadrature) gives its fixed point :math:`q^*`, the variance every layer keeps; an input
# with that variance starts the network there. At the fixed point, :math:`\chi` is the factor
# by which one layer multiplies the mean squared singular value of the Jacobian.
import numpy as np

from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi

NODES, WEIGHTS = np.polynomial.hermite_e.hermegauss(101)


def gaussian_mean(f, q):
    """E[f(sqrt(q) z)] for z ~ N(0, 1), by Gauss-Hermite quadrature."""
    return np.sum(WEIGHTS * f(np.sqrt(q) * NODES)) / np.sum(WEIGHTS)


def tanh_fixed_point(sigma_w2, sigma_b2, iterations=500):
    """The fixed point q* of the pre-activation variance of a deep tanh
    network."""
    q = 1.0
    for _ in range(iterations):
        q = sigma_w2 * gaussian_mean(lambda h: np.tanh(h) ** 2, q) + sigma_b2
    return q


def tanh_chi(sigma_w2, sigma_b2):
    """Mean squared slope sigma_w^2 E[tanh'(h)^2] at the fixed point."""
    q = tanh_fixed_point(sigma_w2, sigma_b2)
    return sigma_w2 * gaussian_mean(lambda h: (1 - np.tanh(h) ** 2) ** 2, q)


for sigma_w2 in (1.05, 2.0):
    q_star = tanh_fixed_point(sigma_w2, 2.01e-5)
    chi = tanh_chi(sigma_w2, 2.01e-5)
    print(f"tanh, sigma_w^2 = {sigma_w2}, sigma_b^2 = 2.01e-5:", end=" ")
    print(f"q* = {q_star:.3g}, chi = {chi:.3f}")

# %%
# Five 32-layer networks and their Jacobians
# ------------------------------------------
# Each network is 32 pairs ``Dense(256, 256)``, activation. Gaussian weights come from
# :func:`gradlab.init.normal` with standard deviation :math:`\sqrt{\sigma_w^2/n}`, orthogonal
# ones from :func:`gradlab.init.orthogonal` with gain :math:`\sqrt{\sigma_w^2}`; the biases are
# drawn by hand. The input is :math:`x = \phi(h)` with :math:`h \sim N(0, q^*)`, so that the
# first layer's pre-activations already have the fixed-point variance (:math:`q = 1` for ReLU,
# whose Jacobian does not depend on the input's scale).
from functools import partial

from gradlab import Activation, Dense, Sequential, activations, init
from gradlab.diagnostics import input_jacobian

DEPTH, WIDTH = 32, 256
SW2 = r"$\sigma_w^2$"  # in the labels of the legend
NETWORKS = {
    f"tanh, orthogonal, {SW2} = 1.05": ("tanh", "orthogonal", 1.05, 2.01e-5),
    f"tanh, Gaussian, {SW2} = 1.05": ("tanh", "gaussian", 1.05, 2.01e-5),
    f"tanh, orthogonal, {SW2} = 2": ("tanh", "orthogonal", 2.0, 2.01e-5),
    f"ReLU, Gaussian, {SW2} = 2": ("relu", "gaussian", 2.0, 0.0),
    f"ReLU, orthogonal, {SW2} = 2": ("relu", "orthogonal", 2.0, 0.0),
}


def deep_network(activation, weights, sigma_w2, sigma_b2, rng, width=WIDTH):
    """DEPTH layers of ``width`` units with the given weight distribution
    and bias variance."""
    if weights == "orthogonal":
        weight_init = partial(init.orthogonal, gain=np.sqrt(sigma_w2))
    else:
        weight_init = partial(init.normal, std=np.sqrt(sigma_w2 / width))
    layers = []
    for _ in range(DEPTH):
        dense = Dense(width, width, init=weight_init, rng=rng)
        dense.b.value[:] = rng.normal(0.0, np.sqrt(sigma_b2), width)
        layers += [dense, Activation(activation)]
    return Sequential(*layers)


def jacobian_singular_values(
    activation,
    weights,
    sigma_w2,
    sigma_b2,
    seed=0,
    width=WIDTH,
):
    """Singular values of d(output)/d(input) at one input at the fixed
    point."""
    rng = np.random.default_rng(seed)
    model = deep_network(activation, weights, sigma_w2, sigma_b2, rng, width)
    q = 1.0  # ReLU's Jacobian does not depend on the input's scale
    if activation == "tanh":
        q = tanh_fixed_point(sigma_w2, sigma_b2)
    x = activations.get(activation)(rng.normal(0.0, np.sqrt(q), width))
    jacobian = input_jacobian(model, x)
    return np.linalg.svd(jacobian, compute_uv=False)


def isometric_fraction(s, low=0.5, high=2.0):
    """Fraction of singular values in [low, high]."""
    return np.mean((s >= low) & (s <= high))


singular_values = {}
for name, setup in NETWORKS.items():
    singular_values[name] = jacobian_singular_values(*setup)
print("singular values: fraction in [0.5, 2], median, largest")
for name, s in singular_values.items():
    label = name.replace(SW2, "sigma_w^2")
    fraction, median, largest = isometric_fraction(s), np.median(s), s.max()
    print(f"  {label:<35} {fraction:5.3f} {median:9.3g} {largest:6.3g}")

# %%
# The distribution of the singular values
# ---------------------------------------
# The empirical cumulative distribution of each network's 256 singular values, on a log
# scale from :math:`10^{-8}`; a curve that starts above 0 has that fraction of its singular
# values below :math:`10^{-8}` (for ReLU they are 0 up to rounding). The shaded band is
# :math:`[0.5, 2]`.
import matplotlib.pyplot as plt

# The weights as formulas: the figure is shown in two languages.
DISTRIBUTIONS = {
    "orthogonal": r"$W^\top W = \sigma_w^2 I$",
    "gaussian": r"$W_{ij} \sim N(0, \sigma_w^2 / n)$",
}
fig, ax = plt.subplots(
    figsize=(7, 5),
    num=(
        "Cumulative distribution of the singular values of the input-output "
        "Jacobian of 32-layer tanh and ReLU networks with Gaussian or "
        "orthogonal weights, log scale, band from 0.5 to 2 shaded: only tanh "
        "with orthogonal weights at the critical scale keeps nearly all of "
        "them in the band."
    ),
)
ax.axvspan(0.5, 2.0, color="gray", alpha=0.15, label="[0.5, 2]")
for name, s in singular_values.items():
    ecdf = np.arange(1, s.size + 1) / s.size
    activation, weights, variance, _ = NETWORKS[name]
    label = {"tanh": "tanh", "relu": "ReLU"}[activation]
    label += f", {DISTRIBUTIONS[weights]}, {SW2} = {variance:g}"
    ax.step(np.sort(s), ecdf, where="post", label=label)
ax.set_xscale("log")
ax.set_xlim(1e-8, 1e2)
ax.set_xlabel("$s$")
ax.set_ylabel(rf"$\#\{{i: s_i(J) \leq s\}}\ /\ {WIDTH}$")
ax.set_title(rf"$J = \partial x^{{(32)}} / \partial x^{{(0)}}$, $n = {WIDTH}$")
fig.legend(loc="outside lower center", ncols=2)
plt.show()

# %%
# Interpretation
# --------------
# With orthogonal weights at :math:`\sigma_w^2 = 1.05` and the input at the fixed point
# (:math:`q^* \approx 0.0259`, where :math:`\chi \approx 1`), more than 99 % of the
# Jacobian's singular values lie in :math:`[0.5, 2]`: after 32 layers every direction of the
# gradient keeps about its size. The same network with Gaussian weights has the same
# :math:`\chi`, yet only about 6 % of its singular values lie in the band: the median is about
# :math:`10^{-5}` and the largest several times 1, so most directions of the gradient vanish
# while a few are amplified. Orthogonality alone is not enough either: at
# :math:`\sigma_w^2 = 2` (:math:`\chi \approx 1.1`) only about 12 % of the singular values are in
# the band. ReLU networks, Gaussian or orthogonal, keep fewer than 10 % there; most of their
# singular values are 0, because a ReLU multiplies the Jacobian by a diagonal of 0s and 1s in
# every layer, which no choice of weights can undo. This is the sense in which "ReLU networks
# are incapable of dynamical isometry" (Pennington et al., 2017). The depth-independent
# learning speed this buys is the subject of Saxe et al. (2014); the residual connections of
# :ref:`sphx_glr_auto_examples_beyond_plot_residual_batchnorm.py` keep gradients alive in
# another way, through an identity path.
