"""The notebooks' exercises: a blank for the learner, a check that answers in Korean, the answer kept
out of the notebook.

An exercise cell in a notebook holds only the blank and the check (nbgrader's convention, lighter)::

    답 = ...  # z = 0에서 상류 기울기가 2일 때 ∂E/∂z
    check(답, "C3.1.1-sigmoid/1", hint="y(1 − y)의 최댓값을 떠올려 보세요")

- The **expected answer** is computed by the twins in ``twin_nets/notebooks/answers/`` (one module per
  notebook), registered under the exercise's ID with ``@exercise("C3.1.1-sigmoid/1")``; the notebook
  never computes or prints it.
- The **solution**, the answer as a learner would write it, lives in ``notebooks/solutions/<stem>.py``,
  one ``# %% <ID>`` cell per exercise that assigns ``답`` (self-contained: it may use ``np`` and what its
  file's first cell imports, never a notebook's variables). The suite runs every solution through
  ``check`` and a wrong answer too (``parity_tests/test_exercises.py``).
- An ID is ``<concept ID>/<n>`` (``C3.1.1-sigmoid/1``), or ``<notebook stem>/<n>`` for a notebook that
  teaches no concept of its own.

``check`` never raises on a learner's answer (Run All goes on past an unanswered exercise): it prints
one Korean line. ``judge`` (what ``check`` prints) also returns whether the answer is right.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Exercise:
    """One exercise: its ID, the function that computes the expected answer with the twins, and how
    close a numeric answer must be (``atol``: an answer asked "to 4 decimal places" gets 5e-5)."""

    id: str
    expected: Callable[[], Any]
    atol: float = 1e-9
    rtol: float = 1e-6


EXERCISES: dict[str, Exercise] = {}


def exercise(exercise_id: str, atol: float = 1e-9, rtol: float = 1e-6) -> Callable[[Callable], Callable]:
    """Register the decorated function as the expected answer of ``exercise_id``."""

    def register(function: Callable[[], Any]) -> Callable[[], Any]:
        if exercise_id in EXERCISES:
            raise ValueError(f"exercise: {exercise_id!r} is registered twice")
        EXERCISES[exercise_id] = Exercise(exercise_id, function, atol, rtol)
        return function

    return register


def registry() -> dict[str, Exercise]:
    """Every exercise, after importing every module of ``twin_nets.notebooks.answers``."""
    from twin_nets.notebooks import answers

    for module in pkgutil.iter_modules(answers.__path__):
        importlib.import_module(f"{answers.__name__}.{module.name}")
    return EXERCISES


# what a right answer is, by the kind of the expected value: the message a wrong kind gets
ANSWER_KINDS = {
    "bool": "True 또는 False로 답하세요",
    "slice": "slice(시작, 끝)으로 답하세요",
    "str": "문자열로 답하세요",
    "number": "수 하나로 답하세요",
    "array": "배열(np.array나 튜플)로 답하세요",
}


@functools.cache
def expected(exercise_id: str) -> Any:
    """The twins' answer to ``exercise_id``, computed once per process (every answer is deterministic)."""
    return registry()[exercise_id].expected()


def _kind(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, slice):
        return "slice"
    if isinstance(value, str):
        return "str"
    if isinstance(value, (int, float, np.number)):
        return "number"
    if isinstance(value, (tuple, list, np.ndarray)):
        return "array"
    return type(value).__name__


