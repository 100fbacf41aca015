"""Issue 21, failures 1-6: every command refuses an output it cannot write (a file in the way, a read-only
place, a full disk), a flag out of its range, a flag it would ignore, CUDA it does not have and a name that
is not text — before any work, in one line on stderr with exit status 2, nothing written; and under a
launcher only rank 0 says it.

A full disk is real where this process may mount a 64 KiB tmpfs (root), and filled; elsewhere the same
cases run with the probe's write failing with ``ENOSPC`` (what a full disk answers).
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from parity_tests.scripts import SCRIPTS, script_entry
from parity_tests.test_path_flags import snapshot
from twin_nets import atomic, cli

ROOT = Path(__file__).resolve().parents[1]
MODULES = {
    "figures.distributed": "twin_nets.figures.distributed",
    "distributed.bench": "twin_nets.distributed.bench",
    "gpu_check": "twin_nets.gpu_check",
}
TRAIN = ["--dataset", "xor", "--hidden", "4", "--epochs", "1"]
NO_CUDA = "CUDA is not available on this machine"
FULL_DISK = os.strerror(errno.ENOSPC)

# (id, command: a script of scripts/ or a key of MODULES, argv, the message's piece); in argv, FULL is a
# folder on a full disk, FILE a file
CASES = [
    # 1, 2: output folders, checked before any work, with a probe that writes real bytes
    ("figures-outdir-file", "figures.py", ["--outdir", "FILE"], "--outdir: expected a folder, got the file"),
    ("figures-outdir-full", "figures.py", ["--outdir", "FULL/png"], FULL_DISK),
    ("figures-logdir-full", "figures.py", ["--outdir", "png", "--logdir", "FULL/tb"], FULL_DISK),
    ("group-outdir-full", "losses.py", ["--outdir", "FULL", "--no-tensorboard"], FULL_DISK),
    ("backprop-outdir-full", "backprop.py", ["--outdir", "FULL"], FULL_DISK),
    ("bench-out-full", "bench.py", ["--out", "FULL/b.json"], FULL_DISK),
    ("bench-out-read-only", "bench.py", ["--out", "/proc/b.json"], "--out: cannot write in /proc"),
    ("train-logdir-full", "train.py", [*TRAIN, "--logdir", "FULL/runs"], FULL_DISK),
    ("dist-figure-outdir-file", "figures.distributed", ["--outdir", "FILE"], "expected a folder, got the"),
    ("dist-figure-outdir-full", "figures.distributed", ["--outdir", "FULL"], FULL_DISK),
    ("dist-figure-read-only", "figures.distributed", ["--outdir", "/proc/f"], "--outdir: cannot write"),
    ("dist-bench-out-folder", "distributed.bench", ["--out", "."], "--out: expected a file, got the folder"),
    ("dist-bench-out-full", "distributed.bench", ["--out", "FULL/x.json"], FULL_DISK),
    ("dist-bench-read-only", "distributed.bench", ["--out", "/proc/x.json"], "--out: cannot write in /proc"),
    # 3: the bench's flags, bounded like train.py's
    ("bench-seed-negative", "bench.py", ["--seed", "-1"], "--seed: expected an integer in [0, 4294967295]"),
    ("bench-seed-2-32", "bench.py", ["--seed", str(2**32)], "--seed: expected an integer in [0, 4294967295]"),
    ("bench-threads-100000", "bench.py", ["--threads", "100000"], "this machine's CPUs), got 100000"),
    ("bench-threads-0", "bench.py", ["--threads", "0"], "--threads: expected an integer in [1, "),
    # 4: a flag that would be ignored
    ("figures-logdir-and-no-tb", "figures.py", ["--no-tensorboard", "--logdir", "tb"], "not allowed with"),
    ("group-logdir-and-no-tb", "xor.py", ["--logdir", "tb", "--no-tensorboard"], "not allowed with"),
    # 5: CUDA that is not there, said before the ranks start
    ("dist-bench-cuda", "distributed.bench", ["--device", "cuda"], f"--device cuda: {NO_CUDA}"),
    ("train-cuda", "train.py", [*TRAIN, "--device", "cuda"], f"--device cuda: {NO_CUDA}"),
    ("gpu-check-no-cuda", "gpu_check", ["--out", "FULL"], "no CUDA device here"),
    ("gpu-check-budget", "gpu_check", ["--budget", "5"], "--budget: expected seconds in [30, 3600], got 5"),
    # 6: names that are not text
    ("train-experiment-bytes", "train.py", [*TRAIN, "--experiment", "\udcff\udcfe"], r"b'\xff\xfe'"),
    ("train-logdir-bytes", "train.py", [*TRAIN, "--logdir", "r\udcff"], "--logdir: expected a folder in"),
    ("figures-outdir-bytes", "figures.py", ["--outdir", "\udcfe"], "--outdir: expected a folder in UTF-8"),
]


def _run(command, argv, cwd, capsys, monkeypatch):
    """``command`` from ``cwd`` in this process, as ``SystemExit(main(argv))``: (status, stdout, stderr)."""
    monkeypatch.chdir(cwd)
    capsys.readouterr()
    entry = importlib.import_module(MODULES[command]).main if command in MODULES else script_entry(command)
    monkeypatch.setattr(sys, "argv", [str(SCRIPTS / command), *argv])
    with pytest.raises(SystemExit) as stopped:
        raise SystemExit(entry(argv))
    out = capsys.readouterr()
    return stopped.value.code, out.out, out.err


def _mount_full_tmpfs(folder: Path) -> bool:
    """A 64 KiB tmpfs at ``folder``, filled to the last byte; False where it cannot be mounted."""
    folder.mkdir()
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return False
    if mounted.returncode:
        return False
    with contextlib.suppress(OSError), open(folder / "filler", "wb") as handle:
        while True:
            handle.write(b"\0" * 4096)
            handle.flush()
    return True


@pytest.fixture(scope="module")
def full_disk(tmp_path_factory):
    """A folder on a full disk (a real one where this process may mount a tmpfs), or None: then the
    tests make the probe's write fail with ENOSPC."""
    folder = tmp_path_factory.mktemp("disk") / "full"
    if not _mount_full_tmpfs(folder):
        yield None
        return
    yield folder
    subprocess.run(["umount", str(folder)], capture_output=True, timeout=10, check=False)


