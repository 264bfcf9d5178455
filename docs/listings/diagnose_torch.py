"""The gradient-flow report of a PyTorch model (chapter 8).

tests/oracle runs this file and checks what it prints.
"""

import textwrap

import torch
from torch import nn

from gradlab.datasets import load_digits
from gradlab.torch import diagnose


class Classifier(nn.Module):
    """The chapter's network: 8 sigmoid layers of 32 units, 10 logits."""

    def __init__(self, width=32, depth=8):
        super().__init__()
        layers = []
        for fan_in in [64] + [width] * (depth - 1):
            linear = nn.Linear(fan_in, width, dtype=torch.float64)
            layers += [linear, nn.Sigmoid()]
        self.encoder = nn.Sequential(*layers)
        self.head = nn.Linear(width, 10, dtype=torch.float64)

    def forward(self, x):
        return self.head(self.encoder(x))


torch.manual_seed(0)
model = Classifier()  # PyTorch's default initialization
X, _, labels = load_digits(500)
inputs, targets = torch.from_numpy(X), torch.from_numpy(labels)
report = diagnose(model, inputs, targets, nn.CrossEntropyLoss())

first, last = report.layers[0], report.layers[-1]
print(f"{first.name}: ||dL/dW|| = {first.grad_norm:.3g}")
print(f"{last.name}: ||dL/dW|| = {last.grad_norm:.3g}")
for warning in report.warnings:
    print(textwrap.fill(warning, 79))
