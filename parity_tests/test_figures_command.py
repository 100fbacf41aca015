"""The figure commands (``scripts/figures.py`` and the per-concept scripts): every bad flag or folder ends
in one line on stderr and exit status 2 before any work, with nothing written; a group that fails or
whose module is missing is reported and the others still run."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from parity_tests.scripts import script_entry
from twin_nets import figures
from twin_nets.figures import command

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder``, with a hash of each file's bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        if path.is_file()
        else "dir"
        for path in sorted(folder.rglob("*"))
    }


def run(script: str, *argv: str, cwd: Path) -> subprocess.CompletedProcess:
    """``scripts/<script>`` in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, str(SCRIPTS / script), *argv],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=120, check=False,
    )  # fmt: skip


def run_here(script: str, *argv: str, cwd: Path, capsys, monkeypatch) -> subprocess.CompletedProcess:
    """``scripts/<script>``'s package function run in this interpreter (faster than a fresh one; a
    traceback would reach pytest as an exception, not a SystemExit)."""
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "argv", [str(SCRIPTS / script), *argv])
    capsys.readouterr()
    with pytest.raises(SystemExit) as stopped:
        raise SystemExit(script_entry(script)(list(argv)))
    out = capsys.readouterr()
    return subprocess.CompletedProcess(script, stopped.value.code, out.out, out.err)


