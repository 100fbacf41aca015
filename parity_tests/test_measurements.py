"""The measured numbers in the README (``twin_nets.measurements``): each section is its rendering from the
committed record, the record still fits the tree it describes, and the command refuses bad input in one
line and resumes an interrupted measurement."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from twin_nets.distributed import bench as dp_bench
from twin_nets.generated import section_of
from twin_nets.measurements import RECORD, ROOT, SUITE_MARGIN, record, targets
from twin_nets.measurements.__main__ import main
from twin_nets.measurements.render import SECTIONS
from twin_nets.measurements.suite_plugin import REPORT_ENV, counts_of

RECORDED = record.read(RECORD)
FIGURES = ROOT / "docs" / "figures"


def entry(target: str) -> dict:
    assert target in RECORDED, (
        f"{RECORD.name} has no {target} record: python -m twin_nets.measurements {target}"
    )
    return RECORDED[target]


def last_run(target: str) -> dict:
    return entry(target)["runs"][-1]


@pytest.mark.parametrize(
    ("file", "name"), [(file, name) for file, sections in SECTIONS.items() for name in sections]
)
def test_each_measured_section_is_its_rendering_from_the_record(file, name):
    """A hand edit of a measured number, or a record changed without ``--update``, fails here."""
    text = (ROOT / file).read_text(encoding="utf-8")
    assert text.count(f"<!-- {name}:begin -->") == 1, f"{file} lacks the {name} section"
    assert section_of(text, name) == SECTIONS[file][name](RECORDED), (
        f"{file}'s {name} section is stale: python -m twin_nets.measurements --update {file}"
    )


@pytest.mark.parametrize("target", sorted(targets.TARGETS))
def test_each_target_is_recorded_by_todays_command_with_every_runs_circumstances(target):
    recorded = entry(target)
    assert recorded["command"] == targets.TARGETS[target][0], "the command changed: measure again"
    assert len(recorded["commit"]) == 7 and recorded["runs"]
    keys = {"date", "dirty", "cpu_count", "load_before", "load_after", "seconds"}
    assert all(keys <= set(run) and run["seconds"] > 0 for run in recorded["runs"])


def todays_collection(request: pytest.FixtureRequest) -> dict[str, int]:
    """The tests a plain ``python -m pytest`` collects now, and the CUDA cases among them: this session's
    own items when it is that whole, unfiltered run; otherwise a ``--collect-only`` run (about 20 s)."""
    config = request.config
    whole = (
        config.args_source == pytest.Config.ArgsSource.TESTPATHS
        and not config.option.markexpr
        and not config.option.keyword
        and not config.getoption("deselect", None)
        and not config.getoption("lf", False)  # the cache plugin's, absent under -p no:cacheprovider
    )
    return counts_of(request.session.items) if whole else targets.collect()


def skip_while_this_run_is_the_measurement() -> None:
    """The suite record's checks judge the record this very run is about to replace: under
    ``python -m twin_nets.measurements suite`` they would fail on a stale record and make the new one red."""
    if os.environ.get(REPORT_ENV):
        pytest.skip("this run is the suite's measurement: the record it replaces is not judged")


def test_the_suite_record_counts_todays_tests_within_its_margin(request):
    skip_while_this_run_is_the_measurement()
    today, recorded = todays_collection(request), last_run("suite")
    for key in ("collected", "cuda"):
        assert abs(recorded[key] - today[key]) <= SUITE_MARGIN * today["collected"], (
            f"the suite record counts {recorded[key]} {key}, today's collection {today[key]}: "
            "python -m twin_nets.measurements suite --update README.md --update README.ko.md"
        )
    assert recorded["skipped"] >= recorded["cuda"], "a CPU-only run skips every CUDA case"


def check_green(run: dict) -> None:
    """The suite run the README quotes ended with no failed test and no error."""
    assert run["failed"] == 0 and run["error"] == 0, (
        f"the suite record's last run has {run['failed']} failed and {run['error']} errors: re-measure on "
        "a green tree (python -m pytest passes, then python -m twin_nets.measurements suite --fresh "
        "--update README.md --update README.ko.md)"
    )


def test_the_suite_record_quotes_a_green_run():
    skip_while_this_run_is_the_measurement()
    check_green(last_run("suite"))
    for bad in ({"failed": 1}, {"error": 2}):  # the check itself: a red run is refused
        with pytest.raises(AssertionError, match="re-measure on a green tree"):
            check_green({**last_run("suite"), **bad})


def test_the_figure_record_regenerated_exactly_the_committed_figures():
    """Today's figures are the committed ones (``test_readme`` links each row to one); a figure added,
    renamed or dropped since the measurement makes the record's time a time of something else."""
    committed = {path.stem for path in FIGURES.glob("*.png")}  # scripts/figures.py draws every one
    for run in entry("figures")["runs"]:
        assert set(run["figures"]) == committed, "python -m twin_nets.measurements figures --update README.md"


