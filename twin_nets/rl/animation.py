"""C1.2: the trained policy balancing the pole, as an animated GIF.

gymnasium renders CartPole-v1 as RGB frames (``render_mode="rgb_array"``, drawn with pygame); Pillow
writes them as a GIF, atomically. The agent acts greedily: REINFORCE's most probable action, DQN's
largest Q-value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from twin_nets.atomic import atomic_write
from twin_nets.rl.paired import make_env


def greedy_action(agent: Any, state: np.ndarray) -> int:
    scores = agent.probabilities(state) if hasattr(agent, "probabilities") else agent.q_values(state)
    return int(np.argmax(scores))


def play(agent: Any, seed: int, max_steps: int = 500, every: int = 1) -> tuple[list[np.ndarray], float]:
    """One greedy episode from ``env.reset(seed=seed)``: every ``every``-th frame and the return."""
    env = make_env(render_mode="rgb_array")
    obs, _ = env.reset(seed=seed)
    frames, total = [env.render()], 0.0
    for step in range(max_steps):
        obs, reward, terminated, truncated, _ = env.step(greedy_action(agent, np.asarray(obs, np.float64)))
        total += float(reward)
        if step % every == every - 1:
            frames.append(env.render())
        if terminated or truncated:
            break
    env.close()
    return frames, total


def evaluate(agent: Any, seed: int, episodes: int = 100, greedy: bool = True) -> list[float]:
    """The returns of ``episodes`` episodes without learning, environment seeds drawn from ``seed``:
    greedy, or (REINFORCE, ``greedy=False``) each action sampled from π as in training."""
    rng = np.random.default_rng(seed)
    env, returns = make_env(), []
    for _ in range(episodes):
        obs, _ = env.reset(seed=int(rng.integers(2**31)))
        total, done = 0.0, False
        while not done:
            s = np.asarray(obs, np.float64)
            if greedy:
                action = greedy_action(agent, s)
            else:
                action = int(np.sum(np.cumsum(agent.probabilities(s))[:-1] <= rng.random()))
            obs, reward, terminated, truncated, _ = env.step(action)
            total, done = total + float(reward), terminated or truncated
        returns.append(total)
    env.close()
    return returns


def write_gif(frames: list[np.ndarray], path: str | Path, fps: int = 25, scale: float = 0.5) -> Path:
    """``frames`` (H, W, 3) uint8 as a looping GIF at ``fps`` frames per second, each scaled by ``scale``."""
    from PIL import Image

    images = [Image.fromarray(frame) for frame in frames]
    if scale != 1:
        size = (round(images[0].width * scale), round(images[0].height * scale))
        images = [image.resize(size, Image.Resampling.LANCZOS) for image in images]

    def write(handle: Any) -> None:
        images[0].save(
            handle, format="GIF", save_all=True, append_images=images[1:], duration=1000 // fps, loop=0
        )

    return atomic_write(path, write)
