"""Issue 11, the checkpoint classes: ``--resume`` over a file that is not a usable checkpoint of either
twin, over other flags, or after a kill in the middle of committing a pair.

Every unusable file ends in exit status 2 and one line, ``--resume: <path> is not a usable checkpoint:
<reason>``, and nothing in the experiment changes (every file hashed before and after).
"""

from __future__ import annotations

import io
import json
import pickle
import shutil
import signal
import subprocess
import warnings

import numpy as np
import pytest
import torch

from parity_tests.training.harness import TINY, assert_one_line, run_main, snapshot, start_script, wait_for
from twin_nets.training import checkpoint, parse_config, prepare

FLAGS = [*TINY, "--epochs", "2", "--experiment", "e"]


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """One 2-epoch run of both twins, a pair at each epoch, copied by each test that edits it."""
    logdir = tmp_path_factory.mktemp("finished")
    run = prepare(parse_config([*FLAGS, "--checkpoint-every", "1", "--logdir", str(logdir)]))
    assert run.run(out=io.StringIO()) == 0
    return logdir


def _files(logdir):
    pointer = json.loads((logdir / "e" / checkpoint.POINTER).read_text())
    return {impl: logdir / "e" / name for impl, name in pointer["files"].items()}


# ---------------------------------------------------------------------- editing a scratch .npz
def _edit_npz(path, change):
    with np.load(path, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    change(arrays)
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def _edit_header(change):
    def edit(arrays):
        header = json.loads(str(arrays["header"]))
        change(header)
        arrays["header"] = np.array(json.dumps(header))

    return edit


def _npz(change):
    return lambda path: _edit_npz(path, change)


def _set(key, value):
    def change(arrays):
        arrays[key] = value(arrays[key]) if callable(value) else value

    return change


def _declare_huge(path):
    """Rewrite model.0.weight's .npy header to declare shape (10⁶, 10⁶) over its 256 bytes (issue 21:
    ``np.load`` tried to allocate 7.28 TiB)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**6, 10**6)}
    )
    members["model.0.weight.npy"] = header.getvalue() + b"\0" * 256
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _truncate(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


SCRATCH = [
    pytest.param(_truncate, "cannot be read", id="truncated"),
    pytest.param(lambda p: p.write_bytes(b""), "cannot be read", id="empty"),
    pytest.param(
        lambda p: p.write_bytes(np.random.default_rng(0).bytes(4096)), "cannot be read", id="random"
    ),
    pytest.param(_npz(lambda a: a.pop("header")), "no 'header'", id="header-missing"),
    pytest.param(
        _declare_huge, "model.0.weight.npy declares shape (1000000, 1000000)", id="header-declares-7-TiB"
    ),
    pytest.param(_npz(_set("header", np.array("{not json"))), "header is not JSON", id="header-not-json"),
    pytest.param(_npz(_set("header", np.zeros(3))), "header is a float64 array", id="header-numbers"),
    pytest.param(
        _npz(_edit_header(lambda h: h.pop("meta"))), "expected meta, optimizer_scalars", id="no-meta"
    ),
    pytest.param(_npz(_edit_header(lambda h: h["meta"].pop("rng"))), "meta lacks rng", id="rng-missing"),
    pytest.param(
        _npz(_edit_header(lambda h: h["meta"].pop("epoch"))), "meta lacks epoch", id="epoch-missing"
    ),
    pytest.param(
        _npz(_edit_header(lambda h: h["meta"].update(epoch="2"))), "meta epoch is str", id="epoch-str"
    ),
    pytest.param(_npz(_edit_header(lambda h: h["meta"].update(global_step=15))), "global_step 15", id="step"),
    pytest.param(_npz(_edit_header(lambda h: h["meta"].update(history=[]))), "history has 0", id="history"),
    pytest.param(
        _npz(_edit_header(lambda h: h["meta"]["rng"]["dropout"].update(bit_generator="MT19937"))),
        "rng dropout is not a PCG64",
        id="rng-other-generator",
    ),
    pytest.param(
        _npz(_edit_header(lambda h: h["meta"]["rng"]["dropout"]["state"].update(state="x"))),
        "rng dropout is not a PCG64",
        id="rng-bad-state",
    ),
    pytest.param(_npz(_set("model.extra", np.zeros(2))), "unexpected model keys: extra", id="extra-key"),
    pytest.param(_npz(lambda a: a.pop("model.0.bias")), "model keys missing: 0.bias", id="missing-key"),
    pytest.param(_npz(lambda a: a.update(surprise=np.zeros(1))), "unexpected entry 'surprise'", id="odd-key"),
    pytest.param(
        _npz(_set("model.0.weight", lambda w: w[:, :-1])), "has shape (8, 3), expected (8, 4)", id="shape"
    ),
    pytest.param(
        _npz(_set("model.0.weight", lambda w: w.astype(np.complex128))), "is complex128", id="complex"
    ),
    pytest.param(_npz(_set("model.0.weight", lambda w: w.astype(np.float32))), "is float32", id="float32"),
    pytest.param(_npz(_set("model.2.bias", lambda b: b * np.nan)), "holds NaN or infinite", id="nan"),
    pytest.param(
        _npz(_set("optimizer.state.0.exp_avg", lambda m: m[:-1])),
        "exp_avg has shape (7, 4)",
        id="optim-shape",
    ),
    pytest.param(
        _npz(lambda a: a.pop("optimizer.state.1.exp_avg_sq")), "optimizer state 1 holds", id="optim-key"
    ),
    pytest.param(
        _npz(_edit_header(lambda h: h["optimizer_scalars"]["0"].update(step=-1))),
        "step is -1",
        id="optim-step",
    ),
    pytest.param(
        _npz(_edit_header(lambda h: h["param_groups"][0].update(lr=0.5))),
        "param group lr is 0.5",
        id="group-lr",
    ),
]


def _edit_pt(change):
    def edit(path):
        payload = torch.load(path, weights_only=True)
        change(payload)
        torch.save(payload, path)

    return edit


def _meta(change):
    def edit(payload):
        meta = json.loads(payload["meta"])
        change(meta)
        payload["meta"] = json.dumps(meta)

    return edit


TORCH = [
    pytest.param(_truncate, "cannot be read by torch.load", id="truncated"),
    pytest.param(lambda p: p.write_bytes(b""), "cannot be read by torch.load", id="empty"),
    pytest.param(lambda p: p.write_bytes(np.random.default_rng(1).bytes(4096)), "torch.load", id="random"),
    pytest.param(
        lambda p: p.write_bytes(pickle.dumps({"model": {}, "optimizer": {}, "meta": "{}"}, protocol=4)),
        "cannot be read by torch.load",
        id="raw-pickle",
    ),
    pytest.param(_edit_pt(lambda p: p.pop("meta")), "expected meta, model, optimizer", id="meta-missing"),
    pytest.param(_edit_pt(lambda p: p.update(meta="{")), "meta is not JSON", id="meta-not-json"),
    pytest.param(_edit_pt(_meta(lambda m: m.pop("rng"))), "meta lacks rng", id="rng-missing"),
    pytest.param(
        _edit_pt(_meta(lambda m: m.update(impl="scratch"))), "the 'scratch' twin's", id="other-twin"
    ),
    pytest.param(
        _edit_pt(lambda p: p["model"].__setitem__("0.weight", p["model"]["0.weight"][:, :2])),
        "model 0.weight has shape (8, 2), expected (8, 4)",
        id="shape",
    ),
    pytest.param(
        _edit_pt(lambda p: p["model"].__setitem__("0.weight", p["model"]["0.weight"].float())),
        "is float32, expected float64",
        id="float32",
    ),
    pytest.param(
        _edit_pt(lambda p: p["model"].__setitem__("2.bias", p["model"]["2.bias"].to(torch.complex128))),
        "is complex128",
        id="complex",
    ),
    pytest.param(
        _edit_pt(lambda p: p["model"].__setitem__("2.bias", p["model"]["2.bias"] * float("inf"))),
        "holds NaN or infinite",
        id="inf",
    ),
    pytest.param(
        _edit_pt(lambda p: p["model"].__setitem__("extra", torch.zeros(1))),
        "unexpected model keys",
        id="extra",
    ),
    pytest.param(
        _edit_pt(
            lambda p: p["optimizer"]["state"][0].__setitem__(
                "exp_avg", torch.zeros(3, 3, dtype=torch.float64)
            )
        ),
        "optimizer state 0.exp_avg has shape (3, 3), expected (8, 4)",
        id="optim-shape-passes-load-state-dict",
    ),
    pytest.param(
        _edit_pt(lambda p: p["optimizer"]["state"][0].__setitem__("step", 3)),
        "0.step is a int, expected a tensor",
        id="optim-step-not-a-tensor",
    ),
    pytest.param(
        _edit_pt(lambda p: p["optimizer"]["state"].pop(2)),
        "optimizer state for parameters [0, 1, 3]",
        id="optim",
    ),
]


def _assert_refused(logdir, capsys, path, reason, flags=()):
    before = snapshot(logdir)
    with warnings.catch_warnings(record=True) as warned:  # a warning is a stderr line too (pytest hides it)
        warnings.simplefilter("always")
        warnings.simplefilter("ignore", ResourceWarning)  # hidden from users by Python's default filters
        code, out, err = run_main([*FLAGS, "--logdir", str(logdir), "--resume", *flags], capsys)
    assert [str(w.message) for w in warned] == []
    assert code == 2
    assert_one_line(err, f"train.py: error: --resume: {path} is not a usable checkpoint: ", reason)
    assert snapshot(logdir) == before, "nothing written before the checkpoint is found unusable"
    assert out == ""


def _refuse_edited(twin, finished, tmp_path, capsys, edit, reason):
    logdir = shutil.copytree(finished, tmp_path / "runs")
    path = _files(logdir)[twin]
    edit(path)
    _assert_refused(logdir, capsys, path, reason)


@pytest.mark.parametrize(("edit", "reason"), SCRATCH)
def test_an_unusable_scratch_checkpoint_is_refused_in_one_line(finished, tmp_path, capsys, edit, reason):
    _refuse_edited("scratch", finished, tmp_path, capsys, edit, reason)


@pytest.mark.parametrize(("edit", "reason"), TORCH)
def test_an_unusable_torch_checkpoint_is_refused_in_one_line(finished, tmp_path, capsys, edit, reason):
    _refuse_edited("torch", finished, tmp_path, capsys, edit, reason)


POINTERS = [
    pytest.param(lambda p: p.write_text("{"), "cannot be read as JSON", id="not-json"),
    pytest.param(lambda p: p.write_text('{"number": 1}'), "does not name a pair", id="no-files"),
    pytest.param(
        lambda p: p.write_text(
            json.dumps({"number": 1, "files": {"scratch": "../../x.npz", "torch": "t.pt"}})
        ),
        "names no scratch checkpoint",
        id="outside",
    ),
]


@pytest.mark.parametrize(("edit", "reason"), POINTERS)
def test_an_unusable_pointer_is_refused_in_one_line(finished, tmp_path, capsys, edit, reason):
    logdir = shutil.copytree(finished, tmp_path / "runs")
    edit(logdir / "e" / checkpoint.POINTER)
    _assert_refused(logdir, capsys, logdir / "e" / checkpoint.POINTER, reason)


def test_a_file_the_pointer_names_that_is_gone(finished, tmp_path, capsys):
    logdir = shutil.copytree(finished, tmp_path / "runs")
    path = _files(logdir)["torch"]
    path.unlink()
    _assert_refused(logdir, capsys, path, "the file is missing")


# ---------------------------------------------------------------- 5: the config, compared first
OTHER_FLAGS = [
    pytest.param(["--hidden", "16"], "--hidden [8] (checkpoint) vs [16] (now)", id="hidden"),
    pytest.param(["--lr", "0.01"], "--lr 0.001 (checkpoint) vs 0.01 (now)", id="lr"),
    pytest.param(["--optimizer", "sgd"], "--optimizer 'adam' (checkpoint) vs 'sgd' (now)", id="optimizer"),
    pytest.param(["--activation", "tanh"], "--activation 'relu'", id="activation"),
    pytest.param(["--norm", "layer"], "--norm None (checkpoint) vs 'layer' (now)", id="norm"),
    pytest.param(["--seed", "1"], "--seed 0 (checkpoint) vs 1 (now)", id="seed"),
    pytest.param(
        ["--epochs", "1"],
        "--epochs: expected at least the 2 epochs the checkpoint has done, got 1",
        id="fewer",
    ),
]


@pytest.mark.parametrize(("flags", "message"), OTHER_FLAGS)
def test_other_flags_are_refused_before_anything_is_loaded(finished, tmp_path, capsys, flags, message):
    logdir = shutil.copytree(finished, tmp_path / "runs")
    before = snapshot(logdir)
    code, _, err = run_main([*FLAGS, "--logdir", str(logdir), "--resume", *flags], capsys)
    assert code == 2
    assert_one_line(err, "train.py: error: ", message)
    assert snapshot(logdir) == before


# -------------------------------------------------------- 6: the pair, committed together
class Killed(BaseException):
    """A kill -9, as far as the run can tell: nothing after it runs."""


@pytest.mark.parametrize(
    "kill_at",
    [4, 5, 6, 7],
    ids=["writing-scratch-file", "writing-torch-file", "switching-the-pointer", "after-the-switch"],
)
def test_a_kill_while_committing_a_pair_leaves_a_resumable_pair(tmp_path, capsys, monkeypatch, kill_at):
    """Epoch 1's pair is writes 1-3 (scratch file, torch file, pointer), epoch 2's 4-6; the kill comes in
    epoch 2's pair or just after it (write 7, epoch 3's first file).
    Whatever the moment, ``--resume`` continues from a pair of both twins at one step and ends where an
    uninterrupted run ends, bit for bit."""
    straight = prepare(parse_config([*FLAGS, "--epochs", "3", "--logdir", str(tmp_path / "straight")]))
    assert straight.run(out=io.StringIO()) == 0
    real, calls = checkpoint.atomic_write, {"n": 0}

    def killed_at(path, write):
        calls["n"] += 1
        if calls["n"] == kill_at:
            raise Killed
        return real(path, write)

    monkeypatch.setattr(checkpoint, "atomic_write", killed_at)
    argv = [*FLAGS, "--epochs", "3", "--checkpoint-every", "1", "--logdir", str(tmp_path / "runs")]
    with pytest.raises(Killed):
        run_main(argv, capsys)
    monkeypatch.setattr(checkpoint, "atomic_write", real)
    code, out, err = run_main([*argv, "--resume"], capsys)
    assert code == 0, err
    resumed_from = 2 if kill_at == 7 else 1  # the pointer switched (write 6 done) or not
    assert f"resumed from epoch {resumed_from}" in out
    files = _files(tmp_path / "runs")
    final = torch.load(files["torch"], weights_only=True)["model"]
    for key, value in straight.twins["torch"].model.state_dict().items():
        assert torch.equal(final[key], value), key
    with np.load(files["scratch"], allow_pickle=False) as npz:
        for key, value in straight.twins["scratch"].weights().items():
            np.testing.assert_array_equal(npz[f"model.{key}"], value, err_msg=key)


def test_the_previous_pair_is_kept_and_older_ones_deleted(finished):
    pointer = json.loads((finished / "e" / checkpoint.POINTER).read_text())
    assert pointer["number"] == 2 and set(pointer["previous"]) == {"scratch", "torch"}
    for impl, suffix in checkpoint.SUFFIXES.items():
        kept = sorted(p.name for p in (finished / "e" / impl).glob("checkpoint-*"))
        assert kept == [f"checkpoint-000001{suffix}", f"checkpoint-000002{suffix}"]


@pytest.mark.parametrize("suffix", [".npz", ".pt"])
@pytest.mark.parametrize(
    "content",
    [b"", b"not a checkpoint", np.random.default_rng(2).bytes(4096)],
    ids=["empty", "text", "random"],
)
def test_an_unreadable_checkpoint_is_described_without_the_librarys_pickle_advice(tmp_path, suffix, content):
    """numpy and torch answer a damaged file by suggesting ``allow_pickle=True`` / ``weights_only=False``:
    advice that would run whatever the file holds. The message says what is wrong instead."""
    from twin_nets.training import checkpoint

    path = tmp_path / f"checkpoint-1{suffix}"
    path.write_bytes(content)
    load = checkpoint.load_scratch if suffix == ".npz" else checkpoint.load_torch
    with pytest.raises(checkpoint.CheckpointError) as caught:
        load(path)
    message = str(caught.value)
    assert "pickle=" not in message and "weights_only" not in message and "Traceback" not in message
    assert ("empty" in message) if not content else (f"{len(content)} bytes" in message)


# ------------------------------------------- issue 13: --resume where the flags name another experiment
BUILT = [*TINY, "--epochs", "2", "--resume"]  # no --experiment: the folder's name is built from the flags
NEAREST = [
    pytest.param([], ["has a checkpoint made with these flags: pass --experiment e to continue"], id="name"),
    pytest.param(
        ["--lr", "0.01"],
        ["the experiment e beside it differs in --lr 0.001 there, --lr 0.01 here, which a resume cannot",
         "only --epochs, --device", "repeat its flags (--lr 0.001) to continue it, or leave out --resume"],
        id="lr",
    ),
    pytest.param(
        ["--seed", "3", "--lr", "0.01", "--momentum", "0.9", "--optimizer", "sgd"],
        None,  # four flags differ: no experiment is named
        id="four-flags-is-too-many",
    ),
    pytest.param(
        ["--hidden", "4", "4", "--seed", "3"],
        ["differs in --hidden 8 there, --hidden 4 4 here; --seed 0 there, --seed 3 here"],
        id="hidden-and-seed",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("flags", "pieces"), NEAREST)
def test_resume_without_a_checkpoint_names_the_experiment_beside_it(
    finished, tmp_path, capsys, flags, pieces
):
    """The experiment's name is built from the flags, so ``--resume --lr 0.01`` after a run at 0.001 finds
    no checkpoint: the one line names the experiment beside it that differs least (at most 3 flags), each
    flag with both values, and what to do; nothing is written."""
    logdir = shutil.copytree(finished, tmp_path / "runs")
    before = snapshot(logdir)
    code, out, err = run_main([*BUILT, "--logdir", str(logdir), *flags], capsys)
    assert code == 2 and out == ""
    built = parse_config([*BUILT, "--logdir", str(logdir), *flags]).run_name
    line = assert_one_line(
        err, f"train.py: error: --resume: no checkpoint in {logdir / built} to resume from"
    )
    if pieces is None:
        assert "beside" not in line and "--experiment e" not in line, line
    else:
        assert all(piece in line for piece in pieces), line
    assert snapshot(logdir) == before


def test_resume_with_nothing_left_to_train_says_so_and_writes_nothing(finished, tmp_path, capsys):
    """A ``--resume`` of a run that has done its ``--epochs``: said in words first, the run's own table and
    verdict, exit status 0 (the run's), and no file touched: its metrics.json, events and lock stay."""
    logdir = shutil.copytree(finished, tmp_path / "runs")
    before = snapshot(logdir)
    code, out, err = run_main([*FLAGS, "--logdir", str(logdir), "--resume"], capsys)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == (
        f"train.py: {logdir / 'e'} has already trained 2 of 2 epochs: nothing to train, nothing written; "
        "pass --epochs N > 2 to continue"
    )
    assert "train loss (scratch | torch)" in lines[1] and lines[-1].startswith("parity: PASS")
    assert len(lines) == 1 + 2 + 2 + 1  # the line, the table's header and rule, 2 epochs, the verdict
    assert snapshot(logdir) == before
    code, out, _ = run_main([*FLAGS, "--logdir", str(logdir), "--resume", "--epochs", "3"], capsys)
    assert code == 0 and "resumed from epoch 2" in out, "--epochs 3 continues it"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
@pytest.mark.slow  # a training or drawing run in a fresh interpreter, seconds of CPU
def test_a_kill_between_checkpoints_resumes_to_where_an_uninterrupted_run_ends(tmp_path):
    """A real ``kill -9`` of a run that checkpoints every 2 epochs, once its first pair is committed: the
    pointer names a complete pair at an even epoch (the epochs after it are lost), and ``--resume`` from
    there ends bit for bit where a run that was never killed ends (weights and every epoch's numbers)."""
    logdir = tmp_path / "runs"
    flags = [*FLAGS, "--checkpoint-every", "2", "--logdir", str(logdir)]
    killed = start_script(
        [*flags, "--epochs", "100000"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_for(logdir / "e" / checkpoint.POINTER, killed)  # the first pair, at epoch 2
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=60)
    assert killed.returncode == -signal.SIGKILL
    steps_per_epoch = 120 // 16 + (120 % 16 > 0)
    committed = json.loads((logdir / "e" / checkpoint.POINTER).read_text())["global_step"]
    epoch, rest = divmod(committed, steps_per_epoch)
    assert rest == 0 and epoch % 2 == 0 and epoch >= 2, committed
    until = epoch + 3  # past the next pair, ending between two (the end always has one)
    straight = prepare(parse_config([*FLAGS, "--epochs", str(until), "--logdir", str(tmp_path / "straight")]))
    assert straight.run(out=io.StringIO()) == 0
    resumed = prepare(parse_config([*flags, "--epochs", str(until), "--resume"]))
    assert resumed.progress.epoch == epoch
    assert resumed.run(out=io.StringIO()) == 0
    for impl, twin in straight.twins.items():
        for key, value in twin.weights().items():
            np.testing.assert_array_equal(resumed.twins[impl].weights()[key], value, err_msg=f"{impl} {key}")
    assert resumed.progress.history == straight.progress.history
    assert resumed.progress.parity == straight.progress.parity