def test_the_bench_record_measured_todays_setting():
    setting = last_run("dp-bench")["setting"]
    model = "-".join(map(str, dp_bench.SIZES))
    assert (setting["model"], setting["global_batch"]) == (model, dp_bench.BATCH)
    assert (setting["rounds"], setting["steps_per_round"]) == (10, 10), "a --quick run is no measurement"


def test_a_spread_and_its_circumstances_in_words():
    assert record.spread([61.2, 75.4, 70.0], "s") == "61–75 s"
    assert record.spread([0.704, 0.7], digits=2) == "0.70"
    runs = [
        {"load_before": 1.2, "load_after": 2.04, "date": "2026-12-01T10:00:00Z", "dirty": False},
        {"load_before": 1.5, "load_after": 1.3, "date": "2026-12-02T10:00:00Z", "dirty": True},
    ]
    runs = [{**run, "cpu_count": 2} for run in runs]
    assert record.circumstances({"runs": runs, "commit": "abc1234"}) == (
        "over 2 runs at load 1.2–2.0 on 2 CPUs, 2026-12-01 to 2026-12-02, commit `abc1234` with "
        "uncommitted changes"
    )
    runs[1]["commit"] = "def5678"
    assert "commits `abc1234`, `def5678` with" in record.circumstances({"runs": runs, "commit": "abc1234"})


