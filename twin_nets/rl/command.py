"""C1.2: ``scripts/rl.py``: train REINFORCE and/or DQN on CartPole-v1, paired, over seeds.

For each algorithm and seed: one paired run (``--impl both``: both twins on one stream of draws) until
solved or ``--episodes``, logged to TensorBoard (``<logdir>/<concept>/seed<k>/<twin>``), a line per seed
and the episodes-to-solve spread. With ``--outdir``: the return-per-episode figure of the first seed
(``C1.2-rl-returns.png``, Korean) and a GIF of each trained policy balancing the pole
(``C1.2-<algorithm>-cartpole.gif``, the first twin's agent, greedy).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path

from twin_nets.cli import FOLDER, IMPLS, OneLineParser, check_threads, twins_of
from twin_nets.rl.config import ALGORITHMS, RLConfig


def parser(description: str) -> OneLineParser:
    p = OneLineParser(description=description)
    p.add_argument("--algorithm", choices=(*ALGORITHMS, "both"), default="both", help="which agent learns")
    p.add_argument("--seeds", type=int, nargs="+", default=[0], help="one paired run per seed")
    p.add_argument("--impl", choices=IMPLS, default="both", help="the twins of the paired run")
    p.add_argument("--episodes", type=int, default=None, help="the most episodes (default: per algorithm)")
    p.add_argument("--logdir", type=FOLDER, default=Path("runs/rl"), help="TensorBoard's folder")
    p.add_argument("--no-tensorboard", action="store_true", help="write no TensorBoard logs")
    p.add_argument("--outdir", type=FOLDER, default=None, help="where the figure and the GIFs go")
    p.add_argument("--every", type=int, default=50, help="a progress line every this many episodes")
    p.add_argument(
        "--threads",
        type=int,
        default=1,
        help="CPU threads of torch and of NumPy's BLAS; for these small networks one is fastest",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    p = parser(__doc__)
    args = p.parse_args(argv)
    algorithms = ALGORITHMS if args.algorithm == "both" else (args.algorithm,)
    twins = twins_of(args.impl)
    changes = {} if args.episodes is None else {"episodes": args.episodes}
    try:
        configs = {a: [RLConfig.for_algorithm(a, seed=s, **changes) for s in args.seeds] for a in algorithms}
        if args.every <= 0:
            raise ValueError(f"--every: expected a positive integer, got {args.every}")
        check_threads("--threads", args.threads)
        import gymnasium  # noqa: F401  (a clear error before any work)
    except (ValueError, ImportError) as error:
        p.error(str(error).removeprefix("RLConfig: "))
    from twin_nets.threads import limit_threads

    with limit_threads(args.threads):
        first = train(configs, twins, args)
    if args.outdir is not None:
        write_outputs(first, args.outdir)
    return 0


def train(configs: dict, twins: tuple[str, ...], args) -> dict:
    """Each algorithm's runs, a line per seed and the spread; returns each algorithm's first run."""
    from twin_nets.rl.board import RLBoard
    from twin_nets.rl.paired import run
    from twin_nets.rl.solve import progress, seed_line, summary

    first = {}
    for algorithm, runs in configs.items():
        results = []
        for config in runs:
            board = None if args.no_tensorboard else RLBoard(args.logdir, config.concept, config.seed, twins)
            report = progress(args.every)
            callbacks = [report] if board is None else [report, board]
            start = time.perf_counter()
            result = run(config, twins, on_episode=lambda r, cs=callbacks: [c(r) for c in cs])
            if board is not None:
                board.text("config", str(config.to_dict()))
                board.close()
            print(f"{seed_line(result)} ({time.perf_counter() - start:.0f} s)", flush=True)
            results.append(result)
        first[algorithm] = results[0]
        print(summary(results), flush=True)
    return first


def write_outputs(results: dict, outdir: Path) -> None:
    """The Korean return figure and one GIF per algorithm, from each algorithm's first run."""
    from twin_nets.figures import save_figure
    from twin_nets.figures.reinforcement import return_figure
    from twin_nets.notebooks.font import use_korean_font
    from twin_nets.rl.animation import play, write_gif

    use_korean_font()
    print(save_figure(return_figure(results), "C1.2-rl-returns", outdir))
    for result in results.values():
        agent = result.agents[result.twins[0]]
        frames, total = play(agent, seed=result.config.seed, every=4)  # 50 steps a second: real time
        path = write_gif(frames, Path(outdir) / f"{result.config.concept}-cartpole.gif", fps=12)
        print(f"{path}: {len(frames)} frames, greedy return {total:.0f}", file=sys.stderr)
