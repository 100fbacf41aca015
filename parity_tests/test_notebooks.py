"""The Korean study path: every notebook executes top to bottom as JupyterLab runs it (kernel in
``notebooks/``, only what the install provides), the committed notebooks are the executed sources with no
error output and stable cell IDs, every concept of the registry is taught by one notebook (with a parity
assertion and an exercise in its section), the reading-order tables are current, bold renders, no committed
file names a path of this machine, the notebooks command fails in one line, and Korean text in figures
renders (a missing glyph is an error)."""

from __future__ import annotations

import io
import logging
import re
import subprocess
import sys
import unicodedata
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pytest

# The notebook toolchain comes with the [test] extra; where it is missing (an environment that did not
# install the extras), say so as a skip rather than fail the whole suite at collection.
for _module in ("nbformat", "nbclient", "jupytext", "ipykernel"):
    pytest.importorskip(_module, reason=f"{_module} is missing: pip install -e '.[test]'")
import nbformat  # noqa: E402

from twin_nets.concepts import CONCEPTS  # noqa: E402
from twin_nets.notebooks import ROOT  # noqa: E402
from twin_nets.notebooks.exercises import exercise_cell_problem  # noqa: E402
from twin_nets.notebooks.font import (  # noqa: E402
    FONT_FAMILIES,
    FONT_FAMILY,
    MissingGlyphError,
    missing_glyphs_are_errors,
    use_korean_font,
)
from twin_nets.notebooks.run import (  # noqa: E402
    NOTEBOOK_DIR,
    build,
    error_outputs,
    execute,
    installed_here,
    notebook_path,
    source_path,
)
from twin_nets.notebooks.study_path import NOTEBOOKS, STEPS, concept_notebooks, with_table  # noqa: E402

STEMS = [notebook.stem for notebook in NOTEBOOKS]
CONCEPT_HEADING = re.compile(r"^##+ (C\d(?:\.\d)*-[a-z0-9-]+)\b")
PARITY_CALL = re.compile(r"\b(assert_twin_close|check_module_parity)\(")
EXERCISE_CALL = re.compile(r'\bcheck\(\s*답,\s*"([^"/]+)/\d+"')
KOREAN_AND_MATH = "시그모이드 σ′ ≤ 0.25, ∂E/∂w, √(2/n), ŷ − y, 가중치 초기화 → 기울기 소실"


def _draw(text: str) -> None:
    fig, (linear, log) = plt.subplots(1, 2)
    linear.set_title(text)
    linear.set_xlabel(text)
    linear.plot([-1.0, 1.0], [-1.0, 1.0])  # negative tick labels: the Unicode minus sign
    log.semilogy([1.0, 2.0], [1e-5, 1.0])  # tick labels 10⁻⁵ …: mathtext
    try:
        fig.savefig(io.BytesIO(), format="png")
    finally:
        plt.close(fig)


@pytest.fixture
def glyph_errors():
    """Missing glyphs are errors inside the test only: warning filters and the mathtext handler are
    restored afterwards."""
    mathtext = logging.getLogger("matplotlib.mathtext")
    before = list(mathtext.handlers)
    with warnings.catch_warnings(), matplotlib.rc_context():
        yield
    mathtext.handlers[:] = before


def test_korean_text_renders_with_the_project_font(glyph_errors):
    with warnings.catch_warnings(), matplotlib.rc_context():
        use_korean_font()
        missing_glyphs_are_errors()
        assert matplotlib.rcParams["font.family"] == FONT_FAMILIES
        _draw(KOREAN_AND_MATH)


def test_a_missing_glyph_is_an_error(glyph_errors):
    """The control: without the Korean font, the same text fails instead of drawing empty boxes."""
    with warnings.catch_warnings(), matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        missing_glyphs_are_errors()
        with pytest.raises(UserWarning, match="missing from font"):
            _draw(KOREAN_AND_MATH)


def test_a_missing_glyph_in_mathtext_is_an_error(glyph_errors):
    """The control for tick labels: with NanumGothic first, mathtext's 10⁻⁵ has no minus sign, which
    matplotlib only logs; the project's handler makes it an error."""
    with warnings.catch_warnings(), matplotlib.rc_context():
        use_korean_font()
        matplotlib.rcParams["font.family"] = [FONT_FAMILY, "DejaVu Sans"]
        missing_glyphs_are_errors()
        with pytest.raises(MissingGlyphError, match="U\\+2212"):
            _draw("10⁻⁵")


