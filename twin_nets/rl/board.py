"""C1.2: TensorBoard for a paired run, one run folder per twin: ``<logdir>/<concept>/seed<k>/<twin>``.

Both twins log the same tags, so TensorBoard overlays them (one line while the paired run keeps them on
the same episodes, two after a fork; the ``parity`` group, written until the fork, is the proof that both
ran and agreed):

* ``episode/return``: the episode's total reward (CartPole: the steps the pole stayed up);
* ``episode/mean_return_100``: the mean of the last 100 returns (solved at 475);
* ``train/loss``: the mean loss of the episode's updates (REINFORCE: one; DQN: one per update);
* ``train/epsilon``: ε at the episode's end (DQN);
* ``parity/max_weight_diff``, ``parity/splits``, ``parity/close_draws``: both twins only.

The x axis is the episode.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from twin_nets.rl.config import SOLVED_WINDOW
from twin_nets.rl.paired import RunResult


class RLBoard:
    """An ``on_episode`` callback writing one ``SummaryWriter`` per twin under ``logdir``."""

    def __init__(self, logdir: str | Path, concept: str, seed: int, twins: tuple[str, ...]) -> None:
        from torch.utils.tensorboard import SummaryWriter

        folder = Path(logdir) / concept / f"seed{seed}"
        self.writers = {twin: SummaryWriter(str(folder / twin)) for twin in twins}

    def __call__(self, result: RunResult) -> None:
        k = len(result.returns)
        pairing = result.pairing
        for twin in result.twins:  # both, or after a fork the branch's one twin
            writer = self.writers[twin]
            writer.add_scalar("episode/return", result.returns[-1], k)
            writer.add_scalar("episode/mean_return_100", float(np.mean(result.returns[-SOLVED_WINDOW:])), k)
            if math.isfinite(result.losses[twin][-1]):
                writer.add_scalar("train/loss", result.losses[twin][-1], k)
            if math.isfinite(result.epsilons[-1]):
                writer.add_scalar("train/epsilon", result.epsilons[-1], k)
            if len(result.twins) > 1:
                writer.add_scalar("parity/max_weight_diff", pairing.max_weight_diff, k)
                writer.add_scalar("parity/splits", pairing.splits, k)
                writer.add_scalar("parity/close_draws", pairing.close_draws, k)

    def text(self, tag: str, text: str) -> None:
        for writer in self.writers.values():
            writer.add_text(tag, text)

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
