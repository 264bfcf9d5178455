"""gradlab: backpropagation, optimizers and weight initialization in plain NumPy."""

from .parameter import Parameter

__version__ = "0.1.0"
__all__ = ["Parameter", "__version__"]
