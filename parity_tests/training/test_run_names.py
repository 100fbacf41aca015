"""Issue 21, TensorBoard and the run list: two runs whose trajectories differ never share a folder, a
built name is short enough for TensorBoard's run list, the figures keep out of the main job's logdir, the
epoch lines name the twins and a long run prints a few of them, and no command writes a path of this
machine into a committed file."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from twin_nets.training.config import RESUMABLE_CHANGES, TrainConfig
from twin_nets.training.report import EPOCH_LINES, epoch_table, shown_epoch

ROOT = Path(__file__).resolve().parents[2]
BASE = TrainConfig()

# (id, a change that changes the trajectory): each must give another folder than BASE and than each other
DIFFERENT = [
    ("momentum", {"optimizer": "sgd", "momentum": 0.9}),
    ("sgd-no-momentum", {"optimizer": "sgd"}),
    ("momentum-0.5", {"optimizer": "sgd", "momentum": 0.5}),
    ("sync-bn", {"norm": "batch", "distributed": True, "sync_bn": True}),
    ("plain-bn-distributed", {"norm": "batch", "distributed": True}),
    ("mpiexec-2", {"distributed": True, "launch": "mpiexec-2"}),
    ("torchrun-2", {"distributed": True, "launch": "torchrun-2"}),
    ("mpiexec-4", {"distributed": True, "launch": "mpiexec-4"}),
    ("seed", {"seed": 1}),
    ("init", {"init": "xavier"}),
    ("batch-size", {"batch_size": 32}),
    ("betas", {"betas": (0.8, 0.99)}),
    ("weight-decay", {"weight_decay": 1e-4}),
    ("eps", {"eps": 1e-6}),
    ("dropout", {"dropout": 0.2}),
    ("test-size", {"test_size": 0.3}),
    ("dtype", {"dtype": "float32"}),
    ("impl", {"impl": "torch"}),
    ("hidden", {"hidden": (256,)}),
    ("drop-last", {"drop_last": True}),
    ("activation", {"activation": "tanh"}),
    ("autoencoder", {"task": "autoencoder"}),
    ("autoencoder-code-3", {"task": "autoencoder", "code": 3}),
    ("charlm", {"task": "charlm", "dataset": "notes"}),
    ("charlm-bptt", {"task": "charlm", "dataset": "notes", "bptt": 64}),
    ("charlm-embedding", {"task": "charlm", "dataset": "notes", "embedding_dim": 16}),
    ("charlm-no-clip", {"task": "charlm", "dataset": "notes", "clip_grad_norm": 0.0}),
    ("clip", {"clip_grad_norm": 1.0}),
]
# (id, a change that does not change the trajectory: a --resume may make it, so the folder is the same)
SAME = [
    ("epochs", {"epochs": 60}),
    ("resume", {"resume": True}),
    ("device", {"device": "cpu"}),
    ("threads", {"threads": 2}),
    ("logdir", {"logdir": "elsewhere"}),
    ("histogram-every", {"histogram_every": 0}),
    ("checkpoint-every", {"checkpoint_every": 5}),
]


def _config(change):
    return dataclasses.replace(BASE, **change)


@pytest.mark.parametrize("change", [pytest.param(c, id=i) for i, c in DIFFERENT])
def test_a_flag_that_changes_the_trajectory_changes_the_folder(change):
    assert _config(change).run_name != BASE.run_name


def test_no_two_different_trajectories_share_a_folder():
    names = [_config(change).run_name for _, change in DIFFERENT]
    assert len(set(names)) == len(names), names


@pytest.mark.parametrize("change", [pytest.param(c, id=i) for i, c in SAME])
def test_a_flag_a_resume_may_change_keeps_the_folder(change):
    assert _config(change).run_name == BASE.run_name


def test_the_tables_cover_every_field():
    fields = {f.name for f in dataclasses.fields(TrainConfig)} - {"experiment"}
    tabled = {k for _, change in DIFFERENT + SAME for k in change}
    untabled = fields - tabled - set(RESUMABLE_CHANGES)
    # fields whose every value needs another field (a hyper-parameter of another optimizer) or other data
    allowed = {"dataset", "data_dir", "optimizer", "lr", "dampening", "nesterov", "alpha", "centered",
               "amsgrad", "lr_decay", "norm"}  # fmt: skip
    assert untabled <= allowed, untabled
    assert (
        _config({"optimizer": "rmsprop", "alpha": 0.9}).run_name != _config({"optimizer": "rmsprop"}).run_name
    )


@pytest.mark.parametrize("change", [pytest.param(c, id=i) for i, c in [*DIFFERENT, ("long", {
    "dataset": "fashion-mnist", "optimizer": "textbook_momentum", "momentum": 0.9, "lr": 0.000123,
    "hidden": (1024, 1024, 1024), "distributed": True, "launch": "torchrun-16"})]])  # fmt: skip
def test_a_built_name_tells_the_twins_apart_within_40_characters(change):
    name = _config(change).run_name
    assert len(f"{name}/scratch") <= 39, name
    assert re.fullmatch(r"[a-z0-9.\-_]+-[0-9a-f]{6}", name), name


def test_the_readme_names_the_default_jobs_folder():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{BASE.run_name}`" in readme, BASE.run_name


def test_the_launch_is_in_the_name_in_words():
    assert "-mpi2-" in _config({"distributed": True, "launch": "mpiexec-2"}).run_name
    assert "-ddp4-" in _config({"distributed": True, "launch": "torchrun-4"}).run_name


# --------------------------------------------------------------------------- the epoch lines
@pytest.mark.parametrize(
    ("epochs", "shown"),
    [
        (1, [1]),
        (5, [1, 2, 3, 4, 5]),
        (EPOCH_LINES, list(range(1, EPOCH_LINES + 1))),
        (21, [1, *range(2, 21, 2), 21]),
        (2000, [1, *range(100, 2001, 100)]),
    ],
)
def test_a_long_run_prints_the_first_every_kth_and_the_last_epoch(epochs, shown):
    assert [e for e in range(1, epochs + 1) if shown_epoch(e, epochs)] == shown
    assert len(shown) <= EPOCH_LINES + 2


def test_the_final_table_thins_the_same_way_and_says_so():
    history = {
        twin: [
            {"epoch": e, "train_loss": 1 / e, "train_accuracy": 0.5, "test_loss": 1 / e, "test_accuracy": 0.5}
            for e in range(1, 2001)
        ]
        for twin in ("scratch", "torch")
    }
    parity = [{"epoch": e, "max_weight_diff": 1e-16, "max_loss_diff": 0.0} for e in range(1, 2001)]
    lines = epoch_table(history, parity, 2000).splitlines()
    assert "train loss (scratch | torch)" in lines[0]
    assert [line.split()[0] for line in lines[2:-1]] == [str(e) for e in [1, *range(100, 2001, 100)]]
    assert lines[-1].startswith("(a row every 100 epochs")


# --------------------------------------------------------------------------- the figures' logdir
def test_the_figures_logdir_is_beside_the_main_jobs_and_ignored_by_git():
    from twin_nets.figures.command import DEFAULT_LOGDIR

    main = Path(BASE.logdir)
    assert main not in DEFAULT_LOGDIR.parents and main != DEFAULT_LOGDIR
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert f"/{DEFAULT_LOGDIR}/" in ignored and f"/{main}/" in ignored and "/runs-gpu-check/" in ignored


# --------------------------------------------------------------------------- committed files
def _machine_paths() -> set[str]:
    paths = {str(ROOT), sys.prefix, tempfile.gettempdir() + "/", str(Path.home()) + "/"}
    return {p for p in paths if len(p) > 2}


def test_no_committed_file_holds_a_path_of_this_machine():
    """What the regeneration commands write (README sections, the measurements record, the figures, the
    notebooks) names no folder of the machine that wrote it."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, timeout=30)
    except OSError:
        pytest.skip("no git here")
    if listed.returncode:
        pytest.skip("not a git checkout")
    generated = [
        name
        for name in listed.stdout.decode().split("\0")
        if name.endswith((".md", ".json", ".ipynb", ".png")) and (ROOT / name).is_file()
    ]
    assert generated
    found = {
        name: path
        for name in generated
        for path in _machine_paths()
        if path.encode() in (ROOT / name).read_bytes()
    }
    assert found == {}
