"""Figure of the data-parallel run (C3.2.1-data-parallel) and sync batch norm (C4.3-sync-batchnorm):
how far a K-rank run with plain batch norm ends from the one-process run, as the per-rank batch shrinks.

Every point is a real K-rank job (``mpiexec -n K``, both twins on every rank: the scratch twin over MPI,
the torch twin over gloo), 1 and 8 SGD steps of a 6 → 16 → 3 MLP with batch norm, compared weight by
weight with the same steps in one process on the whole batches. With sync batch norm (the scratch
twin's hand-written ``SyncBatchNorm``; the torch twin's from ``torch_impl.distributed``) the difference
stays at float64 round-off; with plain batch norm each rank normalises with its shard's statistics and
the run goes elsewhere, the further the smaller the shard.

  C4.3-sync-batchnorm-per-rank-batch.png   max |Δw| over the learned parameters (K ranks vs one process)
                                           against the per-rank batch B/K, for K = 2 and 4, plain and
                                           synchronised batch norm, after 1 and after 8 steps

``python -m twin_nets.figures.distributed --outdir docs/figures`` draws it, and so does
``scripts/figures.py`` (group ``distributed``; skipped there with one line where MPI is missing). Both need
mpi4py and mpiexec: ``pip install -e '.[distributed]'``. The group's thread is the one-process reference
run's; each K-rank job adds K processes of one thread each (``twin_nets.distributed.jobs``).
"""

from __future__ import annotations

import json
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import numpy as np
from matplotlib.ticker import NullFormatter

from twin_nets.cli import FOLDER, IMPLS, OneLineParser, twins_of
from twin_nets.contract import PAIRED_TRAINING_ATOL
from twin_nets.distributed import jobs
from twin_nets.distributed.proof import Case, train_case
from twin_nets.figures import plt, save_figure
from twin_nets.figures.board import FigureBoard
from twin_nets.figures.drawing import legend_below, plot_twins
from twin_nets.threads import one_thread

SYNC_BATCHNORM = "C4.3-sync-batchnorm"
RANKS = (2, 4)
GLOBAL_BATCHES = (8, 16, 32, 64)
STEPS = (1, 8)  # one panel each: the first update (lr × the gradients' difference), and after 8
N_TRAIN = 128
FLOOR = 1e-17  # an exact 0 drawn on the log axis
COLORS = {
    ("plain", 2): "tab:blue",
    ("plain", 4): "tab:red",
    ("sync", 2): "tab:cyan",
    ("sync", 4): "tab:orange",
}
KINDS = {"plain": "배치 정규화 (BatchNorm1d)", "sync": "동기화 배치 정규화 (SyncBatchNorm)"}


def _is_buffer(key: str) -> bool:
    return key.rsplit(".", 1)[-1] in ("running_mean", "running_var", "num_batches_tracked")


def name(kind: str, batch: int, steps: int) -> str:
    return f"{kind}-B{batch}-S{steps}"


def cases(impl: str) -> list[Case]:
    grid = [(kind, b, s) for kind in KINDS for b in GLOBAL_BATCHES for s in STEPS]
    return [
        Case(name(kind, b, s), b, "batch", kind == "sync", n_train=N_TRAIN, steps=s, impl=impl)
        for kind, b, s in grid
    ]


def unavailable() -> str | None:
    """None when the K-rank jobs can run here, else what to install (``scripts/figures.py`` then skips
    the group with this line)."""
    return jobs.why_no_mpi()


def run_job(size: int, job_cases: list[Case], folder: Path) -> dict[str, np.ndarray]:
    """``mpiexec -n size python -m twin_nets.distributed.proof`` on ``job_cases``; rank 0's weights."""
    spec, out = folder / f"cases{size}.json", folder / f"result{size}.npz"
    spec.write_text(json.dumps([asdict(c) for c in job_cases]), encoding="utf-8")
    proof = ["-m", "twin_nets.distributed.proof", "--cases", str(spec), "--out", str(out)]
    jobs.run([*jobs.mpi_command(size), *proof])
    with np.load(out) as data:
        return {key: data[key] for key in data.files}


