"""The study path: what the notebooks in ``notebooks/`` call (``start``, ``show``, ``figure``,
``check``), the reading-order table (``study_path``) and the command that executes the notebooks and
regenerates their outputs and the README tables (``python -m twin_nets.notebooks``).

The notebooks use these few functions so that every notebook starts the same way and shows code from
the source (``inspect.getsource``), never retyped.
"""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]  # the repository root: twin_nets/notebooks/ -> ../..


def start() -> Path:
    """Prepare a notebook's kernel and return the repository root.

    The working directory becomes the repository root (where ``scripts/`` and ``docs/`` are), the root
    goes on ``sys.path`` (``parity_tests`` is the test package, not installed by ``pip install -e``),
    torch and BLAS get one thread (these networks are tiny: a thread pool costs more than it saves),
    figures use the Korean font, and a missing glyph is an error.
    """
    import torch
    from threadpoolctl import threadpool_limits

    from twin_nets.notebooks.font import missing_glyphs_are_errors, use_korean_font

    os.chdir(ROOT)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    torch.set_num_threads(1)
    threadpool_limits(limits=1)
    use_korean_font()
    missing_glyphs_are_errors()
    np.set_printoptions(precision=4, suppress=True)
    return ROOT


def show(*objects: Any) -> Any:
    """The source of each class or function, syntax-highlighted, read from its file (so it cannot drift),
    each under a comment naming the file it comes from."""
    from IPython.display import Code

    parts = []
    for obj in objects:
        path = Path(inspect.getsourcefile(obj) or "?").resolve()
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        parts.append(f"# {where}\n{inspect.getsource(obj)}")
    return Code("\n\n".join(parts), language="python")


def figure(name: str, width: int = 720) -> Any:
    """A committed figure of ``docs/figures/`` by its concept-ID name (without ``.png``)."""
    from IPython.display import Image

    path = ROOT / "docs" / "figures" / f"{name}.png"
    if not path.is_file():
        raise FileNotFoundError(f"figure: no {path.relative_to(ROOT)} (run python scripts/figures.py)")
    return Image(filename=str(path), width=width)


def check(answer: Any, expected: Any, what: str) -> None:
    """An exercise's check: ``answer`` (the reader's) against ``expected`` (computed by the twins).

    Numbers compare with ``np.isclose`` (rtol 1e-6), everything else with ``==``; a wrong answer raises
    an ``AssertionError`` that says what was expected.
    """
    if isinstance(expected, (int, float, np.number, np.ndarray)) and not isinstance(expected, bool):
        right = np.shape(answer) == np.shape(expected) and bool(
            np.all(np.isclose(answer, expected, rtol=1e-6, atol=0.0))
        )
    else:
        right = answer == expected
    assert right, f"{what}: 답 {answer!r} — 두 쌍둥이가 계산한 값은 {expected!r} 입니다. 다시 생각해 보세요."
    print(f"정답입니다 ({what}: {answer!r})")
