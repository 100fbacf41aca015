"""Korean text in matplotlib figures: the NanumGothic font that ``koreanize-matplotlib`` ships, and
matplotlib's missing-glyph warning turned into an error, so a figure with empty boxes cannot pass.

The font file is found without importing ``koreanize_matplotlib``: its ``__init__`` imports
``distutils``, which Python 3.12 removed. ``find_spec`` locates the package folder and executes nothing.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import matplotlib
from matplotlib import font_manager

FONT_FAMILY = "NanumGothic"
# NanumGothic has Hangul and Latin; math symbols it lacks (∂, √, σ …) fall back to DejaVu Sans,
# matplotlib's own font (font fallback, matplotlib >= 3.6).
FONT_FAMILIES = [FONT_FAMILY, "DejaVu Sans"]
MISSING_GLYPH = r"Glyph .* missing from font"


def korean_font_path() -> Path:
    """The NanumGothic.ttf bundled with the ``koreanize-matplotlib`` package (``[notebooks]`` and
    ``[test]`` extras); a clear error naming the package when it is not installed."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "Korean figures need the koreanize-matplotlib package: pip install -e '.[notebooks]'"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "NanumGothic.ttf"
    if not path.is_file():
        raise FileNotFoundError(f"koreanize-matplotlib is installed but {path} is missing")
    return path


def use_korean_font() -> None:
    """Register NanumGothic with matplotlib and make it the first font family."""
    font_manager.fontManager.addfont(str(korean_font_path()))
    matplotlib.rcParams["font.family"] = FONT_FAMILIES


def missing_glyphs_are_errors() -> None:
    """From now on, drawing a character no font has raises instead of drawing an empty box."""
    warnings.filterwarnings("error", message=MISSING_GLYPH, category=UserWarning)
