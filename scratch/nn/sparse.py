"""C4.3-embedding: ``Embedding``, the twin of ``torch.nn.Embedding`` (seed §4.3, week 3).

The math is ``scratch.nn.functional.sparse``."""

from __future__ import annotations

from typing import Any

import numpy as np

from scratch.nn import init
from scratch.nn.checks import check_grad_output, check_positive_int
from scratch.nn.functional.sparse import embedding, embedding_backward
from scratch.nn.module import Module, Parameter


class Embedding(Module):
    r"""C4.3-embedding: 임베딩 (Embedding), seed §4.3

    A lookup table: token k's vector is row k of W, learned like any weight.

    Math:      y = W[x]
    Backward:  ∂E/∂W[k] = Σ over the positions where x = k of g;  row ``padding_idx`` gets 0.
               ``backward`` returns None: integer indices have no gradient.
    Shape:     x (*) integers in [0, num_embeddings) -> y (*, embedding_dim);  weight (num_embeddings,
               embedding_dim).
    Args:
        num_embeddings, embedding_dim: the table's size.
        padding_idx: a row that stays zero-initialised and never learns (negative: counted from the end).
        dtype (float64), rng: torch's init W ~ N(0, 1), the padding row then set to 0.
    Differs from torch: ``max_norm``, ``scale_grad_by_freq`` and ``sparse`` are not built.

    Example:
        >>> import numpy as np
        >>> emb = Embedding(5, 2, padding_idx=0, rng=np.random.default_rng(0))
        >>> y = emb(np.array([[0, 3, 3]]))
        >>> emb.backward(np.ones_like(y)) is None, emb.weight.grad[[0, 3]].tolist()
        (True, [[0.0, 0.0], [2.0, 2.0]])
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        *,
        dtype: Any = np.float64,
        rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        self.num_embeddings = check_positive_int("Embedding", "num_embeddings", num_embeddings)
        self.embedding_dim = check_positive_int("Embedding", "embedding_dim", embedding_dim)
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(
                    f"Embedding: expected padding_idx within num_embeddings={num_embeddings}, "
                    f"got {padding_idx}"
                )
            padding_idx = int(padding_idx) % num_embeddings  # torch: a negative index counts from the end
        self.padding_idx = padding_idx
        self.weight = Parameter(np.empty((num_embeddings, embedding_dim), dtype=np.dtype(dtype)))
        self._x = None
        self.reset_parameters(rng)

    def reset_parameters(self, rng: np.random.Generator | None = None) -> None:
        init.normal_(self.weight.data, rng=rng)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    def forward(self, input: np.ndarray) -> np.ndarray:
        x = np.asarray(input)
        if x.dtype.kind not in "iu":
            raise TypeError(f"Embedding: expected integer indices, got dtype={x.dtype}")
        if x.size and (x.min() < 0 or x.max() >= self.num_embeddings):
            raise IndexError(
                f"Embedding: expected indices in [0, {self.num_embeddings}), got min {x.min()}, max {x.max()}"
            )
        self._x = x
        return embedding(x, self.weight.data)

    def backward(self, grad_output: np.ndarray) -> None:
        x = self._take("_x")
        g = check_grad_output(
            "Embedding.backward", grad_output, (*x.shape, self.embedding_dim), self.weight.dtype
        )
        self.weight.grad += embedding_backward(g, x, self.num_embeddings, self.padding_idx)

    def extra_repr(self) -> str:
        pad = "" if self.padding_idx is None else f", padding_idx={self.padding_idx}"
        return f"{self.num_embeddings}, {self.embedding_dim}{pad}"
