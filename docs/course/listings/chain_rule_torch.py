# L = w3 (w1 a) + w4 (w2 a), differentiated by gradlab.autodiff and by torch.autograd.
import torch

from gradlab.autodiff import Tensor

values = {"a": 0.5, "w1": 2.0, "w2": -1.0, "w3": 3.0, "w4": 0.5}

leaves = {name: Tensor(v, name=name) for name, v in values.items()}
a, w1, w2, w3, w4 = leaves.values()
L = w3 * (w1 * a) + w4 * (w2 * a)
L.backward()

torch_leaves = {
    name: torch.tensor(v, dtype=torch.float64, requires_grad=True) for name, v in values.items()
}
ta, tw1, tw2, tw3, tw4 = torch_leaves.values()
t_L = tw3 * (tw1 * ta) + tw4 * (tw2 * ta)
t_L.backward()

assert t_L.item() == float(L.data)
for name, leaf in leaves.items():
    mine, theirs = float(leaf.grad), torch_leaves[name].grad.item()
    assert mine == theirs, name  # bit for bit
    print(f"dL/d{name}: gradlab {mine:6.2f}   torch {theirs:6.2f}")
