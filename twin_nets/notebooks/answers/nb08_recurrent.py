"""08_순환_신경망: embeddings, recurrent cells, gradient clipping, normalization inside a recurrence."""

from __future__ import annotations

import numpy as np

from scratch import nn
from scratch.models.normalized_lstm import NormalizedLSTM
from scratch.nn.functional.rnn import lstm_cell
from scratch.nn.utils import clip_grad_norm_
from twin_nets.contract import tolerance
from twin_nets.notebooks.exercises import exercise


@exercise("C4.3-embedding/1")
def _embedding_row_gradient() -> float:
    emb = nn.Embedding(5, 2, padding_idx=0, rng=np.random.default_rng(0))
    x = np.array([[1, 4, 4, 4, 0]])
    emb.backward(np.ones_like(emb(x)))
    return float(emb.weight.grad[4, 0])


@exercise("C4.3-rnn/1")
def _rnn_parameter_count() -> int:
    return sum(p.data.size for p in nn.RNN(3, 4).parameters())


@exercise("C4.3-lstm/1")
def _lstm_with_zero_weights() -> float:
    z = np.zeros
    h_new, _, _ = lstm_cell(z((1, 1)), z((1, 1)), np.ones((1, 1)), z((4, 1)), z((4, 1)), z(4), z(4))
    return float(h_new[0, 0])


@exercise("C4.3-gru/1")
def _gru_weight_ih_rows() -> int:
    return nn.GRU(3, 4).weight_ih_l0.shape[0]


@exercise("C3.2.3-clip-grad/1")
def _total_norm_before_clipping() -> float:
    w, b = nn.Parameter(np.zeros(2)), nn.Parameter(np.zeros(1))
    w.grad[:] = [3.0, 4.0]
    b.grad[:] = [12.0]
    return float(clip_grad_norm_([w, b], max_norm=1.0))


@exercise("C4.3-layernorm-sequences/1")
def _batch_norm_on_a_doubled_batch() -> bool:
    rng = np.random.default_rng(3)
    model = NormalizedLSTM(3, 8, norm="batch", rng=rng)
    ab = rng.standard_normal((6, 2, 3))
    once = model(ab)[:, 0]
    twice = model(np.concatenate([ab, ab], axis=1))[:, 0]
    return bool(np.allclose(once, twice, **tolerance(np.float64)))


@exercise("C4.3-lstm/2")
def _perplexity_of_two_characters() -> float:
    probabilities = np.array([[1 / 2, 1 / 6, 1 / 6, 1 / 6], [1 / 8, 7 / 24, 7 / 24, 7 / 24]])
    scores = np.log(probabilities)  # softmax(log p) = p: the right character (0) gets 1/2, then 1/8
    return float(np.exp(nn.CrossEntropyLoss()(scores, np.array([0, 0]))))


@exercise("C4.3-layernorm-sequences/2")
def _eval_batch_norm_depends_on_batch_mates() -> bool:
    rng = np.random.default_rng(4)
    model = NormalizedLSTM(3, 8, norm="batch", rng=rng)
    model(rng.standard_normal((6, 4, 3)))  # training mode once: running statistics away from 0 and 1
    model.eval()
    a = rng.standard_normal((6, 1, 3))
    with_mates = [model(np.concatenate([a, rng.standard_normal((6, 3, 3))], axis=1))[:, 0] for _ in range(2)]
    return not bool(np.allclose(*with_mates, **tolerance(np.float64)))
