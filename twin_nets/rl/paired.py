"""C1.2: one learning run on CartPole-v1, both twins fed by one NumPy generator (a *paired run*).

Every random draw is made once, here, and handed to each twin: the initial weights (drawn by scratch,
loaded into torch), the environment's seed at each reset, the uniform u that picks an action from π
(REINFORCE: the first a with u < π₀ + … + π_a), ε-greedy's u and its random action (DQN, both drawn at
every step whatever u says, so the stream never depends on a twin's choice) and the replay indices. The
twins act in one environment, so they see the same episodes as long as they choose the same actions,
which they do as long as their probabilities (Q-values) agree, to round-off.

Round-off is reported, never hidden (``Pairing``):
* a *close draw*: u within ``CLOSE`` of a boundary π₀ + … + π_a of either twin (DQN: the best two Q-values
  within ``CLOSE`` of each other), where round-off could tip the choice;
* a *split*: the twins chose different actions. The run then takes the scratch twin's action for both
  (both learn from one episode), counts the split and warns once.
After every update the largest |scratch − torch| over all weights is measured (``max_weight_diff``).

Long runs drift: the training itself magnifies round-off (a scratch run against itself with one weight
nudged by 1e-15 drifts at the twins' rate), so after a few hundred REINFORCE episodes splits begin. From
then on the torch twin learns from the scratch twin's actions, which suits DQN (off-policy) but not
REINFORCE (on-policy): measure each twin's own REINFORCE with a one-twin run (``twins=("torch",)``).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from twin_nets.kit import Kit, kit
from twin_nets.rl.config import ENV_ID, SOLVED_RETURN, SOLVED_WINDOW, RLConfig

CLOSE = 1e-9  # a draw this near a boundary could be tipped by round-off (float64 differs by ~1e-15 here)


@dataclass
class Pairing:
    """What the paired run saw of round-off (see the module docstring)."""

    steps: int = 0
    close_draws: int = 0
    splits: int = 0
    max_weight_diff: float = 0.0  # over every update of the run
    max_output_diff: float = 0.0  # |π or Q| between the twins, over every step


@dataclass
class RunResult:
    """Per episode: the return, the mean loss of its updates (nan without one), ε at its end."""

    config: RLConfig
    twins: tuple[str, ...]
    returns: list[float] = field(default_factory=list)
    losses: dict[str, list[float]] = field(default_factory=dict)
    epsilons: list[float] = field(default_factory=list)
    actions: list[int] = field(default_factory=list)
    solved_at: int | None = None  # episodes run when the last 100 first averaged ≥ 475
    pairing: Pairing = field(default_factory=Pairing)
    agents: dict[str, Any] = field(default_factory=dict)


def make_env(render_mode: str | None = None) -> Any:
    """gymnasium's CartPole-v1 (imported here: the suite skips RL tests where gymnasium is missing)."""
    import gymnasium

    if render_mode is not None:  # pygame draws off-screen: no display, no sound device needed
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    return gymnasium.make(ENV_ID, render_mode=render_mode)


def initial_weights(config: RLConfig, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The network's initial weights, drawn once by scratch from ``rng`` (torch's default init)."""
    scratch = kit("scratch")
    return scratch.state(scratch.models.mlp.build_mlp(spec(config), rng))


def spec(config: RLConfig) -> Any:
    from scratch.models.mlp import MLPSpec

    return MLPSpec((4, *config.hidden, 2))  # CartPole: 4 observations, 2 actions (push left, right)


def build_agent(twin: Kit, config: RLConfig, state: dict[str, np.ndarray]) -> Any:
    """The twin's agent for ``config``, its network loaded with ``state``."""
    build = twin.models.mlp.build_mlp
    net = twin.load(
        build(spec(config), np.random.default_rng(0)) if twin.name == "scratch" else build(spec(config)),
        state,
    )
    optimizer = twin.optim.Adam(net.parameters(), lr=config.lr)
    rl = _package(twin)
    if config.algorithm == "reinforce":
        return rl.ReinforceAgent(net, optimizer, config.gamma, config.normalize)
    agent = rl.DQNAgent(net, optimizer, config.gamma, config.sync_every)
    agent.buffer = rl.ReplayBuffer(config.buffer_size, 4)
    return agent


def _package(twin: Kit) -> Any:
    import scratch.rl
    import torch_impl.rl

    return scratch.rl if twin.name == "scratch" else torch_impl.rl


def network(agent: Any) -> Any:
    """The agent's trained network: REINFORCE's policy or DQN's Q-network."""
    return agent.policy if hasattr(agent, "policy") else agent.q_net


