"""The NumPy twin of ``torch.nn``: the same class names, arguments, defaults and state-dict keys."""

from scratch.nn import init
from scratch.nn.activation import ELU, LeakyReLU, LogSoftmax, PReLU, ReLU, Sigmoid, Softmax, Step, Tanh
from scratch.nn.batchnorm import BatchNorm1d
from scratch.nn.dropout import Dropout
from scratch.nn.linear import Linear
from scratch.nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HalfSquaredErrorLoss,
    HuberLoss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from scratch.nn.module import Module, Parameter, Sequential
from scratch.nn.normalization import LayerNorm

__all__ = [
    "ELU",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "CrossEntropyLoss",
    "Dropout",
    "HalfSquaredErrorLoss",
    "HuberLoss",
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
    "Sigmoid",
    "SmoothL1Loss",
    "Softmax",
    "Step",
    "Tanh",
    "init",
]