def _sections(notebook: nbformat.NotebookNode) -> dict[str, list[nbformat.NotebookNode]]:
    """concept ID -> the cells from its heading to the next concept's heading."""
    sections: dict[str, list[nbformat.NotebookNode]] = {}
    current = None
    for cell in notebook.cells:
        match = CONCEPT_HEADING.match(cell.source) if cell.cell_type == "markdown" else None
        if match:
            current = match.group(1)
            assert current not in sections, f"{current}: two sections"
            sections[current] = []
        if current is not None:
            sections[current].append(cell)
    return sections


@pytest.mark.parametrize("concept", CONCEPTS, ids=[c.id for c in CONCEPTS])
def test_every_concept_is_taught_by_a_notebook(concept):
    stem = concept_notebooks().get(concept.id)
    assert stem is not None, f"{concept.id}: no notebook in twin_nets/notebooks/study_path.py teaches it"
    section = _sections(build(stem)).get(concept.id)
    assert section, f"{concept.id}: {stem} has no heading '## {concept.id} …'"
    code = "\n".join(cell.source for cell in section if cell.cell_type == "code")
    assert PARITY_CALL.search(code), f"{concept.id}: its section in {stem} asserts no parity"
    assert concept.id in EXERCISE_CALL.findall(code), f"{concept.id}: its section in {stem} has no exercise"


def test_the_study_path_names_only_registered_concepts_and_existing_files():
    registered = {c.id for c in CONCEPTS}
    assert set(concept_notebooks()) <= registered, set(concept_notebooks()) - registered
    for notebook in NOTEBOOKS:
        assert set(_sections(build(notebook.stem))) == set(notebook.concepts), notebook.stem
    for step in STEPS:
        assert step.notebook in STEMS, step
        for path in (*step.scratch, *step.torch, step.script):
            assert (ROOT / path).exists(), f"study path §{step.section}: {path} does not exist"
        if step.figure:
            assert (ROOT / "docs" / "figures" / f"{step.figure}.png").is_file(), step.figure


@pytest.mark.parametrize("readme, language", [("README.ko.md", "ko"), ("README.md", "en")])
def test_the_reading_order_tables_are_current(readme, language):
    text = (ROOT / readme).read_text(encoding="utf-8")
    assert with_table(text, language, readme) == text, (
        f"{readme}: the study-path table is stale; run python -m twin_nets.notebooks --tables-only"
    )


def _setup_commands(readme: str) -> list[str]:
    """The commands of a README's first bash block, comments stripped."""
    text = (ROOT / readme).read_text(encoding="utf-8")
    block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_the_korean_readme_gives_the_english_readmes_setup_commands():
    assert _setup_commands("README.ko.md") == _setup_commands("README.md"), (
        "README.ko.md: its set-up commands are not README.md's Quick start"
    )


@pytest.mark.parametrize("stem", STEMS)
def test_the_committed_notebook_is_its_source_executed_without_errors(stem):
    assert source_path(stem).is_file(), f"{stem}: no source"
    committed = nbformat.read(notebook_path(stem), as_version=4)
    source = build(stem)
    assert [(c.cell_type, c.source, c.id) for c in committed.cells] == [
        (c.cell_type, c.source, c.id) for c in source.cells
    ], f"{stem}: notebooks/{stem}.ipynb is not its source; run python -m twin_nets.notebooks {stem}"
    assert error_outputs(committed) == [], f"{stem}: committed with an error output"
    counts = [cell.execution_count for cell in committed.cells if cell.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), f"{stem}: not executed top to bottom in one run"


def test_a_rebuilt_notebook_keeps_its_cell_ids():
    """IDs come from the cells' text: the same source gives the same IDs (a byte-identical file), and a
    changed cell changes only its own ID."""
    first, again = build(STEMS[1]), build(STEMS[1])
    assert [c.id for c in first.cells] == [c.id for c in again.cells]
    assert len({c.id for c in first.cells}) == len(first.cells), "two cells share an ID"
    nbformat.validate(first)


