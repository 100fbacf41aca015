"""C1.1-autoencoder: 비지도학습: 오토인코더 (autoencoder, torch twin), seed §1.1

The torch twin of ``scratch.models.autoencoder``: encoder and decoder are ``build_mlp``'s
``nn.Sequential`` under the names ``encoder`` and ``decoder`` (the same state-dict keys), trained on
``nn.MSELoss()(model(x), x)`` with autograd. The math is in the scratch twin.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from scratch.models.mlp import AutoencoderSpec
from torch_impl.models.mlp import build_mlp


class Autoencoder(nn.Module):
    """C1.1-autoencoder: 비지도학습: 오토인코더 (autoencoder), seed §1.1

    x̂ = decoder(encoder(x)), (N, D) -> (N, D); ``encode``: (N, D) -> (N, k). Twin of
    ``scratch.models.autoencoder.Autoencoder`` (same ``AutoencoderSpec``, same state-dict keys).

    Example:
        >>> model = Autoencoder(AutoencoderSpec(4, (3,), 2))
        >>> tuple(model(torch.ones(5, 4, dtype=torch.float64)).shape), sorted(model.state_dict())[:2]
        ((5, 4), ['decoder.0.bias', 'decoder.0.weight'])
    """

    def __init__(
        self,
        spec: AutoencoderSpec,
        *,
        dtype: torch.dtype = torch.float64,
        device: str | torch.device = "cpu",
        dropout_rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        if not isinstance(spec, AutoencoderSpec):
            raise TypeError(f"Autoencoder: expected spec to be an AutoencoderSpec, got {type(spec).__name__}")
        self.encoder = build_mlp(spec.encoder, dtype=dtype, device=device, dropout_rng=dropout_rng)
        self.decoder = build_mlp(spec.decoder, dtype=dtype, device=device, dropout_rng=dropout_rng)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


def train_step(
    model: Autoencoder, loss_fn: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor
) -> tuple[float, float]:
    """One iteration, the input as the target (``y`` unused); (E, 0). Twin of the scratch one."""
    optimizer.zero_grad()
    loss = loss_fn(model(x), x)
    loss.backward()
    optimizer.step()
    return loss.item(), 0


@torch.no_grad()
def evaluate(model: Autoencoder, loss_fn: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """The reconstruction loss on x in eval mode, no graph, mode restored; (E, 0): no accuracy."""
    was_training = model.training
    model.eval()
    try:
        return loss_fn(model(x), x).item(), 0
    finally:
        model.train(was_training)


@torch.no_grad()
def encode(model: Autoencoder, x: torch.Tensor) -> torch.Tensor:
    """The codes in eval mode, (N, D) -> (N, k)."""
    was_training = model.training
    model.eval()
    try:
        return model.encode(x)
    finally:
        model.train(was_training)


@torch.no_grad()
def reconstruction_error(model: Autoencoder, x: torch.Tensor) -> torch.Tensor:
    """C1.1-anomaly: 비지도학습: 이상 탐지 — the mean squared error of each sample's reconstruction,
    (N, D) -> (N,), in eval mode. Twin of ``scratch.models.autoencoder.reconstruction_error``."""
    was_training = model.training
    model.eval()
    try:
        return ((model(x) - x) ** 2).mean(dim=1)
    finally:
        model.train(was_training)
