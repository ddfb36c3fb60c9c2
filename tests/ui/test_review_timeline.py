"""The producer's timeline: a bar for every planned segment and every run, outages in their
language's lane, texts that never overlap and stay legible, what a double-click and a
hover say, zoom and pan, and the widget beside a table at 1280x800 and 1920x1080 (set
``CONSOLE_SCREENSHOTS`` to a folder to keep the pictures)."""

from __future__ import annotations

import itertools
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QImage, QPainter, QWheelEvent
from PySide6.QtWidgets import QApplication, QHBoxLayout, QTableWidget, QWidget

from console.models.asrun import AsRunEntry, AsRunKind
from console.models.review import ShowReview, ViewerPoint, build_review
from console.models.show import Day, Segment, SegmentKind, Session, Show, Stage
from console.ui.review_drawing import FONT_PT, review_font
from console.ui.review_timeline import (
    HitKind,
    ReviewTimeline,
    TimelineDrawing,
    draw_timeline,
    hit_text,
    paint_timeline,
    planned_rows,
)
from tests.helpers.review_sample import OUTAGE_S, sample_review

ZONE = ZoneInfo("Europe/Paris")


def local(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 10, 23, hour, minute, second, tzinfo=ZONE)


def small_review() -> ShowReview:
    """Three segments, the second planned over the first; a late take, an early one, a
    skip, and a French outage."""
    def segment(ident: str, start: datetime, minutes: int) -> Segment:
        return Segment(ident, SegmentKind.TALK, f"Talk {ident}", start,
                       timedelta(minutes=minutes))

    show = Show("Summit", "Europe/Paris", "ar", ("fr", "es"), (Stage("Main", (Day(
        date(2026, 10, 23), (Session("Morning", (
            segment("a", local(9, 0), 30), segment("b", local(9, 20), 20),
            segment("c", local(9, 40), 20))),)),)),))

    def entry(kind: AsRunKind, at: datetime, segment_id: str | None = None,
              language: str | None = None, **details: Any) -> AsRunEntry:
        return AsRunEntry(at_utc=at, kind=kind, console="stage", role="stage",
                          segment_id=segment_id, language=language, details=details)

    entries = [entry(AsRunKind.TAKE, local(9, 3), "a"), entry(AsRunKind.TAKE, local(9, 19), "b"),
               entry(AsRunKind.SKIP, local(9, 30), "c"),
               entry(AsRunKind.INTERPRETER, local(9, 10), language="fr", event="outage_start"),
               entry(AsRunKind.INTERPRETER, local(9, 11), language="fr", event="outage_end"),
               entry(AsRunKind.STREAM, local(9, 45), obs="main", active=False)]
    viewers = [ViewerPoint(local(9, 0).astimezone(UTC), 100),
               ViewerPoint(local(9, 30).astimezone(UTC), 1234)]
    return build_review(show, entries, viewers)


def drawn(review: ShowReview, width: int = 1000, height: int = 460,
          view: tuple[datetime, datetime] | None = None) -> TimelineDrawing:
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        return draw_timeline(painter, QRectF(0, 0, width, height), review,
                             ZoneInfo(review.timezone), view)
    finally:
        painter.end()


def keep(picture: str, widget: QWidget) -> None:
    folder = os.environ.get("CONSOLE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{picture}.png"))


def assert_texts_apart_and_inside(found: TimelineDrawing, bounds: QRectF) -> None:
    for box, text in found.labels:
        assert bounds.contains(box), text
    for (a, text_a), (b, text_b) in itertools.combinations(found.labels, 2):
        assert not a.intersects(b), (text_a, text_b)


# --- the picture ------------------------------------------------------------------------------


def test_every_segment_has_a_planned_bar_and_every_run_an_actual_bar_beneath(
        qapp: QApplication) -> None:
    found = drawn(small_review())
    planned = {h.segment_id: h.rect for h in found.hits if h.kind is HitKind.PLANNED}
    actual = {h.segment_id: h.rect for h in found.hits if h.kind is HitKind.ACTUAL}
    assert set(planned) == {"a", "b", "c"}
    assert set(actual) == {"a", "b"}  # c was skipped
    assert planned["a"].top() != planned["b"].top()  # planned over each other: two rows
    for segment_id, bar in actual.items():
        assert bar.top() > max(rect.bottom() for rect in planned.values()) - 1, segment_id
    # One time axis: a's run (09:03 to 09:19) starts right of its plan (09:00).
    assert actual["a"].left() > planned["a"].left()
    assert actual["b"].left() == pytest.approx(actual["a"].right(), abs=1.5)


