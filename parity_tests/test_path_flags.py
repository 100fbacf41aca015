"""Every path flag of every command refuses an empty or blank value in one line, exit status 2, with
nothing written (``Path("")`` is the current folder: ``--logdir ''`` once wrote the run into it); every
command's ``--help`` gives each flag a help text and a default only where there is one; the main job's
start line names the TensorBoard of its own environment."""

from __future__ import annotations

import hashlib
import importlib
import sys
from pathlib import Path

import pytest

from parity_tests.scripts import SCRIPTS, script_entry
from twin_nets.cli import FOLDER, OneLineParser, tensorboard_command

ROOT = Path(__file__).resolve().parents[1]
FIGURE_SCRIPTS = sorted(
    p.name for p in SCRIPTS.glob("*.py") if "figures.command import main" in p.read_text()
)
MODULES = {"distributed": "twin_nets.figures.distributed"}
# (command: a script of scripts/ or a key of MODULES, its prog, the flags that must work otherwise,
#  {path flag: what it expects})
COMMANDS = [
    *[(s, s, ["--no-tensorboard"], {"--outdir": "a folder"}) for s in FIGURE_SCRIPTS],
    *[(s, s, [], {"--logdir": "a folder"}) for s in FIGURE_SCRIPTS],
    ("backprop.py", "backprop.py", [], {"--outdir": "a folder"}),
    ("bench.py", "bench.py", ["--quick", "--no-train-runs", "--no-cuda"],
     {"--out": "a file", "--dlfs2": "a folder"}),
    ("train.py", "train.py", ["--dataset", "xor", "--hidden", "4", "--epochs", "1"],
     {"--logdir": "a folder", "--data-dir": "a folder", "--experiment": "a folder name"}),
    ("rl.py", "rl.py", ["--no-tensorboard"], {"--outdir": "a folder"}),
    ("rl.py", "rl.py", [], {"--logdir": "a folder"}),
    ("distributed", "python -m twin_nets.figures.distributed", [], {"--outdir": "a folder"}),
]  # fmt: skip
CASES = [
    pytest.param(
        command,
        prog,
        [*base, flag, value],
        f"{prog}: error: {flag}: expected {what}",
        id=f"{command}{flag}={value!r}",
    )
    for command, prog, base, flags in COMMANDS
    for flag, what in flags.items()
    for value in ("", " ")
]


def run_here(command: str, argv: list[str], cwd: Path, capsys, monkeypatch) -> tuple[object, str, str]:
    """``command`` from ``cwd``: (exit status, stdout, stderr), run in this interpreter as
    ``SystemExit(main(argv))`` of the module, or of the package function the thin script calls."""
    monkeypatch.chdir(cwd)
    capsys.readouterr()
    # ``python -m`` runs SystemExit(main()) of the module; a script, the package function it calls
    entry = importlib.import_module(MODULES[command]).main if command in MODULES else script_entry(command)
    monkeypatch.setattr(sys, "argv", [str(SCRIPTS / command), *argv])  # argparse's prog, as the user typed
    with pytest.raises(SystemExit) as stopped:
        raise SystemExit(entry(argv))
    out = capsys.readouterr()
    return stopped.value.code, out.out, out.err


def snapshot(folder: Path) -> dict[str, str]:
    """Every file's hash and every folder (a name ending in /) under ``folder``."""
    return {
        f"{p.relative_to(folder)}{'/' if p.is_dir() else ''}": ""
        if p.is_dir()
        else hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
    }


def test_every_command_with_a_path_flag_is_in_the_table():
    tabled = {command for command, *_ in COMMANDS}
    assert tabled == {p.name for p in SCRIPTS.glob("*.py")} | set(MODULES), "add the command's path flags"


@pytest.mark.parametrize(("command", "prog", "argv", "message"), CASES)
def test_an_empty_path_is_refused_in_one_line_with_nothing_written(
    command, prog, argv, message, tmp_path, capsys, monkeypatch
):
    (tmp_path / "README.md").write_text("a file that stays as it is\n", encoding="utf-8")
    before = snapshot(tmp_path)
    status, out, err = run_here(command, argv, tmp_path, capsys, monkeypatch)
    assert status == 2 and len(err.splitlines()) == 1 and "Traceback" not in err, (status, err[-2000:])
    assert err.startswith(message) and f"got {argv[-1]!r}" in err, err
    assert out == "" and snapshot(tmp_path) == before


HELP_COMMANDS = sorted({command for command, *_ in COMMANDS})


@pytest.mark.parametrize("command", HELP_COMMANDS)
def test_help_gives_every_flag_a_text_and_a_default_only_where_there_is_one(
    command, tmp_path, capsys, monkeypatch
):
    status, out, err = run_here(command, ["--help"], tmp_path, capsys, monkeypatch)
    assert status == 0 and err == "", err
    for empty in ("(default: None)", "(default: False)", "(default: [])"):
        assert empty not in out, f"{command} --help shows {empty}"
    lines = out.splitlines()
    flags = [(i, line) for i, line in enumerate(lines) if line.startswith("  -")]
    assert len(flags) >= 2, out
    for i, line in flags:  # argparse puts the help two spaces after the flag, or on the next line
        same_line = "  " in line.strip()
        next_line = i + 1 < len(lines) and lines[i + 1].startswith("    ") and lines[i + 1].strip()
        assert same_line or next_line, f"{command}: {line.strip()} has no help text"


def test_the_help_check_sees_a_flag_without_help_and_an_empty_default(capsys):
    parser = OneLineParser(prog="x")
    parser.add_argument("--bare", type=int, default=3)
    parser.add_argument("--none", type=int, help="a value")
    parser.add_argument("--switch", action="store_true", help="a switch")
    parser.add_argument("--folder", type=FOLDER, default=Path("runs"), help="a folder")
    text = parser.format_help()
    assert "--bare BARE\n" in text and "(default: 3)" not in text  # no help: no line of help at all
    assert "a value\n" in text and "a switch\n" in text and "a folder (default: runs)" in text


def test_tensorboard_is_the_environments_own_or_plain(tmp_path, monkeypatch):
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    monkeypatch.setattr(sys, "executable", str(tmp_path / ".venv" / "bin" / "python"))
    monkeypatch.chdir(tmp_path)
    assert tensorboard_command() == "tensorboard"  # the environment has none
    (tmp_path / ".venv" / "bin" / "tensorboard").write_text("#!/bin/sh\n", encoding="utf-8")
    assert tensorboard_command() == ".venv/bin/tensorboard"  # inside the current folder: relative
    monkeypatch.chdir(ROOT)
    assert tensorboard_command() == str(tmp_path / ".venv" / "bin" / "tensorboard")


def test_the_main_job_says_which_tensorboard_to_start(tmp_path, capsys, monkeypatch):
    from twin_nets.training.main import main

    monkeypatch.chdir(tmp_path)
    assert main(["--dataset", "xor", "--hidden", "4", "--epochs", "1", "--logdir", "runs"]) == 0
    out = capsys.readouterr().out
    assert f"({tensorboard_command()} --logdir runs)" in out, out
    assert Path(sys.executable).with_name("tensorboard").is_file() == (tensorboard_command() != "tensorboard")
