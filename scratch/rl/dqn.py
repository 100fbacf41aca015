r"""C1.2-dqn: 강화학습 (deep Q-learning, DQN), seed §1.2, §1.3

The agent learns Q(s, a), the discounted reward it expects after taking action a in state s and acting
well from then on, and acts greedily on it, exploring with probability ε (ε-greedy).

Math (one mini-batch of B transitions (s, a, r, s′, done) drawn from the replay buffer):
    next action       a* = argmax_{a′} Q_target(s′, a′)                 (DQN: the target picks and values)
                      a* = argmax_{a′} Q(s′, a′)                        (Double DQN, ``double=True``: the
                                                                         Q-network picks, the target values)
    target            y = r + γ (1 − done) Q_target(s′, a*)             (data: no gradient flows into y;
                      done = the pole fell, not the 500-step time limit, after which s′ still has a value)
    loss              E = mean_i Huber_δ(Q(s_i, a_i) − y_i)              (``nn.HuberLoss``, δ = 1)
Backward (by hand):
    ∂E/∂Q(s_i, ·) = onehot(a_i) · clip(Q(s_i, a_i) − y_i, −δ, δ) / B      (only the action taken)
    then the Q-network's own backward, the gradient's norm capped at ``max_grad_norm`` (C3.2.3-clip-grad,
    when given), then Adam, then the learning-rate schedule's step (``LambdaLR``, when given).
Double DQN (van Hasselt et al., 2016): max_{a′} Q_target(s′, a′) picks the action whose value is most
over-estimated; letting the Q-network pick it removes most of that upward bias.
Target network: a copy of the Q-network, synced (weights copied) every C updates, so the target y does
not move with every step (Mnih et al., 2015).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from scratch.nn.loss import HuberLoss
from scratch.nn.utils import clip_grad_norm_


class ReplayBuffer:
    """C1.2-dqn: 강화학습 (replay buffer), seed §1.2

    The last ``capacity`` transitions in NumPy arrays (a ring); ``sample(indices)`` takes the rows the
    caller drew, so both twins' buffers give the same mini-batch.

    Example:
        >>> buffer = ReplayBuffer(capacity=2, state_dim=1)
        >>> for k in range(3):
        ...     buffer.push(np.array([k]), 0, 1.0, np.array([k + 1]), False)
        >>> len(buffer), buffer.sample(np.array([0, 1]))[0].ravel().tolist()  # the oldest was overwritten
        (2, [2.0, 1.0])
    """

    def __init__(self, capacity: int, state_dim: int, dtype: Any = np.float64) -> None:
        self.capacity, self.size, self.next = capacity, 0, 0
        self.states = np.zeros((capacity, state_dim), dtype=dtype)
        self.next_states = np.zeros((capacity, state_dim), dtype=dtype)
        self.actions = np.zeros(capacity, dtype=np.int64)
        self.rewards = np.zeros(capacity, dtype=dtype)
        self.done = np.zeros(capacity, dtype=dtype)

    def __len__(self) -> int:
        return self.size

    def push(self, state: np.ndarray, action: int, reward: float, next_state: np.ndarray, done: bool) -> None:
        k = self.next
        self.states[k], self.actions[k], self.rewards[k] = state, action, reward
        self.next_states[k], self.done[k] = next_state, float(done)
        self.next, self.size = (k + 1) % self.capacity, min(self.size + 1, self.capacity)

    def sample(self, indices: np.ndarray) -> tuple[np.ndarray, ...]:
        """(s, a, r, s′, done) at ``indices``."""
        i = indices
        return self.states[i], self.actions[i], self.rewards[i], self.next_states[i], self.done[i]


def td_targets(
    next_q: np.ndarray,
    rewards: np.ndarray,
    done: np.ndarray,
    gamma: float,
    next_actions: np.ndarray | None = None,
) -> np.ndarray:
    """C1.2-dqn: 강화학습 (TD target), seed §1.2

    y = r + γ (1 − done) Q_target(s′, a*), from the target network's Q(s′, ·) (B, A); a* is
    ``next_actions`` (Double DQN: the Q-network's argmax) or, when None, the target's own argmax (DQN).

    Example:
        >>> td_targets(np.array([[1.0, 3.0], [2.0, 0.0]]), np.ones(2), np.array([0.0, 1.0]), 0.5).tolist()
        [2.5, 1.0]
        >>> q, a_star = np.array([[1.0, 3.0]]), np.array([0])  # Double DQN: the Q-network picked action 0
        >>> td_targets(q, np.ones(1), np.zeros(1), 0.5, next_actions=a_star).tolist()
        [1.5]
    """
    if next_actions is None:
        next_actions = next_q.argmax(axis=1)
    return rewards + gamma * (1 - done) * next_q[np.arange(len(next_q)), next_actions]


class DQNAgent:
    """C1.2-dqn: 강화학습 (DQN agent), seed §1.2

    A Q-network, its target copy, Adam, the Huber loss.

    Args:
        q_net: an MLP from states (N, 4) to Q-values (N, num_actions).
        optimizer: over ``q_net.parameters()``.
        gamma: discount γ.
        sync_every: C, updates between two copies of the Q-network into the target network.
        delta: the Huber loss's δ.
        max_grad_norm: cap on the gradient's total 2-norm before each Adam step (None: no cap).
        double: Double DQN's target (the Q-network picks a*, the target network values it).
        scheduler: a ``scratch.optim.lr_scheduler.LambdaLR`` stepped after each Adam step (None: a
            constant learning rate).

    Example:
        >>> from scratch.models.mlp import MLPSpec, build_mlp
        >>> from scratch.optim import Adam
        >>> q = build_mlp(MLPSpec((4, 8, 2)), np.random.default_rng(0))
        >>> agent = DQNAgent(q, Adam(q.parameters(), lr=1e-3), gamma=0.99, sync_every=100)
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
        self.loss = HuberLoss(delta=delta)
        self.max_grad_norm, self.double, self.scheduler = max_grad_norm, double, scheduler
        self.updates = 0

    def q_values(self, state: np.ndarray) -> np.ndarray:
        """Q(s, ·) for one state (4,)."""
        return self.q_net(state[None, :])[0]

    def update(self, batch: tuple[np.ndarray, ...]) -> float:
        """One Adam step on E for one mini-batch (s, a, r, s′, done); syncs the target every C updates."""
        s, a, r, s_next, done = batch
        a_next = self.q_net(s_next).argmax(axis=1) if self.double else None  # Double DQN: Q picks a*
        y = td_targets(self.target_net(s_next), r, done, self.gamma, a_next)
        Q = self.q_net(s)
        rows = np.arange(len(a))
        E = self.loss(Q[rows, a], y)
        grad_Q = np.zeros_like(Q)
        grad_Q[rows, a] = self.loss.backward()  # only the action taken: onehot(a) · ∂E/∂Q(s, a)
        self.optimizer.zero_grad()
        self.q_net.backward(grad_Q, needs_input_grad=False)
        if self.max_grad_norm is not None:
            clip_grad_norm_(self.q_net.parameters(), self.max_grad_norm)
        self.optimizer.step()
        if self.scheduler is not None:
            self.scheduler.step()
        self.updates += 1
        if self.updates % self.sync_every == 0:
            self.sync()
        return float(E)

    def sync(self) -> None:
        """Target ← Q-network (the weights copied)."""
        self.target_net.load_state_dict(self.q_net.state_dict())
