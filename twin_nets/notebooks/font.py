"""The notebooks' font is the project's one mechanism, ``twin_nets.font`` (the committed figures use it
too); these names stay importable from here."""

from twin_nets.font import (
    FONT_FAMILIES,
    FONT_FAMILY,
    MissingGlyphError,
    korean_font_path,
    missing_glyphs_are_errors,
    use_korean_font,
)

__all__ = [
    "FONT_FAMILIES",
    "FONT_FAMILY",
    "MissingGlyphError",
    "korean_font_path",
    "missing_glyphs_are_errors",
    "use_korean_font",
]
