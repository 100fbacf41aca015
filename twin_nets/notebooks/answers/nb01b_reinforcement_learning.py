"""01b_강화학습: returns, the REINFORCE gradient, the TD target (DQN and Double DQN), the Huber loss."""

from __future__ import annotations

import numpy as np

from scratch.nn import HuberLoss
from scratch.rl import reinforce, td_targets
from twin_nets.notebooks.exercises import exercise


@exercise("C1.2-reinforce/1")
def _first_return() -> float:
    return float(reinforce.returns_to_go(np.array([1.0, 1.0, 1.0]), 0.5)[0])


@exercise("C1.2-reinforce/2")
def _policy_gradient() -> tuple[float, float]:
    _, cache = reinforce.reinforce_loss(np.zeros((1, 2)), np.array([1]), np.array([2.0]))
    return tuple(float(v) for v in reinforce.reinforce_loss_backward(cache)[0])


@exercise("C1.2-dqn/1")
def _td_target() -> float:
    return float(td_targets(np.array([[10.0, 4.0]]), np.ones(1), np.zeros(1), 0.9)[0])


@exercise("C1.2-dqn/2")
def _td_target_at_the_end() -> float:
    return float(td_targets(np.array([[10.0, 4.0]]), np.ones(1), np.ones(1), 0.9)[0])


@exercise("C1.2-dqn/3")
def _double_td_target() -> float:
    next_actions = np.array([[1.0, 3.0]]).argmax(axis=1)  # the Q-network picks a*
    return float(td_targets(np.array([[10.0, 4.0]]), np.ones(1), np.zeros(1), 0.9, next_actions)[0])


def _huber(delta: float, d: float) -> tuple[float, float]:
    loss = HuberLoss(reduction="sum", delta=delta)
    value = float(loss(np.array([d]), np.zeros(1)))
    return value, float(loss.backward()[0])


@exercise("C3.1.2-huber/1")
def _huber_gradient() -> float:
    return _huber(2.0, 5.0)[1]


@exercise("C3.1.2-huber/2")
def _huber_value() -> float:
    return _huber(1.0, 4.0)[0]
