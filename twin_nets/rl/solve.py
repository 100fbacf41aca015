"""C1.2: episodes-to-solve CartPole-v1 over seeds, each seed one paired run of both twins.

``python scripts/rl.py --algorithm dqn --seeds 0 1 2 3 4 --no-tensorboard`` prints progress lines, one
line per seed as it ends and a summary: the episodes each twin needed (the first episode at which the last
100 episodes' mean return reached 475), as min / median / max over the seeds, per twin; where the paired
run forked (the twins' first split, after which each twin went on alone: ``twin_nets.rl.paired``) and the
paired run's largest weight difference before the fork.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from twin_nets.atomic import atomic_write
from twin_nets.kit import kit
from twin_nets.rl.config import SOLVED_WINDOW, RLConfig
from twin_nets.rl.paired import Fork, Pairing, RunResult, build_agent, network, run


def progress(every: int, out=print):
    """An ``on_episode`` that prints the twins, the episode, its return and the 100-episode mean every
    ``every`` episodes (a forked run's branches print under their one twin)."""
    start = time.perf_counter()

    def report(result: RunResult) -> None:
        k = len(result.returns)
        if k % every == 0 or result.solved_at == k:
            mean = float(np.mean(result.returns[-SOLVED_WINDOW:]))
            p = result.pairing
            paired = (
                f", max weight diff {p.max_weight_diff:.2e}, close draws {p.close_draws}"
                if len(result.twins) > 1
                else ""
            )
            out(
                f"  seed {result.config.seed} {'+'.join(result.twins)} episode {k}: return "
                f"{result.returns[-1]:.0f}, mean of last {min(k, SOLVED_WINDOW)} {mean:.1f}{paired} "
                f"({time.perf_counter() - start:.0f} s)",
                flush=True,
            )

    return report


def seed_line(result: RunResult) -> str:
    """One line for a finished run: each twin's solved-at episode, the fork, the weight difference."""
    config, p = result.config, result.pairing
    solved = ", ".join(f"{twin} {result.twin(twin).solved_at}" for twin in result.twins)
    line = f"{config.concept} seed {config.seed}: solved at episode {solved} (of at most {config.episodes})"
    if len(result.twins) > 1:
        line += f"; {fork_text(result.fork)}; paired for {p.steps} steps: max weight diff "
        line += (
            f"{p.max_weight_diff:.2e}, max output diff {p.max_output_diff:.2e}, close draws {p.close_draws}"
        )
    return line


def fork_text(fork: Fork | None) -> str:
    if fork is None:
        return "no fork (the twins never split)"
    return f"forked at episode {fork.episode}, step {fork.step} (actions {fork.actions})"


def solve(
    base: RLConfig,
    seeds: Sequence[int],
    twins: tuple[str, ...],
    every: int = 50,
    out=print,
    save_dir: Path | None = None,
) -> list[RunResult]:
    """One run per seed; a line per seed and the summary. With ``save_dir``: each run's returns and
    each twin's trained weights in ``<save_dir>/<concept>-seed<k>.npz`` (``save``)."""
    results = []
    for seed in seeds:
        config = RLConfig(**{**base.to_dict(), "seed": seed, "stop_when_solved": True})
        start = time.perf_counter()
        result = run(config, twins, on_episode=progress(every, out))
        results.append(result)
        if save_dir is not None:
            save(result, Path(save_dir) / f"{config.concept}-seed{seed}.npz")
        out(f"{seed_line(result)} ({time.perf_counter() - start:.0f} s)", flush=True)
    out(summary(results))
    return results


def save(result: RunResult, path: Path) -> Path:
    """Each twin's returns and solved-at episode (``<twin>/returns``, ``<twin>/solved_at``), its network
    weights (``<twin>/<key>``) and the pairing before any fork, atomically."""
    p = result.pairing
    arrays = {"pairing": np.array([p.steps, p.close_draws, p.splits, p.max_weight_diff, p.max_output_diff])}
    for twin in result.twins:
        own = result.twin(twin)
        arrays[f"{twin}/returns"] = np.asarray(own.returns)
        arrays[f"{twin}/solved_at"] = np.asarray(own.solved_at or -1)
        for key, value in kit(twin).state(network(own.agents[twin])).items():
            arrays[f"{twin}/{key}"] = value
    return atomic_write(path, lambda handle: np.savez(handle, **arrays))


def load(path: Path, config: RLConfig) -> dict[str, RunResult]:
    """A run ``save`` wrote, as one ``RunResult`` per twin (``twin: result``) with its trained agent."""
    with np.load(path) as data:
        arrays = {key: data[key] for key in data.files}
    twins = tuple(t for t in ("scratch", "torch") if f"{t}/returns" in arrays)
    results = {}
    for twin in twins:
        result = RunResult(config, (twin,), returns=[float(x) for x in arrays[f"{twin}/returns"]])
        solved = int(arrays[f"{twin}/solved_at"])
        result.solved_at = None if solved < 0 else solved
        steps, close, splits, weight, output = arrays["pairing"]
        result.pairing = Pairing(int(steps), int(close), int(splits), float(weight), float(output))
        skip = {f"{twin}/returns", f"{twin}/solved_at"}
        state = {
            k.partition("/")[2]: v for k, v in arrays.items() if k.startswith(f"{twin}/") and k not in skip
        }
        result.agents[twin] = build_agent(kit(twin), config, state)
        results[twin] = result
    return results


def spread(episodes: Sequence[int]) -> str:
    """min / median / max of the solved seeds' episodes."""
    if not episodes:
        return "none"
    return f"min {min(episodes)}, median {float(np.median(episodes)):.0f}, max {max(episodes)}"


def summary(results: Sequence[RunResult]) -> str:
    """Per twin: solved seeds and episodes-to-solve as min / median / max over them; the forks and the
    largest paired weight difference before them."""
    config, twins = results[0].config, results[0].twins
    lines = []
    for twin in twins:
        solved = [r.twin(twin).solved_at for r in results if r.twin(twin).solved_at is not None]
        lines.append(
            f"{config.concept} {twin}: solved {len(solved)} of {len(results)} seeds "
            f"({' '.join(str(r.config.seed) for r in results)}); episodes to solve: {spread(solved)}"
        )
    if len(twins) > 1:
        forks = [f"seed {r.config.seed} episode {r.fork.episode}" for r in results if r.fork is not None]
        weight = max(r.pairing.max_weight_diff for r in results)
        lines.append(
            f"{config.concept} paired: forks {len(forks)} of {len(results)} ({', '.join(forks) or 'none'}); "
            f"largest weight difference before a fork {weight:.2e}"
        )
    return "\n".join(lines)
