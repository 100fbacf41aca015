"""What each target runs and what one run records (see the package docstring).

Each target is a command run in a subprocess from the repository root, writing only into a temporary
folder; a command that fails raises ``MeasurementError`` with its exit status and the end of its output,
and nothing is recorded.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from twin_nets.measurements import ROOT
from twin_nets.measurements.suite_plugin import REPORT_ENV


class MeasurementError(RuntimeError):
    """A measured command failed."""


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # every descendant that was waited for
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)) -> dict:
    """Run ``command`` from the repository root; its wall and CPU seconds (its children's included). An
    exit status outside ``ok`` raises ``MeasurementError``."""
    cpu, start = _cpu_seconds(), time.perf_counter()
    done = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode not in ok:
        tail = " ".join((done.stdout + done.stderr)[-600:].split())
        raise MeasurementError(f"{' '.join(command)} exited with status {done.returncode}: ...{tail}")
    return {"seconds": round(seconds, 1), "cpu_seconds": round(_cpu_seconds() - cpu, 1)}


def suite_command(*extra: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "-p", "twin_nets.measurements.suite_plugin", *extra]  # fmt: skip


def suite_report(*extra: str) -> dict[str, Any]:
    """Run pytest with ``suite_plugin`` and ``extra`` flags; the plugin's report, and the times."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "suite.json"
        # Status 1, some tests failed, is a result (the report counts them); anything else is not.
        ok = (0,) if "--collect-only" in extra else (0, 1)
        times = timed(suite_command(*extra), {REPORT_ENV: str(path)}, ok)
        return {**json.loads(path.read_text(encoding="utf-8")), **times}


def collect() -> dict[str, int]:
    """Today's collection: the tests and the CUDA cases among them (about 20 s)."""
    report = suite_report("--collect-only")
    return {"collected": report["collected"], "cuda": report["cuda"]}


def measure_suite() -> dict[str, Any]:
    return suite_report()


def figures_command(outdir: Path) -> list[str]:
    return [sys.executable, "scripts/figures.py", "--jobs", "2", "--outdir", str(outdir),
            "--logdir", str(outdir / "runs")]  # fmt: skip


def measure_figures() -> dict[str, Any]:
    """``scripts/figures.py --jobs 2`` into a temporary folder (TensorBoard included): the figures it
    wrote, by name, and the times."""
    with tempfile.TemporaryDirectory() as folder:
        times = timed(figures_command(Path(folder)))
        names = sorted(path.stem for path in Path(folder).glob("*.png"))
    return {"figures": names, **times}


def dp_bench_command(out: Path) -> list[str]:
    return [sys.executable, "-m", "twin_nets.distributed.bench", "--out", str(out)]


def measure_dp_bench() -> dict[str, Any]:
    """The data-parallel bench: per twin, the K=2 / K=1 throughput ratio and the all-reduce ms a step."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "bench.json"
        times = timed(dp_bench_command(out))
        result = json.loads(out.read_text(encoding="utf-8"))
    twins = {
        twin: {key: round(result[twin][key], 4) for key in ("ratio_K2_over_K1", "comm_ms_per_step_K2")}
        for twin in ("scratch", "torch")
    }
    setting = {key: result[key] for key in ("model", "global_batch", "dtype", "rounds", "steps_per_round")}
    return {**twins, "setting": setting, **times}


def _named(command: list[str]) -> list[str]:
    return ["python", *command[1:]]


# target -> (the command as the record names it, <tmp> the temporary folder; one run)
TARGETS: dict[str, tuple[list[str], Callable[[], dict[str, Any]]]] = {
    "suite": (_named(suite_command()), measure_suite),
    "figures": (_named(figures_command(Path("<tmp>"))), measure_figures),
    "dp-bench": (_named(dp_bench_command(Path("<tmp>/bench.json"))), measure_dp_bench),
}
