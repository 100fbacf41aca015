"""The torch twin of ``scratch.nn``: torch's own classes where torch has them, the rest written here."""

from torch.nn import (
    ELU,
    BatchNorm1d,
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    Dropout,
    LayerNorm,
    LeakyReLU,
    Linear,
    LogSoftmax,
    Module,
    MSELoss,
    NLLLoss,
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
from torch_impl.nn.dropout import SharedMaskDropout
from torch_impl.nn.loss import HalfSquaredErrorLoss

__all__ = [
    "ELU",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "CrossEntropyLoss",
    "Dropout",
    "HalfSquaredErrorLoss",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "NLLLoss",
    "PReLU",
    "Parameter",
    "ReLU",
    "Sequential",
    "SharedMaskDropout",
    "Sigmoid",
    "Softmax",
    "Step",
    "Tanh",
    "init",
]
