# Where torch.nn.Linear initializes its weight and bias.
import inspect

import torch

print(inspect.getsource(torch.nn.Linear.reset_parameters), end="")