@pytest.fixture(scope="module")
def kernel_runs_this_checkout():
    """The notebooks run on what ``pip install -e ".[notebooks]"`` installed, as a learner's kernel does;
    where this environment installs another checkout (or none), executing them would test that one."""
    elsewhere = installed_here()
    if elsewhere is not None:
        pytest.skip(f"a kernel in notebooks/ without PYTHONPATH would not run this checkout: {elsewhere}")


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_the_notebook_executes_top_to_bottom_as_jupyterlab_runs_it(stem, kernel_runs_this_checkout):
    executed = execute(stem)  # kernel in notebooks/, no PYTHONPATH; raises on an error in any cell
    assert error_outputs(executed.notebook) == []
    said = [
        output.get("text", "")
        for cell in executed.notebook.cells
        for output in cell.get("outputs", [])
        if exercise_cell_problem(cell.source) is None
    ]
    assert said and all("아직 답이 없습니다" in text for text in said), said  # every blank says so


def test_a_notebook_kernel_starts_in_notebooks_without_the_repository_root_on_its_path():
    """The runner gives the kernel ``notebooks/`` as its folder and strips ``PYTHONPATH``, so a notebook
    that imports ``parity_tests`` (not installed) fails here as it fails for a learner."""
    from twin_nets.notebooks.run import kernel_environment

    probe = subprocess.run(
        [sys.executable, "-c", "import parity_tests"],
        cwd=NOTEBOOK_DIR,
        env=kernel_environment(),
        capture_output=True,
        text=True,
    )
    assert probe.returncode != 0 and "No module named 'parity_tests'" in probe.stderr, probe.stderr
    for stem in STEMS:
        code = "\n".join(c.source for c in build(stem).cells if c.cell_type == "code")
        assert "parity_tests" not in code, f"{stem}: imports the test package, which pip does not install"
        assert "sys.path" not in code, f"{stem}: edits sys.path"


# --- bold that renders: CommonMark's flanking rules -------------------------------------------------------


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


def unrendered_bold(text: str) -> list[str]:
    """The ``**`` pairs of ``text`` that CommonMark would print as asterisks: an opening ``**`` must be
    left-flanking (not followed by a space; if followed by punctuation, preceded by a space or
    punctuation), a closing one right-flanking (the mirror), e.g. ``**연쇄법칙(chain rule)**으로`` fails
    because ``)**`` is followed by a letter. Code spans and fences are skipped."""
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    text = re.sub(r"`[^`\n]*`", "x", text)
    problems = []
    for paragraph in re.split(r"\n\s*\n", text):
        marks = [m.start() for m in re.finditer(r"(?<!\*)\*\*(?!\*)", paragraph)]
        for opening, closing in zip(marks[::2], marks[1::2], strict=False):
            before = paragraph[opening - 1 : opening] or " "
            after = paragraph[opening + 2 : opening + 3] or " "
            opens = not after.isspace() and (
                not _is_punctuation(after) or before.isspace() or _is_punctuation(before)
            )
            before = paragraph[closing - 1 : closing] or " "
            after = paragraph[closing + 2 : closing + 3] or " "
            closes = not before.isspace() and (
                not _is_punctuation(before) or after.isspace() or _is_punctuation(after)
            )
            if not (opens and closes):
                problems.append(paragraph[max(0, opening - 10) : closing + 12].replace("\n", " "))
        if len(marks) % 2:
            problems.append(f"an odd number of ** in: {paragraph[:60]!r}")
    return problems


@pytest.mark.parametrize(
    "text, renders",
    [
        ("**미분의 연쇄법칙**(chain rule)으로", True),
        ("**미분의 연쇄법칙(chain rule)**으로", False),
        ("**자기 조각(B/K개)**의 통계", False),
        ("(**자기 조각**)의", True),
        ("**노트 바로잡기.** 노트는", True),
        ("이**(chain rule)** 로", False),
        ("`x**2` and `y**3`", True),
    ],
)
def test_the_bold_check_knows_commonmarks_rule(text, renders):
    assert (unrendered_bold(text) == []) is renders, unrendered_bold(text)


@pytest.mark.parametrize("where", [*STEMS, "README.md", "README.ko.md"])
def test_bold_renders_in_every_notebook_and_readme(where):
    if where.endswith(".md"):
        text = (ROOT / where).read_text(encoding="utf-8")
    else:
        text = "\n\n".join(c.source for c in build(where).cells if c.cell_type == "markdown")
    assert unrendered_bold(text) == [], f"{where}: bold that does not render: {unrendered_bold(text)}"


