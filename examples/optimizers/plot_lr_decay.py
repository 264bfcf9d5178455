r"""
===========================================
Learning-rate decay against a constant rate
===========================================

With a constant learning rate (학습률) stochastic gradient descent never settles: each update
follows one sample's gradient, which is not zero at the minimum, so the parameters keep
jittering around it and the loss stays on a plateau whose height grows with the rate. The
lecture's learning-rate decay (학습률 감쇠) lowers the rate by hand as training goes on, e.g. the
staircase exponential decay

.. math:: \eta_t = \delta^{\lfloor t / T \rfloor}\, \eta_0,

which multiplies the rate by :math:`\delta` every :math:`T` updates
(:class:`gradlab.optim.StepLR`). We fit a noisy linear regression by SGD with a large
constant rate, a small constant rate, and the large rate decayed, and compare how close each
gets to the best possible loss. The course chapter is :ref:`course-optimizers`.
"""

# %%
# A noisy regression problem
# --------------------------
# 200 samples with 5 features, targets :math:`y = X w + b + \varepsilon` with weights
# :math:`w \sim N(0, 3^2)`, :math:`b = 1` and noise :math:`\varepsilon \sim N(0, 0.5^2)`.
# The least-squares fit gives the smallest training loss any linear model can reach; we
# report each run's *excess* loss above it.
import numpy as np

from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi


def noisy_regression(n_samples=200, n_features=5, seed=0):
    """Features X ~ N(0, 1) and targets y = X w + 1 + noise, with
    w ~ N(0, 9) and noise ~ N(0, 0.25)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    w = 3 * rng.normal(size=(n_features, 1))
    noise = 0.5 * rng.normal(size=(n_samples, 1))
    y = X @ w + 1.0 + noise
    return X, y


def least_squares_loss(X, y):
    """The mean squared error of the least-squares fit with an intercept."""
    X1 = np.hstack([X, np.ones((len(X), 1))])
    coefficients = np.linalg.lstsq(X1, y, rcond=None)[0]
    return np.mean((X1 @ coefficients - y) ** 2)


X, y = noisy_regression()
best_loss = least_squares_loss(X, y)
print(f"least-squares training loss (mean squared error): {best_loss:.3g}")

# %%
# Three ways to set the learning rate
# -----------------------------------
# A :class:`gradlab.Dense` unit trained by :func:`gradlab.training.fit` with ``batch_size=1``
# (one sample per update, reshuffled every epoch) on the mean squared error
# (:data:`gradlab.losses.mse`), for 40 epochs (8000 updates). The decayed run starts at
# :math:`\eta_0 = 0.05` and halves the rate (:math:`\delta = 0.5`) every 5 epochs, that is
# every :math:`T = 1000` updates, the value in the lecture's example. ``fit`` steps the
# schedule once per epoch, so :math:`T` is given to :class:`~gradlab.optim.StepLR` in epochs.
from gradlab import Dense, Sequential, optim
from gradlab.training import fit


def train(X, y, lr, decay=False, epochs=40):
    """SGD on the regression; with ``decay`` the rate halves every 5 epochs."""
    model = Sequential(Dense(X.shape[1], 1, init="zeros"))
    opt = optim.SGD(model.parameters(), lr=lr)
    scheduler = optim.StepLR(opt, step_size=5, gamma=0.5) if decay else None
    return fit(
        model,
        X,
        y,
        opt,
        loss="mse",
        epochs=epochs,
        batch_size=1,
        rng=1,
        scheduler=scheduler,
    )


histories = {
    "constant η = 0.05": train(X, y, 0.05),
    "constant η = 0.002": train(X, y, 0.002),
    "decayed η₀ = 0.05, δ = 0.5, T = 1000": train(X, y, 0.05, decay=True),
}
for name, history in histories.items():
    excess = history.loss - best_loss
    last_ten = excess[-10:]
    print(f"{name}: excess loss after epoch")
    print(f"  1: {excess[0]:.3g}, 10: {excess[9]:.3g}, 40: {excess[-1]:.3g}")
    print(f"  last 10 epochs: {last_ten.min():.3g} to {last_ten.max():.3g}")

# %%
# The schedule is the lecture's formula
# -------------------------------------
# ``History.lr`` records the rate used in each epoch; update :math:`t` of epoch :math:`e`
# (:math:`t = 200 e + i`) has :math:`\lfloor t/1000 \rfloor = \lfloor e/5 \rfloor`.


def lecture_rate(epoch, eta0=0.05, delta=0.5, T=1000, updates_per_epoch=200):
    """The lecture's eta_t = delta^floor(t / T) eta0 at the first update t
    of each epoch."""
    return eta0 * delta ** (updates_per_epoch * epoch // T)


decayed = histories["decayed η₀ = 0.05, δ = 0.5, T = 1000"]
lecture = lecture_rate(np.arange(40))
print("rates of the first 11 epochs:")
print(np.array2string(decayed.lr[:11], precision=5))
gap = np.abs(decayed.lr - lecture).max()
print(f"largest difference from the lecture's formula: {gap:.2g}")

# %%
# Plot the excess loss and the rate
# ---------------------------------
# Epoch 0 is the loss before training. For the first five epochs the decayed
# run is the large constant one, so it is drawn dashed.
import matplotlib.pyplot as plt

fig, (ax_loss, ax_lr) = plt.subplots(
    2,
    1,
    figsize=(7, 6.5),
    sharex=True,
    num=(
        "Excess loss above the best possible, log scale (top), and learning "
        "rate (bottom) against epoch for a large constant rate, a small "
        "constant rate and the large rate halved every five epochs: the "
        "large rate stalls on a plateau, the small one is slow, and the "
        "decayed rate ends lowest."
    ),
)
for name, history in histories.items():
    style = {"ls": "--"} if name.startswith("decayed") else {}
    label = name.split(" ", 1)[1]  # symbols only: shown in two languages
    losses = np.concatenate([[history.initial_loss], history.loss])
    excess = losses - best_loss
    ax_loss.semilogy(np.arange(len(losses)), excess, label=label, **style)
    epochs = np.arange(1, len(history.lr) + 1)
    ax_lr.step(epochs, history.lr, where="mid", label=label, **style)
ax_loss.set(ylabel=r"$L - \min L$")
ax_loss.legend()
ax_lr.set(xlabel="$t$", ylabel=r"$\eta$", yscale="log")
plt.show()

# %%
# Interpretation
# --------------
# The large constant rate gets close fast (excess loss 0.2 after one epoch, from 28 at the
# start) and then stops improving: its excess loss keeps jumping between about 0.04 and 0.2,
# a plateau set by the noise of single-sample gradients times the rate. The small constant
# rate has a far lower plateau but is slow: still 6.7 above the optimum after one epoch and
# :math:`\approx 10^{-4}` at the end. Decay takes the best of both: the large rate while far
# away, smaller ones once the noise dominates. With this gentle schedule (halving every 5
# epochs) the small constant rate is ahead from epoch 5 to 26; decay stays ahead from epoch
# 30 on, once its rate has dropped below 0.002. After seven halvings
# (:math:`\eta = 0.05/2^7 \approx 4 \times 10^{-4}` in the last epochs) its excess loss is
# :math:`\approx 3 \times 10^{-6}`, 40 times below the small constant rate and more than
# :math:`10^4` times below the large one. Adaptive optimizers shrink their steps per
# parameter (Adagrad's sum of squares only ever grows), but a schedule on top is still common
# in practice;
# :ref:`sphx_glr_auto_examples_optimizers_plot_gradient_descent_modes.py` shows the same
# jitter on the lecture's four-point regression.