def test_an_outage_is_a_bar_in_its_languages_lane(qapp: QApplication) -> None:
    found = drawn(small_review())
    (outage,) = [h for h in found.hits if h.kind is HitKind.OUTAGE]
    assert outage.language == "fr"
    assert outage.outage is not None
    assert outage.outage.seconds == 60
    viewers = next(h for h in found.hits if h.kind is HitKind.VIEWERS)
    assert outage.rect.bottom() <= viewers.rect.top()


def test_late_and_on_time_runs_are_warm_and_cool_and_a_skip_is_hatched(
        qapp: QApplication) -> None:
    review = small_review()
    image = QImage(1000, 460, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    hits = paint_timeline(painter, QRectF(0, 0, 1000, 460), review, ZONE)
    painter.end()

    def colour_in(kind: HitKind, segment_id: str) -> Any:
        rect = next(h.rect for h in hits if h.kind is kind and h.segment_id == segment_id)
        return image.pixelColor(int(rect.right()) - 3, int(rect.bottom()) - 3)

    late, early = colour_in(HitKind.ACTUAL, "a"), colour_in(HitKind.ACTUAL, "b")
    assert late.red() > late.blue()  # three minutes late: amber
    assert early.blue() > early.red()  # a minute early: blue
    skipped = next(h.rect for h in hits if h.kind is HitKind.PLANNED and h.segment_id == "c")
    row = [image.pixelColor(x, int(skipped.center().y())).lightness()
           for x in range(int(skipped.left()) + 4, int(skipped.right()) - 4)]
    assert max(row) - min(row) > 40  # hatched: light and dark stripes across


@pytest.mark.parametrize(("width", "height"), [(480, 320), (760, 400), (1150, 540)])
def test_texts_never_overlap_and_stay_inside_at_any_size(
        qapp: QApplication, width: int, height: int) -> None:
    review = sample_review()
    day = review.segments[0].planned_start - timedelta(minutes=10)
    for view in (None, (day, day + timedelta(hours=8)), (day, day + timedelta(minutes=40))):
        found = drawn(review, width, height, view)
        assert len(found.labels) > 10
        assert_texts_apart_and_inside(found, QRectF(0, 0, width, height))


def test_texts_are_at_least_ten_points(qapp: QApplication) -> None:
    assert review_font().pointSizeF() >= FONT_PT >= 10
    image = QImage(10, 10, QImage.Format.Format_ARGB32)  # 96 dpi: 10 pt is 13.3 px
    assert QFontMetricsF(review_font(), image).ascent() >= 10


def test_planned_rows_put_overlapping_segments_apart_and_reuse_free_rows() -> None:
    review = small_review()
    assert planned_rows(review.segments) == {"a": 0, "b": 1, "c": 0}


def test_an_empty_review_says_so() -> None:
    found = drawn(build_review(None, [], []))
    assert found.hits == []
    assert [text for _, text in found.labels] == ["Nothing planned or recorded yet"]


def test_what_a_hover_says(qapp: QApplication) -> None:
    review = small_review()
    hits = drawn(review).hits
    planned_a = next(h for h in hits if h.segment_id == "a")
    text = hit_text(planned_a, review, ZONE)
    assert "Talk a" in text
    assert "Planned 09:00:00–09:30:00" in text
    assert "Actual 09:03:00–09:19:00" in text
    assert "Started +3:00" in text
    skipped = next(h for h in hits if h.segment_id == "c")
    assert "Skipped" in hit_text(skipped, review, ZONE)
    outage = next(h for h in hits if h.kind is HitKind.OUTAGE)
    assert hit_text(outage, review, ZONE) == "fr: no sound on air 09:10:00–09:11:00, 1:00"
    viewers = next(h for h in hits if h.kind is HitKind.VIEWERS)
    assert hit_text(viewers, review, ZONE, local(9, 40).astimezone(UTC)) == \
        "09:40:00: 1,234 viewers"


# --- the widget ------------------------------------------------------------------------------


@pytest.fixture
def timeline(qtbot: Any, themed_app: QApplication) -> ReviewTimeline:
    shown = ReviewTimeline()
    qtbot.addWidget(shown)
    shown.set_review(small_review())
    shown.resize(1000, 460)
    shown.show()
    qtbot.waitExposed(shown)
    shown.repaint()
    return shown


def test_double_clicking_a_bar_or_an_outage_names_it(qtbot: Any,
                                                     timeline: ReviewTimeline) -> None:
    bar = next(h for h in timeline.hits() if h.kind is HitKind.ACTUAL and h.segment_id == "b")
    with qtbot.waitSignal(timeline.segmentActivated) as segment:
        qtbot.mouseDClick(timeline, Qt.MouseButton.LeftButton, pos=bar.rect.center().toPoint())
    assert segment.args == ["b"]
    outage = next(h for h in timeline.hits() if h.kind is HitKind.OUTAGE)
    with qtbot.waitSignal(timeline.outageActivated) as activated:
        qtbot.mouseDClick(timeline, Qt.MouseButton.LeftButton,
                          pos=outage.rect.center().toPoint())
    assert activated.args == ["fr", local(9, 10).astimezone(UTC), local(9, 11).astimezone(UTC)]


def test_double_clicking_nothing_says_nothing(qtbot: Any, timeline: ReviewTimeline) -> None:
    with qtbot.assertNotEmitted(timeline.segmentActivated), \
            qtbot.assertNotEmitted(timeline.outageActivated):
        qtbot.mouseDClick(timeline, Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert timeline.hit_at(QPointF(3, 3)) is None


def test_the_wheel_zooms_around_the_pointer_and_a_drag_pans(
        qtbot: Any, timeline: ReviewTimeline) -> None:
    review = timeline.review()
    assert review is not None
    whole = timeline.view()
    assert whole == (review.start, review.end)
    bar = next(h for h in timeline.hits() if h.kind is HitKind.ACTUAL and h.segment_id == "b")
    point = bar.rect.center()
    before = timeline.hit_at(point)
    wheel = QWheelEvent(point, timeline.mapToGlobal(point), QPoint(), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(timeline, wheel)
    timeline.repaint()
    start, end = timeline.view() or whole
    assert (end - start) < (review.end - review.start) * 0.7
    after = timeline.hit_at(point)
    assert before is not None
    assert after is not None
    assert after.segment_id == before.segment_id  # what was under the pointer stays there
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=QPoint(500, 300))
    qtbot.mouseMove(timeline, QPoint(400, 300))
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(400, 300))
    moved_start, moved_end = timeline.view() or whole
    assert moved_start > start  # dragged left: later times come in
    assert moved_end - moved_start == pytest.approx((end - start), abs=timedelta(seconds=1))


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1920, 1080)])
def test_beside_a_table_at_the_windows_sizes(qtbot: Any, themed_app: QApplication,
                                             width: int, height: int) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    row = QHBoxLayout(window)
    table = QTableWidget(40, 5)
    timeline = ReviewTimeline()
    review = sample_review()
    timeline.set_review(review)
    row.addWidget(table, 2)
    row.addWidget(timeline, 3)
    window.resize(width, height // 2)
    window.show()
    qtbot.waitExposed(window)
    first = review.segments[0].planned_start - timedelta(minutes=10)
    timeline.set_view((first, first + timedelta(hours=8)))
    timeline.repaint()
    keep(f"review-timeline-{width}x{height}", window)
    hint = timeline.minimumSizeHint()
    assert timeline.width() >= hint.width()
    assert timeline.height() >= hint.height()
    assert hint.width() * 2 <= 1280  # leaves half of the smaller screen to the table
    found = drawn(review, timeline.width(), timeline.height(), timeline.view())
    assert_texts_apart_and_inside(found, QRectF(timeline.rect()))
    outage = next(h for h in found.hits if h.kind is HitKind.OUTAGE and h.language == "fr")
    assert outage.outage is not None
    assert outage.outage.seconds == OUTAGE_S
    assert outage.rect.width() >= 3  # 42 s in 8 hours: still visible