# --- no machine path in a committed file ------------------------------------------------------------------


def _committed_learner_files() -> list[Path]:
    return [
        *(notebook_path(stem) for stem in STEMS),
        *sorted((ROOT / "notebooks" / "solutions").glob("*.py")),
        ROOT / "README.md",
        ROOT / "README.ko.md",
    ]


@pytest.mark.parametrize("path", _committed_learner_files(), ids=lambda p: p.name)
def test_no_committed_notebook_or_readme_names_a_path_of_this_machine(path):
    text = path.read_text(encoding="utf-8")
    for machine in {str(ROOT), sys.prefix, str(Path.home())} - {"/"}:
        assert machine not in text, f"{path.name}: names {machine}"
    assert "site-packages" not in text, f"{path.name}: names a site-packages path"


# --- the command: one line and a status on every path a user reaches --------------------------------------


def _readmes(root: Path, stale: bool, mode: int | None) -> None:
    """Copies of both READMEs in ``root``; ``stale``: a row of the Korean table changed; ``mode``: chmod."""
    for name in ("README.md", "README.ko.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        if stale and name == "README.ko.md":
            text = text.replace("| §2.1 단층 퍼셉트론 |", "| §2.1 옛 제목 |", 1)
        path = root / name
        path.write_text(text, encoding="utf-8")
        if mode is not None:
            path.chmod(mode)


def _interrupt(*_args, **_kwargs):
    raise KeyboardInterrupt


# (argv, stale table, README mode, Ctrl-C while a notebook runs, exit status, what stderr's one line holds)
COMMAND_CASES = {
    "unknown notebook": (["99_없음"], False, None, False, 2, "99_없음"),
    "empty pattern": ([""], False, None, False, 2, "got ''"),
    "blank pattern": (["  "], False, None, False, 2, "expected a stem or a prefix"),
    "read-only README, stale table": (["--tables-only"], True, 0o444, False, 2, "README.ko.md: cannot"),
    "read-only README, current table": (["--tables-only"], False, 0o444, False, 0, ""),
    "stale table rewritten": (["--tables-only"], True, None, False, 0, ""),
    "Ctrl-C while a notebook runs": (["01"], False, None, True, 130, "interrupted (Ctrl-C)"),
}


@pytest.mark.parametrize("case", COMMAND_CASES)
def test_the_notebooks_command_ends_in_one_line(case, tmp_path, monkeypatch, capsys):
    from twin_nets.notebooks import __main__ as command

    argv, stale, mode, interrupt, status, said = COMMAND_CASES[case]
    _readmes(tmp_path, stale, mode)
    monkeypatch.setattr(command, "installed_here", lambda: None)
    monkeypatch.setattr(command, "execute", _interrupt if interrupt else None)
    try:
        code = command.main(argv, root=tmp_path)
    except SystemExit as stop:
        code = stop.code
    err = capsys.readouterr().err
    assert code == status, (case, err)
    if said:
        assert err.count("\n") == 1 and said in err and "Traceback" not in err, err
    else:
        assert err == "", err
    if case == "stale table rewritten":
        assert "| §2.1 단층 퍼셉트론 |" in (tmp_path / "README.ko.md").read_text(encoding="utf-8")
    if mode is not None:  # a read-only README is never replaced
        assert (tmp_path / "README.ko.md").stat().st_mode & 0o777 == mode


def test_the_command_refuses_an_unknown_notebook_in_one_line_as_a_user_runs_it():
    result = subprocess.run(
        [sys.executable, "-m", "twin_nets.notebooks", "99_없음"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "99_없음" in result.stderr, result.stderr


def test_a_figure_shows_at_its_own_pixel_size_not_shrunk_to_the_page():
    """The 2153-pixel computation graph shown at 720 pixels had unreadable text: a committed figure is
    shown at its own size and scrolls sideways instead of shrinking."""
    from twin_nets.notebooks import figure, png_size

    shown = figure("C3.2-backprop-graph")
    width, height = png_size(ROOT / "docs" / "figures" / "C3.2-backprop-graph.png")
    assert (shown.width, shown.height, shown.unconfined) == (width, height, True)
    assert width > 1000, "the test needs a figure wider than a notebook's page"
