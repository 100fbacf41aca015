"""C1.2-reinforce, C1.2-dqn: the return per episode of a paired run on CartPole-v1, Korean labels.

One panel per algorithm: each episode's return (보상의 합) as thin points, the mean of the last 100 as a
line, the threshold 475 and the episode at which each twin solved CartPole. While the paired run keeps the
twins on the same actions there is one line; where their actions first split the run forks
(``twin_nets.rl.paired``) and each twin's own run goes on as its own line, the fork marked.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from twin_nets.figures.drawing import legend_below
from twin_nets.rl.config import SOLVED_RETURN, SOLVED_WINDOW
from twin_nets.rl.paired import RunResult

TWIN_COLORS = {"scratch": "tab:blue", "torch": "tab:orange"}
TITLES = {"reinforce": "REINFORCE (정책 경사, policy gradient)", "dqn": "DQN (Q-러닝)"}


def moving_mean(values: list[float], window: int = SOLVED_WINDOW) -> np.ndarray:
    """The mean of the last ``window`` values at each episode (fewer at the start)."""
    v = np.asarray(values, dtype=float)
    sums = np.cumsum(v)
    starts = np.maximum(np.arange(len(v)) - window + 1, 0)
    before = np.where(starts > 0, sums[starts - 1], 0.0)
    return (sums - before) / (np.arange(len(v)) - starts + 1)


def return_figure(results: Mapping[str, RunResult]) -> Figure:
    """``results``: algorithm -> its run (one panel each)."""
    fig, axes = plt.subplots(1, len(results), figsize=(5.2 * len(results), 3.8), squeeze=False)
    for ax, (algorithm, result) in zip(axes[0], results.items(), strict=True):
        for twin in result.twins:
            own = result.twin(twin)
            episodes = np.arange(1, len(own.returns) + 1)
            name = f" ({twin})" if len(result.twins) > 1 else ""
            ax.plot(episodes, own.returns, ".", color=TWIN_COLORS[twin], alpha=0.25, markersize=2)
            mean = moving_mean(own.returns)
            ax.plot(episodes, mean, color=TWIN_COLORS[twin], label=f"최근 100 에피소드 평균{name}")
            if own.solved_at is not None:
                ax.plot(own.solved_at, mean[own.solved_at - 1], "o", color=TWIN_COLORS[twin],
                        label=f"해결{name}: {own.solved_at}번째 에피소드")  # fmt: skip
        ax.axhline(SOLVED_RETURN, color="tab:green", linestyle=":", label=f"해결 기준 {SOLVED_RETURN:.0f}")
        fork = ""
        if result.fork is not None:
            ax.axvline(result.fork.episode, color="0.4", linestyle="--", label="두 쌍둥이의 행동이 처음 갈림")
            fork = f", {result.fork.episode}번째 에피소드에서 갈림"
        ax.set_title(f"{TITLES[algorithm]}, seed {result.config.seed}{fork}", fontsize=10)
        ax.set_xlabel("에피소드")
        ax.set_ylabel("보상 (막대가 선 스텝 수)")
        ax.set_ylim(0, 520)
        legend_below(ax, ncol=2, gap=0.2)
    fig.suptitle("강화학습: 에이전트의 정책이 CartPole-v1에서 보상을 늘려 간다", y=1.02)
    fig.tight_layout()
    return fig
