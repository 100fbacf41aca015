"""C1.2-reinforce: is the twins' drift in a long run the training's own? One twin against itself.

Two agents of the *same* twin, one with a single weight nudged by ``nudge`` (relative), learn from the same
episodes (the first agent acts, every draw from one generator, as in the paired run). If their weights
drift apart as fast as the two twins' do, the drift is the training magnifying round-off, not a twin
disagreeing. ``python -m twin_nets.rl.drift [episodes] [twin]`` prints the largest weight difference every
25 episodes (seed 0: 3e-11 after 150 episodes, 9e-5 after 200; the twins' paired run: 1.1e-4 after 200,
then its fork at episode 218).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import numpy as np

from twin_nets.kit import kit
from twin_nets.rl.config import RLConfig
from twin_nets.rl.paired import build_agent, initial_weights, make_env, network


def self_drift(
    config: RLConfig, twin: str = "scratch", nudge: float = 1e-15, episodes: int = 250
) -> Iterator[tuple[int, float, float]]:
    """(episode, its return, the largest weight difference) after each REINFORCE update."""
    rng = np.random.default_rng(config.seed)
    state = initial_weights(config, rng)
    nudged = {key: value.copy() for key, value in state.items()}
    first = next(iter(nudged))
    nudged[first].flat[0] *= 1 + nudge
    toolbox = kit(twin)
    a, b = build_agent(toolbox, config, state), build_agent(toolbox, config, nudged)
    env = make_env()
    for episode in range(1, episodes + 1):
        obs, _ = env.reset(seed=int(rng.integers(2**31)))
        states, actions, rewards, done = [], [], [], False
        while not done:
            s = np.asarray(obs, np.float64)
            action = int(np.sum(np.cumsum(a.probabilities(s))[:-1] <= rng.random()))
            obs, reward, terminated, truncated, _ = env.step(action)
            done = terminated or truncated
            states.append(s)
            actions.append(action)
            rewards.append(float(reward))
        batch = (np.array(states), np.array(actions), np.array(rewards))
        a.update(*batch)
        b.update(*batch)
        wa, wb = toolbox.state(network(a)), toolbox.state(network(b))
        yield episode, sum(rewards), max(float(np.max(np.abs(wa[k] - wb[k]))) for k in wa)
    env.close()


if __name__ == "__main__":
    episodes = int(sys.argv[1]) if len(sys.argv) > 1 else 250
    twin = sys.argv[2] if len(sys.argv) > 2 else "scratch"
    for episode, total, diff in self_drift(RLConfig.for_algorithm("reinforce"), twin, episodes=episodes):
        if episode % 25 == 0:
            print(f"episode {episode}: return {total:.0f}, largest weight difference {diff:.2e}", flush=True)
