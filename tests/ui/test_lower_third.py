"""Lower thirds: which names need an image, Qt's shaping of Arabic and Urdu, the PNG."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from console.formats.lower_third_template import (
    TemplateError,
    default_template_path,
    load_template,
)
from console.models.lower_third import (
    Direction,
    LowerThird,
    base_direction,
    countdown_text,
    dominant_script,
    needs_rendered_image,
)
from console.models.show import Speaker
from console.ui.lower_third_preview import LowerThirdPreview
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


# --- the pure model ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    ARABIC, URDU, "דוד לוי", "ܐܦܪܝܡ", "ދިވެހި", "ߒߞߏ", "अनन्ya", "প্রিয়া", "สมชาย",
    "Jane \u0661\u0662", "Maria\u200d", "Farouq\u0301", "Ali \ufefb",
])
def test_right_to_left_and_complex_scripts_need_an_image(text: str) -> None:
    assert needs_rendered_image(text)


@pytest.mark.parametrize("text", [
    LATIN, "Zoë Müller-Łukasiewicz", "José Nguyễn", "Ольга Петрова", "Γιώργος", "O'Brien (Chair)",
    "Jose\u0301", "Nguye\u0302\u0303n\u0323",  # decomposed, but NFC folds them
    "", None,
])
def test_latin_greek_cyrillic_do_not(text: str | None) -> None:
    assert not needs_rendered_image(text)


def test_lower_third_from_a_speaker() -> None:
    lower = LowerThird.from_speaker(Speaker(name=f" {ARABIC} ", language="ar",
                                            affiliation="Minister of Culture"))
    assert lower == LowerThird(ARABIC, "Minister of Culture", "ar")
    assert lower.needs_image  # the name alone decides it
    assert lower.direction is Direction.RTL
    assert lower.script == "Arab"
    assert LowerThird.from_speaker(Speaker(name=LATIN, language="en")).role is None
    latin = LowerThird(LATIN, "Chair", "en")
    assert not latin.needs_image
    assert latin.plain_text == "Jane Doe\nChair"
    # An Arabic role under a Latin name still needs the image.
    assert LowerThird(LATIN, "رئيسة الجلسة", "en").needs_image
    with pytest.raises(ValueError, match="name"):
        LowerThird("  ", None, "en")


def test_direction_and_script_follow_the_first_strong_letter() -> None:
    assert base_direction(f"{ARABIC} (PhD)") is Direction.RTL
    assert base_direction(f"Dr {ARABIC}") is Direction.LTR
    assert base_direction("123") is Direction.LTR
    assert dominant_script(URDU) == "Arab"
    assert dominant_script("अनन्या") == "Deva"
    assert dominant_script(LATIN) == "Latn"


@pytest.mark.parametrize(("seconds", "text"), [
    (None, "--:--"), (float("nan"), "--:--"), (600, "10:00"), (599.2, "10:00"),
    (61, "01:01"), (0.4, "00:01"), (0, "00:00"), (-0.9, "00:00"), (-1, "+00:01"),
    (-75.5, "+01:15"), (4500, "75:00"),
])
def test_countdown_text(seconds: float | None, text: str) -> None:
    assert countdown_text(seconds) == text


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


def test_fonts_follow_script_then_language() -> None:
    template = load_template()
    assert template.families_for(ARABIC, "ar")[0] == "Noto Naskh Arabic"
    assert template.families_for(URDU, "ur-PK")[0] == "Noto Naskh Arabic"
    assert template.families_for("דוד", "he")[0] == "Noto Sans Hebrew"
    assert template.families_for(LATIN, "ur")[0] == "Noto Sans"
    assert template.families_for(LATIN, "en")[-1] == "DejaVu Sans"


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


# --- the template file ---------------------------------------------------------------------

def _template_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(default_template_path().read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["bar"].update(colour="red"), r"bar\.colour: expected a colour"),
    (lambda d: d["bar"].update(opacity=2), r"bar\.opacity: expected a number"),
    (lambda d: d["name"].pop("size_px"), r"name\.size_px: expected a whole number"),
    (lambda d: d["role"].update(min_size_px=99), r"role\.min_size_px: must not exceed"),
    (lambda d: d["fonts"]["scripts"].update(Arab=[]), r"fonts\.scripts\.Arab: expected a list"),
    (lambda d: d["bar"].update(colur="#000000"), r"bar\.colur: unknown field"),
    (lambda d: d.update(version=2), r"version: expected 1"),
])
def test_a_bad_template_names_the_file_and_the_field(tmp_path: Path, change: Any,
                                                     message: str) -> None:
    data = _template_data()
    change(data)
    path = tmp_path / "template.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(TemplateError, match=message) as caught:
        load_template(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_broken_json_and_a_missing_file_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "template.json"
    path.write_text('{"version": 1,\n "canvas": }', encoding="utf-8")
    with pytest.raises(TemplateError, match=r"template\.json: line 2 column"):
        load_template(path)
    with pytest.raises(TemplateError, match=r"missing\.json: cannot read"):
        load_template(tmp_path / "missing.json")


# --- the preview ---------------------------------------------------------------------------

def test_preview_shows_the_rendered_frame(qtbot: Any) -> None:
    preview = LowerThirdPreview()
    qtbot.addWidget(preview)
    preview.resize(480, 270)
    assert preview.image() is None
    preview.grab()  # paints the empty state

    lower = LowerThird(ARABIC, None, "ar")
    preview.set_lower_third(lower)
    assert preview.lower_third == lower
    image = preview.image()
    assert image is not None
    assert (image.width(), image.height()) == (1920, 1080)
    assert preview.toolTip() == ARABIC
    assert preview.heightForWidth(480) == 270

    shot = preview.grab().toImage()
    rendered = preview.rendered
    assert rendered is not None
    bar = rendered.bar_rect
    # The bar, scaled by 1/4, is where the preview draws it.
    centre = shot.pixelColor(bar.center().x() // 4, bar.top() // 4 + 2)
    assert centre.red() < 60  # the dark bar, not the checkerboard
    preview.set_lower_third(None)
    assert preview.image() is None


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
