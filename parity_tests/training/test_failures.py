"""Issue 11: every failure a user can cause ends in one clear line, and nothing a user made is lost.

One table per class of failure; every row asserts the exit status, that stderr is exactly one line without
a traceback, and (files listed and hashed before and after) that nothing was written or lost. The
checkpoint classes are in ``test_failures_resume.py``, MNIST's files in ``parity_tests/data``.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
import warnings

import pytest
import torch
from threadpoolctl import threadpool_info

from parity_tests.training.harness import TINY, assert_one_line, run_main, snapshot, start_script, wait_for
from twin_nets import atomic
from twin_nets.threads import available_cpus
from twin_nets.training import outputs, parse_config
from twin_nets.training.main import Terminated
from twin_nets.training.twins import ScratchTwin


def _strict_json(path):
    def refuse(constant):
        raise AssertionError(f"{path} holds {constant}, which is not JSON")

    return json.loads(path.read_text(), parse_constant=refuse)


EVERY_EPOCH = ["--checkpoint-every", "1"]  # a pair (and metrics.json) as every epoch ends


# ------------------------------------------------------------------ 1: the experiment folder stays inside
TRAVERSAL = [
    pytest.param("..", "expected a folder name", id="dot-dot"),
    pytest.param(".", "expected a folder name", id="dot"),
    pytest.param("", "expected a folder name", id="empty"),
    pytest.param(" x", "no leading or trailing space", id="leading-space"),
    pytest.param("a/b", "without '/'", id="separator"),
    pytest.param("../outside", "without '/'", id="parent-path"),
    pytest.param("/tmp/absolute", "without '/'", id="absolute"),
    pytest.param("a\\b", "without '/' or '\\'", id="backslash"),
    pytest.param("a\x01b", "without control characters", id="control-character"),
    pytest.param("x" * 300, "at most 200 characters (300 given)", id="300-characters"),
    pytest.param("link", "outside --logdir", id="link-leading-outside"),
]


@pytest.mark.parametrize(("experiment", "message"), TRAVERSAL)
def test_an_experiment_name_must_be_a_folder_directly_inside_logdir(tmp_path, capsys, experiment, message):
    logdir = tmp_path / "runs"
    (tmp_path / "outside").mkdir()
    logdir.mkdir()
    (logdir / "link").symlink_to(tmp_path / "outside")
    before = snapshot(tmp_path)
    code, _, err = run_main([*TINY, "--logdir", str(logdir), "--experiment", experiment], capsys)
    assert code == 2
    assert_one_line(err, "train.py: error: --experiment", message)
    assert snapshot(tmp_path) == before


def test_a_flag_built_name_stays_short_however_many_flags(tmp_path, capsys):
    """100 hidden widths once built a name too long for a folder; the built name is now at most 31
    characters (the widths dropped, the fingerprint keeps them apart: ``test_run_names.py``)."""
    config = parse_config([*TINY, "--logdir", str(tmp_path / "runs"), "--hidden", *["8"] * 100])
    assert len(config.run_name) <= 31 and "8-8-8" not in config.run_name


# ---------------------------------------------------------------------- 2: one live run per experiment
def test_a_second_live_run_is_refused_naming_the_holder(tmp_path, capsys):
    root = tmp_path / "runs" / "e"
    holder = outputs.ExperimentLock(root)
    holder.acquire()
    try:
        before = snapshot(tmp_path)
        code, _, err = run_main([*TINY, "--logdir", str(tmp_path / "runs"), "--experiment", "e"], capsys)
        assert code == 2
        assert_one_line(err, f"another run (PID {os.getpid()}", f"is training into {root} now")
        assert snapshot(tmp_path) == before
    finally:
        holder.release()


def test_a_stale_lock_is_taken_over_and_said_so(tmp_path, capsys):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)
    root = tmp_path / "runs" / "e"
    root.mkdir(parents=True)
    (root / outputs.HOLDER_NAME).write_text(json.dumps({"pid": pid, "started": "yesterday"}))
    code, out, err = run_main([*TINY, "--logdir", str(tmp_path / "runs"), "--experiment", "e"], capsys)
    assert code == 0, err
    assert f"took over the lock of an earlier run (PID {pid}, started yesterday)" in out
    assert not (root / outputs.HOLDER_NAME).exists(), "the run removes its own record when it ends"


@pytest.mark.slow  # a training or drawing run in a fresh interpreter, seconds of CPU
def test_a_run_in_another_process_holds_the_experiment_and_sigterm_stops_it(tmp_path, capsys):
    """A real second process: while it trains, a run of the same experiment is refused naming its PID;
    SIGTERM then stops it like Ctrl-C (a checkpoint pair, status ``interrupted``, exit 143, one line), and
    ``--resume`` finishes the run from there."""
    flags = ["--dataset", "digits", "--hidden", "32", "--batch-size", "8", "--device", "cpu"]
    flags += ["--logdir", str(tmp_path), "--experiment", "e", *EVERY_EPOCH]  # metrics.json after epoch 1
    first = start_script(
        [*flags, "--epochs", "100000"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for(tmp_path / "e" / "scratch" / "metrics.json", first)  # training, one epoch done
        code, _, err = run_main([*flags, "--epochs", "100000"], capsys)
        assert code == 2
        assert_one_line(err, f"another run (PID {first.pid}", "is training into")
        first.send_signal(signal.SIGTERM)
        _, err = first.communicate(timeout=120)
    finally:
        first.kill()
    assert first.returncode == 143, err
    assert_one_line(err, "interrupted (SIGTERM) after step", "continue with --resume")
    metrics = _strict_json(tmp_path / "e" / "torch" / "metrics.json")
    assert metrics["status"] == "interrupted"
    done = metrics["epochs_completed"]
    code, out, err = run_main([*flags, "--resume", "--epochs", str(done + 1)], capsys)
    assert code == 0, err
    assert f"resumed from epoch {done}" in out and "parity: PASS" in out
    assert _strict_json(tmp_path / "e" / "torch" / "metrics.json")["status"] == "done"


# ------------------------------------------------ 3: divergence seen in weights and gradients, strict JSON
DIVERGING = [
    pytest.param(
        ["--optimizer", "sgd", "--lr", "1e60", "--batch-size", "120", "--epochs", "5", *EVERY_EPOCH],
        id="sgd-1e60-gd",
    ),
    pytest.param(["--optimizer", "sgd", "--lr", "1e200"], id="sgd-1e200"),
    pytest.param(["--optimizer", "sgd", "--lr", "1e300", "--impl", "scratch"], id="scratch-alone"),
    pytest.param(["--optimizer", "sgd", "--lr", "1e300", "--impl", "torch"], id="torch-alone"),
    pytest.param(
        ["--optimizer", "sgd", "--lr", "1e100", "--momentum", "0.9", "--epochs", "3"], id="momentum"
    ),
]


@pytest.mark.parametrize("flags", DIVERGING)
def test_divergence_stops_before_anything_non_finite_is_logged(tmp_path, capsys, flags):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, _, err = run_main([*TINY, "--logdir", str(tmp_path), "--experiment", "e", *flags], capsys)
    assert [str(w.message) for w in caught] == [], "no NumPy warning may precede the stop message"
    assert code == 1
    assert_one_line(
        err, "train.py: diverged ", "is nan", "the last good checkpoint pair" if "5" in flags else ""
    )
    for impl_folder in (tmp_path / "e").iterdir():
        if impl_folder.is_dir():
            metrics = _strict_json(impl_folder / "metrics.json")
            assert metrics["status"] == "diverged"


# -------------------------------------------------- 7: output folders probed, a full disk mid-run
def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _eacces(*args, **kwargs):
    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))


def _logdir_file(tmp_path):
    (tmp_path / "a-file").write_text("mine")
    return tmp_path / "a-file"


PROBES = [
    pytest.param(_logdir_file, None, "--logdir: expected a folder", id="logdir-is-a-file"),
    pytest.param(lambda t: _logdir_file(t) / "sub", None, "a-file is a file", id="logdir-under-a-file"),
    pytest.param(lambda t: t / "runs", _eacces, "Permission denied", id="read-only"),
    pytest.param(lambda t: t / "runs", _enospc, "No space left on device", id="full-disk"),
]


@pytest.mark.parametrize(("logdir", "write", "message"), PROBES)
def test_output_folders_are_probed_before_the_work(tmp_path, capsys, monkeypatch, logdir, write, message):
    logdir = logdir(tmp_path)
    if write is not None:  # the probe's write fails as a read-only folder's or a full disk's would
        monkeypatch.setattr(atomic.tempfile, "TemporaryFile", write)
    before = snapshot(tmp_path)
    started = time.perf_counter()
    code, out, err = run_main([*TINY, "--logdir", str(logdir), "--experiment", "e"], capsys)
    assert code == 2
    assert_one_line(err, "train.py: error: --logdir", message)
    assert snapshot(tmp_path) == before, "nothing written, no empty folder left"
    assert "train loss" not in out and time.perf_counter() - started < 30


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders; the row above patches it")
def test_a_really_read_only_logdir(tmp_path, capsys):
    logdir = tmp_path / "runs"
    logdir.mkdir(mode=0o555)
    code, _, err = run_main([*TINY, "--logdir", str(logdir)], capsys)
    assert code == 2
    assert_one_line(err, "--logdir: cannot write in")


def test_a_disk_that_fills_mid_run_keeps_the_last_good_pair(tmp_path, capsys, monkeypatch):
    from twin_nets.training import checkpoint

    calls = {"n": 0}
    real = checkpoint.atomic_write

    def fills_at_epoch_2(path, write):  # epoch 1's pair: 3 writes (two files, one pointer); then full
        calls["n"] += 1
        return _enospc() if calls["n"] > 3 else real(path, write)

    monkeypatch.setattr(checkpoint, "atomic_write", fills_at_epoch_2)
    argv = [*TINY, "--logdir", str(tmp_path), "--experiment", "e", "--epochs", "3", *EVERY_EPOCH]
    code, _, err = run_main(argv, capsys)
    assert code == 1
    assert_one_line(err, "No space left on device", "the last good checkpoint pair (epoch 1, step 8) is kept")
    assert _strict_json(tmp_path / "e" / "scratch" / "metrics.json")["status"] == "failed"
    monkeypatch.setattr(checkpoint, "atomic_write", real)
    code, out, err = run_main([*argv, "--resume"], capsys)
    assert code == 0, err
    assert "resumed from epoch 1" in out


# ------------------------------------------------------------------------------ 8: bounded flags
BOUNDS = [
    pytest.param(["--seed", "-1"], "--seed: expected an integer in [0, 4294967295]", id="seed-negative"),
    pytest.param(["--seed", str(2**32)], "--seed: expected an integer in [0, 4294967295]", id="seed-2-32"),
    pytest.param(
        ["--test-size", "0.001"], "--test-size: test_size 0.001 leaves 149 training and 1 test", id="ts-0.001"
    ),
    pytest.param(["--test-size", "0.999"], "leaves 0 training and 150 test samples", id="test-size-0.999"),
    pytest.param(["--test-size", "0.01"], "expected a value in [0.02, 0.98]", id="test-size-2-of-3-classes"),
    pytest.param(["--hidden", "1000000000000"], "of memory (weights", id="hidden-466-tib"),
    pytest.param(["--hidden", "100000", "100000"], "this machine has", id="hidden-two-wide-layers"),
    pytest.param(
        ["--hidden", *["2"] * 101, "--experiment", "e"], "--hidden: expected at most 100", id="depth"
    ),
    pytest.param(["--epochs", "10000000"], "--epochs: expected an integer in [1, 1000000]", id="epochs"),
    pytest.param(
        ["--checkpoint-every", "0"],
        "--checkpoint-every: expected an integer in [1, 1000000], got 0",
        id="every-0",
    ),
    pytest.param(
        ["--checkpoint-every", "1000001"], "--checkpoint-every: expected an integer in [1", id="every"
    ),
    pytest.param(
        ["--threads", "100000"], f"--threads: expected an integer in [1, {available_cpus()}]", id="threads"
    ),
    pytest.param(["--lr", "-1e-3"], "--lr: expected a learning rate > 0, got -0.001", id="lr-negative-sci"),
    pytest.param(["--lr", "-inf"], "--lr: expected a learning rate > 0, got -inf", id="lr-minus-inf"),
    pytest.param(
        ["--momentum", "-1E-2", "--optimizer", "sgd"], "--momentum: expected a number >= 0", id="mom"
    ),
]


@pytest.mark.parametrize(("flags", "message"), BOUNDS)
def test_flags_are_bounded_with_the_valid_range(tmp_path, capsys, flags, message):
    code, out, err = run_main([*TINY, "--logdir", str(tmp_path / "runs"), *flags], capsys)
    assert code == 2
    assert_one_line(err, "train.py: error: ", message)
    assert snapshot(tmp_path) == {} and out == ""


# ------------------------------------------ 10: Ctrl-C (130) and SIGTERM (143) during start-up, one line
@pytest.mark.parametrize(
    ("stop", "status", "name"), [(KeyboardInterrupt, 130, "Ctrl-C"), (Terminated, 143, "SIGTERM")]
)
def test_a_signal_during_start_up_exits_128_plus_it_in_one_line(
    tmp_path, capsys, monkeypatch, stop, status, name
):
    from twin_nets import training

    def interrupted(config):
        raise stop

    monkeypatch.setattr(training, "prepare", interrupted)
    code, _, err = run_main([*TINY, "--logdir", str(tmp_path / "runs")], capsys)
    assert code == status
    assert_one_line(err, f"train.py: interrupted ({name}) during start-up; nothing was written")
    assert snapshot(tmp_path) == {}


# ``python scripts/train.py`` with one addition: the first ``import torch`` (inside ``main``, after its
# signal handlers are installed) touches a marker file and waits there for a signal. Ctrl-C gets Python's
# own handler, as in a terminal: a suite started in the background (``cmd &`` in a script) hands its
# processes SIGINT ignored, and Python then installs none. It waits in short sleeps, not
# ``signal.pause()``, which would wait for a second signal if the first landed just before it.
PAUSE_AT_TORCH = """
import importlib.abc, pathlib, runpy, signal, sys, time

