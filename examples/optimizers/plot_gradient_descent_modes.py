r"""
=================================================
Batch, stochastic and mini-batch gradient descent
=================================================

The lecture fits the one-parameter model :math:`\hat y = b_1 x` to four points
(:func:`gradlab.datasets.toy_regression`) with the cost
:math:`E = \tfrac12 \sum_i (y_i - b_1 x_i)^2`. The three kinds of gradient descent
(경사하강법) differ only in how many points enter one update
:math:`b_1 \leftarrow b_1 - \eta\, \partial E / \partial b_1`: one point (stochastic, SGD),
:math:`h` points (mini-batch) or all of them (batch, BGD). We reproduce the lecture's worked
numbers, show why its learning rate (학습률) :math:`\eta = 0.1` makes batch gradient descent
diverge on this data, and compare the three paths of :math:`b_1` from the lecture's starting
value :math:`b_1 = 10`. The course chapter is :ref:`course-gradient-descent`.
"""

# %%
# The model and one update
# ------------------------
# The model is a single :class:`gradlab.Dense` unit without bias, whose weight is
# :math:`b_1`. One update is the cycle the lecture describes: forward pass, the derivative of
# :data:`gradlab.losses.squared_error` (the lecture's :math:`E`, with the
# :math:`\tfrac12`), backward pass, and a :class:`gradlab.optim.SGD` step. Which points enter
# the update is the only difference between the three methods.
import numpy as np

from gradlab import Dense, Sequential, optim
from gradlab.datasets import toy_regression
from gradlab.losses import squared_error
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi

X, y = toy_regression()


def regression_model(b=10.0):
    """The lecture's y-hat = b1 x, starting from b1 = ``b``."""
    model = Sequential(Dense(1, 1, bias=False, init="zeros"))
    model[0].W.value[...] = b
    return model


def update(model, opt, X, y):
    """One gradient-descent update on the points ``X``, ``y``; returns the
    dE/db1 it used."""
    opt.zero_grad()
    out = model.forward(X)
    model.backward(squared_error.derivative(out, y))
    grad = float(model[0].W.grad[0, 0])
    opt.step()
    return grad


# %%
# The lecture's worked numbers
# ----------------------------
# SGD with :math:`\eta = 0.1` from :math:`b_1 = 10`, drawing the first point
# :math:`(x, y) = (2, 5)` and then the second :math:`(1, 2)`:
# :math:`\partial E_1 / \partial b_1 = 4 b_1 - 10 = 30`, so :math:`b_1 = 10 - 0.1 \cdot 30 = 7`;
# then :math:`\partial E_2 / \partial b_1 = b_1 - 2 = 5`, so :math:`b_1 = 7 - 0.1 \cdot 5 = 6.5`.
model = regression_model(10.0)
sgd = optim.SGD(model.parameters(), lr=0.1)
for i in (0, 1):
    grad = update(model, sgd, X[[i]], y[[i]])
    b = model[0].W.value[0, 0]
    point = f"point {i + 1} (x={X[i, 0]:g}, y={y[i, 0]:g})"
    print(f"{point}: dE/db1 = {grad:g}, b1 -> {b:g}")

# %%
# Batch gradient descent with the same learning rate diverges
# -----------------------------------------------------------
# Summed over the four points, :math:`\partial E / \partial b_1 = \sum_i x_i (b_1 x_i - y_i)
# = 30 b_1 - 54`, zero at :math:`b_1^* = 54/30 = 1.8`. One batch update therefore maps the
# error :math:`b_1 - b_1^*` to :math:`(1 - 30\eta)(b_1 - b_1^*)`. With :math:`\eta = 0.1` the
# factor is :math:`1 - 3 = -2`: every update overshoots the minimum and doubles the error.
# Batch gradient descent is stable only for :math:`|1 - 30\eta| < 1`, i.e.
# :math:`\eta < 2/30 \approx 0.067`.
#
# A note on the lecture's batch slide: it writes :math:`E = \sum_i (y_i - \hat y_i)^2`
# *without* the :math:`\tfrac12`, so its derivative carries a factor 2, and then drops that 2
# in the update. The update it uses is the derivative of :math:`\tfrac12 \sum_i (y_i - \hat
# y_i)^2`, the convention used here (:math:`30 b_1 - 54`). Keeping the 2 would make
# :math:`\eta = 0.1` diverge even faster (factor :math:`1 - 6 = -5`).


def batch_descent(X, y, lr, updates):
    """b1 after every full-batch update, starting at 10."""
    model = regression_model(10.0)
    opt = optim.SGD(model.parameters(), lr=lr)
    path = [10.0]
    for _ in range(updates):
        update(model, opt, X, y)
        path.append(model[0].W.value[0, 0])
    return np.array(path)


