"""The live viewer graph: its ring buffers, two days of eight destinations loaded and drawn
(the curves' data, downsampling and clipping, gaps for offline), the hover read-out,
the stats strip, markers and their labels, the time axis in the show's zone, the
redraw timer, and the graph at the sizes the stage window gives it (set
``CONSOLE_SCREENSHOTS`` to a folder to keep the pictures)."""

from __future__ import annotations

import itertools
import math
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication

from console.models.viewer_totals import TOTAL, destination_key, language_key
from console.models.viewers import ViewerSample, ViewerState
from console.ui.viewer_graph import (
    GraphView,
    MarkerKind,
    ShowTimeAxis,
    ViewerGraph,
    count_text,
)
from console.ui.viewer_series import CAPACITY, RingSeries
from tests.helpers import viewer_graph_photos as photos
from tests.helpers.viewer_graph_photos import (
    HOVER_AT,
    NOW,
    OUTAGES,
    POINTS,
    START,
    STEP_S,
    ZONE,
    Picture,
    count,
    destinations,
    markers,
)

EN, FR, ES, AR = (language_key(code) for code in ("en", "fr", "es", "ar"))
LANGUAGE_OF = {1: EN, 2: EN, 3: EN, 4: FR, 5: FR, 6: ES, 7: AR, 8: AR}
FIGURE_PX_AT_LEAST = 24  # the stats' figures, read from a desk away


@pytest.fixture(scope="module")
def history() -> list[ViewerSample]:
    return photos.history()


@pytest.fixture
def graph(qtbot: Any, history: list[ViewerSample]) -> ViewerGraph:
    """Two days of eight destinations, with markers, at 900x500, in Lisbon's time."""
    shown = ViewerGraph(clock=lambda: NOW)
    qtbot.addWidget(shown)
    shown.set_time_zone(ZONE)
    shown.set_destinations(destinations())
    shown.load_history(history)
    for at, label, kind in markers():
        shown.add_marker(at, label, kind)
    shown.resize(900, 500)
    shown.show()
    qtbot.waitExposed(shown)
    return shown



def index_of(at: datetime) -> int:
    return int((at - START).total_seconds()) // STEP_S


def in_outage(destination_id: int, index: int) -> bool:
    at = START + timedelta(seconds=index * STEP_S)
    return any(o.destination_id == destination_id and o.start <= at < o.end for o in OUTAGES)


def language_count(language: object, index: int) -> float:
    live = [count(d, index) for d, key in LANGUAGE_OF.items()
            if key == language and not in_outage(d, index)]
    return float(sum(live)) if live else math.nan


# --- the ring ----------------------------------------------------------------------------

def test_the_ring_wraps_at_capacity_keeping_the_newest_in_order() -> None:
    ring = RingSeries(capacity=5, headroom=2)
    for k in range(12):
        ring.append(float(k), k * 10.0)
    times, values = ring.arrays()
    assert times.tolist() == [7.0, 8.0, 9.0, 10.0, 11.0]
    assert values.tolist() == [70.0, 80.0, 90.0, 100.0, 110.0]
    assert times.base is not None  # a view into the ring, not a copy
    # A view handed out stays as it was for the headroom's appends.
    ring.append(12.0, 120.0)
    ring.append(13.0, 130.0)
    assert times.tolist() == [7.0, 8.0, 9.0, 10.0, 11.0]
    assert ring.arrays()[0].tolist() == [9.0, 10.0, 11.0, 12.0, 13.0]
    ring.replace_last(13.5, 135.0)
    assert ring.last() == (13.5, 135.0)
    assert len(ring) == 5


def test_the_ring_takes_many_points_at_once_and_answers_what_was_in_force() -> None:
    ring = RingSeries(capacity=4, headroom=1)
    ring.extend([0.0, 1.0], [5.0, 6.0])
    ring.extend(np.arange(2.0, 12.0), np.arange(2.0, 12.0) * 10)  # more than it holds
    assert ring.arrays()[0].tolist() == [8.0, 9.0, 10.0, 11.0]
    ring.append(20.0, math.nan)
    assert ring.arrays()[0].tolist() == [9.0, 10.0, 11.0, 20.0]
    assert ring.value_at(10.5) == 100.0
    assert math.isnan(ring.value_at(10.5, carried_for_s=0.2))  # too old to stand for 10.5
    assert math.isnan(ring.value_at(25.0))  # a gap stays a gap
    assert math.isnan(ring.value_at(1.0))  # before what it holds
    assert ring.between(9.5, 11.0).tolist() == [100.0, 110.0]
    ring.clear()
    assert len(ring) == 0
    assert ring.last() is None


