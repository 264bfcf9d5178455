r"""
=====================================================
L1, L2 and decoupled weight decay on a small data set
=====================================================

A network with far more weights than training samples can drive its training loss to zero
while its test loss grows: it overfits, and its weights keep growing to make the training
predictions ever more confident. Regularization (규제) penalizes large weights. The lecture's
weight decay (가중치 감쇠) shrinks every weight at each update,

.. math:: w \leftarrow (1 - \lambda)\, w - \eta\, \frac{\partial E}{\partial w},

close to, but not always the same as, adding an L2 penalty :math:`\tfrac{\lambda'}{2}\|w\|^2`
to the cost. We train an over-parameterized MLP on 50 digits with plain SGD, SGD with L2
(``weight_decay``), SGD with an L1 penalty, Adam, Adam with L2, and AdamW (decoupled decay),
and compare training and test loss and the size of the weights. The course chapters are
:ref:`course-optimizers` and, for regularization as a counter-measure against exploding
weights, :ref:`course-vanishing`.
"""

# %%
# The lecture's form and PyTorch's ``weight_decay``
# -------------------------------------------------
# :class:`gradlab.optim.SGD`'s ``weight_decay`` :math:`\lambda'` (PyTorch's name) adds
# :math:`\lambda' w` to the gradient, the gradient of the L2 penalty. One step is then
# :math:`w - \eta(\partial E/\partial w + \lambda' w) = (1 - \eta\lambda')\, w - \eta\,
# \partial E / \partial w`: the lecture's form with :math:`\lambda = \eta\lambda'`.
# :class:`gradlab.optim.AdamW` applies the lecture's shrink directly,
# :math:`w \leftarrow (1 - \eta\lambda')\, w`, and then takes an ordinary Adam step; plain
# :class:`gradlab.optim.Adam` with ``weight_decay`` instead puts :math:`\lambda' w` into the
# gradient, where Adam divides it by :math:`\sqrt{\hat v}` like everything else. We check the
# two identities on one step.
import numpy as np

from gradlab import Parameter, optim
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi


def one_step(make_optimizer, w, g):
    """The weights w after one step of the optimizer with gradient g."""
    p = Parameter(w)
    p.grad[...] = g
    make_optimizer([p]).step()
    return p.value


rng = np.random.default_rng(0)
w0, g = rng.normal(size=5), rng.normal(size=5)
sgd_l2 = one_step(lambda ps: optim.SGD(ps, lr=0.5, weight_decay=0.01), w0, g)
lecture = (1 - 0.5 * 0.01) * w0 - 0.5 * g
gap = np.abs(sgd_l2 - lecture).max()
print(f"SGD(weight_decay=0.01) vs (1 - 0.005) w - 0.5 g: {gap:.2g}")

adamw = one_step(lambda ps: optim.AdamW(ps, lr=0.01, weight_decay=0.5), w0, g)
shrunk = (1 - 0.01 * 0.5) * w0
shrink_then_adam = one_step(lambda ps: optim.Adam(ps, lr=0.01), shrunk, g)
gap = np.abs(adamw - shrink_then_adam).max()
print(f"AdamW vs shrink by (1 - 0.005) then Adam: {gap:.2g}")

# %%
# Data and model
# --------------
# 50 training digits and 500 test digits, drawn at random from the 8x8 digits that ship with
# gradlab (:func:`gradlab.datasets.load_digits`), and an MLP with one hidden layer of 128
# ReLU units (He initialization): 9,610 parameters for 50 samples. Training is full-batch on the
# cross-entropy (:data:`gradlab.losses.cross_entropy`) for 500 epochs.
from gradlab import mlp
from gradlab.datasets import load_digits
from gradlab.losses import cross_entropy


def split(n_samples, n_train=50, n_test=500, seed=0):
    """Random indices of the training and of the test digits."""
    order = np.random.default_rng(seed).permutation(n_samples)
    return order[:n_train], order[n_train : n_train + n_test]


def new_model():
    """The 64-128-10 ReLU network, He-initialized from seed 1."""
    return mlp([64, 128, 10], activation="relu", init="he_normal", rng=1)


X, Y, labels = load_digits()
train, test = split(len(X))

# %%
# L1 by hand
# ----------
# gradlab, like PyTorch, has no L1 option in its optimizers. The L1 penalty
# :math:`\lambda \sum |w|` has the (sub)gradient :math:`\lambda\, \mathrm{sign}(w)`, which we
# add to the gradients before the step: ``p.grad += lam * np.sign(p.value)``. Unlike L2's
# pull, which is proportional to :math:`w`, it pulls every weight toward zero with the same
# force, so weights whose loss gradient is weaker than :math:`\lambda` end up hovering at zero.


