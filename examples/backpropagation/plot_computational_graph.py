r"""
===============================================
A computational graph, and the chain rule as DP
===============================================

:mod:`gradlab.autodiff` records every operation on a :class:`~gradlab.autodiff.Tensor`, so an
expression becomes a :term:`computational graph` (계산 그래프): leaves (the inputs), one node per
operation, and the result at the root. :meth:`~gradlab.autodiff.Tensor.backward` then walks
the graph once, from the root back to the leaves, and gives every node :math:`v` the
derivative of the root :math:`w`,

.. math::

    \frac{\partial w}{\partial v} = \sum_{c \,\in\, \text{children}(v)}
    \frac{\partial w}{\partial c}\, \frac{\partial c}{\partial v},

the multivariable :term:`chain rule` (연쇄법칙). A node used twice collects one term per use.
This example draws the graph of :math:`z = xy,\ w = z + zx` with every forward value and
gradient, checks the gradients against derivatives taken by hand, and counts how much work the
stored sums save compared with multiplying along every path separately: the
:term:`dynamic programming` (동적 계획법) of :ref:`course-chain-rule`.
"""

# %%
# Build the expression and run backward
# -------------------------------------
# Two leaves, :math:`x = 2` and :math:`y = 3`, and three operations. :math:`z = xy` is used
# twice, by :math:`u = zx` and by :math:`w = z + u`, and so is :math:`x`.
from gradlab.autodiff import Tensor, topological_order
from gradlab.plotting import course_style

course_style()  # figures 7 in wide at 150 dpi


def shared_graph(x_value=2.0, y_value=3.0):
    """The leaves x, y and the nodes z = xy, u = zx, w = z + u, each named
    after itself."""
    x, y = Tensor(x_value, name="x"), Tensor(y_value, name="y")
    z = x * y
    u = z * x
    w = z + u
    z.name, u.name, w.name = "z", "u", "w"
    return x, y, z, u, w


x, y, z, u, w = shared_graph()
w.backward()

# %%
# Check against the derivatives by hand
# -------------------------------------
# Substituting, :math:`w = xy + x^2 y`, so :math:`\partial w/\partial x = y + 2xy = 15` and
# :math:`\partial w/\partial y = x + x^2 = 6`. Treating :math:`z` as a variable of its own,
# :math:`w = z + zx` gives :math:`\partial w/\partial z = 1 + x = 3`, and
# :math:`\partial w/\partial u = 1`.
xv, yv = 2.0, 3.0
by_hand = {
    "x": yv + 2 * xv * yv,
    "y": xv + xv**2,
    "z": 1 + xv,
    "u": 1.0,
    "w": 1.0,
}
for node in topological_order(w):
    hand = by_hand[node.name]
    print(f"dw/d{node.name} = {float(node.grad):>4g}   by hand: {hand:g}")

# %%
# Lay the graph out from its topological order
# --------------------------------------------
# :func:`~gradlab.autodiff.topological_order` lists every node after its parents, leaves first
# and the root last; :meth:`~gradlab.autodiff.Tensor.backward` visits the nodes in exactly the
# reverse of this order. Each node goes into the column one to the right of its deepest parent,
# so the leaves are on the left and the root on the right, and halfway between its parents in
# height. A node with more than one child is a *shared* node: its gradient is a sum over the
# children.
order = topological_order(w)
children = {id(node): [] for node in order}
column, position = {}, {}
leaves = [node for node in order if not node.parents]
for node in order:
    for parent in node.parents:
        children[id(parent)].append(node)
    if node.parents:
        column[id(node)] = 1 + max(column[id(p)] for p in node.parents)
        heights = [position[id(p)][1] for p in node.parents]
        height = sum(heights) / len(heights)
    else:
        column[id(node)] = 0
        step = 4.0 / max(len(leaves) - 1, 1)
        height = 2.0 - step * leaves.index(node)
    position[id(node)] = (2.6 * column[id(node)], height)