def test_a_series_holds_three_days_at_the_fastest_poll() -> None:
    assert CAPACITY >= 3 * POINTS // 2


# --- two days of eight destinations ------------------------------------------------------

def test_two_days_of_eight_destinations_are_drawn_as_they_were_counted(
        graph: ViewerGraph) -> None:
    graph.set_view(GraphView.DESTINATIONS)
    assert graph.shown_keys() == tuple(destination_key(d) for d in range(1, 9))
    probe = [0, 4_321, index_of(HOVER_AT), POINTS - 1]
    for destination_id in range(1, 9):
        curve = graph.curve(destination_key(destination_id))
        assert graph.is_drawn(destination_key(destination_id))
        x, y = curve.xData, curve.yData
        assert len(x) == len(y) == POINTS
        assert x[0] == START.timestamp()
        assert np.all(np.diff(x) > 0)
        for k in probe:
            expected = math.nan if in_outage(destination_id, k) else count(destination_id, k)
            assert y[k] == expected or (math.isnan(y[k]) and math.isnan(expected))
    # pyqtgraph keeps the full data and draws a reduced copy: peak per pixel column.
    curve = graph.curve(destination_key(1))
    assert curve.opts["autoDownsample"] is True
    assert curve.opts["downsampleMethod"] == "peak"
    assert curve.opts["clipToView"] is True
    assert graph.plot.getPlotItem().clipToViewMode() is True
    drawn_x, _ = curve.getData()
    assert len(drawn_x) < POINTS // 4
    # Zoomed in on six hours: only what is in view (and a point either side) is drawn.
    start, end = START + timedelta(hours=4), START + timedelta(hours=10)
    graph.show_range(start, end)
    graph.grab()
    drawn_x, _ = curve.getData()
    margin = timedelta(minutes=10).total_seconds()  # a reduced point either side
    assert drawn_x.min() >= start.timestamp() - margin
    assert drawn_x.max() <= end.timestamp() + margin
    assert len(drawn_x) <= 6 * 3600 // STEP_S + 2  # of 34,560


def test_languages_and_the_total_are_sums_and_offline_is_a_gap_not_zero(
        graph: ViewerGraph) -> None:
    graph.set_view(GraphView.LANGUAGES)
    assert graph.shown_keys() == (AR, EN, ES, FR)  # the total listed, unticked
    assert not graph.is_drawn(TOTAL)
    spanish_outage = OUTAGES[0]
    inside = index_of(spanish_outage.start) + 60
    before = index_of(spanish_outage.start) - 60
    y = graph.curve(ES).yData
    assert math.isnan(y[inside])  # the only Spanish stream offline: a gap
    assert y[before] == count(6, before)
    assert graph.curve(ES).opts["connect"] == "finite"
    for language in (EN, FR, AR):
        for k in (before, inside):
            assert graph.curve(language).yData[k] == language_count(language, k)
    total = graph.series.ring(TOTAL).arrays()[1]
    assert total[inside] == sum(count(d, inside) for d in range(1, 9) if d != 6)
    assert np.isfinite(total).all()  # something was always live
    # Twitch FR failing for 20 minutes: French drops to YouTube FR alone, no gap.
    failing = index_of(OUTAGES[1].start) + 10
    assert graph.curve(FR).yData[failing] == count(4, failing)


def test_the_hover_reads_the_time_in_the_shows_zone_and_each_shown_value(
        graph: ViewerGraph) -> None:
    graph.set_view(GraphView.LANGUAGES)
    graph.show_hover(HOVER_AT, y_px=200)
    k = index_of(HOVER_AT)
    lines = graph.hover_text().splitlines()
    assert lines[0] == "Fri 23 Oct 15:12:30 WEST"
    assert lines[1] == "Donald Knuth: Literate programming"  # the segment on at 15:12
    assert lines[2:] == [f"{code}  {count_text(language_count(key, k))}"
                         for code, key in (("AR", AR), ("EN", EN), ("ES", ES), ("FR", FR))]
    assert graph.crosshair.isVisible()
    assert graph.crosshair.value() == HOVER_AT.timestamp()
    area = graph.plot.mapFromScene(graph.view_box.sceneBoundingRect()).boundingRect()
    assert QRectF(area).contains(QRectF(graph.hover.geometry()))
    # The same instant in New York's time; an offline stream says so.
    graph.set_time_zone(ZoneInfo("America/New_York"))
    graph.show_hover(OUTAGES[0].start + timedelta(minutes=5))
    lines = graph.hover_text().splitlines()
    assert lines[0] == "Fri 23 Oct 08:05:00 EDT"
    assert "ES  offline" in lines
    graph.hide_hover()
    assert graph.hover_text() == ""


