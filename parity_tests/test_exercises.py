"""The notebooks' exercises (``twin_nets.notebooks.exercises``): every exercise cell is a blank and a
check and nothing else, every exercise has expected answers computed by the twins and a solution in
``notebooks/solutions/``, every solution passes its check, and a wrong answer, a wrong kind or shape and
the blank do not. Fast: no notebook is executed here (``test_notebooks.py`` executes them)."""

from __future__ import annotations

import numpy as np
import pytest

from twin_nets.notebooks import ROOT
from twin_nets.notebooks.exercises import (
    EXERCISE_CALL,
    check,
    exercise_cell_problem,
    judge,
    registry,
    run_solution,
    solution_cells,
    verdict,
)
from twin_nets.notebooks.study_path import NOTEBOOKS

pytest.importorskip("jupytext", reason="jupytext is missing: pip install -e '.[test]'")
from twin_nets.notebooks.run import build

STEMS = [notebook.stem for notebook in NOTEBOOKS]
SOLUTIONS = ROOT / "notebooks" / "solutions"


def _exercise_cells() -> dict[str, tuple[str, str]]:
    """exercise ID -> (the notebook stem, the cell's source), for every code cell that calls check."""
    cells: dict[str, tuple[str, str]] = {}
    for stem in STEMS:
        for cell in build(stem).cells:
            if cell.cell_type != "code" or "check(" not in cell.source:
                continue
            for exercise_id in EXERCISE_CALL.findall(cell.source):
                assert exercise_id not in cells, f"{exercise_id}: in {cells[exercise_id][0]} and {stem}"
                cells[exercise_id] = (stem, cell.source)
    return cells


CELLS = _exercise_cells()


def _solutions() -> dict[str, tuple[str, str]]:
    """exercise ID -> (its file's first cell, its solution cell), from every solutions file."""
    found: dict[str, tuple[str, str]] = {}
    for path in sorted(SOLUTIONS.glob("*.py")):
        header, cells = solution_cells(path.read_text(encoding="utf-8"))
        for exercise_id, code in cells.items():
            assert exercise_id not in found, f"{exercise_id}: two solutions"
            found[exercise_id] = (header, code)
    return found


SOLVED = _solutions()


def _wrong(answer):
    """An answer of the same kind and shape as ``answer`` that is not right."""
    if isinstance(answer, (bool, np.bool_)):
        return not answer
    if isinstance(answer, slice):
        return slice(answer.start + 1, answer.stop + 1)
    if isinstance(answer, tuple):
        return tuple(v + 1.0 for v in answer)
    return answer + 1.0 + 0.5 * np.abs(answer)  # never the answer itself


def test_every_notebook_check_is_a_registered_exercise_and_every_exercise_is_in_a_notebook():
    assert CELLS, "no exercise cell found"
    assert set(CELLS) == set(registry()), (
        f"in a notebook but not registered: {sorted(set(CELLS) - set(registry()))}; "
        f"registered but in no notebook: {sorted(set(registry()) - set(CELLS))}"
    )


@pytest.mark.parametrize("exercise_id", sorted(CELLS))
def test_the_exercise_cell_holds_only_the_blank_and_the_check(exercise_id):
    stem, source = CELLS[exercise_id]
    problem = exercise_cell_problem(source)
    assert problem is None, f"{stem} {exercise_id}: {problem}"


def test_every_exercise_has_one_solution_and_every_solution_an_exercise():
    assert set(SOLVED) == set(CELLS), (
        f"no solution: {sorted(set(CELLS) - set(SOLVED))}; no exercise: {sorted(set(SOLVED) - set(CELLS))}"
    )


@pytest.mark.parametrize("exercise_id", sorted(SOLVED))
def test_the_solution_passes_its_check_and_a_wrong_answer_fails(exercise_id, capsys):
    header, code = SOLVED[exercise_id]
    answer = run_solution(header, code)
    right, said = judge(answer, exercise_id)
    assert right and "정답입니다" in said, said
    right, said = judge(_wrong(answer), exercise_id, hint="힌트 문장")
    assert not right and "아직 아닙니다" in said and "힌트: 힌트 문장" in said, said
    right, said = judge(..., exercise_id)
    assert not right and "아직 답이 없습니다" in said, said
    assert check(answer, exercise_id) is None  # a cell ending in check() shows only the printed line
    assert capsys.readouterr().out == f"[{exercise_id}] 정답입니다.\n"


@pytest.mark.parametrize(
    "answer, expected, why",
    [
        (0.5, 0.5, None),
        (0.50004, 0.5, "값이 다릅니다"),
        (True, 1.0, "수 하나로 답하세요"),
        (1, True, "True 또는 False로 답하세요"),
        (np.array([1.0, 2.0]), np.array([[1.0, 2.0]]), "모양"),
        ((0.0, 1.0), (0.0, 1.0), None),
        (slice(32, 64), slice(32, 64), None),
        (slice(0, 32), slice(32, 64), "답이 다릅니다"),
        (3, 3.0, None),
    ],
)
def test_verdict_says_why_in_korean_without_the_answer(answer, expected, why):
    said = verdict(answer, expected)
    if why is None:
        assert said is None
    else:
        assert said is not None and why in said, said
        if not isinstance(expected, bool):  # "True 또는 False로 답하세요" names both
            assert repr(expected) not in said, said


def test_check_refuses_an_unknown_exercise_id():
    with pytest.raises(KeyError, match="no exercise 'C0-none/1'"):
        check(1.0, "C0-none/1")


@pytest.mark.parametrize(
    "source",
    [
        '답 = 0.5\ncheck(답, "C3.1.1-sigmoid/1", hint="…")',  # the answer in the cell
        '답 = ...\nprint(0.5)\ncheck(답, "C3.1.1-sigmoid/1", hint="…")',  # the cell prints it
        '답 = ...\ncheck(답, 0.5, "C3.1.1-sigmoid/1")',  # the old form: the expected value in the cell
    ],
)
def test_a_cell_that_holds_or_prints_its_answer_is_refused(source):
    assert exercise_cell_problem(source) is not None
