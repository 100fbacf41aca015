"""C1.2-dqn: 강화학습 (deep Q-learning, DQN), seed §1.2, §1.3 — the torch twin

The math is in ``scratch.rl.dqn``. Here Q(s, a) is picked with ``gather``, the loss is ``nn.HuberLoss``,
autograd derives ∂E/∂θ and ``nn.utils.clip_grad_norm_`` caps its norm (when ``max_grad_norm`` is given);
the target y is computed under ``torch.no_grad()``; the learning-rate schedule is
``torch.optim.lr_scheduler.LambdaLR``.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import torch
from torch import nn


class ReplayBuffer:
    """C1.2-dqn: 강화학습 (replay buffer), seed §1.2

    The last ``capacity`` transitions in tensors (a ring); twin of ``scratch.rl.ReplayBuffer``.

    Example:
        >>> buffer = ReplayBuffer(capacity=2, state_dim=1)
        >>> for k in range(3):
        ...     buffer.push(np.array([k]), 0, 1.0, np.array([k + 1]), False)
        >>> len(buffer), buffer.sample(np.array([0, 1]))[0].ravel().tolist()
        (2, [2.0, 1.0])
    """

    def __init__(self, capacity: int, state_dim: int, dtype: torch.dtype = torch.float64) -> None:
        self.capacity, self.size, self.next = capacity, 0, 0
        self.states = torch.zeros((capacity, state_dim), dtype=dtype)
        self.next_states = torch.zeros((capacity, state_dim), dtype=dtype)
        self.actions = torch.zeros(capacity, dtype=torch.int64)
        self.rewards = torch.zeros(capacity, dtype=dtype)
        self.done = torch.zeros(capacity, dtype=dtype)

    def __len__(self) -> int:
        return self.size

    def push(self, state: np.ndarray, action: int, reward: float, next_state: np.ndarray, done: bool) -> None:
        k = self.next
        self.states[k], self.next_states[k] = torch.as_tensor(state), torch.as_tensor(next_state)
        self.actions[k], self.rewards[k], self.done[k] = action, reward, float(done)
        self.next, self.size = (k + 1) % self.capacity, min(self.size + 1, self.capacity)

    def sample(self, indices: np.ndarray) -> tuple[torch.Tensor, ...]:
        i = torch.as_tensor(indices)
        return self.states[i], self.actions[i], self.rewards[i], self.next_states[i], self.done[i]


def td_targets(
    next_q: torch.Tensor,
    rewards: torch.Tensor,
    done: torch.Tensor,
    gamma: float,
    next_actions: torch.Tensor | None = None,
) -> torch.Tensor:
    """C1.2-dqn: 강화학습 (TD target), seed §1.2

    y = r + γ (1 − done) Q_target(s′, a*), a* = ``next_actions`` or the target's own argmax.

    Example:
        >>> q = torch.tensor([[1.0, 3.0], [2.0, 0.0]])
        >>> td_targets(q, torch.ones(2), torch.tensor([0.0, 1.0]), 0.5).tolist()
        [2.5, 1.0]
    """
    if next_actions is None:
        next_actions = next_q.argmax(dim=1)
    return rewards + gamma * (1 - done) * next_q.gather(1, next_actions[:, None])[:, 0]


class DQNAgent:
    """C1.2-dqn: 강화학습 (DQN agent), seed §1.2

    Twin of ``scratch.rl.DQNAgent``.

    Example:
        >>> from torch_impl.models.mlp import build_mlp
        >>> from scratch.models.mlp import MLPSpec
        >>> q = build_mlp(MLPSpec((4, 8, 2)))
        >>> agent = DQNAgent(q, torch.optim.Adam(q.parameters(), lr=1e-3), gamma=0.99, sync_every=100)
        >>> agent.q_values(np.zeros(4)).shape
        (2,)
    """

    def __init__(
        self,
        q_net: Any,
        optimizer: Any,
        gamma: float,
        sync_every: int,
        delta: float = 1.0,
        max_grad_norm: float | None = None,
        double: bool = False,
        scheduler: Any = None,
    ) -> None:
        self.q_net, self.optimizer, self.gamma, self.sync_every = q_net, optimizer, gamma, sync_every
        self.target_net = copy.deepcopy(q_net)
        self.loss = nn.HuberLoss(delta=delta)
        self.max_grad_norm, self.double, self.scheduler = max_grad_norm, double, scheduler
        self.dtype = next(q_net.parameters()).dtype
        self.updates = 0

    def q_values(self, state: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return self.q_net(torch.as_tensor(state, dtype=self.dtype)[None, :])[0].numpy()

    def update(self, batch: tuple[torch.Tensor, ...]) -> float:
        s, a, r, s_next, done = batch
        with torch.no_grad():
            a_next = self.q_net(s_next).argmax(dim=1) if self.double else None  # Double DQN: Q picks a*
            y = td_targets(self.target_net(s_next), r, done, self.gamma, a_next)
        q = self.q_net(s).gather(1, a[:, None])[:, 0]
        E = self.loss(q, y)
        self.optimizer.zero_grad()
        E.backward()
        if self.max_grad_norm is not None:
            nn.utils.clip_grad_norm_(self.q_net.parameters(), self.max_grad_norm)
        self.optimizer.step()
        if self.scheduler is not None:
            self.scheduler.step()
        self.updates += 1
        if self.updates % self.sync_every == 0:
            self.sync()
        return float(E.detach())

    def sync(self) -> None:
        self.target_net.load_state_dict(self.q_net.state_dict())
