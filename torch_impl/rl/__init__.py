"""C1.2: 강화학습 (reinforcement learning), seed §1.2 and §1.3 — the torch twin of ``scratch.rl``."""

from torch_impl.rl.dqn import DQNAgent, ReplayBuffer, td_targets
from torch_impl.rl.reinforce import ReinforceAgent, returns_to_go

__all__ = ["DQNAgent", "ReinforceAgent", "ReplayBuffer", "returns_to_go", "td_targets"]
