r"""C1.1-autoencoder: 비지도학습: 오토인코더 (autoencoder), seed §1.1

A network that learns without labels (seed §1.3: deep learning serves the unsupervised tasks of §1.1
too): an encoder squeezes x into a short code z, a decoder rebuilds x̂ from z, and the loss is the
재구성 오차 (reconstruction error) between x and x̂ — the input is its own target. The code is a learned
차원축소 (dimensionality reduction); the reconstruction error is an 이상 탐지 (anomaly) score.

* ``Autoencoder``: encoder and decoder, each an MLP of the existing layers (``build_mlp``);
* ``train_step`` / ``evaluate`` / ``encode``: what the paired-training machinery (``twin_nets.training``,
  ``scripts/train.py --task autoencoder``) calls, in place of ``scratch.train``'s classification step.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# AutoencoderSpec lives beside MLPSpec (plain data the torch twin may import); imported from here too
from scratch.models.mlp import AutoencoderSpec, build_mlp
from scratch.nn.module import Module


class Autoencoder(Module):
    r"""C1.1-autoencoder: 비지도학습: 오토인코더 (autoencoder), seed §1.1

    Math:      z = enc(x)   (the code, k numbers),   x̂ = dec(z),   E = mean (x̂ − x)²   (``MSELoss``: the mean
               over all N·D entries). No label appears: the input is the target.
               A linear autoencoder (no hidden layer: z = x W₁ᵀ + b₁, x̂ = z W₂ᵀ + b₂) can do no better than
               PCA, and at its minimum x̂ is the projection onto PCA's k-dimensional subspace (Baldi & Hornik
               1989): span(W₂ᵀ's columns) = span(v₁…v_k).
    Backward:  ∂E/∂x̂ = g, then the decoder's backward gives ∂E/∂z, the encoder's gives ∂E/∂x; each Linear
               adds its ∂E/∂W and ∂E/∂b (``Sequential.backward``).
    Shape:     x (N, D) -> x̂ (N, D);  ``encode``: (N, D) -> (N, k).  State dict: "encoder.<i>.weight", …,
               "decoder.<i>.bias": the torch twin's keys.
    Args:
        spec: the layout (``AutoencoderSpec``).
        rng: draws the encoder's, then the decoder's initial weights.
        dtype: of the parameters (default float64).
        dropout_rng: the generator of the dropout masks (default ``rng``).

    Example:
        >>> model = Autoencoder(AutoencoderSpec(4, (3,), 2), np.random.default_rng(0))
        >>> x = np.ones((5, 4))
        >>> model(x).shape, model.encode(x).shape, model.backward(np.ones((5, 4))).shape
        ((5, 4), (5, 2), (5, 4))
    """

    can_skip_input_grad = True

    def __init__(
        self,
        spec: AutoencoderSpec,
        rng: np.random.Generator | None = None,
        *,
        dtype: Any = np.float64,
        dropout_rng: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        if not isinstance(spec, AutoencoderSpec):
            raise TypeError(f"Autoencoder: expected spec to be an AutoencoderSpec, got {type(spec).__name__}")
        rng = np.random.default_rng() if rng is None else rng
        self.encoder = build_mlp(spec.encoder, rng, dtype=dtype, dropout_rng=dropout_rng)
        self.decoder = build_mlp(spec.decoder, rng, dtype=dtype, dropout_rng=dropout_rng)

    def encode(self, x: np.ndarray) -> np.ndarray:
        return self.encoder(x)

    def forward(self, x: np.ndarray) -> np.ndarray:
        return self.decoder(self.encoder(x))

    def backward(self, grad_output: np.ndarray, needs_input_grad: bool = True) -> np.ndarray | None:
        return self.encoder.backward(self.decoder.backward(grad_output), needs_input_grad=needs_input_grad)


def train_step(
    model: Autoencoder, loss_fn: Module, optimizer: Any, x: np.ndarray, y: np.ndarray
) -> tuple[float, int]:
    """C1.1-autoencoder: 비지도학습: 오토인코더 (reconstruction training step), seed §1.1

    One iteration on a batch, the input as the target; ``y`` (the labels) is not used.
    Returns (E, 0): a reconstruction has no accuracy; the runner's correct count stays 0 and its table
    shows only the losses.
    """
    optimizer.zero_grad()
    loss = loss_fn(model(x), x)
    model.backward(loss_fn.backward(), needs_input_grad=False)
    optimizer.step()
    return float(loss), 0


def evaluate(model: Autoencoder, loss_fn: Module, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """C1.1-autoencoder: the reconstruction loss on x in inference mode (mode restored); (E, 0)."""
    was_training = model.training
    model.eval()
    try:
        loss = float(loss_fn(model(x), x))
    finally:
        model.train(was_training)
    return loss, 0


def encode(model: Autoencoder, x: np.ndarray) -> np.ndarray:
    """C1.1-autoencoder: the codes z = enc(x) in inference mode, (N, D) -> (N, k)."""
    was_training = model.training
    model.eval()
    try:
        return model.encode(x)
    finally:
        model.train(was_training)


def reconstruction_error(model: Autoencoder, x: np.ndarray) -> np.ndarray:
    r"""C1.1-anomaly: 비지도학습: 이상 탐지 (reconstruction error as an anomaly score), seed §1.1

    Math:      sᵢ = (1/D) Σ_d (x̂ᵢ_d − xᵢ_d)², x̂ = model(x) in inference mode: an autoencoder trained on
               normal inputs rebuilds them well; an input unlike them (another digit, noise) gets a large sᵢ.
    Shape:     x (N, D) -> s (N,).
    """
    was_training = model.training
    model.eval()
    try:
        return np.mean((model(x) - x) ** 2, axis=1)
    finally:
        model.train(was_training)
