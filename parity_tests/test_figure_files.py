"""The committed figures as files: Korean text in the project's font, a missing glyph an error (the PNG and
the TensorBoard image alike), and the same figure the same bytes (regeneration changes nothing)."""

from __future__ import annotations

import io
import struct
import warnings

import matplotlib
import numpy as np
import pytest

from twin_nets import figures
from twin_nets.figures import forward, save_figure
from twin_nets.figures.board import FigureBoard
from twin_nets.font import FONT_FAMILIES

KOREAN = "기울기 ∂E/∂w, 역전파 (backward), 10⁻⁵"


def _figure(title: str):
    fig, ax = figures.plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, 1], label="손실 함수")
    ax.set(title=title, xlabel="에폭", yscale="log")
    ax.legend()
    return fig


def _chunks(data: bytes) -> list[bytes]:
    """The chunk types of a PNG file, in order."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    types, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        types.append(data[at + 4 : at + 8])
        at += 12 + length
    return types


class ImageBoard(FigureBoard):
    """A board that renders each figure the way ``add_figure`` does (the canvas to an RGBA array)."""

    def __init__(self) -> None:
        super().__init__(None)
        self.images = []

    def figure(self, tag, fig):
        fig.canvas.draw()
        self.images.append(np.asarray(fig.canvas.buffer_rgba()))


def test_importing_the_figures_sets_the_korean_font():
    assert matplotlib.rcParams["font.family"] == FONT_FAMILIES


def test_korean_text_saves_and_reaches_the_board(tmp_path):
    board = ImageBoard()
    path = save_figure(_figure(KOREAN), "korean", tmp_path, board)
    assert path.is_file() and len(board.images) == 1


def test_a_missing_glyph_fails_the_figure_and_writes_nothing(tmp_path):
    """The control: with a font that has no Hangul, save_figure raises instead of drawing empty boxes,
    even where a warning filter would show a warning once only or not at all; no file is left."""
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = _figure(KOREAN)
        with pytest.raises(UserWarning, match="missing from font"):
            save_figure(fig, "boxes", tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_glyph_fails_the_board_image_too(tmp_path):
    """The TensorBoard image is drawn under the same check (here the PNG is drawn first with the font,
    and the board's image after the font is taken away)."""

    class FontlessBoard(ImageBoard):
        def figure(self, tag, fig):
            for text in fig.findobj(matplotlib.text.Text):
                text.set_fontfamily(["DejaVu Sans"])
            super().figure(tag, fig)

    with pytest.raises(UserWarning, match="missing from font"):
        save_figure(_figure(KOREAN), "board", tmp_path, FontlessBoard())


def test_the_same_figure_gives_the_same_bytes_with_no_date_path_or_version(tmp_path):
    """Regeneration is idempotent: C3.1.2's two figures drawn twice are equal byte for byte; a PNG holds
    the image chunks only (no tEXt/iTXt/tIME: no date, no path, no matplotlib version)."""
    first = forward.loss_figures(tmp_path / "a", FigureBoard(None), ("scratch", "torch"))
    second = forward.loss_figures(tmp_path / "b", FigureBoard(None), ("scratch", "torch"))
    for a, b in zip(first, second, strict=True):
        data = a.read_bytes()
        assert data == b.read_bytes(), a.name
        assert set(_chunks(data)) <= {b"IHDR", b"pHYs", b"IDAT", b"IEND"}, _chunks(data)


def test_the_board_image_is_the_png_title_included(tmp_path):
    """TensorBoard shows each figure as its PNG file is drawn, pixel for pixel: the figure's title above
    the panels is not cut off (``add_figure`` draws the canvas only); read back with TensorBoard's reader."""
    from PIL import Image
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    board = FigureBoard(tmp_path / "runs")
    path = save_figure(_figure("패널"), "titled", tmp_path / "png", board, title="그림의 제목 (패널 위)")
    board.close()
    events = EventAccumulator(str(tmp_path / "runs" / "figures"), size_guidance={"images": 0})
    events.Reload()
    (logged,) = events.Images("titled")
    shown = np.asarray(Image.open(io.BytesIO(logged.encoded_image_string)).convert("RGB"))
    assert np.array_equal(shown, np.asarray(Image.open(path).convert("RGB")))
