"""gradlab: backpropagation, optimizers and weight initialization in plain NumPy.

The data flows one way, and the modules follow it::

    data (X, y) -> layers.forward -> losses -> losses.derivative -> layers.backward
                -> Parameter.grad -> optim.step -> Parameter.value

``autodiff`` does the same chain rule generically, on a graph of Tensors; ``diagnostics``
measures what flows backward; ``training.fit`` runs the loop; ``datasets`` holds the lectures'
toy data; ``plotting`` (optional, needs Matplotlib) draws the figures of the course.
"""

from . import activations, autodiff, datasets, diagnostics, init, layers, losses, optim, training
from .layers import Activation, BatchNorm, Dense, Layer, Residual, Sequential, mlp
from .parameter import Parameter
from .training import History, fit

__version__ = "0.1.0"
__all__ = [
    "Activation",
    "BatchNorm",
    "Dense",
    "History",
    "Layer",
    "Parameter",
    "Residual",
    "Sequential",
    "__version__",
    "activations",
    "autodiff",
    "datasets",
    "diagnostics",
    "fit",
    "init",
    "layers",
    "losses",
    "mlp",
    "optim",
    "training",
]
