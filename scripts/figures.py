"""Regenerate every figure of the project: one folder of PNG files and the same figures in TensorBoard.

Each script named in ``SCRIPTS`` lives in this folder and exposes
``make_figures(outdir, writer=None, impl="both") -> list[Path]``; this command loads each one by its file
path, calls it, and prints what it wrote and how long it took. A script that is not there yet is listed
as MISSING in the summary (never skipped silently); a script that fails is reported with its error, the
others still run, and the exit status is 1.

Usage: python scripts/figures.py [--outdir figures] [--logdir runs/figures | --no-tensorboard]
                                 [--impl {scratch,torch,both}] [--only NAME ...] [--jobs N]
"""

from __future__ import annotations

import importlib.util
import sys
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import torch

from twin_nets.experiments.cli import figure_parser, open_writer

SCRIPTS_DIR = Path(__file__).resolve().parent
# Every script that draws figures, in the seed's order (§1.1 … §4.3).
SCRIPTS: tuple[str, ...] = (
    "supervised",  # C1.1-supervised
    "features",  # C1.3-features
    "perceptron",  # C2.1-perceptron
    "xor",  # C2.2-mlp-xor
    "activations",  # C3.1.1-*
    "losses",  # C3.1.2-*
    "optimizers",  # C3.2.1-*
    "surfaces",  # C3.2.2-local-minima, C3.2.2-saddle
    "vanishing",  # C3.2.3-vanishing
    "initialization",  # C4.1-init-*
    "dropout",  # C4.2-dropout
    "batchnorm",  # C4.3-batchnorm, C4.3-layernorm
)


@dataclass(frozen=True)
class FiguresConfig:
    """Flags of this command.

    Args:
        outdir: folder of every PNG (default ``figures``).
        logdir: TensorBoard folder (default ``runs/figures``); None: PNG files only.
        impl: "scratch", "torch" or "both" (default) — passed to every script.
        only: the scripts to run (default: all of ``SCRIPTS``).
        jobs: scripts run in parallel processes (default 1; each process writes its own TensorBoard file).
    """

    outdir: Path
    logdir: Path | None
    impl: str
    only: tuple[str, ...]
    jobs: int


@dataclass(frozen=True)
class ScriptResult:
    name: str
    status: str  # "ok", "missing" or "failed"
    figures: tuple[Path, ...] = ()
    seconds: float = 0.0
    error: str = ""


def parse_config(argv: Sequence[str] | None = None) -> FiguresConfig:
    parser = figure_parser(__doc__)
    parser.add_argument(
        "--only", nargs="+", choices=SCRIPTS, metavar="NAME", help=f"any of {', '.join(SCRIPTS)}"
    )
    parser.add_argument("--jobs", type=int, default=1, help="scripts run in parallel (default 1)")
    ns = parser.parse_args(argv)
    if ns.jobs < 1:
        parser.error(f"--jobs: expected a positive integer, got {ns.jobs}")
    if ns.outdir.exists() and not ns.outdir.is_dir():
        parser.error(f"--outdir: expected a folder, got the file {ns.outdir}")
    only = tuple(ns.only) if ns.only else SCRIPTS
    return FiguresConfig(ns.outdir, None if ns.no_tensorboard else ns.logdir, ns.impl, only, ns.jobs)


def load_script(name: str) -> ModuleType | None:
    """The module of ``scripts/<name>.py`` (loaded from its path), or None when the file is missing."""
    path = SCRIPTS_DIR / f"{name}.py"
    if not path.is_file():
        return None
    module_name = f"twin_nets_scripts.{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses in the script look their module up here
    spec.loader.exec_module(module)
    return module


def run_script(
    name: str, outdir: Path, logdir: Path | None, impl: str, writer: object = None
) -> ScriptResult:
    """Load ``name`` and call its ``make_figures``; never raises (a failure becomes the result)."""
    start = time.perf_counter()
    own_writer = writer is None and logdir is not None
    try:
        module = load_script(name)
        if module is None:
            return ScriptResult(name, "missing")
        make_figures = getattr(module, "make_figures", None)
        if make_figures is None:
            raise AttributeError(f"scripts/{name}.py has no make_figures(outdir, writer=None, impl='both')")
        if own_writer:
            writer = open_writer(logdir)
        figures = tuple(Path(p) for p in make_figures(outdir, writer=writer, impl=impl))
        absent = [str(p) for p in figures if not p.is_file()]
        if absent:
            raise FileNotFoundError(f"make_figures returned files that do not exist: {absent}")
        return ScriptResult(name, "ok", figures, time.perf_counter() - start)
    except Exception as error:
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        return ScriptResult(name, "failed", seconds=time.perf_counter() - start, error=detail)
    finally:
        if own_writer and writer is not None:
            writer.close()


def run_all(config: FiguresConfig) -> list[ScriptResult]:
    """Run every script of ``config.only``, in order (or ``config.jobs`` at a time)."""
    config.outdir.mkdir(parents=True, exist_ok=True)
    if config.jobs == 1:
        writer = open_writer(config.logdir)
        try:
            if writer is not None:
                writer.add_text("figures/config", repr(config))
            return [
                run_script(name, config.outdir, config.logdir, config.impl, writer) for name in config.only
            ]
        finally:
            if writer is not None:
                writer.close()
    with ProcessPoolExecutor(
        max_workers=config.jobs, initializer=torch.set_num_threads, initargs=(1,)
    ) as pool:
        futures = [
            pool.submit(run_script, name, config.outdir, config.logdir, config.impl) for name in config.only
        ]
        return [future.result() for future in futures]


def report(results: list[ScriptResult], seconds: float) -> str:
    lines = [f"{'script':<16}{'status':<9}{'figures':>8}{'seconds':>9}"]
    for r in results:
        lines.append(f"{r.name:<16}{r.status:<9}{len(r.figures):>8}{r.seconds:>9.1f}")
    lines.append(f"{len(results)} scripts, {sum(len(r.figures) for r in results)} figures, {seconds:.1f} s")
    missing = [r.name for r in results if r.status == "missing"]
    if missing:
        lines.append(
            "MISSING (not written yet; their figures are absent): "
            + ", ".join(f"scripts/{m}.py" for m in missing)
        )
    for r in results:
        if r.status == "failed":
            lines.append(f"FAILED scripts/{r.name}.py: {r.error}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    config = parse_config(argv)
    print(config)
    # The figures' networks are tiny: one torch thread per process is fastest (more threads only wait on
    # each other, worse on a shared machine).
    torch.set_num_threads(1)
    start = time.perf_counter()
    results = run_all(config)
    for r in results:
        for path in r.figures:
            print(path)
    print(report(results, time.perf_counter() - start))
    return 1 if any(r.status == "failed" for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