def local_derivative(child, parent):
    """d child / d parent for the primitives in these graphs."""
    if child.op == "+":
        return 1.0
    if child.op == "*":
        a, b = child.parents
        return float(b.data if parent is a else a.data)
    if child.op == "tanh":
        return float(1 - child.data**2)
    if child.op == "sigmoid":
        return float(child.data * (1 - child.data))
    raise ValueError(child.op)


for node in order:
    if len(children[id(node)]) > 1:
        terms = [
            f"{float(c.grad):g}·{local_derivative(c, node):g} (via {c.name})"
            for c in children[id(node)]
        ]
        total = f"{' + '.join(terms)} = {float(node.grad):g}"
        print(f"{node.name} is shared: dw/d{node.name} = {total}")

# %%
# Draw it
# -------
# Boxes are nodes (name, operation, forward value, gradient :math:`\partial w/\partial v`),
# arrows the forward direction, each labelled with the local derivative
# :math:`\partial c/\partial v` that backward multiplies by on its way back. Shared nodes are
# orange, with their gradient split into one term per child.
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

fig, ax = plt.subplots(
    figsize=(7, 4.2),
    num=(
        "Computational graph of z = xy, u = zx, w = z + u at x = 2, y = 3: "
        "boxes give each node's value and its gradient of w, arrows the "
        "local derivatives; the shared nodes x and z, in orange, sum one "
        "term per use, dw/dz = 3 and dw/dx = 15."
    ),
)
for node in order:
    cx, cy = position[id(node)]
    shared = len(children[id(node)]) > 1
    ax.add_patch(
        FancyBboxPatch(
            (cx - 0.75, cy - 0.5),
            1.5,
            1.0,
            boxstyle="round,pad=0.05",
            facecolor="#fdd49e" if shared else "#deebf7",
            edgecolor="#d94801" if shared else "#3182bd",
            linewidth=2 if shared else 1,
        )
    )
    # symbols only: the figure is shown in the English and the Korean edition
    operation = {"*": "·", "+": " + "}.get(node.op, "")
    parents = operation.join(p.name for p in node.parents)
    kind = f" = {parents}" if node.op else ""
    grad = f"∂w/∂{node.name} = {float(node.grad):g}"
    if shared:  # one term per child: d w/d child * d child/d node
        kids = children[id(node)]
        terms = [float(c.grad) * local_derivative(c, node) for c in kids]
        grad += "\n= " + " + ".join(f"{t:g}" for t in terms)
    ax.text(
        cx,
        cy,
        f"{node.name}{kind} = {float(node.data):g}\n{grad}",
        ha="center",
        va="center",
        fontsize=9,
    )
    for parent in node.parents:
        px, py = position[id(parent)]
        local = local_derivative(node, parent)
        ax.annotate(
            "",
            xy=(cx - 0.8, cy),
            xytext=(px + 0.8, py),
            arrowprops={
                "arrowstyle": "->",
                "color": "0.35",
                "shrinkA": 0,
                "shrinkB": 0,
            },
        )
        ax.text(
            (px + cx) / 2,
            (py + cy) / 2,
            f"∂{node.name}/∂{parent.name} = {local:g}",
            ha="center",
            va="center",
            fontsize="small",
            color="0.25",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )
ax.set(
    xlim=(-1.0, 8.8),
    ylim=(-2.7, 2.7),
    aspect="equal",
    title="z = x·y, u = z·x, w = z + u",
)
ax.axis("off")
plt.show()

# %%
# Counting the work: every path versus every node once
# ----------------------------------------------------
# Without the stored sums, :math:`\partial w/\partial x` is the sum over every path from
# :math:`w` down to :math:`x` of the product of the local derivatives along it. The function
# below does exactly that, recursively, and counts its calls. On the graph above it already
# visits some nodes twice. To see the growth, take a deep graph in which every layer feeds its
# input through two branches that meet again,
#
# .. math:: v_k = \tanh(v_{k-1}) + \sigma(v_{k-1}), \qquad v_0 = x = 0.5,
#
# so that the number of paths doubles with each layer: :math:`2^d` paths for depth :math:`d`.
# Backward visits each of its :math:`3d + 1` nodes once.