def _fail_writes_in(monkeypatch, full: Path) -> None:
    """The probe's ``TemporaryFile`` in ``full`` (or below) fails to write, as on a full disk."""
    real = tempfile.TemporaryFile

    class Full:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, FULL_DISK)

        def __getattr__(self, name):
            return getattr(self.handle, name)

    def temporary_file(*args, dir=None, **kwargs):
        handle = real(*args, dir=dir, **kwargs)
        inside = dir is not None and Path(dir).resolve().is_relative_to(full.resolve())
        return Full(handle) if inside else handle

    monkeypatch.setattr(atomic.tempfile, "TemporaryFile", temporary_file)


@pytest.mark.parametrize(("command", "argv", "message"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_each_failure_is_one_line_exit_2_before_any_work(
    command, argv, message, full_disk, tmp_path, capsys, monkeypatch
):
    if ("cuda" in argv or ("--out" in argv and command == "gpu_check")) and _cuda_present():
        pytest.skip("CUDA is present here")
    work = tmp_path / "work"
    work.mkdir()
    (work / "FILE").write_text("a file in the way\n", encoding="utf-8")
    full = full_disk
    if full is None:
        full = work / "full"
        full.mkdir()
        _fail_writes_in(monkeypatch, full)
    argv = [a.replace("FULL", str(full)) for a in argv]
    before, disk_before = snapshot(work), snapshot(full)
    status, out, err = _run(command, argv, work, capsys, monkeypatch)
    assert status == 2, (status, err[-2000:])
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert message in err and "(see --help)" in err, err
    assert out == ""
    assert snapshot(work) == before and snapshot(full) == disk_before, "nothing written"


def _cuda_present() -> bool:
    import torch

    return torch.cuda.is_available()


def test_every_command_with_an_output_is_in_the_table():
    tabled = {command for _, command, *_ in CASES}
    assert set(MODULES) <= tabled
    assert {"figures.py", "backprop.py", "bench.py", "train.py"} <= tabled


def test_the_probe_writes_real_bytes_so_a_full_disk_is_found(tmp_path, monkeypatch):
    """An empty file is made even on a full disk: the probe writes, flushes and syncs its bytes."""
    assert atomic.why_unwritable(tmp_path) is None
    _fail_writes_in(monkeypatch, tmp_path)
    assert atomic.why_unwritable(tmp_path) == FULL_DISK
    assert cli.output_problem("--out", tmp_path / "sub" / "x.json", "file") == (
        f"--out: cannot write in {tmp_path.resolve()} ({FULL_DISK})"
    )


def test_the_real_full_disk_is_found(full_disk):
    if full_disk is None:
        pytest.skip("cannot mount a tmpfs here (not root): the ENOSPC cases stand in for it")
    assert atomic.why_unwritable(full_disk) == FULL_DISK


# ------------------------------------------------------------------------ under a launcher
RANKS = [  # (id, the launcher's variables, whether this process prints the line)
    ("no-launcher", {}, True),
    ("mpiexec-rank-0", {"PMI_RANK": "0", "PMI_SIZE": "2"}, True),
    ("mpiexec-rank-1", {"PMI_RANK": "1", "PMI_SIZE": "2"}, False),
    ("torchrun-rank-0", {"RANK": "0", "WORLD_SIZE": "2"}, True),
    ("torchrun-rank-3", {"RANK": "3", "WORLD_SIZE": "4"}, False),
    ("open-mpi-rank-1", {"OMPI_COMM_WORLD_RANK": "1", "OMPI_COMM_WORLD_SIZE": "2"}, False),
]


@pytest.mark.parametrize(("variables", "prints"), [pytest.param(v, p, id=i) for i, v, p in RANKS])
def test_a_flag_error_is_said_by_rank_0_alone(variables, prints, capsys, monkeypatch):
    for names in cli.LAUNCHER_VARIABLES:
        for name in names[1]:
            monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    parser = cli.OneLineParser(prog="train.py")
    parser.add_argument("--lr", type=float)
    with pytest.raises(SystemExit) as stopped:
        parser.parse_args(["--lr", "x"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err == (
        "train.py: error: argument --lr: invalid float value: 'x' (see --help)\n" if prints else ""
    )


def _launch(command: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_mpiexec_prints_a_bad_flag_once(tmp_path):
    from twin_nets.distributed import jobs

    if jobs.why_no_mpi() is not None:
        pytest.skip(jobs.why_no_mpi())
    done = _launch(
        [*jobs.mpi_command(2), "scripts/train.py", "--distributed", "--lr", "-1", "--logdir", str(tmp_path)]
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.splitlines() == [
        "train.py: error: --lr: expected a learning rate > 0, got -1.0 (see --help)"
    ], done.stderr
    assert done.stdout == "" and list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_torchrun_prints_a_bad_flag_once(tmp_path):
    """torchrun's agent adds its own ChildFailedError report for any rank that exits non-zero (torch's
    launcher does that, not the ranks); the ranks' own line is there once."""
    from twin_nets.distributed import jobs

    command = [
        *jobs.torchrun_command(2),
        "scripts/train.py",
        "--impl",
        "torch",
        "--distributed",
        "--lr",
        "-1",
    ]
    done = _launch([*command, "--logdir", str(tmp_path)])
    assert done.returncode != 0
    ours = [line for line in done.stderr.splitlines() if line.startswith("train.py: error:")]
    assert ours == ["train.py: error: --lr: expected a learning rate > 0, got -1.0 (see --help)"], done.stderr
    assert list(tmp_path.iterdir()) == []


def _divide_by_zero(outdir, board, twins):
    return 1 / 0


def test_a_group_that_fails_says_so_on_stderr(tmp_path, capsys, monkeypatch):
    """``scripts/figures.py`` with a group failing mid-run (a disk that filled after the probe): the summary
    on stdout, and the failure on stderr too, where a caller looks for it; exit status 1."""
    import types

    from twin_nets.figures import command

    module = types.ModuleType("twin_nets.figures.failing_group")
    module.draw = _divide_by_zero
    monkeypatch.setitem(sys.modules, "twin_nets.figures.failing_group", module)
    monkeypatch.setattr(command, "GROUPS", {"failing": ("failing_group", "draw")})
    capsys.readouterr()
    status = command.main(None, ["--outdir", str(tmp_path), "--no-tensorboard"])
    out, err = capsys.readouterr()
    assert status == 1 and "FAILED failing: ZeroDivisionError" in out
    assert err.splitlines() == [f"{sys.argv[0]}: error: failing: ZeroDivisionError: division by zero"], err
