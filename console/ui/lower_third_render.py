"""Lower thirds rendered by Qt, for the names OBS's Linux text source cannot draw.

OBS's ``text_ft2_source_v2`` does no shaping: Arabic and Urdu names come out as
unjoined letters in the wrong order. Qt shapes text (HarfBuzz) and applies the
bidirectional algorithm, so the console renders such a lower third to a PNG with a
transparent background, the size of OBS's canvas (1920x1080: an image source at the
scene's origin, no transform to set up), and OBS shows it with an image source.

- The look (colours, fonts per script with fallbacks, sizes, margins, the bar) comes
  from the template, read by ``console/formats/lower_third_template.py``.
- :func:`render_lower_third` draws it into a :class:`QImage`; :func:`write_png_atomically`
  writes it through a temporary file and ``os.replace``, so OBS never reads half a PNG
  and a failed write (a full disk) leaves no temporary file behind;
  :func:`render_lower_third_png` does both. The composition root hands it to the
  Qt-free lower-third output service, which runs it on a worker thread.
- :func:`shaping_report` tells whether Qt shaped a text (tests, diagnostics).

Urdu uses Noto Naskh Arabic, not Noto Nastaliq Urdu: with PySide6 6.11 (checked
with fonts-noto-core's Nastaliq 2.0) Qt collapses Nastaliq's cursive attachments and
the letters of a word pile on top of each other. A template may list Nastaliq under
``"Arab:ur"`` once a Qt/font pair is checked to draw it (look at the PNG).

The name's direction decides the layout: a right-to-left name sits against the right
margin with its accent stripe on the right, both lines aligned right.
"""

from __future__ import annotations

import contextlib
import math
import os
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QImageWriter,
    QPainter,
    QTextLayout,
    QTextLine,
    QTextOption,
)

from console.formats.lower_third_template import LowerThirdTemplate, TextStyle, load_template
from console.models.lower_third import Direction, LowerThird, base_direction

_SHRINK_STEP_PX = 2


# --- rendering -------------------------------------------------------------------------

def utf16_length(text: str) -> int:
    """Qt counts text positions in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def make_font(families: tuple[str, ...] | list[str], size_px: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(list(families))
    font.setPixelSize(size_px)
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


def _single_line(text: str, font: QFont, direction: Direction | None = None,
                 alignment: Qt.AlignmentFlag | None = None,
                 width: float | None = None) -> tuple[QTextLayout, QTextLine]:
    """``text`` laid out on one line; its own direction unless ``direction`` is given."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.NoWrap)
    rtl = (direction or base_direction(text)) is Direction.RTL
    option.setTextDirection(Qt.LayoutDirection.RightToLeft if rtl
                            else Qt.LayoutDirection.LeftToRight)
    if alignment is not None:
        option.setAlignment(alignment | Qt.AlignmentFlag.AlignAbsolute)
    layout.setTextOption(option)
    layout.setCacheEnabled(True)
    layout.beginLayout()
    line = layout.createLine()
    if width is not None:
        line.setLineWidth(width)
    line.setPosition(QPointF(0, 0))
    layout.endLayout()
    return layout, line


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    font: QFont
    colour: str
    width: float  # natural width
    height: float


def _fit_line(text: str, families: tuple[str, ...], style: TextStyle, max_width: float) -> _Line:
    """The largest size from ``style.size_px`` down to its minimum at which ``text`` fits;
    at the minimum, a text still too wide is elided."""
    size = style.size_px
    while True:
        font = make_font(families, size, style.bold)
        _layout, line = _single_line(text, font)
        if line.naturalTextWidth() <= max_width or size <= style.min_size_px:
            break
        size = max(style.min_size_px, size - _SHRINK_STEP_PX)
    if line.naturalTextWidth() > max_width:
        text = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, max_width)
        _layout, line = _single_line(text, font)
    return _Line(text=text, font=font, colour=style.colour,
                 width=min(line.naturalTextWidth(), max_width), height=line.height())


@dataclass(frozen=True)
class RenderedLowerThird:
    image: QImage  # canvas-sized, ARGB32 premultiplied, transparent outside the bar
    bar_rect: QRect
    text_rect: QRect  # where the lines are laid out (inside the bar)
    direction: Direction
    name_families: tuple[str, ...]
    role_families: tuple[str, ...]