def train_model(
    make_optimizer,
    X,
    Y,
    train,
    test,
    l1=0.0,
    epochs=500,
    every=10,
):
    """Full-batch training on the digits ``train``; returns the model, its
    optimizer and rows of (epoch, training loss, test loss)."""
    model = new_model()
    params = model.parameters()
    opt = make_optimizer(params)
    record = []
    sets = (train, test)
    for epoch in range(epochs + 1):
        if epoch % every == 0:
            losses = [cross_entropy(model.forward(X[s]), Y[s]) for s in sets]
            record.append([epoch, *losses])
        if epoch == epochs:
            return model, opt, np.array(record)
        opt.zero_grad()
        out = model.forward(X[train])
        grad = cross_entropy.derivative(out, Y[train])
        model.backward(grad, input_grad=False)
        for p in params if l1 else ():
            p.grad += l1 * np.sign(p.value)
        opt.step()


# %%
# Six ways to train
# -----------------
# SGD uses :math:`\eta = 0.5` and Adam :math:`\eta = 0.01`. SGD's L2 ``weight_decay = 0.01``
# and AdamW's ``weight_decay = 0.5`` both shrink the weights by the lecture's
# :math:`\lambda = \eta\lambda' = 0.005` per step; Adam's L2 uses ``weight_decay = 0.01``
# (its effect per weight is not a fixed number, see below), and L1 uses
# :math:`\lambda = 10^{-3}`. The decay applies to all parameters, biases included, as
# passing ``model.parameters()`` to PyTorch does.
RUNS = {
    "SGD": (lambda ps: optim.SGD(ps, lr=0.5), 0.0),
    "SGD + L2": (lambda ps: optim.SGD(ps, lr=0.5, weight_decay=0.01), 0.0),
    "SGD + L1": (lambda ps: optim.SGD(ps, lr=0.5), 1e-3),
    "Adam": (lambda ps: optim.Adam(ps, lr=0.01), 0.0),
    "Adam + L2": (lambda ps: optim.Adam(ps, lr=0.01, weight_decay=0.01), 0.0),
    "AdamW": (lambda ps: optim.AdamW(ps, lr=0.01, weight_decay=0.5), 0.0),
}
results = {}
for name, (make, l1) in RUNS.items():
    results[name] = train_model(make, X, Y, train, test, l1)


def weights(model):
    """All weights (not biases) as one vector."""
    return np.concatenate([model[i].W.value.ravel() for i in (0, 2)])


def summary(model, record, X, labels, test):
    """The numbers of one row of the table below."""
    w = weights(model)
    predicted = model.forward(X[test]).argmax(axis=1)
    return {
        "train": record[-1, 1],
        "test": record[-1, 2],
        "best test": record[:, 2].min(),
        "accuracy": np.mean(predicted == labels[test]),
        "norm": np.linalg.norm(w),
        "small": np.mean(np.abs(w) < 1e-3),
    }


initial = np.linalg.norm(weights(new_model()))
print(f"weight norm ||W|| at initialization: {initial:.3g}")
header = ["train", "test", "(best)", "acc", "||W||", "|w|<1e-3"]
print(" " * 10, "{:>7} {:>6} {:>6} {:>6} {:>6} {:>8}".format(*header))
for name, (model, _, record) in results.items():
    row = summary(model, record, X, labels, test)
    print(f"{name:10} {row['train']:7.2g} {row['test']:6.3f}", end=" ")
    print(f"{row['best test']:6.3f} {row['accuracy']:6.1%}", end=" ")
    print(f"{row['norm']:6.1f} {row['small']:8.1%}")

# %%
# Plot the learning curves
# ------------------------
# Training loss on a log scale (top), test loss on a linear scale (bottom).
import matplotlib.pyplot as plt

fig, (ax_train, ax_test) = plt.subplots(
    2,
    1,
    figsize=(7, 7),
    sharex=True,
    num=(
        "Training loss on 50 digits (top, log scale) and test loss on 500 "
        "(bottom) against epoch for SGD and Adam, plain, with L2 or L1, and "
        "AdamW: every run fits the training digits, and without "
        "regularization the test loss climbs again after its minimum."
    ),
)
for i, (name, (_, _, record)) in enumerate(results.items()):
    dashes = "-" if name.startswith("SGD") else "--"
    style = {"color": f"C{i}", "linestyle": dashes}
    ax_train.semilogy(record[:, 0], record[:, 1], label=name, **style)
    ax_test.plot(record[:, 0], record[:, 2], label=name, **style)
