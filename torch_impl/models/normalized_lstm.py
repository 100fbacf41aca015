"""C4.3-layernorm-sequences: the torch twin of ``scratch.models.normalized_lstm`` (the math is there),
built from ``torch.nn.LayerNorm`` / ``torch.nn.BatchNorm1d`` and torch's LSTM gating; autograd does the
backward the scratch twin writes by hand."""

from __future__ import annotations

import torch
from torch import nn

NORMS = ("batch", "layer")


class NormalizedLSTM(nn.Module):
    """An LSTM with ``norm='batch'`` or ``'layer'`` on both pre-activations, h_0 = c_0 = 0; same keys."""

    def __init__(self, input_size: int, hidden_size: int, norm: str = "layer", dtype=torch.float64) -> None:
        super().__init__()
        if norm not in NORMS:  # any other string would silently build batch norm
            raise ValueError(f"NormalizedLSTM: expected norm to be one of {NORMS}, got {norm!r}")
        gates, self.hidden_size = 4 * hidden_size, hidden_size
        self.weight_ih = nn.Parameter(torch.empty(gates, input_size, dtype=dtype))
        self.weight_hh = nn.Parameter(torch.empty(gates, hidden_size, dtype=dtype))
        self.bias = nn.Parameter(torch.empty(gates, dtype=dtype))
        for p in self.parameters():
            nn.init.uniform_(p, -(hidden_size**-0.5), hidden_size**-0.5)
        make = nn.LayerNorm if norm == "layer" else nn.BatchNorm1d
        self.norm_ih, self.norm_hh = make(gates, dtype=dtype), make(gates, dtype=dtype)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = c = x.new_zeros(x.shape[1], self.hidden_size)
        outs = []
        for x_t in x:
            a = self.norm_ih(x_t @ self.weight_ih.T) + self.norm_hh(h @ self.weight_hh.T) + self.bias
            i, f, g, o = a.chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            outs.append(h)
        return torch.stack(outs)
