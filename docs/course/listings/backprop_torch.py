# The lecture's 2-2-1 network, one SGD step (learning rate 0.01) on its first data point:
# gradlab's layers against PyTorch in float64. nn.Linear stores its weight as (out, in) and
# computes x W^T, so it holds the transpose of gradlab's W.
import numpy as np
import torch

from gradlab import losses, optim
from gradlab.datasets import lecture_network, lecture_network_data

X, Y = lecture_network_data()

# gradlab layers: backward is seeded with dE/dy_hat, every Dense layer fills its W.grad
model = lecture_network()
W1, W2 = model[0].W.value.copy(), model[2].W.value.copy()  # the initial weights
opt = optim.SGD(model.parameters(), lr=0.01)
opt.zero_grad()
prediction = model.forward(X[:1])  # forward pass
model.backward(losses.squared_error.derivative(prediction, Y[:1]))  # backward pass
layers_grads = (model[0].W.grad.copy(), model[2].W.grad.copy())
opt.step()  # gradient descent
layers_new = (model[0].W.value.copy(), model[2].W.value.copy())

# PyTorch
torch_model = torch.nn.Sequential(
    torch.nn.Linear(2, 2, bias=False), torch.nn.Sigmoid(),
    torch.nn.Linear(2, 1, bias=False), torch.nn.Sigmoid(),
).double()  # fmt: skip
with torch.no_grad():
    torch_model[0].weight.copy_(torch.from_numpy(W1.T))
    torch_model[2].weight.copy_(torch.from_numpy(W2.T))
optimizer = torch.optim.SGD(torch_model.parameters(), lr=0.01)
optimizer.zero_grad()
prediction = torch_model(torch.from_numpy(X[:1]))  # forward pass
loss = 0.5 * ((prediction - torch.from_numpy(Y[:1])) ** 2).sum()
loss.backward()  # backward pass
torch_grads = tuple(torch_model[i].weight.grad.numpy().T.copy() for i in (0, 2))
optimizer.step()  # gradient descent
torch_new = tuple(torch_model[i].weight.detach().numpy().T.copy() for i in (0, 2))


def largest_relative_difference(a, b):
    return max(float(np.max(np.abs(p / q - 1))) for p, q in zip(a, b, strict=True))


gradients = largest_relative_difference(torch_grads, layers_grads)
new_weights = largest_relative_difference(torch_new, layers_new)
assert max(gradients, new_weights) < 1e-15
assert np.array_equal(layers_grads[1], torch_grads[1])  # the output layer: bit for bit
print("dE/dW1 (torch, transposed):", np.round(torch_grads[0], 7).tolist())
print("dE/dW2 (torch, transposed):", np.round(torch_grads[1], 7).tolist())
print("new w1_11, w2_11 (torch):  ", round(float(torch_new[0][0, 0]), 7),
      round(float(torch_new[1][0, 0]), 7))  # fmt: skip
print("gradients and new weights: the same as gradlab's layers to below 1e-15 relative")
