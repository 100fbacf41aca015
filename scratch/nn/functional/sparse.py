r"""C4.3-embedding: the embedding lookup, forward beside backward (seed §4.3, week 3).

The twin of ``torch.nn.functional.embedding``.
"""

from __future__ import annotations

import numpy as np


def embedding(indices: np.ndarray, weight: np.ndarray) -> np.ndarray:
    r"""C4.3-embedding: 임베딩 (embedding lookup), seed §4.3

    Math:      y[…] = W[x[…]]           (row x of W: the same as one_hot(x) W, without the product)
    Shape:     x (*) integer, W (num_embeddings, embedding_dim) -> y (*, embedding_dim)
    """
    return weight[indices]


def embedding_backward(
    grad_output: np.ndarray, indices: np.ndarray, num_embeddings: int, padding_idx: int | None = None
) -> np.ndarray:
    r"""Backward of ``embedding``: ∂E/∂W[k] = Σ_{positions p with x_p = k} g_p  (one_hot(x)ᵀ g).

    A row picked twice gets both gradients (``np.add.at``, not ``W[x] += g``, which keeps one of them).
    ``padding_idx``: that row's gradient stays 0, so the padding vector never learns, as in torch.
    Differs: indices carry no gradient (they are integers), so there is no ∂E/∂x.
    """
    grad_weight = np.zeros((num_embeddings, grad_output.shape[-1]), dtype=grad_output.dtype)
    np.add.at(grad_weight, indices.reshape(-1), grad_output.reshape(-1, grad_output.shape[-1]))
    if padding_idx is not None:
        grad_weight[padding_idx] = 0
    return grad_weight