def differences(impls: tuple[str, ...]) -> dict[tuple[str, int, int, str], np.ndarray]:
    """(plain|sync, K, steps, twin) -> max |Δw| per global batch in ``GLOBAL_BATCHES``."""
    impl = "both" if len(impls) == 2 else impls[0]
    job_cases = cases(impl)
    reference = {case.name: train_case(case) for case in job_cases}
    out: dict[tuple[str, int, int, str], np.ndarray] = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in RANKS:
            result = run_job(size, job_cases, Path(folder))
            for kind, steps, twin in ((k, s, t) for k in KINDS for s in STEPS for t in impls):
                row = []
                for b in GLOBAL_BATCHES:
                    case = name(kind, b, steps)
                    # the learned parameters: plain batch norm's running statistics are rank 0's shard's
                    one = {k: w for k, w in reference[case][twin].items() if not _is_buffer(k)}
                    row.append(
                        max(float(np.max(np.abs(result[f"{case}/{twin}/{k}"] - v))) for k, v in one.items())
                    )
                out[(kind, size, steps, twin)] = np.array(row)
    return out


def sync_batchnorm_figures(outdir: Path, board: FigureBoard | None, impls: tuple[str, ...]) -> list[Path]:
    """C4.3-sync-batchnorm-per-rank-batch.png (see the module docstring): the K-rank jobs, then the figure."""
    return [per_rank_batch_figure(differences(impls), outdir, board, impls)]


def per_rank_batch_figure(
    diffs: dict[tuple[str, int, int, str], np.ndarray],
    outdir: Path,
    board: FigureBoard | None,
    impls: tuple[str, ...],
) -> Path:
    """The figure from ``differences(impls)``: one panel per entry of ``STEPS``, stacked, so that its
    text reads at the width a notebook shows it."""
    fig, axes = plt.subplots(len(STEPS), 1, figsize=(8, 8.2), sharex=True, sharey=True)
    ticks = sorted({b // k for b in GLOBAL_BATCHES for k in RANKS})
    for ax, steps in zip(axes, STEPS, strict=True):
        for size in RANKS:
            per_rank = np.array(GLOBAL_BATCHES) // size
            for kind, label in KINDS.items():
                ys = {twin: np.maximum(diffs[(kind, size, steps, twin)], FLOOR) for twin in impls}
                plot_twins(ax, per_rank, ys, f"{label}, K = {size}", COLORS[(kind, size)])
        ax.axhline(PAIRED_TRAINING_ATOL, color="gray", linestyle=":", label="쌍 학습 허용 오차 (contract)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"SGD {steps} 스텝 뒤 (학습률 0.1, 모멘텀 0.9)")
        ax.set_ylabel("최대 |Δw|, 랭크 K개 vs 프로세스 하나")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xticks(ticks, [str(t) for t in ticks])
    axes[-1].set_xlabel("랭크당 배치 B/K (각 랭크가 정규화하는 샘플 수)")
    legend_below(axes[-1], ncol=2, gap=0.2, fontsize=9)  # one legend under both panels, off the data
    title = (
        f"{SYNC_BATCHNORM}: 랭크 K개의 보통 배치 정규화는 프로세스 하나의 학습과 달라지고,\n"
        "동기화 배치 정규화는 같습니다 (float64)"
    )
    return save_figure(fig, f"{SYNC_BATCHNORM}-per-rank-batch", outdir, board, title=title)


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="python -m twin_nets.figures.distributed", description=__doc__.split("\n")[0])
    parser.add_argument("--outdir", type=FOLDER, default=Path("figures"), help="where the PNG goes")
    parser.add_argument("--impl", choices=IMPLS, default="both", help="which twin(s) to run")
    args = parser.parse_args(argv)
    parser.check_output("--outdir", args.outdir)  # before the mpiexec jobs, not after them
    if (missing := unavailable()) is not None:
        parser.error(f"the K-rank jobs cannot run here: {missing}")
    try:
        with one_thread():  # as scripts/figures.py runs it: the same round-off, the same PNG to the byte
            paths = sync_batchnorm_figures(args.outdir, None, twins_of(args.impl))
    except jobs.JobError as error:
        print(f"{parser.prog}: {' '.join(str(error).split())}", file=sys.stderr)
        return 1
    print("\n".join(f"wrote {p}" for p in paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
