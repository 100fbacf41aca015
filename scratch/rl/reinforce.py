r"""C1.2-reinforce: 강화학습 (REINFORCE, the policy gradient), seed §1.2, §1.3

The agent acts by a policy π(a|s) = softmax(MLP(s))_a; after each episode it raises the log-probability
of the actions that earned more reward than usual and lowers the others: the notes' 당근과 채찍.

Math (one episode s₀, a₀, r₀, …, s_{T−1}, a_{T−1}, r_{T−1}; z_t = MLP(s_t), the logits):
    returns-to-go     G_t = r_t + γ r_{t+1} + γ² r_{t+2} + … = r_t + γ G_{t+1},   G_T = 0
    baseline          b = mean_t G_t;  advantage A_t = (G_t − b) / (std_t G_t + 1e-8)  (``normalize``)
                      or A_t = G_t − b  (``normalize=False``)
    loss              E = −Σ_t log π(a_t|s_t) · A_t          (A_t is data: no gradient flows into it)
Backward (by hand; the sign):
    log π(a|s) = z_a − log Σ_j e^{z_j}, so ∂ log π(a|s)/∂z_j = onehot(a)_j − π_j;  with the minus of E,
    ∂E/∂z_t = (π(·|s_t) − onehot(a_t)) · A_t
    A positive advantage makes the gradient step (z ← z − η ∂E/∂z) raise z_{a_t} and lower the rest: the
    action taken becomes more likely. Then the MLP's own backward, then Adam.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scratch.nn.functional.activation import log_softmax


def returns_to_go(rewards: np.ndarray, gamma: float) -> np.ndarray:
    """C1.2-reinforce: 강화학습 (returns-to-go), seed §1.2

    G_t = r_t + γ G_{t+1}, from the last step back (G_T = 0); the rewards' shape and dtype.

    Example:
        >>> returns_to_go(np.array([1.0, 1.0, 1.0]), 0.5).tolist()  # 1 + ½(1 + ½·1)
        [1.75, 1.5, 1.0]
    """
    G, running = np.empty_like(rewards), 0.0
    for t in range(len(rewards) - 1, -1, -1):
        running = rewards[t] + gamma * running
        G[t] = running
    return G


def advantages(G: np.ndarray, normalize: bool = True) -> np.ndarray:
    """A_t = G_t − b with the baseline b = mean G, divided by (std G + 1e-8) when ``normalize``.

    Example:
        >>> advantages(np.array([3.0, 1.0]), normalize=False).tolist()
        [1.0, -1.0]
    """
    A = G - G.mean()
    return A / (G.std() + 1e-8) if normalize else A


def reinforce_loss(logits: np.ndarray, actions: np.ndarray, A: np.ndarray) -> tuple[np.ndarray, tuple]:
    """E = −Σ_t log π(a_t|s_t) · A_t on logits (T, num_actions); returns (E, cache).

    Example:
        >>> E, cache = reinforce_loss(np.zeros((1, 2)), np.array([0]), np.array([1.0]))
        >>> round(float(E), 4), reinforce_loss_backward(cache).tolist()  # −log ½; (π − onehot)·A
        (0.6931, [[-0.5, 0.5]])
    """
    log_pi = log_softmax(logits, dim=1)
    rows = np.arange(len(actions))
    E = -np.sum(log_pi[rows, actions] * A)
    return np.asarray(E, dtype=logits.dtype), (log_pi, actions, A)


def reinforce_loss_backward(cache: tuple) -> np.ndarray:
    """∂E/∂z_t = (π(·|s_t) − onehot(a_t)) · A_t (the module docstring derives the sign)."""
    log_pi, actions, A = cache
    grad = np.exp(log_pi)  # π
    grad[np.arange(len(actions)), actions] -= 1.0  # π − onehot(a)
    return grad * A[:, None]


class ReinforceAgent:
    """C1.2-reinforce: 강화학습 (REINFORCE agent), seed §1.2

    A policy MLP, its optimizer, γ.

    Args:
        policy: an MLP from states (N, 4) to logits (N, num_actions) (``scratch.models.mlp.build_mlp``).
        optimizer: over ``policy.parameters()`` (Adam in this project's runs).
        gamma: discount γ in [0, 1].
        normalize: divide the advantages by their standard deviation (see the module docstring).

    Example:
        >>> from scratch.models.mlp import MLPSpec, build_mlp
        >>> from scratch.optim import Adam
        >>> policy = build_mlp(MLPSpec((4, 8, 2)), np.random.default_rng(0))
        >>> agent = ReinforceAgent(policy, Adam(policy.parameters(), lr=0.01), gamma=0.99)
        >>> agent.probabilities(np.zeros(4)).sum().round(12)
        np.float64(1.0)
    """

    def __init__(self, policy: Any, optimizer: Any, gamma: float, normalize: bool = True) -> None:
        self.policy, self.optimizer, self.gamma, self.normalize = policy, optimizer, gamma, normalize

    def probabilities(self, state: np.ndarray) -> np.ndarray:
        """π(·|s) for one state (4,): softmax of the logits, computed from the log-softmax."""
        return np.exp(log_softmax(self.policy(state[None, :]), dim=1))[0]

    def update(self, states: np.ndarray, actions: np.ndarray, rewards: np.ndarray) -> float:
        """One gradient step on one episode's E; returns E."""
        A = advantages(returns_to_go(rewards, self.gamma), self.normalize)
        self.optimizer.zero_grad()
        E, cache = reinforce_loss(self.policy(states), actions, A)
        self.policy.backward(reinforce_loss_backward(cache), needs_input_grad=False)
        self.optimizer.step()
        return float(E)
