"""C1.2: 강화학습 (reinforcement learning), seed §1.2 and §1.3 — the NumPy twin.

``reinforce``: REINFORCE with a baseline (the policy gradient; C1.2-reinforce).
``dqn``: deep Q-learning with a replay buffer and a target network (C1.2-dqn).

Both agents take every random draw from their caller (``twin_nets.rl``), so the torch twin in
``torch_impl.rl``, given the same draws, acts the same.
"""

from scratch.rl.dqn import DQNAgent, ReplayBuffer, td_targets
from scratch.rl.reinforce import ReinforceAgent, returns_to_go

__all__ = ["DQNAgent", "ReinforceAgent", "ReplayBuffer", "returns_to_go", "td_targets"]