signal.signal(signal.SIGINT, signal.default_int_handler)

class PauseAtTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "torch":
            sys.meta_path.remove(self)
            pathlib.Path(sys.argv.pop(1)).touch()
            while True:  # until the signal's handler raises (KeyboardInterrupt, Terminated)
                time.sleep(0.05)
        return None

sys.meta_path.insert(0, PauseAtTorch())
runpy.run_path("scripts/train.py", run_name="__main__")
"""


@pytest.mark.parametrize(
    ("signum", "status", "name"), [(signal.SIGINT, 130, "Ctrl-C"), (signal.SIGTERM, 143, "SIGTERM")]
)
def test_a_real_signal_while_torch_is_imported_exits_128_plus_it_in_one_line(tmp_path, signum, status, name):
    """A real process, stopped while it imports torch (the longest part of start-up): the marker shows
    that it is there, so the signal comes at that moment, every time: one line, 128 + the signal, nothing
    written (before, SIGTERM was taken for Ctrl-C and exited 130)."""
    marker, logdir = tmp_path / "importing-torch", tmp_path / "runs"
    argv = [str(marker), *TINY, "--logdir", str(logdir)]
    process = start_script(argv, PAUSE_AT_TORCH, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(marker, process)  # it is importing torch
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == status, err
    assert_one_line(err, f"train.py: interrupted ({name}) during start-up; nothing was written")
    assert out == "" and not logdir.exists()


# ----------------------------------------------------------- 12: --threads sets torch's and the BLAS's
@pytest.mark.skipif(available_cpus() < 2, reason="needs 2 CPUs to tell 2 threads from the suite's 1")
def test_threads_sets_torch_and_numpys_blas_while_training(tmp_path, capsys, monkeypatch):
    seen = []
    original = ScratchTwin.step

    def step(self, batch):
        blas = {info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"}
        seen.append((torch.get_num_threads(), frozenset(blas)))
        return original(self, batch)

    monkeypatch.setattr(ScratchTwin, "step", step)
    code, _, err = run_main([*TINY, "--logdir", str(tmp_path), "--threads", "2"], capsys)
    assert code == 0, err
    assert set(seen) == {(2, frozenset({2}))}
    assert torch.get_num_threads() == 1, "the suite's setting comes back after the run"


def test_atomic_write_is_what_the_probe_uses():
    """The probe rows above patch ``outputs.atomic_write``: it must be the one every file goes through."""
    assert outputs.atomic_write is atomic.atomic_write
