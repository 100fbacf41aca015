"""The NumPy twin of ``torch.nn``: the same class names, arguments, defaults and state-dict keys."""

from scratch.nn import init
from scratch.nn.activation import ELU, LeakyReLU, LogSoftmax, PReLU, ReLU, Sigmoid, Softmax, Step, Tanh
from scratch.nn.linear import Linear
from scratch.nn.module import Module, Parameter, Sequential

__all__ = [
    "ELU",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "Module",
    "PReLU",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Step",
    "Tanh",
    "init",
]
