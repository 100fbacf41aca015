"""The command line every figure script shares: ``--outdir``, ``--logdir``, ``--impl``.

Each script in ``scripts/`` exposes ``make_figures(outdir, writer=None, impl="both") -> list[Path]`` and
ends with ``raise SystemExit(run_figure_script(make_figures, __doc__))``; ``scripts/figures.py`` calls the
``make_figures`` of every script instead.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

IMPLS = ("scratch", "torch", "both")


@dataclass(frozen=True)
class FigureArgs:
    """Flags of a figure script.

    Args:
        outdir: folder of the PNG files (default ``figures``).
        logdir: TensorBoard folder (default ``runs/figures``); None: no TensorBoard.
        impl: which twin to run — "scratch", "torch" or "both" (default; both drawn on one figure).
    """

    outdir: Path = Path("figures")
    logdir: Path | None = Path("runs/figures")
    impl: str = "both"


def figure_parser(description: str | None) -> argparse.ArgumentParser:
    """The parser of ``FigureArgs`` (scripts with more flags add theirs)."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--outdir", type=Path, default=FigureArgs.outdir, help="folder of the PNG files")
    parser.add_argument("--logdir", type=Path, default=FigureArgs.logdir, help="TensorBoard folder")
    parser.add_argument("--no-tensorboard", action="store_true", help="write PNG files only")
    parser.add_argument("--impl", choices=IMPLS, default=FigureArgs.impl, help="which twin to run")
    return parser


def parse_figure_args(description: str | None, argv: Sequence[str] | None = None) -> FigureArgs:
    """``FigureArgs`` from the command line; bad flags exit with status 2 and a one-line message."""
    parser = figure_parser(description)
    ns = parser.parse_args(argv)
    if ns.outdir.exists() and not ns.outdir.is_dir():
        parser.error(f"--outdir: expected a folder, got the file {ns.outdir}")
    return FigureArgs(ns.outdir, None if ns.no_tensorboard else ns.logdir, ns.impl)


def open_writer(logdir: Path | None) -> Any:
    """A ``SummaryWriter`` on ``logdir``, or None."""
    if logdir is None:
        return None
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter(str(logdir))


def run_figure_script(
    make_figures: Callable[..., list[Path]], description: str | None, argv: Sequence[str] | None = None
) -> int:
    """Parse the flags, print them (and log them to TensorBoard as text), draw, print every file written."""
    args = parse_figure_args(description, argv)
    board = f"TensorBoard in {args.logdir}" if args.logdir is not None else "no TensorBoard"
    print(f"figures in {args.outdir}, {board}, twins: {args.impl}")
    writer = open_writer(args.logdir)
    try:
        if writer is not None:
            writer.add_text("args", repr(args))
        for path in make_figures(args.outdir, writer=writer, impl=args.impl):
            print(path)
    finally:
        if writer is not None:
            writer.close()
    return 0
