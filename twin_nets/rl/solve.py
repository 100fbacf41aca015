"""C1.2: episodes-to-solve CartPole-v1 over seeds, each seed one paired run of both twins.

``python scripts/rl.py solve --algorithm dqn --seeds 0 1 2 3 4`` prints one line per seed as it ends
and a summary: the episodes each twin needed (the first episode at which the last 100 episodes'
mean return reached 475), as min / median / max over the seeds, the round-off splits and the paired
run's largest weight difference. Progress lines (every ``every`` episodes) go to stdout too.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from twin_nets.atomic import atomic_write
from twin_nets.kit import kit
from twin_nets.rl.config import SOLVED_WINDOW, RLConfig
from twin_nets.rl.paired import Pairing, RunResult, build_agent, network, run


def progress(every: int, out=print):
    """An ``on_episode`` that prints the episode, its return and the 100-episode mean every ``every``."""
    start = time.perf_counter()

    def report(result: RunResult) -> None:
        k = len(result.returns)
        if k % every == 0 or result.solved_at == k:
            mean = float(np.mean(result.returns[-SOLVED_WINDOW:]))
            p = result.pairing
            out(
                f"  seed {result.config.seed} episode {k}: return {result.returns[-1]:.0f}, mean of last "
                f"{min(k, SOLVED_WINDOW)} {mean:.1f}, max weight diff {p.max_weight_diff:.2e}, "
                f"splits {p.splits}, close draws {p.close_draws} ({time.perf_counter() - start:.0f} s)",
                flush=True,
            )

    return report


def solve(
    base: RLConfig,
    seeds: Sequence[int],
    twins: tuple[str, ...],
    every: int = 50,
    out=print,
    save_dir: Path | None = None,
) -> list[RunResult]:
    """One run per seed; a line per seed and a summary line. With ``save_dir``: each run's returns and
    each twin's trained weights in ``<save_dir>/<concept>-seed<k>.npz`` (``save``)."""
    results = []
    for seed in seeds:
        config = RLConfig(**{**base.to_dict(), "seed": seed, "stop_when_solved": True})
        result = run(config, twins, on_episode=progress(every, out))
        results.append(result)
        if save_dir is not None:
            save(result, Path(save_dir) / f"{config.concept}-seed{seed}.npz")
        p = result.pairing
        out(
            f"{config.concept} seed {seed} ({'+'.join(twins)}): solved at episode {result.solved_at} "
            f"(of at most {config.episodes}); steps {p.steps}, max weight diff {p.max_weight_diff:.2e}, "
            f"max output diff {p.max_output_diff:.2e}, splits {p.splits}, close draws {p.close_draws}",
            flush=True,
        )
    out(summary(results))
    return results


def save(result: RunResult, path: Path) -> Path:
    """The run's returns, solved-at episode and each twin's network weights (``<twin>/<key>``), atomically."""
    p = result.pairing
    arrays = {
        "returns": np.asarray(result.returns),
        "solved_at": np.asarray(result.solved_at or -1),
        "pairing": np.array([p.steps, p.close_draws, p.splits, p.max_weight_diff, p.max_output_diff]),
    }
    for twin, agent in result.agents.items():
        for key, value in kit(twin).state(network(agent)).items():
            arrays[f"{twin}/{key}"] = value
    return atomic_write(path, lambda handle: np.savez(handle, **arrays))


def load(path: Path, config: RLConfig) -> RunResult:
    """A run ``save`` wrote: its returns, solved-at episode and each twin's agent with its trained weights."""
    with np.load(path) as data:
        arrays = {key: data[key] for key in data.files}
    twins = tuple(t for t in ("scratch", "torch") if any(k.startswith(f"{t}/") for k in arrays))
    result = RunResult(config, twins, returns=[float(x) for x in arrays["returns"]])
    result.solved_at = None if int(arrays["solved_at"]) < 0 else int(arrays["solved_at"])
    if "pairing" in arrays:
        steps, close, splits, weight, output = arrays["pairing"]
        result.pairing = Pairing(int(steps), int(close), int(splits), float(weight), float(output))
    for twin in twins:
        state = {k.partition("/")[2]: v for k, v in arrays.items() if k.startswith(f"{twin}/")}
        result.agents[twin] = build_agent(kit(twin), config, state)
    return result


def summary(results: Sequence[RunResult]) -> str:
    """Episodes-to-solve as min / median / max over the seeds (unsolved seeds counted apart)."""
    solved = [r.solved_at for r in results if r.solved_at is not None]
    config = results[0].config
    spread = (
        f"min {min(solved)}, median {float(np.median(solved)):.0f}, max {max(solved)}" if solved else "none"
    )
    weight = max(r.pairing.max_weight_diff for r in results)
    splits = sum(r.pairing.splits for r in results)
    return (
        f"{config.concept} ({'+'.join(results[0].twins)}): solved {len(solved)} of {len(results)} seeds; "
        f"episodes to solve: {spread}; largest weight difference {weight:.2e}; splits {splits}"
    )
