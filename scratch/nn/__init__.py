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
from scratch.nn.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from scratch.nn.sparse import Embedding

__all__ = [
    "ELU",
    "GRU",
    "LSTM",
    "RNN",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "CrossEntropyLoss",
    "Dropout",
    "Embedding",
    "GRUCell",
    "HalfSquaredErrorLoss",
    "HuberLoss",
    "LSTMCell",
    "LayerNorm",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "NLLLoss",
    "PReLU",
    "Parameter",
    "RNNCell",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "SmoothL1Loss",
    "Softmax",
    "Step",
    "Tanh",
    "init",
]
