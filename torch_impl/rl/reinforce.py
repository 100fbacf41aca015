"""C1.2-reinforce: 강화학습 (REINFORCE, the policy gradient), seed §1.2, §1.3 — the torch twin

The math is in ``scratch.rl.reinforce``. Here the loss E = −Σ_t log π(a_t|s_t) · A_t is written with
``torch.log_softmax`` and ``gather``, and autograd derives ∂E/∂θ; the advantages are plain tensors
(no gradient flows into them).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch


def returns_to_go(rewards: torch.Tensor, gamma: float) -> torch.Tensor:
    """C1.2-reinforce: 강화학습 (returns-to-go), seed §1.2

    G_t = r_t + γ G_{t+1}, from the last step back.

    Example:
        >>> returns_to_go(torch.tensor([1.0, 1.0, 1.0], dtype=torch.float64), 0.5).tolist()
        [1.75, 1.5, 1.0]
    """
    G = torch.empty_like(rewards)
    running = torch.zeros((), dtype=rewards.dtype, device=rewards.device)
    for t in range(len(rewards) - 1, -1, -1):
        running = rewards[t] + gamma * running
        G[t] = running
    return G


class ReinforceAgent:
    """C1.2-reinforce: 강화학습 (REINFORCE agent), seed §1.2

    Twin of ``scratch.rl.ReinforceAgent``.

    Example:
        >>> from torch_impl.models.mlp import build_mlp
        >>> from scratch.models.mlp import MLPSpec
        >>> policy = build_mlp(MLPSpec((4, 8, 2)))
        >>> agent = ReinforceAgent(policy, torch.optim.Adam(policy.parameters(), lr=0.01), gamma=0.99)
        >>> round(float(agent.probabilities(np.zeros(4)).sum()), 12)
        1.0
    """

    def __init__(self, policy: Any, optimizer: Any, gamma: float, normalize: bool = True) -> None:
        self.policy, self.optimizer, self.gamma, self.normalize = policy, optimizer, gamma, normalize
        self.dtype = next(policy.parameters()).dtype

    def _tensor(self, a: np.ndarray, dtype: torch.dtype | None = None) -> torch.Tensor:
        return torch.as_tensor(a, dtype=dtype or self.dtype)

    def probabilities(self, state: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            logits = self.policy(self._tensor(state)[None, :])
            return torch.log_softmax(logits, dim=1).exp()[0].numpy()

    def update(self, states: np.ndarray, actions: np.ndarray, rewards: np.ndarray) -> float:
        G = returns_to_go(self._tensor(rewards), self.gamma)
        A = G - G.mean()  # the baseline b = mean G
        if self.normalize:
            A = A / (G.std(correction=0) + 1e-8)  # NumPy's std: the biased one
        log_pi = torch.log_softmax(self.policy(self._tensor(states)), dim=1)
        taken = log_pi.gather(1, self._tensor(actions, torch.int64)[:, None])[:, 0]
        E = -(taken * A).sum()
        self.optimizer.zero_grad()
        E.backward()
        self.optimizer.step()
        return float(E.detach())