def render_lower_third(lower_third: LowerThird, template: LowerThirdTemplate) -> \
        RenderedLowerThird:
    """Draw ``lower_third`` with Qt's text layout (shaped, bidirectional) on a transparent
    canvas. Needs a QGuiApplication to exist; may run on a worker thread (Qt paints text
    on a QImage off the GUI thread; tests check the output is the same)."""
    bar = template.bar
    direction = lower_third.direction
    max_text_width = float(template.canvas_width - bar.margin_left - bar.margin_right
                           - 2 * bar.padding_x - bar.accent_width)
    name_families = template.families_for(lower_third.name, lower_third.language)
    lines = [_fit_line(lower_third.name, name_families, template.name, max_text_width)]
    role_families: tuple[str, ...] = ()
    if lower_third.role:
        role_families = template.families_for(lower_third.role, lower_third.language)
        lines.append(_fit_line(lower_third.role, role_families, template.role, max_text_width))

    text_width = math.ceil(max(line.width for line in lines))
    text_height = math.ceil(sum(line.height for line in lines) + bar.line_gap * (len(lines) - 1))
    bar_width = text_width + 2 * bar.padding_x + bar.accent_width
    bar_height = text_height + 2 * bar.padding_y
    bar_top = template.canvas_height - bar.margin_bottom - bar_height
    rtl = direction is Direction.RTL
    bar_left = template.canvas_width - bar.margin_right - bar_width if rtl else bar.margin_left
    bar_rect = QRect(bar_left, bar_top, bar_width, bar_height)
    accent_left = bar_rect.right() + 1 - bar.accent_width if rtl else bar_left
    text_left = bar_left + bar.padding_x + (0 if rtl else bar.accent_width)
    text_rect = QRect(text_left, bar_top + bar.padding_y, text_width, text_height)

    canvas = QSize(template.canvas_width, template.canvas_height)
    image = QImage(canvas, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        painter.setRenderHints(QPainter.RenderHint.Antialiasing
                               | QPainter.RenderHint.TextAntialiasing)
        background = QColor(bar.colour)
        background.setAlphaF(bar.opacity)
        painter.fillRect(bar_rect, background)
        painter.fillRect(QRect(accent_left, bar_top, bar.accent_width, bar_height),
                         QColor(bar.accent_colour))
        alignment = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
        y = float(text_rect.top())
        painter.setClipRect(text_rect)
        for line in lines:
            # Each line keeps its own bidi direction (an English role under an Arabic
            # name reads left to right) but is aligned by the name's direction.
            layout, _text_line = _single_line(line.text, line.font, alignment=alignment,
                                              width=text_width)
            painter.setPen(QColor(line.colour))
            layout.draw(painter, QPointF(text_rect.left(), y))
            y += line.height + bar.line_gap
    finally:
        painter.end()
    return RenderedLowerThird(image=image, bar_rect=bar_rect, text_rect=text_rect,
                              direction=direction, name_families=name_families,
                              role_families=role_families)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    ok = writer.write(image)
    buffer.close()
    if not ok:
        raise OSError(f"Qt could not encode the lower third as PNG: {writer.errorString()}")
    return bytes(data.data())


def write_atomically(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it
    over ``path`` in one step: a reader sees the old file or the new one, never half.
    Plain Python and thread-safe: a service may run it in an executor.

    On failure (a full disk, a folder that cannot be created or written) the temporary
    file is removed and ``path`` is left as it was; the :class:`OSError` raised keeps
    its errno (and so its subclass) and names ``path``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _naming(error, f"cannot create the folder for {path}") from error
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as error:
        _remove_quietly(temporary)
        raise _naming(error, f"cannot write {path}") from error
    except BaseException:
        _remove_quietly(temporary)
        raise
    return path


def _remove_quietly(path: Path) -> None:
    # Best effort: the write has already failed, and that is the error to report.
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _naming(error: OSError, what: str) -> OSError:
    """``error`` with ``what`` in front of its reason. The original names only our
    temporary file, or the folder, or nothing at all (a full disk)."""
    reason = error.strerror or str(error)
    if error.errno is None:
        return OSError(f"{what}: {reason}")
    # OSError(errno, ...) builds the matching subclass (FileExistsError, PermissionError).
    return OSError(error.errno, f"{what}: {reason}")


def write_png_atomically(image: QImage, path: Path) -> Path:
    return write_atomically(path, png_bytes(image))


def render_lower_third_png(lower_third: LowerThird, path: Path,
                           template: LowerThirdTemplate | None = None) -> Path:
    """Render ``lower_third`` and write it to ``path`` as a canvas-sized PNG, atomically."""
    rendered = render_lower_third(lower_third, template or load_template())
    return write_png_atomically(rendered.image, path)


# --- shaping, for tests and diagnostics -----------------------------------------------

@dataclass(frozen=True, slots=True)
class ShapingReport:
    glyph_count: int
    is_right_to_left: bool  # the first logical character sits right of the last
    shaped: bool  # contextual forms: the glyphs differ from the letters laid out one by one
    glyph_indexes: tuple[int, ...]
    isolated_glyph_indexes: tuple[int, ...]
    families: tuple[str, ...]  # the fonts Qt actually drew with (fallbacks included)
    natural_width: float


def _glyphs(layout: QTextLayout) -> list[tuple[str, int]]:
    return [(run.rawFont().familyName(), index)
            for run in layout.glyphRuns() for index in run.glyphIndexes()]


def _cursor_x(line: QTextLine, position: int) -> float:
    # PySide6 returns (x, position) for QTextLine.cursorToX(int *cursorPos).
    result: Any = line.cursorToX(position)
    return float(result[0] if isinstance(result, tuple) else result)


def shaping_report(text: str, font: QFont) -> ShapingReport:
    """How Qt lays out ``text`` in ``font``: glyphs, direction, and whether contextual
    forms were chosen (compared with each character laid out on its own)."""
    layout, line = _single_line(text, font)
    glyphs = _glyphs(layout)
    isolated: list[tuple[str, int]] = []
    for char in text:
        single, _single_text_line = _single_line(char, font)
        isolated.extend(_glyphs(single))
    first_x = _cursor_x(line, 0)
    last_x = _cursor_x(line, utf16_length(text))
    return ShapingReport(
        glyph_count=len(glyphs),
        is_right_to_left=first_x > last_x,
        shaped=Counter(glyphs) != Counter(isolated),
        glyph_indexes=tuple(index for _family, index in glyphs),
        isolated_glyph_indexes=tuple(index for _family, index in isolated),
        families=tuple(dict.fromkeys(family for family, _index in glyphs)),
        natural_width=line.naturalTextWidth(),
    )
