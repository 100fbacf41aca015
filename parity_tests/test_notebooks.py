"""The Korean study path: every notebook executes top to bottom, the committed notebooks are the executed
sources with no error output, every concept of the registry is taught by one notebook (with a parity
assertion and a checked exercise in its section), the reading-order tables are current, and Korean text in
figures renders (a missing glyph is an error)."""

from __future__ import annotations

import importlib.util
import io
import logging
import re
import subprocess
import sys
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest

from twin_nets.concepts import CONCEPTS
from twin_nets.notebooks import ROOT
from twin_nets.notebooks.font import (
    FONT_FAMILIES,
    FONT_FAMILY,
    MissingGlyphError,
    missing_glyphs_are_errors,
    use_korean_font,
)
from twin_nets.notebooks.study_path import NOTEBOOKS, STEPS, concept_notebooks, with_table

# The notebook toolchain comes with the [test] extra; where it is missing (an environment that did not
# install the extras), say so as a skip rather than fail the whole suite at collection. It is imported by
# the tests that use it (``run()``): nbformat's import alone costs seconds of CPU in every xdist worker.
for _module in ("nbformat", "nbclient", "jupytext", "ipykernel"):
    if importlib.util.find_spec(_module) is None:
        pytest.skip(f"{_module} is missing: pip install -e '.[test]'", allow_module_level=True)


def run():
    """``twin_nets.notebooks.run`` (build, execute, read), imported on first use."""
    from twin_nets.notebooks import run as module

    return module


STEMS = [notebook.stem for notebook in NOTEBOOKS]
CONCEPT_HEADING = re.compile(r"^##+ (C\d(?:\.\d)*-[a-z0-9-]+)\b")
PARITY_CALL = re.compile(r"\b(assert_twin_close|check_module_parity)\(")
EXERCISE_CALL = re.compile(r"\bcheck\(")
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


def _sections(notebook) -> dict[str, list]:
    """concept ID -> the cells from its heading to the next concept's heading."""
    sections: dict[str, list] = {}
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
    section = _sections(run().build(stem)).get(concept.id)
    assert section, f"{concept.id}: {stem} has no heading '## {concept.id} …'"
    code = "\n".join(cell.source for cell in section if cell.cell_type == "code")
    assert PARITY_CALL.search(code), f"{concept.id}: its section in {stem} asserts no parity"
    assert EXERCISE_CALL.search(code), f"{concept.id}: its section in {stem} has no checked exercise"


def test_the_study_path_names_only_registered_concepts_and_existing_files():
    registered = {c.id for c in CONCEPTS}
    assert set(concept_notebooks()) <= registered, set(concept_notebooks()) - registered
    for notebook in NOTEBOOKS:
        assert set(_sections(run().build(notebook.stem))) == set(notebook.concepts), notebook.stem
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
    import nbformat

    notebooks = run()
    assert notebooks.source_path(stem).is_file(), f"{stem}: no source"
    committed = nbformat.read(notebooks.notebook_path(stem), as_version=4)
    source = notebooks.build(stem)
    assert [(c.cell_type, c.source) for c in committed.cells] == [
        (c.cell_type, c.source) for c in source.cells
    ], f"{stem}: notebooks/{stem}.ipynb is not its source; run python -m twin_nets.notebooks {stem}"
    assert notebooks.error_outputs(committed) == [], f"{stem}: committed with an error output"
    counts = [cell.execution_count for cell in committed.cells if cell.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), f"{stem}: not executed top to bottom in one run"


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_the_notebook_executes_top_to_bottom(stem):
    executed = run().execute(stem)  # raises on an error in any cell or an error output
    assert run().error_outputs(executed.notebook) == []


def test_the_command_refuses_an_unknown_notebook_in_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "twin_nets.notebooks", "99_없음"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "99_없음" in result.stderr, result.stderr
