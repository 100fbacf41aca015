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
* a *split*: the twins chose different actions. The run then **forks** (``Fork``): from that step each
  twin goes on alone, with its own copy of the environment and of the generator (``copy.deepcopy``), each
  taking its own action. A twin's run after the fork is therefore exactly the run of that twin alone with
  the same seed (``run(config, ("torch",))``): the draws, the episodes and the weights are the same, bit
  for bit, and on-policy REINFORCE learns from the actions it took.
After every update before the fork the largest |scratch − torch| over all weights is measured
(``max_weight_diff``).

Long runs fork: the training itself magnifies round-off (a scratch run against itself with one weight
nudged by 1e-15 drifts at the twins' rate, ``python -m twin_nets.rl.drift``), so after one or two hundred
REINFORCE episodes (130 to 218 over seeds 0-4) the twins' probabilities part and a draw falls between them.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from twin_nets.kit import Kit, kit
from twin_nets.rl.config import ENV_ID, SOLVED_RETURN, SOLVED_WINDOW, RLConfig

CLOSE = 1e-9  # a draw this near a boundary could be tipped by round-off (float64 differs by ~1e-15 here)


@dataclass
class Pairing:
    """What the paired run saw of round-off before its fork (see the module docstring)."""

    steps: int = 0
    close_draws: int = 0
    splits: int = 0  # 0, or 1: the split that forked the run
    max_weight_diff: float = 0.0  # over every update before the fork
    max_output_diff: float = 0.0  # |π or Q| between the twins, over every step before the fork


@dataclass(frozen=True)
class Fork:
    """Where the twins' actions first split: the episode (1-based) and the run's step (1-based) at which
    each twin took its own action, and each twin's action there."""

    episode: int
    step: int
    actions: dict[str, int]


@dataclass
class RunResult:
    """Per episode: the return, the mean loss of its updates (nan without one), ε at its end.

    A paired run that forked keeps its shared episodes here (up to and without the fork's episode) and
    each twin's whole run, from episode 1, in ``branches[twin]`` (``twin(name)`` picks it)."""

    config: RLConfig
    twins: tuple[str, ...]
    returns: list[float] = field(default_factory=list)
    losses: dict[str, list[float]] = field(default_factory=dict)
    epsilons: list[float] = field(default_factory=list)
    actions: list[int] = field(default_factory=list)
    solved_at: int | None = None  # episodes run when the last 100 first averaged ≥ 475
    pairing: Pairing = field(default_factory=Pairing)
    agents: dict[str, Any] = field(default_factory=dict)
    fork: Fork | None = None
    branches: dict[str, RunResult] = field(default_factory=dict)

    def twin(self, name: str) -> RunResult:
        """The run as twin ``name`` lived it: its branch after a fork, else this run."""
        if name not in self.twins:
            raise ValueError(f"RunResult.twin: expected one of {self.twins}, got {name!r}")
        return self.branches.get(name, self)


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
    schedule = (
        None if config.lr_end is None else twin.optim.lr_scheduler.LambdaLR(optimizer, config.lr_factor)
    )
    agent = rl.DQNAgent(
        net,
        optimizer,
        config.gamma,
        config.sync_every,
        max_grad_norm=config.max_grad_norm,
        double=config.double,
        scheduler=schedule,
    )
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
    """Run ``config`` with ``twins`` (one or both) in lockstep until solved (``stop_when_solved``) or
    ``config.episodes``; at a split, fork (module docstring). ``on_episode`` is called after each episode
    with the run, or after the fork with the twin's branch (TensorBoard, progress)."""
    rng = np.random.default_rng(config.seed)
    state = initial_weights(config, rng)
    result = RunResult(config, tuple(twins), losses={name: [] for name in twins})
    result.agents = {name: build_agent(kit(name), config, state) for name in twins}
    lane = _Lane(result, make_env(), rng, on_episode)
    split = lane.go()
    if split is not None:  # each twin on from the split, alone, on copies of the shared state
        result.fork = Fork(len(result.returns) + 1, result.pairing.steps, split)
        for name, action in split.items():
            own = _Lane.branch(lane, name)
            own.go(action)
            own.env.close()
            result.branches[name] = own.result
    lane.env.close()
    return result


class _Lane:
    """One environment, one generator, the run it writes and the episode in progress: the paired run's,
    then after a fork each twin's own (``branch``)."""

    def __init__(self, result: RunResult, env: Any, rng: np.random.Generator, on_episode: Any) -> None:
        self.result, self.env, self.rng, self.on_episode = result, env, rng, on_episode
        self.config = result.config
        self.total_steps = 0
        self.episode: dict[str, Any] | None = None  # obs, states, actions, rewards, losses of the episode

    @classmethod
    def branch(cls, lane: _Lane, name: str) -> _Lane:
        """Twin ``name``'s lane from ``lane``'s state: the environment, the generator and the episode in
        progress copied; the run's history so far copied into a one-twin ``RunResult``."""
        shared = lane.result
        result = RunResult(
            shared.config,
            (name,),
            returns=list(shared.returns),
            losses={name: list(shared.losses[name])},
            epsilons=list(shared.epsilons),
            actions=list(shared.actions),
            pairing=copy.copy(shared.pairing),
            agents={name: shared.agents[name]},
        )
        own = cls(result, copy.deepcopy(lane.env), copy.deepcopy(lane.rng), lane.on_episode)
        own.total_steps, own.episode = lane.total_steps, copy.deepcopy(lane.episode)
        own.episode["losses"] = {name: own.episode["losses"][name]}
        return own

    def go(self, action: int | None = None) -> dict[str, int] | None:
        """Run episodes to the end of the run; a lane of two twins returns at a split, before taking it,
        with each twin's action. ``action``: the step's action already chosen (a branch's first)."""
        config, result = self.config, self.result
        while len(result.returns) < config.episodes:
            if self.episode is None:
                obs, _ = self.env.reset(seed=int(self.rng.integers(2**31)))
                self.episode = {"obs": obs, "states": [], "actions": [], "rewards": [], "done": False}
                self.episode["losses"] = {name: [] for name in result.agents}
            while not self.episode["done"]:
                if action is None:
                    s = np.asarray(self.episode["obs"], np.float64)
                    chosen = _act(config, result, s, self.rng, self.total_steps)
                    if len(set(chosen.values())) > 1:
                        return chosen
                    action = next(iter(chosen.values()))
                self._step(action)
                action = None
            self._end_episode()
            if result.solved_at is not None and config.stop_when_solved:
                break
        return None

    def _step(self, action: int) -> None:
        episode, result = self.episode, self.result
        s = np.asarray(episode["obs"], dtype=np.float64)
        obs, reward, terminated, truncated, _ = self.env.step(action)
        episode["obs"], episode["done"] = obs, terminated or truncated
        episode["states"].append(s)
        episode["actions"].append(action)
        episode["rewards"].append(float(reward))
        self.total_steps += 1
        if self.config.algorithm == "dqn":
            transition = (s, action, float(reward), np.asarray(obs, dtype=np.float64), terminated)
            _dqn_step(self.config, result, self.rng, transition, episode["losses"], self.total_steps)

    def _end_episode(self) -> None:
        config, result, episode = self.config, self.result, self.episode
        if config.algorithm == "reinforce":
            batch = (np.array(episode["states"]), np.array(episode["actions"]), np.array(episode["rewards"]))
            for name, agent in result.agents.items():
                episode["losses"][name].append(agent.update(*batch))
            _check_weights(result)
        result.returns.append(float(sum(episode["rewards"])))
        result.actions.extend(episode["actions"])
        dqn = config.algorithm == "dqn"
        result.epsilons.append(config.epsilon(self.total_steps) if dqn else float("nan"))
        for name, losses in episode["losses"].items():
            result.losses[name].append(float(np.mean(losses)) if losses else float("nan"))
        window = result.returns[-SOLVED_WINDOW:]
        if result.solved_at is None and len(window) == SOLVED_WINDOW and np.mean(window) >= SOLVED_RETURN:
            result.solved_at = len(result.returns)
        self.episode = None
        if self.on_episode is not None:
            self.on_episode(result)


def _act(
    config: RLConfig, result: RunResult, s: np.ndarray, rng: np.random.Generator, step: int
) -> dict[str, int]:
    """Each twin's action from the same draws after ``step`` environment steps (ε's clock), counting
    close draws and splits (module docstring)."""
    pairing, agents = result.pairing, result.agents
    u = rng.random()
    if config.algorithm == "reinforce":
        outputs = {name: agent.probabilities(s) for name, agent in agents.items()}
        bounds = [np.cumsum(p)[:-1] for p in outputs.values()]  # π₀, π₀ + π₁, …: a = the number ≤ u
        chosen = [int(np.sum(b <= u)) for b in bounds]
        close = any(np.any(np.abs(b - u) < CLOSE) for b in bounds)
    else:
        random_action = int(rng.integers(2))
        outputs = {name: agent.q_values(s) for name, agent in agents.items()}
        greedy = [int(np.argmax(q)) for q in outputs.values()]
        chosen = [random_action if u < config.epsilon(step) else a for a in greedy]
        top_two = [np.sort(q)[-2:] for q in outputs.values()]
        close = u >= config.epsilon(step) and any(t[1] - t[0] < CLOSE for t in top_two)
    pairing.steps += 1
    pairing.close_draws += int(close)
    pairing.splits += int(len(set(chosen)) > 1)
    if len(outputs) > 1:
        first, second = outputs.values()
        pairing.max_output_diff = max(pairing.max_output_diff, float(np.max(np.abs(first - second))))
    return dict(zip(agents, chosen, strict=True))


def _dqn_step(config, result, rng, transition, losses, step) -> None:
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
    _check_weights(result)


def _check_weights(result: RunResult) -> None:
    """The largest |scratch − torch| over every weight, after an update of both twins."""
    if len(result.agents) < 2:
        return
    states = [kit(name).state(network(agent)) for name, agent in result.agents.items()]
    diff = max(float(np.max(np.abs(states[0][key] - states[1][key]))) for key in states[0])
    result.pairing.max_weight_diff = max(result.pairing.max_weight_diff, diff)