def test_the_stats_strip_gives_current_peak_and_average_of_the_selected_series(
        graph: ViewerGraph) -> None:
    total = graph.series.ring(TOTAL).arrays()[1]
    stats = graph.stats()
    assert stats.key == TOTAL
    assert stats.current == total[-1]
    assert stats.peak == total.max()
    assert stats.average == pytest.approx(total.mean())
    assert not stats.stale
    assert graph.stats_series.text() == "Total"
    assert graph.stats_current.text() == f"{round(total[-1]):,}"
    assert graph.stats_peak.text() == f"{round(total.max()):,}"
    assert graph.stats_average.text() == f"{round(total.mean()):,}"
    # Another series, chosen in the legend; peak and average over the time shown only.
    graph.set_view(GraphView.DESTINATIONS)
    row = [graph.legend.item(r).data(Qt.ItemDataRole.UserRole)
           for r in range(graph.legend.count())].index(destination_key(6))
    graph.legend.setCurrentRow(row)
    assert graph.selected == destination_key(6)
    assert graph.stats_series.text() == "YouTube ES"
    graph.show_range(OUTAGES[0].start, OUTAGES[0].end - timedelta(seconds=1))
    assert graph.stats_peak.text() == "—"  # offline all along the time shown
    assert graph.stats().current == count(6, POINTS - 1)


def test_a_stale_count_is_greyed_and_says_how_old_it_is(
        qtbot: Any, history: list[ViewerSample]) -> None:
    late = ViewerGraph(clock=lambda: NOW + timedelta(minutes=10))
    qtbot.addWidget(late)
    late.set_destinations(destinations())
    late.load_history(history)
    assert late.stats().stale
    assert late.stats_current.property("stale") is True
    assert late.stats_note.text() == "stale: last count 10 min ago"
    late.set_view(GraphView.LANGUAGES)
    assert late.legend.item(1).text() == "AR (stale)"
    fresh = ViewerGraph(clock=lambda: NOW)
    qtbot.addWidget(fresh)
    fresh.set_destinations(destinations())
    fresh.load_history(history)
    assert fresh.stats_current.property("stale") is False
    assert fresh.stats_note.text() == ""


def test_markers_have_their_labels_inside_the_plot_and_never_overlapping(
        graph: ViewerGraph) -> None:
    expected = list(markers())
    assert graph.markers() == [(at.astimezone(UTC), label, kind) for at, label, kind in expected]
    area = QRectF(graph.plot.mapFromScene(
        graph.view_box.sceneBoundingRect()).boundingRect())
    for shown_range in (None, (START + timedelta(hours=4), START + timedelta(hours=10))):
        if shown_range is not None:
            graph.show_range(*shown_range)
        labels = graph.marker_labels()
        assert labels
        for text, rect in labels:
            assert area.contains(rect), text
        for i, (_, a) in enumerate(labels):
            for _, b in labels[i + 1:]:
                assert not a.intersects(b)
        texts = [text for text, _ in labels]
        for text in texts:
            assert any(label == text or (text.endswith("…") and label.startswith(text[:-1]))
                       for _, label, _ in expected), text
    # Zoomed in, every segment of the afternoon has its label.
    afternoon = [label for at, label, kind in expected if kind is MarkerKind.SEGMENT
                 and START + timedelta(hours=4) <= at <= START + timedelta(hours=10)]
    assert len(afternoon) == 8
    shown = [text.rstrip("…") for text in texts]
    assert all(any(label.startswith(text) for text in shown) for label in afternoon)


