"""The study path: what the notebooks in ``notebooks/`` call (``start``, ``show``, ``figure``, ``check``),
the reading-order table (``study_path``) and the command that executes the notebooks and regenerates
their outputs and the README tables (``python -m twin_nets.notebooks``).

A notebook imports only what ``pip install -e ".[notebooks]"`` installs (``scratch``, ``torch_impl``,
``twin_nets``): its kernel starts in ``notebooks/`` with nothing else on the path, as JupyterLab's does.
The notebooks use these few functions so that every notebook starts the same way, shows code from the
source (``inspect.getsource``, never retyped) and checks exercises the same way
(``twin_nets.notebooks.exercises``).
"""

from __future__ import annotations

import inspect
import struct
from pathlib import Path
from typing import Any

import numpy as np

from twin_nets.notebooks.exercises import check

ROOT = Path(__file__).resolve().parents[2]  # the repository root: twin_nets/notebooks/ -> ../..

__all__ = ["ROOT", "check", "figure", "show", "start"]


def start() -> Path:
    """Prepare a notebook's kernel and return the repository root (where ``scripts/`` and ``docs/`` are).

    Torch and BLAS get one thread (these networks are tiny: a thread pool costs more than it saves),
    figures use the Korean font, and a missing glyph is an error. The working directory and ``sys.path``
    stay as Jupyter made them: a notebook needs nothing from the repository root but files, which it
    names from ``ROOT``.
    """
    import torch
    from threadpoolctl import threadpool_limits

    from twin_nets.notebooks.font import missing_glyphs_are_errors, use_korean_font

    torch.set_num_threads(1)
    threadpool_limits(limits=1)
    use_korean_font()
    missing_glyphs_are_errors()
    np.set_printoptions(precision=4, suppress=True)
    return ROOT


def show(*objects: Any) -> Any:
    """The source of each class or function, syntax-highlighted, read from its file (so it cannot drift),
    each under a comment naming the file it comes from. The notebook explains the code in Korean in the
    cell before; the code keeps its English docstrings (the code is the same for every reader)."""
    from IPython.display import Code

    parts = []
    for obj in objects:
        path = Path(inspect.getsourcefile(obj) or "?").resolve()
        # a file outside the repository is named by its module, never by a path of this machine
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else inspect.getmodule(obj).__name__
        parts.append(f"# 파일: {where}\n{inspect.getsource(obj)}")
    return Code("\n\n".join(parts), language="python")


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) in pixels of a PNG file, from its header."""
    with open(path, "rb") as handle:
        header = handle.read(24)
    if header[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"png_size: expected a PNG file, got {path}")
    return struct.unpack(">II", header[16:24])


def figure(name: str) -> Any:
    """A committed figure of ``docs/figures/`` by its concept-ID name (without ``.png``), shown at its own
    pixel size (the figures are drawn at 110 dpi, so 10-point text is about 15 pixels high) and not
    shrunk to the output area: a figure wider than the page scrolls sideways instead of becoming
    unreadable (``C3.2-backprop-graph`` is 2153 pixels wide)."""
    from IPython.display import Image

    path = ROOT / "docs" / "figures" / f"{name}.png"
    if not path.is_file():
        raise FileNotFoundError(f"figure: no {path.relative_to(ROOT)} (run python scripts/figures.py)")
    width, height = png_size(path)
    return Image(filename=str(path), width=width, height=height, unconfined=True)
