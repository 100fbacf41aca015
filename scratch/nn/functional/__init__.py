"""The math of ``scratch.nn``, as functions: the twin of ``torch.nn.functional``.

Each forward function sits beside its hand-written ``*_backward`` (CS231n's ``affine_forward`` /
``affine_backward`` habit); the modules in ``scratch.nn`` hold parameters and state and call these.
"""

from scratch.nn.functional.activation import (
    elu,
    elu_backward,
    leaky_relu,
    leaky_relu_backward,
    log_softmax,
    log_softmax_backward,
    prelu,
    prelu_backward,
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    softmax,
    softmax_backward,
    step,
    step_backward,
    tanh,
    tanh_backward,
)
from scratch.nn.functional.cross_entropy_loss import (
    cross_entropy,
    cross_entropy_backward,
    nll_loss,
    nll_loss_backward,
)
from scratch.nn.functional.dropout import dropout, dropout_backward
from scratch.nn.functional.linear import linear, linear_backward
from scratch.nn.functional.loss import (
    binary_cross_entropy,
    binary_cross_entropy_backward,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_backward,
    half_squared_error,
    half_squared_error_backward,
    mse_loss,
    mse_loss_backward,
)
from scratch.nn.functional.normalization import (
    batch_norm,
    batch_norm_backward,
    batch_norm_backward_staged,
    batch_norm_staged,
    layer_norm,
    layer_norm_backward,
)
from scratch.nn.functional.rnn import (
    gru_cell,
    gru_cell_backward,
    lstm_cell,
    lstm_cell_backward,
    rnn_cell,
    rnn_cell_backward,
)
from scratch.nn.functional.sparse import embedding, embedding_backward

__all__ = [
    "batch_norm",
    "batch_norm_backward",
    "batch_norm_backward_staged",
    "batch_norm_staged",
    "binary_cross_entropy",
    "binary_cross_entropy_backward",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_backward",
    "cross_entropy",
    "cross_entropy_backward",
    "dropout",
    "dropout_backward",
    "elu",
    "elu_backward",
    "embedding",
    "embedding_backward",
    "gru_cell",
    "gru_cell_backward",
    "half_squared_error",
    "half_squared_error_backward",
    "layer_norm",
    "layer_norm_backward",
    "leaky_relu",
    "leaky_relu_backward",
    "linear",
    "linear_backward",
    "log_softmax",
    "log_softmax_backward",
    "lstm_cell",
    "lstm_cell_backward",
    "mse_loss",
    "mse_loss_backward",
    "nll_loss",
    "nll_loss_backward",
    "prelu",
    "prelu_backward",
    "relu",
    "relu_backward",
    "rnn_cell",
    "rnn_cell_backward",
    "sigmoid",
    "sigmoid_backward",
    "softmax",
    "softmax_backward",
    "step",
    "step_backward",
    "tanh",
    "tanh_backward",
]