def path_sum(node, leaf, calls):
    """Sum over all paths from node down to leaf of the product of local
    derivatives."""
    calls[0] += 1
    if node is leaf:
        return 1.0
    total = 0.0
    for parent in node.parents:
        total += local_derivative(node, parent) * path_sum(parent, leaf, calls)
    return total


calls = [0]
dw_dx = path_sum(w, x, calls)
print(f"\ngraph above: the path sum gives dw/dx = {dw_dx:g}")
print(f"in {calls[0]} calls;", end=" ")
print(f"backward visits each of its {len(order)} nodes once")


def deep_graph(depth):
    leaf = Tensor(0.5, name="x")
    v = leaf
    for _ in range(depth):
        v = v.tanh() + v.sigmoid()
    return leaf, v


def both_ways(depth):
    """dv/dx of the deep graph by the path sum and by backward, and the
    work each took: (path sum, its calls, backward's gradient, the nodes
    backward visits)."""
    leaf, root = deep_graph(depth)
    root.backward()
    calls = [0]
    naive = path_sum(root, leaf, calls)
    return naive, calls[0], float(leaf.grad), len(topological_order(root))


depths = range(1, 15)
naive_calls, dp_visits = [], []
print("\ndepth   paths   path-sum calls   backward visits   relative gap")
for depth in depths:
    naive, n_calls, grad, visits = both_ways(depth)
    naive_calls.append(n_calls)
    dp_visits.append(visits)
    if depth % 3 == 2 or depth == depths[-1]:
        agree = abs(naive - grad) / abs(grad)
        row = f"{depth:>5} {2**depth:>7} {n_calls:>16} {visits:>17}"
        print(f"{row} {agree:>14.0e}")

# %%
# Plot the two counts
# -------------------
# On a log scale the path enumeration is a straight line, :math:`4 \cdot 2^d - 3` calls;
# backward's :math:`3d + 1` visits barely rise.
fig, ax = plt.subplots(
    figsize=(6.4, 4),
    num=(
        "Work against the depth d of a branching graph, log scale: "
        "enumerating every path takes a number of calls that doubles with "
        "each layer, a straight line, while backward visits only its 3d + 1 "
        "nodes, a line that barely rises."
    ),
)
# the legend names the code's two ways and the counts they reach
every_path = r"path_sum: $4 \cdot 2^d - 3$"
ax.semilogy(depths, naive_calls, "o-", label=every_path)
ax.semilogy(depths, dp_visits, "s-", label="backward: $3d + 1$")
ax.set_xlabel("$d$")
ax.grid(alpha=0.3, which="both")
ax.legend()
plt.show()

# %%
# Interpretation
# --------------
# The gradient of a shared node is a sum with one term per child:
# :math:`\partial w/\partial z = 1 \cdot 2 + 1 \cdot 1 = 3` (through :math:`u` and directly),
# and :math:`x`, used by :math:`z` and by :math:`u`, collects
# :math:`3 \cdot 3 + 1 \cdot 6 = 15`. Backward computes each node's gradient once, stores it
# and reuses it for all the node's parents, in reverse topological order so that a gradient is
# complete before anyone reads it. Enumerating paths gives the same number (the two agree to
# rounding error) but redoes the shared work for every path, and the number of paths doubles
# with every layer that branches: at depth 14, 65,533 calls against 43 node visits. Reusing
# stored partial results is what makes :term:`backpropagation` (역전파) affordable for networks
# with millions of shared intermediate values; the two-layer network of the lectures is worked
# through by hand in :ref:`sphx_glr_auto_examples_backpropagation_plot_lecture_network.py`.