# symbols only (the figure is shown in two languages): n digits in each set
ax_train.set(ylabel=r"$L_\mathrm{train}$", title="$n = 50$")
ax_test.set(xlabel="$t$", ylabel=r"$L_\mathrm{test}$", ylim=(0.6, 1.3))
ax_test.set_title("$n = 500$")
ax_test.legend(ncols=2)
plt.show()

# %%
# Where do the weights end up?
# ----------------------------
# Histograms of :math:`|w|` (log scale). L1 piles a large fraction of the weights up near zero;
# L2 and AdamW shrink all weights by a common factor.
fig, axes = plt.subplots(
    2,
    1,
    figsize=(7, 6),
    sharex=True,
    sharey=True,
    num=(
        "Histograms of the weights' sizes after training, log scale, SGD "
        "runs on top and Adam runs below: L1, and Adam with L2, pile many "
        "weights up near zero, while L2 on SGD and AdamW shrink all weights "
        "by a common factor."
    ),
)
bins = np.geomspace(1e-6, 10, 50)
for ax, family in zip(axes, ("SGD", "Adam"), strict=True):
    for name in (n for n in RUNS if n.startswith(family)):
        sizes = np.abs(weights(results[name][0]))
        ax.hist(sizes, bins=bins, histtype="step", label=name)
    ax.set(xscale="log", ylabel=r"$\#\,w$", title=family)  # weights per bin
    ax.legend(loc="upper left")
axes[-1].set_xlabel("$|w|$")
plt.show()

# %%
# Adam's L2 penalty is not a weight decay
# ---------------------------------------
# With L2, the term :math:`\lambda' w_i` enters Adam's moments like the gradient, and the
# update divides it by :math:`\sqrt{\hat v_i}`, the running size of that weight's gradient.
# We read :math:`\hat v_i` from the optimizer's state after training
# (``opt.state[p].exp_avg_sq`` divided by :math:`1 - \beta_2^t`): where it is large the
# penalty is weak, where it is small the penalty is strong. AdamW's shrink
# :math:`(1 - \eta\lambda')` is the same for every weight.


def adam_divisors(model, opt):
    """sqrt(v_hat) of every weight (not bias), from Adam's state
    (beta_2 = 0.999)."""
    divisors = []
    for layer in (model[0], model[2]):
        state = opt.state[layer.W]
        v_hat = state.exp_avg_sq / (1 - 0.999**state.step)
        divisors.append(np.sqrt(v_hat).ravel())
    return np.concatenate(divisors)


model, adam_l2, _ = results["Adam + L2"]
low, median, high = np.percentile(adam_divisors(model, adam_l2), [5, 50, 95])
print("Adam + L2 divides the L2 term by sqrt(v_hat):")
print(f"  5% {low:.2e}, 50% {median:.2e}, 95% {high:.2e}")
print(f"the penalty's strength differs {high / low:.0f}-fold between these")

# %%
# Interpretation
# --------------
# Without regularization both optimizers fit the 50 training digits almost perfectly (training
# loss :math:`< 0.01`) while the test loss climbs from its minimum, Adam's from 0.83 to 1.19
# and SGD's from 0.77 to 0.84, and the weights grow (norm 16.6 at initialization, 19.0 after
# SGD, 22.7 after Adam). L2 and L1 on SGD end with lower test loss than plain SGD (0.74 and
# 0.75) and with weights about 2.5 (L2) and 1.8 (L1) times smaller in norm; L1 in addition
# sets about three quarters of the weights to (almost) zero, a sparse network, which L2 does
# not. Adam with L2 regularizes strongly here, but not as a weight decay: the penalty on each
# weight is divided by that weight's :math:`\sqrt{\hat v_i}`, which differs about 50-fold
# across the weights, so weights with large gradients are barely decayed while weights with
# tiny gradients are pulled to zero at a nearly constant speed, much like L1 (22% end below
# :math:`10^{-3}`). AdamW restores the lecture's uniform shrink :math:`(1 - \eta\lambda')`
# (Loshchilov & Hutter, 2019); with the same per-step shrink as SGD + L2 it limits the
# weights' growth (norm 14.5 against 22.7) but, at this strength, not Adam's overfitting. On a
# network this small the test accuracies differ by only a few points; the weight norms show
# the mechanisms more clearly than the accuracy does. Large weights are also what makes
# gradients explode, which is why the lecture lists L1/L2 regularization among the
# counter-measures in :ref:`course-vanishing`.