def test_the_plugin_counts_what_pytest_reports(tmp_path):
    (tmp_path / "test_sample.py").write_text(
        textwrap.dedent("""
            import pytest

            @pytest.mark.parametrize("x", [1, pytest.param(2, marks=pytest.mark.cuda)])
            def test_p(x):
                if x == 2:
                    pytest.skip("no CUDA")

            def test_fails():
                assert False

            @pytest.mark.skip(reason="other")
            def test_other():
                pass
        """),
        encoding="utf-8",
    )
    report = tmp_path / "report.json"
    (tmp_path / "none.ini").write_text("[pytest]\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "twin_nets.measurements.suite_plugin", "-p",
         "no:cacheprovider", "--rootdir", str(tmp_path), "-c", str(tmp_path / "none.ini"), str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, check=False, timeout=120,
        env={"PYTHONPATH": str(ROOT), targets.REPORT_ENV: str(report), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert json.loads(report.read_text()) == {
        "collected": 4, "cuda": 1, "passed": 1, "skipped": 2, "failed": 1, "error": 0, "xfailed": 0,
        "xpassed": 0, "skip_reasons": {"no CUDA": 1, "other": 1},
    }  # fmt: skip


@pytest.fixture
def fake_target(monkeypatch):
    """A target ``suite`` that takes no time: each run records how many runs came before it."""
    calls: list[int] = []

    def run_once() -> dict:
        calls.append(1)
        return {"seconds": 1.0, "n": len(calls)}

    monkeypatch.setitem(targets.TARGETS, "suite", (["python", "fake"], run_once))
    return calls


def test_runs_resume_on_the_same_commit_and_fresh_starts_again(fake_target, tmp_path, monkeypatch, capsys):
    path = tmp_path / "record.json"
    assert main(["suite", "--runs", "2", "--record", str(path)]) == 0
    assert main(["suite", "--runs", "3", "--record", str(path)]) == 0  # one more run, not three
    assert [run["n"] for run in record.read(path)["suite"]["runs"]] == [1, 2, 3]
    assert main(["suite", "--runs", "1", "--fresh", "--record", str(path)]) == 0
    assert [run["n"] for run in record.read(path)["suite"]["runs"]] == [4]
    monkeypatch.setattr(record, "commit", lambda: "0000000")  # another commit: its runs replace these
    assert main(["suite", "--runs", "1", "--record", str(path)]) == 0
    assert record.read(path)["suite"]["commit"] == "0000000" and len(record.read(path)["suite"]["runs"]) == 1


README_SECTIONS = (
    "intro\n<!-- measured-suite:begin -->\nSTALE TEXT\n<!-- measured-suite:end -->\n"
    "<!-- measured-figures:begin -->\n<!-- measured-figures:end -->\n"
    "<!-- measured-dp-bench:begin -->\n<!-- measured-dp-bench:end -->\nend\n"
)


def test_update_rewrites_only_the_sections_and_render_only_never_measures(fake_target, tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(README_SECTIONS, encoding="utf-8")
    assert main(["--record", str(RECORD), "--update", str(readme)]) == 0 and fake_target == []
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("intro\n") and text.endswith("end\n") and "STALE TEXT" not in text
    for name, render in SECTIONS["README.md"].items():
        assert section_of(text, name) == render(RECORDED)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nonsense"], "TARGET: expected any of suite, figures, dp-bench, got 'nonsense'"),
        (["suite", "--runs", "0"], "--runs: expected a number of runs >= 1, got 0"),
        (["--update", "notes.md"], "--update: expected one of README.md, README.ko.md, got notes.md"),
        (["--update", "README.md"], "--update: No such file or directory"),
        (["--update", "bare/README.md"], "expected the markers <!-- measured-suite:begin -->"),
        (["--record", "bad.json"], "--record: bad.json: expected the JSON record of measurements"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_before_anything_runs(
    argv, message, fake_target, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bare").mkdir()
    (tmp_path / "bare" / "README.md").write_text("no sections\n", encoding="utf-8")
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        main([*argv, "--record", "bad.json"] if argv[0] == "--record" else [*argv, "--record", "r.json"])
    err = capsys.readouterr()
    assert stopped.value.code == 2 and len(err.err.splitlines()) == 1, err.err
    assert message in err.err and err.out == "" and fake_target == []
    assert (tmp_path / "bare" / "README.md").read_text() == "no sections\n"
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--record", "afolder"], "--record: afolder: expected a readable file, got Is a directory"),
        (["--record", "afolder", "--update", "README.md"], "--record: afolder: expected a readable file"),
        (["suite", "--record", "nofolder/r.json"], "--record: nofolder/r.json: cannot write in"),
        (["suite", "--record", "afile/r.json"], "--record: afile/r.json: cannot write in"),
        (["suite", "--record", ""], "--record: expected a file, got ''"),
        (["suite", "--record", " "], "--record: expected a file, got ' '"),
        (["--update", ""], "--update: expected a file, got ''"),
    ],
)
def test_a_record_that_cannot_be_read_or_written_is_one_line_and_exit_2_before_measuring(
    argv, message, fake_target, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afolder").mkdir()
    (tmp_path / "afile").write_text("a file, not a folder\n", encoding="utf-8")
    (tmp_path / "README.md").write_text(README_SECTIONS, encoding="utf-8")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    err = capsys.readouterr()
    assert stopped.value.code == 2 and len(err.err.splitlines()) == 1, err.err
    assert message in err.err and "Traceback" not in err.err and err.out == "" and fake_target == []
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == README_SECTIONS


def test_a_failed_command_is_one_line_and_status_1_and_keeps_the_runs_before(monkeypatch, tmp_path, capsys):
    path, calls = tmp_path / "record.json", []

    def run_once() -> dict:
        calls.append(1)
        if len(calls) == 2:
            raise targets.MeasurementError("python fake exited with status 3: ...boom")
        return {"seconds": 1.0}

    monkeypatch.setitem(targets.TARGETS, "suite", (["python", "fake"], run_once))
    assert main(["suite", "--runs", "3", "--record", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == ["python -m twin_nets.measurements: python fake exited with status 3: ...boom"]
    assert len(record.read(path)["suite"]["runs"]) == 1 and len(calls) == 2


def test_timed_gives_wall_and_cpu_seconds_and_refuses_a_failed_command():
    times = targets.timed([sys.executable, "-c", "sum(range(10**6))"])
    assert set(times) == {"seconds", "cpu_seconds"} and times["seconds"] >= 0 and times["cpu_seconds"] >= 0
    with pytest.raises(targets.MeasurementError, match=r"exited with status 3: \.\.\.the end of its output"):
        targets.timed([sys.executable, "-c", "import sys; print('the end of its output'); sys.exit(3)"])
