"""``scripts/figures.py``, the one command that regenerates every figure: it runs each script's
``make_figures``, lists a script that is not there yet as MISSING, reports a failing one and carries on."""

from __future__ import annotations

import importlib.util
import inspect
import sys
from pathlib import Path

import pytest

from twin_nets.experiments.cli import run_figure_script

ROOT = Path(__file__).resolve().parents[2]


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


figures = _load(ROOT / "scripts" / "figures.py", "figures_command_under_test")

GOOD = """
from twin_nets.figures import plt, save_figure

def make_figures(outdir, writer=None, impl="both"):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    return [save_figure(fig, "C0-test-" + impl, outdir, writer)]
"""


@pytest.fixture
def scripts_dir(tmp_path, monkeypatch):
    folder = tmp_path / "scripts"
    folder.mkdir()
    (folder / "good.py").write_text(GOOD, encoding="utf-8")
    (folder / "bad.py").write_text("def make_figures(outdir, writer=None, impl='both'):\n    1 / 0\n")
    (folder / "nomake.py").write_text("X = 1\n", encoding="utf-8")
    monkeypatch.setattr(figures, "SCRIPTS_DIR", folder)
    return folder


def test_runs_scripts_lists_missing_ones_and_reports_failures(scripts_dir, tmp_path):
    config = figures.FiguresConfig(
        tmp_path / "out", None, "scratch", ("good", "absent", "bad", "nomake"), jobs=1
    )
    results = {r.name: r for r in figures.run_all(config)}
    assert results["good"].status == "ok"
    assert [p.name for p in results["good"].figures] == ["C0-test-scratch.png"]
    assert (tmp_path / "out" / "C0-test-scratch.png").is_file()
    assert results["absent"].status == "missing"
    assert results["bad"].status == "failed" and "ZeroDivisionError" in results["bad"].error
    assert results["nomake"].status == "failed" and "make_figures" in results["nomake"].error
    text = figures.report(list(results.values()), 1.0)
    assert "MISSING (not written yet; their figures are absent): scripts/absent.py" in text
    assert "FAILED scripts/bad.py: ZeroDivisionError" in text


@pytest.mark.parametrize("argv", [["--jobs", "0"], ["--impl", "jax"], ["--only", "nonexistent"]])
def test_bad_flags_exit_with_status_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        figures.parse_config(argv)
    assert exit_info.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_every_present_script_exposes_make_figures():
    """Each listed script that exists has ``make_figures(outdir, writer=None, impl="both")``."""
    for name in figures.SCRIPTS:
        path = ROOT / "scripts" / f"{name}.py"
        if not path.is_file():
            continue
        parameters = inspect.signature(_load(path, f"script_{name}").make_figures).parameters
        assert list(parameters)[:3] == ["outdir", "writer", "impl"], name
        assert parameters["writer"].default is None and parameters["impl"].default == "both", name


def test_a_real_script_writes_its_figures(tmp_path):
    """C3.1.2: the losses script through the command, PNG files named by concept ID."""
    result = figures.run_script("losses", tmp_path, None, "both")
    assert result.status == "ok", result.error
    assert sorted(p.name for p in result.figures) == [
        "C3.1.2-cross-entropy-neg-log.png",
        "C3.1.2-mse-vs-cross-entropy-gradient.png",
    ]


def test_a_figure_script_says_where_it_writes_and_lists_each_file(tmp_path, capsys):
    def make_figures(outdir, writer=None, impl="both"):
        assert writer is None and impl == "torch"
        return [Path(outdir) / "a.png", Path(outdir) / "b.png"]

    argv = ["--outdir", str(tmp_path), "--no-tensorboard", "--impl", "torch"]
    assert run_figure_script(make_figures, "doc", argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"figures in {tmp_path}, no TensorBoard, twins: torch",
        f"{tmp_path}/a.png",
        f"{tmp_path}/b.png",
    ]
