"""C4.1-init-zero: zero initialisation keeps every hidden unit identical through training (seed §4.1).

With every weight 0, every hidden unit computes the same value (σ(0) = ½ for sigmoid), every output
weight gets the same gradient from it, and then every hidden unit's weights get the same gradient as
well: the rows of the first layer's weight stay equal to one another forever, so the layer acts as one
unit however wide it is. A random initialisation breaks the symmetry.

``train_mlp`` trains the same MLP (same initial weights, same batches) in either twin, through the main
job's ``build_twins``.
"""

from __future__ import annotations

import numpy as np
import torch

from scratch.data import load_dataset
from twin_nets.cli import one_twin
from twin_nets.threads import one_thread
from twin_nets.training.config import TrainConfig
from twin_nets.training.twins import build_twins


def train_mlp(
    init: str,
    impl: str = "scratch",
    *,
    activation: str = "sigmoid",
    hidden: int = 8,
    epochs: int = 5,
    lr: float = 0.5,
    batch_size: int = 50,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Train a 2 → ``hidden`` → 2 MLP on "moons" (500 samples) with SGD from ``init`` (a scheme of
    ``INIT_SCHEMES``) in twin ``impl``, built by the main job's ``build_twins``; return the trained
    weights as NumPy arrays under their state-dict keys. The data, the initial weights and the batch order
    come from ``seed``, so both twins train the same network on the same batches."""
    one_twin(impl, "train_mlp: impl")
    data = load_dataset("moons", rng=np.random.default_rng(seed), n_samples=500)
    config = TrainConfig(
        impl=impl,
        dataset="moons",
        hidden=(hidden,),
        activation=activation,
        init=init,
        optimizer="sgd",
        lr=lr,
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
    )
    twin = build_twins(config, data, torch.device("cpu"))[impl]
    with one_thread():
        for _ in range(epochs):
            for batch in twin.epoch_batches():
                twin.step(batch)
    return {name: np.array(value, copy=True) for name, value in twin.weights().items()}