def test_the_time_axis_ticks_on_whole_hours_of_the_shows_zone() -> None:
    start = datetime(2026, 10, 23, 10, 0, tzinfo=UTC).timestamp()
    end = start + 6 * 3600
    lisbon = ShowTimeAxis(ZoneInfo("Europe/Lisbon"))
    new_york = ShowTimeAxis(ZoneInfo("America/New_York"))
    for axis, hours in ((lisbon, range(11, 18)), (new_york, range(6, 13))):
        values = axis.wall_ticks(start, end, 3600)
        assert values[0] == start  # 10:00 UTC is a whole hour in both zones
        assert axis.tickStrings(values, 1.0, 3600) == [f"{h:02d}:00" for h in hours]
    half_hours = new_york.wall_ticks(start + 60, start + 3600, 1800)
    assert new_york.tickStrings(half_hours, 1.0, 1800) == ["06:30", "07:00"]
    # Lisbon leaves summer time on 25 October 2026: the ticks stay on whole local hours
    # (four real hours between its 00:00 and 03:00) and midnight says which day it is.
    night = datetime(2026, 10, 24, 18, 0, tzinfo=UTC).timestamp()
    values = lisbon.wall_ticks(night, night + 14 * 3600, 3 * 3600)
    assert lisbon.tickStrings(values, 1.0, 3 * 3600) == ["21:00", "Sun 25", "03:00", "06:00"]
    assert [b - a for a, b in itertools.pairwise(values)] == [
        3 * 3600, 4 * 3600, 3 * 3600]
    days = lisbon.wall_ticks(night, night + 3 * 86400, 86400)
    assert lisbon.tickStrings(days, 1.0, 86400) == ["Sun 25", "Mon 26", "Tue 27"]


@pytest.mark.parametrize("width", [300, 700, 1200, 1900])
@pytest.mark.parametrize("hours", [0.02, 1, 6, 48, 24 * 20])
def test_the_time_axis_leaves_room_for_its_labels(width: int, hours: float) -> None:
    axis = ShowTimeAxis(ZoneInfo("Europe/Lisbon"))
    start = datetime(2026, 10, 23, 10, 7, 13, tzinfo=UTC).timestamp()
    end = start + hours * 3600
    (spacing, values), = axis.tickValues(start, end, width)
    strings = axis.tickStrings(values, 1.0, spacing)
    assert 2 <= len(values) <= width // 40
    metrics = QFontMetricsF(axis.style["tickFont"])
    widest = max(metrics.horizontalAdvance(text) for text in strings)
    seconds_per_px = (end - start) / width
    assert min(b - a for a, b in itertools.pairwise(values)) / seconds_per_px > widest + 8


def test_the_graphs_axis_follows_set_time_zone(graph: ViewerGraph) -> None:
    graph.show_range(START + timedelta(hours=4), START + timedelta(hours=10))
    axis = graph.time_axis

    def ticks() -> tuple[list[float], list[str]]:
        first, last = graph.x_range()
        (spacing, values), = axis.tickValues(first, last, axis.geometry().width())
        return values, axis.tickStrings(values, 1.0, spacing)

    lisbon_values, lisbon = ticks()
    graph.set_time_zone(ZoneInfo("America/New_York"))
    new_york_values, new_york = ticks()
    assert lisbon_values == new_york_values  # whole hours in both
    assert lisbon != new_york
    for value, lisbon_text, new_york_text in zip(lisbon_values, lisbon, new_york, strict=True):
        assert lisbon_text == datetime.fromtimestamp(value, ZONE).strftime("%H:%M")
        assert new_york_text == datetime.fromtimestamp(
            value, ZoneInfo("America/New_York")).strftime("%H:%M")


# --- live samples ---------------------------------------------------------------------------

def test_samples_are_buffered_and_the_timer_draws_only_what_changed(qtbot: Any) -> None:
    now = [START + timedelta(hours=1)]
    live = ViewerGraph(clock=lambda: now[0])
    qtbot.addWidget(live)
    live.set_destinations(destinations())
    live.show()
    assert live.redraw_timer.interval() == 1000
    curve = live.curve(TOTAL)
    for k in range(3):
        for d in (1, 2):
            live.add_sample(ViewerSample(d, START + timedelta(seconds=5 * k),
                                         ViewerState.LIVE, 100 * d + k))
    assert curve.yData is None or len(curve.yData) == 0  # buffered, not drawn yet
    live.redraw_timer.timeout.emit()
    assert curve.yData.tolist() == [300.0, 302.0, 304.0]
    drawn: list[object] = []
    original = curve.setData
    curve.setData = lambda *args, **kwargs: (drawn.append(args), original(*args, **kwargs))
    live.redraw_timer.timeout.emit()
    assert drawn == []  # nothing new: nothing drawn again
    live.add_sample(ViewerSample(1, START + timedelta(seconds=15), ViewerState.OFFLINE))
    assert live.needs_redraw()  # its bucket's total changed
    live.redraw_timer.timeout.emit()
    assert len(drawn) == 1
    assert curve.yData.tolist()[-1] == 202.0  # destination 1 went offline: 2's count alone
    assert not live.needs_redraw()
    # Hidden (a closed dock), it draws nothing until shown again.
    live.hide()
    live.add_sample(ViewerSample(2, START + timedelta(seconds=20), ViewerState.LIVE, 150))
    live.redraw_timer.timeout.emit()
    assert len(drawn) == 1
    live.show()
    assert curve.yData.tolist()[-1] == 150.0