def run(
    config: RLConfig,
    twins: tuple[str, ...] = ("scratch", "torch"),
    on_episode: Callable[[RunResult], None] | None = None,
) -> RunResult:
    """Run ``config`` with ``twins`` (one or both) in lockstep; ``on_episode`` is called after each episode
    (TensorBoard, progress)."""
    rng = np.random.default_rng(config.seed)
    kits = [kit(name) for name in twins]
    state = initial_weights(config, rng)
    result = RunResult(config, tuple(twins), losses={name: [] for name in twins})
    result.agents = {t.name: build_agent(t, config, state) for t in kits}
    env, total_steps = make_env(), 0
    for _ in range(config.episodes):
        obs, _ = env.reset(seed=int(rng.integers(2**31)))
        states, actions, rewards, losses = [], [], [], {name: [] for name in twins}
        done = False
        while not done:
            s = np.asarray(obs, dtype=np.float64)
            action = _act(config, result, s, rng, total_steps)
            obs, reward, terminated, truncated, _ = env.step(action)
            done = terminated or truncated
            states.append(s)
            actions.append(action)
            rewards.append(float(reward))
            total_steps += 1
            if config.algorithm == "dqn":
                transition = (s, action, float(reward), np.asarray(obs, dtype=np.float64), terminated)
                _dqn_step(config, result, kits, rng, transition, losses, total_steps)
        if config.algorithm == "reinforce":
            batch = (np.array(states), np.array(actions), np.array(rewards))
            for name, agent in result.agents.items():
                losses[name].append(agent.update(*batch))
            _check_weights(result, kits)
        result.returns.append(float(sum(rewards)))
        result.actions.extend(actions)
        result.epsilons.append(config.epsilon(total_steps) if config.algorithm == "dqn" else float("nan"))
        for name in twins:
            result.losses[name].append(float(np.mean(losses[name])) if losses[name] else float("nan"))
        window = result.returns[-SOLVED_WINDOW:]
        if result.solved_at is None and len(window) == SOLVED_WINDOW and np.mean(window) >= SOLVED_RETURN:
            result.solved_at = len(result.returns)
        if on_episode is not None:
            on_episode(result)
        if result.solved_at is not None and config.stop_when_solved:
            break
    env.close()
    if result.pairing.splits:
        warnings.warn(
            f"{config.concept}: the twins chose different actions {result.pairing.splits} time(s) "
            f"(round-off; the scratch twin's action was taken for both)",
            stacklevel=2,
        )
    return result


def _act(config: RLConfig, result: RunResult, s: np.ndarray, rng: np.random.Generator, step: int) -> int:
    """Each twin's action from the same draws; the first twin's is taken (see the module docstring)."""
    pairing, agents = result.pairing, list(result.agents.values())
    u = rng.random()
    if config.algorithm == "reinforce":
        outputs = [agent.probabilities(s) for agent in agents]
        bounds = [np.cumsum(p)[:-1] for p in outputs]  # π₀, π₀ + π₁, …: a = the number of bounds ≤ u
        chosen = [int(np.sum(b <= u)) for b in bounds]
        close = any(np.any(np.abs(b - u) < CLOSE) for b in bounds)
    else:
        random_action = int(rng.integers(2))
        outputs = [agent.q_values(s) for agent in agents]
        greedy = [int(np.argmax(q)) for q in outputs]
        chosen = [random_action if u < config.epsilon(step) else a for a in greedy]
        top_two = [np.sort(q)[-2:] for q in outputs]
        close = u >= config.epsilon(step) and any(t[1] - t[0] < CLOSE for t in top_two)
    pairing.steps += 1
    pairing.close_draws += int(close)
    pairing.splits += int(len(set(chosen)) > 1)
    if len(outputs) > 1:
        diff = float(np.max(np.abs(outputs[0] - outputs[1])))
        pairing.max_output_diff = max(pairing.max_output_diff, diff)
    return chosen[0]


def _dqn_step(config, result, kits, rng, transition, losses, step) -> None:
    """Store the transition in each twin's buffer; past the warm-up, every ``train_every`` steps, one
    update of each twin on the same replay indices."""
    for agent in result.agents.values():
        agent.buffer.push(*transition)
    size = len(next(iter(result.agents.values())).buffer)
    if size < max(config.warmup, config.batch_size) or step % config.train_every:
        return
    indices = rng.integers(0, size, size=config.batch_size)
    for name, agent in result.agents.items():
        losses[name].append(agent.update(agent.buffer.sample(indices)))
    _check_weights(result, kits)


def _check_weights(result: RunResult, kits: list[Kit]) -> None:
    """The largest |scratch − torch| over every weight, after an update of both twins."""
    if len(kits) < 2:
        return
    states = [t.state(network(result.agents[t.name])) for t in kits]
    diff = max(float(np.max(np.abs(states[0][key] - states[1][key]))) for key in states[0])
    result.pairing.max_weight_diff = max(result.pairing.max_weight_diff, diff)