b_star = 54 / 30
diverging = batch_descent(X, y, lr=0.1, updates=5)
errors = np.abs(diverging - b_star)
print("BGD with eta = 0.1, b1:", np.array2string(diverging, precision=1))
print("error |b1 - 1.8| per update:", np.array2string(errors, precision=1))

# %%
# The three methods from the same start
# -------------------------------------
# Because :math:`E` is a *sum* over the points used, its gradient grows with the number of
# points in the update. We keep the step per point the same by dividing the lecture's
# :math:`\eta = 0.1` by the batch size :math:`h` (a mean instead of a sum, which is what
# PyTorch's losses do): :math:`\eta = 0.1` for SGD (:math:`h = 1`), :math:`0.05` for
# mini-batches of :math:`h = 2`, :math:`0.025` for the full batch (:math:`h = 4`, factor
# :math:`1 - 30 \cdot 0.025 = 0.25`, safely stable). Each epoch the points are shuffled with
# a seeded generator and taken :math:`h` at a time from the front, as the lecture describes
# for mini-batches. We run 10 epochs: 40 SGD updates, 20 mini-batch updates, 10 batch updates.


def descend(X, y, batch_size, epochs=10, seed=0):
    """b1 after every update, starting at 10, with eta = 0.1 / batch_size."""
    rng = np.random.default_rng(seed)
    model = regression_model(10.0)
    opt = optim.SGD(model.parameters(), lr=0.1 / batch_size)
    path = [10.0]
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            update(model, opt, X[batch], y[batch])
            path.append(model[0].W.value[0, 0])
    return np.array(path)


paths = {
    "SGD (h = 1)": descend(X, y, 1),
    "mini-batch (h = 2)": descend(X, y, 2),
    "batch (h = 4)": descend(X, y, 4),
}
for name, path in paths.items():
    per_epoch = (len(path) - 1) // 10
    last_epoch = path[-per_epoch - 1 :]
    spread = np.ptp(last_epoch)
    print(f"{name:19s} final b1 = {path[-1]:.3f},", end=" ")
    print(f"range over the last epoch {spread:.3g}")

# %%
# Plot the paths
# --------------
# The x axis counts epochs (passes over the four points), so the three methods are compared
# for the same amount of data; markers are individual updates. The lower panel shows the
# error of batch gradient descent on a log scale: it doubles per update with
# :math:`\eta = 0.1` and shrinks by 4 per update with :math:`\eta = 0.025`.
import matplotlib.pyplot as plt

fig, (ax_path, ax_err) = plt.subplots(
    2,
    1,
    figsize=(7, 6.5),
    num=(
        "The weight b1 against epoch from b1 = 10 for batch sizes 1, 2 and 4, "
        "minimum 1.8 dotted (top), and the full-batch error on a log scale "
        "for learning rates 0.1 and 0.025 (bottom): single-point updates "
        "keep jumping around the minimum, and at 0.1 the batch method "
        "diverges."
    ),
)
for name, path in paths.items():
    epochs = np.linspace(0, 10, len(path))
    # the batch size alone, "$h = 1$": the figure is shown in two languages
    label = "$" + name[name.index("(") + 1 : -1] + "$"
    ax_path.plot(epochs, path, marker="o", markersize=3, label=label)
ax_path.axhline(b_star, color="black", linestyle=":", label=r"$b_1^* = 1.8$")
ax_path.set(xlabel="$t$", ylabel=r"$b_1$")
ax_path.set_title(r"$b_1(0) = 10$")
ax_path.set_ylim(0, 10.5)
ax_path.legend()

stable = paths["batch (h = 4)"]
ax_err.semilogy(errors, marker="o", label=r"$\eta = 0.1$")
ax_err.semilogy(np.abs(stable - b_star), marker="o", label=r"$\eta = 0.025$")
ax_err.set(xlabel="$t$", ylabel=r"$|b_1 - b_1^*|$", title="$h = 4$")
ax_err.legend()
plt.show()

# %%
# Interpretation
# --------------
# The first two SGD updates are the lecture's :math:`10 \to 7 \to 6.5`. Batch gradient
# descent uses the exact gradient, so with a stable learning rate it converges smoothly to
# :math:`b_1^* = 1.8` (the error shrinks by the factor :math:`0.25` every update); with the
# lecture's :math:`\eta = 0.1` the same method diverges, because the batch gradient is the sum
# of four per-point gradients and the step :math:`30\eta = 3` overshoots (only
# :math:`30\eta < 2` is stable). SGD moves early (four updates per epoch) but each update
# follows one point, whose own minimum :math:`y_i / x_i` (2.5, 2, 2 or 1.5) differs from
# :math:`1.8`; with a constant learning rate it never settles and keeps jumping around the
# minimum. Mini-batches sit in between: less noise than SGD, more updates than BGD.
# Shrinking the learning rate over time removes SGD's jitter; see
# :ref:`sphx_glr_auto_examples_optimizers_plot_lr_decay.py`.
