"""The lower third rendered by Qt: Arabic and Urdu shaped, the PNG, its atomic write."""

from __future__ import annotations

import errno
import os
import re
import threading
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from console.formats.lower_third_template import load_template
from console.models.lower_third import Direction, LowerThird
from console.ui.lower_third_render import (
    make_font,
    render_lower_third,
    render_lower_third_png,
    shaping_report,
    write_atomically,
)

ARABIC = "ليلى حداد"
URDU = "عائشہ ملک"
LATIN = "Jane Doe"


# --- shaping through Qt's text layout -------------------------------------------------------

@pytest.mark.parametrize(("text", "language"), [(ARABIC, "ar"), (URDU, "ur")])
def test_arabic_script_names_are_shaped_right_to_left(qapp: QApplication, text: str,
                                                      language: str) -> None:
    template = load_template()
    families = template.families_for(text, language)
    report = shaping_report(text, make_font(families, 58, bold=True))
    assert report.is_right_to_left
    assert report.shaped, "contextual (joined) forms should differ from isolated letters"
    assert report.glyph_indexes != report.isolated_glyph_indexes
    assert report.glyph_count >= 8
    assert 0 not in report.glyph_indexes  # no missing-glyph boxes
    assert report.families[0] == "Noto Naskh Arabic"


def test_a_latin_name_stays_left_to_right_and_unchanged(qapp: QApplication) -> None:
    report = shaping_report(LATIN, make_font(["Noto Sans"], 58))
    assert not report.is_right_to_left
    assert not report.shaped
    assert report.glyph_count == len(LATIN)
    assert report.families == ("Noto Sans",)


# --- the rendered PNG ----------------------------------------------------------------------

def _ink_box(image: QImage, area: QRect, background: int) -> QRect:
    """The bounding box of pixels in ``area`` that differ from ``background`` (ARGB)."""
    left, top, right, bottom = area.right(), area.bottom(), area.left(), area.top()
    for y in range(area.top(), area.bottom() + 1, 2):
        for x in range(area.left(), area.right() + 1, 2):
            if image.pixel(x, y) != background:
                left, top = min(left, x), min(top, y)
                right, bottom = max(right, x), max(bottom, y)
    return QRect(left, top, right - left + 1, bottom - top + 1)


@pytest.mark.parametrize(("lower", "rtl"), [
    (LowerThird(ARABIC, "وزيرة الثقافة", "ar"), True),
    (LowerThird(URDU, "Director, Lahore Arts Council", "ur"), True),
    (LowerThird(LATIN, "Chair", "en"), False),
])
def test_png_has_the_canvas_size_and_text_on_the_leading_side(
        qapp: QApplication, tmp_path: Path, lower: LowerThird, rtl: bool) -> None:
    template = load_template()
    path = render_lower_third_png(lower, tmp_path / "lt" / "speaker.png", template)
    assert path.stat().st_size > 1000
    assert [p.name for p in path.parent.iterdir()] == ["speaker.png"]  # no temp file left
    image = QImage(str(path))
    assert (image.width(), image.height()) == (1920, 1080)
    assert image.hasAlphaChannel()
    assert image.pixelColor(10, 10).alpha() == 0  # transparent outside the bar
    assert image.pixelColor(960, 100).alpha() == 0

    rendered = render_lower_third(lower, template)
    assert rendered.direction is (Direction.RTL if rtl else Direction.LTR)
    bar = rendered.bar_rect
    assert bar.bottom() == 1080 - template.bar.margin_bottom - 1
    if rtl:
        assert bar.right() == 1920 - template.bar.margin_right - 1
    else:
        assert bar.left() == template.bar.margin_left
    # Inside the bar: opaque background, and text pixels that differ from it.
    text_area = rendered.text_rect
    background = image.pixel(text_area.left() + 1, bar.top() + 2)
    assert image.pixelColor(text_area.left() + 1, bar.top() + 2).alpha() > 200
    ink = _ink_box(image, text_area, background)
    assert ink.width() > 40
    assert ink.height() > 40
    # Aligned on the leading side: right for a right-to-left name, left otherwise.
    if rtl:
        assert text_area.right() - ink.right() <= 8
    else:
        assert ink.left() - text_area.left() <= 8


def test_a_long_name_shrinks_and_stays_in_the_frame(qapp: QApplication) -> None:
    template = load_template()
    rendered = render_lower_third(LowerThird(ARABIC * 12, None, "ar"), template)
    assert rendered.bar_rect.left() >= template.bar.margin_left
    assert rendered.bar_rect.right() <= 1920 - template.bar.margin_right


def test_writing_replaces_the_file_in_one_step(tmp_path: Path) -> None:
    path = tmp_path / "lt.png"
    path.write_bytes(b"old")
    seen: list[bytes] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            seen.append(path.read_bytes())

    thread = threading.Thread(target=reader, name="png-reader")
    thread.start()
    try:
        for round_ in range(50):
            write_atomically(path, bytes([round_ % 256]) * 200_000)
    finally:
        stop.set()
        thread.join()
    assert all(data == b"old" or (len(data) == 200_000 and len(set(data)) == 1)
               for data in seen)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lt.png"]


class _DiskFillsUp:
    """A real file that takes half of what is written, then reports a full disk."""

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle

    def __enter__(self) -> _DiskFillsUp:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._handle.close()

    def write(self, data: bytes) -> int:
        self._handle.write(data[: len(data) // 2])
        self._handle.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def test_a_full_disk_leaves_the_old_file_and_no_temporary_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "lt.png"
    path.write_bytes(b"old")
    real_open = Path.open

    def open_on_a_full_disk(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real_open(self, mode, *args, **kwargs)
        return _DiskFillsUp(handle) if self.parent == tmp_path and "w" in mode else handle

    monkeypatch.setattr(Path, "open", open_on_a_full_disk)
    with pytest.raises(OSError, match=re.escape(str(path))) as caught:
        write_atomically(path, b"new" * 100_000)
    assert caught.value.errno == errno.ENOSPC
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lt.png"]


def test_a_folder_that_is_a_file_is_named_in_the_error(tmp_path: Path) -> None:
    folder = tmp_path / "lt"
    folder.write_bytes(b"not a folder")
    path = folder / "speaker.png"
    with pytest.raises(OSError, match=re.escape(str(path))) as caught:
        write_atomically(path, b"png")
    assert isinstance(caught.value, FileExistsError)
    assert folder.read_bytes() == b"not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lt"]


def test_rendering_on_a_worker_thread_gives_the_same_image(qapp: QApplication,
                                                           tmp_path: Path) -> None:
    """The lower-third service renders through asyncio.to_thread."""
    lower = LowerThird(URDU, "وزیر ثقافت", "ur")
    here = QImage(str(render_lower_third_png(lower, tmp_path / "main.png")))
    errors: list[BaseException] = []

    def work() -> None:
        try:
            render_lower_third_png(lower, tmp_path / "worker.png")
        except BaseException as error:  # reported below, on the test's thread
            errors.append(error)

    thread = threading.Thread(target=work, name="lower-third-render")
    thread.start()
    thread.join()
    assert not errors
    there = QImage(str(tmp_path / "worker.png"))
    assert there == here
