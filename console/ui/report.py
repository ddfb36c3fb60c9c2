"""The producer's report, as a PDF or a single HTML file, drawn with Qt (no browser).

For each show day, the timeline (the review window's own painter) and the audience
picture are drawn on QImages; the text (``formats/review_report.py``) is HTML, which
the HTML file carries as it is with the pictures as data: URIs, and which a
QTextDocument lays out for the PDF on a QPdfWriter. Nothing here needs a widget, so
:func:`render_report` runs on a worker thread; a QGuiApplication must exist (fonts).

The file is written next to its place under a temporary name and renamed when whole:
an interrupted report leaves the old file, or none, never half of one.
"""

from __future__ import annotations

import base64
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, QUrl
from PySide6.QtGui import (
    QFontMetricsF,
    QImage,
    QImageWriter,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from console.formats.review_report import Picture, report_format, report_html, title_line
from console.models.review import ReviewDay, ShowReview, review_days
from console.ui.review_drawing import review_font
from console.ui.review_timeline import paint_timeline, planned_rows
from console.ui.review_viewer_graph import paint_viewer_graph

Progress = Callable[[int, int], None]  # (steps done, steps in all)
PICTURE_WIDTH = 1045  # pixels of 1/96 inch: the width of an A4 landscape page's text
PIXEL_RATIO = 3  # pictures drawn at three times that, sharp on paper and on screens
VIEWER_GRAPH_HEIGHT = 180  # under a day's timeline, on the same page
PAGE_MARGIN_MM = 10.0
PDF_DPI = 300
SCREEN_DPI = 96  # the unit of the pictures' sizes


# Each picture of a day: its file name's stem, what it draws with, its caption.
Painter = Callable[[QPainter, QRectF, ShowReview, ZoneInfo, tuple[datetime, datetime]], object]
PictureKind = tuple[str, Painter, str]
TIMELINE: PictureKind = (
    "timeline", paint_timeline,
    "Planned against actual, sound on air per language, and the audience")
AUDIENCE: PictureKind = (
    "viewers", paint_viewer_graph, "The audience, all destinations, and each session's start")


def _no_progress(_done: int, _total: int) -> None:
    return None


@dataclass(frozen=True)
class _Drawn:
    picture: Picture
    image: QImage


def render_report(review: ShowReview, path: Path, progress: Progress = _no_progress) -> None:
    """Write the report of ``review`` to ``path`` (its suffix says PDF or HTML), calling
    ``progress(done, total)`` after each step. Raises ValueError for another suffix and
    OSError when the file cannot be written (the old file, if any, is left as it was)."""
    kind = report_format(path)
    planned = _pictures_to_draw(review)
    total = len(planned) + 1
    drawn: list[_Drawn] = []
    for kind_of_picture, height, day in planned:
        drawn.append(_picture(kind_of_picture, height, review, day))
        progress(len(drawn), total)
    write = _write_pdf if kind == "pdf" else _write_html
    _atomically(path, lambda temporary: write(review, drawn, temporary))
    progress(total, total)


# --- pictures ---------------------------------------------------------------------------------


def _pictures_to_draw(review: ShowReview) -> list[tuple[PictureKind, int, ReviewDay]]:
    """Each day's timeline, and its audience unless nobody was counted that day (an
    empty frame would say nothing)."""
    found: list[tuple[PictureKind, int, ReviewDay]] = []
    for day in review_days(review, ZoneInfo(review.timezone)):
        found.append((TIMELINE, timeline_height(review), day))
        if review.viewer_stats(day.start, day.end)[0] is not None:
            found.append((AUDIENCE, VIEWER_GRAPH_HEIGHT, day))
    return found


def _canvas(width: int, height: int) -> QImage:
    image = QImage(width * PIXEL_RATIO, height * PIXEL_RATIO, QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(PIXEL_RATIO)
    return image


def timeline_height(review: ShowReview) -> int:
    """Room for every lane and a viewer band of four lines, legend and axes included."""
    line = QFontMetricsF(review_font()).height()
    rows = max(planned_rows(review.segments).values(), default=0) + 1
    lines = 1.4 + 1.7 + 1.7 * (rows + 1) + 1.35 * len(review.languages) + 4 + 1.4 + 2.8
    return round(lines * line) + 20


def _picture(kind: PictureKind, height: int, review: ShowReview,
             day: ReviewDay) -> _Drawn:
    stem, paint, caption = kind
    image = _canvas(PICTURE_WIDTH, height)
    painter = QPainter(image)
    try:
        paint(painter, QRectF(0, 0, PICTURE_WIDTH, height), review, ZoneInfo(review.timezone),
              (day.start, day.end))
    finally:
        painter.end()
    picture = Picture(f"{stem}-{day.day.isoformat()}.png", _day_name(day), caption,
                      PICTURE_WIDTH, height)
    return _Drawn(picture, image)


def _day_name(day: ReviewDay) -> str:
    return f"{day.day:%A} {day.day.day} {day.day:%B %Y}"


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image):
        raise OSError(f"could not encode a picture as PNG: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


# --- files --------------------------------------------------------------------------------------


def _write_html(review: ShowReview, drawn: list[_Drawn], path: Path) -> None:
    sources = {item.picture.name: "data:image/png;base64,"
               + base64.b64encode(png_bytes(item.image)).decode("ascii") for item in drawn}
    page = report_html(review, [item.picture for item in drawn],
                       lambda picture: sources[picture.name])
    path.write_text(page, encoding="utf-8")


def _write_pdf(review: ShowReview, drawn: list[_Drawn], path: Path) -> None:
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_DPI)
    writer.setPageLayout(QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
        QMarginsF(PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM),
        QPageLayout.Unit.Millimeter))
    writer.setTitle(f"{title_line(review)}: producer's report")
    writer.setCreator("conference-console")
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.setDefaultFont(review_font())
    # A page size of our own (the printable area, in the document's 1/96-inch pixels):
    # without one, printing adds margins of its own, 2 cm, and pictures are cut.
    page = writer.pageLayout().paintRect(QPageLayout.Unit.Inch)
    document.setPageSize(QSizeF(page.width() * SCREEN_DPI, page.height() * SCREEN_DPI))
    for item in drawn:
        document.addResource(QTextDocument.ResourceType.ImageResource.value,
                             QUrl(item.picture.name), item.image)
    fitted = [_fitted(item.picture, writer) for item in drawn]
    document.setHtml(report_html(review, fitted, lambda picture: picture.name))
    document.print_(writer)
    if not path.is_file() or path.stat().st_size == 0:
        raise OSError(f"{path}: the PDF writer wrote nothing")


def _fitted(picture: Picture, writer: QPdfWriter) -> Picture:
    """The picture at the page's text width (in the document's 1/96-inch pixels)."""
    page = writer.pageLayout().paintRect(QPageLayout.Unit.Inch)
    width = min(picture.width, int(page.width() * SCREEN_DPI))
    height = round(picture.height * width / picture.width)
    return Picture(picture.name, picture.heading, picture.caption, width, height)


def _atomically(path: Path, write: Callable[[Path], None]) -> None:
    directory = path.parent if str(path.parent) else Path()
    handle, name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.",
                                    suffix=path.suffix)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise

