# torch.nn.Linear(300, 200) at initialization, next to gradlab.init.standard.
import math

import numpy as np
import torch

from gradlab import init

n, m = 300, 200

slope = math.sqrt(5)
gain = init.calculate_gain("leaky_relu", slope)
assert gain == torch.nn.init.calculate_gain("leaky_relu", slope)
bound = gain * math.sqrt(3 / n)  # kaiming_uniform_'s bound
assert abs(bound - 1 / math.sqrt(n)) < 1e-15

torch.manual_seed(0)
linear = torch.nn.Linear(n, m)  # weight stored as (out, in): transpose to gradlab's (in, out)
W_torch = linear.weight.detach().double().numpy().T
b_torch = linear.bias.detach().double().numpy()
W_standard = init.standard(n, m, rng=0)
for W_ in (W_torch, W_standard):
    assert np.abs(W_).max() <= bound
    assert abs(n * W_.var() - 1 / 3) < 0.01
assert np.abs(b_torch).max() <= bound
assert np.abs(b_torch).max() > 0.9 * bound
print(f"gain {gain:.4f}; bound 1/sqrt(300) = {bound:.5f}; torch max |W| = "
      f"{np.abs(W_torch).max():.5f}, max |b| = {np.abs(b_torch).max():.5f}")  # fmt: skip
print(f"n_in Var[W]: torch.nn.Linear {n * W_torch.var():.4f}, gradlab.init.standard "
      f"{n * W_standard.var():.4f}, Xavier {n * 2 / (n + m):.4f}")  # fmt: skip