def assert_one_line_refusal(done: subprocess.CompletedProcess, message: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert message in lines[0], lines[0]
    assert done.stdout == "", done.stdout


BAD = [  # (id, argv, the message's start)
    ("bad-impl", ["--impl", "jax"], "argument --impl: invalid choice: 'jax'"),
    ("unknown-flag", ["--bogus"], "unrecognized arguments: --bogus"),
    ("jobs-too-many", ["--jobs", "100000"], "--jobs: expected an integer from 1 to"),
    ("jobs-zero", ["--jobs", "0"], "--jobs: expected an integer from 1 to"),
    ("jobs-not-a-number", ["--jobs", "two"], "argument --jobs: invalid int value: 'two'"),
    ("only-unknown", ["--only", "nonexistent"], "argument --only: invalid choice: 'nonexistent'"),
    ("outdir-file", ["--outdir", "a_file"], "--outdir: expected a folder, got the file a_file"),
    ("outdir-under-a-file", ["--outdir", "a_file/sub"], "--outdir: cannot create a_file/sub: a_file is a"),
    ("outdir-not-writable", ["--outdir", "/proc/twin-nets-figures"], "--outdir: cannot write in /proc"),
    ("logdir-not-writable", ["--logdir", "/sys/twin-nets-runs"], "--logdir: cannot write in /sys"),
]


@pytest.mark.parametrize(("argv", "message"), [pytest.param(a, m, id=i) for i, a, m in BAD])
def test_figures_py_refuses_in_one_line_and_writes_nothing(argv, message, tmp_path, capsys, monkeypatch):
    (tmp_path / "a_file").write_text("x")
    before = snapshot(tmp_path)
    done = run_here("figures.py", *argv, cwd=tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert_one_line_refusal(done, message)
    assert snapshot(tmp_path) == before


def test_a_refusal_is_one_line_from_a_fresh_interpreter_too(tmp_path):
    assert_one_line_refusal(
        run("figures.py", "--jobs", "100000", cwd=tmp_path), "--jobs: expected an integer"
    )
    assert snapshot(tmp_path) == {}


# every group but ``distributed`` has its script (its command: python -m twin_nets.figures.distributed)
PER_CONCEPT_SCRIPTS = [group for group in figures.GROUPS if group != "distributed"]


def test_the_groups_are_the_scripts_and_distributed():
    assert sorted(p.stem for p in SCRIPTS.glob("*.py") if p.stem in figures.GROUPS) == sorted(
        PER_CONCEPT_SCRIPTS
    )
    assert list(figures.GROUPS)[-1] == "distributed" and not (SCRIPTS / "distributed.py").exists()


@pytest.mark.parametrize("group", PER_CONCEPT_SCRIPTS)
def test_each_per_concept_script_refuses_a_bad_flag_in_one_line(group, tmp_path, capsys, monkeypatch):
    """No usage block: one line naming the script, and nothing written."""
    done = run_here(f"{group}.py", "--jobs", "2", cwd=tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert_one_line_refusal(done, f"{group}.py: error: unrecognized arguments: --jobs 2")
    assert snapshot(tmp_path) == {}


def test_help_shows_every_flag_with_its_default(tmp_path, capsys, monkeypatch):
    done = run_here("figures.py", "--help", cwd=tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert done.returncode == 0
    for flag in ("--outdir", "--logdir", "--no-tensorboard", "--impl", "--only", "--jobs"):
        assert flag in done.stdout, flag
    assert "(default: figures)" in done.stdout and "(default: 1)" in done.stdout


# ------------------------------------------------------------------------------------------ groups
def _good(outdir, board, twins):
    fig, ax = figures.plt.subplots()
    ax.plot([0, 1], [0, 1])
    return [figures.save_figure(fig, "C0-test-" + "-".join(twins), outdir, board)]


def _bad(outdir, board, twins):
    return 1 / 0


def test_a_failing_or_missing_group_is_reported_and_the_others_run(tmp_path, monkeypatch):
    import types

    module = types.ModuleType("twin_nets.figures.fake_group")
    module.good, module.bad = _good, _bad
    monkeypatch.setitem(sys.modules, "twin_nets.figures.fake_group", module)
    monkeypatch.setattr(
        command,
        "GROUPS",
        {"good": ("fake_group", "good"), "bad": ("fake_group", "bad"), "absent": ("absent", "x")},
    )
    args = command.FigureArgs(tmp_path, None, "scratch", ("good", "absent", "bad"))
    results = {r.name: r for r in command.run_groups(args)}
    assert results["good"].status == "ok"
    assert [p.name for p in results["good"].figures] == ["C0-test-scratch.png"]
    assert (tmp_path / "C0-test-scratch.png").is_file()
    assert results["absent"].status == "missing" and "twin_nets/figures/absent.py" in results["absent"].error
    assert results["bad"].status == "failed" and "ZeroDivisionError" in results["bad"].error
    text = command.report(list(results.values()), 1.0)
    assert "MISSING absent: twin_nets/figures/absent.py is not there" in text
    assert "FAILED bad: ZeroDivisionError: division by zero" in text


def test_every_group_names_a_builder_of_the_package():
    import importlib

    for name, (module, function) in figures.GROUPS.items():
        assert callable(getattr(importlib.import_module(f"twin_nets.figures.{module}"), function)), name


@pytest.mark.slow  # a training or drawing run in a fresh interpreter, seconds of CPU
def test_a_script_says_where_it_writes_and_lists_each_file(tmp_path):
    """C3.1.2: the losses script end to end, PNG files named by concept ID."""
    done = run("losses.py", "--outdir", "out", "--no-tensorboard", "--impl", "torch", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == [
        "figures in out, no TensorBoard, twins: torch",
        "out/C3.1.2-cross-entropy-neg-log.png",
        "out/C3.1.2-mse-vs-cross-entropy-gradient.png",
        "out/C3.1.2-huber-vs-mse.png",
    ]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "C3.1.2-cross-entropy-neg-log.png",
        "C3.1.2-huber-vs-mse.png",
        "C3.1.2-mse-vs-cross-entropy-gradient.png",
    ]


def test_every_group_runs_under_one_thread_for_torch_and_blas(tmp_path, monkeypatch):
    """The thread setting of every figure: one torch thread and one BLAS thread inside the builder,
    whatever the caller had (``twin_nets.threads.one_thread``), restored afterwards."""
    import types

    import torch
    from threadpoolctl import threadpool_info, threadpool_limits

    seen = {}

    def builder(outdir, board, twins):
        seen["torch"] = torch.get_num_threads()
        seen["blas"] = {info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"}
        return []

    module = types.ModuleType("twin_nets.figures.threads_probe")
    module.build = builder
    monkeypatch.setitem(sys.modules, "twin_nets.figures.threads_probe", module)
    monkeypatch.setattr(command, "GROUPS", {"probe": ("threads_probe", "build")})
    before = torch.get_num_threads()
    with threadpool_limits(limits=2):
        torch.set_num_threads(2)
        try:
            assert command.run_group("probe", tmp_path, None, "both").status == "ok"
            assert torch.get_num_threads() == 2
        finally:
            torch.set_num_threads(before)
    assert seen["torch"] == 1 and seen["blas"] == {1}, seen


# ------------------------------------------------------------------------------------- distributed
def test_only_distributed_is_a_choice_and_runs_that_group_alone(monkeypatch, tmp_path):
    args = command.parse_args(None, ["--only", "distributed", "--outdir", str(tmp_path)], every_group=True)
    assert args.only == ("distributed",)
    seen = []
    monkeypatch.setattr(
        command, "run_group", lambda name, *rest: seen.append(name) or command.GroupResult(name, "ok")
    )
    assert command.run_groups(args) == [command.GroupResult("distributed", "ok")] and seen == ["distributed"]


def _without_mpi(monkeypatch):
    """This interpreter as one without mpi4py: ``jobs.why_no_mpi`` says what to install."""
    from twin_nets.distributed import engines, jobs

    monkeypatch.setattr(jobs, "mpi_available", lambda: False)
    return f"mpi4py is not installed: {engines.INSTALL_MPI}"


def test_without_mpi_the_distributed_group_is_skipped_in_one_line_and_the_others_run(
    tmp_path, capsys, monkeypatch
):
    """No K-rank job started, nothing written for it; ``losses`` still draws; exit status 0."""
    from twin_nets.figures import distributed

    line = _without_mpi(monkeypatch)
    assert "pip install -e '.[distributed]'" in line
    monkeypatch.setattr(distributed, "differences", lambda impls: pytest.fail("a K-rank job was started"))
    argv = ["--only", "losses", "distributed", "--outdir", "out", "--no-tensorboard", "--impl", "torch"]
    done = run_here("figures.py", *argv, cwd=tmp_path, capsys=capsys, monkeypatch=monkeypatch)
    assert done.returncode == 0, done
    lines = done.stdout.splitlines()
    assert [ln for ln in lines if ln.startswith("SKIPPED")] == [f"SKIPPED distributed: {line}"]
    assert [ln.split()[:3] for ln in lines if ln.startswith(("losses ", "distributed "))] == [
        ["losses", "ok", "3"],
        ["distributed", "skipped", "0"],
    ]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "C3.1.2-cross-entropy-neg-log.png",
        "C3.1.2-huber-vs-mse.png",
        "C3.1.2-mse-vs-cross-entropy-gradient.png",
    ]


def test_with_mpi_the_distributed_group_draws_its_figure_under_one_thread(tmp_path, monkeypatch):
    """The builder is called (here with its K-rank jobs replaced by a stand-in: the real jobs take
    ~80 s, ``parity_tests/distributed`` runs them) under one torch thread, and its PNG is listed."""
    import torch

    from twin_nets.distributed import jobs
    from twin_nets.figures import distributed

    monkeypatch.setattr(jobs, "why_no_mpi", lambda: None)
    threads = []

    def differences(impls):
        threads.append(torch.get_num_threads())
        shape = len(distributed.GLOBAL_BATCHES)
        return {
            (kind, size, steps, twin): np.full(shape, 1e-3 if kind == "plain" else 1e-16)
            for kind in distributed.KINDS for size in distributed.RANKS for steps in distributed.STEPS
            for twin in impls
        }  # fmt: skip

    monkeypatch.setattr(distributed, "differences", differences)
    result = command.run_group("distributed", tmp_path, None, "both")
    assert result.status == "ok", result.error
    assert [p.name for p in result.figures] == ["C4.3-sync-batchnorm-per-rank-batch.png"] and threads == [1]
