"""Korean text in every matplotlib figure of the project, the committed figures (``twin_nets.figures``)
and the notebooks' plots (``twin_nets.notebooks.start``) alike: the NanumGothic font that
``koreanize-matplotlib`` ships (a core dependency), and matplotlib's missing-glyph warning turned into an
error, so a figure with empty boxes cannot be written or pass a test.

The font file is found without importing ``koreanize_matplotlib``: its ``__init__`` imports
``distutils``, which Python 3.12 removed. ``find_spec`` locates the package folder and executes nothing.
"""

from __future__ import annotations

import importlib.util
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib
from matplotlib import font_manager

FONT_FAMILY = "NanumGothic"
# DejaVu Sans (matplotlib's own font) first, NanumGothic for what it lacks (Hangul), by matplotlib's font
# fallback (>= 3.6). Not the other way round: tick labels such as 10⁻⁵ are mathtext, which uses only
# the first family, and NanumGothic has no U+2212 minus sign.
FONT_FAMILIES = ["DejaVu Sans", FONT_FAMILY]
MISSING_GLYPH = r"Glyph .* missing from font"
MATHTEXT_MISSING_GLYPH = "does not have a glyph"


class MissingGlyphError(RuntimeError):
    """mathtext drew a dummy symbol for a character its font lacks (matplotlib only logs that)."""


class _RaiseOnMissingGlyph(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        if MATHTEXT_MISSING_GLYPH in record.getMessage():
            raise MissingGlyphError(record.getMessage())


def korean_font_path() -> Path:
    """The NanumGothic.ttf bundled with the ``koreanize-matplotlib`` package (a dependency of the
    project); a clear error naming the package when it is not installed."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("Korean figures need the koreanize-matplotlib package: pip install -e .")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "NanumGothic.ttf"
    if not path.is_file():
        raise FileNotFoundError(f"koreanize-matplotlib is installed but {path} is missing")
    return path


def use_korean_font() -> None:
    """Register NanumGothic with matplotlib and make it the fallback after DejaVu Sans."""
    path = str(korean_font_path())
    if not any(entry.fname == path for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)
    matplotlib.rcParams["font.family"] = FONT_FAMILIES


def missing_glyphs_are_errors() -> None:
    """From now on, drawing a character no font has raises instead of drawing an empty box: text's
    ``UserWarning`` becomes an error, and mathtext's log record raises ``MissingGlyphError``."""
    warnings.filterwarnings("error", message=MISSING_GLYPH, category=UserWarning)
    mathtext = logging.getLogger("matplotlib.mathtext")
    if not any(isinstance(handler, _RaiseOnMissingGlyph) for handler in mathtext.handlers):
        mathtext.addHandler(_RaiseOnMissingGlyph())


@contextmanager
def glyphs_checked() -> Iterator[None]:
    """Within the block, a missing glyph raises (as ``missing_glyphs_are_errors``); the warning filters and
    mathtext's handlers are restored after it. ``save_figure`` draws every figure under it: a filter set
    once at import would not survive pytest, which restores the filters after each test."""
    mathtext = logging.getLogger("matplotlib.mathtext")
    handlers = list(mathtext.handlers)
    with warnings.catch_warnings():
        missing_glyphs_are_errors()
        try:
            yield
        finally:
            mathtext.handlers[:] = handlers
