# The lecture's PyTorch training step on a small torch.nn network, and the same step in gradlab.
import numpy as np
import torch

from gradlab import Activation, Dense, Sequential
from gradlab import optim as gl_optim

torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Linear(8, 16), torch.nn.Sigmoid(), torch.nn.Linear(16, 10)
).double()
data = torch.rand(1, 8, dtype=torch.float64)
labels = torch.rand(1, 10, dtype=torch.float64)
prediction = model(data)  # forward pass
loss = (prediction - labels).sum()
loss.backward()  # backward pass: fills p.grad for every parameter
before = [p.detach().clone() for p in model.parameters()]
optim = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
optim.step()  # gradient descent

# The same network in gradlab: Dense stores W as (fan_in, fan_out), torch as (out, in).
twin = Sequential(Dense(8, 16), Activation("sigmoid"), Dense(16, 10))
for dense, weight, bias in ((twin[0], *before[:2]), (twin[2], *before[2:])):
    dense.W.value[...] = weight.numpy().T  # the weights before the step
    dense.b.value[...] = bias.numpy()
out = twin.forward(data.numpy())
assert np.allclose(out, prediction.detach().numpy(), rtol=1e-14, atol=1e-15)
twin.backward(np.ones_like(out))  # d(sum(prediction - labels))/d prediction = 1
gl_optim.SGD(twin.parameters(), lr=1e-2, momentum=0.9).step()

for dense, linear in ((twin[0], model[0]), (twin[2], model[2])):
    assert np.allclose(dense.W.grad, linear.weight.grad.numpy().T, rtol=1e-12, atol=1e-15)
    assert np.allclose(dense.W.value, linear.weight.detach().numpy().T, rtol=1e-12, atol=1e-15)
    assert np.allclose(dense.b.value, linear.bias.detach().numpy(), rtol=1e-12, atol=1e-15)
# The first momentum step is a plain step: every parameter moved by -lr * grad.
for p, old in zip(model.parameters(), before, strict=True):
    assert torch.allclose(p.detach(), old - 1e-2 * p.grad)
n_params = sum(p.numel() for p in model.parameters())
print(f"{n_params} parameters; gradients and updated values agree between torch and gradlab")
