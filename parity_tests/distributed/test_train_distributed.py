"""C3.2.1-data-parallel: ``scripts/train.py --distributed`` under mpiexec (both twins) and torchrun (the
torch twin): the K-rank run ends where the one-process run ends, resumes, and only rank 0 writes; a
launch it cannot use is refused in one line (exit 2) before anything is written."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from parity_tests.distributed.launching import launch, mpi_launcher, torchrun_launcher
from parity_tests.parity import PAIRED_TRAINING_ATOL
from twin_nets.distributed import jobs
from twin_nets.training import checkpoint, parse_config, prepare
from twin_nets.training.main import main

TRAIN = str(jobs.ROOT / "scripts" / "train.py")
# 120 iris training samples at batch 8: 15 steps an epoch, every batch split evenly over 2 ranks
FLAGS = ["--dataset", "iris", "--hidden", "8", "--batch-size", "8", "--optimizer", "sgd", "--lr", "0.1",
         "--momentum", "0.9", "--dropout", "0.2", "--device", "cpu"]  # fmt: skip


def final_weights(root: Path, impls: tuple[str, ...]) -> dict[str, dict[str, np.ndarray]]:
    """Each twin's model in the experiment's committed checkpoint pair."""
    files = checkpoint.pair_files(root, impls)
    weights = {}
    if "scratch" in impls:
        weights["scratch"] = checkpoint.load_scratch(files["scratch"])[0]
    if "torch" in impls:
        model = checkpoint.load_torch(files["torch"], torch.device("cpu"))[0]
        weights["torch"] = {k: v.numpy() for k, v in model.items()}
    return weights


def largest_difference(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> float:
    assert a.keys() == b.keys()
    return max(float(np.max(np.abs(np.asarray(a[k], np.float64) - np.asarray(b[k], np.float64)))) for k in a)


def written(root: Path) -> list[str]:
    """Every file of the experiment, event files counted by twin (their names hold the host and pid)."""
    names = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            rel = path.relative_to(root).as_posix()
            names.append(rel.split(".out.tfevents")[0] if ".out.tfevents" in rel else rel)
    return names


@pytest.fixture(scope="module")
def one_process(tmp_path_factory) -> Path:
    """The one-process run of both twins, 3 epochs, in this process."""
    logdir = tmp_path_factory.mktemp("one")
    config = parse_config([*FLAGS, "--epochs", "3", "--logdir", str(logdir), "--experiment", "e"])
    assert prepare(config).run(out=io.StringIO()) == 0
    return logdir / "e"


@pytest.mark.slow
def test_mpiexec_both_twins_resume_and_equal_one_process(one_process, tmp_path):
    """C3.2.1-data-parallel: mpiexec -n 2, 2 epochs, then --resume to 3: the weights of the one-process
    run, each twin; the files of a one-process run, no more (rank 1 writes nothing); one table."""
    command = [
        *mpi_launcher(2),
        TRAIN,
        *FLAGS,
        "--distributed",
        "--logdir",
        str(tmp_path),
        "--experiment",
        "e",
    ]
    first = launch([*command, "--epochs", "2"])
    assert first.stdout.count("parity: PASS") == 1, first.stdout
    second = launch([*command, "--epochs", "3", "--resume"])
    assert "resumed from epoch 2" in second.stdout and second.stdout.count("parity: PASS") == 1
    reference = final_weights(one_process, ("scratch", "torch"))
    for impl, weights in final_weights(tmp_path / "e", ("scratch", "torch")).items():
        difference = largest_difference(weights, reference[impl])
        assert difference < PAIRED_TRAINING_ATOL, f"{impl}: K=2 vs one process {difference:.3e}"
    ours = [n for n in written(tmp_path / "e")]
    assert sorted(set(ours)) == sorted(set(written(one_process))), (ours, written(one_process))
    metrics = json.loads((tmp_path / "e" / "torch" / "metrics.json").read_text())
    assert metrics["status"] == "done" and metrics["epochs_completed"] == 3


@pytest.mark.slow
def test_torchrun_torch_twin_with_sync_bn_equals_one_process(tmp_path):
    """C4.3-sync-batchnorm under torchrun --nproc-per-node 2 (DDP over gloo; on CPU the autograd sync
    batch norm of ``torch_impl.distributed``): the one-process run with plain batch norm on the whole
    batches, 2 epochs."""
    flags = [*FLAGS, "--impl", "torch", "--norm", "batch", "--epochs", "2"]
    config = parse_config([*flags, "--logdir", str(tmp_path / "one"), "--experiment", "e"])
    assert prepare(config).run(out=io.StringIO()) == 0
    command = [*torchrun_launcher(2), TRAIN, *flags, "--distributed", "--sync-bn"]
    result = launch([*command, "--logdir", str(tmp_path / "two"), "--experiment", "e"])
    assert result.stdout.count("data-parallel on 2 ranks (torchrun)") == 1
    weights = final_weights(tmp_path / "two" / "e", ("torch",))["torch"]
    difference = largest_difference(weights, final_weights(tmp_path / "one" / "e", ("torch",))["torch"])
    assert difference < PAIRED_TRAINING_ATOL, f"torch: K=2 (torchrun) vs one process {difference:.3e}"


TORCHRUN_RANK0_OF_2 = {"RANK": "0", "WORLD_SIZE": "2", "LOCAL_RANK": "0"}
LAUNCHER_VARIABLES = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_RANK",
                      "OMPI_COMM_WORLD_SIZE")  # fmt: skip


def test_distributed_without_a_launcher_is_refused_in_one_line(tmp_path):
    """C3.2.1-data-parallel: ``train.py --distributed`` started by hand: exit 2, one line, nothing written."""
    command = [sys.executable, TRAIN, "--distributed", "--logdir", str(tmp_path / "runs")]
    clean = {k: v for k, v in jobs.environment().items() if k not in LAUNCHER_VARIABLES}
    result = subprocess.run(command, cwd=tmp_path, env=clean, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, lines
    assert lines[0].startswith("train.py: error: --distributed: no launcher started this process"), lines
    assert os.listdir(tmp_path) == []


REFUSALS = [  # (flags, the one line's start) on rank 0 of a torchrun world of 2; digits: 1437 samples
    (["--impl", "torch", "--batch-size", "7"],
     "train.py: error: --batch-size: expected a multiple of the 2 ranks"),
    (["--impl", "torch"],
     "train.py: error: --batch-size: 1437 training samples at batch size 64 leave a last batch of 29"),
    ([], "train.py: error: --distributed: the scratch twin runs on MPI"),
    (["--sync-bn"], "train.py: error: --sync-bn: expected --distributed and --norm batch"),
]  # fmt: skip


@pytest.mark.parametrize("flags, message", REFUSALS, ids=["batch", "last-batch", "scratch", "sync-bn"])
def test_a_launch_it_cannot_use_is_refused_in_one_line(tmp_path, monkeypatch, capsys, flags, message):
    """C3.2.1-data-parallel: refused before anything is written, here in this process as rank 0 of a
    torchrun world of 2 (every check comes before the first connection, so no other rank is needed)."""
    for name in LAUNCHER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in TORCHRUN_RANK0_OF_2.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main([*flags, "--epochs", "1", "--distributed", "--logdir", str(tmp_path / "runs")])
    assert stopped.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), lines
    assert os.listdir(tmp_path) == []