def test_the_view_and_the_legend_choose_what_is_drawn(graph: ViewerGraph) -> None:
    assert graph.view is GraphView.TOTAL
    assert graph.legend.isHidden()  # the total alone needs no legend
    graph.set_view(GraphView.LANGUAGES)
    assert graph.view_combo.currentText() == "Per language"
    assert graph.legend.isVisibleTo(graph)
    assert [graph.legend.item(r).text() for r in range(graph.legend.count())] == [
        "Total", "AR", "EN", "ES", "FR"]
    graph.legend.item(0).setCheckState(Qt.CheckState.Checked)
    assert graph.is_drawn(TOTAL)
    graph.legend.item(2).setCheckState(Qt.CheckState.Unchecked)
    assert not graph.is_drawn(EN)
    assert graph.shown_keys() == (TOTAL, AR, ES, FR)
    graph.set_view(GraphView.DESTINATIONS)
    assert not graph.is_drawn(TOTAL)  # each view keeps its own ticks
    assert not graph.is_drawn(EN)
    assert graph.is_drawn(destination_key(1))


def test_the_last_hour_follows_the_clock_until_the_operator_pans(graph: ViewerGraph) -> None:
    graph.show_last(3600)
    start, end = graph.x_range()
    assert start == pytest.approx(NOW.timestamp() - 3600)
    assert end > NOW.timestamp()
    assert graph.range_combo.currentText() == "Last hour"
    graph.show_range(START, START + timedelta(hours=2))
    assert not graph.following
    assert graph.range_combo.currentIndex() == -1  # "Panned"
    assert graph.x_range() == (START.timestamp(), START.timestamp() + 7200)
    graph.show_last(None)
    assert graph.following
    assert graph.range_combo.currentText() == "Everything"
    start, end = graph.x_range()
    assert start <= START.timestamp()
    assert end >= (NOW - timedelta(seconds=5)).timestamp()


# --- at the stage window's sizes ----------------------------------------------------------------

def keep(picture: str, widget: Any) -> None:
    folder = os.environ.get("CONSOLE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{picture}.png"))


@pytest.mark.parametrize("picture", [p for p in photos.PICTURES if "stale" not in p.name],
                         ids=lambda p: p.name)
def test_the_graph_is_readable_at_the_stage_windows_sizes(
        qtbot: Any, themed_app: QApplication, picture: Picture) -> None:
    graph, window = photos.staged(picture)
    qtbot.addWidget(window)
    keep(picture.name, window)
    found = photos.findings(graph)
    hint_width, hint_height, least_width, least_height = found["minimum"]
    assert (least_width, least_height) == (500, 220)
    assert hint_width <= least_width  # what it asks is what it says
    assert hint_height <= least_height
    assert graph.height() >= least_height  # a third of a 1280x800 window is room enough
    box = found["graph"]
    for name, size in found["figures_px"].items():
        assert size >= FIGURE_PX_AT_LEAST, name
    rects = found["figure_rects"]
    for name, rect in rects.items():
        assert photos.inside(rect, box), name
        figure = getattr(graph, name)
        assert figure.fontMetrics().horizontalAdvance(figure.text()) <= rect[2], name
    ordered = sorted(rects.values())
    assert all(a[0] + a[2] <= b[0] for a, b in itertools.pairwise(ordered))
    plot = found["plot"]
    assert found["hover"] is not None
    assert photos.inside(found["hover"], plot)
    labels = found["marker_labels"]
    assert labels
    for label in labels:
        assert photos.inside(label["rect"], plot), label["text"]
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            assert not QRectF(*a["rect"]).intersects(QRectF(*b["rect"]))
    assert len(found["axis_strings"]) >= 4
