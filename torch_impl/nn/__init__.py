"""The torch twin of ``scratch.nn``: torch's own classes where torch has them, the rest written here."""

from torch.nn import (
    ELU,
    LeakyReLU,
    Linear,
    LogSoftmax,
    Module,
    Parameter,
    PReLU,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
    init,
)

from torch_impl.nn.activation import Step

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
