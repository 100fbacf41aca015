"""The figure commands: ``scripts/<group>.py`` draws one group of ``GROUPS``, ``scripts/figures.py`` all.

Both share the flags ``--outdir``, ``--logdir`` / ``--no-tensorboard`` and ``--impl``; ``figures.py``
adds ``--only`` and ``--jobs``. Every flag and both folders are checked before any work: a bad one ends
in one line and exit status 2, with nothing written. Every group runs under ``one_thread()`` (one torch
thread, one BLAS thread: the figures' networks are tiny, and a thread pool only waits on itself). A group
whose module says it cannot run here (``unavailable()``: ``distributed`` without MPI) is skipped with one
line naming what to install; the others still run and the exit status stays 0.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from twin_nets.cli import FOLDER, IMPLS, OneLineParser, twins_of
from twin_nets.figures import GROUPS
from twin_nets.figures.board import FIGURES_RUN, FigureBoard

MAX_JOBS = os.cpu_count() or 1  # more processes than cores only queue
# TensorBoard's figure runs, beside the main job's ``runs/`` rather than in it: its run list stays the
# training runs'; ``tensorboard --logdir runs-figures`` opens the figures
DEFAULT_LOGDIR = Path("runs-figures")


def build_parser(description: str | None, every_group: bool) -> OneLineParser:
    parser = OneLineParser(description=description)
    parser.add_argument("--outdir", type=FOLDER, default=Path("figures"), help="folder of the PNG files")
    board = parser.add_mutually_exclusive_group()  # --logdir with --no-tensorboard is refused, not ignored
    board.add_argument("--logdir", type=FOLDER, help=f"TensorBoard folder (default: {DEFAULT_LOGDIR})")
    board.add_argument("--no-tensorboard", action="store_true", help="write the PNG files only")
    parser.add_argument("--impl", choices=IMPLS, default="both", help="which twin to run")
    if every_group:
        parser.add_argument(
            "--only", nargs="+", choices=tuple(GROUPS), metavar="NAME", help=f"any of {', '.join(GROUPS)}"
        )
        parser.add_argument("--jobs", type=int, default=1, help=f"groups run at once, 1 to {MAX_JOBS}")
    return parser


@dataclass(frozen=True)
class FigureArgs:
    """Flags of a figure command (``only`` and ``jobs``: ``figures.py``'s)."""

    outdir: Path
    logdir: Path | None
    impl: str
    only: tuple[str, ...] = tuple(GROUPS)
    jobs: int = 1


def parse_args(description: str | None, argv: Sequence[str] | None, every_group: bool) -> FigureArgs:
    parser = build_parser(description, every_group)
    ns = parser.parse_args(argv)
    logdir = None if ns.no_tensorboard else (ns.logdir or DEFAULT_LOGDIR)
    parser.check_output("--outdir", ns.outdir)
    if logdir is not None:
        parser.check_output("--logdir", logdir)
    if not every_group:
        return FigureArgs(ns.outdir, logdir, ns.impl)
    if not 1 <= ns.jobs <= MAX_JOBS:
        parser.error(f"--jobs: expected an integer from 1 to {MAX_JOBS} (the cores here), got {ns.jobs}")
    return FigureArgs(ns.outdir, logdir, ns.impl, tuple(ns.only or GROUPS), ns.jobs)


@dataclass(frozen=True)
class GroupResult:
    name: str
    status: str  # "ok", "skipped" (cannot run here), "missing" (its module is not there) or "failed"
    figures: tuple[Path, ...] = ()
    seconds: float = 0.0
    error: str = ""


def run_group(name: str, outdir: Path, logdir: Path | None, impl: str) -> GroupResult:
    """Draw group ``name`` of ``GROUPS`` under one thread; never raises (a failure becomes the result)."""
    start = time.perf_counter()
    module_name, function = GROUPS[name]
    board = FigureBoard(logdir)
    try:
        try:
            module = importlib.import_module(f"twin_nets.figures.{module_name}")
        except ModuleNotFoundError as error:
            if error.name != f"twin_nets.figures.{module_name}":
                raise
            return GroupResult(name, "missing", error=f"twin_nets/figures/{module_name}.py is not there")
        why_not = getattr(module, "unavailable", lambda: None)()
        if why_not is not None:
            return GroupResult(name, "skipped", seconds=time.perf_counter() - start, error=why_not)
        from twin_nets.threads import one_thread  # torch: imported once the flags are good

        with one_thread():
            figures = tuple(getattr(module, function)(outdir, board, twins_of(impl)))
        absent = [str(p) for p in figures if not p.is_file()]
        if absent:
            raise FileNotFoundError(f"{function} returned files that do not exist: {absent}")
        return GroupResult(name, "ok", figures, time.perf_counter() - start)
    except Exception as error:
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        return GroupResult(name, "failed", seconds=time.perf_counter() - start, error=detail)
    finally:
        board.close()


def run_groups(args: FigureArgs) -> list[GroupResult]:
    """Every group of ``args.only``, in order, or ``args.jobs`` at a time in worker processes."""
    calls = [(name, args.outdir, args.logdir, args.impl) for name in args.only]
    if args.jobs == 1:
        return [run_group(*call) for call in calls]
    with ProcessPoolExecutor(max_workers=min(args.jobs, len(calls))) as pool:
        return list(pool.map(run_group, *zip(*calls, strict=True)))


def report(results: list[GroupResult], seconds: float) -> str:
    lines = [f"{'group':<16}{'status':<9}{'figures':>8}{'seconds':>9}"]
    lines += [f"{r.name:<16}{r.status:<9}{len(r.figures):>8}{r.seconds:>9.1f}" for r in results]
    lines.append(f"{len(results)} groups, {sum(len(r.figures) for r in results)} figures, {seconds:.1f} s")
    lines += [f"SKIPPED {r.name}: {r.error}" for r in results if r.status == "skipped"]
    lines += [f"MISSING {r.name}: {r.error}" for r in results if r.status == "missing"]
    lines += [f"FAILED {r.name}: {r.error}" for r in results if r.status == "failed"]
    return "\n".join(lines)


def where(args: FigureArgs) -> str:
    """Where a command writes, in words."""
    runs = ", ".join((*twins_of(args.impl), FIGURES_RUN))
    board = "no TensorBoard" if args.logdir is None else f"TensorBoard in {args.logdir} (runs {runs})"
    return f"figures in {args.outdir}, {board}, twins: {args.impl}"


def main(description: str | None, argv: Sequence[str] | None = None, group: str | None = None) -> int:
    """``scripts/figures.py`` (``group`` None: every group) or one group's script: parse and check the
    flags, say where it writes, draw, print every file written and, for several groups, a summary.
    Exit status 0 (also when a group is skipped), 1 when a group failed or is missing, 2 for a bad flag."""
    args = parse_args(description, argv, every_group=group is None)
    if group is not None:
        args = FigureArgs(args.outdir, args.logdir, args.impl, (group,))
    print(where(args), flush=True)
    start = time.perf_counter()
    results = run_groups(args)
    for r in results:
        for path in r.figures:
            print(path)
    if group is None:
        print(report(results, time.perf_counter() - start))
    # a failure is said on stderr too (a script's caller reads stderr); the summary above is stdout's
    for r in results:
        if r.status in ("failed", "missing") or (group is not None and r.status == "skipped"):
            kind = {"skipped": "skipped", "missing": "missing"}.get(r.status, "error")
            print(f"{sys.argv[0]}: {kind}: {r.name}: {' '.join(r.error.split())}", file=sys.stderr)
    return 0 if all(r.status in ("ok", "skipped") for r in results) else 1