def verdict(answer: Any, expected: Any, atol: float = 1e-9, rtol: float = 1e-6) -> str | None:
    """``None`` when ``answer`` matches ``expected``; otherwise why not, in Korean (never the expected
    value itself: at most its kind or its shape)."""
    kind, wanted = _kind(answer), _kind(expected)
    if wanted not in ANSWER_KINDS:
        raise TypeError(f"verdict: expected an answer of a kind in {tuple(ANSWER_KINDS)}, got {wanted}")
    if kind != wanted:
        return f"{ANSWER_KINDS[wanted]} (지금 답의 형: {type(answer).__name__})"
    if wanted in ("bool", "slice", "str"):
        return None if answer == expected else "답이 다릅니다"
    answer_array, expected_array = np.asarray(answer, dtype=float), np.asarray(expected, dtype=float)
    if answer_array.shape != expected_array.shape:
        wanted_shape, shape = expected_array.shape, answer_array.shape
        return f"답의 모양(shape)이 맞지 않습니다: 필요한 모양 {wanted_shape}, 지금 답 {shape}"
    if np.allclose(answer_array, expected_array, rtol=rtol, atol=atol):
        return None
    return "값이 다릅니다"


def judge(answer: Any, exercise_id: str, hint: str | None = None) -> tuple[bool, str]:
    """Whether ``answer`` is the twins' answer to ``exercise_id``, and the one Korean line that says so
    (for ``...``, the blank: "not answered yet"; for a wrong answer: why, and the hint)."""
    exercises = registry()
    if exercise_id not in exercises:
        raise KeyError(f"check: no exercise {exercise_id!r} in twin_nets/notebooks/answers/")
    if answer is Ellipsis:
        return False, (
            f"[{exercise_id}] 아직 답이 없습니다: `답 = ...`의 `...` 자리에 답을 쓰고 "
            "이 셀을 다시 실행하세요."
        )
    item = exercises[exercise_id]
    why = verdict(answer, expected(exercise_id), item.atol, item.rtol)
    if why is None:
        return True, f"[{exercise_id}] 정답입니다."
    return False, f"[{exercise_id}] 아직 아닙니다: {why}." + (f" 힌트: {hint}" if hint else "")


def check(answer: Any, exercise_id: str, hint: str | None = None) -> None:
    """The learner's check: print ``judge``'s one Korean line. Returns nothing, so a cell that ends with
    it shows only that line, and never raises on an answer (Run All goes on past a blank)."""
    print(judge(answer, exercise_id, hint)[1])


# --- the solutions (``notebooks/solutions/<stem>.py``) and the exercise cells, for the suite -------------

SOLUTION_CELL = re.compile(r"^# %% (\S+)\s*$", re.MULTILINE)
# ``check(답, "<ID>", hint="…")``, on one line or as ruff format splits it
EXERCISE_CALL = re.compile(r"""\bcheck\(\s*답,\s*"([^"]+)"(?:,\s*hint="[^"]+")?,?\s*\)""")
BLANK = re.compile(r"^답 = \.\.\.(?:  # .*)?$")


def solution_cells(text: str) -> tuple[str, dict[str, str]]:
    """A solutions file's text -> (its first cell, run before every solution; exercise ID -> its cell)."""
    parts = SOLUTION_CELL.split(text)
    header, cells = parts[0], {}
    for exercise_id, code in zip(parts[1::2], parts[2::2], strict=True):
        if exercise_id in cells:
            raise ValueError(f"solution_cells: {exercise_id!r} has two cells")
        cells[exercise_id] = code
    return header, cells


def run_solution(header: str, code: str) -> Any:
    """The ``답`` a solution cell assigns, run after its file's first cell in a fresh namespace."""
    namespace: dict[str, Any] = {}
    exec(compile(header + code, "<solution>", "exec"), namespace)
    if "답" not in namespace:
        raise ValueError("run_solution: the cell assigns no 답")
    return namespace["답"]


def exercise_cell_problem(source: str) -> str | None:
    """Why a code cell that calls ``check`` is not an exercise cell of the convention (None when it is):
    the blank ``답 = ...`` (a comment may follow) and then only ``check(답, "<ID>", hint="…")``."""
    first, _, rest = source.strip().partition("\n")
    if not BLANK.match(first) or not EXERCISE_CALL.fullmatch(rest):
        return f"expected the two lines '답 = ...  # …' and 'check(답, \"<ID>\", hint=\"…\")', got {source!r}"
    return None
